//! Rules that the recordings and captures do not exercise, on segments
//! written out by hand. `c` and `s` build a segment from the client or
//! the server: time in ms, flags, absolute seq and ack, length.

use super::*;
use crate::decode::{Sack, OPT_ANY};

const CISN: u32 = 1000;
const SISN: u32 = 5000;

fn seg(from_a: bool, ms: f64, flags: u8, seq: u32, ack: u32, len: u32) -> Seg {
    Seg {
        ts: (ms * 1e6) as i64,
        seq,
        ack,
        len,
        conn: 0,
        mac: if from_a { 1 } else { 2 },
        win: 65535,
        ip_id: 0,
        iface: 0,
        flags,
        ttl: 64,
        from_a,
        opts: if flags & SYN != 0 {
            OPT_ANY | OPT_SACK_OK
        } else {
            0
        },
        wscale: NO_WSCALE,
        sack: 0,
    }
}
fn c(ms: f64, flags: u8, seq: u32, ack: u32, len: u32) -> Seg {
    seg(true, ms, flags, seq, ack, len)
}
fn s(ms: f64, flags: u8, seq: u32, ack: u32, len: u32) -> Seg {
    seg(false, ms, flags, seq, ack, len)
}

/// The handshake at 0, 1, 2 ms.
fn handshake() -> Vec<Seg> {
    vec![
        c(0.0, SYN, CISN, 0, 0),
        s(1.0, SYN | ACK, SISN, CISN + 1, 0),
        c(2.0, ACK, CISN + 1, SISN + 1, 0),
    ]
}

fn run(segs: &[Seg]) -> Output {
    let end = segs.last().map_or(0, |s| s.ts);
    classify(&Input {
        segs,
        sack: &|_| None,
        client_is_a: true,
        client: ("10.0.0.1".into(), 40000, 0),
        server: ("10.0.0.2".into(), 8080, 1),
        capture_end: end,
        mac_text: &|_| Some("02:00:00:00:00:03".into()),
        others_across: &|_, _, _| 0,
        clock_back: 0,
        capture_clock_back: 0,
    })
}

fn whys(o: &Output) -> Vec<Why> {
    o.trace.packets.iter().map(|p| p.why).collect()
}

#[test]
fn a_data_ack_40_ms_late_is_delayed_and_an_immediate_one_is_not() {
    let mut v = handshake();
    v.push(c(100.0, PSH_ACK, CISN + 1, SISN + 1, 10));
    v.push(s(100.2, ACK, SISN + 1, CISN + 11, 0));
    v.push(c(200.0, PSH_ACK, CISN + 11, SISN + 1, 10));
    v.push(s(240.0, ACK, SISN + 1, CISN + 21, 0));
    let w = whys(&run(&v));
    assert_eq!(&w[3..], [Why::Data, Why::Ack, Why::Data, Why::DelayedAck]);
}

#[test]
fn data_past_a_hole_draws_an_immediate_ack() {
    let mut v = handshake();
    v.push(c(100.0, PSH_ACK, CISN + 1, SISN + 1, 10));
    // 1 + 10 .. 21 was lost before the capture point; 21 .. 31 arrives.
    v.push(c(100.1, PSH_ACK, CISN + 21, SISN + 1, 10));
    v.push(s(100.3, ACK, SISN + 1, CISN + 11, 0));
    v.push(s(100.4, ACK, SISN + 1, CISN + 11, 0));
    let w = whys(&run(&v));
    // In the window, so not refused (tcp_sequence): tcp_data_queue
    // queues it out of order and ACKs at once. The first ACK covers 1..11;
    // the second restates 11 with 21..31 outstanding: RFC 5681 2's
    // duplicate ACK.
    assert_eq!(&w[3..], [Why::Data, Why::Data, Why::Ack, Why::DupAck]);
}

#[test]
fn a_segment_wholly_before_rcv_nxt_draws_a_duplicate_ack() {
    let mut v = handshake();
    v.push(c(100.0, PSH_ACK, CISN + 1, SISN + 1, 10));
    v.push(s(100.2, ACK, SISN + 1, CISN + 11, 0));
    // Bytes 1..6 again: they end before RCV.NXT (tcp_send_dupack).
    v.push(c(101.0, PSH_ACK, CISN + 1, SISN + 1, 5));
    v.push(s(101.01, ACK, SISN + 1, CISN + 11, 0));
    let w = whys(&run(&v));
    assert_eq!(w[6], Why::DupAck);
}

