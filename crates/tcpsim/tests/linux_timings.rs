//! Timings and packet shapes the scenarios must show with Linux defaults.
//! Every expected number here is derived from a Linux rule (named beside
//! it), not copied from the simulator's output. A timer's gap is checked
//! with `fired`: at least its nominal delay, and at most one bucket of the
//! timer wheel's level later (`tcpsim::wheel`).

use tcpsim::trace::{AppCall, AppResult, EventKind, Flag, KernelNote, ResultWord, Trace, Why};
use tcpsim::{defaults, run};

fn trace(id: &str, sets: &[(&str, i64)]) -> Trace {
    let mut p = defaults(id).unwrap();
    for (n, v) in sets {
        p.set(n, *v).unwrap();
    }
    run(id, &p).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// A timer armed for `nominal` seconds fired after `gap`: never early, and
/// late by at most its wheel level's bucket and a tick.
fn fired(gap: f64, nominal: f64) -> bool {
    let late = tcpsim::wheel::max_late((nominal * 1e6).round() as u64) as f64 / 1e6;
    gap >= nominal - 1e-6 && gap <= nominal + late + 1e-6
}

fn last_arrival_at(t: &Trace, host: &str) -> f64 {
    t.packets
        .iter()
        .filter(|p| p.dst == host)
        .filter_map(|p| p.arrived_at)
        .fold(0.0, f64::max)
}

fn app_results(t: &Trace, host: &str) -> Vec<(f64, AppCall, AppResult)> {
    t.app_events()
        .filter(|(e, _, _)| e.host == host)
        .map(|(e, c, r)| (e.at, c, r))
        .collect()
}

fn err(w: ResultWord) -> AppResult {
    AppResult::Word(w)
}

#[test]
fn keepalive_gives_up_after_time_plus_probes_times_interval() {
    let t = trace("keepalive-peer-dead", &[]);
    // The idle clock starts at the last segment the server received.
    let last_rx = last_arrival_at(&t, "server");
    let probes: Vec<_> = t
        .packets
        .iter()
        .filter(|p| p.why == Why::KeepaliveProbe)
        .collect();
    assert_eq!(probes.len(), 9, "tcp_keepalive_probes = 9");
    let mut prev = last_rx;
    for (i, p) in probes.iter().enumerate() {
        // tcp_keepalive_timer: first probe at keepalive_time, then every intvl.
        let nominal = if i == 0 { 7200.0 } else { 75.0 };
        assert!(
            fired(p.sent_at - prev, nominal),
            "probe {i} at {}",
            p.sent_at
        );
        prev = p.sent_at;
        // tcp_xmit_probe_skb: zero-length ACK with SEQ = SND.UNA - 1.
        assert_eq!(p.len, 0);
        assert_eq!(p.flags, vec![Flag::Ack]);
        assert_eq!(p.seq, 0, "relative SND.UNA - 1 on an idle connection");
        assert!(p.lost.is_some(), "the client host is down");
    }
    // Give-up: RST into the void and ETIMEDOUT one interval after the last
    // probe: 7200 + 9 x 75 = 7875 s, plus each expiry's wheel rounding.
    let rst = t
        .packets
        .iter()
        .find(|p| p.why == Why::RstKeepaliveTimeout)
        .unwrap();
    assert!(fired(rst.sent_at - prev, 75.0));
    assert!(rst.sent_at - last_rx >= 7875.0);
    assert!(rst.has(Flag::Rst));
    let res = app_results(&t, "server");
    assert!(res.iter().any(|(at, c, r)| close(*at, rst.sent_at)
        && *c == AppCall::Recv
        && *r == err(ResultWord::Etimedout)));
}

#[test]
fn keepalive_socket_options_override_the_sysctls() {
    let t = trace(
        "keepalive-peer-dead",
        &[
            ("tcp_keepidle", 2),
            ("tcp_keepintvl", 1),
            ("tcp_keepcnt", 3),
        ],
    );
    let probes: Vec<_> = t
        .packets
        .iter()
        .filter(|p| p.why == Why::KeepaliveProbe)
        .collect();
    // While the client lives (until crash_at = 10 s) each probe is answered
    // and the idle clock restarts; after the crash, TCP_KEEPCNT go unanswered.
    let unanswered: Vec<f64> = probes
        .iter()
        .filter(|p| p.lost.is_some())
        .map(|p| p.sent_at)
        .collect();
    assert_eq!(unanswered.len(), 3);
    assert!(probes
        .iter()
        .filter(|p| p.arrived_at.is_some())
        .all(|p| p.sent_at < 10.0));
    let last_rx = last_arrival_at(&t, "server");
    assert!(
        fired(unanswered[0] - last_rx, 2.0),
        "TCP_KEEPIDLE after the last reply"
    );
    assert!(fired(unanswered[1] - unanswered[0], 1.0) && fired(unanswered[2] - unanswered[1], 1.0));
    let rst = t
        .packets
        .iter()
        .find(|p| p.why == Why::RstKeepaliveTimeout)
        .unwrap();
    assert!(
        fired(rst.sent_at - unanswered[2], 1.0),
        "give-up one interval after the last probe"
    );
}

#[test]
fn keepalive_probe_answered_restarts_the_idle_timer() {
    let t = trace("keepalive-peer-alive", &[]);
    let probes: Vec<_> = t
        .packets
        .iter()
        .filter(|p| p.why == Why::KeepaliveProbe)
        .collect();
    let replies: Vec<_> = t
        .packets
        .iter()
        .filter(|p| p.why == Why::DupAck && p.src == "client")
        .collect();
    assert_eq!(probes.len(), 2);
    assert_eq!(replies.len(), 2);
    // The reply re-states SND.NXT/RCV.NXT (RFC 9293 3.10.7.4).
    assert_eq!((replies[0].seq, replies[0].ack), (1, Some(1)));
    // The second probe comes a full keepalive_time after the reply arrived.
    let reply_arrival = replies[0].arrived_at.unwrap();
    assert!(fired(probes[1].sent_at - reply_arrival, 7200.0));
    assert!(t.packets.iter().all(|p| !p.has(Flag::Rst)));
}

#[test]
fn retries2_gives_up_at_the_first_rto_after_924_6_seconds() {
    let t = trace("host-crash-data-no-reboot", &[]);
    let data = t.packets.iter().find(|p| p.why == Why::Data).unwrap();
    let tlp = t
        .packets
        .iter()
        .find(|p| p.why == Why::TailLossProbe)
        .unwrap();
    let rtx: Vec<f64> = t
        .packets
        .iter()
        .filter(|p| p.why == Why::Retransmit)
        .map(|p| p.sent_at)
        .collect();
    // RTT 20 ms: SRTT 20 ms, RTTVAR floored at tcp_rto_min => RTO 220 ms.
    // TLP: min(2 x SRTT + rto_min, RTO) = 220 ms after the data.
    assert!(fired(tlp.sent_at - data.sent_at, 0.22));
    // First RTO one RTO after the probe, then doubling up to 120 s.
    assert!(fired(rtx[0] - tlp.sent_at, 0.22));
    let mut expect = 0.44;
    for w in rtx.windows(2) {
        assert!(
            fired(w[1] - w[0], expect),
            "gap {} expected {expect}",
            w[1] - w[0]
        );
        expect = (expect * 2.0f64).min(120.0);
    }
    // tcp_write_timeout: ETIMEDOUT at the first expiry with
    // now - retrans_stamp >= tcp_model_timeout(15) = 924.6 s.
    let (at, _, r) = app_results(&t, "server")
        .into_iter()
        .find(|(_, c, _)| *c == AppCall::Recv)
        .unwrap();
    assert_eq!(r, err(ResultWord::Etimedout));
    let since_first = at - rtx[0];
    let last_gap = at - rtx.last().unwrap();
    assert!(since_first >= 924.6, "{since_first}");
    assert!(
        since_first - last_gap < 924.6,
        "the previous expiry was still within budget"
    );
    assert!(fired(last_gap, expect.min(120.0)));
    assert_eq!(rtx.len(), 15, "15 RTO retransmissions after the TLP");
    assert!(
        !t.packets.iter().any(|p| p.has(Flag::Rst)),
        "tcp_write_err sends no RST"
    );
}

#[test]
fn retries2_is_a_time_budget_not_a_count() {
    // tcp_retries2 = 5 => tcp_model_timeout = (2^6 - 1) x 200 ms = 12.6 s.
    // RTT 20 ms: RTO 220 ms doubles 0.44, 0.88, ... and 5 retransmissions fit.
    let n = |t: &Trace| {
        t.packets
            .iter()
            .filter(|p| p.why == Why::Retransmit)
            .count()
    };
    assert_eq!(
        n(&trace("host-crash-data-no-reboot", &[("tcp_retries2", 5)])),
        5
    );
    // RTT 300 ms: RTO = SRTT + 2 x SRTT = 900 ms; the same 12.6 s budget is
    // spent after only 3 retransmissions (at 0, 1.8 and 5.4 s; 12.6 s hits it).
    let t = trace(
        "host-crash-data-no-reboot",
        &[("tcp_retries2", 5), ("rtt_ms", 300)],
    );
    assert_eq!(n(&t), 3);
    // A raised floor makes every RTO longer but leaves the budget at
    // tcp_model_timeout(5, TCP_RTO_MIN) = 12.6 s (retransmits_timed_out
    // uses the constant, as the kernel recording shows): only 3 RTO
    // retransmissions (+1.0, +2.0, +4.0 s) fit, ETIMEDOUT at the +8.0 s expiry.
    let t = trace(
        "host-crash-data-no-reboot",
        &[("tcp_retries2", 5), ("tcp_rto_min", 1000)],
    );
    assert_eq!(n(&t), 3);
    let first = t
        .packets
        .iter()
        .find(|p| p.why == Why::Retransmit)
        .unwrap()
        .sent_at;
    let (at, _, _) = app_results(&t, "server")
        .into_iter()
        .find(|(_, c, _)| *c == AppCall::Recv)
        .unwrap();
    assert!(
        at - first >= 12.6 && at - first < 12.6 + 8.1,
        "{}",
        at - first
    );
}

#[test]
fn user_timeout_replaces_the_retries2_budget() {
    let t = trace("host-crash-data-no-reboot", &[("tcp_user_timeout", 5000)]);
    let first = t
        .packets
        .iter()
        .find(|p| p.why == Why::Retransmit)
        .unwrap()
        .sent_at;
    let (at, _, r) = app_results(&t, "server")
        .into_iter()
        .find(|(_, c, _)| *c == AppCall::Recv)
        .unwrap();
    assert_eq!(r, err(ResultWord::Etimedout));
    // The last RTO is clamped to what is left of the 5 s (and that timer
    // fires up to a wheel bucket late: 32 ms for a 1-2 s timer).
    assert!(
        at - first >= 5.0 && at - first < 5.0 + 0.036,
        "{}",
        at - first
    );
}

#[test]
fn reboot_answers_the_retransmission_with_rst_and_econnreset() {
    for id in [
        "host-crash-reboot-no-listener",
        "host-crash-reboot-listener",
    ] {
        let t = trace(id, &[]);
        let reboot = t
            .events
            .iter()
            .find(|e| {
                matches!(
                    e.kind,
                    EventKind::Fault {
                        fault: tcpsim::trace::Fault::RebootDone
                    }
                )
            })
            .unwrap()
            .at;
        let first_after = t
            .packets
            .iter()
            .find(|p| p.src == "server" && p.arrived_at.is_some() && p.sent_at > reboot)
            .unwrap();
        assert!(first_after.why == Why::Retransmit);
        let rst = &t.packets[first_after.id + 1];
        // No socket: RFC 9293 3.10.7.1; a listener on the port: 3.10.7.2.
        // Either way the segment had ACK => <SEQ=SEG.ACK><CTL=RST>.
        let want = if id == "host-crash-reboot-listener" {
            Why::RstListener
        } else {
            Why::RstNoSocket
        };
        assert_eq!(rst.why, want, "{id}");
        assert_eq!(rst.flags, vec![Flag::Rst]);
        assert_eq!(rst.abs_seq, first_after.abs_ack);
        assert!(app_results(&t, "server")
            .iter()
            .any(|(_, c, r)| *c == AppCall::Recv && *r == err(ResultWord::Econnreset)));
        // Nothing crossed the wire while the client was down but lost.
        for p in &t.packets {
            if p.sent_at > 10.0 && p.sent_at < reboot {
                assert!(p.src == "server");
            }
        }
    }
}

#[test]
fn same_port_reconnect_gets_challenge_ack_then_rst_then_fresh_connection() {
    let t = trace("syn-established-same-port", &[]);
    let whys: Vec<Why> = t
        .packets
        .iter()
        .filter(|p| p.sent_at > 20.0)
        .map(|p| p.why)
        .collect();
    assert_eq!(
        whys,
        vec![
            Why::Connect,
            Why::ChallengeAck,
            Why::RstBadAck,
            Why::SynRetransmit,
            Why::SynAck,
            Why::HandshakeAck
        ]
    );
    let p: Vec<_> = t.packets.iter().filter(|p| p.sent_at > 20.0).collect();
    // Challenge ACK carries the old connection's numbers (SND.NXT, RCV.NXT).
    assert_eq!((p[1].seq, p[1].ack), (1, Some(1)));
    // RST <SEQ=SEG.ACK>, no ACK bit.
    assert_eq!(p[2].abs_seq, p[1].abs_ack);
    assert_eq!(p[2].flags, vec![Flag::Rst]);
    // SYN re-sent TCP_TIMEOUT_MIN (2 jiffies at HZ=250 = 8 ms) after the
    // RST, at the tick after that (the wheel's level 0: 8 to 12 ms).
    assert!(fired(p[3].sent_at - p[2].sent_at, 0.008));
    assert_eq!(p[3].abs_seq, p[0].abs_seq, "same ISN: a retransmission");
    assert!(app_results(&t, "server")
        .iter()
        .any(|(_, c, r)| *c == AppCall::Recv && *r == err(ResultWord::Econnreset)));
    assert!(app_results(&t, "client")
        .iter()
        .any(|(at, c, r)| *at > 20.0 && *c == AppCall::Connect && *r == err(ResultWord::Ok)));
}

#[test]
fn kill_from_outside_resets_the_server_with_the_leaked_numbers() {
    let t = trace("kill-from-outside", &[]);
    let ch = t
        .packets
        .iter()
        .find(|p| p.why == Why::ChallengeAck)
        .unwrap();
    let rst = t.packets.iter().find(|p| p.why == Why::ForgedRst).unwrap();
    assert_eq!(rst.spoofed_as.as_deref(), Some("client"));
    assert_eq!(rst.src, "attacker");
    assert_eq!(
        rst.abs_seq, ch.abs_ack,
        "the RST uses RCV.NXT learned from the challenge ACK"
    );
    assert!(t.events.iter().any(|e| e.host == "server"
        && matches!(
            e.kind,
            EventKind::Kernel {
                what: KernelNote::RstAccepted,
                ..
            }
        )));
    assert!(app_results(&t, "server")
        .iter()
        .any(|(_, c, r)| *c == AppCall::Recv && *r == err(ResultWord::Econnreset)));
}

#[test]
fn process_crash_closes_from_the_kernel() {
    let t = trace("process-crash", &[]);
    let fin = t
        .packets
        .iter()
        .find(|p| p.src == "client" && p.why == Why::Fin)
        .unwrap();
    assert!(
        close(fin.sent_at, 10.0),
        "the kernel sends FIN as the process dies"
    );
    assert!(app_results(&t, "server")
        .iter()
        .any(|(_, c, r)| *c == AppCall::Recv && *r == err(ResultWord::Eof)));
    assert!(t
        .packets
        .iter()
        .any(|p| p.src == "server" && p.why == Why::Fin));
    assert!(!t.packets.iter().any(|p| p.has(Flag::Rst)));

    let t = trace("process-crash", &[("unread_data", 1)]);
    let rst = t
        .packets
        .iter()
        .find(|p| p.src == "client" && p.has(Flag::Rst))
        .unwrap();
    assert_eq!(rst.why, Why::RstUnreadData);
    assert_eq!(rst.flags, vec![Flag::Rst, Flag::Ack]);
    assert!(!t
        .packets
        .iter()
        .any(|p| p.src == "client" && p.has(Flag::Fin)));

    let t = trace("process-crash", &[("server_writes", 1)]);
    let res = app_results(&t, "server");
    let sends: Vec<_> = res.iter().filter(|(_, c, _)| *c == AppCall::Send).collect();
    assert_eq!(sends.len(), 2);
    assert!(matches!(sends[0].2, AppResult::Bytes(100)));
    assert_eq!(sends[1].2, err(ResultWord::Epipe));
    assert!(t.packets.iter().any(|p| p.why == Why::RstDataAfterClose));
}

#[test]
fn host_crash_idle_sends_nothing_and_stays_established() {
    let t = trace("host-crash-idle", &[]);
    assert!(
        t.packets.iter().all(|p| p.sent_at < 10.0),
        "nothing after the crash"
    );
    assert!(
        t.end_at >= 10.0 + 10800.0 - 1e-6,
        "watched for the whole observation"
    );
    let last_server_state = t
        .events
        .iter()
        .filter(|e| e.host == "server")
        .filter_map(|e| match e.kind {
            EventKind::State {
                to,
                lport: 8080,
                rport: 40000,
                ..
            } => Some(to),
            _ => None,
        })
        .next_back();
    assert_eq!(
        last_server_state,
        Some(tcpsim::trace::TcpState::Established)
    );
}

#[test]
fn new_port_reconnect_leaves_the_old_connection_until_the_server_writes() {
    let t = trace("syn-established-new-port", &[]);
    let data = t.packets.iter().find(|p| p.why == Why::Data).unwrap();
    assert_eq!(data.dport, 40000, "the server writes on the old connection");
    let rst = &t.packets[data.id + 1];
    assert_eq!(rst.why, Why::RstNoSocket);
    let new_conn = t
        .packets
        .iter()
        .filter(|p| p.sport == 40001 || p.dport == 40001)
        .count();
    assert_eq!(new_conn, 3, "a clean three-way handshake from port 40001");
}

#[test]
fn cost_does_not_grow_with_virtual_time() {
    // Two runs whose virtual spans differ by ~16000x process about the same
    // number of events (a structural check, not a timing one).
    let small = trace(
        "keepalive-peer-dead",
        &[("tcp_keepalive_time", 2), ("crash_at", 1)],
    );
    let large = trace(
        "keepalive-peer-dead",
        &[("tcp_keepalive_time", 32767), ("crash_at", 1)],
    );
    assert!(large.end_at > 10_000.0 * small.end_at.min(10.0) / 10.0);
    let n = |t: &Trace| t.packets.len() + t.events.len();
    assert!(n(&large) <= n(&small) + 4, "{} vs {}", n(&large), n(&small));
}

#[test]
fn same_inputs_same_trace() {
    for s in tcpsim::SCENARIOS {
        let p = defaults(s.id).unwrap();
        assert_eq!(run(s.id, &p).unwrap(), run(s.id, &p).unwrap(), "{}", s.id);
    }
}

#[test]
fn fin_ack_rides_on_the_fin_when_the_server_closes_at_once() {
    // Seen on Linux 6.18 (veth, two namespaces): tcp_fin puts the socket in
    // pingpong mode and delays the ACK to the next timer tick; a process that
    // closes on EOF right away sends FIN+ACK first, so the close takes three
    // segments. A process that lingers gets the textbook four.
    let seq = |t: &Trace| -> Vec<String> {
        t.packets
            .iter()
            .filter(|p| p.sent_at >= 10.0)
            .map(|p| format!("{}:{}", p.src, p.flag_str()))
            .collect()
    };
    let t = trace("process-crash", &[("close_delay_ms", 0)]);
    assert_eq!(seq(&t), ["client:F.", "server:F.", "client:."]);
    let t = trace("process-crash", &[("close_delay_ms", 200)]);
    assert_eq!(seq(&t), ["client:F.", "server:.", "server:F.", "client:."]);
    let ack = t
        .packets
        .iter()
        .find(|p| p.src == "server" && p.flag_str() == ".")
        .unwrap();
    let fin = t
        .packets
        .iter()
        .find(|p| p.src == "client" && p.why == Why::Fin)
        .unwrap();
    // Armed for the current jiffy, run at the next tick.
    let gap = ack.sent_at - fin.arrived_at.unwrap();
    assert!(
        gap > 0.0 && gap <= 0.004 + 1e-9,
        "ACK within one jiffy: {gap}"
    );
}

#[test]
fn same_lan_dead_host_fails_connect_with_ehostunreach_after_three_arp_requests() {
    let t = trace("connect-dead-host", &[("same_lan", 1)]);
    // The SYN waits in the neighbour queue (__neigh_event_send): nothing
    // reaches the wire, first transmission or retransmission.
    assert!(t.packets.is_empty(), "{:?}", t.packets);
    let notes: Vec<(f64, KernelNote)> = t
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Kernel { what, .. } if e.host == "client" => Some((e.at, what)),
            _ => None,
        })
        .collect();
    let kinds: Vec<KernelNote> = notes.iter().map(|n| n.1).collect();
    // The SYN retransmission timer fires at 1 s and 2 s (linear timeouts)
    // and resends nothing (skb_still_in_host_queue); ARP gives up at its
    // third timer: ucast_solicit (3) + mcast_solicit (3) probes, one
    // request at once and one per retrans_time (1 s).
    assert_eq!(
        kinds,
        vec![
            KernelNote::ArpQueued,
            KernelNote::ArpStillQueued,
            KernelNote::ArpStillQueued,
            KernelNote::ArpFailed
        ]
    );
    let (queued, failed) = (notes[0].0, notes[3].0);
    assert!(close(queued, 0.0));
    // Three neighbour timers of 1 s in a row, each late by at most its
    // wheel bucket (neigh_add_timer is a plain timer-wheel timer).
    let gap = failed - queued;
    assert!(
        gap >= 3.0 - 1e-6 && fired(gap / 3.0, 1.0) && fired(notes[1].0, 1.0),
        "ARP failed {gap} s after the SYN was queued"
    );
    // tcp_v4_err in SYN_SENT: connect() returns EHOSTUNREACH at once.
    let r = app_results(&t, "client");
    assert_eq!(r.len(), 1);
    assert!(close(r[0].0, failed));
    assert_eq!(
        (r[0].1, r[0].2),
        (AppCall::Connect, err(ResultWord::Ehostunreach))
    );
    // The headline counts from the call.
    assert_eq!(t.outcome.len(), 1);
    assert_eq!(t.outcome[0].result, err(ResultWord::Ehostunreach));
    assert!(close(t.outcome[0].after, failed));
    // ss shows the SYN retransmission timer counting: 1 after the first
    // expiry, 2 after the second.
    let p = {
        let mut p = defaults("connect-dead-host").unwrap();
        p.set("same_lan", 1).unwrap();
        p
    };
    for (at, count) in [(0.5, 0), (1.5, 1), (2.5, 2)] {
        let snap = tcpsim::scenarios::ss_at("connect-dead-host", &p, (at * 1e6) as u64).unwrap();
        let line = snap.lines.iter().find(|l| l.host == "client").unwrap();
        assert_eq!(line.timer.map(|x| x.2), Some(count), "at {at} s");
    }
}

