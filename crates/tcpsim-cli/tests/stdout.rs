//! A write that fails exits 1 with one line on stderr, whatever the cause
//! and whatever the command: stdout closed (`>&-`: Rust's runtime puts
//! /dev/null there, and every write used to "succeed" with exit 0), stdout
//! on a full disk (/dev/full), a pipe whose reader has gone, `-o` to a file
//! that cannot be written.

use std::process::{Command, Output, Stdio};

mod common;
use common::stderr;

const PCAP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/pinned/process-crash.pcap"
);

/// What each command prints to stdout (explain reads a pinned capture).
fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["run", "process-crash"],
        vec!["run", "process-crash", "--format", "json"],
        vec!["run", "process-crash", "--format", "pcap"],
        vec!["run", "process-crash", "--format", "svg"],
        vec!["explain", PCAP],
        vec!["explain", PCAP, "--conn", "0", "--format", "json"],
        vec!["reproduce", "process-crash"],
        vec!["ss", "host-crash-data-no-reboot", "--at", "60"],
        vec!["list"],
        vec!["params", "process-crash"],
        vec!["catalog"],
        vec!["help"],
    ]
}

/// Exit 1, exactly one line on stderr naming the failed write, no panic.
fn failed_write(args: &[&str], o: &Output, what: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "{args:?} ({what}): {err}");
    assert_eq!(err.lines().count(), 1, "{args:?} ({what}): {err:?}");
    assert!(
        err.starts_with("tcpsim: could not write"),
        "{args:?}: {err}"
    );
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

#[test]
fn stdout_closed_is_exit_1() {
    for args in commands() {
        // `exec >&-` closes descriptor 1 before tcpsim starts.
        let o = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" >&-")
            .arg(env!("CARGO_BIN_EXE_tcpsim"))
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        failed_write(&args, &o, "stdout closed");
        assert!(stderr(&o).contains("closed"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn stdout_on_a_full_disk_is_exit_1() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    for args in commands() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_tcpsim"))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(full)
            .output()
            .unwrap();
        failed_write(&args, &o, "/dev/full");
        assert!(stderr(&o).contains("No space left"), "{}", stderr(&o));
    }
}

#[test]
fn dash_o_that_cannot_be_written_is_exit_1() {
    let mut cases = vec![
        vec!["run", "process-crash", "-o", "/nonexistent-dir/x.txt"],
        vec!["reproduce", "process-crash", "-o", "/nonexistent-dir/x.sh"],
        vec!["explain", PCAP, "-o", "/nonexistent-dir/x.txt"],
    ];
    if std::path::Path::new("/dev/full").exists() {
        cases.push(vec![
            "run",
            "process-crash",
            "--format",
            "pcap",
            "-o",
            "/dev/full",
        ]);
        cases.push(vec!["reproduce", "process-crash", "-o", "/dev/full"]);
        cases.push(vec!["explain", PCAP, "-o", "/dev/full"]);
    }
    for args in cases {
        let o = Command::new(env!("CARGO_BIN_EXE_tcpsim"))
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        failed_write(&args, &o, "-o");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

/// A reader that has gone: the pipe's read end is closed before tcpsim
/// writes its 119 KB (more than a pipe holds, 64 KiB), so the write fails
/// with EPIPE whatever the timing (Rust ignores SIGPIPE).
#[test]
fn a_pipe_without_reader_is_exit_1() {
    let args = [
        "run",
        "keepalive-peer-dead",
        "--set",
        "tcp_keepalive_probes=127",
        "--set",
        "tcp_keepalive_intvl=1",
        "--format",
        "json",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcpsim"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    failed_write(&args, &o, "broken pipe");
    assert!(stderr(&o).contains("Broken pipe"), "{}", stderr(&o));
}

/// `>/dev/null`, which a shell opens write-only, is a good place to write.
#[test]
fn dev_null_is_fine() {
    let o = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" \"$@\" >/dev/null")
        .arg(env!("CARGO_BIN_EXE_tcpsim"))
        .args(["run", "process-crash"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}
