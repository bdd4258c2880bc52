//! `tcpsim presets` (the explorer's presets, one table for the page and the
//! CLI) and `tcpsim run --preset ID`.

mod common;
use common::{bad, stderr, stdout, tcpsim};
use serde_json::Value;

fn presets() -> Vec<Value> {
    let o = tcpsim(&["presets", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    match serde_json::from_str::<Value>(&stdout(&o)).expect("presets JSON parses") {
        Value::Array(a) => a,
        v => panic!("want an array, got {v}"),
    }
}

const CASES: [(&str, &str, &[&str]); 4] = [
    (
        "idle",
        "keepalive-peer-dead",
        &[
            "so_keepalive",
            "tcp_keepidle",
            "tcp_keepintvl",
            "tcp_keepcnt",
            "user_timeout",
        ],
    ),
    (
        "data",
        "host-crash-data-no-reboot",
        &["user_timeout", "tcp_retries2"],
    ),
    (
        "connect",
        "connect-dead-host",
        &["user_timeout", "tcp_syn_retries", "tcp_syn_linear_timeouts"],
    ),
    (
        "reading",
        "peer-hung",
        &[
            "so_keepalive",
            "tcp_keepidle",
            "tcp_keepintvl",
            "tcp_keepcnt",
            "user_timeout",
            "tcp_retries2",
        ],
    ),
];

fn param(case: &str, knob: &str) -> String {
    match (case, knob) {
        ("connect", "user_timeout") => "client_tcp_user_timeout".into(),
        (_, "user_timeout") => "tcp_user_timeout".into(),
        (_, k) => k.into(),
    }
}

fn values(p: &Value, case: &str) -> Vec<u64> {
    let (_, _, knobs) = CASES.iter().find(|c| c.0 == case).unwrap();
    knobs
        .iter()
        .map(|k| {
            p["values"][case][k]
                .as_u64()
                .unwrap_or_else(|| panic!("{} {case} {k}", p["id"]))
        })
        .collect()
}

fn preset<'a>(all: &'a [Value], id: &str) -> &'a Value {
    all.iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no preset {id}"))
}

#[test]
fn every_preset_has_names_values_sources_and_says_how_it_was_verified() {
    let all = presets();
    assert!(all.len() >= 9, "{}", all.len());
    for p in &all {
        let id = p["id"].as_str().unwrap();
        for l in ["zh", "en"] {
            for f in ["name", "note", "versions", "verification"] {
                assert!(!p[f][l].as_str().unwrap_or("").is_empty(), "{id}: {f}.{l}");
            }
        }
        for (case, _, knobs) in CASES {
            assert_eq!(
                p["values"][case].as_object().unwrap().len(),
                knobs.len(),
                "{id} {case}"
            );
            values(p, case);
        }
        let sources = p["sources"].as_array().unwrap();
        assert!(!sources.is_empty(), "{id}");
        for s in sources {
            assert!(
                s["href"].as_str().unwrap().starts_with("https://"),
                "{id}: {s}"
            );
        }
        let en = p["verification"]["en"].as_str().unwrap();
        match &p["verified"] {
            Value::Null => assert_eq!(en, "from documentation, not verified here", "{id}"),
            v => {
                assert!(
                    en.starts_with("verified by test tests/presets/run.sh ("),
                    "{id}: {en}"
                );
                assert!(en.contains(v["software"].as_str().unwrap()), "{id}: {en}");
                assert!(!v["stack"].as_str().unwrap().is_empty());
            }
        }
    }
}

#[test]
fn the_values_are_what_the_software_sets() {
    let all = presets();
    // Linux: nothing set, the sysctls' defaults.
    assert_eq!(values(preset(&all, "linux"), "idle"), [0, 0, 0, 0, 0]);
    assert_eq!(values(preset(&all, "linux"), "data"), [0, 15]);
    assert_eq!(values(preset(&all, "linux"), "connect"), [0, 6, 4]);
    // Redis's anetKeepAlive: the value, a third of it, 3 probes.
    assert_eq!(values(preset(&all, "redis"), "idle"), [1, 300, 100, 3, 0]);
    // Node.js setKeepAlive(true): TCP_KEEPIDLE 0 fails, nothing else set.
    assert_eq!(values(preset(&all, "node"), "idle"), [1, 0, 0, 0, 0]);
    assert_eq!(values(preset(&all, "node-30s"), "idle"), [1, 30, 1, 10, 0]);
    assert_eq!(values(preset(&all, "go"), "idle"), [1, 15, 15, 9, 0]);
    assert_eq!(values(preset(&all, "libpq"), "idle"), [1, 0, 0, 0, 0]);
    assert_eq!(values(preset(&all, "java"), "idle"), [0, 0, 0, 0, 0]);
    // gRPC C-core sets TCP_USER_TIMEOUT before connect(); grpc-go once connected.
    assert_eq!(values(preset(&all, "grpc"), "connect"), [20000, 6, 4]);
    assert_eq!(values(preset(&all, "grpc-go"), "connect"), [0, 6, 4]);
    assert_eq!(values(preset(&all, "grpc-go"), "idle"), [1, 0, 0, 0, 20000]);
    assert_eq!(preset(&all, "grpc-go")["verified"], Value::Null);
    // A stack's socket options are the same whatever the peer did: the
    // stopped-reading case has the idle case's, and the data case's
    // tcp_retries2.
    for p in &all {
        let idle = values(p, "idle");
        let mut want = idle.clone();
        want.push(values(p, "data")[1]);
        assert_eq!(values(p, "reading"), want, "{}", p["id"]);
    }
    assert_eq!(
        values(preset(&all, "grpc"), "reading"),
        [0, 0, 0, 0, 20000, 15]
    );
}