/// host-crash-bulk: ten segments in flight (TCP_INIT_CWND) when the peer is
/// already dead; one tail loss probe of the last segment (nothing new to
/// send: tcp_send_loss_probe), then RTOs of the head only
/// (tcp_retransmit_timer resends tcp_rtx_queue_head), and the give-up when
/// one segment's would come: the tcp_retries2 budget is time from the
/// first retransmission (tcp_model_timeout), not a count of segments.
#[test]
fn a_window_in_flight_gives_up_when_one_segment_would() {
    for sets in [
        &[][..],
        &[("tcp_retries2", 5), ("rtt_ms", 1)][..],
        &[("tcp_user_timeout", 5000)][..],
    ] {
        let bulk = trace("host-crash-bulk", sets);
        let one = trace("host-crash-data-no-reboot", sets);
        let data: Vec<_> = bulk.packets.iter().filter(|p| p.why == Why::Data).collect();
        assert_eq!(data.len(), 10, "{sets:?}");
        assert!(data.iter().all(|p| p.len == 1448));
        let tlp: Vec<_> = bulk
            .packets
            .iter()
            .filter(|p| p.why == Why::TailLossProbe)
            .collect();
        assert_eq!(tlp.len(), 1, "{sets:?}");
        assert_eq!(tlp[0].seq, 1 + 9 * 1448, "the last segment");
        let rto: Vec<_> = bulk
            .packets
            .iter()
            .filter(|p| p.why == Why::Retransmit)
            .collect();
        assert!(rto.len() >= 2);
        assert!(
            rto.iter().all(|p| p.seq == 1 && p.len == 1448),
            "the head only"
        );
        let (b, o) = (&bulk.outcome[0], &one.outcome[0]);
        assert_eq!((b.call, b.result), (o.call, o.result), "{sets:?}");
        assert_eq!(b.result, err(ResultWord::Etimedout));
        let bucket = tcpsim::wheel::max_late((o.after * 1e6) as u64) as f64 / 1e6;
        assert!(
            (b.after - o.after).abs() <= bucket,
            "{sets:?}: ten segments give up {} s after the write, one {} s (bucket {bucket} s)",
            b.after,
            o.after
        );
    }
}

