//! Wording, in Chinese and English, for everything the diagrams name.

pub use tcpsim::text::Lang;
use tcpsim::trace::{AppCall, AppResult, Fault, KernelNote, TcpState, TimerKind, Why};

/// Why a segment was sent, in a few words.
pub fn why_text(why: Why, lang: Lang) -> &'static str {
    let (zh, en) = match why {
        Why::Connect => ("connect() 发起连接", "connect()"),
        Why::SynRetransmit => ("SYN 重传", "SYN retransmission"),
        Why::SynAck => ("SYN-ACK", "SYN-ACK"),
        Why::HandshakeAck => ("握手的第三个 ACK", "handshake ACK"),
        Why::Data => ("应用数据", "data"),
        Why::Ack => ("确认", "ACK"),
        Why::DelayedAck => ("延迟确认", "delayed ACK"),
        Why::TimewaitAck => ("TIME_WAIT 中再次确认 FIN", "ACK again from TIME_WAIT"),
        Why::Retransmit => ("超时重传（RTO）", "retransmission (RTO)"),
        Why::TailLossProbe => ("尾部丢包探测（TLP）", "tail loss probe (TLP)"),
        Why::Fin => ("关闭：FIN", "close: FIN"),
        Why::KeepaliveProbe => ("保活探测", "keepalive probe"),
        Why::ZeroWindowProbe => ("零窗口探测", "zero-window probe"),
        Why::DupAck => ("回 ACK，告知当前序号", "ACK with its SND.NXT/RCV.NXT"),
        Why::ChallengeAck => ("挑战 ACK", "challenge ACK"),
        Why::RstNoSocket => ("无此连接，回 RST", "no such connection: RST"),
        Why::RstListener => (
            "监听套接字收到带 ACK 的报文，回 RST",
            "a listener gets a segment with ACK: RST",
        ),
        Why::RstBadAck => ("ACK 不可接受，回 RST", "unacceptable ACK: RST"),
        Why::RstUnreadData => ("有未读数据，关闭时发 RST", "unread data at close: RST"),
        Why::RstKeepaliveTimeout => ("保活放弃，发 RST", "keepalive gives up: RST"),
        Why::RstDataAfterClose => ("已关闭仍收到数据，回 RST", "data after close: RST"),
        Why::ForgedSyn => ("伪造的 SYN", "forged SYN"),
        Why::ForgedRst => ("伪造的 RST", "forged RST"),
        Why::MiddleboxRst => ("中间设备代发的 RST", "RST from the middlebox"),
        Why::Captured => ("Linux 抓包所见", "captured on Linux"),
        Why::FastRetransmit => ("快速重传", "fast retransmission"),
        Why::WindowUpdate => ("窗口更新", "window update"),
    };
    pick(lang, zh, en)
}

/// A fault marker.
pub fn fault_text(f: Fault, lang: Lang) -> &'static str {
    let (zh, en) = match f {
        Fault::ProcessKill => ("☠ 进程被杀（SIGKILL）", "☠ process killed (SIGKILL)"),
        Fault::HostCrash => ("✕ 主机崩溃", "✕ host crashed"),
        Fault::RebootDone => ("↻ 重启完成（无旧连接）", "↻ rebooted (no old sockets)"),
        Fault::PathDown => ("✂ 网络路径中断", "✂ path down"),
        Fault::PathUp => ("⇄ 网络路径恢复", "⇄ path up"),
    };
    pick(lang, zh, en)
}

