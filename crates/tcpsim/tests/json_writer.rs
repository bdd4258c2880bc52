//! The hand-written JSON (used by the wasm build) is the same document
//! serde_json writes, for every scenario, with defaults and with loss.

use tcpsim::{defaults, run, SCENARIOS};

#[test]
fn hand_written_json_equals_serde_json() {
    for s in SCENARIOS {
        for loss in [0, 20] {
            let mut p = defaults(s.id).unwrap();
            // (The windowed scenarios take no loss_pct.)
            if p.set("loss_pct", loss).is_err() && loss > 0 {
                continue;
            }
            let t = run(s.id, &p).unwrap();
            let ours: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
            let theirs = serde_json::to_value(&t).unwrap();
            assert_eq!(ours, theirs, "{} loss {loss}", s.id);
            // and it reads back into the same trace
            let back: tcpsim::Trace = serde_json::from_str(&t.to_json()).unwrap();
            assert_eq!(back, t);
        }
    }
}

#[test]
fn json_strings_escape_as_serde_json_does() {
    for s in [
        "",
        "plain",
        "a\"b\\c\nd\u{1}\u{1f}é中",
        "\t\r\u{8}\u{c}\u{7f}",
        "</script>",
    ] {
        let mut o = String::new();
        tcpsim::push_json_string(&mut o, s);
        assert_eq!(o, serde_json::to_string(s).unwrap(), "{s:?}");
    }
}
