//! The transmission control block: one socket's TCP state, and the pure
//! pieces of Linux's arithmetic on it (RTT estimator, RTO, loss-probe
//! timeout, the `tcp_retries2` time budget, keepalive intervals).
//!
//! Sequence arithmetic is modulo 2^32 as in RFC 9293 3.4 (`before`/`after`
//! as in Linux `include/net/tcp.h`).

use crate::segment::{flags::*, Seg};
use crate::time::{round_up_to_jiffies, Instant, JIFFY, MS, SEC};
use crate::trace::TcpState;

/// `before(a, b)`: a comes before b in sequence space.
pub fn before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// `after(a, b)`.
pub fn after(a: u32, b: u32) -> bool {
    before(b, a)
}

/// RFC 9293 3.10.7.4, first check (Linux `tcp_sequence`): a segment is
/// acceptable unless it ends before RCV.NXT or starts beyond the window.
/// (A zero-length segment at RCV.NXT - 1, a keepalive probe, is not.)
pub fn segment_acceptable(seq: u32, seg_len: u32, rcv_nxt: u32, rcv_wnd: u32) -> bool {
    !before(seq.wrapping_add(seg_len), rcv_nxt) && !after(seq, rcv_nxt.wrapping_add(rcv_wnd))
}

/// Whether `seq` lies in the receive window [RCV.NXT, RCV.NXT + RCV.WND):
/// what a RST must satisfy to be considered in SYN-RECEIVED (Linux
/// `tcp_check_req`).
pub fn in_receive_window(seq: u32, rcv_nxt: u32, rcv_wnd: u32) -> bool {
    !before(seq, rcv_nxt) && before(seq, rcv_nxt.wrapping_add(rcv_wnd))
}

/// RFC 9293 3.10.7.1 (CLOSED), Linux `tcp_v4_send_reset`: the RST that
/// answers a segment no connection owns. A RST is never answered. If the
/// segment carries an ACK: `<SEQ=SEG.ACK><CTL=RST>`; otherwise
/// `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`, SYN and FIN counting one.
pub fn rst_reply(seg: &Seg) -> Option<Seg> {
    if seg.has(RST) {
        return None;
    }
    Some(if seg.has(ACK) {
        seg.reply(seg.ack, 0, RST)
    } else {
        seg.reply(0, seg.end_seq(), RST | ACK)
    })
}

/// What the keepalive timer does when it fires (Linux `tcp_keepalive_timer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepaliveStep {
    /// SO_KEEPALIVE is off, or the state is one keepalive ignores: nothing.
    Off,
    /// Not idle long enough yet, or data in flight: look again after this long.
    Rearm(u64),
    /// Send a probe with this sequence number (SND.UNA - 1,
    /// `tcp_xmit_probe_skb`) and look again after `next`.
    Probe { seq: u32, next: u64 },
    /// Give up: RST (`tcp_send_active_reset`) and ETIMEDOUT (`tcp_write_err`).
    GiveUp,
}

/// Linux `TCP_RTO_MIN` (HZ/5): the default floor of the RTO and the base of
/// `tcp_model_timeout` in `retransmits_timed_out`.
pub const TCP_RTO_MIN: u64 = 200 * MS;
/// Linux `TCP_TIMEOUT_INIT`: initial RTO before any RTT sample (RFC 6298 2.1).
pub const TCP_TIMEOUT_INIT: u64 = SEC;
/// Linux `TCP_TIMEOUT_MIN`: 2 jiffies.
pub const TCP_TIMEOUT_MIN: u64 = 2 * JIFFY;
/// Linux `TCP_TIMEOUT_MIN_US` (2 ms), added to the loss-probe timeout
/// when more than one segment is in flight.
pub const TCP_TIMEOUT_MIN_US: u64 = 2 * MS;
/// Linux `TCP_ATO_MIN` (HZ/25) and `TCP_DELACK_MAX` (HZ/5).
pub const TCP_ATO_MIN: u64 = 40 * MS;
pub const TCP_DELACK_MAX: u64 = 200 * MS;
/// Linux `TCP_TIMEWAIT_LEN` and default `tcp_fin_timeout`.
pub const TCP_TIMEWAIT_LEN: u64 = 60 * SEC;
/// Linux `TCP_SYNACK_RETRIES` (the `tcp_synack_retries` default).
pub const TCP_SYNACK_RETRIES: u32 = 5;