/// A kernel decision that sends nothing.
pub fn kernel_text(k: KernelNote, lang: Lang) -> &'static str {
    let (zh, en) = match k {
        KernelNote::RstAccepted => ("接受 RST，连接重置", "RST accepted: reset"),
        KernelNote::RstIgnored => ("忽略 RST", "RST ignored"),
        KernelNote::RstInexact => ("RST 序号不精确", "inexact RST"),
        KernelNote::ChallengeAckRateLimited => ("挑战 ACK 被限速", "challenge ACK rate-limited"),
        KernelNote::RetriesExhausted => ("重传时长已到上限", "retransmission time limit reached"),
        KernelNote::KeepaliveExhausted => ("保活探测次数用完", "keepalive probes exhausted"),
        KernelNote::ProbesExhausted => ("零窗口探测放弃", "zero-window probing gives up"),
        KernelNote::SendBlocked => (
            "发送缓冲区已满，send() 阻塞",
            "send buffer full: send() blocks",
        ),
        KernelNote::SynResendSoon => ("SYN 定时器缩到最短", "SYN timer cut to minimum"),
        KernelNote::Dropped => ("丢弃", "dropped"),
        KernelNote::Observed => ("从挑战 ACK 里读出序号", "reads SEQ/ACK off the wire"),
        KernelNote::FlowCreated => ("建立流表项", "flow entry created"),
        KernelNote::FlowExpired => ("流表项空闲超时，被删除", "idle flow entry forgotten"),
        KernelNote::FlowDropped => ("查不到流表项，丢弃", "no flow entry: dropped"),
        KernelNote::ArpQueued => ("SYN 排队等 ARP，未发出", "SYN queued for ARP, not sent"),
        KernelNote::ArpStillQueued => ("SYN 仍在排队，不重发", "SYN still queued: not resent"),
        KernelNote::ArpFailed => (
            "ARP 无应答：ICMP 主机不可达",
            "no ARP reply: ICMP host unreachable",
        ),
    };
    pick(lang, zh, en)
}

/// A socket state as the diagrams write it: the RFC 9293 name in both
/// languages (Chinese texts on TCP use the same names, e.g. CLOSE_WAIT).
pub fn state_text(s: TcpState, lang: Lang) -> &'static str {
    let _ = lang;
    s.as_str()
}

/// A timer's short name.
pub fn timer_text(t: TimerKind, lang: Lang) -> &'static str {
    let (zh, en) = match t {
        TimerKind::Retransmit => ("重传定时器", "RTO"),
        TimerKind::LossProbe => ("TLP 定时器", "TLP"),
        TimerKind::Keepalive => ("保活定时器", "keepalive"),
        TimerKind::DelayedAck => ("延迟确认", "delayed ACK"),
        TimerKind::Persist => ("坚持定时器", "persist"),
        TimerKind::TimeWait => ("TIME_WAIT", "TIME_WAIT"),
        TimerKind::FlowIdle => ("流表空闲计时", "flow idle timer"),
    };
    pick(lang, zh, en)
}

/// `recv() → ETIMEDOUT`, `send() → 100`.
pub fn app_text(call: AppCall, result: AppResult) -> String {
    format!("{}() → {}", call.as_str(), result.as_string())
}

/// `parts` with `sep` between them (a loop: `[String]::join`'s generic
/// code weighs a kilobyte in the wasm build).
fn joined(parts: &[String], sep: &str) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(p);
    }
    out
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A duration as the diagrams write it: `0.44 s`, `120 s`, `11 min 15 s`,
/// `2 h 11 min 15 s` (`0.44 秒`, `120 秒`, `11 分 15 秒`, `2 小时 11 分 15 秒`
/// in Chinese, the units [`span_text`] writes in the headline). Under ten
/// minutes, seconds as such; above, whole seconds.
pub fn duration_text(secs: f64, lang: Lang) -> String {
    let (hu, mu, su) = match lang {
        Lang::Zh => (" 小时 ", " 分", " 秒"),
        Lang::En => (" h ", " min", " s"),
    };
    let s = secs.max(0.0);
    if s < 600.0 {
        return format!("{}{su}", trim_num(s));
    }
    let total = s.round() as u64;
    let (h, m, r) = (total / 3600, total % 3600 / 60, total % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}{hu}"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}{mu}"));
    }
    if r > 0 {
        out.push_str(&format!(" {r}{su}"));
    }
    out
}

