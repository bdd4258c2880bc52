//! Windows of data, for sockets with a fixed SO_SNDBUF (the windowed model;
//! see `SockOpts::sndbuf`): a send() that copies into the send buffer and
//! blocks when it is full, segmentation at the MSS, the congestion window
//! (10 segments, slow start), the peer's receive window, and the persist
//! timer that probes a closed window. The arithmetic is in `tcb.rs`
//! (`select_window`, `probe0_when`, `clamp_probe0_to_user_timeout`,
//! `Tcb::probe_step`); here is when it is applied.
//!
//! Sockets without SO_SNDBUF keep the simple model of the other scenarios:
//! each send() is one segment, sent at once.

use super::{HostId, World};
use crate::segment::flags::*;
use crate::tcb::{
    clamp_probe0_to_user_timeout, cwnd_restart, probe0_base, probe0_when, ProbeStep, Sent, MSS,
};
use crate::trace::{AppCall, AppResult, KernelNote, ResultWord, TcpState, TimerKind, Why};

impl World {
    /// send() on a windowed socket (Linux `tcp_sendmsg_locked`): copy what
    /// the send buffer has room for, push it out, and block for the rest
    /// (`sk_stream_wait_memory`), noted once per call.
    pub(super) fn windowed_send(&mut self, host: HostId, sock: usize, bytes: u32) {
        let now = self.now;
        let t = &mut self.sock_mut(host, sock).tcb;
        if crate::tcb::before(t.write_seq, t.snd_nxt) {
            // The first write: the queue starts after the SYN.
            t.write_seq = t.snd_nxt;
        }
        t.send_pending = bytes;
        t.send_copied = 0;
        t.send_since = Some(now);
        self.copy_to_sndbuf(host, sock);
    }

    /// Copy the blocked call's bytes into the send buffer as room allows,
    /// send what the windows allow, and return from send() once all is
    /// copied (or note that it blocks).
    pub(super) fn copy_to_sndbuf(&mut self, host: HostId, sock: usize) {
        let t = &mut self.sock_mut(host, sock).tcb;
        if t.send_pending == 0 {
            return;
        }
        let n = t.send_space().min(t.send_pending);
        t.write_seq = t.write_seq.wrapping_add(n);
        t.send_pending -= n;
        t.send_copied += n;
        let (pending, copied, since, ports) =
            (t.send_pending, t.send_copied, t.send_since, t.ports());
        self.write_xmit(host, sock);
        if pending == 0 {
            self.sock_mut(host, sock).tcb.send_since = None;
            self.app(host, AppCall::Send, AppResult::Bytes(copied), since, ports);
        } else if copied == n {
            // The call's first copy left bytes over: it blocks.
            self.note(host, KernelNote::SendBlocked, None, ports);
        }
    }

    /// Linux `tcp_write_xmit`: send new segments of at most one MSS while
    /// the congestion window (`tcp_cwnd_test`) and the peer's window
    /// (`tcp_snd_wnd_test`) allow; a segment smaller than the MSS waits
    /// while data is in flight (Nagle, `tcp_nagle_test`). When nothing is
    /// in flight and the window keeps data back, the persist timer starts
    /// (`tcp_check_probe_timer`).
    pub(super) fn write_xmit(&mut self, host: HostId, sock: usize) {
        loop {
            let t = &mut self.sock_mut(host, sock).tcb;
            let unsent = t.write_seq.wrapping_sub(t.snd_nxt);
            if unsent == 0 {
                break;
            }
            let len = unsent.min(MSS);
            let wnd_end = t.snd_una.wrapping_add(t.snd_wnd);
            let fits = !crate::tcb::after(t.snd_nxt.wrapping_add(len), wnd_end);
            if t.rtx.len() as u32 >= t.cwnd || !fits || (len < MSS && t.in_flight()) {
                break;
            }
            // A window that opens wide (a reader that resumes) lets a whole
            // burst out in one step: the run stops at the segment bound
            // (`scenarios::MAX_SEGMENTS`), so the burst does too.
            let was_idle = !t.in_flight();
            if self.packets.len() >= crate::scenarios::MAX_SEGMENTS {
                break;
            }
            self.send_new_segment(host, sock, len, Why::Data);
            self.after_new_data(host, sock, was_idle);
        }
        self.check_probe_timer(host, sock);
    }