/// Kernel settings that matter here (sysctls), in microseconds or counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sysctls {
    pub keepalive_time: u64,
    pub keepalive_intvl: u64,
    pub keepalive_probes: u32,
    pub retries2: u32,
    pub syn_retries: u32,
    pub syn_linear_timeouts: u32,
    pub rto_min: u64,
    pub rto_max: u64,
    pub invalid_ratelimit: u64,
}

impl Default for Sysctls {
    /// Linux defaults (`include/net/tcp.h`, ip-sysctl.rst).
    fn default() -> Self {
        Sysctls {
            keepalive_time: 7200 * SEC,
            keepalive_intvl: 75 * SEC,
            keepalive_probes: 9,
            retries2: 15,
            syn_retries: 6,
            syn_linear_timeouts: 4,
            rto_min: 200 * MS,
            rto_max: 120 * SEC,
            invalid_ratelimit: 500 * MS,
        }
    }
}

/// Per-socket options (setsockopt); zero means "use the sysctl".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SockOpts {
    pub keepalive: bool,
    pub keepidle: u64,
    pub keepintvl: u64,
    pub keepcnt: u32,
    pub user_timeout: u64,
}

impl SockOpts {
    /// TCP_KEEPIDLE or the sysctl (`keepalive_time_when`).
    pub fn keepidle(&self, s: &Sysctls) -> u64 {
        if self.keepidle > 0 {
            self.keepidle
        } else {
            s.keepalive_time
        }
    }

    /// TCP_KEEPINTVL or the sysctl (`keepalive_intvl_when`).
    pub fn keepintvl(&self, s: &Sysctls) -> u64 {
        if self.keepintvl > 0 {
            self.keepintvl
        } else {
            s.keepalive_intvl
        }
    }

    /// TCP_KEEPCNT or the sysctl (`keepalive_probes`).
    pub fn keepcnt(&self, s: &Sysctls) -> u32 {
        if self.keepcnt > 0 {
            self.keepcnt
        } else {
            s.keepalive_probes
        }
    }

    /// From the last segment received to keepalive's give-up, when nothing
    /// answers: idle + interval x count (0 without SO_KEEPALIVE).
    pub fn keepalive_span(&self, s: &Sysctls) -> u64 {
        use crate::wheel::max_late;
        if !self.keepalive {
            return 0;
        }
        let (idle, intvl) = (self.keepidle(s), self.keepintvl(s));
        // Each expiry may come a wheel bucket late (crate::wheel); with
        // TCP_USER_TIMEOUT the end is the first expiry past it instead.
        let by_count = idle + max_late(idle) + (intvl + max_late(intvl)) * self.keepcnt(s) as u64;
        let by_ut = if self.user_timeout > 0 {
            self.user_timeout.max(idle) + intvl + max_late(intvl) + max_late(idle)
        } else {
            0
        };
        by_count.max(by_ut)
    }
}

/// Linux `tcp_model_timeout`: turn a retransmission count into the time
/// budget `tcp_retries2` stands for, assuming RTOs that start at `rto_base`
/// and double up to `rto_max` (net/ipv4/tcp_timer.c).
pub fn tcp_model_timeout(boundary: u32, rto_base: u64, rto_max: u64) -> u64 {
    // linear_backoff_thresh = ilog2(TCP_RTO_MAX / rto_base)
    let ratio = (rto_max / rto_base.max(1)).max(1);
    let thresh = 63 - ratio.leading_zeros();
    if boundary <= thresh {
        ((2u64 << boundary) - 1) * rto_base
    } else {
        ((2u64 << thresh) - 1) * rto_base + (boundary - thresh) as u64 * rto_max
    }
}

