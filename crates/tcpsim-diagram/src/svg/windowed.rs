//! Drawing what [`crate::bundle`] finds: bundle arrows before their
//! (hidden) members, and the gauges beside the lifelines.

use std::fmt::Write;

use tcpsim::trace::{Loss, Trace};

use super::{arrow, n, put, put_class, step_at, t, Cols, E};
use crate::bundle::{self, Bundle, Gauge, GaugeKind, Sample};
use crate::layout::Layout;
use crate::words::{
    bundle_aria, bundle_label, gauge_text, gauge_title, host_word, lost_suffix, trim_num, why_text,
    Lang,
};

/// Widest a gauge gets (px, at its largest value).
const GAUGE_W: f64 = 10.0;
/// Least distance between two of a gauge's value labels.
const GAUGE_LABEL_GAP: f64 = 30.0;

pub(super) struct Windowed {
    bundles: Vec<Bundle>,
    /// For each segment, the bundle it belongs to.
    member_of: Vec<Option<usize>>,
    gauges: Vec<Gauge>,
    /// The receiver whose segments' labels carry their window.
    win_host: Option<String>,
}

impl Windowed {
    pub(super) fn new(trace: &Trace) -> Windowed {
        let bundles = bundle::bundles(trace);
        let mut member_of = vec![None; trace.packets.len()];
        for (i, b) in bundles.iter().enumerate() {
            for m in &mut member_of[b.first..=b.last] {
                *m = Some(i);
            }
        }
        Windowed {
            bundles,
            member_of,
            gauges: bundle::gauges(trace),
            win_host: bundle::window_host(trace).map(str::to_string),
        }
    }

    /// The rules of bundles and gauges, for a diagram that has any.
    pub(super) fn style(&self, o: &mut String) {
        if !self.bundles.is_empty() || !self.gauges.is_empty() {
            let _ = write!(o, "<style>{}</style>", bundle::STYLE);
        }
    }

    /// Before segment `id`: its bundle's arrow if it opens one. Returns
    /// whether the segment is a bundle's member (drawn hidden) and whether
    /// its label gets its window.
    pub(super) fn before_packet(
        &self,
        o: &mut String,
        trace: &Trace,
        id: usize,
        lay: &Layout,
        cols: &Cols,
        lang: Lang,
    ) -> (bool, bool) {
        let p = &trace.packets[id];
        let win_note = self.win_host.as_deref() == Some(p.src.as_str());
        let Some(b) = self.member_of[id].map(|i| self.bundles[i]) else {
            return (false, win_note);
        };
        if b.first == id {
            self.bundle_arrow(o, trace, b, lay, cols, lang, win_note);
        }
        (true, win_note)
    }

    /// One arrow for the burst: a band from the first member's departure
    /// and arrival to the last one's, an arrow down its middle, and one
    /// label (`seq A–B ×N`, the reason). It is one stop of the diagram's
    /// arrow keys; the page expands it (web/bundles.js).
    #[allow(clippy::too_many_arguments)]
    fn bundle_arrow(
        &self,
        o: &mut String,
        trace: &Trace,
        b: Bundle,
        lay: &Layout,
        cols: &Cols,
        lang: Lang,
        win_note: bool,
    ) {
        let (f, l) = (&trace.packets[b.first], &trace.packets[b.last]);
        let x1 = cols.x(&f.src);
        let x2 = cols.x(&f.dst);
        let mut xe = x2;
        match f.lost {
            Some(Loss::Link) | Some(Loss::Partition) => xe = (x1 + x2) / 2.0,
            Some(Loss::Middlebox) => xe = cols.x("middlebox"),
            _ => {}
        }
        let (ys0, ys1) = (lay.send_y[b.first], lay.send_y[b.last]);
        let (mut ye0, mut ye1) = (lay.end_y[b.first], lay.end_y[b.last]);
        if !ye0.is_finite() || !ye1.is_finite() {
            // Still in flight when the run stopped.
            ye0 = ys0 + 20.0;
            ye1 = ys1 + 20.0;
            xe = (x1 + x2) / 2.0;
        }
        let (data, from, to) = bundle::range(trace, &b);
        let mut label = bundle_label(data, from, to, b.count());
        if win_note {
            let _ = write!(label, " win {}→{}", f.win, l.win);
        }
        let why = why_text(f.why, lang);
        let mut aria = bundle_aria(
            &trim_num(f.sent_at),
            host_word(&f.src, lang),
            host_word(&f.dst, lang),
            &label,
            why,
            b.count(),
            lang,
        );
        if f.lost.is_some() {
            aria.push_str(lost_suffix(lang));
        }
        let (y1, y2) = ((ys0 + ys1) / 2.0, (ye0 + ye1) / 2.0);
        o.push_str("<g class=\"");
        put_class(o, f, &f.flag_str());
        put!(
            o,
            " bundle\" data-first=\"",
            b.first,
            "\" data-last=\"",
            b.last,
            "\" data-t=\"",
            t(f.sent_at),
            "\" tabindex=\"-1\" role=\"listitem\" aria-expanded=\"false\" aria-label=\"",
            E(&aria),
            "\"><title>",
            E(&aria),
            "</title><path class=\"band\" d=\"M",
            n(x1),
            " ",
            n(ys0),
            "L",
            n(xe),
            " ",
            n(ye0),
            "L",
            n(xe),
            " ",
            n(ye1),
            "L",
            n(x1),
            " ",
            n(ys1),
            "Z\"/>"
        );
        arrow(o, lay, (x1, y1), (xe, y2), f.lost.is_some(), &label, why);
    }