#[test]
fn a_zero_window_probe_is_named_and_answered() {
    let mut v = handshake();
    let mut full = s(100.0, ACK, SISN + 1, CISN + 1, 0);
    full.win = 0;
    v.push(full);
    v.push(c(300.0, ACK, CISN, SISN + 1, 0));
    let mut still = s(300.1, ACK, SISN + 1, CISN + 1, 0);
    still.win = 0;
    v.push(still);
    let w = whys(&run(&v));
    assert_eq!(&w[3..], [Why::Ack, Why::ZeroWindowProbe, Why::DupAck]);
}

#[test]
fn a_rst_in_the_window_but_not_at_rcv_nxt_is_forged_and_challenged() {
    let mut v = handshake();
    v.push(c(1000.0, RST, CISN + 5000, 0, 0));
    v.push(s(1000.1, ACK, SISN + 1, CISN + 1, 0));
    let o = run(&v);
    assert_eq!(&whys(&o)[3..], [Why::ForgedRst, Why::ChallengeAck]);
    assert!(o.trace.events.iter().any(|e| matches!(
        e.kind,
        EventKind::Kernel {
            what: KernelNote::RstInexact,
            ..
        }
    ) && e.host == "server"));
    // Not accepted: nobody learned anything, the connection is open.
    assert!(o.trace.outcome.is_empty());
    assert_eq!(o.ending.kind(), "open");
}

#[test]
fn a_rst_with_another_ttl_comes_from_a_third_party() {
    let mut v = handshake();
    let mut r = c(1000.0, RST, CISN + 1, 0, 0);
    r.mac = 0;
    r.ttl = 51;
    v.push(r);
    let o = run(&v);
    let p = &o.trace.packets[3];
    assert_eq!((p.why, p.src.as_str()), (Why::ForgedRst, "attacker"));
    assert_eq!(p.spoofed_as.as_deref(), Some("client"));
    assert_eq!(o.ending.kind(), "third_party_reset");
    let names: Vec<&str> = o.trace.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["client", "server", "attacker"]);
    assert_eq!(o.trace.outcome[0].result.as_string(), "ECONNRESET");
}

#[test]
fn a_fin_resent_to_time_wait_is_acked_again() {
    let mut v = handshake();
    v.push(c(100.0, FIN | ACK, CISN + 1, SISN + 1, 0));
    v.push(s(100.1, FIN | ACK, SISN + 1, CISN + 2, 0));
    v.push(c(100.2, ACK, CISN + 2, SISN + 2, 0));
    // The last ACK was lost after the capture point: the server resends
    // its FIN (an RTO: SACK refused, so no loss probe), the client's
    // TIME_WAIT answers.
    v.push(s(400.1, FIN | ACK, SISN + 1, CISN + 2, 0));
    v.push(c(400.2, ACK, CISN + 2, SISN + 2, 0));
    v[1].opts = OPT_ANY;
    let o = run(&v);
    assert_eq!(
        &whys(&o)[3..],
        [
            Why::Fin,
            Why::Fin,
            Why::Ack,
            Why::Retransmit,
            Why::TimewaitAck
        ]
    );
    assert_eq!(o.trace.packets[6].resend, Some(1));
    assert_eq!(o.ending.kind(), "closed");
}

#[test]
fn states_follow_the_fins() {
    let mut v = handshake();
    v.push(c(100.0, FIN | ACK, CISN + 1, SISN + 1, 0));
    v.push(s(150.0, ACK, SISN + 1, CISN + 2, 0));
    v.push(s(300.0, FIN | ACK, SISN + 1, CISN + 2, 0));
    v.push(c(300.1, ACK, CISN + 2, SISN + 2, 0));
    let o = run(&v);
    let states: Vec<(String, TcpState)> = o
        .trace
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::State { to, .. } => Some((e.host.clone(), to)),
            _ => None,
        })
        .collect();
    use TcpState::*;
    let want = [
        ("client", SynSent),
        ("server", SynReceived),
        ("client", Established),
        ("server", Established),
        ("client", FinWait1),
        ("server", CloseWait),
        ("client", FinWait2),
        ("server", LastAck),
        ("client", TimeWait),
        ("server", Closed),
    ];
    let want: Vec<(String, TcpState)> = want.iter().map(|(h, s)| (h.to_string(), *s)).collect();
    assert_eq!(states, want);
    assert_eq!(o.trace.outcome.len(), 1);
    assert_eq!(o.trace.outcome[0].host, "server");
    assert_eq!(o.trace.outcome[0].result.as_string(), "EOF");
}

