//! Output: segments onto the link (with its delay and seeded loss), the
//! numbers a socket puts in them, and the RSTs a kernel sends.

use super::{HostId, World};
use crate::segment::{flags::*, Seg, WINDOW};
use crate::tcb::rst_reply;
use crate::time::secs;
use crate::trace::{Flag, Packet, TimerKind, Why};

impl World {
    /// Put a segment on the link from `from` (or, forged, from a third party
    /// `from` pretending to be `spoofed_as`). It arrives after the link's
    /// one-way delay unless the seeded loss drops it halfway. Returns its
    /// index in the trace's packets; `None` when it waits for ARP instead
    /// and is not on the wire (see `neigh.rs`).
    pub(super) fn transmit(
        &mut self,
        from: HostId,
        seg: Seg,
        why: Why,
        spoofed_as: Option<HostId>,
    ) -> Option<usize> {
        let dst = self
            .hosts
            .iter()
            .position(|h| h.ip == seg.dst_ip)
            .expect("destination is a host of this world");
        if spoofed_as.is_none() && self.needs_arp(from, dst) {
            self.arp_queue(from, seg);
            return None;
        }
        let id = self.packets.len();
        self.hosts[from].ip_id = self.hosts[from].ip_id.wrapping_add(1);
        let mut flags = Vec::new();
        for f in [Flag::Syn, Flag::Fin, Flag::Rst, Flag::Psh, Flag::Ack] {
            if seg.has(f.bit()) {
                flags.push(f);
            }
        }
        self.packets.push(Packet {
            id,
            sent_at: secs(self.now),
            arrived_at: None,
            lost: None,
            lost_at: None,
            src: self.hosts[from].name().to_string(),
            dst: self.hosts[dst].name().to_string(),
            spoofed_as: spoofed_as.map(|h| self.hosts[h].name().to_string()),
            sport: seg.sport,
            dport: seg.dport,
            flags,
            seq: 0,
            ack: None,
            abs_seq: seg.seq,
            abs_ack: if seg.has(ACK) { seg.ack } else { 0 },
            len: seg.len,
            resend: None,
            win: match self.next_win.take() {
                _ if seg.has(RST) => 0,
                Some(w) => w,
                None => WINDOW,
            },
            why,
        });
        self.launch(from, dst, seg, id);
        Some(id)
    }

    /// Send a segment with a socket's addresses and RCV.NXT as its ACK.
    pub(super) fn send_from(
        &mut self,
        host: HostId,
        sock: usize,
        seq: u32,
        flags: u8,
        len: u32,
        why: Why,
    ) -> Option<usize> {
        let ip = self.hosts[host].ip;
        let s = self.sock_mut(host, sock);
        let seg = Seg {
            src_ip: ip,
            dst_ip: s.tcb.rip,
            sport: s.tcb.lport,
            dport: s.tcb.rport,
            seq,
            ack: if flags & ACK != 0 { s.tcb.rcv_nxt } else { 0 },
            flags,
            len,
        };
        if s.tcb.windowed_recv() && flags & RST == 0 {
            // tcp_select_window (a SYN: tcp_select_initial_window). A
            // buffer of at most 65,535 bytes needs no window scale
            // (rcv_wscale 0), so the value is the window in bytes.
            let w = if flags & SYN != 0 {
                let w = crate::tcb::syn_window(crate::tcb::sk_buf(s.tcb.opts.rcvbuf));
                s.tcb.init_rcv_window(w);
                w
            } else {
                s.tcb.advertise() >> s.tcb.rcv_wscale
            };
            self.next_win = Some(w.min(u16::MAX as u32) as u16);
        }
        let s = self.sock_mut(host, sock);
        if flags & ACK != 0 {
            if s.tcb.windowed_recv() {
                s.tcb.dec_quickack();
            }
            // Any segment carrying an ACK satisfies a pending delayed ACK
            // (Linux tcp_event_ack_sent clears the DACK timer).
            s.tcb.ack_pending = false;
            s.timers.clear(TimerKind::DelayedAck);
        }
        self.transmit(host, seg, why, None)
    }

    /// A pure ACK with SND.NXT / RCV.NXT (Linux `tcp_send_ack`).
    pub(super) fn send_ack(&mut self, host: HostId, sock: usize, why: Why) {
        let seq = self.sock_mut(host, sock).tcb.snd_nxt;
        self.send_from(host, sock, seq, ACK, 0, why);
    }

    /// RST+ACK from a socket (Linux `tcp_send_active_reset`: SEQ =
    /// `tcp_acceptable_seq` = SND.NXT, ACK = RCV.NXT).
    pub(super) fn send_active_reset(&mut self, host: HostId, sock: usize, why: Why) {
        let seq = self.sock_mut(host, sock).tcb.snd_nxt;
        self.send_from(host, sock, seq, RST | ACK, 0, why);
    }

    /// Reply with RST to a segment that matches no connection
    /// (RFC 9293 3.10.7.1; Linux `tcp_v4_send_reset`; numbers from
    /// [`rst_reply`]).
    pub(super) fn reply_rst(&mut self, host: HostId, seg: &Seg, why: Why) {
        if let Some(r) = rst_reply(seg) {
            self.transmit(host, r, why, None);
        }
    }
}
