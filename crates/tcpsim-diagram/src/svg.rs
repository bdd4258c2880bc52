//! The SVG sequence diagram. Hand-written markup: no DOM, no text
//! measurement, colours only through CSS classes and custom properties so
//! the page's theme (and a standalone file's `prefers-color-scheme`) decide.

use tcpsim::trace::{EventKind, Fault, KernelNote, Loss, Packet, Trace, Why};

use crate::layout::{brackets, layout, Bracket, Layout};

#[cfg(feature = "bundles")]
mod windowed;
use crate::words::{
    app_text, cap_short, cap_text, duration_text, fault_text, gap_text, host_word, kernel_text,
    lost_suffix, segments_word, state_text, summary_text, timer_text, why_text, Lang,
};

/// Options for [`svg`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvgOptions {
    pub lang: Lang,
    /// Width in CSS pixels (the height follows from the trace).
    pub width: u32,
    /// Title; defaults to the scenario id.
    pub title: Option<String>,
    /// Embed the diagram's stylesheet (a `<style>` element), as a file on
    /// its own needs (with the `embedded-style` feature, on by default). A page that inlines several diagrams links
    /// [`stylesheet`] once instead: ten copies of the same rules cost the
    /// browser ten style sheets to parse and match.
    pub style: bool,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            lang: Lang::Zh,
            width: 760,
            title: None,
            style: true,
        }
    }
}

const TOP: f64 = 64.0;
const AXIS_W: f64 = 78.0;

/// XML-escape text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    E(s).put(&mut o);
    o
}

/// Escaped text written straight into the output by [`put!`]: `&`, `<`,
/// `>`, `"` and `'` become entities; [`esc`] is the same as a `String`.
struct E<'a>(&'a str);

/// A coordinate with one decimal, no trailing `.0`.
fn n(x: f64) -> Num {
    Num((x * 10.0).round() as i64)
}

/// A number in tenths, written as `12`, `12.5` or `-3.2` straight into the
/// output: no `String` per coordinate, and no float formatting code in the
/// wasm build. Rounds half away from zero, as [`crate::fixed`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Num(i64);

impl Num {
    /// The digits, into `buf`'s tail; returns where they start.
    fn digits(self, buf: &mut [u8; 24]) -> usize {
        let mut i = buf.len();
        let mut v = self.0.unsigned_abs();
        let frac = (v % 10) as u8;
        v /= 10;
        if frac != 0 {
            i -= 2;
            buf[i] = b'.';
            buf[i + 1] = b'0' + frac;
        }
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if self.0 < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        i
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = [0u8; 24];
        let i = self.digits(&mut buf);
        // Only ASCII digits, '.' and '-' were written.
        f.write_str(std::str::from_utf8(&buf[i..]).unwrap_or_default())
    }
}

/// A piece of markup appended straight to the output by [`put!`]: no
/// `core::fmt` in the renderer's loops (in the size-optimised wasm build,
/// `write!` cost the cap's 300-segment diagram most of its 35 ms, a
/// character at a time through the formatter).
pub(crate) trait Put {
    fn put(self, o: &mut String);
}

impl Put for &str {
    fn put(self, o: &mut String) {
        o.push_str(self);
    }
}

impl Put for &String {
    fn put(self, o: &mut String) {
        o.push_str(self);
    }
}

impl Put for Num {
    fn put(self, o: &mut String) {
        let mut buf = [0u8; 24];
        let i = self.digits(&mut buf);
        o.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
    }
}

impl Put for E<'_> {
    fn put(self, o: &mut String) {
        // `get` rather than `[a..b]`: slicing's panic path formats the string
        // it failed on, and that code would otherwise be in the wasm (~4 KB).
        let s = self.0;
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            let rep = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            o.push_str(s.get(start..i).unwrap_or_default());
            o.push_str(rep);
            start = i + 1;
        }
        o.push_str(s.get(start..).unwrap_or_default());
    }
}

impl Put for usize {
    fn put(self, o: &mut String) {
        Num(self as i64 * 10).put(o);
    }
}

impl Put for u32 {
    fn put(self, o: &mut String) {
        Num(self as i64 * 10).put(o);
    }
}

impl Put for u16 {
    fn put(self, o: &mut String) {
        Num(self as i64 * 10).put(o);
    }
}

/// Seconds as [`trim_num`] writes them (three decimals, trailing zeros
/// and point dropped), without a `String`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct T(i64);

pub(crate) fn t(x: f64) -> T {
    let v = (x.abs() * 1000.0).round() as i64;
    T(if x < 0.0 { -v } else { v })
}

