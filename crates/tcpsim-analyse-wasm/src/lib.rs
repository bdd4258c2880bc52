//! The JavaScript face of tcpsim-analyse, for a Web Worker that reads a
//! reader's capture file in slices. A thin layer, like tcpsim-wasm: values
//! in, the analyser and the renderer called, values out. Errors are values
//! (`{ok: false, error}`, one line saying what was wrong and what is
//! allowed), never exceptions; a panic hook reports instead of leaving a
//! dead worker.
//!
//! One capture at a time:
//!
//! ```js
//! import init, { begin, feed, connections, explain } from "./tcpsim_analyse_wasm.js";
//! await init();
//! begin(file.size);
//! for (let at = 0; at < file.size; at += 1 << 20) {
//!   const r = feed(new Uint8Array(await file.slice(at, at + (1 << 20)).arrayBuffer()));
//!   if (!r.ok) { show(r.error); break; }
//!   progress(r.progress.fraction);          // 0..1
//! }
//! const list = connections();               // {ok, total, connections (first 200), stats, skipped, warning}
//! const more = query("10.0.0.1", "reset", 200, 200); // {ok, matching, from, connections}
//! const one = explain(0, "zh");             // {ok, trace, svg, diagnosis, connection}
//! ```
//!
//! - `begin(total_bytes)`: start a capture (forgetting the last one);
//!   `total_bytes` (the file's size, or `undefined`) is for the progress
//!   fraction. Returns `{ok: true}`.
//! - `feed(chunk: Uint8Array)`: the next slice, in order. Returns `{ok:
//!   true, progress: {bytes, total, fraction}}` (`total` and `fraction` are
//!   `null` without a size), or `{ok: false, error}` when the file cannot be
//!   read at all (not a capture, a link type the analyser does not decode);
//!   every later call repeats that error. Damage after the first packets
//!   stops the reading quietly and comes back as `warning`.
//! - `connections()`: ends the reading (the first call after the last
//!   `feed`) and returns `{ok: true, total, connections: [...], stats:
//!   {...}, skipped: [{reason, count, what}], warning: string|null}`:
//!   `total` connections, the first 200 of them (a capture of millions is
//!   never one document: `query` gives the others); each connection is `{index, client: {ip, port},
//!   server, first_at, last_at, packets_from_client, packets_from_server,
//!   bytes_from_client, bytes_from_server, handshake, end, end_by,
//!   timestamps_backwards}`, and `stats` is `{packets, segments, connections,
//!   skipped: {not_ip, not_tcp, fragment, tcp_header_cut, malformed,
//!   link_type, duplicate}, timestamps_backwards, start, duration}`;
//!   `skipped` names each reason with packets, and what it means. Or
//!   `{ok: false, error}`.
//! - `query(text, end, from, count)`: the connections whose `client server`
//!   text contains `text` (ASCII case ignored) and whose `end` is `end`
//!   (empty: any): `{ok, matching, from, connections: [...]}`, at most
//!   `count` (200 at most) from the `from`th match on.
//! - `explain(index, lang)`: one connection, `lang` "zh" (default) or "en":
//!   `{ok: true, trace, svg, diagnosis: {ending, zh, en, text}, connection}`.
//!   `trace` is the JSON text of the trace (`Trace::to_json`, the CLI's
//!   `--format json` document, origin `capture`), for `JSON.parse`; `svg` is
//!   the diagram without its stylesheet (the page links `tcpsim css` once),
//!   titled with the diagnosis; `diagnosis.text` is the line in `lang`.
//! - `why_texts(lang)`: each segment reason (`why`) in words, as the
//!   diagram words it: `{connect: "connect()", ...}`.

use std::cell::RefCell;

use tcpsim_analyse::{Capture, Error, Lang, Reader};
use tcpsim_diagram::{svg, SvgOptions};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    tcpsim_wasm_support::set_panic_hook("tcpsim-analyse", PANIC_GLOBAL);
}

/// Where a panic's message is left for the worker.
const PANIC_GLOBAL: &str = "__tcpsimAnalysePanic";

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn a_panic_report_reaches_the_page() {
        tcpsim_wasm_support::report_panic(PANIC_GLOBAL, "tcpsim-analyse panicked at x.rs: test");
        let v = js_sys::Reflect::get(
            &js_sys::global(),
            &JsValue::from_str("__tcpsimAnalysePanic"),
        )
        .unwrap();
        assert_eq!(
            v.as_string().as_deref(),
            Some("tcpsim-analyse panicked at x.rs: test")
        );
    }
}

