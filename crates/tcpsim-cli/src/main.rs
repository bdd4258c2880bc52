//! `tcpsim`: run the TCP Crash Lab scenarios from a terminal.
//!
//! ```text
//! tcpsim list
//! tcpsim params <scenario>
//! tcpsim run <scenario> [--set NAME=VALUE]... [--format text|json|pcap|svg]
//!                       [--lang zh|en] [-o FILE]
//! tcpsim ss <scenario> --at SECONDS [--set NAME=VALUE]... [-o FILE]
//! tcpsim explain FILE [--conn INDEX|ADDR:PORT-ADDR:PORT] [--format text|json|svg]
//!                     [--lang en|zh] [-o FILE]
//! tcpsim reproduce <scenario> [--set NAME=VALUE]... [-o FILE]
//! tcpsim presets [--format text|json] [--lang en|zh]
//! tcpsim reproduce --cleanup
//! tcpsim help | --help | -h
//! tcpsim --version | -V
//! ```
//!
//! Exit status: 0 on success, 2 for bad input (one line on stderr saying
//! what was wrong and what is allowed), 1 when a file or stdout could not be
//! written.

use std::io::IsTerminal;
use std::process::ExitCode;

use tcpsim::{Lang, Params, Trace, SCENARIOS};

mod cleanup;
mod explain;
mod output;
mod presets;

use output::{emit, note, say, usage, warn, Failure};

const USAGE: &str = "\
tcpsim: what a server's TCP connection does when its peer dies, on Linux's timers

USAGE:
    tcpsim list                      list the scenarios
    tcpsim params <scenario>         show a scenario's parameters, defaults and ranges
    tcpsim run <scenario> [OPTIONS]  run a scenario and print what happened
    tcpsim ss <scenario> --at SECONDS [--set NAME=VALUE]...
                                     what `ss -tnoi` would print on each host at that
                                     moment of the run (state, queues, timer, retrans)
    tcpsim capture <recording.json> [--format text|json|svg] [--lang en|zh] [-o FILE]
                                     draw a real-kernel recording (tests/kernel/fixtures)
    tcpsim explain <FILE.pcap|FILE.pcapng> [--conn INDEX|ADDR:PORT-ADDR:PORT]
                   [--format text|json|svg] [--lang en|zh] [-o FILE]
                                     list a capture's TCP connections, or explain one
    tcpsim reproduce <scenario> [--set NAME=VALUE]... [-o FILE]
                                     a bash script that records the scenario on your own
                                     Linux (as root, in network namespaces it creates)
    tcpsim reproduce --cleanup       remove the namespaces and temporary directories that
                                     scripts killed with SIGKILL left (as root)
    tcpsim css                       print the page palette (line 1) and the stylesheet the
                                     SVG diagrams embed (line 2), for a page that inlines
                                     several diagrams and links the rules once
    tcpsim catalog [--lang en|zh]    the scenarios, their texts and parameters, as JSON
    tcpsim presets [--format text|json] [--lang en|zh]
                                     what common stacks set (the explorer's presets): values,
                                     sources, versions, and how each was verified
    tcpsim help                      show this help
    tcpsim --version                 show the version

RUN OPTIONS:
    --set NAME=VALUE     change a parameter (repeatable); see `tcpsim params <scenario>`
    --preset ID          start from a preset's values (see `tcpsim presets`; for
                         keepalive-peer-dead, host-crash-data-no-reboot, connect-dead-host,
                         peer-hung); --set changes them after
    --format FORMAT      text (default), json, pcap or svg
    --lang LANG          language of the text and SVG diagrams: en (default) or zh
    -o, --output FILE    write to FILE instead of stdout

A pcap is binary: it is written to FILE with -o, or to stdout only when
stdout is not a terminal (a pipe or a redirect).

EXIT STATUS:
    0 success, 1 could not write the output, 2 bad input

EXAMPLES:
    tcpsim run keepalive-peer-dead --set tcp_keepalive_time=60
    tcpsim run host-crash-data-no-reboot --format pcap -o retrans.pcap
    tcpsim ss host-crash-data-no-reboot --at 60
    tcpsim reproduce keepalive-peer-dead --set tcp_keepalive_time=5 -o ka.sh && sudo bash ka.sh
    tcpsim run kill-from-outside --format json | jq '.packets[].why'
