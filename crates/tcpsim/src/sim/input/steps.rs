//! A segment on a synchronized connection (ESTABLISHED and the closing
//! states), step by step as RFC 9293 3.10.7.4 lists them, in the order
//! Linux takes them (`tcp_validate_incoming`: sequence, RST, SYN; then
//! `tcp_rcv_state_process` / `tcp_rcv_established`: ACK, data, FIN). Each
//! step either finishes with the segment or passes it on.

use super::{Flow, Input, World};
use crate::segment::flags::*;
use crate::sim::HostId;
use crate::tcb::{segment_acceptable, TCP_ATO_MIN, TCP_TIMEWAIT_LEN};
use crate::trace::{KernelNote, ResultWord, TcpState, TimerKind, Why};

impl World {
    /// First, the sequence number (RFC 9293 3.10.7.4 "first check sequence
    /// number"; Linux `tcp_sequence`). An unacceptable segment is dropped:
    /// a RST silently, a SYN with a challenge ACK (RFC 5961 4.2; Linux
    /// `syn_challenge`), anything else (a keepalive probe, an old
    /// duplicate) with an ACK restating our numbers, at most one per
    /// `tcp_invalid_ratelimit` for segments without data
    /// (`tcp_oow_rate_limited`).
    pub(super) fn check_sequence(&mut self, i: &Input) -> Flow {
        let (host, sock, seg) = (i.host, i.sock, &i.seg);
        let now = self.now;
        let limit = self.hosts[host].sysctl.invalid_ratelimit;
        let t = &self.sock_mut(host, sock).tcb;
        if segment_acceptable(seg.seq, seg.seg_len(), t.rcv_nxt, t.rcv_wnd()) {
            return Flow::Continue;
        }
        if seg.has(RST) {
            let ports = t.ports();
            self.note(host, KernelNote::RstIgnored, Some(i.pkt), ports);
            return Flow::Done;
        }
        if seg.has(SYN) {
            self.challenge_ack(host, sock, i.pkt);
            return Flow::Done;
        }
        if seg.len == 0 && self.oow_rate_limited(host, sock, limit) {
            return Flow::Done;
        }
        if seg.len > 0 {
            self.sock_mut(host, sock).tcb.last_oow_ack = Some(now);
        }
        self.send_ack(host, sock, Why::DupAck);
        Flow::Done
    }

    /// Second, the RST bit (RFC 5961 3.2): only SEG.SEQ == RCV.NXT resets
    /// the connection; a RST elsewhere in the window gets a challenge ACK.
    /// The reset reaches the application as ECONNRESET, or EPIPE in
    /// CLOSE_WAIT (Linux `tcp_reset`); in the closing states whose process
    /// is gone it just ends the socket.
    pub(super) fn check_rst(&mut self, i: &Input) -> Flow {
        let (host, sock, seg) = (i.host, i.sock, &i.seg);
        if !seg.has(RST) {
            return Flow::Continue;
        }
        let t = &self.sock_mut(host, sock).tcb;
        let ports = t.ports();
        if seg.seq != t.rcv_nxt {
            self.note(host, KernelNote::RstInexact, Some(i.pkt), ports);
            self.challenge_ack(host, sock, i.pkt);
            return Flow::Done;
        }
        self.note(host, KernelNote::RstAccepted, Some(i.pkt), ports);
        match i.state {
            TcpState::TimeWait | TcpState::LastAck | TcpState::Closing => {
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
            }
            TcpState::CloseWait => self.fail(host, sock, ResultWord::Epipe),
            _ => self.fail(host, sock, ResultWord::Econnreset),
        }
        Flow::Done
    }

    /// Fourth, the SYN bit: a SYN on a synchronized connection, even one in
    /// the window, gets a challenge ACK and changes nothing (RFC 5961 4.2;
    /// Linux since 3.6). Before RFC 5961 it reset the connection.
    pub(super) fn check_syn(&mut self, i: &Input) -> Flow {
        if !i.seg.has(SYN) {
            return Flow::Continue;
        }
        self.challenge_ack(i.host, i.sock, i.pkt);
        Flow::Done
    }

