//! The JavaScript face of tcpsim, for the explainer page. A thin layer:
//! arguments in, the simulator and renderer called, results out. Errors are
//! values (`{ok: false, error, kind, param, conflict}`), never exceptions,
//! and a panic hook reports instead of leaving a dead page.
//!
//! It is built twice. The module the page loads first has what drawing
//! needs: `scenarios()` (ids and parameters), `simulate(id, params)` (one
//! simulation, kept as a `Run` the page draws from: `render` (diagram,
//! headline, cap note) and `packets` (how many)), `version()`, for the
//! scenarios without the windowed model (tcpsim's `windowed` feature, off
//! there). With the `tools` feature it has the windowed model too (the page
//! draws `peer-hung` and `host-crash-bulk` with it) and what a reader asks
//! for later, and the page fetches it then: `inspect(id, params)` (the same run as an `Inspect`:
//! `trace` (the JSON contract), `table`, `pcap`, and `ss`, what `ss -tnoi`
//! shows at a moment) and `why_texts(lang)` (each
//! segment reason in words). The texts the page carries itself (titles,
//! steps, labels, each reason's source, the diagrams' stylesheet) are in
//! neither: tcpsim is built without its `texts` feature and the renderer
//! without `embedded-style`.

use tcpsim::{defaults, run, Error, ParamError, Params, Trace};
use tcpsim_diagram::{svg, Lang, SvgOptions};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    tcpsim_wasm_support::set_panic_hook("tcpsim", PANIC_GLOBAL);
}

/// Where a panic's message is left for the page's error box.
const PANIC_GLOBAL: &str = "__tcpsimPanic";

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn a_panic_report_reaches_the_page() {
        tcpsim_wasm_support::report_panic(PANIC_GLOBAL, "tcpsim panicked at x.rs: test");
        let v =
            js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("__tcpsimPanic")).unwrap();
        assert_eq!(
            v.as_string().as_deref(),
            Some("tcpsim panicked at x.rs: test")
        );
    }
}

fn set(obj: &js_sys::Object, k: &str, v: &JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(k), v);
}

fn failure(e: &Error) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "ok", &JsValue::FALSE);
    set(&o, "error", &JsValue::from_str(&e.to_string()));
    // The parameter named (for a rule between parameters, the one it points
    // at) and, for such a rule, its name (tcpsim's `ParamError::rule`):
    // the page words the error from these. `null` where there is none.
    let (param, rule) = match e {
        Error::Param(ParamError::Unknown { name, .. })
        | Error::Param(ParamError::Malformed { name, .. })
        | Error::Param(ParamError::OutOfRange { name, .. }) => (Some(name.as_str()), None),
        Error::Param(p) => match p.rule() {
            Some((rule, param)) => (Some(param), Some(rule)),
            None => (None, None),
        },
        _ => (None, None),
    };
    let text = |s: Option<&str>| s.map_or(JsValue::NULL, JsValue::from_str);
    set(&o, "param", &text(param));
    set(&o, "conflict", &text(rule));
    // What kind of error it is, for the page to say it in its own language
    // (`error` is the simulator's English sentence).
    let kind = match e {
        Error::Param(ParamError::Unknown { .. }) => "unknown",
        Error::Param(ParamError::Malformed { .. }) => "malformed",
        Error::Param(ParamError::OutOfRange { .. }) => "range",
        Error::Param(
            ParamError::Conflict { .. }
            | ParamError::RtoMinAboveMax { .. }
            | ParamError::ReadBytesWithoutReader { .. },
        ) => "conflict",
        _ => "other",
    };
    set(&o, "kind", &JsValue::from_str(kind));
    o.into()
}

fn lang_of(lang: &JsValue) -> Lang {
    lang.as_string()
        .and_then(|s| Lang::parse(&s))
        .unwrap_or_default()
}

/// A parameter's value as a page hands it over (a number, a string from a
/// form or a URL, a boolean from a checkbox) as text for `Params::set_str`,
/// which names the parameter and its range when the text is wrong. Anything
/// else (an object, `null`) is passed on as its JSON, and refused there.
#[cfg(not(feature = "swb"))]
fn value_text(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        s
    } else if let Some(n) = v.as_f64() {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{}", n as i64)
        } else {
            // Not a whole number: keep the decimals so the error names them.
            tcpsim_diagram::fixed(n, 6)
        }
    } else if let Some(b) = v.as_bool() {
        if b { "1" } else { "0" }.to_string()
    } else {
        js_sys::JSON::stringify(v)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| "undefined".to_string())
    }
}

fn bad_shape(message: &str) -> Error {
    Error::Param(ParamError::Conflict {
        message: message.to_string(),
    })
}

