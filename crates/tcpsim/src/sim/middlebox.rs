//! A stateful middlebox halfway between client and server: a NAT gateway, a
//! cloud load balancer, a conntrack firewall. It keeps a flow entry per
//! connection, created by the SYN and refreshed by every segment, and
//! forgets it after `idle` of silence. A later segment of a forgotten flow
//! is dropped, or (with `reset`) answered with a RST in the name of the other
//! end, whose numbers the sender accepts (RFC 9293 3.10.7.1: SEQ = the
//! segment's ACK).

use super::{Ev, HostId, Role, World};
use crate::segment::{flags::*, Seg};
use crate::tcb::rst_reply;
use crate::time::{secs, Instant};
use crate::trace::{EventKind, KernelNote, Loss, TimerAction, TimerKind, Why};

/// The middlebox and its flow table.
#[derive(Clone, Debug)]
pub(super) struct Middlebox {
    pub host: HostId,
    /// Idle time after which a flow is forgotten.
    pub idle: u64,
    /// Answer a segment of a forgotten flow with a RST (else drop it).
    pub reset: bool,
    pub flows: Vec<Flow>,
}

/// One flow entry: the connection's client and server ends.
#[derive(Clone, Copy, Debug)]
pub(super) struct Flow {
    /// (client address, client port, server address, server port).
    pub key: (u32, u16, u32, u16),
    /// When it is forgotten unless refreshed.
    pub expires: Instant,
    pub alive: bool,
}

/// A queued flow expiry.
#[derive(Clone, Copy, Debug)]
pub(super) struct FlowEv {
    pub flow: usize,
    pub at: Instant,
}

impl World {
    /// Put a middlebox on the path between client and server (the host is
    /// its lifeline in the trace).
    pub fn add_middlebox(&mut self, host: HostId, idle: u64, reset: bool) {
        self.middlebox = Some(Middlebox {
            host,
            idle,
            reset,
            flows: Vec::new(),
        });
    }

    /// Whether a segment between these hosts crosses the middlebox: only
    /// traffic between the client and the server does.
    pub(super) fn through_middlebox(&self, a: HostId, b: HostId) -> bool {
        let role = |h: HostId| self.hosts[h].role;
        matches!(
            (role(a), role(b)),
            (Role::Client, Role::Server) | (Role::Server, Role::Client)
        )
    }

    /// A segment reaches the middlebox.
    pub(super) fn middlebox_pass(&mut self, dst: HostId, seg: Seg, pkt: usize) {
        let Some(mb) = self.middlebox.as_ref() else {
            return self.onward(dst, seg, pkt);
        };
        let (mb_host, idle, reset) = (mb.host, mb.idle, mb.reset);
        let to_server = self.hosts[dst].role == Role::Server;
        let key = if to_server {
            (seg.src_ip, seg.sport, seg.dst_ip, seg.dport)
        } else {
            (seg.dst_ip, seg.dport, seg.src_ip, seg.sport)
        };
        let ports = (key.1, key.3);
        let found = mb.flows.iter().position(|f| f.key == key && f.alive);
        let flow = match found {
            Some(i) => i,
            // A SYN from the client opens a flow (conntrack: NEW).
            None if to_server && seg.has(SYN) && !seg.has(ACK) => {
                let flows = &mut self.middlebox.as_mut().expect("checked above").flows;
                flows.push(Flow {
                    key,
                    expires: 0,
                    alive: true,
                });
                let n = flows.len() - 1;
                self.note(mb_host, KernelNote::FlowCreated, Some(pkt), ports);
                n
            }
            None => {
                // No entry: the segment goes no further.
                let p = &mut self.packets[pkt];
                p.lost = Some(Loss::Middlebox);
                p.lost_at = Some(secs(self.now));
                self.note(mb_host, KernelNote::FlowDropped, Some(pkt), ports);
                if let Some(r) = rst_reply(&seg).filter(|_| reset) {
                    // Back to the sender, in the name of the other end.
                    let spoof = self.hosts.iter().position(|h| h.ip == r.src_ip);
                    self.transmit(mb_host, r, Why::MiddleboxRst, spoof);
                }
                return;
            }
        };
        // Refresh: the idle timer starts over.
        let expires = self.now + idle;
        if let Some(f) = self.middlebox.as_mut().and_then(|m| m.flows.get_mut(flow)) {
            f.expires = expires;
        }
        self.ev(
            mb_host,
            EventKind::Timer {
                timer: TimerKind::FlowIdle,
                action: TimerAction::Armed,
                expires_at: Some(secs(expires)),
                lport: ports.0,
                rport: ports.1,
            },
        );
        self.push(expires, Ev::FlowExpiry(FlowEv { flow, at: expires }));
        self.onward(dst, seg, pkt);
    }

    /// A flow's idle timer comes due: forgotten, unless refreshed since.
    pub(super) fn flow_expiry(&mut self, e: FlowEv) {
        let Some(mb) = self.middlebox.as_mut() else {
            return;
        };
        let host = mb.host;
        let Some(f) = mb.flows.get_mut(e.flow) else {
            return;
        };
        if !f.alive || f.expires != e.at {
            return;
        }
        f.alive = false;
        let ports = (f.key.1, f.key.3);
        self.ev(
            host,
            EventKind::Timer {
                timer: TimerKind::FlowIdle,
                action: TimerAction::Fired,
                expires_at: None,
                lport: ports.0,
                rport: ports.1,
            },
        );
        self.note(host, KernelNote::FlowExpired, None, ports);
    }
}
