//! Where the command's words go: its result (stdout or `-o FILE`), notes and
//! warnings on stderr, and the failure that ends it with its exit status.
//! Every write is checked: a write that fails is exit 1 and one line.

use std::io::Write;

/// What went wrong, and the exit status it maps to.
pub(crate) enum Failure {
    /// Bad input: exit 2.
    Usage(String),
    /// Could not write: exit 1.
    Io(String),
}

pub(crate) fn usage<T>(msg: impl Into<String>) -> Result<T, Failure> {
    Err(Failure::Usage(msg.into()))
}

/// Whether the command was started with its standard output closed
/// (`tcpsim run ... >&-`). Rust's runtime reopens a closed descriptor 0, 1
/// or 2 on /dev/null, read-write, before `main` (std's
/// `sanitize_standard_fds`), so every write "succeeds" into nothing. A shell's
/// `>/dev/null` opens it write-only: /dev/null open read-write on
/// descriptor 1 is the runtime's. Read from /proc (no /proc: assumed open).
pub(crate) fn stdout_was_closed() -> bool {
    if std::fs::read_link("/proc/self/fd/1").ok().as_deref()
        != Some(std::path::Path::new("/dev/null"))
    {
        return false;
    }
    let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
        return false;
    };
    info.lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        .is_some_and(|flags| flags & 0o3 == 0o2) // O_ACCMODE == O_RDWR
}

/// One line on stderr: `tcpsim: MSG`, with any control character in it
/// (from an argument echoed back) escaped, so a message is always one line.
pub(crate) fn say(msg: &str) -> std::io::Result<()> {
    let mut line = String::from("tcpsim: ");
    for c in msg.chars() {
        match c {
            '\n' => line.push_str("\\n"),
            '\r' => line.push_str("\\r"),
            '\t' => line.push_str("\\t"),
            c if c.is_control() => line.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => line.push(c),
        }
    }
    line.push('\n');
    let mut err = std::io::stderr().lock();
    err.write_all(line.as_bytes()).and_then(|_| err.flush())
}

/// A note on stderr beside a successful result; exit 1 if it cannot be written.
pub(crate) fn note(msg: &str) -> Result<(), Failure> {
    say(&format!("note: {msg}")).map_err(|e| Failure::Io(format!("could not write to stderr: {e}")))
}

/// A warning on stderr beside a result; exit 1 if it cannot be written.
pub(crate) fn warn(msg: &str) -> Result<(), Failure> {
    say(&format!("warning: {msg}"))
        .map_err(|e| Failure::Io(format!("could not write to stderr: {e}")))
}

/// Write to a file, or to stdout.
pub(crate) fn emit(bytes: &[u8], path: Option<&str>) -> Result<(), Failure> {
    match path {
        Some(p) => {
            std::fs::write(p, bytes).map_err(|e| Failure::Io(format!("could not write '{p}': {e}")))
        }
        // Whatever the cause (stdout closed, a full disk, a pipe closed by
        // its reader), a failed write is exit 1 and one line on stderr.
        None => {
            if stdout_was_closed() {
                return Err(Failure::Io(
                    "could not write to stdout: it is closed (give -o FILE, or a pipe or a file)"
                        .into(),
                ));
            }
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|_| out.flush())
                .map_err(|e| Failure::Io(format!("could not write to stdout: {e}")))
        }
    }
}
