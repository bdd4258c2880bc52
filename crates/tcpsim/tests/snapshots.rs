//! Snapshot tests: every scenario's full trace with default parameters,
//! pinned as JSON. A change in behaviour shows up as a reviewable diff.
//! Rewrite them with `UPDATE_SNAPSHOTS=1 cargo test -p tcpsim --test snapshots`.

use std::path::PathBuf;
use tcpsim::{defaults, run, SCENARIOS};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

#[test]
fn every_scenario_matches_its_snapshot() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut mismatches = Vec::new();
    for s in SCENARIOS {
        let trace = run(s.id, &defaults(s.id).unwrap()).unwrap();
        let json = serde_json::to_string_pretty(&trace).unwrap() + "\n";
        let path = dir().join(format!("{}.json", s.id));
        if update {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, &json).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_SNAPSHOTS=1", path.display()));
        if want != json {
            mismatches.push(s.id);
        }
        // The snapshot also parses back into the same trace (the JSON
        // contract round-trips).
        let back: tcpsim::Trace = serde_json::from_str(&want).unwrap();
        if want == json {
            assert_eq!(back, trace, "{}", s.id);
        }
    }
    assert!(
        mismatches.is_empty(),
        "traces changed for {mismatches:?}; review and rerun with UPDATE_SNAPSHOTS=1"
    );
}