/// The outstanding queue entry: one segment sent and not yet acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    pub seq: u32,
    pub len: u32,
    pub syn: bool,
    pub fin: bool,
    /// Last time it was (re)transmitted.
    pub sent_at: Instant,
    /// How many times it has been sent again (retransmissions and tail loss
    /// probes); a segment sent again gives no RTT sample (Karn).
    pub resends: u32,
}

impl Sent {
    /// A segment just sent for the first time.
    pub fn fresh(seq: u32, len: u32, syn: bool, fin: bool, sent_at: Instant) -> Sent {
        Sent {
            seq,
            len,
            syn,
            fin,
            sent_at,
            resends: 0,
        }
    }

    pub fn end(&self) -> u32 {
        self.seq
            .wrapping_add(self.len)
            .wrapping_add(self.syn as u32)
            .wrapping_add(self.fin as u32)
    }
}

/// One socket.
#[derive(Clone, Debug)]
pub struct Tcb {
    pub state: TcpState,
    pub lport: u16,
    pub rip: u32,
    pub rport: u16,
    pub iss: u32,
    pub irs: u32,
    pub snd_una: u32,
    pub snd_nxt: u32,
    pub rcv_nxt: u32,
    pub rtx: Vec<Sent>,
    pub opts: SockOpts,

    // RTT estimator (Linux tcp_rtt_estimator; srtt scaled by 8 as in Linux).
    pub srtt_us8: u64,
    pub mdev_us: u64,
    pub mdev_max_us: u64,
    pub rttvar_us: u64,
    pub rtt_seq: u32,
    /// icsk_rto
    pub rto: u64,
    pub backoff: u32,
    /// icsk_retransmits
    pub retransmits: u32,
    /// tp->retrans_stamp: time of the first retransmission (0 = none).
    pub retrans_stamp: Option<Instant>,
    pub tlp_high_seq: Option<u32>,
    /// SYN_SENT retransmissions so far (tp->total_rto in SYN_SENT).
    pub syn_rtos: u32,

    // Keepalive (tcp_keepalive_timer)
    pub probes_out: u32,
    /// Last time a segment was received (max of lrcvtime and rcv_tstamp).
    pub last_rcv: Instant,

    // What `ss -i` reports (tcp_get_info), kept apart from the above:
    /// tp->lsndtime: last time new data was sent.
    pub last_data_sent: Instant,
    /// icsk_ack.lrcvtime: last time data was received.
    pub last_data_recv: Instant,
    /// tp->rcv_tstamp: last time an acceptable ACK was received.
    pub last_ack_recv: Instant,
    /// tp->total_retrans: every retransmission, loss probes included.
    pub total_retrans: u32,

    // Delayed ACK (icsk_ack)
    pub ack_pending: bool,
    pub ato: u64,
    pub pingpong: bool,
    pub data_received: bool,

    /// tp->last_oow_ack_time, for tcp_invalid_ratelimit.
    pub last_oow_ack: Option<Instant>,

    /// Bytes received and not read by the application.
    pub unread: u32,
    /// A FIN has been received (EOF is pending or was read).
    pub fin_rcvd: bool,
    /// A FIN has been queued by close().
    pub fin_sent: bool,
    /// sk_err: an error to report to the next call.
    pub err: Option<crate::trace::ResultWord>,
    /// The application has closed its descriptor (an orphan, SOCK_DEAD).
    pub orphan: bool,
}

impl Tcb {
    pub fn new(lport: u16, rip: u32, rport: u16, iss: u32, now: Instant) -> Tcb {
        Tcb {
            state: TcpState::Closed,
            lport,
            rip,
            rport,
            iss,
            irs: 0,
            snd_una: iss,
            snd_nxt: iss,
            rcv_nxt: 0,
            rtx: Vec::new(),
            opts: SockOpts::default(),
            srtt_us8: 0,
            mdev_us: 0,
            mdev_max_us: 0,
            rttvar_us: 0,
            rtt_seq: 0,
            rto: TCP_TIMEOUT_INIT,
            backoff: 0,
            retransmits: 0,
            retrans_stamp: None,
            tlp_high_seq: None,
            syn_rtos: 0,
            probes_out: 0,
            last_rcv: now,
            last_data_sent: now,
            last_data_recv: now,
            last_ack_recv: now,
            total_retrans: 0,
            ack_pending: false,
            ato: 0,
            pingpong: false,
            data_received: false,
            last_oow_ack: None,
            unread: 0,
            fin_rcvd: false,
            fin_sent: false,
            err: None,
            orphan: false,
        }
    }