/// peer-hung with a reader that stops and resumes (`resume_at`): the
/// window closes when the receive buffer is full, the persist timer probes,
/// and when the reader drains the buffer at 6 s its kernel sends a window
/// update at once (Linux `__tcp_cleanup_rbuf`: the new window is not zero
/// and at least twice the 0 left), offering rcv_ssthresh's window, not the
/// whole buffer; the sender stops probing (`tcp_ack_probe`) and sends the
/// rest, and the blocked send() returns everything.
#[test]
fn a_reader_that_resumes_sends_one_window_update_and_the_probes_stop() {
    let t = trace("peer-hung", &[("resume_at", 6), ("write_bytes", 100_000)]);
    // SO_RCVBUF 8192 (the scenario's default): sk_rcvbuf 16,384. The first
    // segment costs RCV_HEAD_TRUESIZE (2,280) and sets the scaling ratio
    // to 1448 x 256 / 2280 = 162; each next one costs 1,512 (coalesced).
    // After 9 segments 16,384 - 14,376 = 2,008 bytes of buffer are free,
    // 1,270 as window: below one MSS, so the window closes at byte
    // 1 + 9 x 1448 (`__tcp_select_window`).
    let mss = tcpsim::tcb::MSS;
    let segs = 9;
    let edge = 1 + segs * mss;
    // rcv_ssthresh: the SYN's 7,300 (5 x 1,460), grown once by the room
    // the first segment left, (16,384 - 2,280) x 162 / 256 - 7,300 = 1,625,
    // to 8,925; the update offers it rounded down to the MSS.
    let ssthresh_window = 8925 / mss * mss;
    assert_eq!(ssthresh_window, 8688);
    let updates: Vec<_> = t
        .packets
        .iter()
        .filter(|p| p.why == Why::WindowUpdate)
        .collect();
    assert_eq!(updates.len(), 1, "one window update, at the drain");
    let u = updates[0];
    assert_eq!(u.src, "client");
    assert!(close(u.sent_at, 6.0), "sent at the resume: {}", u.sent_at);
    assert_eq!(u.ack, Some(edge));
    assert_eq!(u.win as u32, ssthresh_window, "rcv_ssthresh's window");
    // Before it the window was 0 and probed; none after it.
    let zero = t
        .packets
        .iter()
        .find(|p| p.src == "client" && p.win == 0 && p.ack == Some(edge))
        .expect("the window closes");
    assert!(zero.sent_at < 2.0);
    let probes: Vec<f64> = t
        .packets
        .iter()
        .filter(|p| p.why == Why::ZeroWindowProbe)
        .map(|p| p.sent_at)
        .collect();
    assert!(!probes.is_empty() && probes.iter().all(|&at| at < 6.0));
    // The data goes on from the edge as the update arrives.
    let next = t
        .packets
        .iter()
        .find(|p| p.src == "server" && p.len > 0 && p.sent_at >= 6.0)
        .unwrap();
    assert_eq!(next.seq, edge);
    assert!(close(next.sent_at, u.arrived_at.unwrap()));
    // The reader's first recv() takes what piled up, at 6 s; in all it
    // gets every byte; the blocked send() returns them all.
    let recvs: Vec<(f64, u32)> = app_results(&t, "client")
        .into_iter()
        .filter_map(|(at, c, r)| match (c, r) {
            (AppCall::Recv, AppResult::Bytes(n)) => Some((at, n)),
            _ => None,
        })
        .collect();
    assert_eq!(recvs[0], (6.0, edge - 1));
    assert_eq!(recvs.iter().map(|r| r.1 as u64).sum::<u64>(), 100_000);
    let sends: Vec<_> = app_results(&t, "server")
        .into_iter()
        .filter(|(_, c, _)| *c == AppCall::Send)
        .collect();
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].2, AppResult::Bytes(100_000));
    assert!(sends[0].0 > 6.0);
    // Without resume_at: no window update, the probes go on.
    let hung = trace("peer-hung", &[("write_bytes", 100_000)]);
    assert!(hung.packets.iter().all(|p| p.why != Why::WindowUpdate));
}
