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
    /// `answered_at`: when `by` sent data after the other side's last data
    /// (an answer at the application level, so that data had been read):
    /// then an abortive close on purpose is the likelier reading.
    ResetUnreadData {
        by: Side,
        at: f64,
        answered_at: Option<f64>,
    },
    /// `by` sent FIN at `fin_at`, then RST at `at`, answering nothing the
    /// capture shows: an abortive close after the orderly one.
    ResetAfterFin { by: Side, fin_at: f64, at: f64 },
    /// `by`'s RST at `at` answers the other side's MPTCP MP_FASTCLOSE (at
    /// `asked_at`): RFC 8684 3.5's abortive close of the MPTCP connection.
    MptcpFastClose { by: Side, asked_at: f64, at: f64 },
    /// `by` no longer had this connection: its RST answered the other
    /// side's segment at `at`, after silence since `silent_since`; but
    /// something rules out a reboot (`against`).
    SocketGone {
        by: Side,
        silent_since: f64,
        at: f64,
        against: NotReboot,
        answered_resend: Option<u32>,
    },
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
        evidence: Evidence,
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
        /// The capture went on past the next resend's time with none: the
        /// sender stopped, but too early or too briefly for Linux's
        /// retransmission timer to have run out (see `RetriesExhausted`).
        stopped: bool,
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
            Ending::ResetAfterFin { .. } => "reset_after_fin",
            Ending::MptcpFastClose { .. } => "mptcp_fast_close",
            Ending::SocketGone { .. } => "socket_gone",
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

/// What rules a reboot out when a side's RST says it no longer had the
/// connection.
#[derive(Clone, Debug, PartialEq)]
pub enum NotReboot {
    /// Its own FIN at this time: its application closed the connection.
    OwnFin(f64),
    /// This many other connections of its address carried segments before
    /// and after the silence.
    Others(u32),
    /// The silence before the RST was shorter than [`MIN_REBOOT_S`].
    TooSoon,
}

/// The shortest silence a reboot can hide behind, in seconds: a host that
/// restarts boots a kernel and brings its network up again, which takes
/// seconds; a RST after less silence than this came from a host that was
/// running.
pub(crate) const MIN_REBOOT_S: f64 = 1.0;

/// What shows a RST came from a third party in a side's name.
#[derive(Clone, Debug, PartialEq)]
pub enum Evidence {
    /// Another source MAC address than the side's usual one.
    Mac { seen: String, usual: String },
    /// Another number of hops (TTL below its initial value) than the side's
    /// usual segments: sent from somewhere else on the path.
    Hops { seen: u8, usual: u8 },
    /// Its sequence number is neither the receiver's RCV.NXT nor the
    /// claimed sender's SND.NXT, and it answers nothing.
    Sequence,
}

/// What the capture shows of a connection, before any reading of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Facts {
    /// Per side (client, server): segments sent, first and last (seconds).
    pub sent: [(u32, f64, f64); 2],
    pub fin: [Option<f64>; 2],
    pub rst: [Option<f64>; 2],
    /// The capture's end, in the connection's seconds.
    pub end: f64,
    /// Segments of this connection stamped earlier than the one before
    /// them, and segments so stamped in the whole capture.
    pub clock_back: u32,
    pub capture_clock_back: u64,
    /// The largest forward gap between consecutive segments, when it is
    /// beyond any connection's idle time (30 days): (where, size).
    pub jump: Option<(f64, f64)>,
}

/// A gap between segments larger than this is the clock's, not the
/// connection's (30 days).
pub(crate) const CLOCK_JUMP: f64 = 30.0 * 86_400.0;

/// What happened to a connection: the ending, and a line in each language.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnosis {
    pub ending: Ending,
    /// The facts seen, each `[zh, en]`: who sent what and when, what was
    /// silent, what the clock did.
    pub facts: Vec<[String; 2]>,
    /// The readings the facts allow, most likely first, each `[zh, en]`,
    /// with what would tell them apart.
    pub readings: Vec<[String; 2]>,
    /// Facts, then readings, as one text.
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