    /// Bytes and flags in flight (Linux `packets_out != 0`).
    pub fn in_flight(&self) -> bool {
        !self.rtx.is_empty()
    }

    /// Linux `tcp_rtt_estimator` followed by `tcp_set_rto`
    /// (net/ipv4/tcp_input.c): SRTT and RTTVAR with the `tcp_rto_min` floor
    /// on RTTVAR, so RTO >= SRTT + rto_min.
    pub fn rtt_sample(&mut self, m: u64, rto_min: u64, rto_max: u64) {
        let m = m.max(1) as i64;
        if self.srtt_us8 != 0 {
            let mut srtt = self.srtt_us8 as i64;
            let mut e = m - (srtt >> 3);
            srtt += e;
            if e < 0 {
                e = -e;
                e -= (self.mdev_us >> 2) as i64;
                if e > 0 {
                    e >>= 3;
                }
            } else {
                e -= (self.mdev_us >> 2) as i64;
            }
            self.mdev_us = (self.mdev_us as i64 + e).max(0) as u64;
            if self.mdev_us > self.mdev_max_us {
                self.mdev_max_us = self.mdev_us;
                if self.mdev_max_us > self.rttvar_us {
                    self.rttvar_us = self.mdev_max_us;
                }
            }
            if after(self.snd_una, self.rtt_seq) {
                if self.mdev_max_us < self.rttvar_us {
                    self.rttvar_us -= (self.rttvar_us - self.mdev_max_us) >> 2;
                }
                self.rtt_seq = self.snd_nxt;
                self.mdev_max_us = rto_min;
            }
            self.srtt_us8 = srtt.max(1) as u64;
        } else {
            self.srtt_us8 = (m as u64) << 3;
            self.mdev_us = (m as u64) << 1;
            self.rttvar_us = self.mdev_us.max(rto_min);
            self.mdev_max_us = self.rttvar_us;
            self.rtt_seq = self.snd_nxt;
        }
        // __tcp_set_rto + tcp_bound_rto, in whole jiffies (usecs_to_jiffies).
        let rto = (self.srtt_us8 >> 3) + self.rttvar_us;
        self.rto = round_up_to_jiffies(rto).min(rto_max);
    }

    /// Smoothed RTT in microseconds (0 before any sample).
    pub fn srtt(&self) -> u64 {
        self.srtt_us8 >> 3
    }

    /// Linux `tcp_schedule_loss_probe`: the probe timeout, 2 x SRTT plus
    /// `tcp_rto_min` when one segment is in flight (to cover a delayed
    /// ACK), never later than the RTO would fire.
    pub fn loss_probe_timeout(&self, rto_min: u64) -> u64 {
        let pto = if self.srtt_us8 != 0 {
            let mut t = self.srtt_us8 >> 2;
            if self.rtx.len() == 1 {
                t += rto_min;
            } else {
                t += TCP_TIMEOUT_MIN_US;
            }
            round_up_to_jiffies(t)
        } else {
            TCP_TIMEOUT_INIT
        };
        pto.min(self.rto)
    }

    /// Linux `tcp_send_delayed_ack`, as after a FIN in ESTABLISHED (pingpong
    /// mode): the ACK timeout `ato`, at most TCP_DELACK_MAX and at most the
    /// SRTT (itself at least TCP_ATO_MIN), in whole jiffies. With no data
    /// received yet `ato` is 0: the timer is armed for the current jiffy,
    /// and the timer wheel runs it at the next tick (`crate::wheel`).
    pub fn delayed_ack_timeout(&self) -> u64 {
        let mut ato = self.ato;
        if ato > 0 {
            let srtt = self.srtt().max(TCP_ATO_MIN);
            ato = ato.min(TCP_DELACK_MAX).min(srtt);
        }
        round_up_to_jiffies(ato)
    }

