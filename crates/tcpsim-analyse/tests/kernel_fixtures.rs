//! The analyser against the simulator, on the project's kernel recordings:
//! for every tests/kernel/fixtures/NAME.pcap, the analyser's reason for
//! each segment must be the simulator's reason for the same segment, in a
//! run of the same scenario with the recording's parameters. The simulated
//! segments are the ones the captured host's interface sees (the server's,
//! or the client's where the recording's `capture_point` says so: what that
//! host sends, and what reaches it), in time order, up to the capture's end
//! (`duration_s`), as in crates/tcpsim/tests/kernel_fixtures.rs; they are
//! compared connection by connection (by client port).
//!
//! Also checked: each connection's diagnosis names the right ending.

use serde_json::Value;
use std::path::{Path, PathBuf};
use tcpsim::trace::{Packet, Trace, Why};

// The FIN-ACK race: a recording whose server ACKed the client's FIN alone
// is compared with a server that closes after the delayed ACK.
#[path = "../../../tests/kernel/shared.rs"]
mod shared;
use shared::{lost_fin_ack_race, seen_at};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/kernel/fixtures")
}

/// A recording's capture: NAME.pcap beside NAME.json. NAME.lo.pcap, the
/// ICMP a kernel sent itself on loopback (connect-dead-host-same-lan), is
/// not one: it holds no TCP, and its ICMP is in the recording's JSON
/// (`other_packets`), which crates/tcpsim/tests/kernel_fixtures.rs compares.
fn is_capture(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "pcap")
        && !p
            .file_stem()
            .is_some_and(|s| s.to_string_lossy().ends_with(".lo"))
}

/// The ending each recording's connections must be diagnosed with, in
/// connection order.
const ENDINGS: &[(&str, &[&str])] = &[
    ("connect-dead-host", &["syn_unanswered"]),
    // The SYN waited for ARP and never reached the wire: no TCP segment,
    // so no connection (the capture holds the ARP requests only).
    ("connect-dead-host-same-lan", &[]),
    ("connect-dead-host-user-timeout", &["syn_unanswered"]),
    ("host-crash-data-default", &["unanswered"]),
    ("host-crash-data-no-reboot", &["unanswered"]),
    ("host-crash-data-rto-min", &["unanswered"]),
    ("host-crash-data-user-timeout", &["unanswered"]),
    ("host-crash-bulk", &["unanswered"]),
    ("host-crash-idle", &["open"]),
    ("host-crash-reboot-listener", &["peer_rebooted"]),
    ("host-crash-reboot-no-listener", &["peer_rebooted"]),
    ("keepalive-peer-alive", &["open"]),
    ("keepalive-peer-dead", &["keepalive_gave_up"]),
    ("kill-from-outside", &["third_party_reset"]),
    ("middlebox-idle-drop", &["unanswered"]),
    ("middlebox-idle-keepalive", &["open"]),
    ("middlebox-idle-reset", &["third_party_reset"]),
    ("partition-heals", &["open"]),
    // The persist timer's probes, answered or not, end the capture; what
    // ends the connection (TCP_USER_TIMEOUT, the probe count) sends nothing.
    ("peer-hung", &["open"]),
    ("peer-hung-crash", &["open"]),
    // The reader resumes: the rest flows, and the connection stays open.
    ("peer-hung-resume", &["open"]),
    // A reader at a steady rate: the transfer crawls to its end, open.
    ("peer-hung-reader", &["open"]),
    ("peer-hung-reader-resume", &["open"]),
    ("peer-hung-user-timeout", &["open"]),
    ("preset-go-idle", &["keepalive_gave_up"]),
    ("preset-grpc-data", &["unanswered"]),
    ("preset-linux-connect", &["syn_unanswered"]),
    ("preset-redis-idle", &["keepalive_gave_up"]),
    ("process-crash", &["closed"]),
    ("process-crash-linger", &["closed"]),
    ("process-crash-server-writes", &["reset_after_close"]),
    ("process-crash-unread", &["reset_unread_data"]),
    ("syn-established-new-port", &["peer_rebooted", "open"]),
    ("syn-established-same-port", &["reconnected"]),
];