/// A duration in prose: `10 ms`, `12.5 s`, `15 min 36 s`, `2 h 11 min`
/// (`10 毫秒`, `12.5 秒`, `15 分 36 秒`, `2 小时 11 分` in Chinese).
pub fn span_text(secs: f64, lang: Lang) -> String {
    let s = secs.max(0.0);
    let zh = lang == Lang::Zh;
    if s < 1.0 {
        let ms = trim_num(s * 1000.0);
        return if zh {
            format!("{ms} 毫秒")
        } else {
            format!("{ms} ms")
        };
    }
    if s < 60.0 {
        let v = fixed(s, 1);
        let v = v.strip_suffix(".0").unwrap_or(&v);
        return if zh {
            format!("{v} 秒")
        } else {
            format!("{v} s")
        };
    }
    let total = s.round() as u64;
    let (h, m, r) = (total / 3600, total % 3600 / 60, total % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(if zh {
            format!("{h} 小时")
        } else {
            format!("{h} h")
        });
    }
    if m > 0 {
        parts.push(if zh {
            format!("{m} 分")
        } else {
            format!("{m} min")
        });
    }
    if r > 0 && h == 0 {
        parts.push(if zh {
            format!("{r} 秒")
        } else {
            format!("{r} s")
        });
    }
    joined(&parts, " ")
}

/// The fixed words of the terminal diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextWord {
    Scenario,
    Params,
    Outcome,
    Time,
    Arrives,
    LostHostDown,
    LostLink,
    LostPartition,
    LostMiddlebox,
    InFlight,
    Forged,
    Kernel,
    Later,
    Silence,
    End,
}

/// A fixed word of the terminal diagram in `lang`.
pub fn text_word(k: TextWord, lang: Lang) -> &'static str {
    let (zh, en) = match k {
        TextWord::Scenario => ("场景", "scenario"),
        TextWord::Params => ("参数", "params"),
        TextWord::Outcome => ("结局", "outcome"),
        TextWord::Time => ("时间 (s)", "time (s)"),
        TextWord::Arrives => ("到达", "arrives"),
        TextWord::LostHostDown => ("丢失：对端主机不在", "LOST: host down"),
        TextWord::LostLink => ("在链路上丢失", "LOST on the link"),
        TextWord::LostPartition => ("丢失：网络路径中断", "LOST: path down"),
        TextWord::LostMiddlebox => ("被中间设备丢弃", "DROPPED by the middlebox"),
        TextWord::InFlight => ("结束时仍在途中", "in flight at the end"),
        TextWord::Forged => ("（伪造）", "(forged)"),
        TextWord::Kernel => ("内核", "kernel"),
        TextWord::Later => ("之后", "later"),
        TextWord::Silence => ("无事发生", "of silence"),
        TextWord::End => ("结束", "end"),
    };
    pick(lang, zh, en)
}

/// A host's name as the diagrams label it: `client`, `客户端`.
pub fn host_word(host: &str, lang: Lang) -> &str {
    match (host, lang) {
        ("client", Lang::Zh) => "客户端",
        ("server", Lang::Zh) => "服务端",
        ("attacker", Lang::Zh) => "第三方",
        ("middlebox", Lang::Zh) => "中间设备",
        (h, _) => h,
    }
}

/// A timer firing, in the terminal diagram.
pub fn timer_fired_text(kind: TimerKind, span: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("定时器：{} 到期（设置后 {span}）", timer_text(kind, lang)),
        Lang::En => format!(
            "timer: {} fired ({span} after arming)",
            timer_text(kind, lang)
        ),
    }
}

/// A host's name in prose.
fn who(host: &str, lang: Lang) -> String {
    match (host, lang) {
        ("client", Lang::Zh) => "客户端".into(),
        ("server", Lang::Zh) => "服务端".into(),
        ("client", Lang::En) => "the client".into(),
        ("server", Lang::En) => "the server".into(),
        (h, _) => h.to_string(),
    }
}