    /// Linux `tcp_check_probe_timer`: nothing in flight, data waiting, no
    /// retransmission-slot timer pending: arm the persist timer at
    /// `tcp_probe0_base`.
    fn check_probe_timer(&mut self, host: HostId, sock: usize) {
        let s = self.sock_mut(host, sock);
        let t = &s.tcb;
        if t.in_flight() || t.write_seq == t.snd_nxt || s.timers.xmit().is_some() {
            return;
        }
        let base = probe0_base(t.rto);
        self.arm(host, sock, TimerKind::Persist, base);
    }

    /// An ACK reached a windowed sender (Linux `tcp_ack`): take the window
    /// it offers; grow cwnd by the segments it acknowledges (slow start,
    /// `tcp_slow_start`); with nothing in flight, re-arm the persist timer
    /// from now unless the window now takes the next segment
    /// (`tcp_ack_probe`); then send what the windows allow and wake a
    /// writer blocked on a full buffer (`tcp_data_snd_check`,
    /// `tcp_check_space`).
    pub(super) fn windowed_ack(&mut self, host: HostId, sock: usize, win: u32, acked_segs: u32) {
        let now = self.now;
        let rto_max = self.hosts[host].sysctl.rto_max;
        let s = self.sock_mut(host, sock);
        let t = &mut s.tcb;
        let new_wnd = win << t.snd_wscale;
        // tcp_ack_update_window: a window that changes while data waits
        // unsent calls tcp_slow_start_after_idle_check (a window update
        // after a zero-window stall restarts cwnd; the probes, data-less,
        // left lsndtime at the last data sent).
        if new_wnd != t.snd_wnd && t.write_seq != t.snd_nxt && !t.in_flight() {
            let idle = now.saturating_sub(t.last_data_sent);
            if idle > t.rto {
                t.cwnd = cwnd_restart(t.cwnd, idle, t.rto);
            }
        }
        t.snd_wnd = new_wnd;
        t.cwnd += acked_segs;
        let probing = s
            .timers
            .xmit()
            .is_some_and(|a| a.kind == TimerKind::Persist);
        if probing && !t.in_flight() {
            let head = t.write_seq.wrapping_sub(t.snd_nxt).min(MSS);
            let wnd_end = t.snd_una.wrapping_add(t.snd_wnd);
            if !crate::tcb::after(t.snd_nxt.wrapping_add(head), wnd_end) {
                // The window opened: probing is over (backoff and the
                // probe clock reset).
                t.backoff = 0;
                t.probes_tstamp = None;
                s.timers.clear(TimerKind::Persist);
            } else {
                let when = probe0_when(t.rto, t.backoff, rto_max);
                let when =
                    clamp_probe0_to_user_timeout(when, t.opts.user_timeout, t.probes_tstamp, now);
                self.arm(host, sock, TimerKind::Persist, when);
            }
        }
        self.write_xmit(host, sock);
        let t = &self.sock_mut(host, sock).tcb;
        if t.send_pending > 0 && t.writer_may_wake() {
            self.copy_to_sndbuf(host, sock);
        }
    }

