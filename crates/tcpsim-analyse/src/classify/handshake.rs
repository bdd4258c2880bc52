//! The handshake: SYN (a new incarnation or a resend of the same one), SYN-ACK.

use super::*;

/// A count by ISN, over the ISNs one side sends (known before the run:
/// sorted once, then found by binary search; a SYN flood on one four-tuple
/// brings hundreds of thousands, and each SYN looks its own up). No map
/// type, no library sort: the analyser's wasm stays as small.
#[derive(Default)]
pub(super) struct ByIsn {
    isns: Vec<u32>,
    /// By the ISN's rank: its count, once one was sent.
    counts: Vec<Option<u32>>,
    /// Whether any was sent yet.
    sent: bool,
}

impl ByIsn {
    pub(super) fn new(isns: Vec<u32>) -> ByIsn {
        let isns = super::waiting::sorted_distinct(isns);
        ByIsn {
            counts: vec![None; isns.len()],
            isns,
            sent: false,
        }
    }

    fn rank(&self, isn: u32) -> Option<usize> {
        let k = self.isns.partition_point(|&e| e < isn);
        (self.isns.get(k) == Some(&isn)).then_some(k)
    }

    /// Whether none was sent yet.
    pub(super) fn none_sent(&self) -> bool {
        !self.sent
    }

    /// The count of an ISN sent before.
    pub(super) fn get_mut(&mut self, isn: u32) -> Option<&mut u32> {
        let k = self.rank(isn)?;
        self.counts[k].as_mut()
    }

    /// An ISN sent for the first time (one `new` was given: a SYN's).
    pub(super) fn insert(&mut self, isn: u32, count: u32) {
        self.sent = true;
        match self.rank(isn) {
            Some(k) => self.counts[k] = Some(count),
            None => debug_assert!(false, "ISN {isn} not given to ByIsn::new"),
        }
    }
}

impl Run<'_> {
    pub(super) fn syn(&mut self, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
        let y = 1 - x;
        if let Some(e) = self.tcb[x].syns.get_mut(s.seq) {
            let n = *e;
            *e += 1;
            self.tcb[x].resent_syn_at = Some(t);
            if s.len > 0 {
                // Its Fast Open data again.
                if let Some(r) = self.tcb[x].sent.get_mut(&1) {
                    r.count += 1;
                    r.last = t;
                }
            }
            if self.tcb[y].synchronized() && self.tcb[y].st.is_some() {
                // Resent to a side still holding the old connection: another
                // challenge ACK.
                self.call_for(y, Pending::Challenge, t);
            }
            return (Why::SynRetransmit, Some(n));
        }
        self.tcb[x].syns.insert(s.seq, 1);
        if self.tcb[y].synchronized() && self.tcb[y].st.is_some() {
            // A SYN on a live connection: a rebooted peer reconnecting from
            // the same port. The other side answers with a challenge ACK.
            self.call_for(y, Pending::Challenge, t);
            self.story.syn_on_established.get_or_insert((x, t));
        }
        // A new incarnation: whatever x had on this four-tuple is gone (a
        // reboot), and its new socket starts from CLOSED.
        self.tcb[x].restart(s.seq);
        self.tcb[x].sack_ok = sack_offered(s);
        self.tcb[x].wscale = (s.wscale != NO_WSCALE).then_some(s.wscale);
        self.tcb[x].win = Some(s.win);
        self.tcb[x].st = Some(TcpState::Closed);
        self.state(x, TcpState::SynSent, t);
        if s.len > 0 {
            // Data on the SYN (TCP Fast Open, RFC 7413): bytes sent, so that
            // a later copy without the SYN is their retransmission.
            let tx = &mut self.tcb[x];
            let end = 1 + s.len as u64;
            tx.sent.insert(
                1,
                Sent {
                    end,
                    count: 1,
                    last: t,
                    on_syn: true,
                    fast: false,
                },
            );
            tx.high_pos = end;
            tx.last_pos = 1;
            tx.max_seg = s.len as u64;
            tx.snd_nxt = Some(s.seq.wrapping_add(s.space()));
            tx.unacked_since = Some(t);
        }
        (Why::Connect, None)
    }

    pub(super) fn syn_ack(&mut self, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
        let y = 1 - x;
        self.tcb[y].synacks_in += 1;
        self.tcb[y].synack_in_at = t;
        // The peer's SYN came again just before: this copy answers it
        // (tcp_check_req -> inet_rtx_syn_ack), whatever the timer's schedule.
        let answers_syn = self.tcb[y]
            .resent_syn_at
            // (not before it could have reached x: half x's round trip from
            // the capture point)
            .is_some_and(|at| at + self.rtt[x] / 2.0 <= t && self.prompt_after(x, t, at));
        if let Some(e) = self.tcb[x].synacks.get_mut(s.seq) {
            // The same SYN-ACK again (same ISN), whatever the schedule: from
            // the timer (Linux: 1 s after the first, then 3, 7, 15...; other
            // stacks their own) or answering a resent SYN (inet_rtx_syn_ack,
            // which counts it in num_retrans as the timer's are).
            *e += 1;
            let k = *e;
            if answers_syn {
                self.tcb[y].resent_syn_at = None;
            }
            return (Why::SynAck, Some(k));
        }
        self.tcb[x].synacks.insert(s.seq, 0);
        self.tcb[y].resent_syn_at = None;
        self.tcb[x].restart(s.seq);
        self.tcb[x].rcv_nxt = Some(s.ack);
        self.tcb[x].sack_ok = sack_offered(s);
        self.tcb[x].wscale = (s.wscale != NO_WSCALE).then_some(s.wscale);
        self.tcb[x].win = Some(s.win);
        self.tcb[x].st = Some(TcpState::Listen);
        self.state(x, TcpState::SynReceived, t);
        if self.tcb[y].st.is_none() {
            self.tcb[y].st = Some(TcpState::SynSent);
        }
        if self.story.syn_on_established.is_some() {
            self.story.rehandshake = true;
        }
        (Why::SynAck, None)
    }
}
