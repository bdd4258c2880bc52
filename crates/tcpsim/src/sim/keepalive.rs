//! Keepalive: armed when a connection is established with SO_KEEPALIVE,
//! pushed back by every segment received (through `last_rcv`, which ACK
//! and data processing update), and fired here. The decision itself is
//! `Tcb::keepalive_step` in `tcb.rs`.

use super::{HostId, World};
use crate::segment::flags::ACK;
use crate::tcb::KeepaliveStep;
use crate::trace::{KernelNote, ResultWord, TimerKind, Why};

impl World {
    /// On entering ESTABLISHED: the keepalive timer if SO_KEEPALIVE
    /// (Linux `tcp_finish_connect` / `tcp_rcv_state_process` ->
    /// `inet_csk_reset_keepalive_timer`).
    pub(super) fn start_keepalive(&mut self, host: HostId, sock: usize) {
        let sys = self.hosts[host].sysctl;
        let t = &self.sock_mut(host, sock).tcb;
        if t.opts.keepalive {
            let idle = t.keepidle(&sys);
            self.arm(host, sock, TimerKind::Keepalive, idle);
        }
    }

    /// Linux `tcp_keepalive_timer`.
    pub(super) fn keepalive_timer(&mut self, host: HostId, sock: usize) {
        let (now, sys) = (self.now, self.hosts[host].sysctl);
        let t = &self.sock_mut(host, sock).tcb;
        match t.keepalive_step(now, &sys) {
            KeepaliveStep::Off => {}
            // With data in flight Linux re-arms for the idle time
            // (tcp_keepalive_timer's `resched`: the retransmission timer
            // owns the connection then). These no-op expiries stay out of
            // the trace: with tcp_keepalive_time = 1 s and a long
            // TCP_USER_TIMEOUT they would be two records a second.
            KeepaliveStep::Rearm(d) => {
                let record = !t.data_queued();
                self.arm_as(host, sock, TimerKind::Keepalive, d, record)
            }
            KeepaliveStep::GiveUp => {
                let ports = t.ports();
                self.note(host, KernelNote::KeepaliveExhausted, None, ports);
                self.send_active_reset(host, sock, Why::RstKeepaliveTimeout);
                self.fail(host, sock, ResultWord::Etimedout);
            }
            KeepaliveStep::Probe { seq, next } => {
                // tcp_write_wakeup -> tcp_xmit_probe_skb: a zero-length ACK
                // the peer must answer (its sequence number is old).
                self.send_from(host, sock, seq, ACK, 0, Why::KeepaliveProbe);
                self.sock_mut(host, sock).tcb.probes_out += 1;
                self.arm(host, sock, TimerKind::Keepalive, next);
            }
        }
    }
}