    /// The persist timer fires (Linux `tcp_probe_timer`, `tcp_send_probe0`):
    /// give up, or send a zero-window probe (SEQ = SND.UNA - 1, no data:
    /// `tcp_write_wakeup` -> `tcp_xmit_probe_skb`), count it, back off
    /// (while the backoff is below `tcp_retries2`) and re-arm at
    /// `tcp_probe0_when`, clamped to TCP_USER_TIMEOUT.
    pub(super) fn probe_timer(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        let sys = self.hosts[host].sysctl;
        let t = &mut self.sock_mut(host, sock).tcb;
        // tcp_orphan_retries: 0 (the default sysctl) means 8 for a socket
        // whose probes still back off below TCP_RTO_MAX.
        let max_probes = if t.orphan { 8 } else { sys.retries2 };
        match t.probe_step(now, max_probes) {
            ProbeStep::Stop => {}
            ProbeStep::GiveUp => {
                let ports = t.ports();
                self.note(host, KernelNote::ProbesExhausted, None, ports);
                // tcp_write_err: sk_err = ETIMEDOUT, tcp_done; no RST.
                self.fail(host, sock, ResultWord::Etimedout);
            }
            ProbeStep::Probe => {
                let seq = t.snd_una.wrapping_sub(1);
                self.send_from(host, sock, seq, ACK, 0, Why::ZeroWindowProbe);
                let t = &mut self.sock_mut(host, sock).tcb;
                t.probes_out += 1;
                if t.backoff < sys.retries2 {
                    t.backoff += 1;
                }
                let when = probe0_when(t.rto, t.backoff, sys.rto_max);
                let when =
                    clamp_probe0_to_user_timeout(when, t.opts.user_timeout, t.probes_tstamp, now);
                self.arm(host, sock, TimerKind::Persist, when);
            }
        }
    }

    /// After a read on a windowed receiver (Linux `tcp_recvmsg` ->
    /// `__tcp_cleanup_rbuf`): an ACK now if one is scheduled and more than
    /// one full segment has arrived since the window was last offered; or
    /// if the window the freed room allows (`__tcp_select_window`) is not
    /// zero and at least twice what is left of the window last offered
    /// (`tcp_receive_window`), tested only when that is at most half the
    /// window clamp: "lots" of new room, as from a zero window when a
    /// stalled reader drains the buffer. Not after a FIN (RCV_SHUTDOWN: no
    /// more data will come).
    pub(super) fn cleanup_rbuf(&mut self, host: HostId, sock: usize) {
        let t = &mut self.sock_mut(host, sock).tcb;
        let receiving = matches!(
            t.state,
            TcpState::Established | TcpState::FinWait1 | TcpState::FinWait2
        );
        // The ACK tcp_input.c held back (the "once per two segments" one).
        if t.ack_pending && t.rcv_nxt.wrapping_sub(t.rcv_wup) > t.rcv_mss {
            return self.send_ack(host, sock, Why::Ack);
        }
        if !t.fin_rcvd && receiving {
            let now_left = t.rcv_wnd();
            if 2 * now_left as i64 <= t.rcv_space().full() {
                let new_win = t.select_window_now();
                if new_win > 0 && new_win >= 2 * now_left {
                    self.send_ack(host, sock, Why::WindowUpdate);
                }
            }
        }
    }

    /// Linux `__tcp_ack_snd_check` for a windowed receiver with an ACK
    /// scheduled: ACK now when more than one full segment (rcv_mss) has
    /// arrived since the window was last offered and the window now would
    /// be at least the one offered (the right edge advances far enough),
    /// or in quick-ACK mode (`tcp_in_quickack_mode`: quick ACKs left and
    /// not pingpong); otherwise `tcp_send_delayed_ack`. The window test
    /// runs first and may end quick-ACK mode (`__tcp_select_window` below
    /// half the buffer). (Its SO_RCVLOWAT clause never holds here: the
    /// data that scheduled the ACK is still unread when it runs.)
    pub(super) fn ack_snd_check(&mut self, host: HostId, sock: usize) {
        let t = &mut self.sock_mut(host, sock).tcb;
        if !t.ack_pending {
            return;
        }
        let more_than_one = t.rcv_nxt.wrapping_sub(t.rcv_wup) > t.rcv_mss;
        let edge_advances = more_than_one && t.select_window_now() >= t.rcv_wnd_adv;
        let quickack = t.quick > 0 && !t.pingpong;
        if edge_advances || quickack {
            self.send_ack(host, sock, Why::Ack);
        } else {
            self.send_delayed_ack(host, sock);
        }
    }

    /// Linux `tcp_send_delayed_ack`: arm the delayed-ACK timer `ato` from
    /// now (`Tcb::delack_timeout`), unless one is pending: then an ACK at
    /// once if it is due within a quarter of `ato`, else the earlier of the
    /// two timeouts.
    fn send_delayed_ack(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        let s = self.sock_mut(host, sock);
        let ato = s.tcb.delack_timeout();
        if let Some(due) = s.timers.due(TimerKind::DelayedAck) {
            if due <= now + ato / 4 {
                self.send_ack(host, sock, Why::Ack);
                return;
            }
            if due <= now + ato {
                return;
            }
        }
        s.tcb.ack_pending = true;
        self.arm(host, sock, TimerKind::DelayedAck, ato);
    }