impl Put for T {
    fn put(self, o: &mut String) {
        let v = self.0.unsigned_abs();
        if self.0 < 0 {
            o.push('-');
        }
        Num((v / 1000) as i64 * 10).put(o);
        let mut frac = v % 1000;
        if frac != 0 {
            let mut buf = [b'.', b'0', b'0', b'0'];
            let mut end = 4;
            for d in (1..4).rev() {
                buf[d] = b'0' + (frac % 10) as u8;
                frac /= 10;
            }
            while buf[end - 1] == b'0' {
                end -= 1;
            }
            o.push_str(std::str::from_utf8(&buf[..end]).unwrap_or_default());
        }
    }
}

/// Append each piece in turn: `put!(o, "<g x=\"", n(x), "\">")`.
macro_rules! put {
    ($o:expr, $($piece:expr),+ $(,)?) => {{
        let o: &mut String = $o;
        $($crate::svg::Put::put($piece, o);)+
    }};
}
// (By path from svg/windowed.rs, which the first-load build leaves out.)
#[allow(unused_imports)]
pub(crate) use put;

/// Rough text width: CJK ~1 em, others ~0.6 em (no DOM measurement).
fn text_w(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            if (c as u32) >= 0x2e80 {
                size
            } else {
                size * 0.6
            }
        })
        .sum()
}

/// A label written beside a lifeline: text, class, estimated width.
struct SideLabel {
    event: usize,
    text: String,
    class: &'static str,
    w: f64,
}

/// The label of every shown event, in event order.
fn side_labels(trace: &Trace, lay: &Layout, lang: Lang) -> Vec<SideLabel> {
    // The first connection's ports name "the" connection; others get a tag.
    let main = trace.packets.first().map(|p| (p.sport, p.dport));
    let tag = |lport: u16, rport: u16| -> String {
        match main {
            Some((a, b))
                if (lport == a && rport == b) || (lport == b && rport == a) || rport == 0 =>
            {
                String::new()
            }
            _ if lport == 0 && rport == 0 => String::new(),
            _ => format!(" [:{lport}↔:{rport}]"),
        }
    };
    let mut out = Vec::new();
    for (i, e) in trace.events.iter().enumerate() {
        if !lay.event_y[i].is_finite() {
            continue;
        }
        let (text, class, size) = match &e.kind {
            EventKind::State {
                to, lport, rport, ..
            } => (
                format!("{}{}", state_text(*to, lang), tag(*lport, *rport)),
                "state",
                11.0,
            ),
            EventKind::App {
                call,
                result,
                lport,
                rport,
                ..
            } => {
                let err = matches!(result, tcpsim::trace::AppResult::Word(w)
                    if w.as_str().starts_with('E') && w.as_str() != "EOF");
                (
                    format!("{}{}", app_text(*call, *result), tag(*lport, *rport)),
                    if err { "app err" } else { "app" },
                    11.5,
                )
            }
            EventKind::Fault { fault } => (
                fault_text(*fault, lang).to_string(),
                if matches!(fault, Fault::RebootDone) {
                    "fault ok"
                } else {
                    "fault"
                },
                12.5,
            ),
            // A middlebox's notes at the instant a segment crosses it would
            // sit on that segment's label: the cross (a drop) and the
            // flow's idle bracket say it; the text and the table name them.
            EventKind::Kernel {
                what: KernelNote::FlowCreated | KernelNote::FlowDropped,
                ..
            } => continue,
            EventKind::Kernel { what, .. } => (kernel_text(*what, lang).to_string(), "note", 10.5),
            EventKind::Timer { .. } => continue,
        };
        let w = text_w(&text, size);
        out.push(SideLabel {
            event: i,
            text,
            class,
            w,
        });
    }
    out
}

fn bracket_label(b: &Bracket, lang: Lang) -> String {
    format!(
        "{} {}",
        timer_text(b.kind, lang),
        duration_text(b.to - b.from, lang)
    )
}

/// The step of the player at which something that happened at `at` has
/// happened: the number of segments sent by then (a segment sent at the
/// same instant counts, so a call and the segment it sends show together).
/// The page hides an element whose `data-k` is above its cursor (labels
/// drawn before their time would tell the end of the story at step 3).
fn step_at(trace: &Trace, at: f64) -> usize {
    trace.packets.partition_point(|p| p.sent_at <= at + 1e-9)
}

/// Least room kept for packet labels between the outer lifelines.
const SPAN_MIN: f64 = 280.0;

/// The margin each outer lifeline needs for the labels beside it.
fn margin(trace: &Trace, host: &str, labels: &[SideLabel], timer_w: &[(String, f64)]) -> f64 {
    labels
        .iter()
        .filter(|l| trace.events[l.event].host == host)
        .map(|l| l.w)
        .chain(timer_w.iter().filter(|(h, _)| h == host).map(|(_, w)| *w))
        .fold(60.0, f64::max)
        + 24.0
}

struct Cols {
    names: Vec<String>,
    xs: Vec<f64>,
}