/// The headline of a run, in one sentence: when each application learns
/// what happened to its connection and what it sees (from the trace's
/// `outcome`), or that it never does. Computed from the trace, so it
/// follows the parameters.
pub fn headline(trace: &tcpsim::Trace, lang: Lang) -> String {
    use tcpsim::outcome::{fault_time, server_end_state, Since};
    let zh = lang == Lang::Zh;
    let fault = fault_noun(trace, lang);
    let mut s = if !trace.outcome.is_empty() {
        let parts: Vec<String> = trace
            .outcome
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let span = span_text(o.after, lang);
                let (result, call) = (o.result.as_string(), o.call.as_str());
                // A sentence starts with a capital.
                let host = match (who(&o.host, lang), i) {
                    (h, 0) if h == "the server" => "The server".to_string(),
                    (h, 0) if h == "the client" => "The client".to_string(),
                    (h, _) => h,
                };
                let from = match (o.from, zh) {
                    (Since::Write, true) => "写入",
                    (Since::Write, false) => "the write",
                    (Since::Call, true) => "调用",
                    (Since::Call, false) => "the call",
                    (Since::Fault, _) => fault,
                };
                if zh {
                    format!("{host}的 {call}() 在{from}后 {span}返回 {result}")
                } else {
                    format!("{host}'s {call}() returns {result} {span} after {from}")
                }
            })
            .collect();
        let mut s = joined(&parts, if zh { "；" } else { "; " });
        s.push_str(if zh { "。" } else { "." });
        s
    } else if let Some((healed, resumed)) = path_recovery(trace) {
        let late = span_text(resumed - healed, lang);
        let when = trim_num(resumed);
        if zh {
            format!("连接挺过来了，两端的应用都没有收到错误：网络恢复 {late}后，服务端的下一次重传（第 {when} 秒）得到了确认。")
        } else {
            format!("The connection survives and neither application sees an error: the server's next retransmission, {late} after the path came back (at {when} s), is acknowledged.")
        }
    } else if let Some(at) = fault_time(trace) {
        let watched = span_text(trace.end_at - at, lang);
        match server_end_state(trace) {
            Some(tcpsim::trace::TcpState::Established) => {
                if zh {
                    format!("永远不会：服务端的连接一直停在 ESTABLISHED，从第 {} 秒（{fault}）起成为半开连接，之后又观察了 {watched}。", trim_num(at))
                } else {
                    format!("Never: the server's connection stays ESTABLISHED, half-open (watched for {watched} after {fault}).")
                }
            }
            st => {
                let st = st.map_or("CLOSED", |st| st.as_str());
                if zh {
                    format!("两端的应用都没有收到任何消息；服务端的连接最后处于 {st}。")
                } else {
                    format!("Neither application learns anything; the server's connection ends in {st}.")
                }
            }
        }
    } else if let Some(at) = blocked_send(trace) {
        let watched = span_text(trace.end_at - at, lang);
        let at = trim_num(at);
        // A client that reads, slowly (peer-hung's read_every_ms): the
        // write crawls, nothing fails.
        let reads = trace.events.iter().any(|e| {
            e.host == "client"
                && matches!(
                    e.kind,
                    tcpsim::trace::EventKind::App {
                        call: tcpsim::trace::AppCall::Recv,
                        result: tcpsim::trace::AppResult::Bytes(_),
                        ..
                    }
                )
        });
        if reads {
            return if zh {
                format!("没有错误：客户端进程在读，只是读得慢；服务端的 send() 从第 {at} 秒起一直阻塞，还没写完（又观察了 {watched}）。")
            } else {
                format!("Nothing fails: the client's process reads, slowly, and the server's send(), blocked since {at} s, has not finished (watched for {watched} more).")
            };
        }
        if zh {
            format!("两边的调用都不返回：服务端的 send() 从第 {at} 秒起一直阻塞，客户端进程什么也不读，零窗口探测一直有回应（又观察了 {watched}）。")
        } else {
            format!("No call on either side returns: the server's send() has blocked since {at} s, the client's process reads nothing, and the zero-window probes are answered (watched for {watched} more).")
        }
    } else if trace.origin == tcpsim::trace::Origin::Capture {
        // A capture holds segments only: an error that reached an
        // application shows only through the segments that caused it (see
        // the diagnosis), and a timer that gave up sends nothing.
        if zh {
            "从抓到的报文看不出哪一端的应用收到了错误（应用的调用不在抓包里，请看诊断）。"
                .to_string()
        } else {
            "No error reaching either application can be read from the segments (a capture holds no application calls; see the diagnosis).".to_string()
        }
    } else if zh {
        "一切正常：两端的应用都不会收到任何错误。".to_string()
    } else {
        "Nothing goes wrong: neither application sees an error.".to_string()
    };
    if let Some(c) = tcpsim::scenarios::cap_note(trace) {
        s.push(' ');
        s.push_str(&cap_short(&c, lang));
    }
    s
}

