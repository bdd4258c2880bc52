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

/// `n` right-aligned in `w` columns.
fn put_int(l: &mut Vec<u8>, n: u64, w: usize) {
    let mut d = [0u8; 20];
    let digits = tcpsim_analyse::decimal(&mut d, n);
    l.resize(l.len() + w.saturating_sub(digits.len()), b' ');
    l.extend_from_slice(digits);
}

/// A time as `{:>w$.3}` writes it. The times are whole microseconds
/// (`secs` in tcpsim-analyse), so below 10^9 s the thousandths round as
/// the microseconds do, away from a tie by a microsecond at least, far
/// more than the float's error; a tie (…500 µs), a negative or a larger
/// time goes through the formatter, which rounds a tie to even.
fn put_secs(l: &mut Vec<u8>, x: f64, w: usize) {
    let us = (x * 1e6).round();
    if x.is_sign_negative() || !(0.0..1e15).contains(&us) || us as u64 % 1000 == 500 {
        let _ = write!(l, "{x:>w$.3}");
        return;
    }
    let us = us as u64;
    let ms = us / 1000 + (us % 1000 > 500) as u64;
    put_int(l, ms / 1000, w.saturating_sub(4));
    let f = ms % 1000;
    l.extend_from_slice(&[
        b'.',
        b'0' + (f / 100) as u8,
        b'0' + (f / 10 % 10) as u8,
        b'0' + (f % 10) as u8,
    ]);
}

/// `s` left-aligned in `w` columns (ASCII: one byte a column).
fn put_left(l: &mut Vec<u8>, s: &str, w: usize) {
    l.extend_from_slice(s.as_bytes());
    l.resize(l.len() + w.saturating_sub(s.len()), b' ');
}

/// The connection list as a text table, and what was skipped: the column
/// widths in a first pass (counted, not formatted), the rows in a second,
/// each row written into one reused line from one reused
/// [`Line`](tcpsim_analyse::Line), without the formatter (a million rows).
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
    let mut c = tcpsim_analyse::Line::default();
    let n = cap.connection_count();
    for i in 0..n {
        cap.line(i, &mut c);
        let n = [
            digits(c.index as u64),
            c.client.len(),
            c.server.len(),
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
    }
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
    // The few endings' words, made once.
    let mut ends: Vec<(tcpsim_analyse::End, String)> = Vec::new();
    let mut row: Vec<u8> = Vec::with_capacity(256);
    for i in 0..n {
        cap.line(i, &mut c);
        row.clear();
        put_int(&mut row, c.index as u64, wd[0]);
        row.extend_from_slice(b"  ");
        put_left(&mut row, &c.client, wd[1]);
        row.extend_from_slice(b"  ");
        put_left(&mut row, &c.server, wd[2]);
        row.extend_from_slice(b"  ");
        put_secs(&mut row, c.first_at, wd[3]);
        row.extend_from_slice(b"  ");
        put_secs(&mut row, c.last_at, wd[4]);
        for (k, v) in [
            c.packets_from_client,
            c.packets_from_server,
            c.bytes_from_client,
            c.bytes_from_server,
        ]
        .into_iter()
        .enumerate()
        {
            row.extend_from_slice(b"  ");
            put_int(&mut row, v, wd[5 + k]);
        }
        row.extend_from_slice(b"  ");
        let k = match ends.iter().position(|e| e.0 == c.end) {
            Some(k) => k,
            None => {
                ends.push((c.end, c.end.text(lang)));
                ends.len() - 1
            }
        };
        row.extend_from_slice(ends[k].1.as_bytes());
        while row.last().is_some_and(|b| b.is_ascii_whitespace()) {
            row.pop();
        }
        row.push(b'\n');
        w.write_all(&row)?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The list's numbers as the formatter writes them: times (whole
    /// microseconds, ties at half a millisecond, 1/16 s exactly, negative,
    /// huge) and integers, in and beyond their column's width.
    #[test]
    fn numbers_are_written_as_the_formatter_writes_them() {
        let mut times: Vec<f64> = vec![
            0.0,
            -0.0,
            0.0625,
            0.1875,
            0.0005,
            0.0015,
            0.9995,
            9.9996,
            1.5,
            -1.25,
            1e9,
            3e12,
            123456.789_5,
            0.000_499,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let us = (x % 10_000_000_000) as i64;
            times.push(us as f64 / 1e6);
            times.push((us / 1000 * 1000 + 500) as f64 / 1e6);
        }
        for t in times {
            for w in [0, 5, 12] {
                let mut l = Vec::new();
                put_secs(&mut l, t, w);
                assert_eq!(String::from_utf8(l).unwrap(), format!("{t:>w$.3}"), "{t}");
            }
        }
        for n in [0u64, 7, 10, 99, 12345, u64::MAX] {
            for w in [0, 3, 25] {
                let mut l = Vec::new();
                put_int(&mut l, n, w);
                assert_eq!(String::from_utf8(l).unwrap(), format!("{n:>w$}"));
            }
        }
    }
}
