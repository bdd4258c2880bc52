//! Every scenario's diagram, checked against its trace.

use std::path::PathBuf;
use tcpsim::trace::Why;
use tcpsim::{defaults, run, Trace, SCENARIOS};
use tcpsim_diagram::{
    duration_text, span_text, svg, table_html, text, trim_num, why_text, Lang, SvgOptions,
};

/// A scenario run with its defaults.
fn default_run(id: &str) -> Trace {
    run(id, &defaults(id).unwrap()).unwrap()
}

/// The SVG in `lang`, otherwise with the default options.
fn svg_in(t: &Trace, lang: Lang) -> String {
    svg(
        t,
        &SvgOptions {
            lang,
            ..Default::default()
        },
    )
}

fn traces() -> Vec<Trace> {
    SCENARIOS
        .iter()
        .map(|s| run(s.id, &defaults(s.id).unwrap()).unwrap())
        .collect()
}

/// Attribute values of every element carrying `attr`, in document order.
fn attr_values(doc: &str, attr: &str) -> Vec<String> {
    let pat = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = doc;
    while let Some(i) = rest.find(&pat) {
        rest = &rest[i + pat.len()..];
        let end = rest.find('"').unwrap();
        out.push(rest[..end].to_string());
    }
    out
}

/// A small XML checker: tags balance, attributes are quoted, no raw `<` or
/// `&` in text (entities only).
fn well_formed(doc: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let b = doc.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => {
                let end = doc[i..].find('>').ok_or("unclosed tag")? + i;
                let tag = &doc[i + 1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    let top = stack.pop().ok_or(format!("stray </{name}>"))?;
                    if top != name {
                        return Err(format!("</{name}> closes <{top}>"));
                    }
                } else if !tag.ends_with('/') {
                    let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
                    stack.push(name);
                }
                if !tag.matches('"').count().is_multiple_of(2) {
                    return Err(format!("unbalanced quotes in <{tag}>"));
                }
                i = end + 1;
            }
            b'&' => {
                let semi = doc[i..].find(';').ok_or("bare &")? + i;
                let ent = &doc[i + 1..semi];
                if !matches!(ent, "amp" | "lt" | "gt" | "quot" | "#39") {
                    return Err(format!("unknown entity &{ent};"));
                }
                i = semi + 1;
            }
            b'>' => return Err("raw > outside a tag".into()),
            _ => i += 1,
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed {stack:?}"))
    }
}

#[test]
fn one_marked_element_per_segment_with_its_flags_and_reason() {
    for t in traces() {
        for lang in [Lang::Zh, Lang::En] {
            let s = svg_in(&t, lang);
            assert!(s.contains(&format!("data-scenario=\"{}\"", t.scenario)));
            let ids = attr_values(&s, "data-packet");
            assert_eq!(ids.len(), t.packets.len(), "{}", t.scenario);
            let flags = attr_values(&s, "data-flags");
            let whys = attr_values(&s, "data-why");
            for (i, p) in t.packets.iter().enumerate() {
                assert_eq!(ids[i], p.id.to_string());
                assert_eq!(flags[i], p.flag_str());
                assert_eq!(whys[i], p.why.as_str());
            }
        }
    }
}

#[test]
fn lost_segments_end_in_a_cross() {
    for t in traces() {
        let s = svg(&t, &SvgOptions::default());
        // A bundle's arrow ends like its members (tests/bundles.rs).
        let mut lost = t.packets.iter().filter(|p| p.lost.is_some()).count();
        let mut arrows = t.packets.len();
        for b in tcpsim_diagram::bundle::bundles(&t) {
            arrows += 1;
            lost += t.packets[b.first].lost.is_some() as usize;
        }
        assert_eq!(s.matches("class=\"x\"").count(), lost, "{}", t.scenario);
        assert_eq!(
            s.matches("class=\"hd\"").count(),
            arrows - lost,
            "{}",
            t.scenario
        );
    }
}

#[test]
fn svgs_are_well_formed_and_bounded() {
    for t in traces() {
        for lang in [Lang::Zh, Lang::En] {
            let s = svg_in(&t, lang);
            well_formed(&s).unwrap_or_else(|e| panic!("{}: {e}", t.scenario));
            let h: f64 = attr_values(&s, "height")[0].parse().unwrap();
            assert!(h < 3000.0, "{} is {h} px tall", t.scenario);
            assert!(s.len() < 100_000, "{} is {} bytes", t.scenario, s.len());
            well_formed(&table_html(&t, lang)).unwrap();
        }
    }
}