/// The simulated segments a capture on one host's interface sees, in time
/// order: `point` is the recording's `capture_point` (the server's, or the
/// client's when the server's host is down from the start); what the host
/// sends, when it sends it; what reaches it, when it arrives. A recording
/// ends where its capture stopped (`duration_s`): simulated segments after
/// that moment have no counterpart and are left out (a keepalive that
/// probes on, a horizon of minutes), as in crates/tcpsim/tests/kernel_fixtures.rs.
fn sim_view<'a>(t: &'a Trace, point: &str, until: f64) -> Vec<&'a Packet> {
    let mut v: Vec<(f64, &Packet)> = t
        .packets
        .iter()
        .filter_map(|p| {
            let at = seen_at(p, point)?;
            Some((at, p))
        })
        .filter(|(at, _)| *at <= until)
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v.into_iter().map(|(_, p)| p).collect()
}

/// Where the recording was captured (default: the server), and when the
/// capture stopped (older recordings lack `duration_s`: all is compared).
fn capture_point_and_end(fx: &Value) -> (&str, f64) {
    (
        fx["capture_point"].as_str().unwrap_or("server"),
        fx["duration_s"].as_f64().unwrap_or(f64::INFINITY),
    )
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
            is_capture(&p).then_some(stem)
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
        let (point, until) = capture_point_and_end(&fx);
        let view = sim_view(&sim, point, until);
        let bytes = std::fs::read(fixtures().join(format!("{name}.pcap"))).unwrap();
        let cap = tcpsim_analyse::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Every frame is TCP, but for the ARP requests of a capture filtered
        // `tcp or arp` (connect-dead-host-same-lan): counted as not IP.
        let skipped = cap.stats().skipped;
        let arp = fx["other_packets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["proto"] == "arp")
            .count() as u64;
        assert_eq!(skipped.not_ip, arp, "{name}: frames without IP");
        assert_eq!(skipped.total() - skipped.not_ip, 0, "{name}");
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
        if fx["scenario"] == "peer-hung" {
            // A window of data (crates/tcpsim/tests/kernel_fixtures.rs
            // compares these recordings with the simulator, segment by
            // segment and by their figures). Here: the analyser reads every
            // segment without data that the server sends after the
            // client's window closed as a zero-window probe, the
            // simulator's reason, and finds the ending.
            let a = cap.explain(0).unwrap();
            let ps = &a.trace.packets;
            let closed = ps
                .iter()
                .position(|p| p.src == "client" && p.win == 0 && !p.has(tcpsim::trace::Flag::Syn))
                .unwrap_or_else(|| panic!("{name}: the window never closes"));
            let after: Vec<&Packet> = ps[closed..]
                .iter()
                .filter(|p| p.src == "server" && p.len == 0)
                .collect();
            let sim_probes = view
                .iter()
                .filter(|p| p.why == Why::ZeroWindowProbe)
                .count();
            println!(
                "{name}: {} zero-window probes analysed, {sim_probes} simulated",
                after.len()
            );
            // (A reader at a steady rate reopens the window before the
            // persist timer fires: no probe, in the simulation as on Linux.)
            let probed = sim_probes > 0;
            if after.is_empty() == probed || after.iter().any(|p| p.why != Why::ZeroWindowProbe) {
                failures.push(format!(
                    "--- {name}: the server's segments after the window closed read as {:?}",
                    after.iter().map(|p| p.why).collect::<Vec<_>>()
                ));
            }
            let kind = a.diagnosis.ending.kind();
            if kind != want_endings[0] {
                failures.push(format!(
                    "--- {name}: ending {kind}, want {}",
                    want_endings[0]
                ));
            }
            continue;
        }
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
                    let (want, want_src) = match (s.why, s.src.as_str()) {
                        // A listener's RST and a closed port's are the same
                        // on the wire: the analyser says the latter.
                        (Why::RstListener, src) => (Why::RstNoSocket, src),
                        // A middlebox's RST in the other end's name (its
                        // own TTL, not the forwarded one's) and a third
                        // party's forged RST are the same on the wire: a
                        // RST with one side's address and another TTL. The
                        // analyser says the latter, sent by `attacker`.
                        (Why::MiddleboxRst, "middlebox") => (Why::ForgedRst, "attacker"),
                        (w, src) => (w, src),
                    };
                    // host-crash-bulk: PSH inside the write is where Linux's
                    // send-buffer accounting puts it (see KNOWN_DIFFERENCES
                    // in crates/tcpsim/tests/kernel_fixtures.rs).
                    let flags = |p: &Packet| -> Vec<tcpsim::trace::Flag> {
                        p.flags
                            .iter()
                            .copied()
                            .filter(|f| {
                                !(name == "host-crash-bulk"
                                    && p.len > 0
                                    && *f == tcpsim::trace::Flag::Psh)
                            })
                            .collect()
                    };
                    m.why == want
                        && m.resend == s.resend
                        && flags(m) == flags(s)
                        && m.src == want_src
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

/// The endings whose capture stops at the side's last retransmission
/// (`unanswered`: of data, `syn_unanswered`: of a SYN): the timer that then
/// gives up (tcp_retries2, TCP_USER_TIMEOUT, tcp_syn_retries) puts nothing
/// on the wire, and a pcap file does not say how long the capture went on
/// after its last segment, so the ETIMEDOUT it brings cannot be seen.
const GIVE_UP_UNSEEN: &[&str] = &["unanswered", "syn_unanswered"];

/// What each application learned: where the capture can tell, the same
/// as the simulator says. Where it cannot (a recording whose expected
/// ending is in `GIVE_UP_UNSEEN`), the simulator's ETIMEDOUT for the side
/// that retransmitted is left out, and there must be one; everything else
/// is still compared.
#[test]
fn outcomes_agree_with_the_simulator_where_the_capture_can_tell() {
    let mut n = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if !is_capture(&path) {
            continue;
        }
        n += 1;
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let fx: Value =
            serde_json::from_str(&std::fs::read_to_string(path.with_extension("json")).unwrap())
                .unwrap();
        let sim = simulate(&name, &fx);
        let cap = tcpsim_analyse::read(&std::fs::read(&path).unwrap()).unwrap();
        if cap.connections().is_empty() {
            // Nothing to explain (connect-dead-host-same-lan: the SYN
            // never left). The application's result came from an ICMP
            // on loopback, which this capture does not hold: the analyser
            // cannot tell it, and the other test checks that the simulator
            // put no segment on this wire either.
            println!("{name}: no TCP connection in the capture, no outcome to compare");
            continue;
        }
        let a = cap.explain(0).unwrap();
        let ours: Vec<(String, String)> = a
            .trace
            .outcome
            .iter()
            .map(|o| (o.host.clone(), o.result.as_string()))
            .collect();
        let mut theirs: Vec<(String, String)> = sim
            .outcome
            .iter()
            .map(|o| (o.host.clone(), o.result.as_string()))
            .collect();
        let ending = ENDINGS
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name}: no expected ending in ENDINGS"))
            .1[0];
        if fx["scenario"] == "peer-hung" {
            // The persist timer gives up (TCP_USER_TIMEOUT, the probe
            // count) without a segment: the server's ETIMEDOUT, when the
            // simulator has one, cannot be seen in the capture.
            theirs.retain(|(h, r)| !(h == "server" && r == "ETIMEDOUT"));
        } else if GIVE_UP_UNSEEN.contains(&ending) {
            // The side that retransmitted: the recording's last segment's
            // sender.
            let by = fx["packets"].as_array().unwrap().last().unwrap()["src"]
                .as_str()
                .unwrap();
            let at = theirs
                .iter()
                .position(|(h, r)| h == by && r == "ETIMEDOUT")
                .unwrap_or_else(|| {
                    panic!("{name}: ending {ending}, but the simulator gives the {by} no ETIMEDOUT")
                });
            theirs.remove(at);
        }
        assert_eq!(ours, theirs, "{name}");
    }
    assert!(n >= 15, "recordings: {n}");
}