    /// Linux `tcp_delack_timer_handler` on a windowed receiver: the ACK
    /// timeout doubles (at most the RTO; out of pingpong mode to
    /// `TCP_ATO_MIN`) and the held ACK goes.
    pub(super) fn windowed_delack(&mut self, host: HostId, sock: usize) {
        let t = &mut self.sock_mut(host, sock).tcb;
        if !t.ack_pending {
            return;
        }
        if t.pingpong {
            t.pingpong = false;
            t.ato = crate::tcb::TCP_ATO_MIN;
        } else {
            t.ato = (t.ato << 1).min(t.rto);
        }
        self.send_ack(host, sock, Why::DelayedAck);
    }

    /// One new segment of `len` bytes from the send queue onto the wire
    /// (`tcp_transmit_skb` of a fresh skb): SND.NXT advances, the segment
    /// joins the retransmission queue, PSH on the one that empties the
    /// queue (`tcp_push`, `forced_push`).
    fn send_new_segment(&mut self, host: HostId, sock: usize, len: u32, why: Why) {
        let now = self.now;
        let t = &mut self.sock_mut(host, sock).tcb;
        let seq = t.snd_nxt;
        t.snd_nxt = seq.wrapping_add(len);
        t.last_data_sent = now;
        let psh = if t.snd_nxt == t.write_seq { PSH } else { 0 };
        t.rtx.push(Sent {
            psh: psh != 0,
            ..Sent::fresh(seq, len, false, false, now)
        });
        self.send_from(host, sock, seq, ACK | psh, len, why);
    }

    /// The loss probe's first choice (Linux `tcp_send_loss_probe`): one new
    /// segment from the send queue if the peer's window takes it, whatever
    /// the congestion window (`tcp_write_xmit` with push_one = 2). Returns
    /// whether it sent one.
    pub(super) fn tlp_new_data(&mut self, host: HostId, sock: usize) -> bool {
        let t = &mut self.sock_mut(host, sock).tcb;
        if !t.windowed_send() {
            return false;
        }
        let unsent = t.write_seq.wrapping_sub(t.snd_nxt);
        let len = unsent.min(MSS);
        let wnd_end = t.snd_una.wrapping_add(t.snd_wnd);
        if len == 0 || crate::tcb::after(t.snd_nxt.wrapping_add(len), wnd_end) {
            return false;
        }
        t.tlp_high_seq = Some(t.snd_nxt.wrapping_add(len));
        self.send_new_segment(host, sock, len, Why::TailLossProbe);
        true
    }

    /// The connection died under a blocked send() (Linux
    /// `sk_stream_wait_memory` wakes with the error): the call returns what
    /// it copied, and the writer's next call gets the error (`sk_err`).
    pub(super) fn wake_blocked_writer(&mut self, host: HostId, sock: usize) {
        let t = &mut self.sock_mut(host, sock).tcb;
        if t.send_pending == 0 {
            return;
        }
        let (copied, since, ports) = (t.send_copied, t.send_since, t.ports());
        t.send_pending = 0;
        t.send_since = None;
        // A process that also sits in recv() gets the error there; a writer
        // that never reads, on its next send().
        let reads = self
            .sock(host, sock)
            .and_then(|s| s.app)
            .is_some_and(|a| a.reads);
        let t = &mut self.sock_mut(host, sock).tcb;
        let err = if reads { None } else { t.err.take() };
        if copied > 0 {
            self.app(host, AppCall::Send, AppResult::Bytes(copied), since, ports);
            if let Some(err) = err {
                self.app(host, AppCall::Send, AppResult::Word(err), None, ports);
            }
        } else if let Some(err) = err.or_else(|| self.sock_mut(host, sock).tcb.err.take()) {
            // Nothing copied: the blocked call itself fails.
            self.app(host, AppCall::Send, AppResult::Word(err), since, ports);
        }
    }
}