/// When the server's send() blocked on a full buffer (a kernel note) and
/// never returned afterwards.
fn blocked_send(trace: &tcpsim::Trace) -> Option<f64> {
    use tcpsim::trace::{AppCall, EventKind, KernelNote};
    let at = trace.events.iter().find_map(|e| match e.kind {
        EventKind::Kernel {
            what: KernelNote::SendBlocked,
            ..
        } if e.host == "server" => Some(e.at),
        _ => None,
    })?;
    let returned = trace.events.iter().any(|e| {
        e.host == "server"
            && e.at >= at
            && matches!(
                e.kind,
                EventKind::App {
                    call: AppCall::Send,
                    ..
                }
            )
    });
    (!returned).then_some(at)
}

/// For a path that came back (a partition healed): when it came back, and
/// when the first segment sent after that was acknowledged, i.e. sent and
/// arrived (the segment's own send time).
fn path_recovery(trace: &tcpsim::Trace) -> Option<(f64, f64)> {
    use tcpsim::trace::{EventKind, Fault};
    let healed = trace.events.iter().find_map(|e| match e.kind {
        EventKind::Fault {
            fault: Fault::PathUp,
        } => Some(e.at),
        _ => None,
    })?;
    let resumed = trace
        .packets
        .iter()
        .find(|p| p.sent_at >= healed && p.arrived_at.is_some() && p.resend.is_some())?;
    Some((healed, resumed.sent_at))
}

/// What went wrong, as the headline names it: the first fault, or a
/// third party's forged segment.
fn fault_noun(trace: &tcpsim::Trace, lang: Lang) -> &'static str {
    use tcpsim::trace::{EventKind, Fault};
    let first = trace.events.iter().find_map(|e| match e.kind {
        EventKind::Fault { fault } => Some((e.at, fault)),
        _ => None,
    });
    let forged = trace
        .packets
        .iter()
        .find(|p| p.spoofed_as.is_some())
        .map(|p| p.sent_at);
    let (zh, en) = match (first, forged) {
        (Some((at, _)), Some(f)) if f < at => ("伪造的报文发出", "the forged segment"),
        (None, Some(_)) => ("伪造的报文发出", "the forged segment"),
        (Some((_, Fault::ProcessKill)), _) => ("进程被杀", "the kill"),
        (Some((_, Fault::HostCrash)), _) => ("主机崩溃", "the crash"),
        (Some((_, Fault::PathDown)), _) => ("断网", "the path went down"),
        _ => ("故障", "the fault"),
    };
    pick(lang, zh, en)
}

