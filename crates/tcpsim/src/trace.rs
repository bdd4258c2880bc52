//! The trace: everything a run produced, as typed records.
//!
//! This is the contract between the simulator and everything that shows it
//! (the text and SVG renderers, the pcap writer, the JSON output, the web
//! page). Times are seconds since the start of the run (`f64`); sequence and
//! acknowledgment numbers are given both absolute and relative (see
//! [`relativize`]), as tcpdump prints them.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

mod relativize;
mod why;
pub use relativize::{relativize, relativize_few, WireKey};

/// One whole run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Scenario id, e.g. `keepalive-peer-dead`.
    pub scenario: String,
    /// Where it comes from: the simulator, a real-kernel recording of a
    /// scenario, or a capture of a reader's own.
    pub origin: Origin,
    /// Effective parameter values (defaults filled in), by parameter name.
    pub params: BTreeMap<String, i64>,
    /// The hosts taking part, in lifeline order (client first, then server,
    /// then any third party).
    pub hosts: Vec<HostInfo>,
    /// Every segment put on the wire, in the order it was sent.
    pub packets: Vec<Packet>,
    /// Everything else that happened, in time order.
    pub events: Vec<Event>,
    /// Virtual time at which the run stopped (seconds).
    pub end_at: f64,
    /// Why the run stopped (`quiet`: nothing left to happen; `horizon`: the
    /// scenario's time limit was reached with timers still pending;
    /// `event_limit`: the run reached the cap on segments or events, see
    /// `scenarios::MAX_SEGMENTS`).
    pub stop: StopReason,
    /// When each application learned what happened, and what it saw (see
    /// [`crate::outcome`]).
    pub outcome: Vec<crate::outcome::Outcome>,
}

/// Where a trace comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Simulated: every record is the simulator's own.
    Simulation,
    /// A scenario recorded on Linux (tests/kernel): segments and
    /// application results as observed.
    Recording,
    /// A capture file: segments as captured; reasons, states and results
    /// are inferred from them.
    Capture,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Simulation => "simulation",
            Origin::Recording => "recording",
            Origin::Capture => "capture",
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    Quiet,
    Horizon,
    EventLimit,
}

/// A host on the simulated network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostInfo {
    /// `client`, `server` or `attacker`.
    pub name: String,
    /// IPv4 address, dotted quad.
    pub ip: String,
}

/// TCP header flags as tcpdump names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Flag {
    Syn,
    Fin,
    Rst,
    Psh,
    Ack,
}

impl Flag {
    /// The TCP header bit.
    pub fn bit(self) -> u8 {
        match self {
            Flag::Fin => 0x01,
            Flag::Syn => 0x02,
            Flag::Rst => 0x04,
            Flag::Psh => 0x08,
            Flag::Ack => 0x10,
        }
    }
}

/// tcpdump's flag string: `S`, `S.`, `.`, `P.`, `F.`, `R`, `R.`.
pub fn tcpdump_flags(flags: &[Flag]) -> String {
    let mut s = String::new();
    for (f, c) in [
        (Flag::Syn, 'S'),
        (Flag::Fin, 'F'),
        (Flag::Psh, 'P'),
        (Flag::Rst, 'R'),
    ] {
        if flags.contains(&f) {
            s.push(c);
        }
    }
    if flags.contains(&Flag::Ack) {
        s.push('.');
    }
    if s.is_empty() {
        s.push_str("none");
    }
    s
}

/// Why a loss happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// The destination host was down (crashed, or still booting).
    HostDown,
    /// The link dropped it (random loss).
    Link,
    /// The path was cut (a partition) when it passed.
    Partition,
    /// A middlebox on the path had no flow entry for it and dropped it (or
    /// answered it with a RST).
    Middlebox,
}

