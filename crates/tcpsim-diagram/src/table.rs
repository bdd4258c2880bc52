//! The text alternative: the trace as an accessible HTML table.

use std::fmt::Write;

use tcpsim::trace::Trace;

use crate::svg::esc;
use crate::words::{table_texts, trim_num, why_text, Lang};

/// Every segment as a table row: time, from, to, flags, seq, ack, length, reason.
pub fn table_html(trace: &Trace, lang: Lang) -> String {
    let (cap, heads, lost) = table_texts(lang);
    let mut o = String::new();
    let _ = write!(
        o,
        "<table class=\"trace\"><caption>{} — {}</caption><thead><tr>",
        esc(cap),
        esc(&trace.scenario)
    );
    for h in heads {
        let _ = write!(o, "<th scope=\"col\">{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for p in &trace.packets {
        let dst = match p.arrived_at {
            Some(_) => p.dst.clone(),
            None => format!("{} ({lost})", p.dst),
        };
        let _ = write!(
            o,
            "<tr data-packet-row=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            p.id,
            trim_num(p.sent_at),
            esc(&p.src),
            esc(&dst),
            esc(&p.flag_str()),
            p.seq,
            p.ack.map(|a| a.to_string()).unwrap_or_else(|| "—".into()),
            p.len,
            esc(why_text(p.why, lang))
        );
    }
    o.push_str("</tbody></table>");
    o
}
