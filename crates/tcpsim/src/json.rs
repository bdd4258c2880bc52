//! The trace as JSON text, written by hand: the same document serde_json
//! makes of [`Trace`] (a test checks that), without pulling serde's
//! machinery or float formatting into the wasm build. Times are written
//! with microsecond precision, which is the simulator's resolution.

use crate::trace::*;
use std::fmt::Write;

fn num(o: &mut String, x: f64) {
    // Microseconds, by integer arithmetic; no trailing zeros.
    let us = (x.abs() * 1e6).round() as u64;
    if x < 0.0 && us != 0 {
        o.push('-');
    }
    let _ = write!(o, "{}", us / 1_000_000);
    let frac = us % 1_000_000;
    if frac != 0 {
        let f = format!("{frac:06}");
        o.push('.');
        o.push_str(f.trim_end_matches('0'));
    } else {
        o.push_str(".0");
    }
}

fn opt_num(o: &mut String, x: Option<f64>) {
    match x {
        Some(v) => num(o, v),
        None => o.push_str("null"),
    }
}

/// A JSON string literal, escaped as serde_json escapes it, appended to `o`
/// (for callers that write small JSON texts of their own, such as the wasm
/// layer's catalogues).
pub fn push_json_string(o: &mut String, s: &str) {
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '\u{8}' => o.push_str("\\b"),
            '\u{c}' => o.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
}

fn opt_string(o: &mut String, s: Option<&str>) {
    match s {
        Some(v) => push_json_string(o, v),
        None => o.push_str("null"),
    }
}

fn key(o: &mut String, k: &str) {
    o.push('"');
    o.push_str(k);
    o.push_str("\":");
}

fn flag_name(f: Flag) -> &'static str {
    match f {
        Flag::Syn => "SYN",
        Flag::Fin => "FIN",
        Flag::Rst => "RST",
        Flag::Psh => "PSH",
        Flag::Ack => "ACK",
    }
}

fn timer_name(t: TimerKind) -> &'static str {
    match t {
        TimerKind::Retransmit => "retransmit",
        TimerKind::LossProbe => "loss_probe",
        TimerKind::Keepalive => "keepalive",
        TimerKind::DelayedAck => "delayed_ack",
        TimerKind::Persist => "persist",
        TimerKind::TimeWait => "time_wait",
        TimerKind::FlowIdle => "flow_idle",
    }
}

fn action_name(a: TimerAction) -> &'static str {
    match a {
        TimerAction::Armed => "armed",
        TimerAction::Fired => "fired",
        TimerAction::Cancelled => "cancelled",
    }
}

fn fault_name(f: Fault) -> &'static str {
    match f {
        Fault::ProcessKill => "process_kill",
        Fault::HostCrash => "host_crash",
        Fault::RebootDone => "reboot_done",
        Fault::PathDown => "path_down",
        Fault::PathUp => "path_up",
    }
}

fn note_name(k: KernelNote) -> &'static str {
    match k {
        KernelNote::RstAccepted => "rst_accepted",
        KernelNote::RstIgnored => "rst_ignored",
        KernelNote::RstInexact => "rst_inexact",
        KernelNote::ChallengeAckRateLimited => "challenge_ack_rate_limited",
        KernelNote::RetriesExhausted => "retries_exhausted",
        KernelNote::KeepaliveExhausted => "keepalive_exhausted",
        KernelNote::ProbesExhausted => "probes_exhausted",
        KernelNote::SendBlocked => "send_blocked",
        KernelNote::SynResendSoon => "syn_resend_soon",
        KernelNote::Dropped => "dropped",
        KernelNote::Observed => "observed",
        KernelNote::FlowCreated => "flow_created",
        KernelNote::FlowExpired => "flow_expired",
        KernelNote::FlowDropped => "flow_dropped",
        KernelNote::ArpQueued => "arp_queued",
        KernelNote::ArpStillQueued => "arp_still_queued",
        KernelNote::ArpFailed => "arp_failed",
    }
}

fn app_result(o: &mut String, r: AppResult) {
    match r {
        AppResult::Bytes(n) => {
            let _ = write!(o, "{n}");
        }
        AppResult::Word(w) => push_json_string(o, w.as_str()),
    }
}

fn ports(o: &mut String, lport: u16, rport: u16) {
    let _ = write!(o, ",\"lport\":{lport},\"rport\":{rport}");
}

