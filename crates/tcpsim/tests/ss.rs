//! The ss view: what `ss -tnoi` prints at a moment of a run, checked
//! against the run's own trace (the timer kind and count, the backoff, the
//! queues) rather than against hand-written lines.

use tcpsim::scenarios::ss_at;
use tcpsim::ss::{SsLine, SsTimer};
use tcpsim::time::{Instant, MS, SEC};
use tcpsim::trace::{TcpState, Why};
use tcpsim::{defaults, run, Params};

fn at(id: &str, p: &Params, t: Instant) -> Vec<SsLine> {
    ss_at(id, p, t).unwrap().lines
}

fn server(lines: &[SsLine]) -> &SsLine {
    lines
        .iter()
        .find(|l| l.host == "server")
        .expect("a server socket")
}

fn us(s: f64) -> Instant {
    (s * 1e6).round() as Instant
}

#[test]
fn retransmissions_count_and_back_off_as_the_trace_says() {
    let id = "host-crash-data-no-reboot";
    let p = defaults(id).unwrap();
    let trace = run(id, &p).unwrap();
    let data = trace.packets.iter().find(|x| x.why == Why::Data).unwrap();
    let mut rtos = 0;
    for (i, pkt) in trace.packets.iter().enumerate() {
        if pkt.src != "server" || pkt.sent_at < data.sent_at {
            continue;
        }
        if pkt.why == Why::Retransmit {
            rtos += 1;
        }
        // Just after each (re)transmission of the data segment.
        let snap = ss_at(id, &p, us(pkt.sent_at)).unwrap();
        assert_eq!(snap.hosts, vec![("client", false), ("server", true)]);
        let s = server(&snap.lines).clone();
        assert_eq!(s.state, TcpState::Established, "segment {i}");
        assert_eq!(s.send_q, data.len, "the unacknowledged bytes");
        assert_eq!(s.unacked, 1);
        assert_eq!(s.retrans, (pkt.resend.is_some()) as u32);
        assert_eq!(s.total_retrans, pkt.resend.unwrap_or(0));
        let (kind, left, count) = s.timer.expect("the retransmission timer is pending");
        assert_eq!(kind, SsTimer::On);
        assert_eq!(count, rtos, "icsk_retransmits after segment {i}");
        assert_eq!(s.backoff, rtos);
        assert!(left > 0 && left <= s.rto, "{left} of {}", s.rto);
        assert_eq!(s.lastsnd, us(pkt.sent_at) - us(data.sent_at));
    }
    assert!(rtos >= 10);
}

#[test]
fn keepalive_shows_its_probes_and_the_time_to_the_next() {
    let id = "keepalive-peer-dead";
    let p = defaults(id).unwrap();
    let trace = run(id, &p).unwrap();
    let probes: Vec<f64> = trace
        .packets
        .iter()
        .filter(|x| x.why == Why::KeepaliveProbe)
        .map(|x| x.sent_at)
        .collect();
    let intvl = p.get_or_default(tcpsim::Param::TcpKeepaliveIntvl) as u64 * SEC;
    for (n, &t) in probes.iter().enumerate().take(probes.len() - 1) {
        let s = server(&at(id, &p, us(t) + MS)).clone();
        let (kind, left, count) = s.timer.unwrap();
        assert_eq!(kind, SsTimer::Keepalive);
        assert_eq!(count, n as u32 + 1, "icsk_probes_out");
        assert_eq!(left, intvl - MS);
    }
    // Before the first probe: no probe out, the timer counting down the
    // idle time from the last segment received (ss counts down to the
    // timer's expiry; the wheel runs it a little later).
    let last_rx = trace
        .packets
        .iter()
        .filter(|x| x.dst == "server")
        .filter_map(|x| x.arrived_at)
        .fold(0.0, f64::max);
    let idle = p.get_or_default(tcpsim::Param::TcpKeepaliveTime) as u64 * SEC;
    let s = server(&at(id, &p, us(last_rx) + idle - SEC)).clone();
    assert_eq!(s.timer, Some((SsTimer::Keepalive, SEC, 0)));
    assert!(us(probes[0]) >= us(last_rx) + idle);
}

#[test]
fn close_wait_after_eof_and_time_wait_with_its_own_timer() {
    // The server's process reads the FIN as EOF (copied_seq passes it:
    // Recv-Q 0) and closes 50 ms later: CLOSE_WAIT meanwhile.
    let id = "process-crash";
    let p = defaults(id).unwrap();
    let trace = run(id, &p).unwrap();
    let fin = trace
        .packets
        .iter()
        .find(|x| x.src == "client" && x.flags.contains(&tcpsim::trace::Flag::Fin))
        .unwrap();
    let lines = at(id, &p, us(fin.arrived_at.unwrap()) + 20 * MS);
    let s = server(&lines);
    assert_eq!(s.state, TcpState::CloseWait);
    assert_eq!((s.recv_q, s.send_q), (0, 0), "{}", s.text());
    let c = lines.iter().find(|l| l.host == "client").unwrap();
    assert_eq!(c.state, TcpState::FinWait2);

    // The client ends in TIME_WAIT for 60 s.
    let tw = trace
        .events
        .iter()
        .find(|e| {
            e.host == "client"
                && matches!(
                    e.kind,
                    tcpsim::trace::EventKind::State {
                        to: TcpState::TimeWait,
                        ..
                    }
                )
        })
        .unwrap()
        .at;
    let lines = at(id, &p, us(tw) + 10 * SEC);
    let c = lines.iter().find(|l| l.host == "client").unwrap();
    assert_eq!(c.state, TcpState::TimeWait);
    assert_eq!(c.timer, Some((SsTimer::Timewait, 50 * SEC, 0)));
    assert_eq!((c.recv_q, c.send_q), (0, 0));
    assert!(!c.text().contains('\n'), "no TCP information for TIME_WAIT");
    // After 2MSL (and the wheel's rounding of a 60 s timer) nothing is left
    // on the client.
    assert!(at(
        id,
        &p,
        us(tw) + 60 * SEC + tcpsim::wheel::max_late(60 * SEC)
    )
    .iter()
    .all(|l| l.host != "client"));
}

#[test]
fn a_syn_sent_socket_counts_its_syn_retries() {
    let id = "connect-dead-host";
    let p = defaults(id).unwrap();
    let trace = run(id, &p).unwrap();
    let syns: Vec<f64> = trace
        .packets
        .iter()
        .filter(|x| x.src == "client")
        .map(|x| x.sent_at)
        .collect();
    for (n, &t) in syns.iter().enumerate() {
        let lines = at(id, &p, us(t));
        let c = lines.iter().find(|l| l.host == "client").unwrap();
        assert_eq!(c.state, TcpState::SynSent);
        assert_eq!(c.send_q, 1, "the SYN");
        let (kind, _, count) = c.timer.unwrap();
        assert_eq!((kind, count), (SsTimer::On, n as u32));
    }
}

#[test]
fn moments_outside_the_run_and_bad_parameters() {
    let id = "process-crash";
    let p = defaults(id).unwrap();
    // Before anything: nothing connected yet on either host.
    let snap = ss_at(id, &p, 0).unwrap();
    assert!(snap.text().contains("(no connection)"));
    // Long after the end: nothing left, no hang.
    assert!(ss_at(id, &p, 86_400 * SEC).unwrap().lines.is_empty());
    let other = defaults("keepalive-peer-dead").unwrap();
    assert!(ss_at(id, &other, SEC).is_err());
}
