//! Windows of data in the SVG (feature `bundles`: the CLI and the page's
//! on-demand tools module; the first-load wasm leaves it out).
//!
//! - A **burst** (segments one host sends back to back: a window of data,
//!   or the ACKs for it) is drawn as one bundle arrow labelled with its
//!   range and count; its members stay in the SVG, hidden (`display="none"`,
//!   so a file on its own and the CLI's output show the bundle), and the
//!   page expands them on a click, Enter, or when its timeline steps into
//!   the burst (web/bundles.js).
//! - The **window** the receiver advertises, from each of its segments'
//!   window field, as a thin gauge on its lifeline, and on the labels of
//!   its segments.
//! - The sender's **send buffer** (ss's Send-Q) as a gauge on its
//!   lifeline, from the simulation itself (`tcpsim::scenarios::ss_series`).
//!
//! Gauges are drawn only for windowed traces (a scenario that fixes
//! SO_RCVBUF or SO_SNDBUF: the other scenarios' window is the model's
//! constant and their buffers are not modelled).

use tcpsim::trace::{EventKind, Flag, KernelNote, Origin, Packet, Trace};

/// Consecutive segments drawn as one arrow: `first..=last` in
/// [`Trace::packets`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub first: usize,
    pub last: usize,
}

impl Bundle {
    pub fn count(&self) -> usize {
        self.last - self.first + 1
    }
}

/// The fewest segments drawn as a bundle: two arrows are read as easily
/// as one.
pub const MIN_BUNDLE: usize = 3;

/// The longest pause between two segments of one burst: a quarter of the
/// path's round-trip time (`rtt_ms`). Segments a sender clocks out from one
/// window (or a receiver's ACKs for one flight) leave within a fraction of
/// an RTT of each other; the next flight, clocked by the ACKs, comes a
/// whole RTT later, so a quarter separates the two with room either side.
/// A trace without `rtt_ms` (a capture) bundles only segments sent at the
/// same instant.
pub fn max_gap(trace: &Trace) -> f64 {
    trace
        .params
        .get("rtt_ms")
        .map_or(1e-6, |ms| (*ms as f64 / 1000.0 / 4.0).max(1e-6))
}

/// Whether `b` may follow `a` in one burst: same direction, the same
/// reason and fate, only ACK/PSH flags, within [`max_gap`], and a run of
/// new data (contiguous sequence numbers) or of ACKs for new data
/// (acknowledgment numbers growing).
fn joins(a: &Packet, b: &Packet, gap: f64) -> bool {
    let plain = |p: &Packet| p.flags.iter().all(|f| matches!(f, Flag::Ack | Flag::Psh));
    let same_fate = a.lost == b.lost && a.arrived_at.is_some() == b.arrived_at.is_some();
    let run = if a.len > 0 && b.len > 0 {
        b.seq == a.seq.wrapping_add(a.len)
    } else if a.len == 0 && b.len == 0 {
        matches!((a.ack, b.ack), (Some(x), Some(y)) if y > x)
    } else {
        false
    };
    a.src == b.src
        && a.dst == b.dst
        && a.why == b.why
        && a.spoofed_as.is_none()
        && b.spoofed_as.is_none()
        && (a.sport, a.dport) == (b.sport, b.dport)
        && plain(a)
        && plain(b)
        && same_fate
        && run
        && b.sent_at - a.sent_at <= gap + 1e-9
}

/// The trace's bursts of [`MIN_BUNDLE`] or more segments, in order.
pub fn bundles(trace: &Trace) -> Vec<Bundle> {
    let gap = max_gap(trace);
    let mut out = Vec::new();
    let mut start = 0;
    let ps = &trace.packets;
    for i in 1..=ps.len() {
        if i < ps.len() && joins(&ps[i - 1], &ps[i], gap) {
            continue;
        }
        if i - start >= MIN_BUNDLE {
            out.push(Bundle {
                first: start,
                last: i - 1,
            });
        }
        start = i;
    }
    out
}

/// The first and last value of a bundle's range: sequence numbers for
/// data (`seq A–B`, B the end of the last segment), acknowledgment numbers
/// for ACKs.
pub fn range(trace: &Trace, b: &Bundle) -> (bool, u32, u32) {
    let (f, l) = (&trace.packets[b.first], &trace.packets[b.last]);
    if f.len > 0 {
        (true, f.seq, l.seq.wrapping_add(l.len))
    } else {
        (false, f.ack.unwrap_or(0), l.ack.unwrap_or(0))
    }
}

/// A value along a lifeline, from `t` on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub t: f64,
    pub v: u32,
    /// The segment it was read from (the window), which has a row of its own.
    pub packet: Option<usize>,
}

/// What a gauge shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GaugeKind {
    /// The window a receiver advertised.
    Window,
    /// The bytes in a sender's send buffer (Send-Q).
    SendQ,
}

pub struct Gauge {
    pub host: String,
    pub kind: GaugeKind,
    pub samples: Vec<Sample>,
    /// The largest value (the gauge's full width).
    pub max: u32,
}

/// Whether the trace comes from the windowed model: a fixed SO_RCVBUF or
/// SO_SNDBUF.
fn has(trace: &Trace, name: &str) -> bool {
    trace.params.contains_key(name)
}