/// Where the one capture is.
enum Session {
    /// Nothing begun.
    Idle,
    Reading(Reader),
    Read(Capture),
    /// Reading failed; every call says why.
    Failed(Error),
}

thread_local! {
    static SESSION: RefCell<Session> = const { RefCell::new(Session::Idle) };
}

fn set(obj: &js_sys::Object, k: &str, v: &JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(k), v);
}

fn ok() -> js_sys::Object {
    let o = js_sys::Object::new();
    set(&o, "ok", &JsValue::TRUE);
    o
}

fn failure(msg: &str) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "ok", &JsValue::FALSE);
    set(&o, "error", &JsValue::from_str(msg));
    o.into()
}

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

const NOT_BEGUN: &str = "no capture: call begin(total_bytes) and feed(chunk) first";

/// Start a capture of `total_bytes` (or unknown size).
#[wasm_bindgen]
pub fn begin(total_bytes: JsValue) -> JsValue {
    let reader = match total_bytes.as_f64() {
        Some(t) if t.is_finite() && t >= 0.0 => Reader::with_total(t as u64),
        _ => Reader::new(),
    };
    SESSION.with(|s| *s.borrow_mut() = Session::Reading(reader));
    ok().into()
}

/// The next slice of the file.
#[wasm_bindgen]
pub fn feed(chunk: &[u8]) -> JsValue {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        match &mut *s {
            Session::Reading(r) => match r.feed(chunk) {
                Ok(p) => {
                    let o = ok();
                    let prog = js_sys::Object::new();
                    set(&prog, "bytes", &JsValue::from_f64(p.bytes as f64));
                    let num = |x: Option<f64>| x.map_or(JsValue::NULL, JsValue::from_f64);
                    set(&prog, "total", &num(p.total.map(|t| t as f64)));
                    set(&prog, "fraction", &num(p.fraction()));
                    set(&o, "progress", &prog);
                    o.into()
                }
                Err(e) => {
                    let msg = e.to_string();
                    *s = Session::Failed(e);
                    failure(&msg)
                }
            },
            Session::Failed(e) => failure(&e.to_string()),
            Session::Read(_) => failure("the capture is read already: call begin() for another"),
            Session::Idle => failure(NOT_BEGUN),
        }
    })
}

/// End the reading if it is not ended, and run `f` on the capture.
fn with_capture(f: impl FnOnce(&Capture) -> JsValue) -> JsValue {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        if matches!(&*s, Session::Reading(_)) {
            let Session::Reading(r) = std::mem::replace(&mut *s, Session::Idle) else {
                unreachable!()
            };
            *s = match r.finish() {
                Ok(c) => Session::Read(c),
                Err(e) => Session::Failed(e),
            };
        }
        match &*s {
            Session::Read(c) => f(c),
            Session::Failed(e) => failure(&e.to_string()),
            _ => failure(NOT_BEGUN),
        }
    })
}

/// The connection list, the file's figures, and any warning.
/// Rows of the list sent at once: what the page draws.
const PAGE: usize = 200;

fn rows_json(rows: &[tcpsim_analyse::Connection]) -> String {
    let mut o = String::with_capacity(rows.len() * 320 + 2);
    o.push('[');
    for (i, c) in rows.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str(&c.to_json());
    }
    o.push(']');
    o
}

/// The capture's figures and the first page of its connections:
/// `{ok, stats, warning, skipped: [{reason, count, what}], total,
/// connections: [...at most 200]}`. The rest is asked for by `query`: a
/// capture of millions of connections is never one JSON document.
#[wasm_bindgen]
pub fn connections() -> JsValue {
    with_capture(|c| {
        let o = ok();
        set(&o, "connections", &json(&rows_json(&c.page(0, PAGE))));
        set(&o, "total", &JsValue::from_f64(c.connection_count() as f64));
        set(&o, "stats", &json(&c.stats().to_json()));
        let skipped = js_sys::Array::new();
        for (k, n) in c.stats().skipped.by_reason() {
            if n > 0 {
                let x = js_sys::Object::new();
                set(&x, "reason", &JsValue::from_str(k));
                set(&x, "count", &JsValue::from_f64(n as f64));
                set(
                    &x,
                    "what",
                    &JsValue::from_str(tcpsim_analyse::Skipped::what(k)),
                );
                skipped.push(&x);
            }
        }
        set(&o, "skipped", &skipped);
        set(
            &o,
            "warning",
            &c.warning().map_or(JsValue::NULL, JsValue::from_str),
        );
        o.into()
    })
}

