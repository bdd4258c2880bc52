//! The binding API in a real browser (wasm-pack test --headless --chrome).

use tcpsim_wasm::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(o: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

/// The trace object of a result, read back into the Rust type.
fn trace_of(res: &JsValue) -> tcpsim::Trace {
    let json = js_sys::JSON::stringify(&get(res, "trace")).unwrap();
    serde_json::from_str(&String::from(json)).unwrap()
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
fn every_scenario_gives_the_native_trace() {
    for s in tcpsim::SCENARIOS {
        let res = simulate(
            s.id,
            JsValue::NULL,
            JsValue::from_str("en"),
            JsValue::UNDEFINED,
        );
        assert_eq!(get(&res, "ok"), JsValue::TRUE, "{}", s.id);
        let trace: tcpsim::Trace = trace_of(&res);
        let native = tcpsim::run(s.id, &tcpsim::defaults(s.id).unwrap()).unwrap();
        assert_eq!(trace, native, "{}", s.id);
        assert!(!trace.packets.is_empty());
        let svg = get(&res, "svg").as_string().unwrap();
        assert!(svg.contains(&format!("data-scenario=\"{}\"", s.id)));
    }
}

#[wasm_bindgen_test]
fn parameters_change_the_run() {
    let p = obj(&[
        ("tcp_keepalive_probes", JsValue::from_f64(3.0)),
        ("tcp_keepalive_time", JsValue::from_str("60")),
    ]);
    let res = simulate(
        "keepalive-peer-dead",
        p,
        JsValue::from_str("zh"),
        JsValue::UNDEFINED,
    );
    let trace: tcpsim::Trace = trace_of(&res);
    let probes = trace
        .packets
        .iter()
        .filter(|p| p.why == tcpsim::trace::Why::KeepaliveProbe)
        .count();
    assert_eq!(probes, 3);
    let switch = obj(&[("so_keepalive", JsValue::FALSE)]);
    let res = simulate(
        "keepalive-peer-dead",
        switch,
        JsValue::from_str("zh"),
        JsValue::UNDEFINED,
    );
    let trace: tcpsim::Trace = trace_of(&res);
    assert!(trace
        .packets
        .iter()
        .all(|p| p.why != tcpsim::trace::Why::KeepaliveProbe));
}

#[wasm_bindgen_test]
fn options_leave_out_the_style_and_the_table() {
    let full = simulate(
        "process-crash",
        JsValue::NULL,
        JsValue::from_str("en"),
        JsValue::UNDEFINED,
    );
    let lean = simulate(
        "process-crash",
        JsValue::NULL,
        JsValue::from_str("en"),
        obj(&[("style", JsValue::FALSE), ("table", JsValue::FALSE)]),
    );
    let full_svg = get(&full, "svg").as_string().unwrap();
    let lean_svg = get(&lean, "svg").as_string().unwrap();
    assert!(full_svg.contains("<style>"));
    assert!(!lean_svg.contains("<style"));
    let sheet = format!("<style>{}</style>", tcpsim_diagram::stylesheet());
    assert_eq!(full_svg.replace(&sheet, ""), lean_svg);
    assert!(get(&full, "table").as_string().unwrap().contains("<table"));
    assert!(get(&lean, "table").is_null());
    assert_eq!(trace_of(&full), trace_of(&lean));
}

#[wasm_bindgen_test]
fn mounting_draws_one_element_per_segment() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    let res = mount(
        &div,
        "syn-established-same-port",
        JsValue::NULL,
        JsValue::from_str("zh"),
    );
    let trace: tcpsim::Trace = trace_of(&res);
    let marked = div.query_selector_all("[data-packet]").unwrap().length();
    assert_eq!(marked as usize, trace.packets.len());
    assert!(div
        .query_selector("svg[data-scenario=\"syn-established-same-port\"]")
        .unwrap()
        .is_some());
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
    ];
    for (id, params, needle, param) in cases {
        let res = simulate(id, params, JsValue::from_str("en"), JsValue::UNDEFINED);
        assert_eq!(get(&res, "ok"), JsValue::FALSE, "{id} {needle}");
        let err = get(&res, "error").as_string().unwrap();
        assert!(err.contains(needle), "{err}");
        assert_eq!(get(&res, "param").as_string().as_deref(), param);
    }
    let res = pcap("nope", JsValue::NULL);
    assert_eq!(get(&res, "ok"), JsValue::FALSE);
}

#[wasm_bindgen_test]
fn parameters_and_options_of_the_wrong_shape_are_named() {
    let not_an_object = js_sys::Array::of1(&JsValue::from_f64(3.0));
    for params in [
        not_an_object.into(),
        JsValue::from_f64(7.0),
        JsValue::from_str("x"),
    ] {
        let res = simulate(
            "process-crash",
            params,
            JsValue::from_str("en"),
            JsValue::UNDEFINED,
        );
        assert_eq!(get(&res, "ok"), JsValue::FALSE);
        let err = get(&res, "error").as_string().unwrap();
        assert!(err.starts_with("parameters must be an object"), "{err}");
    }
    // A value that is neither a number, a string nor a boolean is named,
    // with its range.
    let nested = obj(&[("rtt_ms", obj(&[("x", JsValue::from_f64(1.0))]))]);
    let res = simulate(
        "process-crash",
        nested,
        JsValue::from_str("en"),
        JsValue::UNDEFINED,
    );
    let err = get(&res, "error").as_string().unwrap();
    assert!(
        err.contains("'rtt_ms': '{\"x\":1}'") && err.contains("1..=10000"),
        "{err}"
    );
    assert_eq!(get(&res, "param").as_string().as_deref(), Some("rtt_ms"));
    let res = simulate(
        "process-crash",
        JsValue::NULL,
        JsValue::from_str("en"),
        obj(&[("style", JsValue::from_str("no"))]),
    );
    assert_eq!(get(&res, "ok"), JsValue::FALSE);
    let err = get(&res, "error").as_string().unwrap();
    assert!(err.starts_with("options must be"), "{err}");
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
    let bytes: js_sys::Uint8Array =
        get(&pcap("process-crash", JsValue::NULL), "bytes").unchecked_into();
    assert_eq!(bytes.get_index(0), 0xd4, "pcap magic, little-endian");
    assert!(get(&rules(), "challenge_ack")
        .as_string()
        .unwrap()
        .contains("5961"));
    assert_eq!(
        get(&why_texts(JsValue::from_str("zh")), "keepalive_probe")
            .as_string()
            .unwrap(),
        "保活探测"
    );
}