/// `undefined` or `null`: the caller gave nothing.
fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A plain object (not an array, a number or a string).
#[cfg(not(feature = "swb"))]
fn plain_object(v: &JsValue) -> bool {
    v.is_object() && !js_sys::Array::is_array(v)
}

#[cfg(feature = "swb")]
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Val {
    N(f64),
    B(bool),
    S(String),
}

#[cfg(feature = "swb")]
fn params_from(id: &str, params: &JsValue) -> Result<Params, Error> {
    let mut p = defaults(id)?;
    if !absent(params) {
        let map: std::collections::BTreeMap<String, Val> =
            serde_wasm_bindgen::from_value(params.clone())
                .map_err(|e| bad_shape(&e.to_string()))?;
        for (name, v) in map {
            let text = match v {
                Val::N(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", n as i64),
                Val::N(n) => tcpsim_diagram::fixed(n, 6),
                Val::B(b) => if b { "1" } else { "0" }.to_string(),
                Val::S(s) => s,
            };
            p.set_str(&name, &text)?;
        }
    }
    p.validate()?;
    Ok(p)
}

/// Build a scenario's parameters from a plain JS object of name: value;
/// unknown names and bad values are errors that name them.
#[cfg(not(feature = "swb"))]
fn params_from(id: &str, params: &JsValue) -> Result<Params, Error> {
    let mut p = defaults(id)?;
    if !absent(params) {
        if !plain_object(params) {
            return Err(bad_shape(
                "parameters must be an object of name: number, string or boolean",
            ));
        }
        for entry in js_sys::Object::entries(params.unchecked_ref()).iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let name = pair.get(0).as_string().unwrap_or_default();
            p.set_str(&name, &value_text(&pair.get(1)))?;
        }
    }
    p.validate()?;
    Ok(p)
}

fn simulate_trace(id: &str, params: &JsValue) -> Result<Trace, Error> {
    let p = params_from(id, params)?;
    run(id, &p)
}

// The catalogues below cross into JS as one JSON text each (one
// `JSON.parse`), not as hundreds of small strings and property sets, which
// cost more at page start than the simulations.
#[cfg(feature = "tools")]
use tcpsim::push_json_string as json_str;

fn json_parse(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// `{"key": "value", ...}` for every reason.
#[cfg(feature = "tools")]
fn why_map(value: impl Fn(tcpsim::trace::Why) -> &'static str) -> JsValue {
    let mut o = String::from("{");
    for (i, w) in tcpsim::trace::Why::ALL.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        json_str(&mut o, w.as_str());
        o.push(':');
        json_str(&mut o, value(*w));
    }
    o.push('}');
    json_parse(&o)
}

/// Every scenario and its parameters: `[{id, params: [{name, unit, min,
/// max, default}]}]`, `default` being the scenario's own
/// (`tcpsim::catalogue_json` without texts: the page carries its texts
/// itself, written at build time from the same catalogue).
#[wasm_bindgen]
pub fn scenarios() -> JsValue {
    let catalogue = json_parse(&tcpsim::catalogue_json(Lang::En));
    js_sys::Reflect::get(&catalogue, &JsValue::from_str("scenarios")).unwrap_or(JsValue::NULL)
}

/// One simulated run, kept in the module so that everything the page shows
/// of it (the diagram in either language, the table, the headline, the
/// pcap) is drawn from a single simulation. The page calls `free()` when it
/// replaces a run.
#[wasm_bindgen]
pub struct Run {
    trace: Trace,
}

#[wasm_bindgen]
impl Run {
    /// How many segments the run has (the diagram's `data-packet` count).
    pub fn packets(&self) -> u32 {
        self.trace.packets.len() as u32
    }

    /// What a section shows of the run, in `lang`: `{svg, headline, cap}`.
    /// `svg` has no stylesheet of its own (the page links the diagrams'
    /// rules once, `tcpsim css`, and adds them to an SVG it saves as a
    /// file); `headline` says when each application learns what happened;
    /// `cap` is `null`, or for a run stopped at the segment cap what to tell
    /// the reader.
    pub fn render(&self, lang: JsValue) -> JsValue {
        let lang = lang_of(&lang);
        let o = js_sys::Object::new();
        let svg = svg(
            &self.trace,
            &SvgOptions {
                lang,
                ..Default::default()
            },
        );
        set(&o, "svg", &JsValue::from_str(&svg));
        let headline = tcpsim_diagram::headline(&self.trace, lang);
        set(&o, "headline", &JsValue::from_str(&headline));
        let cap = match tcpsim::scenarios::cap_note(&self.trace) {
            Some(c) => JsValue::from_str(&tcpsim_diagram::cap_text(&c, lang)),
            None => JsValue::NULL,
        };
        set(&o, "cap", &cap);
        o.into()
    }
}

