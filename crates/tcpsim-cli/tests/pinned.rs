//! Every output, byte for byte: for each parameter set below, the JSON
//! trace (serde's and the core's own writer), the SVG and the HTML table in
//! both languages, the terminal text and the pcap are compared with files
//! under `tests/pinned/`. The sets are the ten default
//! runs, every kernel recording's parameters (tests/kernel/fixtures), and a
//! few seeded runs with random loss. A refactoring must leave all of them
//! unchanged; a deliberate change in behaviour shows up as a reviewable diff.
//!
//! Rewrite them with `UPDATE_SNAPSHOTS=1 cargo test -p tcpsim-cli --test pinned`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tcpsim_diagram::{Lang, SvgOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pinned_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pinned")
}

/// (name, scenario, parameters set on top of the scenario's defaults).
fn parameter_sets() -> Vec<(String, String, BTreeMap<String, i64>)> {
    let mut sets = Vec::new();
    for s in tcpsim::SCENARIOS {
        sets.push((s.id.to_string(), s.id.to_string(), BTreeMap::new()));
    }
    // The parameters of every kernel recording.
    let fixtures = root().join("tests/kernel/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("tests/kernel/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for f in files {
        let fx: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let params = fx["params"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
            .collect();
        sets.push((
            format!("kernel-{}", fx["name"].as_str().unwrap()),
            fx["scenario"].as_str().unwrap().to_string(),
            params,
        ));
    }
    // Random loss, seeded: the retransmission and handshake paths under loss.
    // (The windowed scenarios take no loss_pct: no recovery inside a window
    // is modelled.)
    let takes_loss = |id: &str| {
        tcpsim::defaults(id)
            .unwrap()
            .specs()
            .iter()
            .any(|p| p.name == "loss_pct")
    };
    for s in tcpsim::SCENARIOS.iter().filter(|s| takes_loss(s.id)) {
        for (loss, seed) in [(10, 7), (30, 42)] {
            let mut p = BTreeMap::new();
            p.insert("loss_pct".to_string(), loss);
            p.insert("seed".to_string(), seed);
            sets.push((
                format!("{}-loss{loss}-seed{seed}", s.id),
                s.id.to_string(),
                p,
            ));
        }
    }
    sets
}

/// The outputs of one run, by file suffix.
fn outputs(scenario: &str, set: &BTreeMap<String, i64>) -> Vec<(&'static str, Vec<u8>)> {
    let mut p = tcpsim::defaults(scenario).unwrap();
    for (k, v) in set {
        p.set(k, *v).unwrap();
    }
    let trace = tcpsim::run(scenario, &p).unwrap();
    let svg = |lang| {
        tcpsim_diagram::svg(
            &trace,
            &SvgOptions {
                lang,
                ..SvgOptions::default()
            },
        )
        .into_bytes()
    };
    vec![
        (
            "json",
            (serde_json::to_string_pretty(&trace).unwrap() + "\n").into_bytes(),
        ),
        ("core.json", trace.to_json().into_bytes()),
        ("en.svg", svg(Lang::En)),
        ("zh.svg", svg(Lang::Zh)),
        ("txt", tcpsim_diagram::text(&trace, Lang::En).into_bytes()),
        (
            "zh.txt",
            tcpsim_diagram::text(&trace, Lang::Zh).into_bytes(),
        ),
        ("pcap", tcpsim::pcap::write(&trace)),
        (
            "en.table.html",
            tcpsim_diagram::table_html(&trace, Lang::En).into_bytes(),
        ),
        (
            "zh.table.html",
            tcpsim_diagram::table_html(&trace, Lang::Zh).into_bytes(),
        ),
    ]
}

#[test]
fn every_output_is_byte_identical_to_its_pinned_copy() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let dir = pinned_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let mut differ = Vec::new();
    let mut expected_files = std::collections::BTreeSet::new();
    for (name, scenario, set) in parameter_sets() {
        for (suffix, bytes) in outputs(&scenario, &set) {
            let file = format!("{name}.{suffix}");
            let path = dir.join(&file);
            expected_files.insert(file.clone());
            if update {
                if std::fs::read(&path).ok().as_deref() != Some(&bytes[..]) {
                    std::fs::write(&path, &bytes).unwrap();
                }
                continue;
            }
            match std::fs::read(&path) {
                Ok(want) if want == bytes => {}
                Ok(_) => differ.push(format!("{file}: differs")),
                Err(e) => differ.push(format!("{file}: {e}")),
            }
        }
    }
    // No stale pinned file for a set that is gone.
    for e in std::fs::read_dir(&dir).unwrap() {
        let f = e.unwrap().file_name().to_string_lossy().to_string();
        if !expected_files.contains(&f) {
            if update {
                std::fs::remove_file(dir.join(&f)).unwrap();
            } else {
                differ.push(format!("{f}: no parameter set makes it"));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} pinned outputs differ (review, then rerun with UPDATE_SNAPSHOTS=1):\n{}",
        differ.len(),
        differ.join("\n")
    );
}