impl Cols {
    fn x(&self, name: &str) -> f64 {
        self.names
            .iter()
            .position(|h| h == name)
            .map(|i| self.xs[i])
            .unwrap_or(self.xs[0])
    }
    /// +1 for hosts drawn on the right half (labels go right), -1 otherwise.
    fn side(&self, name: &str) -> f64 {
        let x = self.x(name);
        let mid = (self.xs[0] + self.xs[self.xs.len() - 1]) / 2.0;
        if x > mid + 1.0 {
            1.0
        } else if x < mid - 1.0 {
            -1.0
        } else {
            1.0
        }
    }
}

/// Lifeline positions: client left, server right, a third party in between;
/// the margins follow the widest label written beside each outer lifeline.
fn columns(trace: &Trace, width: f64, labels: &[SideLabel], timer_w: &[(String, f64)]) -> Cols {
    // `width` leaves room for the margins and SPAN_MIN (see `needed_width`).
    let names: Vec<String> = trace.hosts.iter().map(|h| h.name.clone()).collect();
    let widest = |host: &str| margin(trace, host, labels, timer_w);
    let left = AXIS_W + 14.0 + widest("client");
    let right = width - 6.0 - widest("server");
    let xs = names
        .iter()
        .map(|name| match name.as_str() {
            "client" => left,
            "server" => right,
            // A middlebox on the path sits halfway.
            "middlebox" => left + (right - left) * 0.5,
            // A third party sits left of centre: its notes go right.
            _ => left + (right - left) * 0.4,
        })
        .collect();
    Cols { names, xs }
}

/// A segment's classes (`flags`: its [`Packet::flag_str`]).
fn put_class(o: &mut String, p: &Packet, flags: &str) {
    o.push_str("pkt");
    if flags.contains('R') {
        o.push_str(" rst");
    }
    if flags.contains('S') {
        o.push_str(" syn");
    }
    if flags.contains('F') {
        o.push_str(" fin");
    }
    match p.why {
        Why::KeepaliveProbe | Why::ZeroWindowProbe => o.push_str(" probe"),
        Why::Retransmit | Why::TailLossProbe | Why::SynRetransmit => o.push_str(" retx"),
        Why::ForgedSyn | Why::ForgedRst => o.push_str(" forged"),
        _ => {}
    }
    if p.lost.is_some() {
        o.push_str(" lost");
    }
}

/// A segment's label as [`Packet::label`] writes it (`[P.] seq 1:101 ack 1
/// len 100`), appended to `o`.
fn put_label(o: &mut String, p: &Packet, flags: &str) {
    put!(o, "[", flags, "] seq ", p.seq);
    if p.len > 0 {
        put!(o, ":", p.seq.wrapping_add(p.len));
    }
    if let Some(a) = p.ack {
        put!(o, " ack ", a);
    }
    if p.len > 0 {
        put!(o, " len ", p.len);
    }
}

/// A short summary of the run for `<desc>` and screen readers.
pub fn summary(trace: &Trace, lang: Lang) -> String {
    let lost = trace.packets.iter().filter(|p| p.lost.is_some()).count();
    let last_server = trace
        .app_events()
        .filter(|(e, _, r)| {
            e.host == "server"
                && !matches!(
                    r,
                    tcpsim::trace::AppResult::Word(tcpsim::trace::ResultWord::Ok)
                )
        })
        .last()
        .map(|(e, c, r)| (e.at, app_text(c, r)));
    // The state the server's side of the first connection was left in.
    let server_state = tcpsim::outcome::server_end_state(trace).map(|s| s.as_str());
    summary_text(
        &trace.scenario,
        trace.packets.len(),
        lost,
        last_server,
        server_state,
        lang,
    )
}

/// The `<style>` element of a standalone SVG (nothing without the
/// `embedded-style` feature, or when the page links the rules once).
#[cfg(feature = "embedded-style")]
fn embedded_style(style: bool) -> String {
    if style {
        format!("<style>{}</style>", crate::style::stylesheet())
    } else {
        String::new()
    }
}

#[cfg(not(feature = "embedded-style"))]
fn embedded_style(_: bool) -> String {
    String::new()
}

