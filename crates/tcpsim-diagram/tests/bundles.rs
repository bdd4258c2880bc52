//! Windows of data in the SVG (feature `bundles`, on by default): bursts
//! drawn as one bundle arrow with every member kept, the receiver's window
//! and the sender's Send-Q as gauges. Figures are read off the traces and
//! the simulation, never written here.
#![cfg(feature = "bundles")]

use tcpsim::trace::Why;
use tcpsim::{defaults, run, Trace, SCENARIOS};
use tcpsim_diagram::bundle::{bundles, gauges, max_gap, Bundle, GaugeKind};
use tcpsim_diagram::{svg, Lang, SvgOptions};

const WINDOWED: [&str; 2] = ["peer-hung", "host-crash-bulk"];

fn default_run(id: &str) -> Trace {
    run(id, &defaults(id).unwrap()).unwrap()
}

fn svg_in(t: &Trace, lang: Lang) -> String {
    svg(
        t,
        &SvgOptions {
            lang,
            ..Default::default()
        },
    )
}

/// The opening tag of the element whose attributes contain `needle`.
fn tag_with<'a>(doc: &'a str, needle: &str) -> &'a str {
    let at = doc.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    let open = doc[..at].rfind('<').unwrap();
    let close = at + doc[at..].find('>').unwrap();
    &doc[open..=close]
}

/// The first run of segments from one host with the same reason sent at the
/// instant of the first segment with reason `why`: what the trace says
/// left back to back.
fn burst(t: &Trace, why: Why) -> Vec<usize> {
    let first = t.packets.iter().find(|p| p.why == why).unwrap();
    t.packets
        .iter()
        .filter(|p| p.why == why && p.src == first.src && p.sent_at == first.sent_at)
        .map(|p| p.id)
        .collect()
}

#[test]
fn the_window_of_data_is_one_arrow_labelled_with_its_range_and_count() {
    for id in WINDOWED {
        let t = default_run(id);
        let data = burst(&t, Why::Data);
        // peer-hung's client offers 7,300 bytes in its SYN (SO_RCVBUF
        // 8192: tcp_select_initial_window), so its first flight is five
        // segments; host-crash-bulk's is the initial cwnd, ten.
        let least = if id == "peer-hung" { 5 } else { 10 };
        assert!(
            data.len() >= least,
            "{id}: {} segments back to back",
            data.len()
        );
        let (f, l) = (&t.packets[data[0]], &t.packets[*data.last().unwrap()]);
        let label = format!("seq {}–{} ×{}", f.seq, l.seq + l.len, data.len());
        for lang in [Lang::Zh, Lang::En] {
            let s = svg_in(&t, lang);
            assert!(s.contains(&label), "{id}: {label}");
            let tag = tag_with(&s, &format!("data-first=\"{}\"", data[0]));
            assert!(tag.contains(" bundle\""), "{tag}");
            assert!(tag.contains(&format!("data-last=\"{}\"", l.id)), "{tag}");
            // One stop of the arrow keys, which the page expands.
            assert!(tag.contains("tabindex=\"-1\"") && tag.contains("role=\"listitem\""));
            assert!(tag.contains("aria-expanded=\"false\""));
            assert!(tag.contains(&format!("×{}", data.len())), "{tag}");
        }
    }
}

#[test]
fn the_acks_of_a_window_are_one_arrow_too() {
    let t = default_run("peer-hung");
    // The receiver's quick ACKs (tcp_incr_quickack), one per segment,
    // back to back; the ACKs after them are delayed.
    let acks = burst(&t, Why::Ack);
    assert!(acks.len() >= 3, "{} quick ACKs", acks.len());
    let n = acks.len();
    let (f, l) = (&t.packets[acks[0]], &t.packets[acks[n - 1]]);
    // The receiver's ACKs carry the window it advertised, first to last.
    let label = format!(
        "ack {}–{} ×{n} win {}→{}",
        f.ack.unwrap(),
        l.ack.unwrap(),
        f.win,
        l.win
    );
    let s = svg_in(&t, Lang::En);
    assert!(s.contains(&label), "{label}");
    assert!(l.win < f.win, "the window shrinks as the buffer fills");
}

#[test]
fn every_member_is_kept_hidden_behind_its_bundle() {
    for id in WINDOWED {
        let t = default_run(id);
        let bs = bundles(&t);
        assert!(!bs.is_empty(), "{id}");
        let s = svg_in(&t, Lang::En);
        for p in &t.packets {
            let tag = tag_with(&s, &format!("data-packet=\"{}\"", p.id));
            let member = bs.iter().any(|b| (b.first..=b.last).contains(&p.id));
            assert_eq!(tag.contains("display=\"none\""), member, "{id} {tag}");
        }
        // The bundle comes right before its first member (the page's keys
        // and the player rely on the order).
        for b in &bs {
            let at_b = s.find(&format!("data-first=\"{}\"", b.first)).unwrap();
            let at_m = s.find(&format!("data-packet=\"{}\"", b.first)).unwrap();
            let prev = s.find(&format!("data-packet=\"{}\"", b.first.wrapping_sub(1)));
            assert!(at_b < at_m && prev.is_none_or(|p| p < at_b), "{id}");
        }
    }
}