";

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Pcap,
    Svg,
}

const FORMATS: &str = "text, json, pcap, svg";
const LANGS: &str = "en, zh";

impl Format {
    fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "pcap" => Some(Format::Pcap),
            "svg" => Some(Format::Svg),
            _ => None,
        }
    }
}

fn main() -> ExitCode {
    let result = args().and_then(|args| real_main(&args));
    let (msg, code) = match result {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => (m, 2),
        Err(Failure::Io(m)) => (m, 1),
    };
    match say(&msg) {
        Ok(()) => ExitCode::from(code),
        // Not even stderr can be written: a failed write is status 1.
        Err(_) => ExitCode::from(1),
    }
}

/// The arguments as text; one that is not UTF-8 is bad input, named.
fn args() -> Result<Vec<String>, Failure> {
    std::env::args_os()
        .skip(1)
        .enumerate()
        .map(|(i, a)| {
            a.into_string().map_err(|a| {
                Failure::Usage(format!(
                    "argument {} ('{}') is not valid UTF-8",
                    i + 1,
                    a.to_string_lossy()
                ))
            })
        })
        .collect()
}

fn real_main(args: &[String]) -> Result<(), Failure> {
    let Some(cmd) = args.first() else {
        return usage(
            "no command given; try `tcpsim help` (commands: list, params, run, ss, capture, explain, reproduce, css, catalog, presets, help)",
        );
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "help" | "--help" | "-h" => {
            no_more(rest, cmd)?;
            emit(USAGE.as_bytes(), None)
        }
        "--version" | "-V" | "version" => {
            no_more(rest, cmd)?;
            emit(
                format!("tcpsim {}\n", env!("CARGO_PKG_VERSION")).as_bytes(),
                None,
            )
        }
        "list" => {
            no_more(rest, cmd)?;
            emit(list().as_bytes(), None)
        }
        "params" => {
            let id = one_scenario(rest, "params")?;
            emit(params_table(id)?.as_bytes(), None)
        }
        "css" => {
            no_more(rest, cmd)?;
            emit(
                format!(
                    "{}\n{}\n",
                    tcpsim_diagram::page_palette(),
                    tcpsim_diagram::stylesheet()
                )
                .as_bytes(),
                None,
            )
        }
        "catalog" => {
            let lang = lang_flag(rest, cmd)?;
            let mut json = tcpsim::catalogue_json(lang);
            json.push('\n');
            emit(json.as_bytes(), None)
        }
        "presets" => emit(&presets::command(rest).map_err(Failure::Usage)?, None),
        "run" => run(rest),
        "ss" => ss(rest),
        "capture" => capture(rest),
        "explain" => explain::explain(rest),
        "reproduce" => reproduce(rest),
        other => usage(format!(
            "unknown command '{other}'; commands: list, params, run, ss, capture, explain, reproduce, css, catalog, presets, help"
        )),
    }
}

/// The only argument `cmd` takes: `--lang en|zh` (default en).
fn lang_flag(rest: &[String], cmd: &str) -> Result<tcpsim::Lang, Failure> {
    let value = match rest {
        [] => return Ok(tcpsim::Lang::En),
        [flag, v] if flag == "--lang" || flag == "-l" => v.as_str(),
        [flag] if flag.starts_with("--lang=") => &flag["--lang=".len()..],
        [flag] if flag == "--lang" || flag == "-l" => {
            return usage(format!("'{flag}' needs a value ({LANGS})"))
        }
        [a, ..] => {
            return usage(format!(
                "unexpected argument '{a}' after '{cmd}'; it takes --lang {{{}}}",
                LANGS.replace(", ", "|")
            ))
        }
    };
    match value {
        "en" => Ok(tcpsim::Lang::En),
        "zh" => Ok(tcpsim::Lang::Zh),
        v => usage(format!("unknown language '{v}'; languages: {LANGS}")),
    }
}

fn no_more(rest: &[String], cmd: &str) -> Result<(), Failure> {
    match rest.first() {
        Some(a) => usage(format!("unexpected argument '{a}' after '{cmd}'")),
        None => Ok(()),
    }
}

