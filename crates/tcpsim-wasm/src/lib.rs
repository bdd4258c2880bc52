//! The JavaScript face of tcpsim, for the explainer page. A thin layer:
//! arguments in, the simulator and renderer called, results out. Errors are
//! values (`{ok: false, error, param}`), never exceptions, and a panic hook
//! reports instead of leaving a dead page.

use serde::Serialize;
use tcpsim::{defaults, run, Error, ParamError, Params, Trace};
use tcpsim_diagram::{svg, table_html, why_text, Lang, SvgOptions};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("tcpsim panicked: {info}");
        web_sys::console::error_1(&JsValue::from_str(&msg));
        // The page listens for this and shows an error box.
        if let Some(w) = js_sys::global().dyn_ref::<js_sys::Object>() {
            let _ = js_sys::Reflect::set(
                w,
                &JsValue::from_str("__tcpsimPanic"),
                &JsValue::from_str(&msg),
            );
        }
    }));
}

fn to_js<T: Serialize>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|e| JsValue::from_str(&e.to_string()))
}

fn set(obj: &js_sys::Object, k: &str, v: &JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(k), v);
}

fn failure(e: &Error) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "ok", &JsValue::FALSE);
    set(&o, "error", &JsValue::from_str(&e.to_string()));
    let param = match e {
        Error::Param(ParamError::Unknown { name, .. })
        | Error::Param(ParamError::Malformed { name, .. })
        | Error::Param(ParamError::OutOfRange { name, .. }) => JsValue::from_str(name),
        _ => JsValue::NULL,
    };
    set(&o, "param", &param);
    o.into()
}

fn lang_of(lang: &JsValue) -> Lang {
    lang.as_string()
        .and_then(|s| Lang::parse(&s))
        .unwrap_or_default()
}

/// Build a scenario's parameters from a plain JS object (values may be
/// numbers, strings or booleans); unknown names and bad values are errors.
fn params_from(id: &str, params: &JsValue) -> Result<Params, Error> {
    let mut p = defaults(id)?;
    if params.is_object() {
        let entries = js_sys::Object::entries(params.unchecked_ref());
        for entry in entries.iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let name = pair.get(0).as_string().unwrap_or_default();
            let v = pair.get(1);
            let text = if let Some(s) = v.as_string() {
                s
            } else if let Some(n) = v.as_f64() {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", n as i64)
                } else {
                    // Not a whole number: keep the decimals so the error names them.
                    tcpsim_diagram::fixed(n, 6)
                }
            } else if let Some(b) = v.as_bool() {
                if b {
                    "1".into()
                } else {
                    "0".into()
                }
            } else {
                String::from("?")
            };
            p.set_str(&name, &text)?;
        }
    }
    p.validate()?;
    Ok(p)
}

fn simulate_trace(id: &str, params: &JsValue) -> Result<Trace, Error> {
    let p = params_from(id, params)?;
    run(id, &p)
}

#[derive(Serialize)]
struct ParamOut {
    name: &'static str,
    unit: &'static str,
    min: i64,
    max: i64,
    default: i64,
    help: &'static str,
}

#[derive(Serialize)]
struct ScenarioOut {
    id: &'static str,
    title: &'static str,
    params: Vec<ParamOut>,
}

/// Every scenario with its parameters (`default` is the scenario's own).
#[wasm_bindgen]
pub fn scenarios() -> JsValue {
    let list: Vec<ScenarioOut> = tcpsim::SCENARIOS
        .iter()
        .filter_map(|s| {
            let p = defaults(s.id).ok()?;
            Some(ScenarioOut {
                id: s.id,
                title: s.title,
                params: p
                    .specs()
                    .iter()
                    .map(|spec| ParamOut {
                        name: spec.name,
                        unit: spec.unit,
                        min: spec.min,
                        max: spec.max,
                        default: p.get(spec.name),
                        help: spec.help,
                    })
                    .collect(),
            })
        })
        .collect();
    to_js(&list)
}

/// Run a scenario: `{ok: true, trace, svg, table}` or `{ok: false, error, param}`.
#[wasm_bindgen]
pub fn simulate(id: &str, params: JsValue, lang: JsValue) -> JsValue {
    match simulate_trace(id, &params) {
        Ok(trace) => {
            let lang = lang_of(&lang);
            let o = js_sys::Object::new();
            set(&o, "ok", &JsValue::TRUE);
            set(
                &o,
                "svg",
                &JsValue::from_str(&svg(
                    &trace,
                    &SvgOptions {
                        lang,
                        ..Default::default()
                    },
                )),
            );
            set(&o, "table", &JsValue::from_str(&table_html(&trace, lang)));
            set(&o, "trace", &to_js(&trace));
            o.into()
        }
        Err(e) => failure(&e),
    }
}

/// Run a scenario and draw it into `element` (its content is replaced).
#[wasm_bindgen]
pub fn mount(element: &web_sys::Element, id: &str, params: JsValue, lang: JsValue) -> JsValue {
    let res = simulate(id, params, lang);
    if let Ok(svg) = js_sys::Reflect::get(&res, &JsValue::from_str("svg")) {
        if let Some(s) = svg.as_string() {
            element.set_inner_html(&s);
        }
    }
    res
}

/// The capture of a run: `{ok: true, bytes: Uint8Array}`.
#[wasm_bindgen]
pub fn pcap(id: &str, params: JsValue) -> JsValue {
    match simulate_trace(id, &params) {
        Ok(trace) => {
            let o = js_sys::Object::new();
            set(&o, "ok", &JsValue::TRUE);
            set(
                &o,
                "bytes",
                &js_sys::Uint8Array::from(&tcpsim::pcap::write(&trace)[..]).into(),
            );
            o.into()
        }
        Err(e) => failure(&e),
    }
}

/// Where each reason's rule comes from, by `why` name.
#[wasm_bindgen]
pub fn rules() -> JsValue {
    let o = js_sys::Object::new();
    for w in tcpsim::trace::Why::ALL {
        set(&o, w.as_str(), &JsValue::from_str(w.rule()));
    }
    o.into()
}

/// Each reason in words, by `why` name, in `lang` ("zh" or "en").
#[wasm_bindgen]
pub fn why_texts(lang: JsValue) -> JsValue {
    let lang = lang_of(&lang);
    let o = js_sys::Object::new();
    for w in tcpsim::trace::Why::ALL {
        set(&o, w.as_str(), &JsValue::from_str(why_text(w, lang)));
    }
    o.into()
}

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