#[test]
fn a_burst_is_three_or_more_segments_within_a_quarter_rtt() {
    let mut t = default_run("host-crash-bulk");
    let data = burst(&t, Why::Data);
    let rtt = t.params["rtt_ms"] as f64 / 1000.0;
    assert_eq!(max_gap(&t), rtt / 4.0);
    // Delay the second half by more than a quarter of the RTT: two bursts.
    let mid = data[data.len() / 2];
    for p in &mut t.packets[mid..=*data.last().unwrap()] {
        p.sent_at += rtt / 2.0;
    }
    let got: Vec<Bundle> = bundles(&t)
        .into_iter()
        .filter(|b| t.packets[b.first].why == Why::Data)
        .collect();
    assert_eq!(
        got,
        vec![
            Bundle {
                first: data[0],
                last: mid - 1
            },
            Bundle {
                first: mid,
                last: *data.last().unwrap()
            }
        ]
    );
    // Two segments stay two arrows.
    let mut t = default_run("host-crash-bulk");
    for p in &mut t.packets[data[0] + 2..] {
        p.sent_at += 1.0;
    }
    assert!(!bundles(&t).iter().any(|b| b.first == data[0]));
}

#[test]
fn the_window_gauge_is_what_the_receiver_advertised() {
    let t = default_run("peer-hung");
    let g = gauges(&t);
    let w = g
        .iter()
        .find(|g| g.kind == GaugeKind::Window)
        .expect("window gauge");
    assert_eq!(w.host, "client");
    let wins: Vec<u32> = t
        .packets
        .iter()
        .filter(|p| p.src == "client")
        .map(|p| p.win as u32)
        .collect();
    let drawn: Vec<u32> = w.samples.iter().map(|s| s.v).collect();
    assert_eq!(drawn, wins);
    let s = svg_in(&t, Lang::En);
    assert!(s.contains("<g class=\"gauge\">"));
    assert!(s.contains(">win 0</text>"), "the closed window is named");
    assert!(svg_in(&t, Lang::Zh).contains(">窗口 0</text>"));
}

#[test]
fn the_send_buffer_gauge_is_the_simulations_send_q() {
    for id in WINDOWED {
        let t = default_run(id);
        let g = gauges(&t);
        let q = g
            .iter()
            .find(|g| g.kind == GaugeKind::SendQ)
            .expect("Send-Q gauge");
        assert_eq!(q.host, "server", "{id}");
        let p = defaults(id).unwrap();
        for s in &q.samples {
            // One run per instant (ss_at) gives what the one-pass series gave.
            let snap = tcpsim::scenarios::ss_at(id, &p, (s.t * 1e6).round() as u64).unwrap();
            let want = snap
                .lines
                .iter()
                .find(|l| l.host == "server" && l.local.1 == 8080 && l.peer.1 != 0)
                .map_or(0, |l| l.send_q);
            assert_eq!(s.v, want, "{id} at {}", s.t);
        }
        // Between the handshake and the first write the buffer is empty
        // (Linux's write_seq starts after the SYN: Send-Q 0, not -1).
        let accepted = q.samples.iter().find(|s| (s.t - 0.03).abs() < 1e-6);
        assert_eq!(accepted.map(|s| s.v), Some(0), "{id}");
        // The window of data waits in the buffer: ten segments' worth.
        assert_eq!(q.max, 14480, "{id}");
        assert!(
            svg_in(&t, Lang::En).contains(">Send-Q 14480</text>"),
            "{id}"
        );
    }
    // No gauge for the window where the receive buffer is not fixed.
    let t = default_run("host-crash-bulk");
    assert!(gauges(&t).iter().all(|g| g.kind != GaugeKind::Window));
}

#[test]
fn the_other_scenarios_have_no_bundle_and_no_gauge() {
    for s in SCENARIOS.iter().filter(|s| !WINDOWED.contains(&s.id)) {
        let t = default_run(s.id);
        assert!(bundles(&t).is_empty(), "{}", s.id);
        assert!(gauges(&t).is_empty(), "{}", s.id);
        let doc = svg(
            &t,
            &SvgOptions {
                style: false,
                ..Default::default()
            },
        );
        assert!(!doc.contains("bundle") && !doc.contains("gauge") && !doc.contains("<style>"));
    }
}
