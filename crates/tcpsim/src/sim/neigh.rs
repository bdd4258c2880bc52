//! The neighbour layer (ARP), as far as a peer on the sender's own LAN
//! that is down needs it (`same_lan` in `connect-dead-host`).
//!
//! When the server's host shares the client's LAN, the client must learn
//! its MAC address before any segment can leave. A host that is down never
//! answers ARP, so the entry stays INCOMPLETE: the segments wait in its
//! queue and never reach the wire; after `mcast_solicit` unanswered
//! requests the entry fails and each queued segment is answered by an ICMP
//! host unreachable that the sender's kernel sends itself, which is fatal
//! to a connection in SYN_SENT.
//!
//! Modelled: an entry that was never resolved (the peer was down before
//! the first segment to it), with the neighbour sysctls at their defaults.
//! A peer that is up is reached as on any path (its ARP reply and the cache
//! are not modelled); ARP requests are not drawn (they are not TCP; the
//! notes say when the segments wait and when ARP gives up).

use super::{Ev, HostId, World};
use crate::segment::Seg;
use crate::tcb::{after, before};
use crate::time::{Instant, MS};
use crate::trace::{KernelNote, ResultWord, TcpState};

/// `net.ipv4.neigh.*.retrans_time_ms` (1000 by default, 250 jiffies): the
/// time between ARP requests while an entry is INCOMPLETE.
pub(super) const RETRANS_TIME: Instant = 1000 * MS;
/// `ucast_solicit` (3): the count an INCOMPLETE entry's probes start from
/// (Linux `__neigh_event_send`: `atomic_set(&neigh->probes, UCAST_PROBES)`).
const UCAST_PROBES: u32 = 3;
/// `mcast_solicit` (3): broadcast requests before the entry fails.
const MCAST_PROBES: u32 = 3;

/// A neighbour entry being resolved (Linux `struct neighbour` in
/// NUD_INCOMPLETE).
#[derive(Clone, Debug)]
pub(super) struct Neigh {
    /// The host resolving.
    host: HostId,
    /// The address it resolves.
    ip: u32,
    /// Linux `neigh->probes`: starts at `ucast_solicit`, one more per
    /// request sent.
    probes: u32,
    /// Linux `neigh->arp_queue`: the segments waiting for the address.
    queue: Vec<Seg>,
}

impl World {
    /// Whether a segment from `from` to `dst` must wait for ARP: the peer
    /// is on the same LAN and down (see the module's comment).
    pub(super) fn needs_arp(&self, from: HostId, dst: HostId) -> bool {
        self.same_lan && from != dst && !self.hosts[dst].up
    }

    /// A segment waits for its next hop (Linux `__neigh_event_send`): a new
    /// entry goes INCOMPLETE, sends its first request at once
    /// (`neigh_probe`) and arms its timer for `retrans_time`
    /// (`neigh_add_timer`, a timer-wheel timer); the segment joins the
    /// entry's queue.
    pub(super) fn arp_queue(&mut self, from: HostId, seg: Seg) {
        let entry = self.neighs.iter().position(|n| {
            n.as_ref()
                .is_some_and(|n| n.host == from && n.ip == seg.dst_ip)
        });
        let i = match entry {
            Some(i) => i,
            None => {
                self.neighs.push(Some(Neigh {
                    host: from,
                    ip: seg.dst_ip,
                    probes: UCAST_PROBES + 1,
                    queue: Vec::new(),
                }));
                let at = self.wheel.fires(self.now, RETRANS_TIME);
                let i = self.neighs.len() - 1;
                self.push(at, Ev::Neigh(i));
                i
            }
        };
        if let Some(n) = self.neighs[i].as_mut() {
            n.queue.push(seg);
        }
        self.note(from, KernelNote::ArpQueued, None, (seg.sport, seg.dport));
    }

    /// Whether a socket's segment starting at `seq` still waits in a
    /// neighbour queue. Linux's retransmission then sends nothing
    /// (`__tcp_retransmit_skb`: `skb_still_in_host_queue`, -EBUSY), though
    /// the timer counts it (`tcp_update_rto_stats`) and backs off.
    pub(super) fn arp_holds(&self, host: HostId, rip: u32, ports: (u16, u16), seq: u32) -> bool {
        self.neighs.iter().flatten().any(|n| {
            n.host == host
                && n.ip == rip
                && n.queue
                    .iter()
                    .any(|s| (s.sport, s.dport) == ports && s.seq == seq)
        })
    }

    /// The entry's timer (Linux `neigh_timer_handler`, NUD_INCOMPLETE):
    /// after `ucast_solicit` + `mcast_solicit` probes (three requests) the
    /// entry fails (`neigh_invalidate`); else another request and the timer
    /// again in `retrans_time`.
    pub(super) fn neigh_timer(&mut self, i: usize) {
        let Some(n) = self.neighs[i].as_mut() else {
            return;
        };
        if !self.hosts[n.host].up {
            // The sender crashed: its neighbour table went with it.
            self.neighs[i] = None;
            return;
        }
        if n.probes >= UCAST_PROBES + MCAST_PROBES {
            let n = self.neighs[i].take().expect("checked above");
            // neigh_invalidate: each queued segment is reported
            // (arp_error_report -> ipv4_link_failure -> icmp_send
            // ICMP_DEST_UNREACH / ICMP_HOST_UNREACH), to the sender itself.
            for seg in n.queue {
                self.icmp_host_unreach(n.host, seg);
            }
            return;
        }
        n.probes += 1;
        let at = self.wheel.fires(self.now, RETRANS_TIME);
        self.push(at, Ev::Neigh(i));
    }

    /// An ICMP host unreachable about `seg` reaches its sender's TCP (Linux
    /// `tcp_v4_err`; over loopback, at once): the socket is found by the
    /// quoted header, the quoted sequence must lie in [SND.UNA, SND.NXT];
    /// in SYN_SENT the error is fatal (`sk->sk_err = EHOSTUNREACH`,
    /// `tcp_done_with_error`), and connect() returns it. On a synchronized
    /// connection it is a soft error, which changes nothing here (the
    /// RFC 6069 RTO revert is not modelled; nor is a listener's embryo,
    /// `tcp_req_err`).
    fn icmp_host_unreach(&mut self, host: HostId, seg: Seg) {
        self.note(host, KernelNote::ArpFailed, None, (seg.sport, seg.dport));
        let Some(sock) = self.find(host, seg.sport, seg.dst_ip, seg.dport) else {
            return;
        };
        let t = &self.sock_mut(host, sock).tcb;
        let in_window = !before(seg.seq, t.snd_una) && !after(seg.seq, t.snd_nxt);
        if in_window && t.state == TcpState::SynSent {
            self.fail(host, sock, ResultWord::Ehostunreach);
        }
    }
}
