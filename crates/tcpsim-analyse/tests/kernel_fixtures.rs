//! The analyser against the simulator, on the project's kernel recordings:
//! for every tests/kernel/fixtures/NAME.pcap (taken on the server's
//! interface), the analyser's reason for each segment must be the
//! simulator's reason for the same segment, in a run of the same scenario
//! with the recording's parameters. The simulated segments are the ones the
//! server's interface sees (what the server sends, and what reaches it), in
//! time order, as in crates/tcpsim/tests/kernel_fixtures.rs; they are
//! compared connection by connection (by client port).
//!
//! Also checked: each connection's diagnosis names the right ending.

use serde_json::Value;
use std::path::{Path, PathBuf};
use tcpsim::trace::{Packet, Trace, Why};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/kernel/fixtures")
}

/// The ending each recording's connections must be diagnosed with, in
/// connection order.
const ENDINGS: &[(&str, &[&str])] = &[
    ("host-crash-data-no-reboot", &["unanswered"]),
    ("host-crash-data-rto-min", &["unanswered"]),
    ("host-crash-data-user-timeout", &["unanswered"]),
    ("host-crash-idle", &["open"]),
    ("host-crash-reboot-listener", &["peer_rebooted"]),
    ("host-crash-reboot-no-listener", &["peer_rebooted"]),
    ("keepalive-peer-alive", &["open"]),
    ("keepalive-peer-dead", &["keepalive_gave_up"]),
    ("kill-from-outside", &["third_party_reset"]),
    ("process-crash", &["closed"]),
    ("process-crash-linger", &["closed"]),
    ("process-crash-server-writes", &["reset_after_close"]),
    ("process-crash-unread", &["reset_unread_data"]),
    ("syn-established-new-port", &["peer_rebooted", "open"]),
    ("syn-established-same-port", &["reconnected"]),
];

/// The FIN-ACK race of crates/tcpsim/tests/kernel_fixtures.rs: a recording
/// with `close_delay_ms` = 0 whose server ACKed the client's FIN alone,
/// before its own FIN, is compared with a server that closes after the
/// simulator's delayed ACK. Returns that delay.
fn lost_fin_ack_race(fx: &Value) -> Option<i64> {
    if fx["params"]["close_delay_ms"].as_i64() != Some(0) {
        return None;
    }
    let pk = fx["packets"].as_array()?;
    let has = |p: &Value, f: &str| {
        p["flags"]
            .as_array()
            .is_some_and(|fs| fs.iter().any(|x| x == f))
    };
    let fin_at = pk
        .iter()
        .position(|p| p["src"] == "client" && has(p, "FIN"))?;
    let fin = &pk[fin_at];
    let ack_of_fin = fin["seq"].as_u64()? + 1;
    let mut server = pk[fin_at + 1..].iter().filter(|p| p["src"] == "server");
    let first = server.next()?;
    let alone = !has(first, "FIN") && first["ack"].as_u64() == Some(ack_of_fin);
    let server_fin = pk[fin_at + 1..]
        .iter()
        .find(|p| p["src"] == "server" && has(p, "FIN"))?;
    if !alone {
        return None;
    }
    let delay_ms = (server_fin["t"].as_f64()? - fin["t"].as_f64()?) * 1000.0;
    Some((delay_ms.ceil() as i64).max(5))
}

/// The simulated segments the server's interface sees, in time order.
fn sim_view(t: &Trace) -> Vec<&Packet> {
    let mut v: Vec<(f64, &Packet)> = t
        .packets
        .iter()
        .filter_map(|p| {
            let at = if p.src == "server" {
                Some(p.sent_at)
            } else if p.dst == "server" {
                p.arrived_at
            } else {
                None
            }?;
            Some((at, p))
        })
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v.into_iter().map(|(_, p)| p).collect()
}

fn line(p: &Packet) -> String {
    format!(
        "{:9.4} {:>8}>{:<6} {:4} seq {} ack {:?} len {} why {}{}",
        p.sent_at,
        p.src,
        p.dst,
        p.flag_str(),
        p.seq,
        p.ack,
        p.len,
        p.why.as_str(),
        p.resend.map(|n| format!(" resend {n}")).unwrap_or_default()
    )
}

