//! `tcpsim explain FILE`: a reader's own pcap or pcapng capture, through
//! tcpsim-analyse.
//!
//! Without `--conn`, the connection list: a text table (and, under it, the
//! packets skipped by reason), or with `--format json` one object:
//! `{"stats", "warning", "skipped": [{"reason", "count", "what"}],
//! "connections": [...]}` with one object per connection
//! (`Capture::list_json` and `Connection::to_json` in tcpsim-analyse). The
//! list is written as it is made: a capture of a million connections is
//! listed without holding a million lines.
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

use std::io::{BufWriter, Read, Write};

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
        if !matches!(o.format, Format::Json | Format::Text) {
            return usage(
                "an SVG is drawn for one connection: add --conn INDEX (the list is text or json)",
            );
        }
        return stream(o.output.as_deref(), |w| match o.format {
            Format::Json => {
                let mut r = Ok(());
                cap.list_json(|piece| {
                    if r.is_ok() {
                        r = w.write_all(piece.as_bytes());
                    }
                });
                r.and_then(|_| w.write_all(b"\n"))
            }
            _ => table(&cap, lang, w),
        });
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

/// Write through a buffer to `path` or stdout, as `emit` does: whatever the
/// cause (stdout closed, a full disk, a pipe closed by its reader), a failed
/// write is exit 1 and one line on stderr.
fn stream(
    path: Option<&str>,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let done = match path {
        Some(p) => {
            let file = std::fs::File::create(p)
                .map_err(|e| Failure::Io(format!("could not write '{p}': {e}")))?;
            let mut w = BufWriter::with_capacity(1 << 16, file);
            return f(&mut w)
                .and_then(|_| w.flush())
                .map_err(|e| Failure::Io(format!("could not write '{p}': {e}")));
        }
        None => {
            if crate::output::stdout_was_closed() {
                return Err(Failure::Io(
                    "could not write to stdout: it is closed (give -o FILE, or a pipe or a file)"
                        .into(),
                ));
            }
            let mut w = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            f(&mut w).and_then(|_| w.flush())
        }
    };
    done.map_err(|e| Failure::Io(format!("could not write to stdout: {e}")))
}

const HEAD: [&str; 10] = [
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

/// Decimal digits of `n`.
fn digits(mut n: u64) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// An endpoint's width as `Endpoint`'s Display writes it.
fn ep_width(e: &tcpsim_analyse::Endpoint) -> usize {
    e.ip.len() + if e.ip.contains(':') { 2 } else { 0 } + 1 + digits(e.port as u64)
}

/// The connection list as a text table, and what was skipped: the column
/// widths in a first pass (counted, not formatted), the rows in a second,
/// each row written into one reused line.
fn table(cap: &Capture, lang: tcpsim::Lang, w: &mut dyn Write) -> std::io::Result<()> {
    use std::fmt::Write as _;
    let st = cap.stats();
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(
        w,
        "{}, {}, {} over {:.3} s",
        plural(st.packets, "packet", "packets"),
        plural(st.segments, "TCP segment", "TCP segments"),
        plural(st.connections as u64, "connection", "connections"),
        st.duration
    )?;
    let mut wd = HEAD.map(str::len);
    // `{:.3}` of a time: its whole seconds' digits, the point and three.
    let secs = |x: f64| digits(x.max(0.0).round() as u64) + 4 + (x < 0.0) as usize;
    cap.each_connection(|c| {
        let n = [
            digits(c.index as u64),
            ep_width(&c.client),
            ep_width(&c.server),
            secs(c.first_at),
            secs(c.last_at),
            digits(c.packets_from_client),
            digits(c.packets_from_server),
            digits(c.bytes_from_client),
            digits(c.bytes_from_server),
            0,
        ];
        for (w, x) in wd.iter_mut().zip(n) {
            *w = (*w).max(x);
        }
    });
    let mut l = String::with_capacity(256);
    let head = |l: &mut String| {
        for (k, c) in HEAD.iter().enumerate() {
            let _ = match k {
                9 => write!(l, "{c}"),
                0 | 3..=8 => write!(l, "{c:>w$}  ", w = wd[k]),
                _ => write!(l, "{c:w$}  ", w = wd[k]),
            };
        }
    };
    head(&mut l);
    w.write_all(l.trim_end().as_bytes())?;
    w.write_all(b"\n")?;
    let mut r = Ok(());
    cap.each_connection(|c| {
        if r.is_err() {
            return;
        }
        l.clear();
        let (ep1, ep2) = (c.client.to_string(), c.server.to_string());
        let _ = write!(
            l,
            "{:>w0$}  {ep1:w1$}  {ep2:w2$}  {:>w3$.3}  {:>w4$.3}  {:>w5$}  {:>w6$}  {:>w7$}  {:>w8$}  {}",
            c.index,
            c.first_at,
            c.last_at,
            c.packets_from_client,
            c.packets_from_server,
            c.bytes_from_client,
            c.bytes_from_server,
            c.end.text(lang),
            w0 = wd[0],
            w1 = wd[1],
            w2 = wd[2],
            w3 = wd[3],
            w4 = wd[4],
            w5 = wd[5],
            w6 = wd[6],
            w7 = wd[7],
            w8 = wd[8],
        );
        r = w
            .write_all(l.trim_end().as_bytes())
            .and_then(|_| w.write_all(b"\n"));
    });
    r?;
    let skipped: Vec<String> = st
        .skipped
        .by_reason()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
        .collect();
    if skipped.is_empty() {
        w.write_all(b"skipped: none\n")?;
    } else {
        writeln!(w, "skipped: {}", skipped.join(", "))?;
    }
    if st.timestamps_backwards > 0 {
        writeln!(
            w,
            "timestamps went backwards {} times; segments are shown in time order",
            st.timestamps_backwards
        )?;
    }
    Ok(())
}