#[test]
fn a_syn_resent_with_another_ttl_is_the_same_syn() {
    let mut first = c(0.0, SYN, CISN, 0, 0);
    first.ttl = 63;
    let mut again = c(1000.0, SYN, CISN, 0, 0);
    again.ttl = 57;
    let v = vec![
        first,
        again,
        s(1000.5, SYN | ACK, SISN, CISN + 1, 0),
        c(1001.0, ACK, CISN + 1, SISN + 1, 0),
    ];
    let o = run(&v);
    assert_eq!(
        whys(&o),
        [
            Why::Connect,
            Why::SynRetransmit,
            Why::SynAck,
            Why::HandshakeAck
        ]
    );
    assert!(o.trace.packets.iter().all(|p| p.src != "attacker"));
}

#[test]
fn syn_ack_resends_count_whatever_the_schedule() {
    // A stack that resends its SYN-ACK after 3 s, then 6 s (not Linux's
    // 1, 3, 7 s): the same ISN, so the same SYN-ACK again.
    let v = vec![
        c(0.0, SYN, CISN, 0, 0),
        s(0.1, SYN | ACK, SISN, CISN + 1, 0),
        s(3000.1, SYN | ACK, SISN, CISN + 1, 0),
        s(9000.1, SYN | ACK, SISN, CISN + 1, 0),
    ];
    let o = run(&v);
    let r: Vec<Option<u32>> = o.trace.packets.iter().map(|p| p.resend).collect();
    assert_eq!(r, [None, None, Some(1), Some(2)]);
}

#[test]
fn fast_open_data_resent_after_the_handshake_is_a_retransmission() {
    // Data on the SYN (TFO); the SYN-ACK acknowledges only the SYN, so the
    // client sends the 10 bytes again (tcp_rcv_fastopen_synack).
    let v = vec![
        c(0.0, SYN, CISN, 0, 10),
        s(1.0, SYN | ACK, SISN, CISN + 1, 0),
        c(2.0, PSH_ACK, CISN + 1, SISN + 1, 10),
        s(3.0, ACK, SISN + 1, CISN + 11, 0),
    ];
    let o = run(&v);
    assert_eq!(
        whys(&o),
        [Why::Connect, Why::SynAck, Why::Retransmit, Why::Ack]
    );
    assert_eq!(o.trace.packets[2].resend, Some(1));
}

#[test]
fn three_duplicate_acks_set_off_a_fast_retransmission() {
    let mut v = handshake();
    for k in 0..5u32 {
        v.push(c(
            10.0 + k as f64,
            PSH_ACK,
            CISN + 1 + 100 * k,
            SISN + 1,
            100,
        ));
    }
    // 1..101 lost after the capture point: the receiver's every ACK says 1
    // again, as its SYN-ACK did: duplicate ACKs from the first.
    v.push(s(20.0, ACK, SISN + 1, CISN + 1, 0));
    v.push(s(21.0, ACK, SISN + 1, CISN + 1, 0));
    v.push(s(22.0, ACK, SISN + 1, CISN + 1, 0));
    // Two are not enough.
    let w = whys(&run(&v));
    assert_eq!(&w[8..], [Why::DupAck, Why::DupAck, Why::DupAck]);
    v.push(c(30.0, PSH_ACK, CISN + 1, SISN + 1, 100));
    let o = run(&v);
    let w = whys(&o);
    assert_eq!(
        &w[8..],
        [Why::DupAck, Why::DupAck, Why::DupAck, Why::FastRetransmit]
    );
    assert_eq!(o.trace.packets[11].resend, Some(1));
    // After two only, the same resend is the RTO's (SACK refused here).
    let mut two: Vec<Seg> = v[..10].to_vec();
    two.push(c(230.0, PSH_ACK, CISN + 1, SISN + 1, 100));
    assert_eq!(whys(&run(&two))[10], Why::Retransmit);
}

const PSH_ACK: u8 = 0x08 | ACK;

/// Classify with SACK blocks: `sacks[i]` are segment `i`'s blocks (the
/// segment gets the SACK option bit and its index).
fn run_sack(segs: &[Seg], sacks: &[(usize, Vec<(u32, u32)>)]) -> Output {
    let mut v = segs.to_vec();
    let mut table = Vec::new();
    for (i, blocks) in sacks {
        let mut s = Sack::default();
        for &b in blocks {
            s.blocks[s.n as usize] = b;
            s.n += 1;
        }
        table.push(s);
        v[*i].opts |= OPT_SACK;
        v[*i].sack = table.len() as u32;
    }
    let end = v.last().map_or(0, |s| s.ts);
    classify(&Input {
        segs: &v,
        sack: &|i| {
            i.checked_sub(1)
                .and_then(|i| table.get(i as usize))
                .copied()
        },
        client_is_a: true,
        client: ("10.0.0.1".into(), 40000, 0),
        server: ("10.0.0.2".into(), 8080, 1),
        capture_end: end,
        mac_text: &|_| Some("02:00:00:00:00:03".into()),
        others_across: &|_, _, _| 0,
        clock_back: 0,
        capture_clock_back: 0,
    })
}