/// Render a trace as an SVG sequence diagram.
pub fn svg(trace: &Trace, opts: &SvgOptions) -> String {
    let lang = opts.lang;
    let width = opts.width.max(480) as f64;
    let lay = layout(trace, TOP);
    let labels = side_labels(trace, &lay, lang);
    let brs = brackets(trace);
    let br_labels: Vec<String> = brs.iter().map(|b| bracket_label(b, lang)).collect();
    let timer_w: Vec<(String, f64)> = brs
        .iter()
        .zip(&br_labels)
        .map(|(b, l)| (b.host.clone(), text_w(l, 9.5) + 8.0))
        .collect();
    // Widen the drawing (the viewBox scales it back to the requested width)
    // rather than clip labels.
    let shown_w = width;
    let width = width.max(
        AXIS_W
            + 20.0
            + margin(trace, "client", &labels, &timer_w)
            + margin(trace, "server", &labels, &timer_w)
            + SPAN_MIN,
    );
    let cols = columns(trace, width, &labels, &timer_w);
    #[cfg(feature = "bundles")]
    let win = windowed::Windowed::new(trace);
    // A run stopped at the cap says so under the drawing.
    let cap = tcpsim::scenarios::cap_note(trace);
    let body_h = lay.height;
    let height = body_h + if cap.is_some() { 28.0 } else { 0.0 };
    let id = esc(&trace.scenario);
    let title = esc(opts.title.as_deref().unwrap_or(&trace.scenario));
    let mut o = String::with_capacity(16_000 + trace.packets.len() * 700);
    let (w, h) = (n(width), n(height));
    put!(
        &mut o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tcl\" viewBox=\"0 0 ",
        w,
        " ",
        h,
        "\" width=\"",
        n(shown_w),
        "\" height=\"",
        n(height * shown_w / width),
        "\" role=\"group\" aria-labelledby=\"t-",
        &id,
        " d-",
        &id,
        "\" data-scenario=\"",
        &id,
        "\" lang=\"",
        lang.code(),
        "\"><title id=\"t-",
        &id,
        "\">",
        &title,
        "</title><desc id=\"d-",
        &id,
        "\">",
        E(&summary(trace, lang)),
        "</desc>",
        &embedded_style(opts.style),
        "<rect class=\"bg\" width=\"",
        w,
        "\" height=\"",
        h,
        "\"/>"
    );
    #[cfg(feature = "bundles")]
    win.style(&mut o);

    // Host names and lifelines (dashed while a host is down).
    let down = down_intervals(trace);
    for (i, name) in cols.names.iter().enumerate() {
        let x = cols.xs[i];
        let ip = trace.hosts.get(i).map(|h| h.ip.as_str()).unwrap_or("");
        put!(
            &mut o,
            "<text class=\"host\" x=\"",
            n(x),
            "\" y=\"24\" text-anchor=\"middle\">",
            E(host_word(name, lang)),
            "</text><text class=\"note\" x=\"",
            n(x),
            "\" y=\"40\" text-anchor=\"middle\">",
            E(ip),
            "</text>"
        );
        let mut segs: Vec<(f64, f64, bool)> = Vec::new();
        let mut y = TOP - 14.0;
        for (h, a, b) in &down {
            if h != name {
                continue;
            }
            let ya = lay.y_at(*a);
            let yb = if b.is_finite() {
                lay.y_at(*b)
            } else {
                body_h - 20.0
            };
            segs.push((y, ya, false));
            segs.push((ya, yb, true));
            y = yb;
        }
        segs.push((y, body_h - 20.0, false));
        for (a, b, is_down) in segs {
            if b > a {
                put!(
                    &mut o,
                    if is_down {
                        "<line class=\"lifeline down\" x1=\""
                    } else {
                        "<line class=\"lifeline\" x1=\""
                    },
                    n(x),
                    "\" y1=\"",
                    n(a),
                    "\" x2=\"",
                    n(x),
                    "\" y2=\"",
                    n(b),
                    "\"/>"
                );
            }
        }
    }

    // While the path is down (a partition), a shaded band between the
    // outer lifelines.
    let mut cut_from = None;
    for e in &trace.events {
        let EventKind::Fault { fault } = e.kind else {
            continue;
        };
        match fault {
            Fault::PathDown => cut_from = Some(e.at),
            Fault::PathUp => {
                if let Some(a) = cut_from.take() {
                    let (ya, yb) = (lay.y_at(a), lay.y_at(e.at));
                    let (xa, xb) = (cols.xs[0], cols.xs[cols.xs.len() - 1]);
                    put!(
                        &mut o,
                        "<g class=\"break\"><rect x=\"",
                        n(xa.min(xb)),
                        "\" y=\"",
                        n(ya),
                        "\" width=\"",
                        n((xb - xa).abs()),
                        "\" height=\"",
                        n(yb - ya),
                        "\"/></g>"
                    );
                }
            }
            _ => {}
        }
    }

    // Time axis: a label and a tick at each new instant.
    o.push_str("<g class=\"axis\">");
    let mut ticks = String::with_capacity(lay.rows.len() * 16);
    // Two instants that read the same at the axis's precision (41.0251 and
    // 41.0349 s are both "41.03 s") get one label: the first.
    let mut last_label = None;
    let mut last_y = -100.0;
    for r in &lay.rows {
        let label = t(r.t);
        if Some(label) != last_label && r.y - last_y >= 11.0 {
            put!(
                &mut o,
                "<text x=\"",
                n(AXIS_W - 6.0),
                "\" y=\"",
                n(r.y + 3.5),
                "\">",
                label,
                " s</text>"
            );
            put!(&mut ticks, "M", n(AXIS_W), " ", n(r.y), "h10");
            last_y = r.y;
            last_label = Some(label);
        }
    }
    if !ticks.is_empty() {
        put!(&mut o, "<path d=\"", &ticks, "\"/>");
    }
    // When the run ends after a long silence, mark the end on the axis and
    // say which states the (non-crashed) hosts' first connection was left
    // in: a half-open connection shows as ESTABLISHED at the bottom.
    let end_y = lay.height - 30.0;
    let quiet_end = lay.rows.last().is_some_and(|r| end_y - r.y >= 11.0);
    let end_label = t(trace.end_at);
    if quiet_end && Some(end_label) != last_label {
        put!(
            &mut o,
            "<text x=\"",
            n(AXIS_W - 6.0),
            "\" y=\"",
            n(end_y + 3.5),
            "\">",
            end_label,
            " s</text>"
        );
    }
    o.push_str("</g>");
    if quiet_end {
        let first = trace.packets.first().map(|p| (p.sport, p.dport));
        for (i, name) in cols.names.iter().enumerate() {
            if down.iter().any(|(h, _, _)| h == name) {
                continue;
            }
            let last = trace.events.iter().rev().find_map(|e| match e.kind {
                EventKind::State {
                    lport, rport, to, ..
                } if e.host == *name
                    && first.is_some_and(|(a, b)| {
                        (lport, rport) == (a, b) || (lport, rport) == (b, a)
                    }) =>
                {
                    Some(to)
                }
                _ => None,
            });
            if let Some(st) = last.filter(|st| *st != tcpsim::trace::TcpState::Closed) {
                let side = cols.side(name);
                put!(
                    &mut o,
                    "<text class=\"state\" data-k=\"",
                    trace.packets.len(),
                    "\" x=\"",
                    n(cols.xs[i] + side * 16.0),
                    "\" y=\"",
                    n(end_y + 4.0),
                    if side > 0.0 {
                        "\" text-anchor=\"start\">"
                    } else {
                        "\" text-anchor=\"end\">"
                    },
                    st.as_str(),
                    "</text>"
                );
            }
        }
    }

    // Folded gaps.
    for b in &lay.breaks {
        let mid = (b.y0 + b.y1) / 2.0;
        let label = gap_text(b.seconds, lang);
        put!(
            &mut o,
            "<g class=\"break\"><rect x=\"",
            n(AXIS_W),
            "\" y=\"",
            n(b.y0 + 11.0),
            "\" width=\"",
            n(width - AXIS_W - 8.0),
            "\" height=\"",
            n(b.y1 - b.y0 - 18.0),
            "\"/><path d=\"M",
            n(AXIS_W),
            " ",
            n(b.y0 + 11.0),
            "H",
            n(width - 8.0),
            "M",
            n(AXIS_W),
            " ",
            n(b.y1 - 7.0),
            "H",
            n(width - 8.0),
            "\"/><text x=\"",
            n((cols.xs[0] + cols.xs[cols.xs.len() - 1]) / 2.0),
            "\" y=\"",
            n(mid + 6.5),
            "\" text-anchor=\"middle\">",
            E(&label),
            "</text></g>"
        );
    }

    #[cfg(feature = "bundles")]
    win.gauges(&mut o, trace, &lay, &cols, body_h - 20.0, lang);
    timers(&mut o, trace, &brs, &br_labels, &labels, &lay, &cols);
    events(&mut o, trace, &labels, &lay, &cols);
    put!(
        &mut o,
        "<g class=\"pkts\" role=\"list\" aria-label=\"",
        segments_word(lang),
        "\">"
    );
    let mut scratch = String::with_capacity(256);
    for p in &trace.packets {
        #[cfg(feature = "bundles")]
        let (hidden, win_note) = win.before_packet(&mut o, trace, p.id, &lay, &cols, lang);
        #[cfg(not(feature = "bundles"))]
        let (hidden, win_note) = (false, false);
        packet(&mut o, &mut scratch, p, &lay, &cols, lang, hidden, win_note);
    }
    o.push_str("</g>");
    if let Some(c) = cap {
        put!(
            &mut o,
            "<text class=\"fault\" data-k=\"",
            trace.packets.len(),
            "\" x=\"",
            n(AXIS_W),
            "\" y=\"",
            n(body_h + 8.0),
            "\"><title>",
            E(&cap_text(&c, lang)),
            "</title>",
            E(&cap_short(&c, lang)),
            "</text>"
        );
    }
    o.push_str("</svg>");
    o
}

