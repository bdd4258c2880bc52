//! How a connection ended, in one line per language. Times are seconds
//! since the connection's first segment, as in the trace.

use crate::{Lang, Side};

/// How a connection ended, as the capture shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Ending {
    /// FIN both ways: `first` closed at `at`, the other at `second_at`.
    Closed {
        first: Side,
        at: f64,
        second_at: f64,
    },
    /// `by` sent FIN at `at`; the other side had not closed when the
    /// capture ended.
    HalfClosed { by: Side, at: f64 },
    /// `by` had closed (FIN at `fin_at`); the other side kept writing and
    /// `by`'s kernel answered with RST at `at`.
    ResetAfterClose { by: Side, fin_at: f64, at: f64 },
    /// `by` closed with data unread: RST instead of FIN, at `at`.
    ResetUnreadData { by: Side, at: f64 },
    /// `by` no longer had the connection (it rebooted, most likely): its RST
    /// answered the other side's segment at `at`; it had been silent since
    /// `silent_since`. `answered_resend`: the resend count of the segment it
    /// answered, when that was a retransmission.
    PeerRebooted {
        by: Side,
        silent_since: f64,
        at: f64,
        answered_resend: Option<u32>,
    },
    /// `by` rebooted and sent a SYN from the same port at `syn_at`; the
    /// other side's challenge ACK drew its RST at `at`, which closed the old
    /// connection; `new_handshake` when a new connection followed.
    Reconnected {
        by: Side,
        syn_at: f64,
        at: f64,
        new_handshake: bool,
    },
    /// The SYN was answered with RST at `at`: nothing listens there.
    Refused { at: f64 },
    /// A third party's RST, in `victim`'s name, was accepted at `at`;
    /// `syn_at`: its forged SYN, if it sent one first.
    ThirdParty {
        victim: Side,
        at: f64,
        syn_at: Option<f64>,
    },
    /// `by`'s keepalive gave up after `probes` probes at `at` (RST sent);
    /// the peer had been silent since `silent_since`.
    KeepaliveGaveUp {
        by: Side,
        probes: u32,
        silent_since: f64,
        at: f64,
    },
    /// `probes` keepalive probes from `by` unanswered when the capture ends.
    KeepaliveUnanswered {
        by: Side,
        probes: u32,
        silent_since: f64,
    },
    /// `by` retransmitted `resends` times from `first` with no answer; its
    /// retransmission timer ran out at about `at`, while the capture went
    /// on (inferred: Linux sends nothing when it gives up).
    RetriesExhausted {
        by: Side,
        resends: u32,
        first: f64,
        at: f64,
    },
    /// `by` retransmitted `resends` times from `first` to `last` with no
    /// answer; the capture ends before it could give up.
    Unanswered {
        by: Side,
        resends: u32,
        first: f64,
        last: f64,
    },
    /// The SYN was sent `sends` times with no answer.
    SynUnanswered { sends: u32, first: f64, last: f64 },
    /// The server answered `syns` SYNs with `synacks` SYN-ACKs, the last
    /// segment at `last`, and the client never acknowledged one.
    HandshakeIncomplete { syns: u32, synacks: u32, last: f64 },
    /// Another RST (an abort), from `by` at `at`.
    Reset { by: Side, at: f64 },
    /// Still open at the end of the capture (`until`), idle since
    /// `idle_since`; `keepalive_answered` probes were answered.
    Open {
        idle_since: f64,
        until: f64,
        keepalive_answered: u32,
    },
}