#[test]
fn a_d_sack_reports_a_duplicate_not_a_loss() {
    // Three segments arrive and are acknowledged (301); the fourth is lost.
    // The client then resends the first three although they had arrived
    // (a spurious resend), and the server answers each copy with ACK 301
    // and a D-SACK for it: a block below its acknowledgment number (RFC
    // 2883 4). Duplicate ACKs by RFC 5681 2's definition, and none of them
    // reports a hole (RFC 6675 2).
    let mut v = handshake();
    for k in 0..3u32 {
        v.push(c(
            10.0 + k as f64,
            PSH_ACK,
            CISN + 1 + 100 * k,
            SISN + 1,
            100,
        ));
    }
    v.push(s(13.0, ACK, SISN + 1, CISN + 301, 0));
    v.push(c(14.0, PSH_ACK, CISN + 301, SISN + 1, 100));
    for k in 0..3u32 {
        v.push(c(
            20.0 + k as f64 / 10.0,
            PSH_ACK,
            CISN + 1 + 100 * k,
            SISN + 1,
            100,
        ));
    }
    for k in 0..3u32 {
        v.push(s(21.0 + k as f64 / 10.0, ACK, SISN + 1, CISN + 301, 0));
    }
    v.push(c(21.3, PSH_ACK, CISN + 301, SISN + 1, 100));
    let dsacks: Vec<(usize, Vec<(u32, u32)>)> = (0..3u32)
        .map(|k| {
            (
                11 + k as usize,
                vec![(CISN + 1 + 100 * k, CISN + 101 + 100 * k)],
            )
        })
        .collect();
    let o = run_sack(&v, &dsacks);
    let w = whys(&o);
    assert_eq!(&w[11..14], [Why::DupAck; 3]);
    // The resend of the lost segment is no fast retransmission: nothing
    // said it was lost. It is the first resend of the last bytes sent,
    // with SACK on: a tail loss probe.
    assert_eq!(w[14], Why::TailLossProbe);
    // The same three duplicate ACKs without blocks are RFC 5681 3.2's
    // three duplicate ACKs: the resend is a fast retransmission.
    assert_eq!(whys(&run_sack(&v, &[]))[14], Why::FastRetransmit);
}

#[test]
fn sack_blocks_above_a_hole_set_off_a_fast_retransmission() {
    // 1..101 is lost; 101..401 arrive. One duplicate ACK whose SACK block
    // covers three segments above the hole: RFC 6675 4's IsLost (more
    // than two segments' bytes SACKed above it), without three duplicate
    // ACKs.
    let mut v = handshake();
    for k in 0..4u32 {
        v.push(c(
            10.0 + k as f64,
            PSH_ACK,
            CISN + 1 + 100 * k,
            SISN + 1,
            100,
        ));
    }
    v.push(s(14.0, ACK, SISN + 1, CISN + 1, 0));
    v.push(c(14.1, PSH_ACK, CISN + 1, SISN + 1, 100));
    let o = run_sack(&v, &[(7, vec![(CISN + 101, CISN + 401)])]);
    let w = whys(&o);
    assert_eq!(&w[7..], [Why::DupAck, Why::FastRetransmit]);
    assert_eq!(o.trace.packets[8].resend, Some(1));
    // One duplicate ACK without blocks says nothing of a loss: the same
    // resend is a timer's.
    assert_eq!(whys(&run_sack(&v, &[]))[8], Why::Retransmit);
    // A block that covers one segment only, with four out, is no loss by
    // RFC 6675 (one range, 100 bytes) nor yet by RACK (1..101 left 1.5 ms
    // before the resend, less than the 2 ms round trip): not fast.
    let mut early = handshake();
    for k in 0..4u32 {
        early.push(c(
            10.0 + k as f64 / 10.0,
            PSH_ACK,
            CISN + 1 + 100 * k,
            SISN + 1,
            100,
        ));
    }
    early.push(s(11.2, ACK, SISN + 1, CISN + 1, 0));
    early.push(c(11.5, PSH_ACK, CISN + 1, SISN + 1, 100));
    let o = run_sack(&early, &[(7, vec![(CISN + 101, CISN + 201)])]);
    assert_eq!(&whys(&o)[7..], [Why::DupAck, Why::Retransmit]);
    // With two segments out, RFC 5827's early retransmit lowers the
    // threshold to one duplicate ACK.
    let mut two = handshake();
    for k in 0..2u32 {
        two.push(c(
            10.0 + k as f64 / 10.0,
            PSH_ACK,
            CISN + 1 + 100 * k,
            SISN + 1,
            100,
        ));
    }
    two.push(s(11.2, ACK, SISN + 1, CISN + 1, 0));
    two.push(c(11.5, PSH_ACK, CISN + 1, SISN + 1, 100));
    let o = run_sack(&two, &[(5, vec![(CISN + 101, CISN + 201)])]);
    assert_eq!(&whys(&o)[5..], [Why::DupAck, Why::FastRetransmit]);
}

