//! Each socket's timers, as one table, and the dispatch when one fires.
//!
//! Linux gives a socket a retransmission timer whose pending event is
//! either a retransmission or a tail loss probe (`icsk_pending`:
//! ICSK_TIME_RETRANS, ICSK_TIME_LOSS_PROBE), a keepalive timer (`sk_timer`),
//! a delayed-ACK timer, and for TIME_WAIT or an orphan in FIN_WAIT_2 the
//! timewait timer. One slot each here; arming a slot replaces what it held.
//!
//! Timers are cancelled lazily: the queue keeps every arming, and a popped
//! entry runs only if its slot still holds exactly that arming (same kind,
//! deadline and generation) on the host's current life (epoch).

use super::{Ev, HostId, World};
use crate::time::{secs, Instant};
use crate::trace::{EventKind, TcpState, TimerAction, TimerKind, Why};

/// One arming of a timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Armed {
    /// When it fires: `expires` rounded up by Linux's timer wheel
    /// (`crate::wheel`).
    pub at: Instant,
    /// When it was asked to expire (`timer->expires`, what `ss -o` counts
    /// down to and what TCP's own arithmetic reads).
    pub expires: Instant,
    pub kind: TimerKind,
    /// Unique in the world: a re-arm at the same instant is a new arming.
    pub gen: u64,
}

/// A socket's timer slots.
#[derive(Clone, Debug, Default)]
pub(super) struct Timers([Option<Armed>; 4]);

/// The slot a timer kind lives in.
fn slot(kind: TimerKind) -> usize {
    match kind {
        // One slot, as Linux's icsk_pending: a retransmission, a loss
        // probe or a zero-window probe.
        TimerKind::Retransmit | TimerKind::LossProbe | TimerKind::Persist => 0,
        TimerKind::Keepalive => 1,
        TimerKind::DelayedAck => 2,
        // (A middlebox's flow timer is never a socket's: see middlebox.rs.)
        TimerKind::TimeWait | TimerKind::FlowIdle => 3,
    }
}

impl Timers {
    /// The retransmission slot: a retransmission or a loss probe, if armed.
    pub fn xmit(&self) -> Option<Armed> {
        self.0[0]
    }

    /// When a timer of this kind was asked to expire, if armed.
    pub fn due(&self, kind: TimerKind) -> Option<Instant> {
        self.0[slot(kind)]
            .filter(|a| a.kind == kind)
            .map(|a| a.expires)
    }

    fn set(&mut self, a: Armed) {
        self.0[slot(a.kind)] = Some(a);
    }

    /// Empty the slot `kind` lives in, returning what it held.
    pub fn clear(&mut self, kind: TimerKind) -> Option<Armed> {
        self.0[slot(kind)].take()
    }

    /// Take the arming if the slot still holds exactly it.
    fn take_if(&mut self, a: Armed) -> bool {
        let s = &mut self.0[slot(a.kind)];
        if *s == Some(a) {
            *s = None;
            true
        } else {
            false
        }
    }
}

/// A queued timer expiry.
#[derive(Clone, Copy, Debug)]
pub(super) struct TimerEv {
    host: HostId,
    epoch: u32,
    sock: usize,
    armed: Armed,
}

impl World {
    /// Arm `kind` on a socket to fire `delay` from now (recorded in the
    /// trace, except the delayed ACK, which the diagrams leave out).
    pub(super) fn arm(&mut self, host: HostId, sock: usize, kind: TimerKind, delay: u64) {
        let record = kind != TimerKind::DelayedAck;
        self.arm_as(host, sock, kind, delay, record);
    }

    /// Arm a timer, recording the arming in the trace or not.
    pub(super) fn arm_as(
        &mut self,
        host: HostId,
        sock: usize,
        kind: TimerKind,
        delay: u64,
        record: bool,
    ) {
        let expires = self.now + delay;
        let at = self.wheel.fires(self.now, delay);
        let epoch = self.hosts[host].epoch;
        self.next_gen += 1;
        let armed = Armed {
            at,
            expires,
            kind,
            gen: self.next_gen,
        };
        let s = self.sock_mut(host, sock);
        s.timers.set(armed);
        let (lport, rport) = s.tcb.ports();
        if record {
            self.ev(
                host,
                EventKind::Timer {
                    timer: kind,
                    action: TimerAction::Armed,
                    expires_at: Some(secs(at)),
                    lport,
                    rport,
                },
            );
        }
        self.push(
            at,
            Ev::Timer(TimerEv {
                host,
                epoch,
                sock,
                armed,
            }),
        );
    }

    /// Stop the retransmission timer (retransmission or loss probe), recorded
    /// as cancelled if it was armed (Linux `inet_csk_clear_xmit_timer`).
    pub(super) fn stop_xmit(&mut self, host: HostId, sock: usize) {
        let s = self.sock_mut(host, sock);
        if let Some(a) = s.timers.clear(TimerKind::Retransmit) {
            let (lport, rport) = s.tcb.ports();
            self.ev(
                host,
                EventKind::Timer {
                    timer: a.kind,
                    action: TimerAction::Cancelled,
                    expires_at: None,
                    lport,
                    rport,
                },
            );
        }
    }

    /// A queued expiry comes due: run its handler if it is still armed.
    pub(super) fn timer(&mut self, t: TimerEv) {
        let TimerEv {
            host,
            epoch,
            sock,
            armed,
        } = t;
        if self.hosts[host].epoch != epoch || !self.hosts[host].up {
            return;
        }
        let Some(s) = self.hosts[host]
            .socks
            .get_mut(sock)
            .and_then(|s| s.as_mut())
        else {
            return;
        };
        if !s.timers.take_if(armed) {
            return;
        }
        let kind = armed.kind;
        let (lport, rport) = s.tcb.ports();
        // A keepalive expiry while data is in flight only re-arms the timer
        // (see keepalive.rs): left out of the trace, like the delayed ACK.
        let quiet =
            kind == TimerKind::DelayedAck || (kind == TimerKind::Keepalive && s.tcb.data_queued());
        if !quiet {
            self.ev(
                host,
                EventKind::Timer {
                    timer: kind,
                    action: TimerAction::Fired,
                    expires_at: None,
                    lport,
                    rport,
                },
            );
        }
        match kind {
            TimerKind::Retransmit => self.retransmit_timer(host, sock),
            TimerKind::LossProbe => self.loss_probe(host, sock),
            TimerKind::Persist => self.probe_timer(host, sock),
            TimerKind::Keepalive => self.keepalive_timer(host, sock),
            TimerKind::DelayedAck => self.delack_timer(host, sock),
            TimerKind::FlowIdle => {}
            TimerKind::TimeWait => {
                // TIME_WAIT's 2MSL (or an orphan's FIN_WAIT_2 timeout) is
                // over: the socket goes (Linux `tcp_time_wait`, `inet_twsk_kill`).
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
            }
        }
    }

    /// Linux `tcp_delack_timer_handler`: send the ACK that was held back, if
    /// nothing has carried it meanwhile.
    fn delack_timer(&mut self, host: HostId, sock: usize) {
        if self.sock_mut(host, sock).tcb.windowed_recv() {
            self.windowed_delack(host, sock);
        } else if self.sock_mut(host, sock).tcb.ack_pending {
            self.send_ack(host, sock, Why::DelayedAck);
        }
    }
}
