//! The plan and the script against the simulation.

use super::*;
use crate::trace::{AppCall, EventKind, Fault, Why};
use crate::SCENARIOS;

/// Every scenario's defaults, and variants that change the plan.
fn cases() -> Vec<(&'static str, Params)> {
    let mut out: Vec<(&'static str, Params)> =
        SCENARIOS.iter().map(|s| (s.id, s.defaults())).collect();
    for (id, sets) in [
        ("process-crash", &["unread_data=1"][..]),
        ("process-crash", &["server_writes=1"][..]),
        ("process-crash", &["close_delay_ms=0", "crash_at=3"][..]),
        (
            "syn-established-new-port",
            &["server_writes=0", "so_keepalive=1"][..],
        ),
        (
            "middlebox-idle-timeout",
            &["middlebox_reset=1", "middlebox_idle_s=2", "write_at=4"][..],
        ),
        (
            "partition-heals",
            &["partition_at=1", "partition_s=3", "send_at=1"][..],
        ),
        (
            "host-crash-reboot-listener",
            &["crash_at=1", "send_at=1", "reboot_s=5"][..],
        ),
    ] {
        let mut p = crate::defaults(id).unwrap();
        for s in sets {
            p.apply_assignment(s).unwrap();
        }
        out.push((id, p));
    }
    out
}

#[test]
fn every_scenario_has_a_script() {
    for (id, p) in cases() {
        let text = script(id, &p).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(text.starts_with("#!/usr/bin/env bash\n"), "{id}");
        // No placeholder (@NAME@) left.
        for (i, _) in text.match_indices('@') {
            let rest = &text[i + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_uppercase())
                .collect();
            assert!(
                name.is_empty() || !rest[name.len()..].starts_with('@'),
                "{id}: placeholder @{name}@ left"
            );
        }
        assert!(text.contains(&format!("id={id}\n")), "{id}");
    }
}

/// The plan's steps are the simulation's: each step happens in the
/// simulated run at its time, and every fault of the run is a step.
#[test]
fn steps_are_the_simulations() {
    for (id, p) in cases() {
        let (plan, trace) = plan(id, &p).unwrap();
        let fault_at = |f: Fault, host: &str, t: u64| {
            trace.events.iter().any(|e| {
                e.host == host
                    && matches!(e.kind, EventKind::Fault { fault } if fault == f)
                    && us(e.at) == t
            })
        };
        for &(t, step) in &plan.steps {
            let seen = match step {
                Step::Crash => fault_at(Fault::HostCrash, "client", t),
                Step::Kill => fault_at(Fault::ProcessKill, "client", t),
                Step::Reboot => fault_at(Fault::RebootDone, "client", t),
                Step::PathDown => trace.events.iter().any(|e| {
                    matches!(e.kind, EventKind::Fault { fault: Fault::PathDown })
                        && us(e.at) == t
                }),
                Step::PathUp => trace.events.iter().any(|e| {
                    matches!(e.kind, EventKind::Fault { fault: Fault::PathUp }) && us(e.at) == t
                }),
                Step::Listen { port } => trace.events.iter().any(|e| {
                    e.host == "client"
                        && matches!(e.kind, EventKind::App { call: AppCall::Listen, lport, .. } if lport == port)
                        && us(e.at) == t
                }),
                // A windowed write blocks (no result yet) and leaves
                // as MSS segments from that instant.
                Step::Send { .. } if plan.windowed => trace.packets.iter().any(|q| {
                    q.src == "server" && q.why == Why::Data && us(q.sent_at) == t
                }),
                Step::Send { port, bytes } => trace.events.iter().any(|e| {
                    e.host == "server"
                        && matches!(e.kind, EventKind::App { call: AppCall::Send, rport, .. } if rport == port)
                        && us(e.at) == t
                }) && trace
                    .packets
                    .iter()
                    .any(|q| q.src == "server" && us(q.sent_at) == t && i64::from(q.len) == bytes),
                Step::Connect { port } => trace.packets.iter().any(|q| {
                    q.src == "client" && q.why == Why::Connect && q.sport == port && us(q.sent_at) == t
                }),
                Step::Attack => trace
                    .packets
                    .iter()
                    .any(|q| q.why == Why::ForgedSyn && us(q.sent_at) == t),
            };
            assert!(seen, "{id}: {step:?} at {t} us is not in the simulation");
        }
        // And the other way: every fault is a step (or the server down
        // from the start).
        for e in &trace.events {
            if let EventKind::Fault { fault } = e.kind {
                let t = us(e.at);
                let planned = match fault {
                    Fault::HostCrash if e.host == "server" => plan.server_down && t == 0,
                    Fault::HostCrash => plan.steps.contains(&(t, Step::Crash)),
                    Fault::ProcessKill => plan.steps.contains(&(t, Step::Kill)),
                    Fault::RebootDone => plan.steps.contains(&(t, Step::Reboot)),
                    Fault::PathDown => plan.steps.contains(&(t, Step::PathDown)),
                    Fault::PathUp => plan.steps.contains(&(t, Step::PathUp)),
                };
                assert!(
                    planned,
                    "{id}: the simulation's {fault:?} at {t} us is not planned"
                );
            }
        }
        assert!(
            plan.deadline >= plan.steps.last().map_or(0, |s| s.0),
            "{id}"
        );
    }
}

#[test]
fn fill_replaces_placeholders_only() {
    let v = |n: &str| match n {
        "A" => Some("x"),
        "BC" => Some("@A@"),
        _ => None,
    };
    assert_eq!(
        fill("1 @A@ 2 @BC@ \"$@\" @Z@ @a@ @", v),
        "1 x 2 @A@ \"$@\" @Z@ @a@ @"
    );
    assert_eq!(fill("@A@@A@", v), "xx");
    assert_eq!(fill("é@A@é", v), "éxé");
}

#[test]
fn sysctls_are_only_those_the_scenario_takes() {
    let p = crate::defaults("keepalive-peer-dead").unwrap();
    let names: Vec<&str> = sysctls(&p).iter().map(|s| s.0).collect();
    assert_eq!(
        names,
        [
            "tcp_keepalive_time",
            "tcp_keepalive_intvl",
            "tcp_keepalive_probes"
        ]
    );
    let mut p = crate::defaults("host-crash-data-no-reboot").unwrap();
    p.set("tcp_rto_min", 1000).unwrap();
    let s = sysctls(&p);
    assert!(s.contains(&(
        "tcp_rto_min_us",
        1_000_000,
        Some(
            "it came with Linux 6.11; the RTO floor stays 200 ms (a route's rto_min can change it)"
                .into()
        )
    )));
}

/// `sh_quote` gives bash back exactly the text: apostrophes ("a route's",
/// the text that broke the script of issue 18), `$`, backquotes,
/// backslashes, double quotes, a line break, Chinese.
#[test]
fn sh_quote_is_one_word_that_bash_reads_back() {
    let texts = [
        "",
        "plain",
        "a route's rto_min",
        "''",
        "it's $HOME `id` \\ \"x\" ; exit 1 &",
        "two\nlines",
        "定时器 '到期'",
    ];
    assert_eq!(sh_quote("a route's"), "'a route'\\''s'");
    let Ok(_) = std::process::Command::new("bash")
        .arg("-c")
        .arg("true")
        .output()
    else {
        return; // no bash: the equality above is the check
    };
    for t in texts {
        let o = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("printf %s {}", sh_quote(t)))
            .output()
            .unwrap();
        assert!(o.status.success(), "{t:?}");
        assert_eq!(String::from_utf8(o.stdout).unwrap(), t);
    }
}

