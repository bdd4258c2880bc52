//! What the CLI's test files share: running the built `tcpsim`, reading its
//! output, and the one shape every bad input must have.
#![allow(dead_code)] // each test file uses its own part

use std::process::{Command, Output, Stdio};

pub fn tcpsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcpsim"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tcpsim")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// Exit status 2, exactly one line on stderr, containing every `needle`,
/// nothing on stdout, no panic.
pub fn bad(args: &[&str], needles: &[&str]) {
    let o = tcpsim(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: stderr {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert_eq!(
        err.lines().count(),
        1,
        "{args:?}: want one line, got {err:?}"
    );
    assert!(err.starts_with("tcpsim: "), "{args:?}: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: {err:?} lacks {n:?}");
    }
    assert!(o.stdout.is_empty(), "{args:?}: stdout not empty");
}
