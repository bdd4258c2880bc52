//! Retransmission: the RTO timer and its backoff, the tail loss probe, the
//! `tcp_retries2` / TCP_USER_TIMEOUT budget, SYN retransmissions, and the
//! ACK processing that clears the retransmission queue.
//!
//! The arithmetic (RTT estimator, RTO, probe timeout, the time budget)
//! lives in `tcb.rs`; here is when it is applied.

use super::{HostId, World};
use crate::segment::flags::*;
use crate::tcb::{after, before, Sent, TCP_SYNACK_RETRIES, TCP_TIMEOUT_MIN};
use crate::time::{round_up_to_jiffies, JIFFY};
use crate::trace::{KernelNote, ResultWord, TcpState, TimerKind, Why};

impl World {
    /// Arm the retransmission timer at the current RTO (Linux `tcp_rearm_rto`),
    /// clamped to what is left of TCP_USER_TIMEOUT
    /// (`tcp_clamp_rto_to_user_timeout`). Nothing in flight: stop it.
    pub(super) fn rearm_rto(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        let t = &self.sock_mut(host, sock).tcb;
        if !t.in_flight() {
            self.stop_xmit(host, sock);
            return;
        }
        let mut rto = t.rto;
        if t.opts.user_timeout > 0 {
            if let Some(start) = t.retrans_stamp {
                let elapsed = now.saturating_sub(start);
                let remaining = t.opts.user_timeout.saturating_sub(elapsed);
                rto = if remaining == 0 {
                    JIFFY
                } else {
                    rto.min(round_up_to_jiffies(remaining))
                };
            }
        }
        self.arm(host, sock, TimerKind::Retransmit, rto);
    }

    /// After new data (or a FIN) goes out: the RTO armed if nothing was in
    /// flight, then a Tail Loss Probe scheduled in its place (Linux
    /// `tcp_event_new_data_sent`, `tcp_schedule_loss_probe`; TLP needs SACK,
    /// which Linux peers negotiate).
    pub(super) fn after_new_data(&mut self, host: HostId, sock: usize, was_idle: bool) {
        let s = self.sock_mut(host, sock);
        let xmit = s.timers.xmit();
        let pending_probe = xmit.is_some_and(|a| a.kind == TimerKind::LossProbe);
        if was_idle || pending_probe || xmit.is_none() {
            self.rearm_rto(host, sock);
        }
        self.schedule_loss_probe(host, sock);
    }

    /// Linux `tcp_schedule_loss_probe`: the loss probe takes the
    /// retransmission timer's place, `Tcb::loss_probe_timeout` from now but
    /// never after the RTO would fire; not before the handshake is done,
    /// nor while a probe is outstanding.
    pub(super) fn schedule_loss_probe(&mut self, host: HostId, sock: usize) {
        let rto_min = self.hosts[host].sysctl.rto_min;
        let now = self.now;
        let s = self.sock_mut(host, sock);
        if matches!(s.tcb.state, TcpState::SynSent | TcpState::SynReceived)
            || s.tcb.tlp_high_seq.is_some()
        {
            return;
        }
        let rto_left = match s.timers.due(TimerKind::Retransmit) {
            Some(at) => at.saturating_sub(now),
            None => s.tcb.rto,
        };
        let pto = s.tcb.loss_probe_timeout(rto_min).min(rto_left.max(1));
        self.arm(host, sock, TimerKind::LossProbe, pto);
    }

    /// Linux `tcp_send_loss_probe`: new data if the send queue has more and
    /// the peer's window takes it (a windowed socket, `tlp_new_data`), else
    /// the last segment again; once, then fall back to the RTO counted from
    /// now.
    pub(super) fn loss_probe(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        if self.sock_mut(host, sock).tcb.tlp_high_seq.is_none() && self.tlp_new_data(host, sock) {
            return self.rearm_rto(host, sock);
        }
        let s = self.sock_mut(host, sock);
        if s.tcb.tlp_high_seq.is_none() {
            if let Some(last) = s.tcb.rtx.last_mut() {
                last.sent_at = now;
                last.resends += 1;
                s.tcb.total_retrans += 1;
                let last = *last;
                s.tcb.tlp_high_seq = Some(s.tcb.snd_nxt);
                let id = self.send_from(
                    host,
                    sock,
                    last.seq,
                    data_flags(&last),
                    last.len,
                    Why::TailLossProbe,
                );
                if let Some(id) = id {
                    self.packets[id].resend = Some(last.resends);
                }
            }
        }
        self.rearm_rto(host, sock);
    }