#[test]
fn three_duplicate_acks_then_a_silence_is_the_rto_not_a_fast_retransmission() {
    let mut v = handshake();
    for k in 0..5u32 {
        v.push(c(
            10.0 + k as f64,
            PSH_ACK,
            CISN + 1 + 100 * k,
            SISN + 1,
            100,
        ));
    }
    for k in 0..3 {
        v.push(s(20.0 + k as f64, ACK, SISN + 1, CISN + 1, 0));
    }
    // 200 ms after the last duplicate ACK: the sender did not answer them
    // (a stack without fast retransmit, or one that had already given up
    // on them); its RTO resent the segment.
    v.push(c(222.0, PSH_ACK, CISN + 1, SISN + 1, 100));
    let o = run(&v);
    let w = whys(&o);
    assert_eq!(
        &w[8..],
        [Why::DupAck, Why::DupAck, Why::DupAck, Why::Retransmit]
    );
    assert_eq!(o.trace.packets[11].resend, Some(1));
}

/// The client's pure ACK at 150 ms carries SEQ CISN + 111 (its SND.NXT):
/// bytes 11..111 had been sent, though the capture holds no copy. When
/// they come at 400 ms they are a resend, not new data (suricata-verify's
/// zerologon capture, frames 418-419, as tshark reads them too).
#[test]
fn bytes_below_an_earlier_pure_acks_seq_are_a_resend() {
    let mut v = handshake();
    v.push(c(100.0, PSH_ACK, CISN + 1, SISN + 1, 10));
    v.push(s(101.0, ACK, SISN + 1, CISN + 11, 0));
    v.push(s(140.0, PSH_ACK, SISN + 1, CISN + 11, 20));
    v.push(c(150.0, ACK, CISN + 111, SISN + 21, 0));
    v.push(c(400.0, PSH_ACK, CISN + 11, SISN + 21, 100));
    let o = run(&v);
    let last = o.trace.packets.last().unwrap();
    assert!(
        matches!(last.why, Why::Retransmit | Why::TailLossProbe),
        "{:?}",
        whys(&o)
    );
    assert_eq!(last.resend, Some(1));
    // Without that ACK the same bytes are the first copy the side sent.
    let mut w = v.clone();
    w.remove(6);
    assert_eq!(run(&w).trace.packets.last().unwrap().why, Why::Data);
}

/// SYNs (and SYN-ACKs) are looked up by ISN (`handshake.rs` `ByIsn`):
/// interleaved ISNs, each counted on its own, as the list they were once
/// kept in counted them.
#[test]
fn interleaved_isns_count_their_own_resends() {
    let resends = |v: &[Seg]| -> Vec<(Why, Option<u32>)> {
        run(v)
            .trace
            .packets
            .iter()
            .map(|p| (p.why, p.resend))
            .collect()
    };
    let syn = |ms, isn| c(ms, SYN, isn, 0, 0);
    let v = [
        syn(0.0, 100),
        syn(10.0, 200),
        syn(20.0, 100),
        syn(30.0, 300),
        syn(40.0, 200),
        syn(50.0, 100),
    ];
    use Why::{Connect, SynRetransmit};
    assert_eq!(
        resends(&v),
        [
            (Connect, None),
            (Connect, None),
            (SynRetransmit, Some(1)),
            (Connect, None),
            (SynRetransmit, Some(1)),
            (SynRetransmit, Some(2)),
        ]
    );
    let synack = |ms, isn| s(ms, SYN | ACK, isn, 101, 0);
    let v = [
        syn(0.0, 100),
        synack(1.0, 500),
        synack(2.0, 600),
        synack(1001.0, 500),
        synack(1002.0, 600),
        synack(3001.0, 500),
    ];
    let r: Vec<Option<u32>> = resends(&v).iter().map(|w| w.1).collect();
    assert_eq!(r, [None, None, None, Some(1), Some(1), Some(2)]);
}