    /// Fifth, the ACK field: a segment without ACK is dropped; otherwise
    /// SND.UNA advances (`process_ack`), and the ACK of our FIN moves the
    /// closing states on: FIN_WAIT_1 to FIN_WAIT_2 (an orphan gets
    /// `tcp_fin_timeout`, 60 s), CLOSING to TIME_WAIT, LAST_ACK to CLOSED.
    pub(super) fn check_ack(&mut self, i: &Input) -> Flow {
        let (host, sock, seg) = (i.host, i.sock, &i.seg);
        if !seg.has(ACK) {
            return Flow::Done;
        }
        let t = &self.sock_mut(host, sock).tcb;
        let (was_fin_sent, queued) = (t.fin_sent, t.rtx.len());
        self.process_ack(host, sock, seg.ack);
        if self.sock_mut(host, sock).tcb.windowed_send() {
            let acked = queued - self.sock_mut(host, sock).tcb.rtx.len();
            let win = self.packets[i.pkt].win as u32;
            self.windowed_ack(host, sock, win, acked as u32);
        }
        let t = &self.sock_mut(host, sock).tcb;
        if !(was_fin_sent && t.snd_una == t.snd_nxt) {
            return Flow::Continue;
        }
        match i.state {
            TcpState::FinWait1 => {
                self.set_state(host, sock, TcpState::FinWait2);
                if self.sock_mut(host, sock).tcb.orphan {
                    self.arm(host, sock, TimerKind::TimeWait, TCP_TIMEWAIT_LEN);
                }
            }
            TcpState::Closing => {
                self.set_state(host, sock, TcpState::TimeWait);
                self.arm(host, sock, TimerKind::TimeWait, TCP_TIMEWAIT_LEN);
            }
            TcpState::LastAck => {
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
                return Flow::Done;
            }
            _ => {}
        }
        Flow::Continue
    }

    /// Seventh, the segment text. Data for a socket whose process has closed
    /// it resets the connection (Linux `tcp_rcv_state_process`,
    /// TCPABORTONDATA). In-order data is queued for the process and ACKed
    /// at once (quick-ACK mode for the first segments,
    /// `tcp_event_data_recv`); anything else is ACKed at once too
    /// (`tcp_data_queue`: duplicate or out of order).
    pub(super) fn process_data(&mut self, i: &Input) -> Flow {
        let (host, sock, seg) = (i.host, i.sock, &i.seg);
        if seg.len == 0 {
            return Flow::Continue;
        }
        let now = self.now;
        let t = &self.sock_mut(host, sock).tcb;
        let state = t.state;
        let closing = matches!(state, TcpState::FinWait1 | TcpState::FinWait2);
        if t.orphan && closing {
            self.reply_rst(host, seg, Why::RstDataAfterClose);
            self.set_state(host, sock, TcpState::Closed);
            self.free_sock(host, sock);
            return Flow::Done;
        }
        // Beyond the window offered: dropped and ACKed (tcp_data_queue,
        // out_of_window).
        let beyond = t.windowed_recv()
            && crate::tcb::after(
                seg.seq.wrapping_add(seg.len),
                t.rcv_nxt.wrapping_add(t.rcv_wnd()),
            );
        let duplicate = !crate::tcb::after(seg.seq.wrapping_add(seg.len), t.rcv_nxt);
        if t.windowed_recv() && duplicate {
            // tcp_data_queue, a retransmission of data we have ("force an
            // immediate ack"): quick-ACK mode and an ACK scheduled; whether
            // it goes now is `__tcp_ack_snd_check`'s to say.
            let t = &mut self.sock_mut(host, sock).tcb;
            t.incr_quickack(crate::tcb::TCP_MAX_QUICKACKS);
            t.pingpong = false;
            t.ato = TCP_ATO_MIN;
            t.ack_pending = true;
            self.ack_snd_check(host, sock);
            return Flow::Done;
        }
        if beyond || seg.seq != t.rcv_nxt || !(closing || state == TcpState::Established) {
            self.send_ack(host, sock, Why::Ack);
            return Flow::Done;
        }
        if t.windowed_recv() {
            let t = &mut self.sock_mut(host, sock).tcb;
            t.rcv_data(seg.len, now);
            t.rcv_nxt = t.rcv_nxt.wrapping_add(seg.len);
            t.unread += seg.len;
            t.last_rcv = now;
            t.last_data_recv = now;
            t.ack_pending = true;
            self.ack_snd_check(host, sock);
            self.data_ready(host, sock);
            if self.sock(host, sock).is_none() {
                return Flow::Done;
            }
            return Flow::Continue;
        }
        let t = &mut self.sock_mut(host, sock).tcb;
        t.rcv_nxt = t.rcv_nxt.wrapping_add(seg.len);
        t.unread += seg.len;
        t.last_rcv = now;
        t.last_data_recv = now;
        if !t.data_received {
            t.data_received = true;
            t.ato = TCP_ATO_MIN;
        }
        self.send_ack(host, sock, Why::Ack);
        self.wake_reader(host, sock);
        if self.sock(host, sock).is_none() {
            return Flow::Done;
        }
        Flow::Continue
    }

