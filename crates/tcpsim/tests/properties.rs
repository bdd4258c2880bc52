//! The fuzzed core: random parameter sets across every scenario never
//! panic, always terminate, stay within the output bounds, and keep the
//! trace's invariants (arrival after sending, events in time order, `ack`
//! null exactly when the ACK flag is off, every application result one of
//! the documented words, no segment from or to a crashed host...).
//!
//! 2,000 cases per `cargo test`; more offline with
//! `TCPSIM_FUZZ_CASES=1000000 cargo test --release -p tcpsim --test properties`.

use proptest::prelude::*;
use tcpsim::scenarios::{MAX_RECORDS, MAX_SEGMENTS};
use tcpsim::trace::{AppCall, AppResult, EventKind, Fault, Flag, Trace, Why};
use tcpsim::{defaults, run, SCENARIOS};

/// A random value for each parameter: a third keep the default, a third
/// come from the low end of the range (short timers, many events), a third
/// from anywhere in it.
fn params_for(idx: usize, picks: &[u64]) -> tcpsim::Params {
    let s = &SCENARIOS[idx % SCENARIOS.len()];
    let mut p = defaults(s.id).unwrap();
    let specs: Vec<_> = p.specs().to_vec();
    for (i, spec) in specs.iter().enumerate() {
        let r = picks[i % picks.len()];
        let span = match r % 3 {
            0 => continue,
            1 => (spec.max - spec.min).min(50),
            _ => spec.max - spec.min,
        };
        let v = spec.min + ((r / 3) as i64).rem_euclid(span + 1);
        p.set(spec.name, v).unwrap();
    }
    if p.validate().is_err() {
        let _ = p.set("tcp_rto_min", 200);
        let _ = p.set("tcp_rto_max", 120_000);
    }
    p
}

/// The words the README's contract lists for `app` results (besides byte counts).
const RESULT_WORDS: [&str; 7] = [
    "OK",
    "EOF",
    "ETIMEDOUT",
    "ECONNRESET",
    "ECONNREFUSED",
    "EPIPE",
    "EHOSTUNREACH",
];

fn bounded(t: &Trace) -> Result<(), TestCaseError> {
    prop_assert!(
        t.packets.len() <= MAX_SEGMENTS + 8,
        "{} segments",
        t.packets.len()
    );
    // (One step adds a few records past the bound at most.)
    prop_assert!(
        t.events.len() <= MAX_RECORDS + 20,
        "{} events",
        t.events.len()
    );
    prop_assert!(t.to_json().len() < 10_000_000);
    prop_assert!(t.end_at.is_finite() && t.end_at >= 0.0);
    for p in &t.packets {
        prop_assert_eq!(
            p.ack.is_some(),
            p.has(Flag::Ack),
            "ack null iff no ACK flag: packet {}",
            p.id
        );
        if !p.has(Flag::Ack) {
            prop_assert_eq!(p.abs_ack, 0);
        }
        prop_assert!(p.lost.is_some() == p.lost_at.is_some());
    }
    for (_, _, r) in t.app_events() {
        if let AppResult::Word(w) = r {
            prop_assert!(RESULT_WORDS.contains(&w.as_str()), "{}", w.as_str());
        }
    }
    for o in &t.outcome {
        prop_assert!(o.after >= 0.0 && o.at <= t.end_at + 1e-9);
    }
    Ok(())
}

fn crash_windows(t: &Trace, host: &str) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut down: Option<f64> = None;
    for e in t.events.iter().filter(|e| e.host == host) {
        match e.kind {
            EventKind::Fault {
                fault: Fault::HostCrash,
            } => down = Some(e.at),
            EventKind::Fault {
                fault: Fault::RebootDone,
            } => {
                if let Some(d) = down.take() {
                    out.push((d, e.at));
                }
            }
            _ => {}
        }
    }
    if let Some(d) = down {
        out.push((d, f64::INFINITY));
    }
    out
}

