//! The vertical layout shared by the SVG renderer: every packet departure,
//! packet arrival (or death) and shown event gets a row; rows are ordered by
//! time (a keepalive or retransmission timer that fires alone gets one too),
//! and the distance between rows grows with the time between them,
//! logarithmically, so that 10 ms flights and 200 ms timers are both visible.
//! Gaps longer than [`BREAK_S`] become a fixed-height labelled break, which
//! is how two hours of keepalive idle fit on a page. The axis keeps real
//! times: each row carries its own.

use tcpsim::sort::heapsort_by;
use tcpsim::trace::{EventKind, TimerAction, TimerKind, Trace};

/// Gaps longer than this (seconds) are folded into a break.
pub const BREAK_S: f64 = 10.0;
/// Height of a break.
pub const BREAK_H: f64 = 52.0;
/// Minimum distance between rows at different times.
pub const ROW_MIN: f64 = 20.0;
/// Distance between rows at the same instant.
pub const ROW_SAME: f64 = 15.0;

/// What a row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Fault(usize),
    PacketEnd(usize),
    Event(usize),
    PacketSend(usize),
}

impl Item {
    fn class(self) -> u8 {
        match self {
            Item::Fault(_) => 0,
            Item::PacketEnd(_) => 1,
            Item::Event(_) => 2,
            Item::PacketSend(_) => 3,
        }
    }
    fn index(self) -> usize {
        match self {
            Item::Fault(i) | Item::PacketEnd(i) | Item::Event(i) | Item::PacketSend(i) => i,
        }
    }
}

/// A row: an item at a time, placed at `y`.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub t: f64,
    pub y: f64,
    pub item: Item,
}

/// A folded gap between two rows.
#[derive(Clone, Copy, Debug)]
pub struct Break {
    pub y0: f64,
    pub y1: f64,
    pub seconds: f64,
}

pub struct Layout {
    pub rows: Vec<Row>,
    pub breaks: Vec<Break>,
    pub height: f64,
    /// y of each packet's departure and end.
    pub send_y: Vec<f64>,
    pub end_y: Vec<f64>,
    /// y of each shown event (NaN when not shown).
    pub event_y: Vec<f64>,
}

/// Whether an event gets a row of its own (timers are drawn as brackets
/// between rows instead).
pub fn shown(kind: &EventKind) -> bool {
    match kind {
        EventKind::App { .. } | EventKind::State { .. } | EventKind::Fault { .. } => true,
        EventKind::Kernel { what, .. } => {
            use tcpsim::trace::KernelNote::*;
            matches!(
                what,
                RstAccepted
                    | ChallengeAckRateLimited
                    | RetriesExhausted
                    | KeepaliveExhausted
                    | ProbesExhausted
                    | SendBlocked
                    | SynResendSoon
                    | Observed
                    | FlowCreated
                    | FlowExpired
                    | FlowDropped
                    | ArpQueued
                    | ArpStillQueued
                    | ArpFailed
            )
        }
        EventKind::Timer { .. } => false,
    }
}

fn gap_height(g: f64) -> f64 {
    ROW_MIN + 12.0 * ln(1.0 + g / 0.004)
}

/// Natural logarithm of `x >= 1`, to within 0.01: exponent bits plus a
/// quadratic for the mantissa (keeps libm's `log` out of the wasm build;
/// the layout needs no more).
fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as f64 - 1023.0;
    let m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52)) - 1.0;
    (e + m * (1.346_555_3 - 0.346_555_3 * m)) * std::f64::consts::LN_2
}

/// A keepalive, retransmission or loss-probe timer from arming to firing.
pub struct Bracket {
    pub host: String,
    pub kind: TimerKind,
    pub from: f64,
    pub to: f64,
    /// Index of the `fired` event in [`Trace::events`].
    pub fired: usize,
}