/// Why the kernel (or the third party) sent a segment. The renderers turn
/// these into words; [`Why::rule`] names the source of the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// connect(): the first SYN.
    Connect,
    /// SYN retransmitted by the SYN_SENT retransmission timer.
    SynRetransmit,
    /// Listener's SYN-ACK.
    SynAck,
    /// Third ACK of the handshake.
    HandshakeAck,
    /// Application data (first transmission).
    Data,
    /// Pure ACK for received data or FIN.
    Ack,
    /// An ACK held back and sent by the delayed-ACK timer (Linux
    /// `tcp_send_delayed_ack`, `tcp_delack_timer_handler`).
    DelayedAck,
    /// The ACK again, from TIME_WAIT, for a retransmitted FIN (RFC 9293
    /// 3.10.7.4; Linux `tcp_timewait_state_process`).
    TimewaitAck,
    /// Retransmission on RTO expiry.
    Retransmit,
    /// Tail Loss Probe (RFC 8985 7; Linux `tcp_send_loss_probe`).
    TailLossProbe,
    /// close() (or process exit) sent FIN.
    Fin,
    /// Keepalive probe: zero-length ACK with SEQ = SND.UNA - 1.
    KeepaliveProbe,
    /// Zero-window probe sent by the persist timer while the peer's window
    /// is closed: a zero-length ACK with SEQ = SND.UNA - 1, like a keepalive
    /// probe (Linux `tcp_probe_timer`, `tcp_send_probe0`, `tcp_xmit_probe_skb`);
    /// in a capture from another stack also one byte of new data (RFC 9293
    /// 3.8.6.1).
    ZeroWindowProbe,
    /// Reply to a segment that is not acceptable (out of window, such as a
    /// keepalive probe): an ACK restating SND.NXT/RCV.NXT (RFC 9293 3.10.7.4);
    /// in a capture also RFC 5681 2's duplicate ACK, the same ACK again for
    /// a segment that arrived beyond a hole.
    DupAck,
    /// RFC 5961 challenge ACK.
    ChallengeAck,
    /// RST for a segment that matches no connection and no listener
    /// (RFC 9293 3.10.7.1).
    RstNoSocket,
    /// RST from a listener for a segment that carries an ACK: the old
    /// connection's data reaching a rebooted host that listens on the port
    /// (RFC 9293 3.10.7.2).
    RstListener,
    /// RST for an unacceptable ACK during the handshake (RFC 9293 3.10.7.3
    /// SYN-SENT, 3.10.7.4 SYN-RECEIVED).
    RstBadAck,
    /// RST sent by close() with unread data (RFC 1122 4.2.2.13, RFC 2525 2.17).
    RstUnreadData,
    /// RST sent when keepalive gives up (Linux `tcp_keepalive_timer`).
    RstKeepaliveTimeout,
    /// RST sent because data arrived for a socket whose process has closed it
    /// (Linux `tcp_rcv_state_process`, LINUX_MIB_TCPABORTONDATA).
    RstDataAfterClose,
    /// A SYN forged by a third party.
    ForgedSyn,
    /// A RST forged by a third party.
    ForgedRst,
    /// A RST sent by a middlebox, in the name of the other end, for a
    /// segment of a flow it has forgotten.
    MiddleboxRst,
    /// Seen in a real capture (tests/kernel): the wire does not say why.
    Captured,
    /// Retransmission by loss recovery, before the RTO: after three
    /// duplicate ACKs or SACK evidence (RFC 5681 3.2, RFC 6675 5, RFC 8985
    /// 6; Linux `tcp_fastretrans_alert`). Only the capture reader names it
    /// so far: the simulator does not model SACK recovery.
    FastRetransmit,
    /// A pure ACK that acknowledges nothing new but opens the window (the
    /// application read: RFC 9293 3.8.6.2.2, RFC 1122 4.2.3.3; Linux
    /// `__tcp_cleanup_rbuf` -> `tcp_send_ack`).
    WindowUpdate,
}

/// One segment on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Packet {
    /// Index in [`Trace::packets`].
    pub id: usize,
    /// When it left the sender (seconds).
    pub sent_at: f64,
    /// When it reached the receiver; `None` when lost.
    pub arrived_at: Option<f64>,
    /// Why it was lost, when it was.
    pub lost: Option<Loss>,
    /// When a lost segment died (seconds): at the dead host's door, or mid-link.
    pub lost_at: Option<f64>,
    /// Host that really sent it (`attacker` for forged segments).
    pub src: String,
    /// Host it is addressed to.
    pub dst: String,
    /// Set when the IP source address is another host's (a forged segment).
    pub spoofed_as: Option<String>,
    pub sport: u16,
    pub dport: u16,
    pub flags: Vec<Flag>,
    /// Sequence number relative to the sender's ISN (see [`relativize`]).
    pub seq: u32,
    /// Acknowledgment number relative to the receiver's ISN; `None` without ACK.
    pub ack: Option<u32>,
    /// Absolute sequence number on the wire.
    pub abs_seq: u32,
    /// Absolute acknowledgment number on the wire (0 without ACK).
    pub abs_ack: u32,
    /// Payload length in bytes.
    pub len: u32,
    /// For a retransmission or a tail loss probe: how many times this
    /// segment had been sent before (1 for the first retransmission);
    /// `None` for anything else.
    pub resend: Option<u32>,
    /// Advertised window (unscaled, as on the wire).
    pub win: u16,
    /// Why it was sent.
    pub why: Why,
}

