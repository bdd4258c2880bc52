//! Property tests: random parameters, crash/reboot times and loss never
//! panic, always terminate, and keep the trace's invariants.

use proptest::prelude::*;
use tcpsim::trace::{AppCall, AppResult, EventKind, Fault, Flag, Trace, Why};
use tcpsim::{defaults, run, SCENARIOS};

/// A random value inside each parameter's range, biased to small values so
/// that runs stay short.
fn params_for(idx: usize, picks: &[u64]) -> tcpsim::Params {
    let s = &SCENARIOS[idx % SCENARIOS.len()];
    let mut p = defaults(s.id).unwrap();
    let specs: Vec<_> = p.specs().to_vec();
    for (i, spec) in specs.iter().enumerate() {
        let r = picks[i % picks.len()];
        if r.is_multiple_of(3) {
            continue; // keep the default
        }
        let hi = match spec.name {
            // keep the number of events reasonable
            "tcp_keepalive_probes" | "tcp_keepcnt" | "tcp_syn_retries" => 20,
            "tcp_retries2" => 20,
            "tcp_user_timeout" => 600_000,
            "observe_s" | "crash_at" | "send_at" | "reboot_s" | "attack_at" | "reconnect_after" => {
                2000
            }
            "loss_pct" => 30,
            _ => spec.max,
        }
        .min(spec.max);
        let v = spec.min + (r as i64).rem_euclid(hi - spec.min + 1);
        p.set(spec.name, v).unwrap();
    }
    if p.validate().is_err() {
        let _ = p.set("tcp_rto_min", 200);
        let _ = p.set("tcp_rto_max", 120_000);
    }
    p
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
            Why::RstNoSocket | Why::RstBadAck | Why::RstDataAfterClose
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
        prop_assert!(
            errored || acked,
            "server wrote {} bytes, neither acknowledged nor failed",
            wrote
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn random_runs_terminate_and_keep_invariants(idx in 0..SCENARIOS.len(), picks in proptest::collection::vec(any::<u64>(), 1..24)) {
        let s = &SCENARIOS[idx];
        let p = params_for(idx, &picks);
        let t = run(s.id, &p).unwrap();
        prop_assert!(t.end_at.is_finite());
        check(&t).map_err(|e| TestCaseError::fail(format!("{e} in {} with {:?}", s.id, t.params)))?;
    }
}

#[test]
fn every_scenario_with_defaults_keeps_invariants() {
    for s in SCENARIOS {
        let t = run(s.id, &defaults(s.id).unwrap()).unwrap();
        check(&t).unwrap();
        assert_ne!(t.stop, tcpsim::trace::StopReason::EventLimit, "{}", s.id);
    }
}