impl Ending {
    /// The ending's name in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Ending::Closed { .. } => "closed",
            Ending::HalfClosed { .. } => "half_closed",
            Ending::ResetAfterClose { .. } => "reset_after_close",
            Ending::ResetUnreadData { .. } => "reset_unread_data",
            Ending::PeerRebooted { .. } => "peer_rebooted",
            Ending::Reconnected { .. } => "reconnected",
            Ending::Refused { .. } => "refused",
            Ending::ThirdParty { .. } => "third_party_reset",
            Ending::KeepaliveGaveUp { .. } => "keepalive_gave_up",
            Ending::KeepaliveUnanswered { .. } => "keepalive_unanswered",
            Ending::RetriesExhausted { .. } => "retries_exhausted",
            Ending::Unanswered { .. } => "unanswered",
            Ending::SynUnanswered { .. } => "syn_unanswered",
            Ending::HandshakeIncomplete { .. } => "handshake_incomplete",
            Ending::Reset { .. } => "reset",
            Ending::Open { .. } => "open",
        }
    }
}

/// What happened to a connection: the ending, and a line in each language.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnosis {
    pub ending: Ending,
    pub zh: String,
    pub en: String,
}

impl Diagnosis {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Seconds with three decimals, by integer arithmetic (float formatting
/// would add some 20 KB to the wasm build).
pub(crate) fn fixed3(x: f64) -> String {
    let ms = (x.abs() * 1000.0).round() as u64;
    let sign = if x < 0.0 && ms > 0 { "-" } else { "" };
    format!("{sign}{}.{:03}", ms / 1000, ms % 1000)
}

fn t_en(x: f64) -> String {
    format!("{} s", fixed3(x))
}

fn t_zh(x: f64) -> String {
    format!("{} 秒", fixed3(x))
}

/// "once", "twice", "3 times".
fn times_en(n: u32) -> String {
    match n {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    }
}

/// "the 6th retransmission", "第 6 次重传".
fn nth_en(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

pub(crate) fn diagnose(e: &Ending) -> Diagnosis {
    let w = |s: Side| s.word(Lang::En);
    let z = |s: Side| s.word(Lang::Zh);
    let (en, zh) = match *e {
        Ending::Closed {
            first,
            at,
            second_at,
        } => (
            format!(
                "closed normally: the {} sent FIN at {}, the {} closed its side too at {}",
                w(first),
                t_en(at),
                w(first.other()),
                t_en(second_at)
            ),
            format!(
                "正常关闭：{}在 {}发出 FIN，{}在 {}也关闭了自己这一端",
                z(first),
                t_zh(at),
                z(first.other()),
                t_zh(second_at)
            ),
        ),
        Ending::HalfClosed { by, at } => (
            format!(
                "half-closed: the {} sent FIN at {}; the {} had not closed its side when the capture ended",
                w(by),
                t_en(at),
                w(by.other())
            ),
            format!(
                "半关闭：{}在 {}发出 FIN，抓包结束时{}还没有关闭自己这一端",
                z(by),
                t_zh(at),
                z(by.other())
            ),
        ),
        Ending::ResetAfterClose { by, fin_at, at } => (
            format!(
                "the {} closed at {} but the {} kept writing: the {}'s kernel answered the data with RST at {} (the writer's next send() fails with EPIPE)",
                w(by),
                t_en(fin_at),
                w(by.other()),
                w(by),
                t_en(at)
            ),
            format!(
                "{}在 {}已经关闭连接，{}却还在写：{}的内核在 {}用 RST 回应这些数据（写方下一次 send() 返回 EPIPE）",
                z(by),
                t_zh(fin_at),
                z(by.other()),
                z(by),
                t_zh(at)
            ),
        ),
        Ending::ResetUnreadData { by, at } => (
            format!(
                "the {} closed with data still unread: its kernel sent RST instead of FIN at {}, and the {}'s recv() returns ECONNRESET",
                w(by),
                t_en(at),
                w(by.other())
            ),
            format!(
                "{}关闭时还有数据没读：内核在 {}发出 RST 而不是 FIN，{}的 recv() 返回 ECONNRESET",
                z(by),
                t_zh(at),
                z(by.other())
            ),
        ),
        Ending::PeerRebooted {
            by,
            silent_since,
            at,
            answered_resend,
        } => {
            let (what_en, what_zh) = match answered_resend {
                Some(n) => (
                    format!("{} retransmission", nth_en(n)),
                    format!("第 {n} 次重传"),
                ),
                None => ("segment".to_string(), "报文".to_string()),
            };
            (
                format!(
                    "the {} rebooted (it no longer knew the connection): its RST answered the {}'s {} at {}, after silence since {}",
                    w(by),
                    w(by.other()),
                    what_en,
                    t_en(at),
                    t_en(silent_since)
                ),
                format!(
                    "{}重启过，已经不认识这条连接：它从 {}起没有任何报文，{}用 RST 回应了{}的{}",
                    z(by),
                    t_zh(silent_since),
                    t_zh(at),
                    z(by.other()),
                    what_zh
                ),
            )
        }
        Ending::Reconnected {
            by,
            syn_at,
            at,
            new_handshake,
        } => (
            format!(
                "the {} rebooted and reconnected from the same port at {}: the {} answered the SYN with a challenge ACK, the {}'s RST closed the old connection at {}{}",
                w(by),
                t_en(syn_at),
                w(by.other()),
                w(by),
                t_en(at),
                if new_handshake { ", and a new connection followed" } else { "" }
            ),
            format!(
                "{}重启后在 {}用同一个端口重新连接：{}对这个 SYN 回了挑战 ACK，{}随即发出 RST，旧连接在 {}就此结束{}",
                z(by),
                t_zh(syn_at),
                z(by.other()),
                z(by),
                t_zh(at),
                if new_handshake { "，之后建立了新连接" } else { "" }
            ),
        ),
        Ending::Refused { at } => (
            format!(
                "connection refused: the SYN was answered with RST at {} (nothing listens on that port)",
                t_en(at)
            ),
            format!(
                "连接被拒绝：SYN 在 {}换来一个 RST（这个端口上没有进程监听）",
                t_zh(at)
            ),
        ),
        Ending::ThirdParty { victim, at, syn_at } => {
            let (pre_en, pre_zh) = match syn_at {
                Some(s) => (
                    format!(" after a forged SYN at {} drew a challenge ACK", t_en(s)),
                    format!("；在此之前，{}的伪造 SYN 引出了一个挑战 ACK", t_zh(s)),
                ),
                None => (String::new(), String::new()),
            };
            (
                format!(
                    "reset by a third party: a forged RST in the {}'s name was accepted by the {} at {}{}",
                    w(victim),
                    w(victim.other()),
                    t_en(at),
                    pre_en
                ),
                format!(
                    "被第三方复位：一个冒用{}地址的伪造 RST 在 {}被{}接受{}",
                    z(victim),
                    t_zh(at),
                    z(victim.other()),
                    pre_zh
                ),
            )
        }
        Ending::KeepaliveGaveUp {
            by,
            probes,
            silent_since,
            at,
        } => (
            format!(
                "half-open from {}: the {} stopped answering; the {}'s keepalive gave up after {} probes at {} (RST sent, recv() returns ETIMEDOUT)",
                t_en(silent_since),
                w(by.other()),
                w(by),
                probes,
                t_en(at)
            ),
            format!(
                "从 {}起半开：{}不再应答；{}发了 {} 个保活探测都没有回应，在 {}放弃（发出 RST，recv() 返回 ETIMEDOUT）",
                t_zh(silent_since),
                z(by.other()),
                z(by),
                probes,
                t_zh(at)
            ),
        ),
        Ending::KeepaliveUnanswered {
            by,
            probes,
            silent_since,
        } => (
            format!(
                "half-open from {}: the {} stopped answering; {} keepalive probes from the {} went unanswered, and the capture ends before keepalive gave up",
                t_en(silent_since),
                w(by.other()),
                probes,
                w(by)
            ),
            format!(
                "从 {}起半开：{}不再应答；{}的 {} 个保活探测都没有回应，抓包在保活放弃之前就结束了",
                t_zh(silent_since),
                z(by.other()),
                z(by),
                probes
            ),
        ),
        Ending::RetriesExhausted {
            by,
            resends,
            first,
            at,
        } => (
            format!(
                "the {} retransmitted {} from {} with no answer and gave up at about {} (inferred: Linux sends nothing then; recv() returns ETIMEDOUT)",
                w(by),
                times_en(resends),
                t_en(first),
                t_en(at)
            ),
            format!(
                "{}从 {}起重传了 {} 次都没有回应，大约在 {}放弃（推断：Linux 放弃时不发任何报文；recv() 返回 ETIMEDOUT）",
                z(by),
                t_zh(first),
                resends,
                t_zh(at)
            ),
        ),
        Ending::Unanswered {
            by,
            resends,
            first,
            last,
        } => (
            format!(
                "the {} retransmitted {} over {} with no answer; the capture ends before the {} gave up",
                w(by),
                times_en(resends),
                t_en(last - first),
                w(by)
            ),
            format!(
                "{}在 {}内重传了 {} 次都没有回应；抓包在它放弃之前就结束了",
                z(by),
                t_zh(last - first),
                resends
            ),
        ),
        Ending::SynUnanswered { sends: 1, .. } => (
            "the SYN got no answer before the capture ended".to_string(),
            "SYN 在抓包结束前没有得到任何回应".to_string(),
        ),
        Ending::SynUnanswered { sends, first, last } => (
            format!(
                "the SYN was sent {} over {} with no answer: the server is unreachable or drops it",
                times_en(sends),
                t_en(last - first)
            ),
            format!(
                "SYN 在 {}内发了 {} 次都没有回应：服务端不可达，或者 SYN 被丢弃了",
                t_zh(last - first),
                sends
            ),
        ),
        Ending::HandshakeIncomplete { syns, synacks, last } => (
            format!(
                "the handshake never completed: the client sent its SYN {} and the server answered with {} SYN-ACKs up to {}, none of them acknowledged (the SYN-ACKs do not reach the client, or its ACK does not come back)",
                times_en(syns),
                synacks,
                t_en(last)
            ),
            format!(
                "三次握手始终没有完成：客户端发了 {} 次 SYN，服务端回了 {} 个 SYN-ACK（直到 {}），没有一个得到确认（SYN-ACK 到不了客户端，或者客户端的 ACK 回不来）",
                syns,
                synacks,
                t_zh(last)
            ),
        ),
        Ending::Reset { by, at } => (
            format!("aborted: the {} sent RST at {}", w(by), t_en(at)),
            format!("连接中止：{}在 {}发出 RST", z(by), t_zh(at)),
        ),
        Ending::Open {
            idle_since,
            until,
            keepalive_answered,
        } => {
            if keepalive_answered > 0 {
                (
                    format!(
                        "still open when the capture ends at {}: {} keepalive probes were answered, so the peer was alive",
                        t_en(until),
                        keepalive_answered
                    ),
                    format!(
                        "抓包结束（{}）时连接仍然打开：{} 个保活探测都得到了回应，对端还活着",
                        t_zh(until),
                        keepalive_answered
                    ),
                )
            } else {
                (
                    format!(
                        "still open when the capture ends at {}, idle since {} (an idle connection sends nothing, so a dead peer would look the same)",
                        t_en(until),
                        t_en(idle_since)
                    ),
                    format!(
                        "抓包结束（{}）时连接仍然打开，从 {}起一直空闲（空闲连接上没有报文，对端即使已经宕机，看起来也是这样）",
                        t_zh(until),
                        t_zh(idle_since)
                    ),
                )
            }
        }
    };
    Diagnosis {
        ending: e.clone(),
        zh,
        en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_have_three_decimals_like_float_formatting() {
        for x in [
            0.0, 0.0004, 0.0005, 1.0, 2.0206, 8.8146, 6.81299, 924.6, 7875.030,
        ] {
            assert_eq!(
                fixed3(x),
                format!("{x:.3}").replace("-0.000", "0.000"),
                "{x}"
            );
        }
        assert_eq!(fixed3(-1.5), "-1.500");
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .map(nth_en)
            .to_vec();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }
}