/// The diagram's description for `<desc>` and screen readers: how many
/// segments, how many lost, what the server's application saw last (when,
/// what) and the state its connection ended in.
pub fn summary_text(
    scenario: &str,
    n: usize,
    lost: usize,
    last_server: Option<(f64, String)>,
    server_state: Option<&str>,
    lang: Lang,
) -> String {
    use std::fmt::Write;
    match lang {
        Lang::Zh => {
            let mut s = format!("{scenario} 共 {n} 个报文段，其中 {lost} 个丢失。");
            if let Some((at, t)) = last_server {
                let _ = write!(s, "服务端应用最后看到：{t}（{} 秒）。", trim_num(at));
            }
            if let Some(st) = server_state {
                let _ = write!(s, "服务端的连接最终处于 {st}。");
            }
            s
        }
        Lang::En => {
            let mut s = format!("{scenario}: {n} segments, {lost} lost.");
            if let Some((at, t)) = last_server {
                let _ = write!(
                    s,
                    " The server's application last saw {t} at {} s.",
                    trim_num(at)
                );
            }
            if let Some(st) = server_state {
                let _ = write!(s, " The server's connection ends in {st}.");
            }
            s
        }
    }
}

/// A parameter's unit after its value: `7200 s`, `7200 秒`; nothing for
/// counts, switches and seeds.
pub fn unit_text(unit: &str, lang: Lang) -> &'static str {
    match (unit, lang) {
        ("s", Lang::Zh) => " 秒",
        ("s", Lang::En) => " s",
        ("ms", Lang::Zh) => " 毫秒",
        ("ms", Lang::En) => " ms",
        ("bytes", Lang::Zh) => " 字节",
        ("bytes", Lang::En) => " bytes",
        ("%", _) => "%",
        _ => "",
    }
}

/// What a reader is told when a run stopped at the cap: when, after how
/// many segments, and which parameters differ from the defaults (the ones
/// to change).
pub fn cap_text(note: &tcpsim::scenarios::CapNote, lang: Lang) -> String {
    let changed: Vec<String> = note
        .changed
        .iter()
        .map(|(s, v)| {
            // One byte, not "1 bytes" (read_bytes = 1). With the windowed
            // drawings only (the CLI, the page's tools module, which draws
            // peer-hung): the first-load wasm stays 59 bytes gzipped smaller,
            // and of its scenarios' byte counts only send_bytes goes down to
            // 1, in a run that would also have to reach the cap.
            let unit = match (s.unit, *v, lang) {
                #[cfg(feature = "bundles")]
                ("bytes", 1, Lang::En) => " byte",
                _ => unit_text(s.unit, lang),
            };
            format!("{} = {v}{unit}", s.name)
        })
        .collect();
    let at = trim_num(note.at);
    let n = note.segments;
    let max = tcpsim::scenarios::MAX_SEGMENTS;
    // Stopped by the segment cap, the bound on timer and kernel records, or
    // (by elimination) the bound on events processed.
    let by_segments = n >= max;
    let by_records = !by_segments && note.records >= tcpsim::scenarios::MAX_RECORDS;
    let steps = tcpsim::scenarios::MAX_STEPS;
    match lang {
        Lang::Zh => {
            let mut s = if by_segments {
                format!(
                    "模拟在 {at} 秒处停下：已经发出 {n} 个报文段，一张图最多只画 {max} 个左右。"
                )
            } else if !by_records {
                format!(
                    "模拟在 {at} 秒处停下：已经处理了 {steps} 个事件（报文到达、定时器到期），一次模拟最多处理这么多；只发出了 {n} 个报文段。"
                )
            } else {
                format!(
                    "模拟在 {at} 秒处停下：定时器和内核事件已有 {} 条（只发出了 {n} 个报文段），一次模拟最多记录这么多。",
                    note.records
                )
            };
            if !changed.is_empty() {
                s.push_str(&format!("与默认值不同的参数：{}。", joined(&changed, "，")));
            }
            s
        }
        Lang::En => {
            let mut s = if by_segments {
                format!(
                    "The run stopped at {at} s after {n} segments, about the most a diagram shows ({max})."
                )
            } else if !by_records {
                format!(
                    "The run stopped at {at} s after {steps} events (arrivals, timer expiries), about the most a run processes; only {n} segments."
                )
            } else {
                format!(
                    "The run stopped at {at} s after {} timer and kernel records (and only {n} segments), about the most a run records.",
                    note.records
                )
            };
            if !changed.is_empty() {
                s.push_str(&format!(
                    " Changed from the defaults: {}.",
                    joined(&changed, ", ")
                ));
            }
            s
        }
    }
}

