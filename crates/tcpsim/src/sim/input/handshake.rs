//! The handshake: a SYN reaching a listener, the SYN-ACK reaching a
//! SYN_SENT socket, and the third ACK reaching a SYN_RECEIVED one.

use super::{Flow, Input, World};
use crate::segment::{flags::*, Seg, WINDOW};
use crate::sim::{HostId, Listener};
use crate::tcb::{after, in_receive_window, Sent, Tcb};
use crate::trace::{AppCall, AppResult, KernelNote, ResultWord, TcpState, Why};

impl World {
    /// RFC 9293 3.10.7.2 (LISTEN); Linux `tcp_v4_rcv` ->
    /// `tcp_rcv_state_process` (TCP_LISTEN) -> `tcp_conn_request`. A RST is
    /// ignored; a segment with an ACK (the old connection's data reaching a
    /// rebooted host that listens on the port) is answered with
    /// `<SEQ=SEG.ACK><CTL=RST>`; a SYN makes a SYN_RECEIVED socket.
    pub(super) fn listen_rcv(&mut self, host: HostId, l: Listener, seg: Seg, pkt: usize) {
        if seg.has(RST) {
            self.note(
                host,
                KernelNote::RstIgnored,
                Some(pkt),
                (seg.dport, seg.sport),
            );
            return;
        }
        if seg.has(ACK) {
            self.reply_rst(host, &seg, Why::RstListener);
            return;
        }
        if !seg.has(SYN) {
            return;
        }
        let iss = self.new_isn(host);
        let mut tcb = Tcb::new(seg.dport, seg.src_ip, seg.sport, iss, self.now);
        tcb.irs = seg.seq;
        tcb.rcv_nxt = seg.seq.wrapping_add(1);
        tcb.snd_nxt = iss.wrapping_add(1);
        tcb.opts = l.app.opts;
        tcb.state = TcpState::Listen;
        tcb.rtx.push(Sent::fresh(iss, 0, true, false, self.now));
        let sock = self.insert(host, tcb, Some(l.app));
        self.set_state(host, sock, TcpState::SynReceived);
        self.send_from(host, sock, iss, SYN | ACK, 0, Why::SynAck);
        self.rearm_rto(host, sock);
    }

    /// RFC 9293 3.10.7.3 (SYN-SENT); Linux `tcp_rcv_synsent_state_process`.
    pub(super) fn synsent_rcv(&mut self, i: &Input) {
        let (host, sock, seg) = (i.host, i.sock, &i.seg);
        let now = self.now;
        let t = &self.sock_mut(host, sock).tcb;
        let ports = t.ports();
        if seg.has(ACK) && (!after(seg.ack, t.iss) || after(seg.ack, t.snd_nxt)) {
            // An unacceptable ACK (the old connection's challenge ACK, say):
            // <SEQ=SEG.ACK><CTL=RST>, and the SYN resent soon.
            if seg.has(RST) {
                return;
            }
            self.reply_rst(host, seg, Why::RstBadAck);
            self.resend_syn_soon(host, sock, i.pkt);
            return;
        }
        if seg.has(RST) {
            if seg.has(ACK) {
                // Connection refused (Linux tcp_reset in SYN_SENT).
                self.note(host, KernelNote::RstAccepted, Some(i.pkt), ports);
                self.stop_xmit(host, sock);
                self.set_state(host, sock, TcpState::Closed);
                let since = self.sock_mut(host, sock).blocked_recv.take();
                self.app(
                    host,
                    AppCall::Connect,
                    AppResult::Word(ResultWord::Econnrefused),
                    since,
                    ports,
                );
                self.free_sock(host, sock);
            }
            return;
        }
        if seg.has(SYN) && seg.has(ACK) {
            let s = self.sock_mut(host, sock);
            s.tcb.irs = seg.seq;
            s.tcb.rcv_nxt = seg.seq.wrapping_add(1);
            s.tcb.last_rcv = now;
            self.process_ack(host, sock, seg.ack);
            self.set_state(host, sock, TcpState::Established);
            self.send_ack(host, sock, Why::HandshakeAck);
            self.on_established(host, sock);
            let since = self.sock_mut(host, sock).blocked_recv.take();
            self.app(
                host,
                AppCall::Connect,
                AppResult::Word(ResultWord::Ok),
                since,
                ports,
            );
            self.sock_mut(host, sock).blocked_recv = Some(now);
        }
    }

    /// SYN-RECEIVED (Linux `tcp_check_req`): a RST inside the window ends
    /// the embryo, a retransmitted SYN gets the SYN-ACK again (rate-limited),
    /// the ACK of our SYN completes the handshake, a wrong ACK gets a RST.
    /// A segment that completes the handshake and carries data or a FIN goes
    /// on through the ESTABLISHED steps.
    pub(super) fn synrecv_rcv(&mut self, i: &Input) -> Flow {
        let (host, sock, seg) = (i.host, i.sock, &i.seg);
        let now = self.now;
        let limit = self.hosts[host].sysctl.invalid_ratelimit;
        let t = &self.sock_mut(host, sock).tcb;
        let ports = t.ports();
        if seg.has(RST) {
            let what = if in_receive_window(seg.seq, t.rcv_nxt, WINDOW as u32) {
                KernelNote::RstAccepted
            } else {
                KernelNote::RstIgnored
            };
            self.note(host, what, Some(i.pkt), ports);
            if what == KernelNote::RstAccepted {
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
            }
            return Flow::Done;
        }
        if seg.has(SYN) && !seg.has(ACK) {
            // A retransmitted SYN: the SYN-ACK again, at most once per
            // tcp_invalid_ratelimit (LINUX_MIB_TCPACKSKIPPEDSYNRECV).
            let iss = t.iss;
            if !self.oow_rate_limited(host, sock, limit) {
                self.send_from(host, sock, iss, SYN | ACK, 0, Why::SynAck);
            }
            return Flow::Done;
        }
        if !seg.has(ACK) {
            return Flow::Continue;
        }
        if seg.ack != t.snd_nxt {
            self.reply_rst(host, seg, Why::RstBadAck);
            return Flow::Done;
        }
        self.process_ack(host, sock, seg.ack);
        // The handshake's ACK gives the window (tcp_rcv_state_process,
        // TCP_SYN_RECV: snd_wnd from the segment, scaled).
        let win = self.packets[i.pkt].win as u32;
        let t = &mut self.sock_mut(host, sock).tcb;
        if t.windowed_send() {
            t.snd_wnd = win << t.snd_wscale;
        }
        self.set_state(host, sock, TcpState::Established);
        self.on_established(host, sock);
        self.app(
            host,
            AppCall::Accept,
            AppResult::Word(ResultWord::Ok),
            None,
            ports,
        );
        self.sock_mut(host, sock).blocked_recv = Some(now);
        if seg.len == 0 && !seg.has(FIN) {
            Flow::Done
        } else {
            Flow::Continue
        }
    }

    /// On entering ESTABLISHED: the idle clock starts, and keepalive with it.
    fn on_established(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        let t = &mut self.sock_mut(host, sock).tcb;
        t.last_rcv = now;
        // tcp_finish_connect / tcp_rcv_state_process: the ss clocks start.
        t.last_data_sent = now;
        t.last_data_recv = now;
        self.start_keepalive(host, sock);
    }
}
