//! The vertical layout shared by the SVG renderer: every packet departure,
//! packet arrival (or death) and shown event gets a row; rows are ordered by
//! time, and the distance between rows grows with the time between them,
//! logarithmically, so that 10 ms flights and 200 ms timers are both visible.
//! Gaps longer than [`BREAK_S`] become a fixed-height labelled break, which
//! is how two hours of keepalive idle fit on a page. The axis keeps real
//! times: each row carries its own.

use tcpsim::trace::{EventKind, Trace};

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
                    | SynResendSoon
                    | Observed
            )
        }
        EventKind::Timer { .. } => false,
    }
}

fn gap_height(g: f64) -> f64 {
    ROW_MIN + 12.0 * (1.0 + g / 0.004).ln()
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
    items.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(a.1.class().cmp(&b.1.class()))
            .then(a.1.index().cmp(&b.1.index()))
    });
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
