//! The binding in a real browser (wasm-pack test --headless --chrome):
//! a capture fed in slices gives the native analyser's list and traces,
//! and every misuse is an error value.

use tcpsim_analyse_wasm::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const KILL: &[u8] = include_bytes!("../../../tests/kernel/fixtures/kill-from-outside.pcap");
const NEW_PORT: &[u8] =
    include_bytes!("../../../tests/kernel/fixtures/syn-established-new-port.pcap");
const IPV6: &[u8] = include_bytes!("../../../tests/captures/ipv6-keepalive.pcapng");

fn get(o: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn load(bytes: &[u8], slice: usize) {
    assert_eq!(
        get(&begin(JsValue::from_f64(bytes.len() as f64)), "ok"),
        JsValue::TRUE
    );
    let mut last = JsValue::NULL;
    for chunk in bytes.chunks(slice) {
        last = feed(chunk);
        assert_eq!(get(&last, "ok"), JsValue::TRUE);
    }
    let p = get(&last, "progress");
    assert_eq!(get(&p, "bytes").as_f64(), Some(bytes.len() as f64));
    assert_eq!(get(&p, "fraction").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn a_capture_fed_in_slices_reads_like_the_native_one() {
    for (bytes, slice) in [(KILL, 100), (NEW_PORT, 7), (IPV6, 4096)] {
        load(bytes, slice);
        let native = tcpsim_analyse::read(bytes).unwrap();
        let list = connections();
        assert_eq!(get(&list, "ok"), JsValue::TRUE);
        // Both through JavaScript, where 0.0 and 0 are one number.
        let js = |v: &JsValue| String::from(js_sys::JSON::stringify(v).unwrap());
        let want = js_sys::JSON::parse(&native.connections_json()).unwrap();
        assert_eq!(js(&get(&list, "connections")), js(&want));
        assert!(get(&list, "warning").is_null());
        assert_eq!(
            get(&list, "total").as_f64(),
            Some(native.connection_count() as f64)
        );
        let q = query(
            JsValue::from_str(""),
            JsValue::from_str(""),
            JsValue::from_f64(0.0),
            JsValue::from_f64(200.0),
        );
        assert_eq!(
            get(&q, "matching").as_f64(),
            Some(native.connection_count() as f64)
        );
        assert_eq!(js(&get(&q, "connections")), js(&want));
        assert_eq!(
            get(&get(&list, "stats"), "packets").as_f64(),
            Some(native.stats().packets as f64)
        );
        for i in 0..native.connection_count() {
            let res = explain(JsValue::from_f64(i as f64), JsValue::from_str("en"));
            assert_eq!(get(&res, "ok"), JsValue::TRUE);
            let a = native.explain(i).unwrap();
            let trace: tcpsim::Trace =
                serde_json::from_str(&get(&res, "trace").as_string().unwrap()).unwrap();
            assert_eq!(trace, a.trace);
            let d = get(&res, "diagnosis");
            assert_eq!(get(&d, "text").as_string().unwrap(), a.diagnosis.en);
            assert_eq!(get(&d, "zh").as_string().unwrap(), a.diagnosis.zh);
            assert_eq!(
                get(&d, "ending").as_string().unwrap(),
                a.diagnosis.ending.kind()
            );
            let svg = get(&res, "svg").as_string().unwrap();
            assert!(svg.starts_with("<svg") && !svg.contains("<style>"));
            assert_eq!(
                get(&get(&res, "connection"), "index").as_f64(),
                Some(i as f64)
            );
        }
    }
    let res = explain(JsValue::from_f64(0.0), JsValue::from_str("zh"));
    let text = get(&get(&res, "diagnosis"), "text").as_string().unwrap();
    // Facts seen first, then the readings: the ending is the first reading.
    assert!(
        text.starts_with("所见：") && text.contains("解读：正常关闭"),
        "{text}"
    );
}

#[wasm_bindgen_test]
fn misuse_and_bad_input_are_error_values() {
    let err = |v: &JsValue| {
        assert_eq!(get(v, "ok"), JsValue::FALSE);
        let e = get(v, "error").as_string().unwrap();
        assert!(!e.contains('\n'));
        e
    };
    load(KILL, 1000);
    let res = explain(JsValue::from_f64(1.0), JsValue::UNDEFINED);
    assert_eq!(
        err(&res),
        "no connection 1: an index is a whole number from 0 to 0"
    );
    let res = explain(JsValue::from_f64(0.5), JsValue::UNDEFINED);
    assert!(err(&res).starts_with("no connection 0.5"));
    let res = explain(JsValue::from_str("x"), JsValue::UNDEFINED);
    assert!(err(&res).starts_with("no connection x"));
    assert!(err(&feed(&[1, 2, 3])).contains("call begin() for another"));
    begin(JsValue::UNDEFINED);
    let e = err(&feed(b"GIF89a, not a capture"));
    assert!(e.starts_with("not a pcap or pcapng capture"), "{e}");
    assert_eq!(err(&feed(KILL)), e, "the error stays");
    assert_eq!(err(&connections()), e);
    begin(JsValue::from_f64(3.0));
    feed(&KILL[..3]);
    let e = err(&connections());
    assert!(e.contains("it starts with d4 c3 b2"), "{e}");
    begin(JsValue::from_f64(0.0));
    assert!(err(&connections()).contains("empty"));
}

#[wasm_bindgen_test]
fn every_reason_has_its_words_in_both_languages() {
    for (lang, l) in [("zh", tcpsim::Lang::Zh), ("en", tcpsim::Lang::En)] {
        let texts = why_texts(JsValue::from_str(lang));
        for w in tcpsim::trace::Why::ALL {
            assert_eq!(
                get(&texts, w.as_str()).as_string().as_deref(),
                Some(tcpsim_diagram::why_text(w, l)),
                "{lang} {}",
                w.as_str()
            );
        }
    }
}
