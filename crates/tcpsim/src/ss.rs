//! What `ss -tnoi` would print for each socket at a moment of a run: the
//! socket's state and queues, its timer (`-o`) and the part of its TCP
//! information (`-i`) the simulator models, formatted as iproute2's ss does
//! (misc/ss.c: `tcp_timer_print`, `print_ms_timer`, `tcp_stats_print`) from
//! what Linux 6.18 reports (net/ipv4/inet_diag.c `inet_sk_diag_fill`,
//! net/ipv4/tcp.c `tcp_get_info`). Fields Linux has and the simulator does
//! not model (wscale, mss, cwnd, bytes counters...) are left out.

use crate::time::{Instant, MS};
use crate::trace::{format_ipv4, TcpState};

/// The timer `ss -o` shows (inet_diag's `idiag_timer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsTimer {
    /// 1, "on": the retransmission timer (retransmission or loss probe);
    /// its count is `icsk_retransmits`.
    On,
    /// 2, "keepalive"; its count is `icsk_probes_out`.
    Keepalive,
    /// 3, "timewait"; count 0.
    Timewait,
    /// 4, "persist": the zero-window probe timer (ICSK_TIME_PROBE0); its
    /// count is `icsk_probes_out`.
    Persist,
}

impl SsTimer {
    pub fn as_str(self) -> &'static str {
        match self {
            SsTimer::On => "on",
            SsTimer::Keepalive => "keepalive",
            SsTimer::Timewait => "timewait",
            SsTimer::Persist => "persist",
        }
    }
}

/// One socket as ss reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct SsLine {
    /// The host the socket lives on.
    pub host: &'static str,
    pub state: TcpState,
    /// Bytes received and not read (`rcv_nxt - copied_seq`, a FIN counting
    /// one until EOF is read).
    pub recv_q: u32,
    /// Bytes (and SYN/FIN) sent or queued and not acknowledged
    /// (`write_seq - snd_una`).
    pub send_q: u32,
    pub local: (u32, u16),
    pub peer: (u32, u16),
    /// The pending timer, how long until it fires, and its count.
    pub timer: Option<(SsTimer, Instant, u32)>,
    /// `tcpi_rto`, `tcpi_backoff`.
    pub rto: Instant,
    pub backoff: u32,
    /// `tcpi_rtt`, `tcpi_rttvar` (none before the first sample).
    pub rtt: Option<(Instant, Instant)>,
    /// `tcpi_unacked` (segments in flight), `tcpi_retrans` (of those, sent
    /// again), `tcpi_total_retrans`.
    pub unacked: u32,
    pub retrans: u32,
    pub total_retrans: u32,
    /// Since the last data sent, data received, ACK received.
    pub lastsnd: Instant,
    pub lastrcv: Instant,
    pub lastack: Instant,
}

/// ss's state names.
pub fn state_name(s: TcpState) -> &'static str {
    match s {
        TcpState::Established => "ESTAB",
        TcpState::SynSent => "SYN-SENT",
        TcpState::SynReceived => "SYN-RECV",
        TcpState::FinWait1 => "FIN-WAIT-1",
        TcpState::FinWait2 => "FIN-WAIT-2",
        TcpState::TimeWait => "TIME-WAIT",
        TcpState::Closed => "UNCONN",
        TcpState::CloseWait => "CLOSE-WAIT",
        TcpState::LastAck => "LAST-ACK",
        TcpState::Listen => "LISTEN",
        TcpState::Closing => "CLOSING",
    }
}

/// iproute2's `print_ms_timer`: `1min30sec`, `7.800sec`, `123ms`, `15sec`.
pub fn ms_timer(ms: u64) -> String {
    let mut secs = ms / 1000;
    let minutes = secs / 60;
    secs %= 60;
    let mut msecs = ms % 1000;
    let mut out = String::new();
    if minutes > 0 {
        msecs = 0;
        out.push_str(&format!("{minutes}min"));
        if minutes > 9 {
            secs = 0;
        }
    }
    if secs > 0 {
        if secs > 9 {
            msecs = 0;
        }
        out.push_str(&format!("{secs}{}", if msecs > 0 { "." } else { "sec" }));
    }
    if msecs > 0 {
        out.push_str(&format!(
            "{msecs:03}{}",
            if secs > 0 { "sec" } else { "ms" }
        ));
    }
    out
}

