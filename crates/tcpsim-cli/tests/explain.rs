//! `tcpsim explain`: the connection list, one connection in each format,
//! and bad input (exit 2, one line) or a failed write (exit 1).

use std::path::{Path, PathBuf};
mod common;
use common::{bad, stderr, stdout, tcpsim};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/kernel/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A file of our own in the temporary directory.
fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("tcpsim-explain-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn the_list_shows_each_connection_and_how_it_ended() {
    let o = tcpsim(&["explain", &fixture("syn-established-new-port.pcap")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("8 packets, 8 TCP segments, 2 connections"),
        "{out}"
    );
    let rows: Vec<&str> = out.lines().filter(|l| l.contains("10.0.0.1:")).collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(
        rows[0].starts_with("0  10.0.0.1:40000  10.0.0.2:8080"),
        "{out}"
    );
    assert!(rows[0].ends_with("RST from the client"), "{out}");
    assert!(rows[1].contains("10.0.0.1:40001") && rows[1].ends_with("still open at the end"));
    assert!(out.contains("skipped: none"), "{out}");
    let zh = stdout(&tcpsim(&[
        "explain",
        &fixture("syn-established-new-port.pcap"),
        "--lang",
        "zh",
    ]));
    assert!(zh.contains("客户端发了 RST"), "{zh}");
}

#[test]
fn the_list_as_json_holds_the_connections_and_what_was_skipped() {
    let o = tcpsim(&[
        "explain",
        &fixture("keepalive-peer-dead.pcap"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let list = v["connections"].as_array().expect("an array");
    assert_eq!(list.len(), 1);
    assert_eq!(v["stats"]["connections"], 1);
    assert_eq!(v["warning"], serde_json::Value::Null);
    assert!(v["skipped"].is_array());
    let c = &list[0];
    assert_eq!(c["index"], 0);
    assert_eq!(c["client"]["ip"], "10.0.0.1");
    assert_eq!(c["client"]["port"], 40000);
    assert_eq!(c["server"]["port"], 8080);
    assert_eq!(c["packets_from_client"], 2);
    assert_eq!(c["packets_from_server"], 5);
    assert_eq!(c["handshake"], true);
    assert_eq!(c["end"], "reset");
    assert_eq!(c["end_by"], "server");
    assert!(c["last_at"].as_f64().unwrap() > 5.0);
}

#[test]
fn one_connection_as_text_starts_with_its_diagnosis() {
    let o = tcpsim(&[
        "explain",
        &fixture("keepalive-peer-dead.pcap"),
        "--conn",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    // The facts seen, then the readings.
    assert!(
        first.starts_with("diagnosis: Seen: the client sent"),
        "{first}"
    );
    assert!(first.contains("Reading"), "{first}");
    assert!(first.contains("half-open from"), "{first}");
    assert!(
        first.contains("keepalive gave up after 3 probes"),
        "{first}"
    );
    assert!(out.contains("keepalive probe"), "{out}");
    let zh = stdout(&tcpsim(&[
        "explain",
        &fixture("keepalive-peer-dead.pcap"),
        "--conn",
        "0",
        "--lang",
        "zh",
    ]));
    assert!(zh.starts_with("diagnosis: 所见："), "{zh}");
    assert!(
        zh.contains("解读") && zh.contains("从 0.000 秒起半开"),
        "{zh}"
    );
}

#[test]
fn one_connection_as_json_carries_the_run_contract() {
    let o = tcpsim(&[
        "explain",
        &fixture("kill-from-outside.pcap"),
        "--conn",
        "10.0.0.2:8080-10.0.0.1:40000",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["diagnosis"]["ending"], "third_party_reset");
    assert!(v["diagnosis"]["zh"].as_str().unwrap().contains("伪造 RST"));
    assert!(v["diagnosis"]["en"]
        .as_str()
        .unwrap()
        .contains("forged RST"));
    assert_eq!(v["connection"]["index"], 0);
    let trace: tcpsim::Trace = serde_json::from_value(v["trace"].clone()).unwrap();
    assert_eq!(trace.origin, tcpsim::trace::Origin::Capture);
    assert_eq!(trace.scenario, "capture");
    assert!(trace.params.is_empty());
    let names: Vec<&str> = trace.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["client", "server", "attacker"]);
    assert_eq!(trace.hosts[2].ip, "02:00:00:00:00:03");
    // The same trace the library gives.
    let cap =
        tcpsim_analyse::read(&std::fs::read(fixture("kill-from-outside.pcap")).unwrap()).unwrap();
    assert_eq!(trace, cap.explain(0).unwrap().trace);
    // And the same document layout as `tcpsim run --format json`, indented.
    let pretty = serde_json::to_string_pretty(&trace).unwrap();
    assert!(stdout(&o).contains(&pretty.replace('\n', "\n  ")));
}

#[test]
fn one_connection_as_svg_has_the_diagnosis_for_title() {
    let out_file = std::env::temp_dir().join(format!("tcpsim-explain-{}.svg", std::process::id()));
    let o = tcpsim(&[
        "explain",
        &fixture("process-crash.pcap"),
        "--conn=0",
        "--format=svg",
        "--lang=zh",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let svg = std::fs::read_to_string(&out_file).unwrap();
    let _ = std::fs::remove_file(&out_file);
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.contains("<title id=\"t-capture\">所见："), "{svg}");
    assert!(svg.contains("解读：正常关闭"), "{svg}");
    assert!(svg.contains("10.0.0.2"));
}

#[test]
fn a_file_cut_short_is_read_up_to_the_cut_with_a_warning() {
    let bytes = std::fs::read(fixture("process-crash-linger.pcap")).unwrap();
    let cut = temp("cut.pcap", &bytes[..bytes.len() - 30]);
    let o = tcpsim(&["explain", cut.to_str().unwrap()]);
    let _ = std::fs::remove_file(&cut);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("tcpsim: warning: "), "{err}");
    assert!(
        err.contains("the file ends in the middle of a record"),
        "{err}"
    );
    assert!(stdout(&o).starts_with("6 packets"), "{}", stdout(&o));
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let pcap = fixture("process-crash.pcap");
    bad(&["explain"], &["needs a capture file"]);
    bad(
        &["explain", "/nonexistent/x.pcap"],
        &["cannot read capture", "x.pcap"],
    );
    bad(
        &["explain", &fixture("process-crash.json")],
        &["not a pcap or pcapng capture", "tcpsim capture"],
    );
    let empty = temp("empty.pcap", b"");
    bad(
        &["explain", empty.to_str().unwrap()],
        &["the file is empty"],
    );
    let _ = std::fs::remove_file(&empty);
    // A pcap header for 802.11 radiotap (127).
    let mut radiotap = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
    radiotap.extend_from_slice(&[0; 8]);
    radiotap.extend_from_slice(&65535u32.to_le_bytes());
    radiotap.extend_from_slice(&127u32.to_le_bytes());
    let rt = temp("radiotap.pcap", &radiotap);
    bad(
        &["explain", rt.to_str().unwrap()],
        &[
            "link type 127",
            "802.11 radiotap",
            "supported: Ethernet (1)",
        ],
    );
    let _ = std::fs::remove_file(&rt);
    bad(
        &["explain", &pcap, "--conn", "3"],
        &["no connection 3", "index 0"],
    );
    bad(
        &["explain", &pcap, "--conn", "10.0.0.9:1-10.0.0.2:8080"],
        &["no connection between 10.0.0.9:1-10.0.0.2:8080"],
    );
    bad(
        &["explain", &pcap, "--conn", "nonsense"],
        &["'nonsense' is neither a connection index nor ADDR:PORT-ADDR:PORT"],
    );
    bad(
        &["explain", &pcap, "--format", "pcap"],
        &["formats here: text, json, svg"],
    );
    bad(
        &["explain", &pcap, "--format", "png"],
        &["unknown format 'png'"],
    );
    bad(
        &["explain", &pcap, "--format", "svg"],
        &["add --conn INDEX"],
    );
    bad(
        &["explain", &pcap, "--lang", "fr"],
        &["unknown language 'fr'"],
    );
    bad(&["explain", &pcap, "--conn"], &["'--conn' needs a value"]);
    bad(
        &["explain", &pcap, "--conn", "0", "--conn", "0"],
        &["given more than once"],
    );
    bad(
        &["explain", &pcap, "--set", "x=1"],
        &["unknown option '--set'", "--conn"],
    );
    bad(&["explain", &pcap, &pcap], &["unexpected argument"]);
}

#[test]
fn a_failed_write_exits_1() {
    let o = tcpsim(&[
        "explain",
        &fixture("process-crash.pcap"),
        "-o",
        "/nonexistent-dir/out.txt",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("tcpsim: could not write"));
}

#[test]
fn explain_is_in_the_help_and_the_command_lists() {
    assert!(stdout(&tcpsim(&["help"])).contains("tcpsim explain <FILE.pcap|FILE.pcapng>"));
    bad(
        &["nope"],
        &["commands: list, params, run, ss, capture, explain, reproduce, css, catalog, presets, help"],
    );
    bad(
        &[],
        &["capture, explain, reproduce, css, catalog, presets, help)"],
    );
}
