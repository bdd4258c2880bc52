//! `tcpsim explain FILE`: a reader's own pcap or pcapng capture, through
//! tcpsim-analyse.
//!
//! Without `--conn`, the connection list: a text table (and, under it, the
//! packets skipped by reason), or with `--format json` a JSON array with one
//! object per connection (`Connection::to_json` in tcpsim-analyse).
//!
//! With `--conn INDEX` or `--conn ADDR:PORT-ADDR:PORT`, one connection:
//!
//! - `text`: the diagnosis on the first line (`diagnosis: ...`), a blank
//!   line, then the diagram as `tcpsim run` draws it;
//! - `svg`: the diagram, with the diagnosis as its title;
//! - `json`: `{"connection": {...}, "diagnosis": {"ending", "zh", "en"},
//!   "trace": {...}}`, where `trace` is exactly what `tcpsim run --format
//!   json` prints for a run (origin `capture`), and `"window"`: `null`, or
//!   for a connection of more than 300 segments (`MAX_DRAWN`) `{"from",
//!   "total", "at"}`: the trace keeps the last 300 (from segment `from` of
//!   `total`, at `at` s), and the text and SVG say so.
//!
//! The diagnosis is in `--lang` (English by default). Damage after the first
//! packets (a file cut short) is a warning on stderr, and the exit status
//! stays 0; a file that cannot be read at all exits 2.

use std::io::Read;

use tcpsim_analyse::{Capture, Reader};

use super::{emit, parse_run, usage, warn, Failure, Format, Lang, EXPLAIN};

/// Read the capture in chunks, as the page's worker does.
fn read(path: &str) -> Result<Capture, Failure> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| Failure::Usage(format!("cannot read capture '{path}': {e}")))?;
    let total = f.metadata().map(|m| m.len()).ok();
    let mut reader = match total {
        Some(t) => Reader::with_total(t),
        None => Reader::new(),
    };
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return usage(format!("cannot read capture '{path}': {e}")),
        };
        reader
            .feed(&buf[..n])
            .map_err(|e| Failure::Usage(format!("{path}: {e}")))?;
    }
    reader
        .finish()
        .map_err(|e| Failure::Usage(format!("{path}: {e}")))
}

pub fn explain(rest: &[String]) -> Result<(), Failure> {
    let o = parse_run(rest, &EXPLAIN)?;
    let file = &o.id;
    let cap = read(file)?;
    if let Some(w) = cap.warning() {
        // (Through the CLI's own stderr writer: one escaped line, and a
        // stderr that cannot be written is exit 1, not a panic.)
        warn(&format!("{file}: {w}"))?;
    }
    let lang = match o.lang {
        Lang::En => tcpsim::Lang::En,
        Lang::Zh => tcpsim::Lang::Zh,
    };
    let Some(spec) = &o.conn else {
        let out = match o.format {
            Format::Json => {
                let mut s = cap.connections_json();
                s.push('\n');
                s
            }
            Format::Text => table(&cap, lang),
            _ => return usage(
                "an SVG is drawn for one connection: add --conn INDEX (the list is text or json)",
            ),
        };
        return emit(out.as_bytes(), o.output.as_deref());
    };
    let index = match spec.parse::<usize>() {
        Ok(i) => i,
        Err(_) => cap.find(spec).map_err(|e| Failure::Usage(e.to_string()))?,
    };
    let a = cap
        .explain(index)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let diagnosis = a.diagnosis.get(lang);
    // A connection longer than a diagram: the last segments, and a line
    // saying so.
    let note = a.window.map(|w| w.note(lang));
    let out = match o.format {
        Format::Text => format!(
            "diagnosis: {diagnosis}\n{}\n{}",
            note.as_ref()
                .map(|n| format!("note: {n}\n"))
                .unwrap_or_default(),
            tcpsim_diagram::text(&a.trace, lang)
        ),
        Format::Svg => tcpsim_diagram::svg(
            &a.trace,
            &tcpsim_diagram::SvgOptions {
                lang,
                title: Some(match &note {
                    Some(n) => format!("{diagnosis} {n}"),
                    None => diagnosis.to_string(),
                }),
                ..Default::default()
            },
        ),
        _ => {
            let trace = serde_json::to_string_pretty(&a.trace)
                .map_err(|e| Failure::Io(format!("could not encode JSON: {e}")))?;
            let window = match a.window {
                Some(w) => format!(
                    "{{\"from\": {}, \"total\": {}, \"at\": {}}}",
                    w.from, w.total, w.at
                ),
                None => "null".to_string(),
            };
            format!(
                "{{\n  \"connection\": {},\n  \"diagnosis\": {},\n  \"window\": {window},\n  \"trace\": {}\n}}\n",
                a.connection.to_json(),
                a.diagnosis.to_json(),
                trace.replace('\n', "\n  ")
            )
        }
    };
    emit(out.as_bytes(), o.output.as_deref())
}

/// The connection list as a text table, and what was skipped.
fn table(cap: &Capture, lang: tcpsim::Lang) -> String {
    let st = cap.stats();
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut out = format!(
        "{}, {}, {} over {:.3} s\n",
        plural(st.packets, "packet", "packets"),
        plural(st.segments, "TCP segment", "TCP segments"),
        plural(st.connections as u64, "connection", "connections"),
        st.duration
    );
    let head = [
        "#",
        "CLIENT",
        "SERVER",
        "FIRST",
        "LAST",
        "PKTS C>S",
        "PKTS S>C",
        "BYTES C>S",
        "BYTES S>C",
        "END",
    ];
    let rows: Vec<[String; 10]> = cap
        .connections()
        .iter()
        .map(|c| {
            [
                c.index.to_string(),
                c.client.to_string(),
                c.server.to_string(),
                format!("{:.3}", c.first_at),
                format!("{:.3}", c.last_at),
                c.packets_from_client.to_string(),
                c.packets_from_server.to_string(),
                c.bytes_from_client.to_string(),
                c.bytes_from_server.to_string(),
                c.end.text(lang),
            ]
        })
        .collect();
    let mut widths = head.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 10]| {
        let mut l = String::new();
        for (k, c) in cells.iter().enumerate() {
            if k == 9 {
                l.push_str(c);
            } else if (3..9).contains(&k) || k == 0 {
                l.push_str(&format!("{c:>w$}  ", w = widths[k]));
            } else {
                l.push_str(&format!("{c:w$}  ", w = widths[k]));
            }
        }
        l.trim_end().to_string() + "\n"
    };
    out.push_str(&line(head));
    for r in &rows {
        out.push_str(&line([
            &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7], &r[8], &r[9],
        ]));
    }
    let skipped: Vec<String> = st
        .skipped
        .by_reason()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
        .collect();
    if skipped.is_empty() {
        out.push_str("skipped: none\n");
    } else {
        out.push_str(&format!("skipped: {}\n", skipped.join(", ")));
    }
    if st.timestamps_backwards > 0 {
        out.push_str(&format!(
            "timestamps went backwards {} times; segments are shown in time order\n",
            st.timestamps_backwards
        ));
    }
    out
}