fn check(t: &Trace) -> Result<(), TestCaseError> {
    bounded(t)?;
    // No segment leaves a crashed host, and none is delivered to one.
    for h in ["client", "server"] {
        for (a, b) in crash_windows(t, h) {
            for p in &t.packets {
                if p.src == h && p.spoofed_as.is_none() {
                    prop_assert!(!(p.sent_at > a && p.sent_at < b), "{} sent while down", h);
                }
                if p.dst == h {
                    if let Some(at) = p.arrived_at {
                        prop_assert!(!(at > a && at < b), "delivered to a dead {}", h);
                    }
                }
            }
        }
    }
    // Times are ordered and arrivals follow sends.
    for p in &t.packets {
        if let Some(a) = p.arrived_at {
            prop_assert!(a >= p.sent_at);
        }
        prop_assert!(p.arrived_at.is_some() != p.lost.is_some() || p.arrived_at.is_none());
    }
    for w in t.events.windows(2) {
        prop_assert!(w[1].at >= w[0].at, "events out of order");
    }
    // Sequence numbers never go backwards on a connection except as a
    // retransmission (or a keepalive probe's SND.UNA - 1, or a RST).
    use std::collections::HashMap;
    let mut high: HashMap<(String, u16, u16), u32> = HashMap::new();
    for p in t.packets.iter().filter(|p| p.spoofed_as.is_none()) {
        let key = (p.src.clone(), p.sport, p.dport);
        let end = p.abs_seq.wrapping_add(p.len);
        if matches!(
            p.why,
            Why::RstNoSocket
                | Why::RstListener
                | Why::RstBadAck
                | Why::RstDataAfterClose
                | Why::MiddleboxRst
        ) {
            // Replies from no connection: SEQ is the peer's SEG.ACK.
            continue;
        }
        if p.has(Flag::Syn) {
            // A SYN starts an incarnation (or repeats its ISN).
            high.insert(key.clone(), end.wrapping_add(1));
            continue;
        }
        if let Some(h) = high.get(&key).copied() {
            let backwards = (end.wrapping_sub(h) as i32) < 0;
            if backwards {
                prop_assert!(
                    matches!(
                        p.why,
                        Why::Retransmit
                            | Why::TailLossProbe
                            | Why::KeepaliveProbe
                            | Why::ZeroWindowProbe
                            | Why::SynRetransmit
                    ),
                    "packet {} went backwards ({:?}) end {} high {}",
                    p.id,
                    p.why,
                    end,
                    h
                );
                continue;
            }
        }
        high.insert(key, end);
    }
    // Every byte the server wrote is acknowledged, or the server's
    // application got an error (or the run stopped while it was in flight).
    let wrote: u64 = t
        .app_events()
        .filter(|(e, c, _)| e.host == "server" && *c == AppCall::Send)
        .filter_map(|(_, _, r)| {
            if let AppResult::Bytes(n) = r {
                Some(n as u64)
            } else {
                None
            }
        })
        .sum();
    if wrote > 0 && t.stop == tcpsim::trace::StopReason::Quiet {
        let errored = t.app_events().any(|(e, _, r)| {
            e.host == "server" && matches!(r, AppResult::Word(w) if w.as_str().starts_with('E'))
        });
        let acked = t.packets.iter().any(|p| {
            p.src == "client"
                && p.has(Flag::Ack)
                && p.arrived_at.is_some()
                && p.why != Why::HandshakeAck
        });
        // A writer that never reads (peer-hung) and has written all it
        // had learns of nothing; its kernel gave up all the same.
        let gave_up = t.events.iter().any(|e| {
            e.host == "server"
                && matches!(
                    e.kind,
                    tcpsim::trace::EventKind::Kernel {
                        what: tcpsim::trace::KernelNote::RetriesExhausted
                            | tcpsim::trace::KernelNote::ProbesExhausted,
                        ..
                    }
                )
        });
        prop_assert!(
            errored || acked || gave_up,
            "server wrote {} bytes, neither acknowledged nor failed",
            wrote
        );
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("TCPSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), .. ProptestConfig::default() })]

    #[test]
    fn random_runs_terminate_and_keep_invariants(idx in 0..SCENARIOS.len(), picks in proptest::collection::vec(any::<u64>(), 1..24)) {
        let s = &SCENARIOS[idx];
        let p = params_for(idx, &picks);
        let t = run(s.id, &p).unwrap();
        prop_assert!(t.end_at.is_finite());
        check(&t).map_err(|e| TestCaseError::fail(format!("{e} in {} with {:?}", s.id, t.params)))?;
        // The page's "reproduce it on your Linux" for the same parameters
        // (the tools module calls it with whatever a reader drew): a script,
        // never a panic, of a size a download can hold.
        let script = tcpsim::reproduce::script(s.id, &p)
            .map_err(|e| TestCaseError::fail(format!("reproduce {}: {e} with {:?}", s.id, t.params)))?;
        prop_assert!(script.starts_with("#!"), "{}", s.id);
        prop_assert!(script.len() < 200_000, "{}: {} bytes", s.id, script.len());
    }
}

/// Found by the fuzzer: keepalive every second on a connection whose data
/// then sits in flight for days (a huge TCP_USER_TIMEOUT) made 39,693
/// timer records (the keepalive timer re-arming each second behind the
/// retransmission timer). Those re-arms are no longer recorded, and a run
/// stops at MAX_RECORDS records in any case.
#[test]
fn keepalive_ticking_behind_a_long_retransmission_stays_small() {
    let mut p = defaults("middlebox-idle-timeout").unwrap();
    for (k, v) in [
        ("so_keepalive", 1),
        ("tcp_keepalive_time", 1),
        ("tcp_keepintvl", 29_765),
        ("tcp_user_timeout", 1_147_997_928),
        ("write_at", 852_389),
    ] {
        p.set(k, v).unwrap();
    }
    let t = run("middlebox-idle-timeout", &p).unwrap();
    check(&t).unwrap();
    assert!(
        t.events.len() < 4 * MAX_SEGMENTS,
        "{} records",
        t.events.len()
    );
    assert_eq!(t.stop, tcpsim::trace::StopReason::EventLimit);
}

#[test]
fn every_scenario_with_defaults_keeps_invariants() {
    for s in SCENARIOS {
        let t = run(s.id, &defaults(s.id).unwrap()).unwrap();
        check(&t).unwrap();
        assert_ne!(t.stop, tcpsim::trace::StopReason::EventLimit, "{}", s.id);
    }
}