    /// Each gauge: a bar against the lifeline (on the side the arrows
    /// leave from) whose width follows the value, from each sample to the
    /// next, and the value written where it changes and there is room.
    /// `bottom`: where the lifelines end.
    pub(super) fn gauges(
        &self,
        o: &mut String,
        trace: &Trace,
        lay: &Layout,
        cols: &Cols,
        bottom: f64,
        lang: Lang,
    ) {
        if self.gauges.is_empty() {
            return;
        }
        o.push_str("<g class=\"gauge\">");
        for g in &self.gauges {
            let window = g.kind == GaugeKind::Window;
            let class = if window { "win" } else { "sndq" };
            let x = cols.x(&g.host);
            // The side away from the host's labels.
            let inner = -cols.side(&g.host);
            let ys: Vec<f64> = g.samples.iter().map(|s| row_y(lay, s)).collect();
            let _ = write!(
                o,
                "<g class=\"{class}\"><title>{}</title>",
                gauge_title(window, lang)
            );
            let mut label_y = f64::NEG_INFINITY;
            let mut shown = None;
            for (i, s) in g.samples.iter().enumerate() {
                let ya = ys[i];
                let yb = ys.get(i + 1).copied().unwrap_or(bottom);
                let k = step_at(trace, s.t);
                if s.v > 0 && yb - ya >= 0.5 {
                    let w = (GAUGE_W * s.v as f64 / g.max as f64).max(1.0);
                    put!(
                        o,
                        "<rect data-k=\"",
                        k,
                        "\" x=\"",
                        n(if inner > 0.0 { x + 2.0 } else { x - 2.0 - w }),
                        "\" y=\"",
                        n(ya),
                        "\" width=\"",
                        n(w),
                        "\" height=\"",
                        n(yb - ya),
                        "\"/>"
                    );
                }
                // (An empty gauge is named only once it has held something.)
                let news = shown != Some(s.v) && (s.v > 0 || shown.is_some());
                if news && ya - label_y >= GAUGE_LABEL_GAP {
                    put!(
                        o,
                        "<text data-k=\"",
                        k,
                        "\" x=\"",
                        n(x + inner * (GAUGE_W + 6.0)),
                        "\" y=\"",
                        n(ya + 10.0),
                        if inner > 0.0 {
                            "\" text-anchor=\"start\">"
                        } else {
                            "\" text-anchor=\"end\">"
                        },
                        E(&gauge_text(window, s.v, lang)),
                        "</text>"
                    );
                    label_y = ya;
                    shown = Some(s.v);
                }
            }
            o.push_str("</g>");
        }
        o.push_str("</g>");
    }
}

/// The row of a sample: its segment's departure, or the first row at or
/// after its time.
fn row_y(lay: &Layout, s: &Sample) -> f64 {
    s.packet.map_or_else(|| lay.y_at(s.t), |id| lay.send_y[id])
}