    /// TCP_KEEPIDLE or the sysctl.
    pub fn keepidle(&self, s: &Sysctls) -> u64 {
        self.opts.keepidle(s)
    }

    /// TCP_KEEPINTVL or the sysctl.
    pub fn keepintvl(&self, s: &Sysctls) -> u64 {
        self.opts.keepintvl(s)
    }

    /// TCP_KEEPCNT or the sysctl.
    pub fn keepcnt(&self, s: &Sysctls) -> u32 {
        self.opts.keepcnt(s)
    }

    /// Linux `tcp_keepalive_timer`, the decision only. Nothing while data
    /// is in flight (the retransmission timer owns the connection then);
    /// after `keepidle` of silence a probe, then one every `keepintvl`;
    /// give up after `keepcnt` unanswered probes, or, with
    /// TCP_USER_TIMEOUT set, at the first expiry at least that long after
    /// the last segment received once a probe is out (the count is ignored).
    pub fn keepalive_step(&self, now: Instant, s: &Sysctls) -> KeepaliveStep {
        if !self.opts.keepalive
            || matches!(
                self.state,
                TcpState::Closed | TcpState::SynSent | TcpState::Listen
            )
        {
            return KeepaliveStep::Off;
        }
        let idle = self.keepidle(s);
        if self.in_flight() {
            return KeepaliveStep::Rearm(idle);
        }
        let elapsed = now.saturating_sub(self.last_rcv);
        if elapsed < idle {
            return KeepaliveStep::Rearm(idle - elapsed);
        }
        let ut = self.opts.user_timeout;
        let give_up = (ut != 0 && elapsed >= ut && self.probes_out > 0)
            || (ut == 0 && self.probes_out >= self.keepcnt(s));
        if give_up {
            KeepaliveStep::GiveUp
        } else {
            KeepaliveStep::Probe {
                seq: self.snd_una.wrapping_sub(1),
                next: self.keepintvl(s),
            }
        }
    }

