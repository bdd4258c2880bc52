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
//!   json` prints for a run (origin `capture`).
//!
//! The diagnosis is in `--lang` (English by default). Damage after the first
//! packets (a file cut short) is a warning on stderr, and the exit status
//! stays 0; a file that cannot be read at all exits 2.

use std::io::Read;

use tcpsim_analyse::{Capture, Reader};

use super::{emit, usage, Failure, Format, Lang, LANGS};

const FORMATS: &str = "text, json, svg";

struct Opts {
    file: String,
    conn: Option<String>,
    format: Format,
    lang: Lang,
    output: Option<String>,
}

fn parse(rest: &[String]) -> Result<Opts, Failure> {
    let mut file: Option<String> = None;
    let mut conn = None;
    let mut format = None;
    let mut lang = None;
    let mut output = None;
    let mut i = 0;
    while i < rest.len() {
        let arg = rest[i].as_str();
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg, None),
        };
        let mut value = |what: &str| -> Result<String, Failure> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            match rest.get(i) {
                Some(v) => Ok(v.clone()),
                None => usage(format!("'{name}' needs a value ({what})")),
            }
        };
        let once = |set: bool, flag: &str| -> Result<(), Failure> {
            if set {
                usage(format!("'{flag}' given more than once"))
            } else {
                Ok(())
            }
        };
        match name {
            "--conn" | "-c" => {
                let v = value("INDEX or ADDR:PORT-ADDR:PORT")?;
                once(conn.is_some(), "--conn")?;
                conn = Some(v);
            }
            "--format" | "-f" => {
                let v = value(FORMATS)?;
                once(format.is_some(), "--format")?;
                format = Some(match Format::parse(&v) {
                    Some(f) if f != Format::Pcap => f,
                    Some(_) => {
                        return usage(format!(
                            "the capture is already a pcap; formats here: {FORMATS}"
                        ))
                    }
                    None => return usage(format!("unknown format '{v}'; formats: {FORMATS}")),
                });
            }
            "--lang" | "-l" => {
                let v = value(LANGS)?;
                once(lang.is_some(), "--lang")?;
                lang = Some(match v.as_str() {
                    "en" => Lang::En,
                    "zh" => Lang::Zh,
                    _ => return usage(format!("unknown language '{v}'; languages: {LANGS}")),
                });
            }
            "--output" | "-o" => {
                let v = value("a file name")?;
                once(output.is_some(), "--output")?;
                if v.is_empty() {
                    return usage("'--output' needs a non-empty file name");
                }
                output = Some(v);
            }
            _ if arg.starts_with('-') && arg.len() > 1 => {
                return usage(format!(
                    "unknown option '{arg}'; options: --conn INDEX|ADDR:PORT-ADDR:PORT, --format {{{}}}, --lang {{{}}}, -o FILE",
                    FORMATS.replace(", ", "|"),
                    LANGS.replace(", ", "|")
                ))
            }
            _ => {
                if let Some(first) = &file {
                    return usage(format!(
                        "unexpected argument '{arg}' (capture '{first}' already given)"
                    ));
                }
                file = Some(arg.to_string());
            }
        }
        i += 1;
    }
    let Some(file) = file else {
        return usage("'explain' needs a capture file (pcap or pcapng)");
    };
    Ok(Opts {
        file,
        conn,
        format: format.unwrap_or(Format::Text),
        lang: lang.unwrap_or(Lang::En),
        output,
    })
}

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
    let o = parse(rest)?;
    let cap = read(&o.file)?;
    if let Some(w) = cap.warning() {
        eprintln!("tcpsim: warning: {}: {w}", o.file);
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
    let out = match o.format {
        Format::Text => format!(
            "diagnosis: {diagnosis}\n\n{}",
            tcpsim_diagram::text(&a.trace, lang)
        ),
        Format::Svg => tcpsim_diagram::svg(
            &a.trace,
            &tcpsim_diagram::SvgOptions {
                lang,
                title: Some(diagnosis.to_string()),
                ..Default::default()
            },
        ),
        _ => {
            let trace = serde_json::to_string_pretty(&a.trace)
                .map_err(|e| Failure::Io(format!("could not encode JSON: {e}")))?;
            format!(
                "{{\n  \"connection\": {},\n  \"diagnosis\": {},\n  \"trace\": {}\n}}\n",
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