pub fn brackets(trace: &Trace) -> Vec<Bracket> {
    let mut out = Vec::new();
    let mut open: Vec<(String, TimerKind, u16, u16, f64)> = Vec::new();
    for (i, e) in trace.events.iter().enumerate() {
        let EventKind::Timer {
            timer,
            action,
            lport,
            rport,
            ..
        } = &e.kind
        else {
            continue;
        };
        if !matches!(
            timer,
            TimerKind::Keepalive
                | TimerKind::Persist
                | TimerKind::Retransmit
                | TimerKind::LossProbe
                | TimerKind::FlowIdle
        ) {
            continue;
        }
        // Retransmission and loss-probe timers share one slot, as in Linux
        // (icsk_retransmit_timer serves both).
        let slot = |o: &(String, TimerKind, u16, u16, f64)| {
            let xmit = |k: TimerKind| matches!(k, TimerKind::Retransmit | TimerKind::LossProbe);
            o.0 == e.host
                && o.2 == *lport
                && o.3 == *rport
                && (o.1 == *timer || (xmit(o.1) && xmit(*timer)))
        };
        match action {
            TimerAction::Armed => {
                open.retain(|x| !slot(x));
                open.push((e.host.clone(), *timer, *lport, *rport, e.at));
            }
            TimerAction::Cancelled => open.retain(|x| !slot(x)),
            TimerAction::Fired => {
                if let Some(pos) = open.iter().position(|x| slot(x) && x.1 == *timer) {
                    let (host, kind, _, _, from) = open.remove(pos);
                    out.push(Bracket {
                        host,
                        kind,
                        from,
                        to: e.at,
                        fired: i,
                    });
                }
            }
        }
    }
    out
}

pub fn layout(trace: &Trace, top: f64) -> Layout {
    let mut items: Vec<(f64, Item)> = Vec::new();
    for p in &trace.packets {
        items.push((p.sent_at, Item::PacketSend(p.id)));
        if let Some(end) = p.arrived_at.or(p.lost_at) {
            items.push((end, Item::PacketEnd(p.id)));
        }
    }
    for (i, e) in trace.events.iter().enumerate() {
        if shown(&e.kind) {
            let it = if matches!(e.kind, EventKind::Fault { .. }) {
                Item::Fault(i)
            } else {
                Item::Event(i)
            };
            items.push((e.at, it));
        }
    }
    // Keys are unique (time, kind, index), so an unstable sort is
    // deterministic; tcpsim's heapsort is smaller in the wasm build than
    // the standard library's sort.
    let less = |a: &(f64, Item), b: &(f64, Item)| {
        a.0.total_cmp(&b.0)
            .then(a.1.class().cmp(&b.1.class()))
            .then(a.1.index().cmp(&b.1.index()))
            .is_lt()
    };
    heapsort_by(&mut items, less);
    // A timer that fires with nothing else happening at that instant (a
    // keepalive timer finding the connection was not idle long enough)
    // still gets a row, so its bracket ends at the right time. (A binary
    // search in the sorted rows: the layout stays O(n log n).)
    let mut lone = Vec::new();
    for b in brackets(trace) {
        let i = items.partition_point(|(t, _)| *t < b.to - 1e-9);
        if !items.get(i).is_some_and(|(t, _)| (t - b.to).abs() < 1e-9) {
            lone.push((b.to, Item::Event(b.fired)));
        }
    }
    if !lone.is_empty() {
        items.extend(lone);
        heapsort_by(&mut items, less);
    }
    let mut rows = Vec::with_capacity(items.len());
    let mut breaks = Vec::new();
    let mut y = top;
    let mut prev: Option<f64> = None;
    for (t, item) in items {
        if let Some(pt) = prev {
            let g = t - pt;
            if g <= 1e-9 {
                y += ROW_SAME;
            } else if g > BREAK_S {
                breaks.push(Break {
                    y0: y,
                    y1: y + BREAK_H,
                    seconds: g,
                });
                y += BREAK_H;
            } else {
                y += gap_height(g);
            }
        }
        rows.push(Row { t, y, item });
        prev = Some(t);
    }
    // The run may end well after the last row (a half-open connection
    // watched for hours): show that as a final break.
    if let Some(pt) = prev {
        let g = trace.end_at - pt;
        if g > BREAK_S {
            breaks.push(Break {
                y0: y,
                y1: y + BREAK_H,
                seconds: g,
            });
            y += BREAK_H;
        } else if g > 1e-9 {
            y += gap_height(g);
        }
    }
    let mut send_y = vec![f64::NAN; trace.packets.len()];
    let mut end_y = vec![f64::NAN; trace.packets.len()];
    let mut event_y = vec![f64::NAN; trace.events.len()];
    for r in &rows {
        match r.item {
            Item::PacketSend(i) => send_y[i] = r.y,
            Item::PacketEnd(i) => end_y[i] = r.y,
            Item::Event(i) | Item::Fault(i) => event_y[i] = r.y,
        }
    }
    Layout {
        rows,
        breaks,
        height: y + 30.0,
        send_y,
        end_y,
        event_y,
    }
}