/// The cap, in one short line under a diagram (the whole of
/// [`cap_text`] is its tooltip).
pub fn cap_short(note: &tcpsim::scenarios::CapNote, lang: Lang) -> String {
    let (n, at) = (note.segments, trim_num(note.at));
    match lang {
        Lang::Zh => format!("⚠ 已到上限：{n} 个报文段，模拟在 {at} 秒处停下"),
        Lang::En => format!("⚠ cap reached: {n} segments, the run stopped at {at} s"),
    }
}

/// The label of a folded stretch of time.
pub fn gap_text(seconds: f64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("⋯ 过了 {} ⋯", duration_text(seconds, lang)),
        Lang::En => format!("⋯ {} later ⋯", duration_text(seconds, lang)),
    }
}

/// What the list of arrows is called.
pub fn segments_word(lang: Lang) -> &'static str {
    pick(lang, "报文段", "segments")
}

/// Added to a lost segment's description.
pub fn lost_suffix(lang: Lang) -> &'static str {
    pick(lang, "（丢失）", " (lost)")
}

/// The text table's caption, column heads and the word for a lost segment.
pub fn table_texts(lang: Lang) -> (&'static str, [&'static str; 8], &'static str) {
    match lang {
        Lang::Zh => (
            "逐个报文段",
            [
                "时间 (s)",
                "从",
                "到",
                "标志",
                "序号",
                "确认号",
                "长度",
                "原因",
            ],
            "丢失",
        ),
        Lang::En => (
            "Segment by segment",
            [
                "time (s)", "from", "to", "flags", "seq", "ack", "len", "why",
            ],
            "lost",
        ),
    }
}

/// A number of seconds with at most three decimals and no trailing zeros.
pub fn trim_num(x: f64) -> String {
    let s = fixed(x, 3);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `x` with exactly `decimals` decimals, by integer arithmetic (keeps the
/// float-formatting machinery out of the wasm build).
pub fn fixed(x: f64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals);
    let v = (x.abs() * scale as f64).round() as u64;
    let sign = if x < 0.0 && v != 0 { "-" } else { "" };
    let (int, frac) = (v / scale, v % scale);
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals as usize)
    }
}

/// A bundle arrow's label: `seq 1–14481 ×10` for a burst of data (the
/// first sequence number and the end of the last segment), `ack 1449–14481
/// ×10` for a burst of ACKs. tcpdump's field names stay in both languages,
/// as on every segment's label.
#[cfg(feature = "bundles")]
pub fn bundle_label(data: bool, from: u32, to: u32, count: usize) -> String {
    format!("{} {from}–{to} ×{count}", if data { "seq" } else { "ack" })
}

/// What a screen reader says of a bundle, and its tooltip.
#[cfg(feature = "bundles")]
pub fn bundle_aria(
    at: &str,
    from_host: &str,
    to_host: &str,
    label: &str,
    why: &str,
    count: usize,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "{at} s {from_host} → {to_host}：背靠背的 {count} 个报文段，{label}，{why}。点击或按回车展开"
        ),
        Lang::En => format!(
            "{at} s {from_host} → {to_host}: {count} segments back to back, {label}, {why}. Click or press Enter to expand"
        ),
    }
}

/// A gauge's value beside a lifeline: the advertised window, or ss's
/// Send-Q (its column name in both languages).
#[cfg(feature = "bundles")]
pub fn gauge_text(window: bool, bytes: u32, lang: Lang) -> String {
    match (window, lang) {
        (true, Lang::Zh) => format!("窗口 {bytes}"),
        (true, Lang::En) => format!("win {bytes}"),
        (false, _) => format!("Send-Q {bytes}"),
    }
}