impl Trace {
    /// The trace as compact JSON (the same document as serde_json's).
    pub fn to_json(&self) -> String {
        let mut o = String::with_capacity(256 + self.packets.len() * 300 + self.events.len() * 120);
        o.push('{');
        key(&mut o, "scenario");
        push_json_string(&mut o, &self.scenario);
        o.push(',');
        key(&mut o, "origin");
        push_json_string(&mut o, self.origin.as_str());
        o.push(',');
        key(&mut o, "params");
        o.push('{');
        for (i, (k, v)) in self.params.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            push_json_string(&mut o, k);
            let _ = write!(o, ":{v}");
        }
        o.push_str("},");
        key(&mut o, "hosts");
        o.push('[');
        for (i, h) in self.hosts.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push_str("{\"name\":");
            push_json_string(&mut o, &h.name);
            o.push_str(",\"ip\":");
            push_json_string(&mut o, &h.ip);
            o.push('}');
        }
        o.push_str("],");
        key(&mut o, "packets");
        o.push('[');
        for (i, p) in self.packets.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            let _ = write!(o, "{{\"id\":{},\"sent_at\":", p.id);
            num(&mut o, p.sent_at);
            o.push_str(",\"arrived_at\":");
            opt_num(&mut o, p.arrived_at);
            o.push_str(",\"lost\":");
            opt_string(
                &mut o,
                p.lost.map(|l| match l {
                    Loss::HostDown => "host_down",
                    Loss::Link => "link",
                    Loss::Partition => "partition",
                    Loss::Middlebox => "middlebox",
                }),
            );
            o.push_str(",\"lost_at\":");
            opt_num(&mut o, p.lost_at);
            o.push_str(",\"src\":");
            push_json_string(&mut o, &p.src);
            o.push_str(",\"dst\":");
            push_json_string(&mut o, &p.dst);
            o.push_str(",\"spoofed_as\":");
            opt_string(&mut o, p.spoofed_as.as_deref());
            let _ = write!(
                o,
                ",\"sport\":{},\"dport\":{},\"flags\":[",
                p.sport, p.dport
            );
            for (j, f) in p.flags.iter().enumerate() {
                if j > 0 {
                    o.push(',');
                }
                push_json_string(&mut o, flag_name(*f));
            }
            let _ = write!(o, "],\"seq\":{},\"ack\":", p.seq);
            match p.ack {
                Some(a) => {
                    let _ = write!(o, "{a}");
                }
                None => o.push_str("null"),
            }
            let _ = write!(
                o,
                ",\"abs_seq\":{},\"abs_ack\":{},\"len\":{},\"resend\":",
                p.abs_seq, p.abs_ack, p.len
            );
            match p.resend {
                Some(n) => {
                    let _ = write!(o, "{n}");
                }
                None => o.push_str("null"),
            }
            let _ = write!(o, ",\"win\":{},\"why\":", p.win);
            push_json_string(&mut o, p.why.as_str());
            o.push('}');
        }
        o.push_str("],");
        key(&mut o, "events");
        o.push('[');
        for (i, e) in self.events.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push_str("{\"at\":");
            num(&mut o, e.at);
            o.push_str(",\"host\":");
            push_json_string(&mut o, &e.host);
            match &e.kind {
                EventKind::App {
                    call,
                    result,
                    since,
                    lport,
                    rport,
                } => {
                    o.push_str(",\"type\":\"app\",\"call\":");
                    push_json_string(&mut o, call.as_str());
                    o.push_str(",\"result\":");
                    app_result(&mut o, *result);
                    o.push_str(",\"since\":");
                    opt_num(&mut o, *since);
                    ports(&mut o, *lport, *rport);
                }
                EventKind::State {
                    lport,
                    rport,
                    from,
                    to,
                } => {
                    o.push_str(",\"type\":\"state\"");
                    ports(&mut o, *lport, *rport);
                    o.push_str(",\"from\":");
                    push_json_string(&mut o, from.as_str());
                    o.push_str(",\"to\":");
                    push_json_string(&mut o, to.as_str());
                }
                EventKind::Timer {
                    timer,
                    action,
                    expires_at,
                    lport,
                    rport,
                } => {
                    o.push_str(",\"type\":\"timer\",\"timer\":");
                    push_json_string(&mut o, timer_name(*timer));
                    o.push_str(",\"action\":");
                    push_json_string(&mut o, action_name(*action));
                    o.push_str(",\"expires_at\":");
                    opt_num(&mut o, *expires_at);
                    ports(&mut o, *lport, *rport);
                }
                EventKind::Fault { fault } => {
                    o.push_str(",\"type\":\"fault\",\"fault\":");
                    push_json_string(&mut o, fault_name(*fault));
                }
                EventKind::Kernel {
                    what,
                    packet,
                    lport,
                    rport,
                } => {
                    o.push_str(",\"type\":\"kernel\",\"what\":");
                    push_json_string(&mut o, note_name(*what));
                    o.push_str(",\"packet\":");
                    match packet {
                        Some(p) => {
                            let _ = write!(o, "{p}");
                        }
                        None => o.push_str("null"),
                    }
                    ports(&mut o, *lport, *rport);
                }
            }
            o.push('}');
        }
        o.push_str("],");
        key(&mut o, "end_at");
        num(&mut o, self.end_at);
        o.push_str(",\"stop\":");
        push_json_string(
            &mut o,
            match self.stop {
                StopReason::Quiet => "quiet",
                StopReason::Horizon => "horizon",
                StopReason::EventLimit => "event_limit",
            },
        );
        o.push_str(",\"outcome\":[");
        for (i, x) in self.outcome.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push_str("{\"host\":");
            push_json_string(&mut o, &x.host);
            o.push_str(",\"call\":");
            push_json_string(&mut o, x.call.as_str());
            o.push_str(",\"result\":");
            app_result(&mut o, x.result);
            o.push_str(",\"at\":");
            num(&mut o, x.at);
            o.push_str(",\"after\":");
            num(&mut o, x.after);
            o.push_str(",\"from\":");
            push_json_string(&mut o, x.from.as_str());
            o.push('}');
        }
        o.push_str("]}");
        o
    }
}