/// Milliseconds as ss prints `%g`: at most six significant digits, no
/// trailing zeros.
fn g(us: Instant) -> String {
    let whole = us / MS;
    let frac = us % MS;
    if frac == 0 {
        whole.to_string()
    } else {
        let s = format!("{whole}.{frac:03}");
        s.trim_end_matches('0').to_string()
    }
}

impl SsLine {
    /// The two lines `ss -tnoi` prints for the socket (without the header).
    pub fn text(&self) -> String {
        let addr = |(ip, port): (u32, u16)| format!("{}:{port}", format_ipv4(ip));
        let mut o = format!(
            "{:<10} {:<6} {:<6} {:<20} {:<20}",
            state_name(self.state),
            self.recv_q,
            self.send_q,
            addr(self.local),
            addr(self.peer)
        );
        if let Some((kind, left, count)) = self.timer {
            o.push_str(&format!(
                " timer:({},{},{count})",
                kind.as_str(),
                ms_timer(left / MS)
            ));
        }
        // A TIME_WAIT socket has no TCP information to show (Linux sends
        // none for a timewait socket).
        if self.state == TcpState::TimeWait {
            o.truncate(o.trim_end().len());
            return o;
        }
        o.truncate(o.trim_end().len());
        o.push_str("\n\t");
        // ss omits rto when it is the initial 3 s (TCP_TIMEOUT_FALLBACK).
        if self.rto != 3_000 * MS {
            o.push_str(&format!(" rto:{}", g(self.rto)));
        }
        if self.backoff > 0 {
            o.push_str(&format!(" backoff:{}", self.backoff));
        }
        if let Some((rtt, var)) = self.rtt {
            o.push_str(&format!(" rtt:{}/{}", g(rtt), g(var)));
        }
        o.push_str(&format!(
            " lastsnd:{} lastrcv:{} lastack:{}",
            self.lastsnd / MS,
            self.lastrcv / MS,
            self.lastack / MS
        ));
        if self.unacked > 0 {
            o.push_str(&format!(" unacked:{}", self.unacked));
        }
        if self.retrans > 0 || self.total_retrans > 0 {
            o.push_str(&format!(" retrans:{}/{}", self.retrans, self.total_retrans));
        }
        o
    }
}

/// ss's header line, in the widths `SsLine::text` uses.
pub const HEADER: &str = "State      Recv-Q Send-Q Local Address:Port   Peer Address:Port";

/// Every host's sockets at one instant of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub at: Instant,
    /// Each host (the middlebox and the third party too), and whether it
    /// is up.
    pub hosts: Vec<(&'static str, bool)>,
    pub lines: Vec<SsLine>,
}

impl Snapshot {
    /// For each host that has a TCP stack: a `# host` line, then ss's
    /// header and lines; a host that is down, or has no connection, says so.
    pub fn text(&self) -> String {
        let mut out = format!("# at {} s\n", g(self.at / 1000));
        for &(h, up) in &self.hosts {
            out.push_str(&format!("# {h}: ss -tnoi\n"));
            if !up {
                out.push_str("(host down: no kernel to ask)\n");
                continue;
            }
            let mine: Vec<&SsLine> = self.lines.iter().filter(|l| l.host == h).collect();
            if mine.is_empty() {
                out.push_str("(no connection)\n");
                continue;
            }
            out.push_str(HEADER);
            out.push('\n');
            for l in mine {
                out.push_str(&l.text());
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_print_as_iproute2_prints_them() {
        assert_eq!(ms_timer(90_000), "1min30sec");
        assert_eq!(ms_timer(7_800), "7.800sec");
        assert_eq!(ms_timer(123), "123ms");
        assert_eq!(ms_timer(15_000), "15sec");
        assert_eq!(ms_timer(720_000), "12min");
        assert_eq!(ms_timer(12_345), "12sec");
        assert_eq!(ms_timer(0), "");
        assert_eq!(ms_timer(7_199_980), "119min");
        assert_eq!(g(220_000), "220");
        assert_eq!(g(20_500), "20.5");
    }
}