#[test]
fn two_hours_of_idle_fold_into_a_labelled_break() {
    let t = default_run("keepalive-peer-dead");
    let en = svg_in(&t, Lang::En);
    // From the crash (10 s) to the first probe, 7200 s after the last
    // segment received plus the timer wheel's rounding.
    let probe = t
        .packets
        .iter()
        .find(|p| p.why == Why::KeepaliveProbe)
        .unwrap()
        .sent_at;
    assert!(probe > 7200.0 && probe < 7200.0 + 132.0, "{probe}");
    let gap = duration_text(probe - 10.0, Lang::En);
    assert!(
        gap.starts_with("1 h 59 min") || gap.starts_with("2 h"),
        "{gap}"
    );
    assert!(
        en.contains(&format!("{gap} later")),
        "the idle gap is labelled {gap}"
    );
    // In Chinese, in the units the headline writes (小时, 分, 秒): one
    // language on the page.
    let zh = svg(&t, &SvgOptions::default());
    let gap_zh = duration_text(probe - 10.0, Lang::Zh);
    assert!(
        gap_zh.contains(" 小时 ") || gap_zh.ends_with(" 秒"),
        "{gap_zh}"
    );
    assert!(zh.contains(&format!("过了 {gap_zh}")));
    assert!(
        !zh.contains(" min"),
        "no English unit in the Chinese diagram"
    );
    // the axis keeps real times
    assert!(en.contains(&format!(">{} s<", trim_num(probe))));
}

#[test]
fn texts_follow_the_language() {
    let t = default_run("syn-established-same-port");
    let zh = svg(&t, &SvgOptions::default());
    let en = svg_in(&t, Lang::En);
    assert!(zh.contains(why_text(Why::ChallengeAck, Lang::Zh)));
    assert!(en.contains(why_text(Why::ChallengeAck, Lang::En)));
    assert!(zh.contains("lang=\"zh-CN\"") && en.contains("lang=\"en\""));
    // no colour is fixed in an attribute: theming is CSS only
    for bad in [" fill=\"#", " stroke=\"#", " style=\""] {
        assert!(!zh.contains(bad), "{bad}");
    }
}

#[test]
fn same_trace_same_bytes() {
    let t = default_run("kill-from-outside");
    assert_eq!(
        svg(&t, &SvgOptions::default()),
        svg(&t, &SvgOptions::default())
    );
}

#[test]
fn text_diagrams_match_their_snapshots() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut changed = Vec::new();
    for t in traces() {
        let out = text(&t, Lang::En);
        for p in &t.packets {
            assert!(out.contains(&p.label()), "{}: {}", t.scenario, p.label());
        }
        let path = dir.join(format!("{}.txt", t.scenario));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &out).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(out.as_str()) {
            changed.push(t.scenario.clone());
        }
    }
    assert!(
        changed.is_empty(),
        "text diagrams changed: {changed:?} (review, then UPDATE_SNAPSHOTS=1)"
    );
}

/// Numbers following `pat` in `s` (e.g. the `M` of a path).
fn nums_after(s: &str, pat: &str) -> Vec<f64> {
    let i = s.find(pat).unwrap_or_else(|| panic!("{pat} in {s}")) + pat.len();
    s[i..]
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|x| !x.is_empty())
        .take(4)
        .map(|x| x.parse().unwrap())
        .collect()
}

#[test]
fn arrows_run_between_lifelines_and_crosses_sit_where_segments_die() {
    for t in traces() {
        let s = svg_in(&t, Lang::En);
        // Lifeline x per host, in host order (a host's first lifeline piece).
        let mut xs: Vec<f64> = Vec::new();
        for piece in s.split("<line class=\"lifeline").skip(1) {
            let x = nums_after(piece, "x1=\"")[0];
            if !xs.contains(&x) {
                xs.push(x);
            }
        }
        assert_eq!(xs.len(), t.hosts.len(), "{}", t.scenario);
        let x_of = |name: &str| xs[t.hosts.iter().position(|h| h.name == name).unwrap()];
        let groups: Vec<&str> = s.split(" data-packet=\"").skip(1).collect();
        assert_eq!(groups.len(), t.packets.len());
        for (g, p) in groups.iter().zip(&t.packets) {
            let hit = nums_after(g, "class=\"hit\" d=\"M");
            let (x1, y1, x2, y2) = (hit[0], hit[1], hit[2], hit[3]);
            assert!((x1 - x_of(&p.src)).abs() < 0.11, "{}#{}", t.scenario, p.id);
            assert!(y2 >= y1, "{}#{}: time runs down", t.scenario, p.id);
            match p.lost {
                None => assert!((x2 - x_of(&p.dst)).abs() < 0.11),
                Some(loss) => {
                    let x = nums_after(g, "class=\"x\" d=\"M");
                    let (cx, cy) = (x[0] + 5.0, x[1] + 5.0);
                    assert!((cx - x2).abs() < 0.11 && (cy - y2).abs() < 0.11);
                    if loss == tcpsim::trace::Loss::HostDown {
                        assert!((cx - x_of(&p.dst)).abs() < 0.11, "dies at the dead host");
                    }
                }
            }
        }
        // A crashed host's lifeline is drawn down while it is down.
        let crashed = t.events.iter().any(|e| {
            matches!(
                e.kind,
                tcpsim::trace::EventKind::Fault {
                    fault: tcpsim::trace::Fault::HostCrash
                }
            )
        });
        assert_eq!(
            s.contains("class=\"lifeline down\""),
            crashed,
            "{}",
            t.scenario
        );
    }
}