/// A text with a line break stays in its comment.
#[test]
fn comments_stay_comments() {
    let mut o = String::new();
    push_comment(&mut o, &["one\nrm -rf / two\r\tthree".to_string()]);
    assert!(o.lines().all(|l| l.starts_with('#')), "{o}");
}

#[test]
fn the_readers_recv_size_reaches_the_script_and_its_header() {
    let with = |sets: &[(&str, i64)]| {
        let mut p = crate::defaults("peer-hung").unwrap();
        for (k, v) in sets {
            p.set(k, *v).unwrap();
        }
        // The header's comment lines joined again.
        script("peer-hung", &p).unwrap().replace("\n#   ", " ")
    };
    // A steady reader: its recv() size and period, one byte said as one.
    let s = with(&[("read_bytes", 1), ("read_every_ms", 5)]);
    assert!(s.contains("\"read_bytes\": 1, \"read_every_ms\": 5"), "{s}");
    assert!(s.contains("reads 1 byte per recv()"), "{s}");
    assert!(!s.contains("1 bytes"), "{s}");
    // A reader that resumes in a loop of recv(read_bytes): the script's
    // reader gets the size too (it used to read 65,536 at a time).
    let s = with(&[("read_bytes", 1000), ("resume_at", 6)]);
    assert!(s.contains("\"resume_at\": 6, \"read_bytes\": 1000}"), "{s}");
    assert!(
        s.contains("up to 1000 bytes per recv() (read_bytes)"),
        "{s}"
    );
    // Without read_bytes, nothing about its size.
    let s = with(&[("resume_at", 6)]);
    assert!(!s.contains("\"read_bytes\": "), "{s}");
    // read_bytes without a reader is refused, here as in a run.
    let mut p = crate::defaults("peer-hung").unwrap();
    p.set("read_bytes", 1).unwrap();
    let e = script("peer-hung", &p).unwrap_err().to_string();
    assert!(e.contains("never reads"), "{e}");
}
