//! `tcpsim reproduce`: a bash script per scenario that bash and Python
//! accept, whose plan carries the parameters given, written to stdout or a
//! file; bad input exits 2 with one line, a failed write 1. (Running the
//! scripts needs root: tests/kernel/reproduce.sh does that.)

use std::process::Command;
mod common;
use common::{bad, stderr, tcpsim};

fn script(args: &[&str]) -> String {
    let o = tcpsim(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    assert!(o.stderr.is_empty(), "{args:?}: {}", stderr(&o));
    String::from_utf8(o.stdout).expect("UTF-8")
}

fn ids() -> Vec<String> {
    let o = tcpsim(&["list"]);
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tcpsim-reproduce-{}-{name}", std::process::id()))
}

/// The text between `<<'TAG'` and the line `TAG`.
fn heredoc<'a>(text: &'a str, tag: &str) -> &'a str {
    let start = text.find(&format!("<<'{tag}'\n")).expect(tag) + tag.len() + 4;
    let len = text[start..].find(&format!("\n{tag}\n")).expect(tag);
    &text[start..start + len]
}

fn plan(text: &str) -> serde_json::Value {
    serde_json::from_str(heredoc(text, "PLAN_JSON")).expect("the plan is JSON")
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_scenario_gets_a_script_that_bash_and_python_accept() {
    let ids = ids();
    assert!(ids.len() >= 13, "{ids:?}");
    for id in &ids {
        let text = script(&["reproduce", id]);
        assert!(text.starts_with("#!/usr/bin/env bash\n"), "{id}");
        assert!(text.contains(&format!("id={id}\n")), "{id}");
        let p = plan(&text);
        assert!(p["deadline_us"].as_u64().unwrap() > 0, "{id}");
        let path = temp(&format!("{id}.sh"));
        std::fs::write(&path, &text).unwrap();
        if have("bash") {
            let o = Command::new("bash").arg("-n").arg(&path).output().unwrap();
            assert!(o.status.success(), "{id}: bash -n: {}", stderr(&o));
        }
        if have("python3") {
            let py = temp(&format!("{id}.py"));
            std::fs::write(&py, heredoc(&text, "PEER_PY")).unwrap();
            let o = Command::new("python3")
                .args(["-m", "py_compile"])
                .arg(&py)
                .output()
                .unwrap();
            assert!(o.status.success(), "{id}: python3: {}", stderr(&o));
            let _ = std::fs::remove_file(&py);
        }
        let _ = std::fs::remove_file(&path);
    }
}

#[test]
fn the_plan_carries_the_parameters() {
    let text = script(&[
        "reproduce",
        "host-crash-reboot-listener",
        "--set",
        "crash_at=3",
        "--set",
        "send_at=2",
        "--set",
        "reboot_s=7",
    ]);
    let p = plan(&text);
    let steps: Vec<(u64, String)> = p["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s[0].as_u64().unwrap(), s[1].as_str().unwrap().to_string()))
        .collect();
    let want = [
        (3_000_000, "crash"),
        (5_000_000, "send"),
        (10_000_000, "reboot"),
        (10_000_000, "listen"),
    ];
    assert_eq!(
        steps,
        want.iter()
            .map(|(t, s)| (*t, s.to_string()))
            .collect::<Vec<_>>()
    );
    assert!(text.contains(
        "# Written by: tcpsim reproduce host-crash-reboot-listener --set crash_at=3 --set send_at=2 --set reboot_s=7\n"
    ));
    assert!(text.contains("# - at t0 + 10 s: a process on the client listens on port 40000\n"));
    // Sysctls in both hosts' namespaces, with what older kernels lack.
    let text = script(&[
        "reproduce",
        "host-crash-data-no-reboot",
        "--set",
        "tcp_rto_min=1000",
        "--set",
        "tcp_retries2=5",
    ]);
    assert!(text.contains("\nset_sysctl tcp_retries2 5\n"));
    assert!(text.contains("\nset_sysctl tcp_rto_min_us 1000000 'it came with Linux 6.11"));
    // The apostrophe of "a route's" inside the single-quoted note broke the
    // script (issue 18): it is quoted, and bash reads the script.
    assert!(text.contains("(a route'\\''s rto_min can change it)'\n"));
    if have("bash") {
        let path = temp("rto-min.sh");
        std::fs::write(&path, &text).unwrap();
        let o = Command::new("bash").arg("-n").arg(&path).output().unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(o.status.success(), "bash -n: {}", stderr(&o));
    }
    // Socket options and what the server does on EOF.
    let p = plan(&script(&[
        "reproduce",
        "process-crash",
        "--set",
        "server_writes=1",
        "--set",
        "send_bytes=7",
    ]));
    assert_eq!(p["server"]["on_eof"], "write_twice:7");
    let p = plan(&script(&[
        "reproduce",
        "keepalive-peer-alive",
        "--set",
        "tcp_keepidle=2",
        "--set",
        "tcp_user_timeout=900",
    ]));
    assert_eq!(p["server"]["keepalive"], 1);
    assert_eq!(p["server"]["keepidle"], 2);
    assert_eq!(p["server"]["user_timeout_ms"], 900);
    // connect-dead-host watches (and captures at) the client.
    let text = script(&["reproduce", "connect-dead-host"]);
    assert_eq!(plan(&text)["watch"]["host"], "client");
    assert_eq!(plan(&text)["server_down"], true);
    assert_eq!(plan(&text)["server_unplugged"], false);
    assert!(text.contains("tcpdump -i v-c "));
    // On the client's LAN: the server's bridge port goes down instead,
    // so that ARP fails as in the simulation.
    let text = script(&["reproduce", "connect-dead-host", "--set", "same_lan=1"]);
    assert_eq!(plan(&text)["server_unplugged"], true);
    assert!(text.contains("the server's host is down from the start, on the client's LAN"));
}

#[test]
fn the_script_goes_to_a_file_with_dash_o() {
    let path = temp("ka.sh");
    let p = path.to_str().unwrap();
    let o = tcpsim(&["reproduce", "keepalive-peer-dead", "-o", p]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        script(&["reproduce", "keepalive-peer-dead"])
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn without_root_the_script_says_so_and_does_nothing() {
    if !have("bash") {
        return;
    }
    let path = temp("root.sh");
    std::fs::write(&path, script(&["reproduce", "process-crash"])).unwrap();
    let uid = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout).unwrap();
    let o = if uid.trim() == "0" {
        if !have("setpriv") {
            return;
        }
        // As nobody, in a directory nobody may read.
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "bash"])
            .arg(&path)
            .current_dir("/")
            .output()
            .unwrap()
    } else {
        Command::new("bash").arg(&path).output().unwrap()
    };
    let _ = std::fs::remove_file(&path);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("needs root"), "{}", stderr(&o));
}