/// `"key":"text"` into a JSON object under construction.
fn field(o: &mut String, key: &str, text: &str) {
    push_json_string(o, key);
    o.push(':');
    push_json_string(o, text);
}

/// The catalogue in one language, as JSON: `{"scenarios": [{id, title,
/// steps: [...], params: [{name, unit, min, max, default, label, help}]}],
/// "reasons": [{id, rule}]}`, where `default` is the scenario's own, the
/// texts are page HTML and `reasons` gives each `why`'s source. The CLI
/// (`tcpsim catalog`) prints it and the build writes the page's texts from
/// it. Without the `texts` feature (the browser build) the texts are left
/// out: `{"scenarios": [{id, params: [{name, unit, min, max, default}]}],
/// "reasons": []}`.
pub fn catalogue_json(lang: crate::text::Lang) -> String {
    let _ = lang;
    let mut o = String::from("{\"scenarios\":[");
    for (n, s) in crate::SCENARIOS.iter().enumerate() {
        let p = s.defaults();
        if n > 0 {
            o.push(',');
        }
        o.push('{');
        field(&mut o, "id", s.id);
        #[cfg(feature = "texts")]
        {
            o.push(',');
            field(&mut o, "title", s.title.get(lang));
            o.push_str(",\"steps\":[");
            for (i, t) in s.steps.iter().enumerate() {
                if i > 0 {
                    o.push(',');
                }
                push_json_string(&mut o, t.get(lang));
            }
            o.push(']');
        }
        o.push_str(",\"params\":[");
        for (i, spec) in p.specs().iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push('{');
            field(&mut o, "name", spec.name);
            o.push(',');
            field(&mut o, "unit", spec.unit);
            let _ = write!(
                o,
                ",\"min\":{},\"max\":{},\"default\":{}",
                spec.min,
                spec.max,
                p.get(spec.param)
            );
            #[cfg(feature = "texts")]
            {
                o.push(',');
                field(&mut o, "label", spec.label.get(lang));
                o.push(',');
                field(&mut o, "help", spec.help.get(lang));
            }
            o.push('}');
        }
        o.push_str("]}");
    }
    o.push_str("],\"reasons\":[");
    #[cfg(feature = "texts")]
    for (i, w) in crate::trace::Why::ALL.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push('{');
        field(&mut o, "id", w.as_str());
        o.push(',');
        field(&mut o, "rule", w.rule().get(lang));
        o.push('}');
    }
    o.push_str("]}");
    o
}