#[test]
fn one_break_per_long_silence() {
    let t = default_run("keepalive-peer-dead");
    let en = svg_in(&t, Lang::En);
    let probe = t
        .packets
        .iter()
        .find(|p| p.why == Why::KeepaliveProbe)
        .unwrap()
        .sent_at;
    let gap = format!("{} later", duration_text(probe - 10.0, Lang::En));
    assert_eq!(en.matches(&gap).count(), 1, "{gap}");
    // two hours of idle, then 9 probes and the final RST 75 s apart: each
    // silence folds once
    let gaps = t
        .packets
        .windows(2)
        .filter(|w| w[1].sent_at - w[0].sent_at > 10.0)
        .count();
    assert_eq!(gaps, 10);
    assert_eq!(en.matches("<g class=\"break\">").count(), gaps);
    let h: f64 = attr_values(&en, "height")[0].parse().unwrap();
    assert!(h < 3000.0, "{h}");
}

#[test]
fn a_half_open_connection_ends_established_and_the_table_lists_every_segment() {
    let t = default_run("host-crash-idle");
    let s = svg(&t, &SvgOptions::default());
    // the last state written is the server's, still ESTABLISHED at the end
    let last_state = s.rsplit("<text class=\"state\"").next().unwrap();
    assert!(last_state.contains(">ESTABLISHED</text>"), "{last_state}");
    assert!(s.contains(&format!(">{} s</text>", t.end_at.round())));
    for t in traces() {
        for lang in [Lang::Zh, Lang::En] {
            let h = table_html(&t, lang);
            assert_eq!(h.matches("<tr data-packet-row=").count(), t.packets.len());
            for p in &t.packets {
                assert!(h.contains(&format!(">{}<", tcpsim_diagram::esc(&p.flag_str()))));
            }
        }
    }
}

#[test]
fn style_is_embedded_unless_the_page_links_it_once() {
    let t = default_run("process-crash");
    let standalone = svg(&t, &SvgOptions::default());
    let inline = svg(
        &t,
        &SvgOptions {
            style: false,
            ..Default::default()
        },
    );
    let sheet = tcpsim_diagram::stylesheet();
    assert!(standalone.contains(&format!("<style>{sheet}</style>")));
    assert!(!inline.contains("<style"));
    // Nothing else differs: the same drawing, less the rules.
    assert_eq!(
        standalone.replace(&format!("<style>{sheet}</style>"), ""),
        inline
    );
    // Every class the drawing uses has a rule in the sheet.
    for class in [
        "pkt", "ln", "hd", "lifeline", "state", "app", "fault", "timer",
    ] {
        assert!(sheet.contains(&format!(".{class}")), "no rule for .{class}");
    }
}

#[test]
fn the_headline_says_when_each_application_learns_what_happened() {
    use tcpsim_diagram::headline;
    let want = [
        (
            "process-crash",
            "The server's recv() returns EOF 10 ms after the kill.",
            "服务端的 recv() 在进程被杀后 10 毫秒返回 EOF。",
        ),
        (
            "host-crash-idle",
            "Never: the server's connection stays ESTABLISHED, half-open (watched for 3 h after the crash).",
            "永远不会：服务端的连接一直停在 ESTABLISHED，从第 10 秒（主机崩溃）起成为半开连接，之后又观察了 3 小时。",
        ),
        (
            "keepalive-peer-alive",
            "Nothing goes wrong: neither application sees an error.",
            "一切正常：两端的应用都不会收到任何错误。",
        ),

        (
            "kill-from-outside",
            "The server's recv() returns ECONNRESET 30 ms after the forged segment.",
            "服务端的 recv() 在伪造的报文发出后 30 毫秒返回 ECONNRESET。",
        ),
    ];
    for (id, en, zh) in want {
        let t = default_run(id);
        assert_eq!(headline(&t, Lang::En), en, "{id}");
        assert_eq!(headline(&t, Lang::Zh), zh, "{id}");
    }
    // The default give-up: tcp_model_timeout(15) = 924.6 s from the first
    // RTO retransmission, at an expiry of the timer wheel: the time from the
    // write, read off the trace, in the headline's words.
    let t = default_run("host-crash-data-no-reboot");
    let (write, at) = write_and_error(&t);
    assert!(
        at - write > 945.0 && at - write < 945.0 + 16.0 * 2.1,
        "{}",
        at - write
    );
    assert_eq!(
        headline(&t, Lang::En),
        format!(
            "The server's recv() returns ETIMEDOUT {} after the write.",
            span_text(at - write, Lang::En)
        )
    );
    assert_eq!(
        headline(&t, Lang::Zh),
        format!(
            "服务端的 recv() 在写入后 {}返回 ETIMEDOUT。",
            span_text(at - write, Lang::Zh)
        )
    );
    // It follows the parameters: a shorter tcp_retries2 gives up sooner.
    let mut p = tcpsim::defaults("host-crash-data-no-reboot").unwrap();
    p.set("tcp_retries2", 5).unwrap();
    let t = tcpsim::run("host-crash-data-no-reboot", &p).unwrap();
    let (write, at) = write_and_error(&t);
    // tcp_model_timeout(5) = 12.6 s from the first RTO retransmission
    // (0.44 s after the write), at the first expiry past it.
    assert!(at - write > 13.0 && at - write < 20.0, "{}", at - write);
    assert_eq!(
        headline(&t, Lang::En),
        format!(
            "The server's recv() returns ETIMEDOUT {} after the write.",
            span_text(at - write, Lang::En)
        )
    );
}

