//! The classification and diagnosis rules of issue 16, each on a real
//! capture (tests/captures/diagnosis-fixtures.md says where each comes from:
//! Linux 6.18 in network namespaces here, or tcpdump's test captures).

use std::path::{Path, PathBuf};
use tcpsim::trace::{Packet, Why};
use tcpsim_analyse::{read, Analysis, Capture};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/captures")
}

fn open(name: &str) -> Capture {
    let b = std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    read(&b).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn count(a: &Analysis, w: Why) -> usize {
    a.trace.packets.iter().filter(|p| p.why == w).count()
}

fn reading(a: &Analysis) -> &str {
    &a.diagnosis.readings[0][1]
}

fn facts(a: &Analysis) -> String {
    a.diagnosis
        .facts
        .iter()
        .map(|l| l[1].as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A bulk transfer on Linux with about one segment in 15 dropped after the
/// sender's capture point: the receiver's ACKs for segments beyond each
/// hole are duplicate ACKs (RFC 5681 2), with SACK blocks; the sender's
/// resends after them are fast retransmissions (RFC 6675 5). tshark 4 on
/// the same file: 58 duplicate ACKs, 12 retransmissions, the same frames.
#[test]
fn duplicate_acks_and_fast_retransmissions_as_rfc_5681_and_6675_read_them() {
    let c = open("loss-sack-recovery.pcap");
    let a = c.explain(0).unwrap();
    assert_eq!(count(&a, Why::DupAck), 58);
    let fast = count(&a, Why::FastRetransmit);
    assert_eq!(fast + count(&a, Why::Retransmit), 12);
    assert!(fast >= 6, "{fast}");
    // Every fast retransmission answers the receiver: its last segment
    // before it does not cover the resent bytes (the loss evidence, three
    // duplicate ACKs or SACK blocks above them, is in the ACKs, which the
    // trace does not carry: the unit tests in classify/tests.rs build it),
    // and it is not the first time these bytes left.
    let ps: &[Packet] = &a.trace.packets;
    for (i, p) in ps
        .iter()
        .enumerate()
        .filter(|(_, p)| p.why == Why::FastRetransmit)
    {
        let last = ps[..i].iter().rev().find(|q| q.src != p.src).unwrap();
        assert!(
            (p.abs_seq.wrapping_sub(last.abs_ack) as i32) >= 0,
            "fast retransmission {i} of bytes already acknowledged"
        );
        assert!(p.resend.is_some_and(|n| n >= 1));
    }
    // Linux 6.18 resends nothing here on its RTO: every resend comes within
    // 13 ms of the copy before it, far below the 200 ms RTO floor, all in
    // loss recovery (Linux counts them in TCPFastRetrans). tshark marks
    // six of them fast_retransmission, the first of each recovery, and
    // the others retransmission (tests/corpus/VERDICTS.md).
    assert_eq!(fast, 12);
    // The first: after the receiver's ACKs asking for its bytes (four here
    // that the capture kept whole, each with a new window, so window
    // updates, and SACK blocks above the hole: RFC 6675's IsLost).
    let first = ps
        .iter()
        .position(|p| p.why == Why::FastRetransmit)
        .unwrap();
    let asking = ps[..first]
        .iter()
        .filter(|q| q.src != ps[first].src && q.abs_ack == ps[first].abs_seq)
        .count();
    assert!(asking >= 3, "{asking}");
    assert_eq!(a.diagnosis.ending.kind(), "closed");
}

/// A receiver that does not read with a 4 KB buffer: its window shuts, the
/// sender probes it (Linux's probe has the keepalive's form: SEQ =
/// SND.UNA - 1, no data; tshark calls these keep-alives), the probe is
/// answered, and the window reopens with window updates when the
/// application reads.
#[test]
fn a_shut_window_is_probed_answered_and_reopened() {
    let c = open("zero-window.pcap");
    let a = c.explain(0).unwrap();
    let ps = &a.trace.packets;
    assert_eq!(count(&a, Why::ZeroWindowProbe), 2);
    assert_eq!(count(&a, Why::KeepaliveProbe), 0);
    for (i, p) in ps
        .iter()
        .enumerate()
        .filter(|(_, p)| p.why == Why::ZeroWindowProbe)
    {
        // The receiver's last word before it: a zero window.
        let last = ps[..i].iter().rev().find(|q| q.src != p.src).unwrap();
        assert_eq!(last.win, 0, "probe {i}");
        assert_eq!(p.len, 0);
    }
    // The first is answered at once, restating the shut window; the second,
    // 444 ms later, is not: Linux sends at most one such answer per
    // tcp_invalid_ratelimit (500 ms, tcp_oow_rate_limited).
    let i = ps
        .iter()
        .position(|p| p.why == Why::ZeroWindowProbe)
        .unwrap();
    let answer = &ps[i + 1];
    assert_eq!((answer.why, answer.win), (Why::DupAck, 0));
    assert_eq!(count(&a, Why::WindowUpdate), 2);
    for p in ps.iter().filter(|p| p.why == Why::WindowUpdate) {
        assert!(p.win > 0 && p.len == 0);
    }
}

/// Rule `socket_gone` (not `peer_rebooted`): the client closed (FIN at
/// 0.101 s); with tcp_fin_timeout=1 its orphan was gone when the server
/// closed 3 s later, and the client's kernel answered that FIN with RST.
/// Silence then a RST, but its own FIN before: no reboot.
#[test]
fn a_rst_after_the_hosts_own_fin_is_no_reboot() {
    let a = open("fin-timeout-rst.pcap").explain(0).unwrap();
    assert_eq!(a.diagnosis.ending.kind(), "socket_gone");
    let r = reading(&a);
    assert!(r.contains("not a reboot"), "{r}");
    assert!(r.contains("its own FIN at 0.101 s"), "{r}");
    assert!(!a.diagnosis.en.contains("rebooted"), "{}", a.diagnosis.en);
    assert!(facts(&a).contains("its FIN at 0.101 s, a RST at 3.000 s"));
    assert!(a.diagnosis.zh.starts_with("所见："));
}

/// Rule `socket_gone` again, from capture-wide context: the client's first
/// connection vanished (an abortive close whose RST an nft rule dropped),
/// and the client answered the server's later data with RST, while its
/// second connection, older than the silence, ran on after that RST.
#[test]
fn a_host_whose_other_connections_run_on_did_not_reboot() {
    let c = open("socket-gone-host-up.pcap");
    assert_eq!(c.connections().len(), 2);
    let a = c.explain(0).unwrap();
    assert_eq!(a.diagnosis.ending.kind(), "socket_gone");
    let r = reading(&a);
    assert!(r.contains("kept another connection running"), "{r}");
    assert_eq!(c.explain(1).unwrap().diagnosis.ending.kind(), "closed");
}

/// Rule `mptcp_fast_close` (not `reset_unread_data`): the client's ACK
/// carries MP_FASTCLOSE, and the server's RST answers it (RFC 8684 3.5).
/// tcpdump's tests/mptcp-fclose.pcap.
#[test]
fn a_rst_answering_an_mptcp_fast_close_is_not_unread_data() {
    let a = open("tcpdump-mptcp-fclose.pcap").explain(0).unwrap();
    assert_eq!(a.diagnosis.ending.kind(), "mptcp_fast_close");
    assert!(
        reading(&a).contains("MP_FASTCLOSE at 5.012 s"),
        "{}",
        reading(&a)
    );
    assert!(!a.diagnosis.en.contains("still unread"));
}

/// A capture whose clock jumps back by 43 years between two copies of one
/// segment (tcpdump's tests/of10_inv_OFPST_FLOW.pcap): the jump is
/// reported, and no duration is computed across it.
#[test]
fn a_clock_jump_is_reported_not_computed_across() {
    let a = open("tcpdump-of10-clock-jump.pcap").explain(0).unwrap();
    let f = facts(&a);
    assert!(f.contains("runs backwards once"), "{f}");
    assert!(f.contains("jumps forward by 1381533734.993 s"), "{f}");
    let r = reading(&a);
    assert!(r.contains("not computed"), "{r}");
    assert!(!r.contains("over 1381533734"), "{r}");
}

/// One resend, then a capture whose clock runs backwards and jumps 24 days
/// (tcpdump's tests/kday4.pcap): no give-up is inferred from the capture's
/// end ("gave up at 0.000 s" before).
#[test]
fn one_resend_and_an_untrustworthy_clock_infer_no_give_up() {
    let c = open("tcpdump-kday4.pcap");
    for conn in c.connections() {
        let a = c.explain(conn.index).unwrap();
        assert_ne!(a.diagnosis.ending.kind(), "retries_exhausted");
        assert!(!a.diagnosis.en.contains("gave up"), "{}", a.diagnosis.en);
    }
    let a = c.explain(2).unwrap();
    assert_eq!(a.diagnosis.ending.kind(), "unanswered");
    assert!(
        reading(&a).contains("clock runs backwards"),
        "{}",
        reading(&a)
    );
}

fn open_subset(name: &str) -> Capture {
    let p = dir().join("../corpus/subset").join(name);
    let b = std::fs::read(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
    read(&b).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// zeek's `pppoe-over-qinq.pcap` (tests/corpus/subset): the server resends
/// bytes the client had acknowledged 0.3 s before (its RTO, spurious), and
/// the client answers with ACK and a D-SACK, a block below its
/// acknowledgment number (RFC 2883 4): a duplicate arrived, nothing was
/// lost. The resends that follow it are the server's timers, not a fast
/// retransmission (tshark agrees: retransmission, not fast).
#[test]
fn a_d_sack_on_a_real_capture_is_no_loss() {
    let c = open_subset("zeek+zeek__testing__btest__Traces__pppoe-over-qinq.pcap");
    let a = c.explain(0).unwrap();
    let ps: &[Packet] = &a.trace.packets;
    // The spurious resend: bytes 1-1440, every byte of which the client
    // had acknowledged.
    assert_eq!(
        (ps[12].why, ps[12].seq, ps[12].len),
        (Why::Retransmit, 1, 1440)
    );
    assert!(ps[..12]
        .iter()
        .any(|p| p.src != ps[12].src && p.ack >= Some(1441)));
    // Its answer: the D-SACK duplicate ACK.
    assert_eq!(ps[13].why, Why::DupAck);
    // The server's next resends are a loss probe and a timer's.
    assert_eq!(
        [ps[14].why, ps[15].why],
        [Why::TailLossProbe, Why::Retransmit]
    );
    // The one fast retransmission is the client's: bytes 5337-6349 after
    // its peer's ACKs SACKed 6349-7899 with three segments out (RFC 5827).
    let fast: Vec<&Packet> = ps.iter().filter(|p| p.why == Why::FastRetransmit).collect();
    assert_eq!(fast.len(), 1);
    assert_eq!((fast[0].seq, fast[0].len), (5337, 1012));
}

/// zeek's `tcp/retransmit-fast009.pcap` (tests/corpus/subset): three
/// duplicate ACKs of 12871, with SACK blocks, and the server resends 12871
/// 51 µs after the third (RFC 5681 3.2; tshark: fast retransmission); then
/// the holes between the SACK blocks, each on the next duplicate ACK.
#[test]
fn three_duplicate_acks_on_a_real_capture_set_off_a_fast_retransmission() {
    let c = open_subset("zeek+zeek__testing__btest__Traces__tcp__retransmit-fast009.pcap");
    let a = c.explain(0).unwrap();
    let ps: &[Packet] = &a.trace.packets;
    let first = ps
        .iter()
        .position(|p| p.why == Why::FastRetransmit)
        .unwrap();
    assert_eq!(ps[first].seq, 12871);
    let dups = ps[..first]
        .iter()
        .filter(|q| q.why == Why::DupAck && q.ack == Some(12871))
        .count();
    assert_eq!(dups, 3);
    let fast: Vec<u32> = ps
        .iter()
        .filter(|p| p.why == Why::FastRetransmit)
        .map(|p| p.seq)
        .collect();
    assert_eq!(fast, [12871, 18591, 20021]);
    assert_eq!(count(&a, Why::Retransmit), 0);
}