impl Packet {
    pub fn has(&self, f: Flag) -> bool {
        self.flags.contains(&f)
    }

    /// tcpdump's flag string for this packet, e.g. `S.`.
    pub fn flag_str(&self) -> String {
        tcpdump_flags(&self.flags)
    }

    /// A tcpdump-like label: `[S.] seq 0 ack 1` or `[P.] seq 1:101 ack 1`.
    pub fn label(&self) -> String {
        let mut s = format!("[{}] seq ", self.flag_str());
        if self.len > 0 {
            s.push_str(&format!("{}:{}", self.seq, self.seq.wrapping_add(self.len)));
        } else {
            s.push_str(&self.seq.to_string());
        }
        if let Some(a) = self.ack {
            s.push_str(&format!(" ack {a}"));
        }
        if self.len > 0 {
            s.push_str(&format!(" len {}", self.len));
        }
        s
    }
}

/// Something other than a segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Seconds since the start of the run.
    pub at: f64,
    /// The host it happened on.
    pub host: String,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The event types: `app`, `state`, `timer`, `fault`, `kernel`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// An application call returned (blocking calls are recorded when they
    /// return, with the time they were made in `since`).
    App {
        call: AppCall,
        result: AppResult,
        /// When a blocking call was made, if earlier than `at`.
        since: Option<f64>,
        /// Local and remote port of the socket (0 when not applicable).
        lport: u16,
        rport: u16,
    },
    /// A socket changed TCP state.
    State {
        lport: u16,
        rport: u16,
        from: TcpState,
        to: TcpState,
    },
    /// A kernel timer was armed, fired or cancelled.
    Timer {
        timer: TimerKind,
        action: TimerAction,
        /// For `armed`: when it will fire.
        expires_at: Option<f64>,
        lport: u16,
        rport: u16,
    },
    /// A fault injected by the scenario.
    Fault { fault: Fault },
    /// A kernel decision worth showing that sends nothing (a segment
    /// dropped, a challenge ACK rate-limited, a RST accepted...).
    Kernel {
        what: KernelNote,
        /// The packet it concerns, if any.
        packet: Option<usize>,
        lport: u16,
        rport: u16,
    },
}

/// Application calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppCall {
    Listen,
    Connect,
    Accept,
    Send,
    Recv,
    Close,
}

impl AppCall {
    /// The call's name, as in JSON (`recv`).
    pub fn as_str(self) -> &'static str {
        match self {
            AppCall::Listen => "listen",
            AppCall::Connect => "connect",
            AppCall::Accept => "accept",
            AppCall::Send => "send",
            AppCall::Recv => "recv",
            AppCall::Close => "close",
        }
    }
}

/// What an application call returned: a byte count, `OK`, `EOF` or an errno.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AppResult {
    Bytes(u32),
    Word(ResultWord),
}

/// Non-numeric results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultWord {
    #[serde(rename = "OK")]
    Ok,
    #[serde(rename = "EOF")]
    Eof,
    #[serde(rename = "ETIMEDOUT")]
    Etimedout,
    #[serde(rename = "ECONNRESET")]
    Econnreset,
    #[serde(rename = "ECONNREFUSED")]
    Econnrefused,
    #[serde(rename = "EPIPE")]
    Epipe,
    /// connect() to a host on the same LAN whose ARP gets no reply (Linux
    /// `tcp_v4_err` with ICMP host unreachable in SYN_SENT).
    #[serde(rename = "EHOSTUNREACH")]
    Ehostunreach,
}

impl AppResult {
    pub fn as_string(&self) -> String {
        match self {
            AppResult::Bytes(n) => n.to_string(),
            AppResult::Word(w) => w.as_str().to_string(),
        }
    }
}

impl ResultWord {
    pub fn as_str(self) -> &'static str {
        match self {
            ResultWord::Ok => "OK",
            ResultWord::Eof => "EOF",
            ResultWord::Etimedout => "ETIMEDOUT",
            ResultWord::Econnreset => "ECONNRESET",
            ResultWord::Econnrefused => "ECONNREFUSED",
            ResultWord::Epipe => "EPIPE",
            ResultWord::Ehostunreach => "EHOSTUNREACH",
        }
    }
}