fn scenario_ids() -> String {
    SCENARIOS
        .iter()
        .map(|s| s.id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Check a scenario id, returning the error message the user sees.
fn check_scenario(id: &str) -> Result<Params, Failure> {
    tcpsim::defaults(id).map_err(|e| Failure::Usage(e.to_string()))
}

fn one_scenario<'a>(rest: &'a [String], cmd: &str) -> Result<&'a str, Failure> {
    match rest {
        [] => usage(format!(
            "'{cmd}' needs a scenario id; scenarios: {}",
            scenario_ids()
        )),
        [id] => Ok(id.as_str()),
        [_, extra, ..] => usage(format!("unexpected argument '{extra}' after '{cmd}'")),
    }
}

fn list() -> String {
    let w = SCENARIOS.iter().map(|s| s.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for sc in SCENARIOS {
        s.push_str(&format!(
            "{:w$}  {}\n",
            sc.id,
            tcpsim::text::plain(sc.title.en)
        ));
    }
    s
}

fn params_table(id: &str) -> Result<String, Failure> {
    let p = check_scenario(id)?;
    let rows: Vec<[String; 5]> = p
        .specs()
        .iter()
        .map(|s| {
            [
                s.name.to_string(),
                p.get(s.param).to_string(),
                format!("{}..={}", s.min, s.max),
                s.unit.to_string(),
                s.help.en.to_string(),
            ]
        })
        .collect();
    let head = ["NAME", "DEFAULT", "RANGE", "UNIT", "HELP"];
    let mut widths = head.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.len());
        }
    }
    let line = |cells: [&str; 5]| {
        format!(
            "{:w0$}  {:>w1$}  {:w2$}  {:w3$}  {}\n",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        )
    };
    let mut out = line(head);
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    Ok(out)
}

/// Options of the commands that take a subject and flags (`run`, `ss`,
/// `capture`, `explain`): one parser, each command saying which flags it
/// takes.
struct RunOpts {
    /// The scenario id, or the file for `capture` and `explain`.
    id: String,
    sets: Vec<String>,
    format: Format,
    lang: Lang,
    output: Option<String>,
    /// `--at SECONDS` (`ss`).
    at: Option<String>,
    /// `--conn INDEX|ADDR:PORT-ADDR:PORT` (`explain`).
    conn: Option<String>,
    /// `--preset ID` (`run`).
    preset: Option<String>,
}

/// What a command takes.
struct Cmd {
    name: &'static str,
    /// Its flags, as the "unknown option" message lists them.
    flags: &'static [&'static str],
    /// The formats it writes.
    formats: &'static str,
    /// What its one positional argument is ("scenario", "capture"...).
    subject: &'static str,
    /// The message when the subject is missing.
    missing: fn() -> String,
}

const RUN: Cmd = Cmd {
    name: "run",
    flags: &["--set", "--preset", "--format", "--lang", "-o"],
    formats: FORMATS,
    subject: "scenario",
    missing: || format!("'run' needs a scenario id; scenarios: {}", scenario_ids()),
};
const SS: Cmd = Cmd {
    name: "ss",
    flags: &["--at", "--set", "-o"],
    formats: "",
    subject: "scenario",
    missing: || format!("'ss' needs a scenario id; scenarios: {}", scenario_ids()),
};
const CAPTURE: Cmd = Cmd {
    name: "capture",
    flags: &["--format", "--lang", "-o"],
    formats: "text, json, svg",
    subject: "recording",
    missing: || "'capture' needs a recording file (tests/kernel/fixtures/*.json)".to_string(),
};
const REPRODUCE: Cmd = Cmd {
    name: "reproduce",
    flags: &["--set", "-o"],
    formats: "",
    subject: "scenario",
    missing: || {
        format!(
            "'reproduce' needs a scenario id; scenarios: {}",
            scenario_ids()
        )
    },
};
pub(crate) const EXPLAIN: Cmd = Cmd {
    name: "explain",
    flags: &["--conn", "--format", "--lang", "-o"],
    formats: "text, json, svg",
    subject: "capture",
    missing: || "'explain' needs a capture file (pcap or pcapng)".to_string(),
};