/// (host, from, until) while a host was down.
fn down_intervals(trace: &Trace) -> Vec<(String, f64, f64)> {
    let mut out: Vec<(String, f64, f64)> = Vec::new();
    for e in &trace.events {
        if let EventKind::Fault { fault } = e.kind {
            match fault {
                Fault::HostCrash => out.push((e.host.clone(), e.at, f64::INFINITY)),
                Fault::RebootDone => {
                    if let Some(iv) = out
                        .iter_mut()
                        .rev()
                        .find(|iv| iv.0 == e.host && iv.2.is_infinite())
                    {
                        iv.2 = e.at;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// A segment's arrow. `hidden`: a member of a bundle, drawn but not shown
/// until the bundle is expanded; `win_note`: the window it advertises is
/// added to its label (a windowed trace's receiver). `scratch`: a buffer
/// for its label and description, reused from one segment to the next.
#[allow(clippy::too_many_arguments)]
fn packet(
    o: &mut String,
    scratch: &mut String,
    p: &Packet,
    lay: &Layout,
    cols: &Cols,
    lang: Lang,
    hidden: bool,
    win_note: bool,
) {
    let x1 = cols.x(&p.src);
    let x2 = cols.x(&p.dst);
    let y1 = lay.send_y[p.id];
    let mut y2 = lay.end_y[p.id];
    let mut xe = x2;
    match p.lost {
        // Lost halfway along the path.
        Some(Loss::Link) | Some(Loss::Partition) => xe = (x1 + x2) / 2.0,
        // Stopped at the middlebox.
        Some(Loss::Middlebox) => xe = cols.x("middlebox"),
        _ => {}
    }
    if !y2.is_finite() {
        // Still in flight when the run stopped.
        y2 = y1 + 20.0;
        xe = (x1 + x2) / 2.0;
    }
    let why = why_text(p.why, lang);
    let flags = p.flag_str();
    // scratch = "{sent_at} s {src} → {dst} {label}, {why}{lost}"; the label
    // is the slice from `label_at` to `label_end`.
    scratch.clear();
    put!(
        scratch,
        t(p.sent_at),
        " s ",
        host_word(&p.src, lang),
        " → ",
        host_word(&p.dst, lang),
        " "
    );
    let label_at = scratch.len();
    put_label(scratch, p, &flags);
    if win_note {
        put!(scratch, " win ", p.win);
    }
    let label_end = scratch.len();
    put!(scratch, ", ", why);
    if p.lost.is_some() {
        scratch.push_str(lost_suffix(lang));
    }
    let aria = scratch.as_str();
    o.push_str("<g class=\"");
    put_class(o, p, &flags);
    put!(
        o,
        "\"",
        if hidden { " display=\"none\"" } else { "" },
        " data-packet=\"",
        p.id,
        "\" data-flags=\"",
        E(&flags),
        "\" data-why=\"",
        p.why.as_str(),
        "\" data-t=\"",
        t(p.sent_at),
        // One Tab stop per diagram: the first segment; the page's arrow keys
        // move the stop from segment to segment (a roving tabindex,
        // web/common.js `diagramKeys`).
        if p.id == 0 {
            "\" tabindex=\"0\""
        } else {
            "\" tabindex=\"-1\""
        },
        " role=\"listitem\" aria-label=\"",
        E(aria),
        "\"><title>",
        E(aria),
        "</title>"
    );
    let label = aria.get(label_at..label_end).unwrap_or_default();
    arrow(o, lay, (x1, y1), (xe, y2), p.lost.is_some(), label, why);
}

/// An arrow from (x1, y1) to (xe, y2): its wide hit path, its line (bent
/// across the time breaks it crosses), its head and label (`arrow_end`).
fn arrow(
    o: &mut String,
    lay: &Layout,
    (x1, y1): (f64, f64),
    (xe, y2): (f64, f64),
    lost: bool,
    label: &str,
    why: &str,
) {
    put!(
        o,
        "<path class=\"hit\" d=\"M",
        n(x1),
        " ",
        n(y1),
        "L",
        n(xe),
        " ",
        n(y2),
        "\"/><path class=\"ln\" d=\""
    );
    put_arrow_path(o, lay, x1, y1, xe, y2);
    o.push_str("\"/>");
    arrow_end(o, x1, y1, xe, y2, lost, label, why);
}

/// An arrow's head (or the cross where it died), and its label written
/// along it; closes the arrow's group.
#[allow(clippy::too_many_arguments)]
fn arrow_end(
    o: &mut String,
    x1: f64,
    y1: f64,
    xe: f64,
    y2: f64,
    lost: bool,
    label: &str,
    why: &str,
) {
    let (dx, dy) = (xe - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    if lost {
        let s = 5.0;
        put!(
            o,
            "<path class=\"x\" d=\"M",
            n(xe - s),
            " ",
            n(y2 - s),
            "L",
            n(xe + s),
            " ",
            n(y2 + s),
            "M",
            n(xe - s),
            " ",
            n(y2 + s),
            "L",
            n(xe + s),
            " ",
            n(y2 - s),
            "\"/>"
        );
    } else {
        // Arrowhead.
        let (bx, by) = (xe - ux * 9.0, y2 - uy * 9.0);
        let (px, py) = (-uy * 4.0, ux * 4.0);
        put!(
            o,
            "<path class=\"hd\" d=\"M",
            n(xe),
            " ",
            n(y2),
            "L",
            n(bx + px),
            " ",
            n(by + py),
            "L",
            n(bx - px),
            " ",
            n(by - py),
            "Z\"/>"
        );
    }
    // Label written along the arrow, just above it, centred on the span
    // between the two lifelines; the reason goes on a second line (still
    // above the arrow) when both do not fit on one.
    let (cx, cy) = (x1 + dx * 0.5, y1 + dy * 0.5);
    // Slope of the arrow read left to right; labels on arrows steeper than
    // about 35 degrees stay level. atan(t) ~ t / (1 + 0.28 t^2) (within
    // 0.3 degree here) keeps libm's atan2 out of the wasm build.
    let slope = if dx.abs() < 1e-9 {
        f64::INFINITY
    } else {
        dy / dx
    };
    let span = (xe - x1).abs();
    let one_line = text_w(label, 11.0) + text_w(why, 11.0) + 10.0 < span - 24.0;
    put!(
        o,
        "<text x=\"",
        n(cx),
        "\" y=\"",
        n(if one_line { cy - 5.0 } else { cy - 18.0 }),
        "\""
    );
    if slope.abs() <= 0.7 {
        let deg = slope / (1.0 + 0.28 * slope * slope) * (180.0 / std::f64::consts::PI);
        put!(
            o,
            " transform=\"rotate(",
            n(deg),
            " ",
            n(cx),
            " ",
            n(cy),
            ")\""
        );
    }
    put!(o, ">", E(label), "<tspan class=\"why\"");
    if one_line {
        put!(o, "> ", E(why), "</tspan></text></g>");
    } else {
        put!(
            o,
            " x=\"",
            n(cx),
            "\" y=\"",
            n(cy - 5.0),
            "\">",
            E(why),
            "</tspan></text></g>"
        );
    }
}

/// The arrow's line, appended to `o`; where it crosses a folded gap only
/// its two ends are drawn (the slant outside the break is kept).
fn put_arrow_path(o: &mut String, lay: &Layout, x1: f64, y1: f64, x2: f64, y2: f64) {
    put!(o, "M", n(x1), " ", n(y1));
    // Breaks are in y order: only those after the departure can be crossed.
    let first = lay.breaks.partition_point(|k| k.y0 <= y1 + 1e-6);
    for k in lay.breaks[first..].iter().take_while(|k| k.y0 < y2) {
        if k.y1 < y2 - 1e-6 {
            let at = |y: f64| x1 + (x2 - x1) * (y - y1) / (y2 - y1);
            put!(
                o,
                "L",
                n(at(k.y0 + 8.0)),
                " ",
                n(k.y0 + 8.0),
                "M",
                n(at(k.y1 - 5.0)),
                " ",
                n(k.y1 - 5.0)
            );
        }
    }
    put!(o, "L", n(x2), " ", n(y2));
}

fn events(o: &mut String, trace: &Trace, labels: &[SideLabel], lay: &Layout, cols: &Cols) {
    for l in labels {
        let e = &trace.events[l.event];
        let y = lay.event_y[l.event];
        let x = cols.x(&e.host);
        let side = cols.side(&e.host);
        let k = step_at(trace, e.at);
        let anchor = if side > 0.0 {
            "\" text-anchor=\"start\">"
        } else {
            "\" text-anchor=\"end\">"
        };
        if let EventKind::Fault { .. } = e.kind {
            put!(
                o,
                "<g class=\"faultmark\" data-k=\"",
                k,
                "\"><line class=\"faultbar\" x1=\"",
                n(x - 10.0),
                "\" y1=\"",
                n(y),
                "\" x2=\"",
                n(x + 10.0),
                "\" y2=\"",
                n(y),
                "\"/><text class=\"",
                l.class,
                "\" x=\"",
                n(x + side * 16.0),
                "\" y=\"",
                n(y + 4.0),
                anchor,
                E(&l.text),
                "</text></g>"
            );
        } else {
            put!(
                o,
                "<text class=\"",
                l.class,
                "\" data-k=\"",
                k,
                "\" x=\"",
                n(x + side * 16.0),
                "\" y=\"",
                n(y + 4.0),
                anchor,
                E(&l.text),
                "</text>"
            );
        }
    }
}

/// Brackets beside the lifeline from a timer's arming to its firing, with
/// its name and duration where there is room.
fn timers(
    o: &mut String,
    trace: &Trace,
    brs: &[Bracket],
    br_labels: &[String],
    labels: &[SideLabel],
    lay: &Layout,
    cols: &Cols,
) {
    o.push_str("<g class=\"timer\">");
    // Where each host's event labels sit, sorted, to find a free spot for a
    // timer's name by binary search (O(log n) per timer, not a scan).
    // (The labels come nearly in y order, so inserting each in place costs
    // little, and brings no sort code into the wasm build.)
    let mut label_ys: Vec<(&str, Vec<f64>)> = Vec::new();
    for l in labels {
        let host = trace.events[l.event].host.as_str();
        let y = lay.event_y[l.event];
        match label_ys.iter_mut().find(|(h, _)| *h == host) {
            Some((_, ys)) => {
                let at = ys.partition_point(|v| *v <= y);
                ys.insert(at, y);
            }
            None => label_ys.push((host, vec![y])),
        }
    }
    for (b, label) in brs.iter().zip(br_labels) {
        let ya = lay.y_at(b.from);
        let yb = lay.y_at(b.to);
        if yb - ya < 8.0 {
            continue;
        }
        let x = cols.x(&b.host);
        let side = cols.side(&b.host);
        let bx = x + side * 6.0;
        let tip = bx + side * 4.0;
        let k = step_at(trace, b.to);
        put!(
            o,
            "<path data-k=\"",
            k,
            "\" d=\"M",
            n(tip),
            " ",
            n(ya),
            "H",
            n(bx),
            "V",
            n(yb),
            "H",
            n(tip),
            "\"><title>",
            E(label),
            "</title></path>"
        );
        // Name it in the middle of the longest stretch not folded into a
        // break, unless an event label already sits there.
        let mut pieces = Vec::new();
        let mut from = ya;
        // Breaks are in y order: the ones inside the bracket are a slice.
        let first = lay.breaks.partition_point(|k| k.y0 < ya - 1e-6);
        for k in lay.breaks[first..].iter().take_while(|k| k.y1 <= yb + 1e-6) {
            pieces.push((from, k.y0));
            from = k.y1;
        }
        pieces.push((from, yb));
        let ys: &[f64] = label_ys
            .iter()
            .find(|(h, _)| *h == b.host)
            .map_or(&[], |(_, ys)| ys);
        let busy = |y: f64| {
            let i = ys.partition_point(|ly| *ly <= y - 13.0);
            ys.get(i).is_some_and(|ly| (ly - y).abs() < 13.0)
        };
        let spot = pieces
            .iter()
            .filter(|(a, b)| b - a >= 20.0)
            .flat_map(|(a, b)| {
                let m = (a + b) / 2.0;
                // max/min rather than f64::clamp: clamp carries a panic message that
                // formats floats, which would pull that code into the wasm.
                [m, m - 12.0, m + 12.0].map(|y| y.max(a + 6.0).min(b - 6.0))
            })
            .find(|y| !busy(*y));
        if let Some(mid) = spot {
            put!(
                o,
                "<text data-k=\"",
                k,
                "\" x=\"",
                n(x + side * 16.0),
                "\" y=\"",
                n(mid + 3.5),
                if side > 0.0 {
                    "\" text-anchor=\"start\">"
                } else {
                    "\" text-anchor=\"end\">"
                },
                E(label),
                "</text>"
            );
        }
    }
    o.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::{esc, n, t};

    #[test]
    fn escaping_replaces_the_five_xml_characters() {
        for (t, want) in [
            ("", ""),
            ("plain", "plain"),
            ("a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f"),
            ("中文 & <b>", "中文 &amp; &lt;b&gt;"),
            ("&&''", "&amp;&amp;&#39;&#39;"),
        ] {
            assert_eq!(esc(t), want);
        }
    }

    /// What coordinates looked like when they went through `fixed`.
    fn via_fixed(x: f64) -> String {
        let s = crate::words::fixed(x, 1);
        match s.strip_suffix(".0") {
            Some(int) => int.to_string(),
            None => s,
        }
    }

    #[test]
    fn times_written_in_place_read_as_trim_num_writes_them() {
        let mut x = -3.0;
        while x < 2000.0 {
            for v in [x, x + 0.0005, x + 0.0004999, x * 1000.0] {
                let mut o = String::new();
                put!(&mut o, t(v));
                assert_eq!(o, crate::words::trim_num(v), "{v}");
            }
            x += 0.1234;
        }
        for v in [0.0, -0.0, -0.0004, 0.001, 7200.0, 41.0251, 1e9] {
            let mut o = String::new();
            put!(
                &mut o,
                t(v),
                " ",
                n(v),
                " ",
                7usize,
                " ",
                65535u16,
                " ",
                4294967295u32
            );
            assert_eq!(
                o,
                format!("{} {} 7 65535 4294967295", crate::words::trim_num(v), n(v)),
                "{v}"
            );
        }
    }

    #[test]
    fn coordinates_read_as_before() {
        for x in [
            0.0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.25, 1.0, 12.5, -3.25, 99.95, 760.0, 2346.1, 1e6,
            -1e6, 123456.789,
        ] {
            assert_eq!(n(x).to_string(), via_fixed(x), "{x}");
        }
        let mut x = -500.0;
        while x < 3000.0 {
            assert_eq!(n(x).to_string(), via_fixed(x), "{x}");
            x += 0.37;
        }
    }
}
