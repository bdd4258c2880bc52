//! What a RST allows one to say, each rule on a public capture nobody here
//! wrote (tests/captures/diagnosis-fixtures.md says where each comes from):
//! a reboot needs a silence a reboot could fill and a RST that answers; a
//! side that answered the other's last data had read it; a passive open
//! ended in SYN_RECEIVED tells no application; a FIN anywhere from the
//! resetting side rules out "RST instead of FIN".

use std::path::Path;
use tcpsim::trace::ResultWord;
use tcpsim_analyse::{read, Analysis};

fn explain(name: &str, conn: usize) -> Analysis {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/captures")
        .join(name);
    let b = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let c = read(&b).unwrap_or_else(|e| panic!("{name}: {e}"));
    c.explain(conn)
        .unwrap_or_else(|e| panic!("{name} #{conn}: {e:?}"))
}

fn first_reading(a: &Analysis) -> &str {
    &a.diagnosis.readings[0][1]
}

fn all_readings(a: &Analysis) -> String {
    a.diagnosis
        .readings
        .iter()
        .map(|r| r[1].as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A RST 2 ms (and 13 ms) after the side's last segment: no host restarts
/// that fast, so the reading is a socket gone on a running host, and no
/// reading offers a reboot.
#[test]
fn a_rst_after_milliseconds_of_silence_is_no_reboot() {
    for (file, conn) in [("sv-split-handshake-4whs.pcap", 0), ("sv-urgent11.pcap", 1)] {
        let a = explain(file, conn);
        assert_eq!(a.diagnosis.ending.kind(), "socket_gone", "{file}");
        let r = all_readings(&a);
        assert!(!r.contains("rebooted"), "{file}: {r}");
        assert!(
            first_reading(&a).contains("far less than a host needs to restart"),
            "{file}: {r}"
        );
    }
}

/// The client's RST comes 1.06 s after the server's last retransmission,
/// with a round trip of about 0.1 s from the capture point: not an answer
/// (its sequence number, the client's SND.NXT, would fit one), so not a
/// socket that was gone, nor a reboot.
#[test]
fn a_rst_long_after_the_segment_it_would_answer_is_the_sides_own() {
    let a = explain("sv-tcp-empty-sack.pcap", 0);
    assert_ne!(a.diagnosis.ending.kind(), "peer_rebooted");
    assert_ne!(a.diagnosis.ending.kind(), "socket_gone");
    assert!(!all_readings(&a).contains("rebooted"));
}

/// SYN-ACKs answered with RST: the server's request socket goes back to
/// LISTEN (RFC 9293 3.10.7.4; Linux drops the request socket), so no call
/// of its application fails.
#[test]
fn a_rst_in_syn_received_tells_no_application() {
    for conn in [0, 1] {
        let a = explain("sv-bug-5437-02.pcap", conn);
        assert!(a.trace.outcome.is_empty(), "#{conn}: {:?}", a.trace.outcome);
        assert!(!a.trace.outcome.iter().any(|o| matches!(
            o.result,
            tcpsim::trace::AppResult::Word(ResultWord::Econnreset)
        )));
    }
}

/// The server answered the client's last request, then got its FIN and
/// sent RST: that data had been read, so the first reading is an abortive
/// close on purpose, not unread data; and the client, which had sent FIN,
/// is not told its recv() fails.
#[test]
fn a_side_that_answered_the_last_data_had_read_it() {
    let a = explain("sv-smb-eicar-overlap.pcap", 0);
    assert_eq!(a.diagnosis.ending.kind(), "reset_unread_data");
    let first = first_reading(&a);
    assert!(
        first.starts_with("the server's application aborted"),
        "{first}"
    );
    assert!(first.contains("had sent its FIN before"), "{first}");
    assert!(
        !first.contains("client's recv() returns ECONNRESET"),
        "{first}"
    );
}

/// The capture's clock runs backwards: the server's FIN is stamped after
/// its RST. A side that sent a FIN did not send "RST instead of FIN".
#[test]
fn a_fin_from_the_resetting_side_rules_out_rst_instead_of_fin() {
    let a = explain("sv-transform-base64-7296.pcap", 3);
    let r = all_readings(&a);
    assert!(!r.contains("instead of FIN"), "{r}");
    assert_eq!(a.diagnosis.ending.kind(), "reset");
}