impl Layout {
    /// y for an arbitrary time: the first row at or after `t` (the end of
    /// the diagram if none).
    pub fn y_at(&self, t: f64) -> f64 {
        let i = self.rows.partition_point(|r| r.t < t - 1e-9);
        match self.rows.get(i) {
            Some(r) => r.y,
            None => self.height - 30.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcpsim::trace::{Event, Flag, HostInfo, Packet, StopReason, Why};

    fn pkt(id: usize, at: f64, arrive: Option<f64>) -> Packet {
        Packet {
            id,
            sent_at: at,
            arrived_at: arrive,
            lost: arrive.is_none().then_some(tcpsim::trace::Loss::HostDown),
            lost_at: arrive.is_none().then_some(at + 0.01),
            src: "server".into(),
            dst: "client".into(),
            spoofed_as: None,
            sport: 8080,
            dport: 40000,
            flags: vec![Flag::Ack],
            seq: 0,
            ack: Some(1),
            abs_seq: 0,
            abs_ack: 1,
            len: 0,
            resend: None,
            win: 64240,
            why: Why::KeepaliveProbe,
        }
    }

    fn timer(at: f64, action: TimerAction, kind: TimerKind) -> Event {
        Event {
            at,
            host: "server".into(),
            kind: EventKind::Timer {
                timer: kind,
                action,
                expires_at: None,
                lport: 8080,
                rport: 40000,
            },
        }
    }

    fn trace() -> Trace {
        Trace {
            scenario: "hand-made".into(),
            origin: tcpsim::trace::Origin::Simulation,
            outcome: Vec::new(),
            params: Default::default(),
            hosts: vec![
                HostInfo {
                    name: "client".into(),
                    ip: "10.0.0.1".into(),
                },
                HostInfo {
                    name: "server".into(),
                    ip: "10.0.0.2".into(),
                },
            ],
            packets: vec![
                pkt(0, 0.0, Some(0.01)),
                pkt(1, 7200.0, None),
                pkt(2, 7275.0, None),
            ],
            events: vec![
                timer(0.0, TimerAction::Armed, TimerKind::Keepalive),
                timer(0.0, TimerAction::Armed, TimerKind::DelayedAck),
                timer(0.1, TimerAction::Fired, TimerKind::DelayedAck),
                timer(7200.0, TimerAction::Fired, TimerKind::Keepalive),
                timer(7200.0, TimerAction::Armed, TimerKind::Keepalive),
                timer(7210.0, TimerAction::Armed, TimerKind::Retransmit),
                timer(7211.0, TimerAction::Cancelled, TimerKind::Retransmit),
                timer(7275.0, TimerAction::Fired, TimerKind::Keepalive),
            ],
            end_at: 7275.01,
            stop: StopReason::Quiet,
        }
    }

    #[test]
    fn ln_is_close_enough() {
        for x in [1.0, 1.5, 2.0, 3.0, 10.0, 51.0, 1251.0, 2501.0] {
            assert!(
                (ln(x) - x.ln()).abs() < 0.01,
                "{x}: {} vs {}",
                ln(x),
                x.ln()
            );
        }
    }

    #[test]
    fn long_gaps_fold_and_rows_keep_time_order() {
        let t = trace();
        let lay = layout(&t, 10.0);
        assert_eq!(lay.rows.len(), 6, "a departure and an end per packet");
        assert_eq!(lay.breaks.len(), 2, "7200 s and 75 s gaps fold");
        assert!((lay.breaks[0].seconds - 7199.99).abs() < 1e-6);
        for w in lay.rows.windows(2) {
            assert!(w[0].t <= w[1].t && w[0].y < w[1].y, "{w:?}");
            assert!(w[1].y - w[0].y >= ROW_SAME - 1e-9);
        }
        assert!(lay.height < 400.0, "two hours fit: {}", lay.height);
        // y_at maps any time to the first row at or after it
        assert_eq!(lay.y_at(100.0), lay.send_y[1]);
    }

    #[test]
    fn only_fired_keepalive_and_retransmit_timers_make_brackets() {
        let b = brackets(&trace());
        let spans: Vec<(f64, f64)> = b.iter().map(|b| (b.from, b.to)).collect();
        assert_eq!(spans, vec![(0.0, 7200.0), (7200.0, 7275.0)]);
        assert!(b.iter().all(|b| b.kind == TimerKind::Keepalive));
    }
}