    /// Eighth, the FIN bit (Linux `tcp_fin`). A retransmitted FIN (our ACK
    /// was lost) is ACKed again, and in TIME_WAIT restarts the 2MSL timer
    /// (RFC 9293 3.10.7.4; `tcp_timewait_state_process`). A FIN in order
    /// moves the state on: ESTABLISHED to CLOSE_WAIT with a delayed ACK
    /// (pingpong mode, `tcp_send_delayed_ack`) and EOF for a blocked
    /// recv(); FIN_WAIT_1 to CLOSING; FIN_WAIT_2 to TIME_WAIT.
    pub(super) fn process_fin(&mut self, i: &Input) -> Flow {
        let (host, sock, seg) = (i.host, i.sock, &i.seg);
        if !seg.has(FIN) {
            return Flow::Done;
        }
        let now = self.now;
        let t = &mut self.sock_mut(host, sock).tcb;
        let state = t.state;
        let fin_seq = seg.seq.wrapping_add(seg.len);
        if t.fin_rcvd && fin_seq.wrapping_add(1) == t.rcv_nxt {
            if state == TcpState::TimeWait {
                self.send_ack(host, sock, Why::TimewaitAck);
                self.arm(host, sock, TimerKind::TimeWait, TCP_TIMEWAIT_LEN);
            } else {
                self.send_ack(host, sock, Why::Ack);
            }
            return Flow::Done;
        }
        if fin_seq != t.rcv_nxt {
            return Flow::Done;
        }
        t.rcv_nxt = t.rcv_nxt.wrapping_add(1);
        t.fin_rcvd = true;
        t.last_rcv = now;
        match state {
            TcpState::Established => {
                self.set_state(host, sock, TcpState::CloseWait);
                let t = &mut self.sock_mut(host, sock).tcb;
                t.pingpong = true;
                t.ack_pending = true;
                let d = t.delayed_ack_timeout();
                self.arm(host, sock, TimerKind::DelayedAck, d);
                self.wake_reader(host, sock);
            }
            TcpState::FinWait1 => {
                self.send_ack(host, sock, Why::Ack);
                self.set_state(host, sock, TcpState::Closing);
            }
            TcpState::FinWait2 => {
                self.send_ack(host, sock, Why::Ack);
                self.set_state(host, sock, TcpState::TimeWait);
                self.arm(host, sock, TimerKind::TimeWait, TCP_TIMEWAIT_LEN);
            }
            TcpState::TimeWait => self.send_ack(host, sock, Why::Ack),
            _ => {}
        }
        Flow::Done
    }

    /// `tcp_oow_rate_limited`: whether an ACK for an out-of-window segment
    /// (or a challenge ACK) must be skipped because one went out less than
    /// `limit` ago on this socket; if not, the time is noted.
    pub(in crate::sim) fn oow_rate_limited(
        &mut self,
        host: HostId,
        sock: usize,
        limit: u64,
    ) -> bool {
        let now = self.now;
        let t = &mut self.sock_mut(host, sock).tcb;
        if let Some(last) = t.last_oow_ack {
            if now.saturating_sub(last) < limit {
                return true;
            }
        }
        t.last_oow_ack = Some(now);
        false
    }

    /// RFC 5961 4.2 / Linux `tcp_send_challenge_ack`: an ACK with SND.NXT
    /// and RCV.NXT, at most one per `tcp_invalid_ratelimit` per socket.
    fn challenge_ack(&mut self, host: HostId, sock: usize, pkt: usize) {
        let limit = self.hosts[host].sysctl.invalid_ratelimit;
        if self.oow_rate_limited(host, sock, limit) {
            let ports = self.sock_mut(host, sock).tcb.ports();
            self.note(host, KernelNote::ChallengeAckRateLimited, Some(pkt), ports);
            return;
        }
        self.send_ack(host, sock, Why::ChallengeAck);
    }
}