/// When the server wrote, and when its recv() returned the error.
fn write_and_error(t: &Trace) -> (f64, f64) {
    let write = t
        .packets
        .iter()
        .find(|p| p.why == Why::Data)
        .unwrap()
        .sent_at;
    let at = t
        .app_events()
        .find(|(e, c, _)| e.host == "server" && *c == tcpsim::trace::AppCall::Recv)
        .unwrap()
        .0
        .at;
    (write, at)
}

/// Every label that says what happened carries the player's step at which
/// it has happened (`data-k`: the segments sent by then), so a page that
/// steps through the run can hide the end of the story until it comes:
/// process-crash (with unread data: a RST)'s final CLOSED and its recv()
/// → ECONNRESET come after step 3.
#[test]
fn labels_carry_the_step_they_happen_at() {
    let mut p = defaults("process-crash").unwrap();
    p.set_str("unread_data", "1").unwrap();
    let t = run("process-crash", &p).unwrap();
    let n = t.packets.len();
    let s = svg_in(&t, Lang::En);
    // (data-k, the text of the element that carries it)
    let labels: Vec<(usize, String)> = s
        .split("data-k=\"")
        .skip(1)
        .map(|r| {
            let k = r[..r.find('"').unwrap()].parse().unwrap();
            let text = r[r.find('>').unwrap() + 1..r.find("</text>").unwrap()].to_string();
            (k, text)
        })
        .collect();
    assert!(labels.len() >= 5, "{labels:?}");
    assert!(labels.iter().all(|(k, _)| *k <= n));
    let econnreset = labels
        .iter()
        .find(|(_, t)| t.contains("ECONNRESET"))
        .expect("the recv() result is labelled");
    assert!(econnreset.0 > 3, "{econnreset:?}");
    let closed: Vec<_> = labels
        .iter()
        .filter(|(_, t)| t.contains("CLOSED"))
        .collect();
    assert!(!closed.is_empty());
    assert!(closed.iter().all(|(k, _)| *k > 3), "{closed:?}");
    // Each app call's label: the segments sent at or before its time.
    for e in &t.events {
        if let tcpsim::trace::EventKind::App { .. } = e.kind {
            let sent = t
                .packets
                .iter()
                .filter(|p| p.sent_at <= e.at + 1e-9)
                .count();
            assert!(
                labels.iter().any(|(k, _)| *k == sent),
                "an event at {} s has step {sent}",
                e.at
            );
        }
    }
}

/// The time axis never writes the same time twice (two instants 0.01 ms
/// apart read the same at its precision).
#[test]
fn the_axis_writes_each_time_once() {
    for t in traces() {
        let id = t.scenario.clone();
        let s = svg_in(&t, Lang::En);
        let axis = &s[s.find("<g class=\"axis\">").unwrap()..];
        let axis = &axis[..axis.find("</g>").unwrap()];
        let labels: Vec<&str> = axis
            .split("<text")
            .skip(1)
            .map(|r| &r[r.find('>').unwrap() + 1..r.find("</text>").unwrap()])
            .collect();
        for w in labels.windows(2) {
            assert_ne!(w[0], w[1], "{id}: the axis repeats {}", w[0]);
        }
    }
}

/// Host names follow the diagram's language.
#[test]
fn host_names_follow_the_language() {
    let t = default_run("process-crash");
    let zh = svg(&t, &SvgOptions::default());
    assert!(zh.contains(">客户端</text>") && zh.contains(">服务端</text>"));
    assert!(!zh.contains(">client</text>"));
    let en = svg_in(&t, Lang::En);
    assert!(en.contains(">client</text>") && en.contains(">server</text>"));
}