/// Simulate a scenario: `{ok: true, run}` (a [`Run`]) or `{ok: false,
/// error, kind, param, conflict}` for bad input. `params` is a plain object
/// of name: number, string or boolean; absent names keep the scenario's
/// defaults.
#[wasm_bindgen]
pub fn simulate(id: &str, params: JsValue) -> JsValue {
    match simulate_trace(id, &params) {
        Ok(trace) => {
            let o = js_sys::Object::new();
            set(&o, "ok", &JsValue::TRUE);
            set(&o, "run", &JsValue::from(Run { trace }));
            o.into()
        }
        Err(e) => failure(&e),
    }
}

/// In the tools build a `Run` also hands over its trace (the page's
/// explorer reads the outcome and the segments from it).
#[cfg(feature = "tools")]
#[wasm_bindgen]
impl Run {
    /// The trace as a plain object: the JSON contract (the same document as
    /// the CLI's `--format json`), written by the core, parsed by the browser.
    pub fn trace(&self) -> JsValue {
        js_sys::JSON::parse(&self.trace.to_json()).unwrap_or(JsValue::NULL)
    }
}

/// The same run as `simulate` makes, for what a reader asks of it after
/// the first drawing: `{ok: true, run}` (an [`Inspect`]) or `{ok: false,
/// error, param}`. (The `tools` build only.)
#[cfg(feature = "tools")]
#[wasm_bindgen]
pub fn inspect(id: &str, params: JsValue) -> JsValue {
    let run = params_from(id, &params).and_then(|p| {
        Ok(Inspect {
            trace: run(id, &p)?,
            id: id.to_string(),
            params: p,
        })
    });
    match run {
        Ok(run) => {
            let o = js_sys::Object::new();
            set(&o, "ok", &JsValue::TRUE);
            set(&o, "run", &JsValue::from(run));
            o.into()
        }
        Err(e) => failure(&e),
    }
}

/// A run, and what it was run with (to rerun it up to a moment for `ss`).
#[cfg(feature = "tools")]
#[wasm_bindgen]
pub struct Inspect {
    trace: Trace,
    id: String,
    params: Params,
}

#[cfg(feature = "tools")]
#[wasm_bindgen]
impl Inspect {
    /// The trace as a plain object: the JSON contract (the same document as
    /// the CLI's `--format json`), written by the core, parsed by the browser.
    pub fn trace(&self) -> JsValue {
        js_sys::JSON::parse(&self.trace.to_json()).unwrap_or(JsValue::NULL)
    }

    /// The trace through serde-wasm-bindgen (measurement only).
    #[cfg(feature = "swb")]
    pub fn trace_swb(&self) -> JsValue {
        use serde::Serialize;
        self.trace
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .unwrap_or(JsValue::NULL)
    }

    /// The text alternative: one table row per segment.
    pub fn table(&self, lang: JsValue) -> String {
        tcpsim_diagram::table_html(&self.trace, lang_of(&lang))
    }

    /// The run as a classic pcap file.
    pub fn pcap(&self) -> js_sys::Uint8Array {
        js_sys::Uint8Array::from(&tcpsim::pcap::write(&self.trace)[..])
    }

    /// What `ss -tnoi` would print on each host `at` seconds into the run:
    /// the simulation rerun up to that instant (a fraction of a
    /// millisecond). `at` outside 0 to a day is held to that range.
    pub fn ss(&self, at: f64) -> String {
        let at = if at.is_finite() {
            at.clamp(0.0, 86_400.0)
        } else {
            0.0
        };
        match tcpsim::scenarios::ss_at(&self.id, &self.params, (at * 1e6) as u64) {
            Ok(snap) => snap.text(),
            Err(e) => e.to_string(),
        }
    }
}

/// The bash script that records scenario `id` with `params` on the
/// reader's own Linux (`tcpsim reproduce`): `{ok: true, script}` or `{ok:
/// false, error, param}`. (The `tools` build only.)
#[cfg(feature = "tools")]
#[wasm_bindgen]
pub fn reproduce(id: &str, params: JsValue) -> JsValue {
    match params_from(id, &params).and_then(|p| tcpsim::reproduce::script(id, &p)) {
        Ok(script) => {
            let o = js_sys::Object::new();
            set(&o, "ok", &JsValue::TRUE);
            set(&o, "script", &JsValue::from_str(&script));
            o.into()
        }
        Err(e) => failure(&e),
    }
}

/// Each reason in words, by `why` name, in `lang` ("zh" or "en").
#[cfg(feature = "tools")]
#[wasm_bindgen]
pub fn why_texts(lang: JsValue) -> JsValue {
    let lang = lang_of(&lang);
    why_map(|w| tcpsim_diagram::why_text(w, lang))
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