/// RFC 9293's eleven states (Linux names them TCP_*).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TcpState {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    #[serde(rename = "FIN_WAIT_1")]
    FinWait1,
    #[serde(rename = "FIN_WAIT_2")]
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

impl TcpState {
    pub fn as_str(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynReceived => "SYN_RECEIVED",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN_WAIT_1",
            TcpState::FinWait2 => "FIN_WAIT_2",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST_ACK",
            TcpState::TimeWait => "TIME_WAIT",
        }
    }
}

/// Kernel timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerKind {
    /// Retransmission timer (ICSK_TIME_RETRANS), SYN or data.
    Retransmit,
    /// Tail loss probe timer (ICSK_TIME_LOSS_PROBE).
    LossProbe,
    /// Keepalive timer (sk_timer).
    Keepalive,
    /// Delayed ACK timer (ICSK_TIME_DACK).
    DelayedAck,
    /// The persist (zero-window probe) timer (ICSK_TIME_PROBE0): armed when
    /// data waits and the peer's window is closed.
    Persist,
    /// TIME_WAIT (TCP_TIMEWAIT_LEN) or FIN_WAIT_2 (tcp_fin_timeout) timer.
    TimeWait,
    /// A middlebox's idle timer for a flow: re-armed by every segment,
    /// the entry is forgotten when it fires.
    FlowIdle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerAction {
    Armed,
    Fired,
    Cancelled,
}

/// Faults injected by a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The process was killed (SIGKILL); its kernel lives on.
    ProcessKill,
    /// The host stopped dead: no segment sent or answered, all state lost.
    HostCrash,
    /// The host finished booting: a fresh kernel with no sockets.
    RebootDone,
    /// The network path between the hosts started dropping everything.
    PathDown,
    /// The path works again.
    PathUp,
}

/// Kernel decisions that send nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KernelNote {
    /// A RST was accepted: the connection is reset.
    RstAccepted,
    /// A RST was ignored (not in window, or for a listener).
    RstIgnored,
    /// A RST within the window but not at RCV.NXT (RFC 5961 3.2): answered by a challenge ACK.
    RstInexact,
    /// A challenge ACK was suppressed by `tcp_invalid_ratelimit`.
    ChallengeAckRateLimited,
    /// The retransmission time budget (`tcp_retries2` / TCP_USER_TIMEOUT) is spent.
    RetriesExhausted,
    /// Keepalive gave up after `tcp_keepalive_probes` unanswered probes.
    KeepaliveExhausted,
    /// The persist timer gave up: `tcp_retries2` zero-window probes in a row
    /// unanswered (`tcp_orphan_retries` for an orphan), or TCP_USER_TIMEOUT
    /// since the first probe (Linux `tcp_probe_timer`).
    ProbesExhausted,
    /// send() found the send buffer full and blocks until ACKs free room
    /// (Linux `sk_stream_wait_memory`).
    SendBlocked,
    /// SYN_SENT got an unacceptable ACK: SYN resend re-armed to TCP_TIMEOUT_MIN.
    SynResendSoon,
    /// A segment for a socket with no process arrived and was dropped.
    Dropped,
    /// The third party read the sequence numbers off a segment it observed.
    Observed,
    /// A middlebox created a flow entry (on a SYN).
    FlowCreated,
    /// A middlebox forgot an idle flow.
    FlowExpired,
    /// A middlebox dropped a segment of a flow it has no entry for.
    FlowDropped,
    /// The segment waits in the neighbour queue while ARP resolves the
    /// next hop (Linux `__neigh_event_send`): it is not on the wire yet.
    ArpQueued,
    /// The retransmission timer fired but sent nothing: the SYN is still
    /// in the neighbour queue (Linux `skb_still_in_host_queue`).
    ArpStillQueued,
    /// ARP gave up (`mcast_solicit` requests unanswered): the queued
    /// segments are dropped with an ICMP host unreachable to the sender
    /// itself (Linux `neigh_invalidate`, `ipv4_link_failure`).
    ArpFailed,
}

impl Trace {
    /// Look up a host's IPv4 address as a `u32`.
    pub fn host_ip(&self, name: &str) -> Option<u32> {
        let h = self.hosts.iter().find(|h| h.name == name)?;
        parse_ipv4(&h.ip)
    }

