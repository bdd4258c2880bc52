//! The terminal sequence diagram: one line per segment or shown event, in
//! time order, client on the left and server on the right; keepalive,
//! retransmission and loss-probe timers are written when they fire. In
//! English or Chinese (the words are in `words.rs`); the headline (when
//! each application learns what happened) comes first.

use std::fmt::Write;

use tcpsim::trace::{EventKind, Trace};

use crate::layout::{brackets, layout, Item};
use crate::words::{
    app_text, cap_text, duration_text, fault_text, fixed, headline, host_word, kernel_text,
    text_word, timer_fired_text, why_text, Lang, TextWord,
};

const MID: usize = 58;

/// Render a trace as plain text in `lang`.
pub fn text(trace: &Trace, lang: Lang) -> String {
    let w = |k: TextWord| text_word(k, lang);
    // Chinese takes full-width punctuation.
    let zh = lang == Lang::Zh;
    let (colon, semi, open, close) = if zh {
        ("：", "；", "（", "）")
    } else {
        (": ", "; ", "(", ")")
    };
    let lay = layout(trace, 0.0);
    let mut o = String::new();
    let _ = writeln!(o, "{}{colon}{}", w(TextWord::Scenario), trace.scenario);
    let params: Vec<String> = trace
        .params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let _ = writeln!(o, "{}{colon}{}", w(TextWord::Params), params.join(" "));
    let _ = writeln!(
        o,
        "{}{colon}{}",
        w(TextWord::Outcome),
        headline(trace, lang)
    );
    let _ = writeln!(
        o,
        "{:>12}  {:<24}{:^10}{:>24}",
        w(TextWord::Time),
        host_word("client", lang),
        "",
        host_word("server", lang)
    );
    let mut last_t = f64::NAN;
    // Keepalive, retransmission and loss-probe timers, by firing time.
    let mut timers = brackets(trace);
    timers.sort_by(|a, b| a.to.total_cmp(&b.to));
    let mut next_timer = 0;
    // Breaks come in row order: each is met once, at the row it ends on.
    let mut next_break = 0;
    for r in &lay.rows {
        while lay
            .breaks
            .get(next_break)
            .is_some_and(|b| b.y1 < r.y - 1e-6)
        {
            next_break += 1;
        }
        if let Some(b) = lay
            .breaks
            .get(next_break)
            .filter(|b| (b.y1 - r.y).abs() < 1e-6)
        {
            let _ = writeln!(
                o,
                "{:>12}  {:^width$}",
                "",
                format!("... {} s {} ...", fixed(b.seconds, 2), w(TextWord::Later)),
                width = MID
            );
        }
        while let Some(b) = timers.get(next_timer).filter(|b| b.to <= r.t + 1e-9) {
            next_timer += 1;
            let what = timer_fired_text(b.kind, &duration_text(b.to - b.from, lang), lang);
            let t = time_col(b.to, &mut last_t);
            let _ = writeln!(o, "{t:>12}  {}", side(&b.host, &what, lang));
        }
        let line = match r.item {
            Item::PacketSend(i) => {
                let p = &trace.packets[i];
                let fate = match (p.arrived_at, p.lost) {
                    (Some(a), _) => format!("{} {}", w(TextWord::Arrives), fixed(a, 4)),
                    (None, Some(tcpsim::trace::Loss::HostDown)) => w(TextWord::LostHostDown).into(),
                    (None, Some(tcpsim::trace::Loss::Link)) => w(TextWord::LostLink).into(),
                    (None, Some(tcpsim::trace::Loss::Partition)) => {
                        w(TextWord::LostPartition).into()
                    }
                    (None, Some(tcpsim::trace::Loss::Middlebox)) => {
                        w(TextWord::LostMiddlebox).into()
                    }
                    _ => w(TextWord::InFlight).into(),
                };
                let arrow = arrow(&p.src, &p.dst, p.lost.is_some());
                let from = if p.spoofed_as.is_some() {
                    format!("{} {}", host_word(&p.src, lang), w(TextWord::Forged))
                } else {
                    host_word(&p.src, lang).to_string()
                };
                format!(
                    "{arrow} {from} > {}  {}  {open}{}{semi}{fate}{close}",
                    host_word(&p.dst, lang),
                    p.label(),
                    why_text(p.why, lang)
                )
            }
            Item::PacketEnd(_) => continue,
            Item::Event(i) | Item::Fault(i) => {
                let e = &trace.events[i];
                let what = match &e.kind {
                    EventKind::App { call, result, .. } => app_text(*call, *result),
                    EventKind::State {
                        from,
                        to,
                        lport,
                        rport,
                    } => {
                        format!("{}:{} {} -> {}", lport, rport, from.as_str(), to.as_str())
                    }
                    EventKind::Fault { fault } => fault_text(*fault, lang).to_string(),
                    EventKind::Kernel { what, .. } => {
                        format!("{}{colon}{}", w(TextWord::Kernel), kernel_text(*what, lang))
                    }
                    EventKind::Timer { .. } => continue,
                };
                side(&e.host, &what, lang)
            }
        };
        let t = time_col(r.t, &mut last_t);
        let _ = writeln!(o, "{t:>12}  {line}");
    }
    if let Some(b) = lay.breaks.last() {
        if lay.rows.last().is_some_and(|r| b.y0 >= r.y) {
            let _ = writeln!(
                o,
                "{:>12}  {:^width$}",
                "",
                format!("... {} s {} ...", fixed(b.seconds, 2), w(TextWord::Silence)),
                width = MID
            );
        }
    }
    let _ = writeln!(
        o,
        "{:>12}  {} ({:?})",
        fixed(trace.end_at, 4),
        w(TextWord::End),
        trace.stop
    );
    if let Some(c) = tcpsim::scenarios::cap_note(trace) {
        let _ = writeln!(o, "{}", cap_text(&c, lang));
    }
    o
}

/// The time column: written when the time changes, blank otherwise.
fn time_col(t: f64, last: &mut f64) -> String {
    let s = if last.is_nan() || (t - *last).abs() > 1e-9 {
        fixed(t, 4)
    } else {
        String::new()
    };
    *last = t;
    s
}

fn arrow(src: &str, dst: &str, lost: bool) -> String {
    let right = src == "client" || (src == "attacker" && dst == "server");
    match (right, lost) {
        (true, false) => "------>".into(),
        (true, true) => "----x  ".into(),
        (false, false) => "<------".into(),
        (false, true) => "  x----".into(),
    }
}

fn side(host: &str, what: &str, lang: Lang) -> String {
    let name = host_word(host, lang);
    match host {
        "client" => format!("[{name}] {what}"),
        "server" => format!("{:>width$}", format!("{what} [{name}]"), width = MID),
        _ => format!("{:^width$}", format!("[{name}] {what}"), width = MID),
    }
}
