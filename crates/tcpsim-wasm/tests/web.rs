//! The binding API in a real browser (wasm-pack test --headless --chrome,
//! with the `tools` feature: both builds' exports).

use tcpsim_wasm::*;
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(o: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

/// The run of a successful `simulate`.
fn run_of(res: JsValue) -> Run {
    assert_eq!(get(&res, "ok"), JsValue::TRUE, "{:?}", get(&res, "error"));
    let run = get(&res, "run");
    // wasm-bindgen hands a Rust struct to JS as an object with a pointer;
    // `Run::try_from_js_value` reads it back (and takes ownership).
    Run::try_from_js_value(run).expect("a Run")
}

/// The `Inspect` of a successful `inspect`.
fn inspect_of(res: JsValue) -> Inspect {
    assert_eq!(get(&res, "ok"), JsValue::TRUE, "{:?}", get(&res, "error"));
    Inspect::try_from_js_value(get(&res, "run")).expect("an Inspect")
}

/// `render(lang)`'s three parts: svg, headline, cap (or null).
fn render(run: &Run, lang: &str) -> (String, String, Option<String>) {
    let r = run.render(JsValue::from_str(lang));
    (
        get(&r, "svg").as_string().unwrap(),
        get(&r, "headline").as_string().unwrap(),
        get(&r, "cap").as_string(),
    )
}

/// The trace the tools build hands to JS, read back into the Rust type.
fn trace_of(run: &Inspect) -> tcpsim::Trace {
    let json = js_sys::JSON::stringify(&run.trace()).unwrap();
    serde_json::from_str(&String::from(json)).unwrap()
}

#[wasm_bindgen_test]
fn every_scenario_gives_the_native_trace() {
    for s in tcpsim::SCENARIOS {
        let run = run_of(simulate(s.id, JsValue::NULL));
        let trace = trace_of(&inspect_of(inspect(s.id, JsValue::NULL)));
        let native = tcpsim::run(s.id, &tcpsim::defaults(s.id).unwrap()).unwrap();
        assert_eq!(trace, native, "{}", s.id);
        assert!(!trace.packets.is_empty());
        assert_eq!(run.packets() as usize, native.packets.len());
        let svg = render(&run, "en").0;
        assert!(svg.contains(&format!("data-scenario=\"{}\"", s.id)));
        assert_eq!(
            render(&run, "zh").1,
            tcpsim_diagram::headline(&native, tcpsim::Lang::Zh)
        );
        assert!(render(&run, "en").2.is_none());
    }
}

#[wasm_bindgen_test]
fn parameters_change_the_run() {
    let p = obj(&[
        ("tcp_keepalive_probes", JsValue::from_f64(3.0)),
        ("tcp_keepalive_time", JsValue::from_str("60")),
    ]);
    let drawn = run_of(simulate("keepalive-peer-dead", p.clone()));
    let trace = trace_of(&inspect_of(inspect("keepalive-peer-dead", p)));
    assert_eq!(drawn.packets() as usize, trace.packets.len());
    let probes = trace
        .packets
        .iter()
        .filter(|p| p.why == tcpsim::trace::Why::KeepaliveProbe)
        .count();
    assert_eq!(probes, 3);
    let switch = obj(&[("so_keepalive", JsValue::FALSE)]);
    let trace = trace_of(&inspect_of(inspect("keepalive-peer-dead", switch)));
    assert!(trace
        .packets
        .iter()
        .all(|p| p.why != tcpsim::trace::Why::KeepaliveProbe));
}

#[wasm_bindgen_test]
fn one_run_draws_everything_the_page_shows() {
    let run = run_of(simulate("process-crash", JsValue::NULL));
    let svg = render(&run, "en").0;
    assert!(!svg.contains("<style"), "the page links the rules once");
    assert!(render(&run, "zh").0.contains("lang=\"zh-CN\""));
    assert!(render(&run, "en").1.contains("EOF"));
}

#[wasm_bindgen_test]
fn the_tools_build_inspects_the_same_run() {
    let id = "host-crash-data-no-reboot";
    let drawn = tcpsim::run(id, &tcpsim::defaults(id).unwrap()).unwrap();
    let run = inspect_of(inspect(id, JsValue::NULL));
    assert_eq!(trace_of(&run), drawn);
    let table = run.table(JsValue::from_str("zh"));
    assert!(table.contains("<table"));
    assert_eq!(
        table.matches("<tr").count(),
        drawn.packets.len() + 1,
        "one row per segment of the drawn run, and the header"
    );
    let pcap = run.pcap().to_vec();
    assert_eq!(pcap[0], 0xd4, "pcap magic, little-endian");
    assert_eq!(
        pcap,
        tcpsim::pcap::write(&drawn),
        "the drawn run's segments"
    );
    // The ss view at a moment is the native one.
    let native = tcpsim::scenarios::ss_at(id, &tcpsim::defaults(id).unwrap(), 30_000_000).unwrap();
    assert_eq!(run.ss(30.0), native.text());
    assert!(run.ss(30.0).contains("timer:(on,"));
    // Nonsense moments are held to the run, never a panic.
    assert_eq!(run.ss(f64::NAN), run.ss(0.0));
    assert_eq!(run.ss(-5.0), run.ss(0.0));
    let _ = run.ss(f64::INFINITY);
    let bad = inspect(id, obj(&[("rtt_ms", JsValue::from_str("x"))]));
    assert_eq!(get(&bad, "ok"), JsValue::FALSE);
    assert_eq!(get(&bad, "param").as_string().as_deref(), Some("rtt_ms"));
}

#[wasm_bindgen_test]
fn the_permalink_that_froze_the_page_stops_at_the_cap() {
    let p = obj(&[
        ("tcp_keepalive_time", JsValue::from_f64(1.0)),
        ("tcp_keepalive_intvl", JsValue::from_f64(1.0)),
        ("observe_s", JsValue::from_f64(1_000_000.0)),
    ]);
    let run = run_of(simulate("keepalive-peer-alive", p.clone()));
    let trace = trace_of(&inspect_of(inspect("keepalive-peer-alive", p)));
    assert_eq!(run.packets() as usize, trace.packets.len());
    assert_eq!(trace.stop, tcpsim::trace::StopReason::EventLimit);
    assert!(trace.packets.len() <= tcpsim::scenarios::MAX_SEGMENTS + 4);
    let note = render(&run, "zh").2.unwrap();
    assert!(note.contains("observe_s = 1000000 秒"), "{note}");
    assert!(render(&run, "en").1.contains("cap reached"));
}

#[wasm_bindgen_test]
fn bad_input_comes_back_as_a_value() {
    let cases: Vec<(&str, JsValue, &str, Option<&str>)> = vec![
        ("no-such-scenario", JsValue::NULL, "unknown scenario", None),
        (
            "keepalive-peer-dead",
            obj(&[("tcp_keepcnt", JsValue::from_f64(128.0))]),
            "0..=127",
            Some("tcp_keepcnt"),
        ),
        (
            "keepalive-peer-dead",
            obj(&[("tcp_keepalive_time", JsValue::from_str("abc"))]),
            "1..=32767",
            Some("tcp_keepalive_time"),
        ),
        (
            "keepalive-peer-dead",
            obj(&[("bogus", JsValue::from_f64(1.0))]),
            "unknown parameter 'bogus'",
            Some("bogus"),
        ),
        (
            "keepalive-peer-dead",
            obj(&[("rtt_ms", JsValue::from_f64(1.5))]),
            "rtt_ms",
            Some("rtt_ms"),
        ),
        (
            "process-crash",
            obj(&[("rtt_ms", obj(&[("x", JsValue::from_f64(1.0))]))]),
            "'rtt_ms': '{\"x\":1}'",
            Some("rtt_ms"),
        ),
    ];
    for (id, params, needle, param) in cases {
        let res = simulate(id, params);
        assert_eq!(get(&res, "ok"), JsValue::FALSE, "{id} {needle}");
        let err = get(&res, "error").as_string().unwrap();
        assert!(err.contains(needle), "{err}");
        assert_eq!(get(&res, "param").as_string().as_deref(), param);
    }
    let not_an_object = js_sys::Array::of1(&JsValue::from_f64(3.0));
    for params in [
        not_an_object.into(),
        JsValue::from_f64(7.0),
        JsValue::from_str("x"),
    ] {
        let res = simulate("process-crash", params);
        assert_eq!(get(&res, "ok"), JsValue::FALSE);
        let err = get(&res, "error").as_string().unwrap();
        assert!(err.starts_with("parameters must be an object"), "{err}");
        assert_eq!(get(&res, "kind").as_string().as_deref(), Some("conflict"));
        assert!(get(&res, "conflict").is_null());
        assert!(get(&res, "param").is_null());
    }
    // A rule between two parameters: named, with the field to mark.
    let res = simulate(
        "host-crash-data-no-reboot",
        obj(&[
            ("tcp_rto_min", JsValue::from_f64(5000.0)),
            ("tcp_rto_max", JsValue::from_f64(1000.0)),
        ]),
    );
    assert_eq!(get(&res, "ok"), JsValue::FALSE);
    assert_eq!(get(&res, "kind").as_string().as_deref(), Some("conflict"));
    assert_eq!(
        get(&res, "conflict").as_string().as_deref(),
        Some("rto_min_above_max")
    );
    assert_eq!(
        get(&res, "param").as_string().as_deref(),
        Some("tcp_rto_min")
    );
    // Any other error has none.
    let res = simulate("process-crash", obj(&[("rtt_ms", JsValue::from_f64(0.0))]));
    assert_eq!(get(&res, "kind").as_string().as_deref(), Some("range"));
    assert!(get(&res, "conflict").is_null());
}

#[wasm_bindgen_test]
fn catalogue_and_extras() {
    let list: js_sys::Array = scenarios().unchecked_into();
    assert_eq!(list.length() as usize, tcpsim::SCENARIOS.len());
    for (i, s) in tcpsim::SCENARIOS.iter().enumerate() {
        let got = list.get(i as u32);
        assert_eq!(get(&got, "id").as_string().unwrap(), s.id);
        let params = js_sys::Array::from(&get(&got, "params"));
        assert_eq!(params.length() as usize, s.params.len());
        let first = params.get(0);
        assert_eq!(get(&first, "name").as_string().unwrap(), s.params[0].name());
        // The texts stay out of the module: the page has its own copy.
        assert!(get(&got, "title").is_undefined());
        assert!(get(&first, "label").is_undefined());
    }
    assert_eq!(
        get(&why_texts(JsValue::from_str("zh")), "keepalive_probe")
            .as_string()
            .unwrap(),
        "保活探测"
    );
}

#[wasm_bindgen_test]
fn reproduce_gives_the_native_script() {
    let p = obj(&[
        ("tcp_keepalive_time", JsValue::from_str("5")),
        ("crash_at", JsValue::from_f64(2.0)),
    ]);
    let res = reproduce("keepalive-peer-dead", p);
    assert_eq!(get(&res, "ok"), JsValue::TRUE, "{:?}", get(&res, "error"));
    let mut native = tcpsim::defaults("keepalive-peer-dead").unwrap();
    native.set("tcp_keepalive_time", 5).unwrap();
    native.set("crash_at", 2).unwrap();
    assert_eq!(
        get(&res, "script").as_string().unwrap(),
        tcpsim::reproduce::script("keepalive-peer-dead", &native).unwrap()
    );
    let bad = reproduce(
        "keepalive-peer-dead",
        obj(&[("tcp_keepalive_probes", JsValue::from_f64(500.0))]),
    );
    assert_eq!(get(&bad, "ok"), JsValue::FALSE);
    assert_eq!(
        get(&bad, "param").as_string().as_deref(),
        Some("tcp_keepalive_probes")
    );
    let unknown = reproduce("no-such-scenario", JsValue::NULL);
    assert_eq!(get(&unknown, "ok"), JsValue::FALSE);
}
