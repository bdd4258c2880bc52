//! Runs the built `tcpsim` binary: bad input exits 2 with one clear line,
//! every scenario runs in every format, and the JSON has the documented
//! fields (see the README, "JSON output").

use std::process::{Command, Stdio};
mod common;
use common::{bad, stderr, stdout, tcpsim};

fn scenario_ids() -> Vec<String> {
    let o = tcpsim(&["list"]);
    assert!(o.status.success());
    stdout(&o)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn list_shows_every_scenario_with_a_title() {
    let o = tcpsim(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for s in tcpsim::SCENARIOS {
        let line = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(s.id))
            .unwrap_or_else(|| panic!("{} missing from list:\n{out}", s.id));
        assert!(line.contains(&tcpsim::text::plain(s.title.en)), "{line}");
    }
    assert_eq!(out.lines().count(), tcpsim::SCENARIOS.len());
}

#[test]
fn params_table_has_every_parameter_with_default_and_range() {
    for s in tcpsim::SCENARIOS {
        let o = tcpsim(&["params", s.id]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        let defaults = tcpsim::defaults(s.id).unwrap();
        assert!(out.starts_with("NAME"), "{out}");
        for spec in defaults.specs() {
            let line = out
                .lines()
                .find(|l| l.split_whitespace().next() == Some(spec.name))
                .unwrap_or_else(|| panic!("{}: {} missing:\n{out}", s.id, spec.name));
            let cols: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(cols[1], defaults.get(spec.param).to_string(), "{line}");
            assert_eq!(cols[2], format!("{}..={}", spec.min, spec.max), "{line}");
            assert_eq!(cols[3], spec.unit, "{line}");
        }
        assert_eq!(out.lines().count(), defaults.specs().len() + 1);
    }
}

#[test]
fn help_and_version() {
    for a in ["help", "--help", "-h"] {
        let o = tcpsim(&[a]);
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        for w in [
            "tcpsim list",
            "tcpsim params",
            "tcpsim run",
            "--set",
            "--format",
            "-o",
        ] {
            assert!(out.contains(w), "help lacks {w}");
        }
    }
    for a in ["--version", "-V"] {
        let o = tcpsim(&[a]);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(
            stdout(&o),
            format!("tcpsim {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn bad_commands_and_arguments() {
    bad(
        &[],
        &[
            "no command",
            "list, params, run, ss, capture, explain, reproduce, css, catalog, presets, help",
        ],
    );
    bad(
        &["frobnicate"],
        &["unknown command 'frobnicate'", "list, params, run"],
    );
    bad(&["list", "extra"], &["unexpected argument 'extra'"]);
    bad(&["--version", "x"], &["unexpected argument 'x'"]);
    bad(&["params"], &["needs a scenario id", "keepalive-peer-dead"]);
    bad(&["params", "a", "b"], &["unexpected argument 'b'"]);
    bad(
        &["run"],
        &["needs a scenario id", "process-crash", "kill-from-outside"],
    );
    bad(
        &["run", "process-crash", "keepalive-peer-dead"],
        &["unexpected argument 'keepalive-peer-dead'"],
    );
}

#[test]
fn unknown_scenario_lists_the_ids() {
    for args in [&["params", "nope"][..], &["run", "nope"][..]] {
        let mut needles = vec!["unknown scenario 'nope'"];
        needles.extend(tcpsim::SCENARIOS.iter().map(|s| s.id));
        bad(args, &needles);
    }
}

#[test]
fn unknown_parameter_lists_the_allowed_ones() {
    let allowed = tcpsim::defaults("process-crash").unwrap();
    let mut needles = vec!["unknown parameter 'tcp_keepalive_time'"];
    needles.extend(allowed.specs().iter().map(|s| s.name));
    bad(
        &["run", "process-crash", "--set", "tcp_keepalive_time=60"],
        &needles,
    );
}

#[test]
fn out_of_range_gives_the_range() {
    bad(
        &[
            "run",
            "keepalive-peer-dead",
            "--set",
            "tcp_keepalive_time=0",
        ],
        &["tcp_keepalive_time", "out of range", "1..=32767"],
    );
    bad(
        &[
            "run",
            "keepalive-peer-dead",
            "--set",
            "tcp_keepalive_probes=128",
        ],
        &["tcp_keepalive_probes", "128", "1..=127"],
    );
    bad(
        &["run", "keepalive-peer-dead", "--set=tcp_keepalive_intvl=-5"],
        &["tcp_keepalive_intvl", "1..=32767"],
    );
    bad(
        &[
            "run",
            "host-crash-data-no-reboot",
            "--set",
            "tcp_rto_min=5000",
            "--set",
            "tcp_rto_max=1000",
        ],
        &["tcp_rto_min", "tcp_rto_max"],
    );
}

#[test]
fn read_bytes_without_a_reader_is_refused() {
    // The client reads only as a steady reader (read_every_ms) or from
    // resume_at: read_bytes alone would change nothing, silently.
    let why = [
        "'read_bytes' = 1",
        "never reads",
        "'read_every_ms'",
        "'resume_at'",
    ];
    for cmd in [
        &["run", "peer-hung"][..],
        &["ss", "peer-hung", "--at", "2"][..],
        &["reproduce", "peer-hung"][..],
    ] {
        let mut args = cmd.to_vec();
        args.extend(["--set", "read_bytes=1"]);
        bad(&args, &why);
    }
    // With a reader it runs, and a run that stops at its cap names the
    // value as "1 byte".
    let o = tcpsim(&[
        "run",
        "peer-hung",
        "--set",
        "read_bytes=1",
        "--set",
        "read_every_ms=5",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("read_bytes = 1 byte,"), "{err}");
    assert!(!err.contains("1 bytes"), "{err}");
}

#[test]
fn malformed_values() {
    bad(
        &[
            "run",
            "keepalive-peer-dead",
            "--set",
            "tcp_keepalive_time=2h",
        ],
        &[
            "tcp_keepalive_time",
            "'2h'",
            "not a whole number",
            "1..=32767",
        ],
    );
    bad(
        &[
            "run",
            "keepalive-peer-dead",
            "--set",
            "tcp_keepalive_time=99999999999999999999",
        ],
        &["tcp_keepalive_time", "1..=32767"],
    );
    bad(
        &["run", "keepalive-peer-dead", "--set", "so_keepalive=maybe"],
        &["so_keepalive", "'maybe'", "0..=1"],
    );
    bad(
        &["run", "keepalive-peer-dead", "--set", "tcp_keepalive_time"],
        &["NAME=VALUE"],
    );
    bad(
        &["run", "keepalive-peer-dead", "--set", "=5"],
        &["NAME=VALUE"],
    );
}

#[test]
fn missing_values() {
    bad(
        &["run", "process-crash", "--set"],
        &["'--set' needs a value", "NAME=VALUE"],
    );
    bad(
        &["run", "process-crash", "--format"],
        &["'--format' needs a value", "text, json, pcap, svg"],
    );
    bad(
        &["run", "process-crash", "--lang"],
        &["'--lang' needs a value", "en, zh"],
    );
    bad(&["run", "process-crash", "-o"], &["'-o' needs a value"]);
    bad(
        &["run", "process-crash", "--output="],
        &["non-empty file name"],
    );
}

#[test]
fn unknown_format_language_and_option() {
    bad(
        &["run", "process-crash", "--format", "xml"],
        &["unknown format 'xml'", "text, json, pcap, svg"],
    );
    bad(
        &["run", "process-crash", "--lang", "fr"],
        &["unknown language 'fr'", "en, zh"],
    );
    bad(
        &["run", "process-crash", "--frobnicate"],
        &["unknown option '--frobnicate'", "--set"],
    );
    bad(
        &[
            "run",
            "process-crash",
            "--format",
            "json",
            "--format",
            "text",
        ],
        &["more than once"],
    );
}

#[test]
fn unwritable_output_is_an_io_error() {
    let o = tcpsim(&["run", "process-crash", "-o", "/nonexistent-dir/x/out.txt"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("could not write '/nonexistent-dir/x/out.txt'"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

fn tmp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tcpsim-cli-test-{}-{name}", std::process::id()))
}

#[test]
fn every_scenario_runs_in_every_format() {
    let ids = scenario_ids();
    assert_eq!(ids.len(), tcpsim::SCENARIOS.len());
    for id in &ids {
        let trace = tcpsim::run(id, &tcpsim::defaults(id).unwrap()).unwrap();
        for (format, lang) in [
            ("text", "en"),
            ("json", "en"),
            ("pcap", "en"),
            ("svg", "en"),
            ("svg", "zh"),
        ] {
            let o = tcpsim(&["run", id, "--format", format, "--lang", lang]);
            assert_eq!(o.status.code(), Some(0), "{id} {format}: {}", stderr(&o));
            assert!(o.stderr.is_empty(), "{id} {format}: {}", stderr(&o));
            assert!(!o.stdout.is_empty(), "{id} {format}: empty output");
            match format {
                "json" => {
                    let back: tcpsim::Trace = serde_json::from_slice(&o.stdout).unwrap();
                    assert_eq!(back, trace, "{id}: JSON round-trips to the library's trace");
                }
                "pcap" => {
                    assert_eq!(o.stdout, tcpsim::pcap::write(&trace), "{id}: pcap bytes");
                }
                "svg" => {
                    let s = stdout(&o);
                    assert!(
                        s.contains("<svg") && s.trim_end().ends_with("</svg>"),
                        "{id}"
                    );
                    let want = if lang == "zh" {
                        "lang=\"zh-CN\""
                    } else {
                        "lang=\"en\""
                    };
                    assert!(s.contains(want), "{id} {lang}: no {want}");
                    assert!(s.contains(&format!("data-scenario=\"{id}\"")), "{id}");
                }
                _ => {
                    assert_eq!(
                        stdout(&o),
                        tcpsim_diagram::text(&trace, tcpsim::Lang::En),
                        "{id}: text diagram"
                    );
                }
            }
        }
        // -o writes the same bytes as stdout.
        let path = tmp(&format!("{id}.pcap"));
        let o = tcpsim(&["run", id, "--format", "pcap", "-o", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
        assert_eq!(std::fs::read(&path).unwrap(), tcpsim::pcap::write(&trace));
        let _ = std::fs::remove_file(&path);
    }
}

#[test]
fn set_changes_the_run() {
    let o = tcpsim(&[
        "run",
        "keepalive-peer-dead",
        "--format=json",
        "--set",
        "tcp_keepalive_time=60",
        "-s",
        "tcp_keepalive_probes=3",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["params"]["tcp_keepalive_time"], 60);
    assert_eq!(v["params"]["tcp_keepalive_probes"], 3);
    let probes = v["packets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["why"] == "keepalive_probe")
        .count();
    assert_eq!(probes, 3, "three unanswered probes before giving up");
}

#[test]
fn json_has_the_documented_fields() {
    for id in scenario_ids() {
        let o = tcpsim(&["run", &id, "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["scenario"], id.as_str());
        assert!(v["params"].is_object() && !v["params"].as_object().unwrap().is_empty());
        for (_, x) in v["params"].as_object().unwrap() {
            assert!(x.is_i64(), "{id}: params are integers");
        }
        let hosts = v["hosts"].as_array().unwrap();
        assert_eq!(hosts[0]["name"], "client");
        assert_eq!(hosts[0]["ip"], "10.0.0.1");
        assert_eq!(hosts[1]["name"], "server");
        assert_eq!(hosts[1]["ip"], "10.0.0.2");
        assert!(v["end_at"].is_f64());
        assert!(["quiet", "horizon", "event_limit"].contains(&v["stop"].as_str().unwrap()));
        let host_names: Vec<&str> = hosts.iter().map(|h| h["name"].as_str().unwrap()).collect();

        let packets = v["packets"].as_array().unwrap();
        assert!(!packets.is_empty(), "{id}: no packets");
        for (i, p) in packets.iter().enumerate() {
            assert_eq!(p["id"], i);
            assert!(p["sent_at"].is_f64(), "{p}");
            assert!(p["arrived_at"].is_f64() || p["arrived_at"].is_null(), "{p}");
            assert_eq!(
                p["arrived_at"].is_null(),
                !p["lost"].is_null(),
                "lost iff not arrived: {p}"
            );
            assert!(host_names.contains(&p["src"].as_str().unwrap()));
            assert!(host_names.contains(&p["dst"].as_str().unwrap()));
            assert!(p["sport"].is_u64() && p["dport"].is_u64());
            let flags: Vec<&str> = p["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            for f in &flags {
                assert!(["SYN", "FIN", "RST", "PSH", "ACK"].contains(f), "{p}");
            }
            assert!(p["seq"].is_u64());
            assert_eq!(
                p["ack"].is_null(),
                !flags.contains(&"ACK"),
                "ack null iff no ACK flag: {p}"
            );
            assert!(p["len"].is_u64());
            assert!(p["why"].is_string());
            for k in ["lost_at", "spoofed_as", "abs_seq", "abs_ack", "win"] {
                assert!(p.get(k).is_some(), "{id}: packet lacks {k}");
            }
        }

        let events = v["events"].as_array().unwrap();
        let mut apps = 0;
        let mut last_at = 0.0;
        for e in events {
            let at = e["at"].as_f64().unwrap();
            assert!(at >= last_at, "{id}: events in time order");
            last_at = at;
            assert!(host_names.contains(&e["host"].as_str().unwrap()), "{e}");
            match e["type"].as_str().unwrap() {
                "app" => {
                    apps += 1;
                    assert!(
                        ["listen", "connect", "accept", "send", "recv", "close"]
                            .contains(&e["call"].as_str().unwrap()),
                        "{e}"
                    );
                    let r = &e["result"];
                    assert!(
                        r.is_u64()
                            || [
                                "OK",
                                "EOF",
                                "ETIMEDOUT",
                                "ECONNRESET",
                                "ECONNREFUSED",
                                "EPIPE",
                                "EHOSTUNREACH"
                            ]
                            .contains(&r.as_str().unwrap_or("")),
                        "{e}"
                    );
                    assert!(e.get("since").is_some(), "{e}");
                }
                "state" => assert!(e["from"].is_string() && e["to"].is_string(), "{e}"),
                "timer" => assert!(e["timer"].is_string() && e["action"].is_string(), "{e}"),
                "fault" => assert!(e["fault"].is_string(), "{e}"),
                "kernel" => {
                    assert!(e["what"].is_string(), "{e}");
                    if let Some(n) = e["packet"].as_u64() {
                        assert!((n as usize) < packets.len(), "{e}");
                    }
                }
                other => panic!("{id}: undocumented event type {other}"),
            }
        }
        assert!(apps > 0, "{id}: no app events");
    }
}

/// With stdout on a terminal (a pty from util-linux `script`), a pcap is
/// refused; skipped when `script` is not installed.
#[test]
fn pcap_is_not_written_to_a_terminal() {
    let cmd = format!(
        "{} run process-crash --format pcap",
        env!("CARGO_BIN_EXE_tcpsim")
    );
    let Ok(o) = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::null())
        .output()
    else {
        println!("SKIPPED: util-linux `script` is not installed");
        return;
    };
    let all = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(
        all.contains("refusing to write a binary pcap to a terminal"),
        "{all}"
    );
    assert!(!all.contains("panicked"));
}

#[test]
fn capture_draws_a_kernel_recording_and_rejects_bad_files() {
    let f = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/kernel/fixtures/keepalive-peer-dead.json"
    );
    let o = tcpsim(&["capture", f, "--format", "svg", "--lang", "zh"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let svg = stdout(&o);
    assert!(svg.contains("data-scenario=\"keepalive-peer-dead\""));
    assert!(svg.contains("data-why=\"captured\""));
    bad(
        &["capture", "no-such-file.json"],
        &["cannot read recording 'no-such-file.json'"],
    );
    bad(
        &[
            "capture",
            concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
        ],
        &["is not a tests/kernel recording"],
    );
    bad(
        &["capture", f, "--set", "rtt_ms=5"],
        &["unknown option '--set'", "--format"],
    );
    bad(&["capture", f, "--format", "pcap"], &["own pcap"]);
}

#[test]
fn css_prints_the_stylesheet_the_svgs_embed() {
    let o = tcpsim(&["css"]);
    assert_eq!(o.status.code(), Some(0));
    let css = stdout(&o);
    let svg = stdout(&tcpsim(&["run", "process-crash", "--format", "svg"]));
    let lines: Vec<&str> = css.lines().collect();
    assert_eq!(lines.len(), 2, "{css}");
    assert!(svg.contains(&format!("<style>{}</style>", lines[1])));
    // The page's palette: every colour the diagrams read, light and dark.
    for var in ["--tcl-fg:", "--tcl-bg:", "--tcl-danger:", "--tcl-font:"] {
        assert!(lines[0].contains(var), "{var}");
    }
    assert!(lines[0].contains(":root[data-theme=\"dark\"]"));
    bad(&["css", "extra"], &["unexpected argument 'extra'"]);
}

#[test]
fn catalog_gives_every_scenario_in_either_language() {
    for (lang, args) in [
        ("en", vec!["catalog"]),
        ("zh", vec!["catalog", "--lang", "zh"]),
        ("en", vec!["catalog", "--lang=en"]),
    ] {
        let o = tcpsim(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let list = v["scenarios"].as_array().unwrap();
        let reasons = v["reasons"].as_array().unwrap();
        assert_eq!(reasons.len(), tcpsim::trace::Why::ALL.len());
        assert!(reasons
            .iter()
            .all(|r| !r["rule"].as_str().unwrap().is_empty()));
        assert_eq!(list.len(), tcpsim::SCENARIOS.len());
        for (got, s) in list.iter().zip(tcpsim::SCENARIOS) {
            let want = tcpsim::Lang::parse(lang).unwrap();
            assert_eq!(got["id"], s.id);
            assert_eq!(got["title"], s.title.get(want));
            assert_eq!(got["steps"].as_array().unwrap().len(), s.steps.len());
            assert_eq!(got["params"].as_array().unwrap().len(), s.params.len());
        }
    }
    bad(
        &["catalog", "--lang", "fr"],
        &["unknown language 'fr'", "en, zh"],
    );
    bad(&["catalog", "--lang"], &["'--lang' needs a value"]);
    bad(&["catalog", "zh"], &["unexpected argument 'zh'", "--lang"]);
}

/// The permalink that froze the page (issue 12): every output stops at the
/// segment cap, says so on stderr in one line, and stays small.
#[test]
fn a_run_that_would_never_end_stops_at_the_cap_and_says_so() {
    let args = |fmt: &'static str| {
        vec![
            "run",
            "keepalive-peer-alive",
            "--set",
            "tcp_keepalive_time=1",
            "--set",
            "tcp_keepalive_intvl=1",
            "--set",
            "observe_s=1000000",
            "--format",
            fmt,
        ]
    };
    for fmt in ["json", "svg", "text"] {
        let o = tcpsim(&args(fmt));
        assert_eq!(o.status.code(), Some(0), "{fmt}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("tcpsim: note: The run stopped at"), "{err}");
        assert!(err.contains("observe_s = 1000000 s"), "{err}");
        assert!(
            o.stdout.len() < 1_000_000,
            "{fmt}: {} bytes",
            o.stdout.len()
        );
        let out = stdout(&o);
        match fmt {
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                assert_eq!(v["stop"], "event_limit");
                let n = v["packets"].as_array().unwrap().len();
                assert!(
                    (tcpsim::scenarios::MAX_SEGMENTS..tcpsim::scenarios::MAX_SEGMENTS + 4)
                        .contains(&n),
                    "{n} segments"
                );
            }
            "svg" => assert!(out.contains("cap reached: ")),
            _ => assert!(out.contains("The run stopped at")),
        }
    }
    let o = tcpsim(&[
        "run",
        "keepalive-peer-alive",
        "--set",
        "observe_s=1000000",
        "--set",
        "tcp_keepalive_time=1",
        "--set",
        "tcp_keepalive_intvl=1",
        "--lang",
        "zh",
        "--format",
        "svg",
    ]);
    assert!(stderr(&o).contains("模拟在"), "{}", stderr(&o));
}

/// An argument that is not UTF-8, or that carries a newline, still gets one
/// clean line; a failed write to stdout or stderr is status 1.
#[test]
fn bad_text_and_failed_writes() {
    use std::os::unix::ffi::OsStrExt;
    let o = Command::new(env!("CARGO_BIN_EXE_tcpsim"))
        .arg("run")
        .arg(std::ffi::OsStr::from_bytes(b"\xff\xfeid"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("argument 2") && err.contains("not valid UTF-8"),
        "{err}"
    );
    bad(
        &["run", "foo\nbar\tbaz"],
        &["unknown scenario 'foo\\nbar\\tbaz'"],
    );
    bad(
        &["run", "process-crash", "--set", "rtt_ms=1\r\nx"],
        &["'1\\r\\nx'"],
    );
    if std::path::Path::new("/dev/full").exists() {
        let full = || {
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap()
        };
        let o = Command::new(env!("CARGO_BIN_EXE_tcpsim"))
            .arg("list")
            .stdout(full())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "stdout full");
        assert!(stderr(&o).contains("could not write to stdout"));
        let o = Command::new(env!("CARGO_BIN_EXE_tcpsim"))
            .arg("nope")
            .stderr(full())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "stderr full");
        let o = Command::new(env!("CARGO_BIN_EXE_tcpsim"))
            .args(["run", "keepalive-peer-alive", "--set", "observe_s=1000000"])
            .args([
                "--set",
                "tcp_keepalive_time=1",
                "--set",
                "tcp_keepalive_intvl=1",
            ])
            .stdout(Stdio::null())
            .stderr(full())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(1),
            "the cap's note could not be written"
        );
    }
}

#[test]
fn text_speaks_chinese_when_asked() {
    let o = tcpsim(&["run", "host-crash-idle", "--format", "text", "--lang", "zh"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("场景：host-crash-idle\n"), "{out}");
    assert!(out.contains("结局：永远不会"), "{out}");
    assert!(out.contains("[客户端] ✕ 主机崩溃"), "{out}");
    let en = stdout(&tcpsim(&["run", "host-crash-idle", "--format", "text"]));
    assert!(en.contains("outcome: Never: the server's connection stays ESTABLISHED"));
}

#[test]
fn ss_prints_each_host_at_a_moment() {
    let o = tcpsim(&["ss", "host-crash-data-no-reboot", "--at", "60"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("# at 60 s\n# client: ss -tnoi\n(host down"),
        "{out}"
    );
    assert!(out.contains("State      Recv-Q Send-Q"), "{out}");
    assert!(
        out.contains("ESTAB      0      100    10.0.0.2:8080"),
        "{out}"
    );
    assert!(out.contains("timer:(on,"), "{out}");
    // --set applies as for run: more keepalive probes, a later moment.
    let o = tcpsim(&[
        "ss",
        "keepalive-peer-dead",
        "--set",
        "tcp_keepalive_time=30",
        "--at",
        "31",
    ]);
    assert!(stdout(&o).contains("timer:(keepalive,"), "{}", stdout(&o));
}

#[test]
fn ss_bad_input() {
    bad(&["ss", "process-crash"], &["--at SECONDS"]);
    bad(
        &["ss", "process-crash", "--at", "x"],
        &["--at 'x'", "0 to 86400"],
    );
    bad(&["ss", "process-crash", "--at", "-1"], &["0 to 86400"]);
    bad(&["ss", "process-crash", "--at", "NaN"], &["0 to 86400"]);
    bad(&["ss", "process-crash", "--at", "1e9"], &["0 to 86400"]);
    bad(
        &["ss", "process-crash", "--at", "1", "--at", "2"],
        &["more than once"],
    );
    bad(&["ss", "process-crash", "--at"], &["needs a value"]);
    bad(
        &["ss", "process-crash", "--at", "1", "--format", "json"],
        &["unknown option '--format'", "--at SECONDS"],
    );
    bad(&["ss", "nope", "--at", "1"], &["unknown scenario"]);
    bad(&["ss", "--at", "1"], &["'ss' needs a scenario id"]);
    bad(
        &["ss", "process-crash", "--at", "1", "--set", "rtt_ms=0"],
        &["rtt_ms"],
    );
    bad(
        &["run", "process-crash", "--at", "1"],
        &["unknown option '--at'", "--set NAME=VALUE"],
    );
}