#[test]
fn text_lists_every_preset_in_both_languages() {
    let all = presets();
    for (lang, word) in [
        ("en", "from documentation, not verified here"),
        ("zh", "来自文档和源码，未在这里验证"),
    ] {
        let o = tcpsim(&["presets", "--lang", lang]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        for p in &all {
            let head = format!(
                "{}  {}",
                p["id"].as_str().unwrap(),
                p["name"][lang].as_str().unwrap()
            );
            assert!(out.lines().any(|l| l == head), "{lang}: no line {head:?}");
            assert!(
                out.contains(p["verification"][lang].as_str().unwrap()),
                "{lang}: {}",
                p["id"]
            );
        }
        assert!(out.contains(word), "{lang}");
        assert!(out.contains("TCP_KEEPIDLE 300, TCP_KEEPINTVL 100, TCP_KEEPCNT 3"));
    }
    // text is the default format.
    assert_eq!(
        stdout(&tcpsim(&["presets"])),
        stdout(&tcpsim(&["presets", "--format", "text"]))
    );
}

/// `run --preset ID` draws exactly the run `--set`s of the table's values
/// give, for every preset and case.
#[test]
fn run_with_a_preset_is_run_with_its_values() {
    for p in presets() {
        let id = p["id"].as_str().unwrap();
        for (case, scenario, knobs) in CASES {
            let mut args: Vec<String> = vec![
                "run".into(),
                scenario.into(),
                "--format".into(),
                "json".into(),
            ];
            for (k, v) in knobs.iter().zip(values(&p, case)) {
                args.push("--set".into());
                args.push(format!("{}={v}", param(case, k)));
            }
            let by_sets = tcpsim(&args.iter().map(String::as_str).collect::<Vec<_>>());
            let by_preset = tcpsim(&["run", scenario, "--preset", id, "--format", "json"]);
            assert_eq!(
                by_preset.status.code(),
                Some(0),
                "{id} {scenario}: {}",
                stderr(&by_preset)
            );
            assert_eq!(stdout(&by_preset), stdout(&by_sets), "{id} {scenario}");
        }
    }
    // Redis drops a dead client 600 s after the last segment (plus the
    // timer wheel's rounding), not 7875 s.
    let o = tcpsim(&[
        "run",
        "keepalive-peer-dead",
        "--preset",
        "redis",
        "--format",
        "json",
    ]);
    let t: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let after = t["outcome"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["host"] == "server")
        .unwrap()["after"]
        .as_f64()
        .unwrap();
    // The handshake ends at 0.03 s, the client crashes at 10 s: 600 s after
    // the last segment plus the timer wheel's rounding.
    assert!(
        (590.0..600.0).contains(&after),
        "after the crash at 10 s: {after}"
    );
}

#[test]
fn set_after_a_preset_changes_its_value() {
    let a = tcpsim(&[
        "run",
        "keepalive-peer-dead",
        "--preset",
        "redis",
        "--set",
        "tcp_keepcnt=9",
        "--format",
        "json",
    ]);
    let b = tcpsim(&[
        "run",
        "keepalive-peer-dead",
        "--set",
        "so_keepalive=1",
        "--set",
        "tcp_keepidle=300",
        "--set",
        "tcp_keepintvl=100",
        "--set",
        "tcp_keepcnt=9",
        "--set",
        "tcp_user_timeout=0",
        "--format",
        "json",
    ]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn bad_presets_are_named_with_what_is_allowed() {
    bad(
        &["run", "keepalive-peer-dead", "--preset", "redis7"],
        &[
            "unknown preset 'redis7'",
            "presets: linux, go, libpq, redis, node, node-30s, java, grpc, grpc-go",
        ],
    );
    bad(
        &["run", "keepalive-peer-dead", "--preset"],
        &["'--preset' needs a value"],
    );
    bad(
        &[
            "run",
            "keepalive-peer-dead",
            "--preset",
            "go",
            "--preset",
            "redis",
        ],
        &["'--preset' given more than once"],
    );
    bad(
        &["run", "process-crash", "--preset", "go"],
        &[
            "not to 'process-crash'",
            "keepalive-peer-dead, host-crash-data-no-reboot, connect-dead-host",
        ],
    );
    bad(
        &["ss", "keepalive-peer-dead", "--at", "1", "--preset", "go"],
        &["unknown option '--preset'"],
    );
    bad(
        &["presets", "--format", "svg"],
        &["unknown format 'svg'", "text, json"],
    );
    bad(
        &["presets", "--lang", "fr"],
        &["unknown language 'fr'", "en, zh"],
    );
    bad(
        &["presets", "redis"],
        &["unexpected argument 'redis'", "--format"],
    );
    bad(&["presets", "--format"], &["'--format' needs a value"]);
}

/// The README's presets table has a row per preset, with its verification.
#[test]
fn readme_lists_every_preset() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    for p in presets() {
        let id = p["id"].as_str().unwrap();
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` ")))
            .unwrap_or_else(|| panic!("README has no presets row for `{id}`"));
        let how = if p["verified"].is_null() {
            "from documentation, not verified here".to_string()
        } else {
            format!("`{}`", p["verified"]["stack"].as_str().unwrap())
        };
        assert!(
            row.contains(&how),
            "README row for {id} lacks {how:?}: {row}"
        );
    }
}