fn simulate(name: &str, fx: &Value) -> Trace {
    let scenario = fx["scenario"].as_str().unwrap();
    let mut p = tcpsim::defaults(scenario).unwrap();
    for (k, v) in fx["params"].as_object().unwrap() {
        p.set(k, v.as_i64().unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    if let Some(ms) = lost_fin_ack_race(fx) {
        println!("  {name}: lost FIN-ACK race, simulated with close_delay_ms = {ms}");
        p.set("close_delay_ms", ms).unwrap();
    }
    tcpsim::run(scenario, &p).unwrap()
}

#[test]
fn the_analyser_gives_the_simulators_reasons_on_every_kernel_recording() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            let stem = p.file_stem()?.to_string_lossy().into_owned();
            (p.extension()? == "pcap").then_some(stem)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 15, "recordings: {names:?}");
    let mut failures = Vec::new();
    for name in &names {
        let fx: Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures().join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let sim = simulate(name, &fx);
        let view = sim_view(&sim);
        let bytes = std::fs::read(fixtures().join(format!("{name}.pcap"))).unwrap();
        let cap = tcpsim_analyse::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(cap.stats().skipped.total(), 0, "{name}");
        let want_endings = ENDINGS
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name}: no expected ending in ENDINGS"))
            .1;
        assert_eq!(
            cap.connections().len(),
            want_endings.len(),
            "{name}: connections"
        );
        let mut compared = 0;
        for c in cap.connections() {
            let a = cap.explain(c.index).unwrap();
            let mine = &a.trace.packets;
            let theirs: Vec<&Packet> = view
                .iter()
                .copied()
                .filter(|p| p.sport == c.client.port || p.dport == c.client.port)
                .collect();
            compared += theirs.len();
            let same = mine.len() == theirs.len()
                && mine.iter().zip(&theirs).all(|(m, s)| {
                    // A listener's RST and a closed port's are the same on
                    // the wire: the analyser says the latter.
                    let want = match s.why {
                        Why::RstListener => Why::RstNoSocket,
                        w => w,
                    };
                    m.why == want && m.resend == s.resend && m.flags == s.flags && m.src == s.src
                });
            if !same {
                failures.push(format!(
                    "--- {name}, connection {} ({}):\n  analysed:\n{}\n  simulated:\n{}",
                    c.index,
                    c.client,
                    mine.iter()
                        .map(|p| format!("    {}", line(p)))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    theirs
                        .iter()
                        .map(|p| format!("    {}", line(p)))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
            let kind = a.diagnosis.ending.kind();
            if kind != want_endings[c.index] {
                failures.push(format!(
                    "--- {name}, connection {}: ending {kind}, want {}: {}",
                    c.index, want_endings[c.index], a.diagnosis.en
                ));
            }
            println!("{name} #{}: {}", c.index, a.diagnosis.en);
            println!("{name} #{}: {}", c.index, a.diagnosis.zh);
        }
        if compared != view.len() {
            failures.push(format!(
                "--- {name}: {} simulated segments, {compared} in the analysed connections",
                view.len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What each application learned: where the capture can tell, the same
/// as the simulator says (a retransmission timer running out cannot be
/// seen in a capture that stops at the last retransmission).
#[test]
fn outcomes_agree_with_the_simulator_where_the_capture_can_tell() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "pcap") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let fx: Value =
            serde_json::from_str(&std::fs::read_to_string(path.with_extension("json")).unwrap())
                .unwrap();
        let sim = simulate(&name, &fx);
        let cap = tcpsim_analyse::read(&std::fs::read(&path).unwrap()).unwrap();
        let a = cap.explain(0).unwrap();
        let ours: Vec<(String, String)> = a
            .trace
            .outcome
            .iter()
            .map(|o| (o.host.clone(), o.result.as_string()))
            .collect();
        let theirs: Vec<(String, String)> = sim
            .outcome
            .iter()
            .map(|o| (o.host.clone(), o.result.as_string()))
            .collect();
        if name.starts_with("host-crash-data") {
            assert!(ours.is_empty(), "{name}: {ours:?}");
        } else {
            assert_eq!(ours, theirs, "{name}");
        }
    }
}
