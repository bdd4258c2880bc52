//! `tcpsim reproduce --cleanup`: remove what reproduction scripts killed
//! with SIGKILL left behind, and nothing else.
//!
//! A script (`tcpsim reproduce`) names its network namespaces `tclr-PID-X`
//! (X one letter: c, s, b, a, m) and its temporary directory
//! `$TMPDIR/tclr-PID.XXXXXX`, PID being its own. A trap removes both when it
//! exits or is stopped by a signal; SIGKILL leaves them (its processes die
//! with it: PR_SET_PDEATHSIG). Here, and at the start of every script, those
//! whose PID is no longer a running process are removed: the processes still
//! in such a namespace are killed, the namespace deleted (`ip netns del`),
//! the directory removed (never through a symbolic link). Those of a run
//! still going, and every other name, are left alone.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{emit, Failure};

/// The script's PID in a namespace name `tclr-PID-X`.
fn namespace_pid(name: &str) -> Option<u32> {
    let (pid, x) = name.strip_prefix("tclr-")?.rsplit_once('-')?;
    let one_letter = x.len() == 1 && x.bytes().all(|b| b.is_ascii_lowercase());
    (one_letter && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .then(|| pid.parse().ok())?
}

/// The script's PID in a directory name `tclr-PID.XXXXXX`.
fn directory_pid(name: &str) -> Option<u32> {
    let (pid, rest) = name.strip_prefix("tclr-")?.split_once('.')?;
    (!rest.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .then(|| pid.parse().ok())?
}

fn alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// The names in a directory (none if it cannot be read).
fn names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    out.sort();
    out
}

fn run(cmd: &mut Command) -> Result<String, String> {
    let o = cmd.output().map_err(|e| e.to_string())?;
    if o.status.success() {
        Ok(String::from_utf8_lossy(&o.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).trim().to_string())
    }
}

/// `tcpsim reproduce --cleanup`.
pub(crate) fn cleanup(rest: &[String]) -> Result<(), Failure> {
    if let Some(other) = rest.iter().find(|a| *a != "--cleanup") {
        return Err(Failure::Usage(format!(
            "'reproduce --cleanup' takes no other argument (got '{other}')"
        )));
    }
    let mut report = String::new();
    let (mut namespaces, mut dirs) = (0, 0);
    // `ip netns` keeps its namespaces as files in /run/netns.
    let run_dir = ["/run/netns", "/var/run/netns"]
        .into_iter()
        .map(Path::new)
        .find(|d| d.is_dir());
    for name in run_dir.map(names).unwrap_or_default() {
        let Some(pid) = namespace_pid(&name) else {
            continue;
        };
        if alive(pid) {
            continue;
        }
        let pids = run(Command::new("ip").args(["netns", "pids", &name])).unwrap_or_default();
        for p in pids.split_whitespace() {
            let _ = run(Command::new("kill").args(["-9", p]));
        }
        run(Command::new("ip").args(["netns", "del", &name])).map_err(|e| {
            Failure::Io(format!(
                "could not remove namespace {name} (ip netns del: {e}); it needs root"
            ))
        })?;
        report.push_str(&format!("removed namespace {name} (run {pid} is gone)\n"));
        namespaces += 1;
    }
    let tmp: PathBuf = std::env::temp_dir();
    for name in names(&tmp) {
        let Some(pid) = directory_pid(&name) else {
            continue;
        };
        let path = tmp.join(&name);
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if !is_dir || alive(pid) {
            continue;
        }
        std::fs::remove_dir_all(&path)
            .map_err(|e| Failure::Io(format!("could not remove '{}': {e}", path.display())))?;
        report.push_str(&format!("removed {} (run {pid} is gone)\n", path.display()));
        dirs += 1;
    }
    report.push_str(&format!(
        "{namespaces} namespace{} and {dirs} director{} of killed runs removed\n",
        if namespaces == 1 { "" } else { "s" },
        if dirs == 1 { "y" } else { "ies" }
    ));
    emit(report.as_bytes(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_scripts_names_are_read() {
        assert_eq!(namespace_pid("tclr-1234-c"), Some(1234));
        assert_eq!(namespace_pid("tclr-1-m"), Some(1));
        for other in [
            "tclr-probe-12-c",
            "tclr-1234",
            "tclr-1234-cc",
            "tclr--c",
            "tclr-12a-c",
            "tcl-1234-c",
            "tcla-1234-c",
            "tclr-1234-C",
        ] {
            assert_eq!(namespace_pid(other), None, "{other}");
        }
        assert_eq!(directory_pid("tclr-1234.Ab3xYz"), Some(1234));
        for other in [
            "tclr-1234",
            "tclr-1234.",
            "tclr-.abc",
            "tclr-x1.abc",
            "tmp.abc",
        ] {
            assert_eq!(directory_pid(other), None, "{other}");
        }
    }
}