/// The connections whose `client server` text contains `text` and whose
/// ending is `end` (empty: any): `{ok, matching, from, connections:
/// [...at most count (200 at most)]}`, from the `from`th match on.
#[wasm_bindgen]
pub fn query(text: JsValue, end: JsValue, from: JsValue, count: JsValue) -> JsValue {
    with_capture(|c| {
        let text = text.as_string().unwrap_or_default();
        let end = end.as_string().unwrap_or_default();
        let whole = |v: &JsValue, dflt: usize| {
            v.as_f64()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .map_or(dflt, |x| x as usize)
        };
        let from = whole(&from, 0);
        let count = whole(&count, PAGE).min(PAGE);
        let (matching, rows) = c.filter(&text, &end, from, count);
        let o = ok();
        set(&o, "matching", &JsValue::from_f64(matching as f64));
        set(&o, "from", &JsValue::from_f64(from as f64));
        set(&o, "connections", &json(&rows_json(&rows)));
        o.into()
    })
}

#[wasm_bindgen]
pub fn explain(index: JsValue, lang: JsValue) -> JsValue {
    with_capture(|c| {
        let n = c.connection_count();
        let Some(i) = index
            .as_f64()
            .filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x < n as f64)
        else {
            let shown = index
                .as_f64()
                .map(tcpsim_diagram::trim_num)
                .or_else(|| index.as_string())
                .unwrap_or_else(|| "that".to_string());
            return failure(&match n {
                0 => format!("no connection {shown}: the capture has no TCP connection"),
                _ => format!(
                    "no connection {shown}: an index is a whole number from 0 to {}",
                    n - 1
                ),
            });
        };
        let a = match c.explain(i as usize) {
            Ok(a) => a,
            Err(e) => return failure(&e.to_string()),
        };
        let lang = lang
            .as_string()
            .and_then(|s| Lang::parse(&s))
            .unwrap_or_default();
        let o = ok();
        set(&o, "trace", &JsValue::from_str(&a.trace.to_json()));
        let text = a.diagnosis.get(lang).to_string();
        // A connection longer than a diagram: its last segments, and a line
        // saying so (`window`: null, or {from, total, at, note}).
        let window = match a.window {
            Some(w) => {
                let x = js_sys::Object::new();
                set(&x, "from", &JsValue::from_f64(w.from as f64));
                set(&x, "total", &JsValue::from_f64(w.total as f64));
                set(&x, "at", &JsValue::from_f64(w.at));
                set(&x, "note", &JsValue::from_str(&w.note(lang)));
                x.into()
            }
            None => JsValue::NULL,
        };
        set(&o, "window", &window);
        let drawing = svg(
            &a.trace,
            &SvgOptions {
                lang,
                style: false,
                title: Some(text.clone()),
                ..SvgOptions::default()
            },
        );
        set(&o, "svg", &JsValue::from_str(&drawing));
        let d = json(&a.diagnosis.to_json());
        if let Some(obj) = d.dyn_ref::<js_sys::Object>() {
            set(obj, "text", &JsValue::from_str(&text));
        }
        set(&o, "diagnosis", &d);
        set(&o, "connection", &json(&a.connection.to_json()));
        o.into()
    })
}

/// Each segment reason in words, by `why` name, in `lang` ("zh", the
/// default, or "en"): the renderer's wording, for the page's inspector.
#[wasm_bindgen]
pub fn why_texts(lang: JsValue) -> JsValue {
    let lang = lang
        .as_string()
        .and_then(|s| Lang::parse(&s))
        .unwrap_or_default();
    let o = js_sys::Object::new();
    for w in tcpsim::trace::Why::ALL {
        set(
            &o,
            w.as_str(),
            &JsValue::from_str(tcpsim_diagram::why_text(w, lang)),
        );
    }
    o.into()
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