/// A gauge's tooltip: what it shows.
#[cfg(feature = "bundles")]
pub fn gauge_title(window: bool, lang: Lang) -> &'static str {
    match (window, lang) {
        (true, Lang::Zh) => "通告的接收窗口（字节）",
        (true, Lang::En) => "the receive window advertised (bytes)",
        (false, Lang::Zh) => "发送缓冲区中的字节（ss 的 Send-Q）",
        (false, Lang::En) => "bytes in the send buffer (ss's Send-Q)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_both_languages() {
        for w in Why::ALL {
            assert!(!why_text(w, Lang::Zh).is_empty());
            assert!(!why_text(w, Lang::En).is_empty());
            assert_ne!(
                why_text(w, Lang::Zh),
                why_text(w, Lang::En).to_string() + "x"
            );
        }
    }

    #[test]
    fn durations_read_naturally() {
        // The diagrams: the units of the page's language (the headline's).
        assert_eq!(duration_text(7200.0, Lang::En), "2 h 0 min");
        assert_eq!(duration_text(7200.0, Lang::Zh), "2 小时 0 分");
        assert_eq!(duration_text(7875.03, Lang::Zh), "2 小时 11 分 15 秒");
        assert_eq!(duration_text(12.5, Lang::Zh), "12.5 秒");
        assert_eq!(duration_text(675.0, Lang::En), "11 min 15 s");
        assert_eq!(duration_text(7190.0, Lang::En), "1 h 59 min 50 s");
        assert_eq!(duration_text(3599.9, Lang::En), "1 h 0 min");
        assert_eq!(duration_text(599.9, Lang::En), "599.9 s");
        assert_eq!(duration_text(0.44, Lang::En), "0.44 s");
        // Prose.
        assert_eq!(span_text(0.01, Lang::Zh), "10 毫秒");
        assert_eq!(span_text(0.01, Lang::En), "10 ms");
        assert_eq!(span_text(5.0, Lang::En), "5 s");
        assert_eq!(span_text(28.18, Lang::Zh), "28.2 秒");
        assert_eq!(span_text(945.28, Lang::En), "15 min 45 s");
        assert_eq!(span_text(945.28, Lang::Zh), "15 分 45 秒");
        assert_eq!(span_text(7865.03, Lang::Zh), "2 小时 11 分");
        assert_eq!(span_text(7200.0, Lang::En), "2 h");
        assert_eq!(trim_num(10.0), "10");
        assert_eq!(trim_num(0.02), "0.02");
        assert_eq!(trim_num(7875.03), "7875.03");
        assert_eq!(fixed(0.0405, 4), "0.0405");
        assert_eq!(fixed(-1.25, 1), "-1.3");
        assert_eq!(fixed(12.0, 0), "12");
    }

    #[test]
    fn languages_parse() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn the_cap_note_names_the_bound_that_stopped_the_run() {
        use tcpsim::scenarios::{CapNote, MAX_RECORDS, MAX_SEGMENTS, MAX_STEPS};
        let note = |segments, records| CapNote {
            segments,
            records,
            at: 12.5,
            changed: Vec::new(),
        };
        let seg = cap_text(&note(MAX_SEGMENTS, 900), Lang::En);
        assert!(
            seg.contains(&format!("after {MAX_SEGMENTS} segments")),
            "{seg}"
        );
        let rec = cap_text(&note(120, MAX_RECORDS), Lang::En);
        assert!(
            rec.contains(&format!("{MAX_RECORDS} timer and kernel records")),
            "{rec}"
        );
        assert!(rec.contains("only 120 segments"), "{rec}");
        let steps = cap_text(&note(120, 300), Lang::Zh);
        assert!(steps.contains(&format!("{MAX_STEPS} 个事件")), "{steps}");
        assert!(steps.contains("只发出了 120 个报文段"), "{steps}");
    }
}
