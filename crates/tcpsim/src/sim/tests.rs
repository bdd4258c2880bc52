//! Unit tests of the world with explicit times: two hosts connected by a
//! 20 ms link, a third that forges segments.

use super::*;
use crate::segment::flags::*;
use crate::tcb::TCP_TIMEWAIT_LEN;
use crate::time::{Instant, MS, SEC};

/// Client and server, connected at t = 20 ms (RTT 20 ms), plus a third host.
fn connected(ratelimit_ms: u64) -> World {
    let sys = Sysctls {
        invalid_ratelimit: ratelimit_ms * MS,
        ..Sysctls::default()
    };
    let mut w = World::new(7, 10 * MS, 0);
    let c = w.add_host(Role::Client, 0x0a00_0001, sys);
    let s = w.add_host(Role::Server, 0x0a00_0002, sys);
    w.add_host(Role::Attacker, 0x0a00_0003, sys);
    w.at(
        0,
        Action::Listen {
            host: s,
            port: 80,
            app: AppPolicy::default(),
        },
    );
    w.at(
        0,
        Action::Connect {
            host: c,
            sport: 1000,
            dst: s,
            dport: 80,
            app: AppPolicy::default(),
        },
    );
    while w.next_at().is_some_and(|t| t < SEC) {
        w.step();
    }
    w
}

fn syn_at(w: &mut World, t: Instant, seq: u32) {
    let seg = Seg {
        src_ip: 0x0a00_0001,
        dst_ip: 0x0a00_0002,
        sport: 1000,
        dport: 80,
        seq,
        ack: 0,
        flags: SYN,
        len: 0,
    };
    w.at(
        t,
        Action::Inject {
            from: 2,
            spoof: Some(0),
            seg,
            why: Why::ForgedSyn,
        },
    );
}

fn drain(w: &mut World) {
    while w.next_at().is_some_and(|t| t < 100 * SEC) {
        w.step();
    }
}

/// The first socket of host `h` (these tests have one connection).
fn first_sock(w: &World, h: usize) -> &sockets::Sock {
    w.hosts[h].socks.iter().flatten().next().unwrap()
}

fn count(w: &World, why: Why) -> usize {
    w.packets.iter().filter(|p| p.why == why).count()
}

#[test]
fn handshake_takes_one_rtt_and_sets_rto() {
    let w = connected(500);
    let whys: Vec<Why> = w.packets.iter().map(|p| p.why).collect();
    assert_eq!(whys, vec![Why::Connect, Why::SynAck, Why::HandshakeAck]);
    let srv = w.hosts[1].socks.iter().flatten().next().unwrap();
    assert_eq!(srv.tcb.state, TcpState::Established);
    assert_eq!(srv.tcb.srtt(), 20 * MS, "SYN-ACK to ACK sample");
    assert_eq!(srv.tcb.rto, 220 * MS);
}

#[test]
fn challenge_acks_are_rate_limited_by_tcp_invalid_ratelimit() {
    // RFC 5961 4.2 + Linux tcp_send_challenge_ack: one per 500 ms per socket.
    let mut w = connected(500);
    syn_at(&mut w, 2 * SEC, 12345);
    syn_at(&mut w, 2 * SEC + 100 * MS, 999);
    syn_at(&mut w, 2 * SEC + 700 * MS, 4242);
    drain(&mut w);
    assert_eq!(
        count(&w, Why::ChallengeAck),
        2,
        "the second SYN falls inside 500 ms"
    );
    let limited = w
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Kernel {
                    what: KernelNote::ChallengeAckRateLimited,
                    ..
                }
            )
        })
        .count();
    assert_eq!(limited, 1);
    // The connection survives: the client's kernel finds the challenge ACK acceptable.
    assert!(!w.packets.iter().any(|p| p.has(Flag::Rst)));

    let mut w = connected(0);
    syn_at(&mut w, 2 * SEC, 12345);
    syn_at(&mut w, 2 * SEC + 100 * MS, 999);
    drain(&mut w);
    assert_eq!(
        count(&w, Why::ChallengeAck),
        2,
        "tcp_invalid_ratelimit = 0 disables the limit"
    );
}

#[test]
fn challenge_ack_restates_snd_nxt_and_rcv_nxt() {
    let mut w = connected(500);
    syn_at(&mut w, 2 * SEC, 777);
    drain(&mut w);
    let srv = first_sock(&w, 1).tcb.clone();
    let ch = w
        .packets
        .iter()
        .find(|p| p.why == Why::ChallengeAck)
        .unwrap();
    assert_eq!(ch.abs_seq, srv.snd_nxt);
    assert_eq!(ch.abs_ack, srv.rcv_nxt);
    assert_eq!(ch.flags, vec![Flag::Ack]);
}