    /// Application events only, in order.
    pub fn app_events(&self) -> impl Iterator<Item = (&Event, AppCall, AppResult)> {
        self.events.iter().filter_map(|e| match &e.kind {
            EventKind::App { call, result, .. } => Some((e, *call, *result)),
            _ => None,
        })
    }
}

/// Parse a dotted IPv4 address.
pub fn parse_ipv4(s: &str) -> Option<u32> {
    let mut parts = s.split('.');
    let mut v = 0u32;
    for _ in 0..4 {
        let p: u8 = parts.next()?.parse().ok()?;
        v = (v << 8) | p as u32;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(v)
}

/// Format a `u32` as a dotted IPv4 address.
pub fn format_ipv4(v: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        v >> 24,
        (v >> 16) & 0xff,
        (v >> 8) & 0xff,
        v & 0xff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(src: u32, sport: u16, dst: u32, dport: u16, syn: bool, s: u32, a: u32) -> WireKey {
        WireKey {
            src_ip: src,
            sport,
            dst_ip: dst,
            dport,
            syn,
            abs_seq: s,
            abs_ack: a,
        }
    }

    #[test]
    fn relative_numbers_follow_the_isns() {
        let c = 1;
        let s = 2;
        let pk = [
            k(c, 1000, s, 80, true, 5000, 0),
            k(s, 80, c, 1000, true, 9000, 5001),
            k(c, 1000, s, 80, false, 5001, 9001),
            // new SYN on the same tuple (reboot), then a challenge ACK with the old numbers
            k(c, 1000, s, 80, true, 77, 0),
            k(s, 80, c, 1000, false, 9001, 5001),
            k(c, 1000, s, 80, false, 5001, 0),
        ];
        let r = relativize(&pk);
        assert_eq!(r[0].0, 0);
        assert_eq!(r[1], (0, 1));
        assert_eq!(r[2], (1, 1));
        assert_eq!(r[3].0, 0);
        assert_eq!(
            r[4],
            (1, 1),
            "old incarnation's numbers stay relative to the old ISN"
        );
        assert_eq!(r[5].0, 1);
    }

    /// The ordered look-up gives what the plain definition gives: the
    /// smallest `x - base` over every base of the direction seen so far.
    #[test]
    fn relative_numbers_equal_the_nearest_base_by_definition() {
        let mut r = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            r
        };
        let pk: Vec<WireKey> = (0..3000)
            .map(|_| {
                let v = next();
                let fwd = v & 1 == 0;
                let (a, b) = if fwd { (1, 2) } else { (2, 1) };
                // Few distinct numbers near the wrap, so that bases above
                // and below, equal and wrapped, all occur.
                let num = |w: u64| (w as u32 % 64).wrapping_sub(32);
                k(a, 1000, b, 80, v & 6 == 0, num(v >> 8), num(v >> 20))
            })
            .collect();
        assert_eq!(relativize(&pk), relativize_few(&pk));
        // And on the few-SYN traces the simulator makes.
        let few = [
            k(1, 1000, 2, 80, true, 5000, 0),
            k(2, 80, 1, 1000, true, 9000, 5001),
            k(1, 1000, 2, 80, false, 4999, 9001),
            k(1, 1000, 2, 80, true, 77, 0),
            k(2, 80, 1, 1000, false, 9001, 78),
        ];
        assert_eq!(relativize(&few), relativize_few(&few));
    }

    #[test]
    fn flags_print_like_tcpdump() {
        assert_eq!(tcpdump_flags(&[Flag::Syn]), "S");
        assert_eq!(tcpdump_flags(&[Flag::Syn, Flag::Ack]), "S.");
        assert_eq!(tcpdump_flags(&[Flag::Rst]), "R");
        assert_eq!(tcpdump_flags(&[Flag::Ack, Flag::Rst]), "R.");
        assert_eq!(tcpdump_flags(&[Flag::Fin, Flag::Ack]), "F.");
        assert_eq!(tcpdump_flags(&[Flag::Psh, Flag::Ack]), "P.");
        assert_eq!(tcpdump_flags(&[Flag::Ack]), ".");
    }

    #[test]
    fn ipv4_round_trips() {
        assert_eq!(parse_ipv4("10.0.0.1"), Some(0x0a00_0001));
        assert_eq!(format_ipv4(0x0a00_0001), "10.0.0.1");
        assert_eq!(parse_ipv4("10.0.0"), None);
        assert_eq!(parse_ipv4("10.0.0.1.2"), None);
        assert_eq!(parse_ipv4("300.0.0.1"), None);
    }
}
