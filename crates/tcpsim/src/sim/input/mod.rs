//! Input: a segment reaches a host. Demultiplexing (Linux `tcp_v4_rcv`:
//! the established table, then the listeners, then a RST), and the state
//! machine: the handshake in `handshake.rs`, the synchronized states in
//! `steps.rs`, one function per step of RFC 9293 3.10.7.4 in the order
//! Linux's `tcp_validate_incoming` and `tcp_rcv_state_process` take them.

use super::{HostId, Role, World};
use crate::segment::{flags::*, Seg};
use crate::time::secs;
use crate::trace::{KernelNote, Loss, TcpState, Why};

mod handshake;
mod steps;

/// Whether input processing goes on to the next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Done,
}

/// A segment being processed on one socket.
#[derive(Clone, Copy, Debug)]
struct Input {
    host: HostId,
    sock: usize,
    seg: Seg,
    /// Its index in the trace's packets.
    pkt: usize,
    /// The socket's state when the segment arrived.
    state: TcpState,
}

impl World {
    /// A segment reaches `host` (or dies at its door if the host is down).
    pub(super) fn arrive(&mut self, host: HostId, seg: Seg, pkt: usize) {
        if !self.hosts[host].up {
            let p = &mut self.packets[pkt];
            p.lost = Some(Loss::HostDown);
            p.lost_at = Some(secs(self.now));
            return;
        }
        self.packets[pkt].arrived_at = Some(secs(self.now));
        // A third party tapping the victim's side sees it too.
        self.attacker_sees(&seg, pkt);
        if self.hosts[host].role == Role::Attacker {
            return;
        }
        if let Some(sock) = self.find(host, seg.dport, seg.src_ip, seg.sport) {
            self.tcp_rcv(host, sock, seg, pkt);
            return;
        }
        if let Some(l) = self.hosts[host].listener(seg.dport).cloned() {
            self.listen_rcv(host, l, seg, pkt);
            return;
        }
        // RFC 9293 3.10.7.1: no connection. A RST is dropped, anything
        // else answered with a RST.
        if seg.has(RST) {
            self.note(host, KernelNote::Dropped, Some(pkt), (seg.dport, seg.sport));
        } else {
            self.reply_rst(host, &seg, Why::RstNoSocket);
        }
    }

    /// A segment for an existing connection (RFC 9293 3.10.7.3-4; Linux
    /// `tcp_rcv_state_process`, `tcp_validate_incoming`).
    fn tcp_rcv(&mut self, host: HostId, sock: usize, seg: Seg, pkt: usize) {
        let state = self.sock_mut(host, sock).tcb.state;
        let i = Input {
            host,
            sock,
            seg,
            pkt,
            state,
        };
        match state {
            TcpState::SynSent => return self.synsent_rcv(&i),
            TcpState::Closed | TcpState::Listen => return,
            TcpState::SynReceived if self.synrecv_rcv(&i) == Flow::Done => return,
            _ => {}
        }
        // RFC 9293 3.10.7.4's checks, in Linux's order. (The third,
        // security and precedence, has no counterpart in Linux.)
        let steps: [fn(&mut World, &Input) -> Flow; 6] = [
            World::check_sequence,
            World::check_rst,
            World::check_syn,
            World::check_ack,
            World::process_data,
            World::process_fin,
        ];
        for step in steps {
            if step(self, &i) == Flow::Done {
                return;
            }
        }
    }
}