    /// Linux `tcp_retransmit_timer` (with `tcp_write_timeout`): give up if
    /// the budget is spent, else retransmit the head of the queue, back off
    /// and re-arm.
    pub(super) fn retransmit_timer(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        let sys = self.hosts[host].sysctl;
        let t = &self.sock_mut(host, sock).tcb;
        if !t.in_flight() {
            return;
        }
        let state = t.state;
        // tcp_write_timeout
        let expired = if state == TcpState::SynSent {
            // SYN_SENT: tcp_syn_retries + tcp_syn_linear_timeouts
            // retransmissions (Linux 6.5+), or earlier the time budget
            // tcp_model_timeout(tcp_syn_retries, TCP_TIMEOUT_INIT) or
            // TCP_USER_TIMEOUT, counted from the first SYN.
            t.retransmits >= sys.syn_retries + sys.syn_linear_timeouts
                || t.retransmits_timed_out(now, sys.syn_retries, &sys)
        } else if state == TcpState::SynReceived {
            // The listener's embryo: tcp_synack_retries (5).
            t.retransmits >= TCP_SYNACK_RETRIES
        } else {
            t.retransmits_timed_out(now, sys.retries2, &sys)
        };
        if expired {
            let ports = t.ports();
            self.note(host, KernelNote::RetriesExhausted, None, ports);
            // tcp_write_err: sk_err = ETIMEDOUT, tcp_done; no RST is sent.
            self.fail(host, sock, ResultWord::Etimedout);
            return;
        }
        let s = self.sock_mut(host, sock);
        if s.tcb.retrans_stamp.is_none() {
            s.tcb.retrans_stamp = Some(now);
        }
        let (rip, ports, head_seq) = (s.tcb.rip, s.tcb.ports(), s.tcb.rtx[0].seq);
        if self.arp_holds(host, rip, ports, head_seq) {
            // The segment still waits for ARP: __tcp_retransmit_skb
            // returns -EBUSY (skb_still_in_host_queue) and nothing is
            // sent, but tcp_retransmit_timer has counted the attempt
            // (tcp_update_rto_stats) and backs off and re-arms as below.
            self.note(host, KernelNote::ArpStillQueued, None, ports);
        } else {
            let s = self.sock_mut(host, sock);
            let head = &mut s.tcb.rtx[0];
            head.sent_at = now;
            head.resends += 1;
            let head = *head;
            let (flags, why) = if head.syn {
                if state == TcpState::SynSent {
                    (SYN, Why::SynRetransmit)
                } else {
                    (SYN | ACK, Why::SynAck)
                }
            } else {
                (data_flags(&head), Why::Retransmit)
            };
            if let Some(id) = self.send_from(host, sock, head.seq, flags, head.len, why) {
                self.packets[id].resend = Some(head.resends);
            }
            self.sock_mut(host, sock).tcb.total_retrans += 1;
        }
        let s = self.sock_mut(host, sock);
        s.tcb.retransmits += 1;
        if state == TcpState::SynSent {
            s.tcb.syn_rtos += 1;
        }
        // Exponential backoff, except SYN_SENT's first
        // tcp_syn_linear_timeouts retransmissions (Linux 6.5+).
        let linear = state == TcpState::SynSent && s.tcb.syn_rtos <= sys.syn_linear_timeouts;
        if !linear {
            s.tcb.backoff += 1;
            s.tcb.rto = (s.tcb.rto * 2).min(sys.rto_max);
        }
        self.rearm_rto(host, sock);
    }

    /// SYN_SENT got an unacceptable ACK (a challenge ACK from the old
    /// connection): if no SYN has been retransmitted yet, resend it after
    /// TCP_TIMEOUT_MIN instead of the full RTO (Linux 5.7+,
    /// `tcp_rcv_synsent_state_process`).
    pub(super) fn resend_syn_soon(&mut self, host: HostId, sock: usize, pkt: usize) {
        let t = &self.sock_mut(host, sock).tcb;
        if t.retransmits == 0 {
            let ports = t.ports();
            self.note(host, KernelNote::SynResendSoon, Some(pkt), ports);
            self.arm(host, sock, TimerKind::Retransmit, TCP_TIMEOUT_MIN);
        }
    }

    /// Process an acknowledgment (Linux `tcp_ack`, `tcp_clean_rtx_queue`):
    /// advance SND.UNA, take an RTT sample from a segment never
    /// retransmitted (Karn), reset the backoff, re-arm or stop the
    /// retransmission timer. Any acceptable ACK also answers keepalive.
    pub(super) fn process_ack(&mut self, host: HostId, sock: usize, ack: u32) {
        let now = self.now;
        let sys = self.hosts[host].sysctl;
        let t = &mut self.sock_mut(host, sock).tcb;
        if after(ack, t.snd_nxt) || before(ack, t.snd_una) {
            return;
        }
        t.last_rcv = now;
        t.last_ack_recv = now;
        t.probes_out = 0;
        if !after(ack, t.snd_una) {
            return;
        }
        let mut sample = None;
        while let Some(first) = t.rtx.first().copied() {
            if after(first.end(), ack) {
                break;
            }
            if first.resends == 0 {
                sample = Some(now - first.sent_at);
            }
            t.rtx.remove(0);
        }
        t.snd_una = ack;
        if let Some(m) = sample {
            t.rtt_sample(m, sys.rto_min, sys.rto_max);
        }
        t.backoff = 0;
        t.retransmits = 0;
        t.retrans_stamp = None;
        if t.tlp_high_seq.is_some_and(|h| !before(ack, h)) {
            t.tlp_high_seq = None;
        }
        let windowed = t.windowed_send();
        if t.rtx.is_empty() {
            self.stop_xmit(host, sock);
        } else {
            self.rearm_rto(host, sock);
            if windowed {
                // tcp_ack -> tcp_set_xmit_timer: with data still in flight
                // an ACK that advances schedules the loss probe
                // (`tcp_schedule_loss_probe`, advancing_rto), falling back
                // to the RTO. (The simple model's sockets, one segment in
                // flight at a time, keep the RTO.)
                self.schedule_loss_probe(host, sock);
            }
        }
    }
}

/// The flags of a (re)transmitted data or FIN segment.
fn data_flags(s: &Sent) -> u8 {
    ACK | if s.fin { FIN } else { 0 } | if s.psh { PSH } else { 0 }
}