impl Cmd {
    /// The flags it takes, with their values, for a message.
    fn options(&self) -> String {
        let mut out = Vec::new();
        for f in self.flags {
            out.push(match *f {
                "--set" => "--set NAME=VALUE".to_string(),
                "--format" => format!("--format {{{}}}", self.formats.replace(", ", "|")),
                "--lang" => format!("--lang {{{}}}", LANGS.replace(", ", "|")),
                "-o" => "-o FILE".to_string(),
                "--at" => "--at SECONDS".to_string(),
                "--preset" => "--preset ID".to_string(),
                "--conn" => "--conn INDEX|ADDR:PORT-ADDR:PORT".to_string(),
                other => other.to_string(),
            });
        }
        out.join(", ")
    }
}

fn parse_run(rest: &[String], cmd: &Cmd) -> Result<RunOpts, Failure> {
    let mut id: Option<String> = None;
    let mut sets = Vec::new();
    let mut format = None;
    let mut lang = None;
    let mut output = None;
    let mut at = None;
    let mut conn = None;
    let mut preset = None;
    let mut i = 0;
    while i < rest.len() {
        let arg = rest[i].as_str();
        // `--opt=value` or `--opt value`.
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg, None),
        };
        // The short forms stand for their long ones.
        let flag = match name {
            "-s" => "--set",
            "-f" => "--format",
            "-l" => "--lang",
            "--output" => "-o",
            "-c" => "--conn",
            n => n,
        };
        let takes = cmd.flags.contains(&flag);
        if arg.starts_with('-') && arg.len() > 1 && !takes {
            return usage(format!(
                "unknown option '{arg}'; options: {}",
                cmd.options()
            ));
        }
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
        match flag {
            "--set" => sets.push(value("NAME=VALUE")?),
            "--format" => {
                let v = value(cmd.formats)?;
                once(format.is_some(), "--format")?;
                format = Some(match Format::parse(&v) {
                    Some(f) if cmd.formats.split(", ").any(|x| Format::parse(x) == Some(f)) => f,
                    Some(Format::Pcap) if cmd.name == "explain" => {
                        return usage(format!(
                            "the capture is already a pcap; formats here: {}",
                            cmd.formats
                        ))
                    }
                    Some(Format::Pcap) => {
                        return usage(format!(
                            "the recording's own pcap sits beside its JSON file; formats here: {}",
                            cmd.formats
                        ))
                    }
                    _ => return usage(format!("unknown format '{v}'; formats: {}", cmd.formats)),
                });
            }
            "--lang" => {
                let v = value(LANGS)?;
                once(lang.is_some(), "--lang")?;
                lang = Some(match v.as_str() {
                    "en" => Lang::En,
                    "zh" => Lang::Zh,
                    _ => return usage(format!("unknown language '{v}'; languages: {LANGS}")),
                });
            }
            "-o" => {
                let v = value("a file name")?;
                once(output.is_some(), "--output")?;
                if v.is_empty() {
                    return usage("'--output' needs a non-empty file name");
                }
                output = Some(v);
            }
            "--at" => {
                let v = value("seconds into the run")?;
                once(at.is_some(), "--at")?;
                at = Some(v);
            }
            "--conn" => {
                let v = value("INDEX or ADDR:PORT-ADDR:PORT")?;
                once(conn.is_some(), "--conn")?;
                conn = Some(v);
            }
            "--preset" => {
                let v = value("a preset id; see `tcpsim presets`")?;
                once(preset.is_some(), "--preset")?;
                preset = Some(v);
            }
            _ => {
                if let Some(first) = &id {
                    return usage(format!(
                        "unexpected argument '{arg}' ({} '{first}' already given)",
                        cmd.subject
                    ));
                }
                id = Some(arg.to_string());
            }
        }
        i += 1;
    }
    let Some(id) = id else {
        return usage((cmd.missing)());
    };
    Ok(RunOpts {
        id,
        sets,
        format: format.unwrap_or(Format::Text),
        lang: lang.unwrap_or(Lang::En),
        output,
        at,
        conn,
        preset,
    })
}