#[test]
fn rst_inside_the_window_but_not_exact_gets_a_challenge_ack() {
    // RFC 5961 3.2: only SEG.SEQ == RCV.NXT resets.
    let mut w = connected(500);
    let rcv_nxt = first_sock(&w, 1).tcb.rcv_nxt;
    let seg = Seg {
        src_ip: 0x0a00_0001,
        dst_ip: 0x0a00_0002,
        sport: 1000,
        dport: 80,
        seq: rcv_nxt.wrapping_add(100),
        ack: 0,
        flags: RST,
        len: 0,
    };
    w.at(
        2 * SEC,
        Action::Inject {
            from: 2,
            spoof: Some(0),
            seg,
            why: Why::ForgedRst,
        },
    );
    let exact = Seg {
        seq: rcv_nxt,
        ..seg
    };
    w.at(
        3 * SEC,
        Action::Inject {
            from: 2,
            spoof: Some(0),
            seg: exact,
            why: Why::ForgedRst,
        },
    );
    drain(&mut w);
    assert_eq!(count(&w, Why::ChallengeAck), 1);
    let notes: Vec<KernelNote> = w
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Kernel { what, .. } => Some(what),
            _ => None,
        })
        .collect();
    assert_eq!(notes, vec![KernelNote::RstInexact, KernelNote::RstAccepted]);
}

#[test]
fn closed_port_answers_per_rfc_9293_3_10_7_1() {
    let mut w = connected(500);
    // No ACK bit: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; a SYN counts one.
    let seg = Seg {
        src_ip: 0x0a00_0003,
        dst_ip: 0x0a00_0002,
        sport: 5,
        dport: 81,
        seq: 100,
        ack: 0,
        flags: SYN,
        len: 0,
    };
    w.at(
        2 * SEC,
        Action::Inject {
            from: 2,
            spoof: None,
            seg,
            why: Why::ForgedSyn,
        },
    );
    // ACK bit: <SEQ=SEG.ACK><CTL=RST>.
    let seg2 = Seg {
        flags: ACK,
        ack: 5555,
        ..seg
    };
    w.at(
        3 * SEC,
        Action::Inject {
            from: 2,
            spoof: None,
            seg: seg2,
            why: Why::ForgedSyn,
        },
    );
    // A RST is never answered.
    let seg3 = Seg { flags: RST, ..seg };
    w.at(
        4 * SEC,
        Action::Inject {
            from: 2,
            spoof: None,
            seg: seg3,
            why: Why::ForgedRst,
        },
    );
    drain(&mut w);
    let rsts: Vec<&Packet> = w
        .packets
        .iter()
        .filter(|p| p.why == Why::RstNoSocket)
        .collect();
    assert_eq!(rsts.len(), 2);
    assert_eq!(rsts[0].flags, vec![Flag::Rst, Flag::Ack]);
    assert_eq!((rsts[0].abs_seq, rsts[0].abs_ack), (0, 101));
    assert_eq!(rsts[1].flags, vec![Flag::Rst]);
    assert_eq!(rsts[1].abs_seq, 5555);
}

#[test]
fn a_retransmitted_fin_in_time_wait_is_acked_again() {
    // RFC 9293 3.10.7.4: in TIME_WAIT, a retransmitted FIN is
    // acknowledged and the 2MSL timeout restarted.
    let mut w = connected(500);
    w.at(
        2 * SEC,
        Action::Close {
            host: 0,
            lport: 1000,
            peer: 1,
            rport: 80,
        },
    );
    while w.next_at().is_some_and(|t| t < 3 * SEC) {
        w.step();
    }
    let c = first_sock(&w, 0).tcb.clone();
    assert_eq!(c.state, TcpState::TimeWait);
    let fin = Seg {
        src_ip: 0x0a00_0002,
        dst_ip: 0x0a00_0001,
        sport: 80,
        dport: 1000,
        seq: c.rcv_nxt.wrapping_sub(1),
        ack: c.snd_nxt,
        flags: FIN | ACK,
        len: 0,
    };
    let before = w.packets.len();
    w.at(
        10 * SEC,
        Action::Inject {
            from: 1,
            spoof: None,
            seg: fin,
            why: Why::Retransmit,
        },
    );
    // Look before the server's RST for the re-ACK comes back (a RST does
    // end TIME_WAIT on Linux, whose tcp_rfc1337 is 0).
    while w.next_at().is_some_and(|t| t < 10 * SEC + 15 * MS) {
        w.step();
    }
    let reply = &w.packets[before + 1];
    assert_eq!(
        (reply.src.as_str(), reply.flag_str().as_str()),
        ("client", ".")
    );
    assert_eq!(reply.abs_ack, c.rcv_nxt);
    let tw = first_sock(&w, 0).timers.due(TimerKind::TimeWait).unwrap();
    assert_eq!(
        tw,
        10 * SEC + 10 * MS + TCP_TIMEWAIT_LEN,
        "restarted from the FIN's arrival"
    );
}

#[test]
fn segments_to_a_crashed_host_are_lost_at_its_door() {
    let mut w = connected(500);
    w.at(2 * SEC, Action::HostCrash { host: 0 });
    w.at(
        3 * SEC,
        Action::Send {
            host: 1,
            lport: 80,
            peer: 0,
            rport: 1000,
            bytes: 10,
        },
    );
    w.at(
        3 * SEC + 1,
        Action::Send {
            host: 0,
            lport: 1000,
            peer: 1,
            rport: 80,
            bytes: 10,
        },
    );
    drain(&mut w);
    let data = w.packets.iter().find(|p| p.why == Why::Data).unwrap();
    assert_eq!(data.lost, Some(Loss::HostDown));
    assert_eq!(data.lost_at, Some(3.01));
    assert!(
        w.packets
            .iter()
            .all(|p| p.src != "client" || p.sent_at < 2.0),
        "a crashed host sends nothing"
    );
}