/// The first data segment: its receiver gets the window gauge, its sender
/// the send-buffer gauge.
fn first_data(trace: &Trace) -> Option<&Packet> {
    trace.packets.iter().find(|p| p.len > 0)
}

/// The receiver whose advertised window is shown: the host the data goes
/// to, in a trace whose receive buffer is fixed (`so_rcvbuf`).
pub fn window_host(trace: &Trace) -> Option<&str> {
    if !has(trace, "so_rcvbuf") {
        return None;
    }
    first_data(trace).map(|p| p.dst.as_str())
}

/// The window the receiver advertised, from each segment it sent (not a
/// RST, whose window means nothing). The trace's `win` is the field as on
/// the wire; the model's receive buffers (SO_RCVBUF at most 65,535 after
/// doubling needs no scale, `tcb::rcv_wscale`) are never scaled, so it is
/// the window in bytes.
fn window_gauge(trace: &Trace) -> Option<Gauge> {
    let host = window_host(trace)?;
    let samples: Vec<Sample> = trace
        .packets
        .iter()
        .filter(|p| p.src == host && !p.has(Flag::Rst))
        .map(|p| Sample {
            t: p.sent_at,
            v: p.win as u32,
            packet: Some(p.id),
        })
        .collect();
    gauge(host, GaugeKind::Window, samples)
}

/// The sender's Send-Q, sampled from the simulation (the ss view) at each
/// segment it sends or receives and each kernel note or call of its: the
/// instants its send buffer can change. Only for a simulated trace of a
/// scenario that fixes SO_SNDBUF.
fn sendq_gauge(trace: &Trace) -> Option<Gauge> {
    if trace.origin != Origin::Simulation || !has(trace, "so_sndbuf") {
        return None;
    }
    let data = first_data(trace)?;
    let (host, port) = (data.src.as_str(), data.sport);
    let mut params = tcpsim::scenarios::defaults(&trace.scenario).ok()?;
    for (name, v) in &trace.params {
        params.set(name, *v).ok()?;
    }
    let mut times: Vec<f64> = trace
        .packets
        .iter()
        .filter_map(|p| {
            if p.src == host {
                Some(p.sent_at)
            } else if p.dst == host {
                p.arrived_at
            } else {
                None
            }
        })
        .chain(
            trace
                .events
                .iter()
                .filter(|e| {
                    e.host == host
                        && matches!(
                            e.kind,
                            EventKind::App { .. }
                                | EventKind::Kernel {
                                    what: KernelNote::SendBlocked,
                                    ..
                                }
                        )
                })
                .map(|e| e.at),
        )
        .collect();
    // Nearly in order already (sends, then arrivals and events, each in
    // time order): an insertion sort, which also keeps a generic sort's
    // code for f64 out of the wasm.
    for i in 1..times.len() {
        let mut j = i;
        while j > 0 && times[j - 1] > times[j] {
            times.swap(j - 1, j);
            j -= 1;
        }
    }
    times.dedup_by(|a, b| (*a - *b).abs() < 1e-7);
    let at: Vec<u64> = times.iter().map(|t| (t * 1e6).round() as u64).collect();
    let snaps = tcpsim::scenarios::ss_series(&trace.scenario, &params, &at).ok()?;
    let samples = times
        .iter()
        .zip(&snaps)
        .map(|(t, s)| Sample {
            t: *t,
            // A host that is down, or a socket gone, holds nothing.
            v: s.lines
                .iter()
                .find(|l| l.host == host && l.local.1 == port)
                .map_or(0, |l| l.send_q),
            packet: None,
        })
        .collect();
    gauge(host, GaugeKind::SendQ, samples)
}

fn gauge(host: &str, kind: GaugeKind, samples: Vec<Sample>) -> Option<Gauge> {
    let max = samples.iter().map(|s| s.v).max()?;
    (max > 0).then(|| Gauge {
        host: host.to_string(),
        kind,
        samples,
        max,
    })
}

/// The gauges of a windowed trace (none for the others).
pub fn gauges(trace: &Trace) -> Vec<Gauge> {
    window_gauge(trace)
        .into_iter()
        .chain(sendq_gauge(trace))
        .collect()
}

/// The rules of bundles and gauges, written into each SVG that has any (a
/// page inlining it applies them once per such diagram; the others, and
/// the page's first load, never carry them).
pub const STYLE: &str = "\
.tcl .bundle .band{fill:var(--tcl-accent,var(--d-accent));opacity:.13;stroke:none}\
.tcl .bundle.retx .band,.tcl .bundle.probe .band{fill:var(--tcl-warn,var(--d-warn))}\
.tcl .bundle .ln{stroke-width:3}\
.tcl .bundle .count{font-weight:700}\
.tcl .gauge rect{opacity:.5}\
.tcl .gauge .win{fill:var(--tcl-ok,var(--d-ok))}\
.tcl .gauge .sndq{fill:var(--tcl-warn,var(--d-warn))}\
.tcl .gauge text{font-size:9.5px;fill:var(--tcl-muted,var(--d-muted));paint-order:stroke;stroke:var(--tcl-bg,var(--d-bg));stroke-width:3px;stroke-linejoin:round}";