/// The scenario's parameters with the `--set`s applied and checked.
fn scenario_params(o: &RunOpts) -> Result<Params, Failure> {
    let mut params = check_scenario(&o.id)?;
    let preset = match &o.preset {
        Some(p) => presets::assignments(p, &o.id).map_err(Failure::Usage)?,
        None => Vec::new(),
    };
    for s in preset.iter().chain(&o.sets) {
        params
            .apply_assignment(s)
            .map_err(|e| Failure::Usage(e.to_string()))?;
    }
    params
        .validate()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    Ok(params)
}

/// Longest run `--at` accepts: a day, beyond every scenario's horizon.
const MAX_AT_S: f64 = 86_400.0;

/// `tcpsim ss ID --at SECONDS`: the ss view of every host at that moment.
fn ss(rest: &[String]) -> Result<(), Failure> {
    let o = parse_run(rest, &SS)?;
    let params = scenario_params(&o)?;
    let Some(at) = &o.at else {
        return usage("'ss' needs --at SECONDS (a moment of the run, e.g. --at 30 or --at 2.5)");
    };
    let secs: f64 = match at.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=MAX_AT_S).contains(&v) => v,
        _ => {
            return usage(format!(
                "--at '{at}' is not a number of seconds from 0 to {MAX_AT_S}"
            ))
        }
    };
    let us = (secs * 1e6).round() as u64;
    let snap =
        tcpsim::scenarios::ss_at(&o.id, &params, us).map_err(|e| Failure::Usage(e.to_string()))?;
    emit(snap.text().as_bytes(), o.output.as_deref())
}

fn run(rest: &[String]) -> Result<(), Failure> {
    let o = parse_run(rest, &RUN)?;
    let params = scenario_params(&o)?;
    if o.format == Format::Pcap && o.output.is_none() && std::io::stdout().is_terminal() {
        return usage(
            "refusing to write a binary pcap to a terminal; use -o FILE or redirect stdout",
        );
    }
    let trace = tcpsim::run(&o.id, &params).map_err(|e| Failure::Usage(e.to_string()))?;
    let bytes = render(&trace, o.format, o.lang)?;
    emit(&bytes, o.output.as_deref())?;
    // A run cut short at the cap says so, whatever the format.
    if let Some(c) = tcpsim::scenarios::cap_note(&trace) {
        note(&tcpsim_diagram::cap_text(&c, o.lang))?;
    }
    Ok(())
}

/// `tcpsim reproduce ID [--set NAME=VALUE]... [-o FILE]`: the bash script
/// that records the scenario on the reader's Linux (tcpsim::reproduce).
fn reproduce(rest: &[String]) -> Result<(), Failure> {
    if rest.iter().any(|a| a == "--cleanup") {
        return cleanup::cleanup(rest);
    }
    let o = parse_run(rest, &REPRODUCE)?;
    let params = scenario_params(&o)?;
    let text =
        tcpsim::reproduce::script(&o.id, &params).map_err(|e| Failure::Usage(e.to_string()))?;
    emit(text.as_bytes(), o.output.as_deref())
}

/// `tcpsim capture FILE.json`: draw a real-kernel recording
/// (tests/kernel/fixtures) with the same renderer as a simulated run.
fn capture(rest: &[String]) -> Result<(), Failure> {
    let o = parse_run(rest, &CAPTURE)?;
    let text = std::fs::read_to_string(&o.id)
        .map_err(|e| Failure::Usage(format!("cannot read recording '{}': {e}", o.id)))?;
    let cap: tcpsim::capture::Capture = serde_json::from_str(&text)
        .map_err(|e| Failure::Usage(format!("'{}' is not a tests/kernel recording: {e}", o.id)))?;
    let trace = cap.to_trace();
    let bytes = render(&trace, o.format, o.lang)?;
    emit(&bytes, o.output.as_deref())
}

fn render(trace: &Trace, format: Format, lang: Lang) -> Result<Vec<u8>, Failure> {
    Ok(match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(trace)
                .map_err(|e| Failure::Io(format!("could not encode JSON: {e}")))?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Pcap => tcpsim::pcap::write(trace),
        Format::Text => tcpsim_diagram::text(trace, lang).into_bytes(),
        Format::Svg => tcpsim_diagram::svg(
            trace,
            &tcpsim_diagram::SvgOptions {
                lang,
                ..tcpsim_diagram::SvgOptions::default()
            },
        )
        .into_bytes(),
    })
}