/// The most likely reading of an ending, `(en, zh)`.
fn first_reading(e: &Ending, f: &Facts) -> (String, String) {
    let w = |s: Side| s.word(Lang::En);
    let z = |s: Side| s.word(Lang::Zh);
    match *e {
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
        Ending::ResetAfterFin { by, fin_at, at } => (
            format!(
                "the {} closed (FIN at {}) and then aborted (RST at {}, {} later): the same close() ending abortively, with data arriving after it (Linux answers with RST) or SO_LINGER set to 0 after shutdown(); not a crash, and no data was left unread before the FIN",
                w(by),
                t_en(fin_at),
                t_en(at),
                gap_en(at - fin_at)
            ),
            format!(
                "{}先关闭（{}发 FIN），随后中止（{}发 RST，相隔 {}）：同一次 close() 以中止收尾，或是 close() 之后又有数据到达（Linux 回 RST），或是 shutdown() 之后以 SO_LINGER 为 0 关闭；不是崩溃，FIN 之前也没有未读的数据",
                z(by),
                t_zh(fin_at),
                t_zh(at),
                gap_zh(at - fin_at)
            ),
        ),
        Ending::MptcpFastClose { by, asked_at, at } => (
            format!(
                "the {} ended the MPTCP connection abortively: its MP_FASTCLOSE at {} asks the {} to drop the whole connection, and the {}'s RST at {} answers it (RFC 8684 3.5); not unread data",
                w(by.other()),
                t_en(asked_at),
                w(by),
                w(by),
                t_en(at)
            ),
            format!(
                "{}以中止方式结束了 MPTCP 连接：它在 {}发出 MP_FASTCLOSE，要求{}丢弃整个连接，{}在 {}用 RST 作答（RFC 8684 3.5）；并不是有数据没读",
                z(by.other()),
                t_zh(asked_at),
                z(by),
                z(by),
                t_zh(at)
            ),
        ),
        Ending::SocketGone {
            by,
            silent_since,
            at,
            ref against,
            ..
        } => {
            let up_en = "so the host was up and only this socket was gone (an abortive close whose RST did not get through, a killed socket, or a NAT or firewall in between that forgot the flow and answered for it)";
            let up_zh = "说明主机一直在运行，只是这个套接字没了（中止关闭的 RST 没有送达、套接字被强制关闭，或者路径上的 NAT、防火墙忘了这条流并代为回应）";
            let (why_en, why_zh) = match *against {
                NotReboot::OwnFin(fin) => (
                    format!(
                        "it had sent its own FIN at {}, so its application closed the connection and the kernel later dropped the socket (the FIN_WAIT_2 timeout, tcp_fin_timeout, 60 s on Linux; or an abortive close)",
                        t_en(fin)
                    ),
                    format!(
                        "它在 {}自己发过 FIN，说明应用已经关闭了连接，内核后来释放了这个套接字（FIN_WAIT_2 超时，Linux 的 tcp_fin_timeout 为 60 秒；或者中止关闭）",
                        t_zh(fin)
                    ),
                ),
                NotReboot::Others(others) => (
                    format!(
                        "its address kept {} running across the silence (segments from it after this RST, on connections it had before the silence), {up_en}",
                        if others == 1 { "another connection".to_string() } else { format!("{others} other connections") }
                    ),
                    format!(
                        "它的地址上另有 {others} 条连接在这段沉默之前就已存在、在这个 RST 之后仍由它发出报文，{up_zh}"
                    ),
                ),
                NotReboot::TooSoon => (
                    format!(
                        "it had been silent for only {}, far less than a host needs to restart (boot a kernel and bring its network up again), {up_en}",
                        gap_en(at - silent_since)
                    ),
                    format!(
                        "它只沉默了 {}，远不够一台主机重启（启动内核、重新配好网络），{up_zh}",
                        gap_zh(at - silent_since)
                    ),
                ),
            };
            (
                format!(
                    "the {} no longer had the connection: its RST at {} answered the {}'s segment after silence since {}; not a reboot: {why_en}",
                    w(by),
                    t_en(at),
                    w(by.other()),
                    t_en(silent_since)
                ),
                format!(
                    "{}已经没有这条连接：它从 {}起沉默，{}用 RST 回应了{}的报文；不是重启：{why_zh}",
                    z(by),
                    t_zh(silent_since),
                    t_zh(at),
                    z(by.other())
                ),
            )
        }
        Ending::ResetUnreadData {
            by,
            at,
            answered_at,
        } => {
            // The other side had closed already: no call of its application
            // is left to fail (a close() leaves none; only after shutdown()
            // would a recv() see ECONNRESET).
            let o = by.other() as usize;
            let told = f.fin[o].is_none_or(|fin| fin > at);
            match answered_at {
                None => unread_reading(by, at, told),
                Some(answered) => abort_reading(by, at, answered, told),
            }
        }
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
        Ending::ThirdParty {
            victim,
            at,
            syn_at,
            ref evidence,
        } => {
            let (ev_en, ev_zh) = match evidence {
                Evidence::Mac { seen, usual } => (
                    format!(
                        "its source MAC address {seen} is not the {}'s ({usual})",
                        w(victim)
                    ),
                    format!("它的源 MAC 地址 {seen} 不是{}的（{usual}）", z(victim)),
                ),
                Evidence::Hops { seen, usual } => (
                    format!(
                        "it arrived with TTL {seen}, {} hops from its sender, while the {}'s segments arrived with TTL {usual}, {} hops: it was sent from another place on the path",
                        hops(*seen),
                        w(victim),
                        hops(*usual)
                    ),
                    format!(
                        "它到达时 TTL 为 {seen}（离发送方 {} 跳），而{}的报文到达时 TTL 为 {usual}（{} 跳）：它是从路径上另一处发出的",
                        hops(*seen),
                        z(victim),
                        hops(*usual)
                    ),
                ),
                Evidence::Sequence => (
                    "its sequence number is neither the receiver's next expected one nor its claimed sender's next one, and it answers no segment".to_string(),
                    "它的序号既不是接收方期待的下一个序号，也不是冒称的发送方的下一个序号，也没有在回应任何报文".to_string(),
                ),
            };
            let (pre_en, pre_zh) = match syn_at {
                Some(s) => (
                    format!(" after a forged SYN at {} drew a challenge ACK", t_en(s)),
                    format!("；在此之前，{}的伪造 SYN 引出了一个挑战 ACK", t_zh(s)),
                ),
                None => (String::new(), String::new()),
            };
            (
                format!(
                    "reset by a third party: a forged RST in the {}'s name was accepted by the {} at {}{} (evidence: {ev_en}; a middlebox such as a firewall or load balancer resetting the flow leaves the same marks)",
                    w(victim),
                    w(victim.other()),
                    t_en(at),
                    pre_en
                ),
                format!(
                    "被第三方复位：一个冒用{}地址的伪造 RST 在 {}被{}接受{}（证据：{ev_zh}；防火墙、负载均衡等中间设备复位这条流，留下的痕迹相同）",
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
            stopped,
        } => {
            let across = f.jump.is_some_and(|(at, _)| first < at && at <= last);
            let (span_en, span_zh) = if across || f.clock_back > 0 {
                (
                    " (over a span the capture's clock jumps or runs backwards in: not computed)"
                        .to_string(),
                    "（其间抓包的时钟跳变或倒退，不计算时长）".to_string(),
                )
            } else {
                (
                    format!(" over {}", t_en(last - first)),
                    format!("在 {}内", t_zh(last - first)),
                )
            };
            let (tail_en, tail_zh) = if f.clock_back > 0 || f.capture_clock_back > 0 {
                (
                    "; the capture's clock runs backwards, so how long the sender went on cannot be read from it".to_string(),
                    "；抓包的时钟有倒退，无法据此判断发送方又坚持了多久".to_string(),
                )
            } else if stopped {
                (
                    format!(
                        "; the capture went on to {} with no further resend, too soon for Linux's retransmission timer to have run out: the {} stopped (an application or TCP_USER_TIMEOUT timeout, or later resends took another path than the capture point's)",
                        t_en(f.end),
                        w(by)
                    ),
                    format!(
                        "；抓包一直持续到 {}，再没有重传，按 Linux 的重传定时器还不到放弃的时候：{}停止了重传（应用或 TCP_USER_TIMEOUT 超时，或者后来的重传走了别的路径，没经过抓包点）",
                        t_zh(f.end),
                        z(by)
                    ),
                )
            } else {
                (
                    format!("; the capture ends before the {} gave up", w(by)),
                    "；抓包在它放弃之前就结束了".to_string(),
                )
            };
            (
                format!(
                    "the {} retransmitted {}{span_en} with no answer{tail_en}",
                    w(by),
                    times_en(resends),
                ),
                format!("{}{span_zh}重传了 {} 次都没有回应{tail_zh}", z(by), resends),
            )
        }
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
    }
}

/// RST instead of FIN, with the other side's data not answered: most
/// likely unread data at close (Linux `tcp_close`: data_was_unread).
fn unread_reading(by: Side, at: f64, told: bool) -> (String, String) {
    let w = |s: Side| s.word(Lang::En);
    let z = |s: Side| s.word(Lang::Zh);
    let (tail_en, tail_zh) = reset_news(by.other(), told);
    (
        format!(
            "the {} closed with data still unread: its kernel sent RST instead of FIN at {}{tail_en}",
            w(by),
            t_en(at)
        ),
        format!(
            "{}关闭时还有数据没读：内核在 {}发出 RST 而不是 FIN{tail_zh}",
            z(by),
            t_zh(at)
        ),
    )
}

/// What the RST's receiver hears of it: its recv() fails, unless it had
/// sent its own FIN before (then a close() left no call to fail).
fn reset_news(to: Side, told: bool) -> (String, String) {
    if told {
        (
            format!(
                ", and the {}'s recv() returns ECONNRESET",
                to.word(Lang::En)
            ),
            format!("，{}的 recv() 返回 ECONNRESET", to.word(Lang::Zh)),
        )
    } else {
        (
            format!(
                "; the {} had sent its FIN before, so if it had called close() no call of its application is left to fail (after shutdown(), a recv() returns ECONNRESET)",
                to.word(Lang::En)
            ),
            format!(
                "；{}之前已经发过 FIN，如果它调用的是 close()，应用里已经没有调用会因此失败（如果只是 shutdown()，recv() 返回 ECONNRESET）",
                to.word(Lang::Zh)
            ),
        )
    }
}

/// RST instead of FIN from a side that had answered the other's last data
/// (so it had read it): an abortive close on purpose is the likelier one.
fn abort_reading(by: Side, at: f64, answered: f64, told: bool) -> (String, String) {
    let w = |s: Side| s.word(Lang::En);
    let z = |s: Side| s.word(Lang::Zh);
    let (tail_en, tail_zh) = reset_news(by.other(), told);
    (
        format!(
            "the {}'s application aborted the connection at {} (SO_LINGER with a zero timeout): it had answered the {}'s last data at {}, so that data had been read, and on Linux a close() with nothing unread sends FIN, not RST{tail_en}",
            w(by),
            t_en(at),
            w(by.other()),
            t_en(answered)
        ),
        format!(
            "{}的应用在 {}中止了连接（SO_LINGER 超时设为 0）：它在 {}已经回应了{}最后发来的数据，说明这些数据已经读过；而在 Linux 上，没有未读数据时 close() 发的是 FIN，不是 RST{tail_zh}",
            z(by),
            t_zh(at),
            t_zh(answered),
            z(by.other())
        ),
    )
}

fn gap_en(x: f64) -> String {
    if x < 0.001 {
        format!("{} µs", (x * 1e6).round() as u64)
    } else {
        t_en(x)
    }
}

fn gap_zh(x: f64) -> String {
    if x < 0.001 {
        format!("{} 微秒", (x * 1e6).round() as u64)
    } else {
        t_zh(x)
    }
}

/// Hops a packet took, from its TTL: the distance below the nearest common
/// initial TTL at or above it (32, 64, 128, 255).
pub(crate) fn hops(ttl: u8) -> u8 {
    let init = [32u8, 64, 128, 255]
        .into_iter()
        .find(|&i| i >= ttl)
        .unwrap_or(255);
    init - ttl
}

/// The facts, `[zh, en]` each.
fn fact_lines(f: &Facts) -> Vec<[String; 2]> {
    let mut out = Vec::new();
    for (i, side) in [Side::Client, Side::Server].into_iter().enumerate() {
        let (n, first, last) = f.sent[i];
        let (w, z) = (side.word(Lang::En), side.word(Lang::Zh));
        if n == 0 {
            out.push([
                format!("{z}没有发出任何报文"),
                format!("the {w} sent nothing"),
            ]);
            continue;
        }
        let mut en = format!(
            "the {w} sent {n} segment{} from {} to {}",
            if n == 1 { "" } else { "s" },
            t_en(first),
            t_en(last)
        );
        let mut zh = format!("{z}从 {}到 {}发了 {n} 个报文段", t_zh(first), t_zh(last));
        if let Some(x) = f.fin[i] {
            en.push_str(&format!(", its FIN at {}", t_en(x)));
            zh.push_str(&format!("，{}发 FIN", t_zh(x)));
        }
        if let Some(x) = f.rst[i] {
            en.push_str(&format!(", a RST at {}", t_en(x)));
            zh.push_str(&format!("，{}发 RST", t_zh(x)));
        }
        out.push([zh, en]);
    }
    out.push([
        format!("抓包在 {}结束", t_zh(f.end)),
        format!("the capture ends at {}", t_en(f.end)),
    ]);
    if f.clock_back > 0 {
        out.push([
            format!(
                "抓包的时间戳在这条连接里倒退了 {} 次（报文按时间排序后解读）",
                f.clock_back
            ),
            format!(
                "the capture's clock runs backwards {} among this connection's segments (they are read in time order)",
                times_en(f.clock_back)
            ),
        ]);
    }
    if f.clock_back == 0 && f.capture_clock_back > 0 {
        out.push([
            format!(
                "抓包的时间戳在其他连接里倒退了 {} 次：抓包的结束时间不能用来推断这条连接之后的沉默",
                f.capture_clock_back
            ),
            format!(
                "the capture's clock runs backwards {} elsewhere in the capture: its end says nothing about how long this connection stayed silent",
                times_en(f.capture_clock_back as u32)
            ),
        ]);
    }
    if let Some((at, by)) = f.jump {
        out.push([
            format!(
                "抓包的时钟在 {}处向前跳了 {}：跨过这次跳变的时长不计算",
                t_zh(at),
                t_zh(by)
            ),
            format!(
                "the capture's clock jumps forward by {} at {}: no duration is computed across it",
                t_en(by),
                t_en(at)
            ),
        ]);
    }
    out
}

/// Readings after the first, `(en, zh)`: what else the facts allow, and
/// what would tell the readings apart.
fn other_readings(e: &Ending) -> Vec<(String, String)> {
    let w = |s: Side| s.word(Lang::En);
    let z = |s: Side| s.word(Lang::Zh);
    match *e {
        Ending::PeerRebooted { by, .. } => vec![(
            format!(
                "or only this socket was gone while the {} stayed up (killed with ss -K, an abortive close whose RST was lost, or a NAT or firewall that forgot the flow answering for it): a reboot also ends the host's other connections and its next SYN starts a new timestamp clock; no other connection of its address is in the capture to tell",
                w(by)
            ),
            format!(
                "也可能{}并没有重启，只是这个套接字没了（被 ss -K 强制关闭、中止关闭的 RST 丢失，或者忘了这条流的 NAT、防火墙代为回应）：重启会同时终结这台主机的其他连接，它之后的 SYN 也会带着重新开始的时间戳；抓包里没有它地址上的其他连接可供分辨",
                z(by)
            ),
        )],
        Ending::ResetUnreadData {
            by,
            answered_at: None,
            ..
        } => vec![(
            format!(
                "or the {}'s application aborted on purpose (SO_LINGER with a zero timeout): the same RST on the wire; unread data is the likelier one when the {} had sent data the {} had not answered at the application level",
                w(by),
                w(by.other()),
                w(by)
            ),
            format!(
                "也可能是{}的应用有意中止（SO_LINGER 超时设为 0）：线上的 RST 完全一样；如果{}发出的数据还没有得到{}应用层面的回应，更可能是有数据没读",
                z(by),
                z(by.other()),
                z(by)
            ),
        )],
        Ending::ResetUnreadData {
            by,
            answered_at: Some(_),
            ..
        } => vec![(
            format!(
                "or the {} closed with data still unread after all (a request it had read only in part): its kernel then sends RST instead of FIN, the same on the wire",
                w(by)
            ),
            format!(
                "也可能{}关闭时还是有数据没读（请求只读了一部分）：这时内核发 RST 而不是 FIN，线上看起来一样",
                z(by)
            ),
        )],
        Ending::KeepaliveGaveUp { by, .. } | Ending::KeepaliveUnanswered { by, .. } => vec![(
            format!(
                "the probes' timing and the RST when keepalive gives up are Linux's (tcp_keepalive_timer); the silence itself fits a crashed or disconnected {} and a path that drops the {}'s segments alike: only a capture on the other side tells them apart",
                w(by.other()),
                w(by)
            ),
            format!(
                "探测的间隔和保活放弃时发 RST 都是 Linux 的行为（tcp_keepalive_timer）；这段沉默既可能是{}崩溃或断网，也可能是路径丢弃了{}的报文：只有在另一端抓包才能分辨",
                z(by.other()),
                z(by)
            ),
        )],
        Ending::Unanswered { by, .. } | Ending::RetriesExhausted { by, .. } => vec![(
            format!(
                "no answer fits a crashed {}, a path that drops segments, and a capture point the answers do not pass alike: a capture on the {}'s side tells them apart",
                w(by.other()),
                w(by.other())
            ),
            format!(
                "没有回应，既可能是{}崩溃，也可能是路径丢包，或者回应没有经过抓包点：在{}那一侧抓包就能分辨",
                z(by.other()),
                z(by.other())
            ),
        )],
        _ => Vec::new(),
    }
}

pub(crate) fn diagnose(e: &Ending, f: &Facts) -> Diagnosis {
    let facts = fact_lines(f);
    let (en, zh) = first_reading(e, f);
    let mut readings = vec![[zh, en]];
    for (en, zh) in other_readings(e) {
        readings.push([zh, en]);
    }
    let join = |k: usize, sep: &str| -> String {
        facts
            .iter()
            .map(|l| l[k].clone())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let (seen_zh, seen_en) = (join(0, "；"), join(1, "; "));
    let zh = if readings.len() == 1 {
        format!("所见：{seen_zh}。解读：{}", readings[0][0])
    } else {
        let list: Vec<String> = readings
            .iter()
            .enumerate()
            .map(|(i, r)| format!("（{}）{}", i + 1, r[0]))
            .collect();
        format!("所见：{seen_zh}。解读（可能性从高到低）：{}", list.join(""))
    };
    let en = if readings.len() == 1 {
        format!("Seen: {seen_en}. Reading: {}", readings[0][1])
    } else {
        let list: Vec<String> = readings
            .iter()
            .enumerate()
            .map(|(i, r)| format!("({}) {}", i + 1, r[1]))
            .collect();
        format!(
            "Seen: {seen_en}. Readings, most likely first: {}",
            list.join(" ")
        )
    };
    Diagnosis {
        ending: e.clone(),
        facts,
        readings,
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