    /// Linux `retransmits_timed_out`: has the retransmission budget been
    /// spent? Measured from the first retransmission (`retrans_stamp`)
    /// against TCP_USER_TIMEOUT if set, else `tcp_model_timeout`.
    pub fn retransmits_timed_out(&self, now: Instant, boundary: u32, s: &Sysctls) -> bool {
        if self.retransmits == 0 {
            return false;
        }
        let Some(start) = self.retrans_stamp else {
            return false;
        };
        let timeout = if self.opts.user_timeout > 0 {
            self.opts.user_timeout
        } else {
            // rto_base is the constant TCP_RTO_MIN (200 ms), not the
            // tcp_rto_min sysctl: a raised floor makes each RTO longer but
            // leaves the budget as it is (seen on Linux 6.18, see
            // tests/kernel/fixtures/host-crash-data-rto-min.json).
            let base = if matches!(self.state, TcpState::SynSent | TcpState::SynReceived) {
                TCP_TIMEOUT_INIT
            } else {
                TCP_RTO_MIN
            };
            tcp_model_timeout(boundary, base, s.rto_max)
        };
        now.saturating_sub(start) >= timeout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_timeout_for_retries2_15_is_924_6_s() {
        // ip-sysctl.rst: "hypothetical timeout of 924.6 seconds"
        assert_eq!(tcp_model_timeout(15, 200 * MS, 120 * SEC), 924_600 * MS);
        // boundary under the linear threshold: (2^(b+1) - 1) * base
        assert_eq!(tcp_model_timeout(5, 200 * MS, 120 * SEC), 12_600 * MS);
        assert_eq!(tcp_model_timeout(3, 200 * MS, 120 * SEC), 3_000 * MS);
        // a raised floor: fewer doublings fit under the cap
        assert_eq!(tcp_model_timeout(5, 1000 * MS, 120 * SEC), 63 * SEC);
    }

    #[test]
    fn first_rtt_sample_gives_srtt_plus_rto_min() {
        let mut t = Tcb::new(1, 2, 3, 1000, 0);
        t.rtt_sample(20 * MS, 200 * MS, 120 * SEC);
        assert_eq!(t.srtt(), 20 * MS);
        assert_eq!(t.rto, 220 * MS);
        // a large RTT: mdev = 2 x RTT dominates the floor, RTO = 3 x RTT
        let mut t = Tcb::new(1, 2, 3, 1000, 0);
        t.rtt_sample(400 * MS, 200 * MS, 120 * SEC);
        assert_eq!(t.rto, 1200 * MS);
    }

    #[test]
    fn rto_is_capped_by_rto_max() {
        let mut t = Tcb::new(1, 2, 3, 1000, 0);
        t.rtt_sample(5 * SEC, 200 * MS, 3 * SEC);
        assert_eq!(t.rto, 3 * SEC);
    }

    #[test]
    fn loss_probe_timeout_never_exceeds_rto() {
        let mut t = Tcb::new(1, 2, 3, 1000, 0);
        t.rtt_sample(20 * MS, 200 * MS, 120 * SEC);
        t.rtx.push(Sent {
            seq: 1001,
            len: 100,
            syn: false,
            fin: false,
            sent_at: 0,
            resends: 0,
        });
        // 2 x 20 ms + 200 ms = 240 ms, but the RTO (220 ms) comes first
        assert_eq!(t.loss_probe_timeout(200 * MS), 220 * MS);
        let mut t2 = t.clone();
        t2.rto = 1000 * MS;
        assert_eq!(t2.loss_probe_timeout(200 * MS), 240 * MS);
    }

    fn seg(seq: u32, ack: u32, flags: u8, len: u32) -> Seg {
        Seg {
            src_ip: 0x0a00_0003,
            dst_ip: 0x0a00_0002,
            sport: 5,
            dport: 81,
            seq,
            ack,
            flags,
            len,
        }
    }

    #[test]
    fn rst_replies_follow_rfc_9293_3_10_7_1() {
        // No ACK bit: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SYN counts one.
        let r = rst_reply(&seg(100, 0, SYN, 0)).unwrap();
        assert_eq!((r.seq, r.ack, r.flags), (0, 101, RST | ACK));
        assert_eq!(
            (r.src_ip, r.sport, r.dst_ip, r.dport),
            (0x0a00_0002, 81, 0x0a00_0003, 5)
        );
        // Data and FIN count too.
        let r = rst_reply(&seg(100, 0, FIN, 10)).unwrap();
        assert_eq!(r.ack, 111);
        // ACK bit: <SEQ=SEG.ACK><CTL=RST>.
        let r = rst_reply(&seg(100, 5555, ACK | PSH, 10)).unwrap();
        assert_eq!((r.seq, r.ack, r.flags), (5555, 0, RST));
        // A RST is never answered.
        assert_eq!(rst_reply(&seg(100, 5555, RST | ACK, 0)), None);
    }

    #[test]
    fn sequence_acceptability_at_the_window_edges() {
        let (nxt, wnd) = (1000, 64240);
        assert!(segment_acceptable(1000, 0, nxt, wnd), "an ACK at RCV.NXT");
        assert!(
            !segment_acceptable(999, 0, nxt, wnd),
            "a keepalive probe: RCV.NXT - 1"
        );
        assert!(segment_acceptable(999, 1, nxt, wnd), "ends at RCV.NXT");
        assert!(
            segment_acceptable(1000 + 64240, 0, nxt, wnd),
            "at the right edge"
        );
        assert!(!segment_acceptable(1000 + 64241, 0, nxt, wnd), "beyond it");
        assert!(segment_acceptable(5, 0, u32::MAX - 4, wnd), "wraps");
        assert!(in_receive_window(1000, nxt, wnd));
        assert!(!in_receive_window(999, nxt, wnd));
        assert!(!in_receive_window(1000 + 64240, nxt, wnd));
    }

    fn idle_tcb(keepalive: bool) -> Tcb {
        let mut t = Tcb::new(1, 2, 3, 1000, 0);
        t.state = TcpState::Established;
        t.snd_una = 1001;
        t.opts.keepalive = keepalive;
        t
    }

    #[test]
    fn keepalive_steps_with_linux_defaults() {
        let s = Sysctls::default();
        assert_eq!(
            idle_tcb(false).keepalive_step(7200 * SEC, &s),
            KeepaliveStep::Off
        );
        let mut t = idle_tcb(true);
        // 100 s after the last segment: look again at 7200 s.
        assert_eq!(
            t.keepalive_step(100 * SEC, &s),
            KeepaliveStep::Rearm(7100 * SEC)
        );
        // Idle 7200 s: the first probe, SEQ = SND.UNA - 1, next in 75 s.
        assert_eq!(
            t.keepalive_step(7200 * SEC, &s),
            KeepaliveStep::Probe {
                seq: 1000,
                next: 75 * SEC
            }
        );
        t.probes_out = 8;
        assert!(matches!(
            t.keepalive_step(7800 * SEC, &s),
            KeepaliveStep::Probe { .. }
        ));
        // Nine unanswered probes: give up at 7200 + 9 x 75 = 7875 s.
        t.probes_out = 9;
        assert_eq!(t.keepalive_step(7875 * SEC, &s), KeepaliveStep::GiveUp);
        // Data in flight: the retransmission timer owns the connection.
        t.rtx.push(Sent::fresh(1001, 10, false, false, 0));
        assert_eq!(
            t.keepalive_step(7875 * SEC, &s),
            KeepaliveStep::Rearm(7200 * SEC)
        );
    }

    #[test]
    fn tcp_user_timeout_replaces_the_probe_count_on_an_idle_connection() {
        let s = Sysctls::default();
        let mut t = idle_tcb(true);
        t.opts.keepidle = 2 * SEC;
        t.opts.keepintvl = SEC;
        t.opts.user_timeout = 5_500 * MS;
        // No probe out yet: probe even though the user timeout has passed.
        assert!(matches!(
            t.keepalive_step(6 * SEC, &s),
            KeepaliveStep::Probe { .. }
        ));
        // One probe out, 6 s since the last segment >= 5.5 s: give up,
        // whatever TCP_KEEPCNT says.
        t.probes_out = 1;
        assert_eq!(t.keepalive_step(6 * SEC, &s), KeepaliveStep::GiveUp);
        assert!(matches!(
            t.keepalive_step(5 * SEC, &s),
            KeepaliveStep::Probe { .. }
        ));
    }

    #[test]
    fn delayed_ack_timeout_is_ato_bounded_by_srtt_in_jiffies() {
        let mut t = Tcb::new(1, 2, 3, 1000, 0);
        // No data received yet (ato 0): now (the wheel makes it the next tick).
        assert_eq!(t.delayed_ack_timeout(), 0);
        // After data: ato = TCP_ATO_MIN (40 ms), SRTT 20 ms raised to 40 ms.
        t.ato = TCP_ATO_MIN;
        t.rtt_sample(20 * MS, 200 * MS, 120 * SEC);
        assert_eq!(t.delayed_ack_timeout(), 40 * MS);
        // A 1 ms RTT: still 40 ms, the floor of the SRTT term.
        let mut t = Tcb::new(1, 2, 3, 1000, 0);
        t.ato = TCP_ATO_MIN;
        t.rtt_sample(MS, 200 * MS, 120 * SEC);
        assert_eq!(t.delayed_ack_timeout(), 40 * MS);
    }

    #[test]
    fn sequence_comparisons_wrap() {
        assert!(before(u32::MAX, 0));
        assert!(after(0, u32::MAX));
        assert!(!before(5, 5));
    }
}