#[test]
fn bad_input_exits_2_with_one_line() {
    bad(&["reproduce"], &["needs a scenario id", "process-crash"]);
    bad(&["reproduce", "nope"], &["unknown scenario 'nope'"]);
    bad(
        &[
            "reproduce",
            "process-crash",
            "--set",
            "tcp_keepalive_time=5",
        ],
        &["tcp_keepalive_time"],
    );
    bad(
        &[
            "reproduce",
            "keepalive-peer-dead",
            "--set",
            "tcp_keepalive_probes=500",
        ],
        &["tcp_keepalive_probes", "1..=127"],
    );
    bad(
        &[
            "reproduce",
            "keepalive-peer-dead",
            "--set",
            "tcp_keepalive_probes=x",
        ],
        &["tcp_keepalive_probes"],
    );
    bad(
        &["reproduce", "process-crash", "--format", "json"],
        &[
            "unknown option '--format'",
            "options: --set NAME=VALUE, -o FILE",
        ],
    );
    bad(
        &["reproduce", "process-crash", "extra"],
        &["unexpected argument 'extra'"],
    );
}

#[test]
fn a_failed_write_exits_1() {
    let o = tcpsim(&["reproduce", "process-crash", "-o", "/nonexistent-dir/x.sh"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("could not write"));
}
