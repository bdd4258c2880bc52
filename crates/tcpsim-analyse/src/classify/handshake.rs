//! The handshake: SYN (a new incarnation or a resend of the same one), SYN-ACK.

use super::*;

impl Run<'_> {
    pub(super) fn syn(&mut self, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
        let y = 1 - x;
        if let Some(e) = self.tcb[x].syns.iter_mut().find(|e| e.0 == s.seq) {
            let n = e.1;
            e.1 += 1;
            self.tcb[x].resent_syn_at = Some(t);
            if self.tcb[y].synchronized() && self.tcb[y].st.is_some() {
                // Resent to a side still holding the old connection: another
                // challenge ACK.
                self.call_for(y, Pending::Challenge, t);
            }
            return (Why::SynRetransmit, Some(n));
        }
        self.tcb[x].syns.push((s.seq, 1));
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
        if let Some(e) = self.tcb[x].synacks.iter_mut().find(|e| e.0 == s.seq) {
            if answers_syn {
                self.tcb[y].resent_syn_at = None;
                return (Why::SynAck, None);
            }
            // The same SYN-ACK again: from the timer (1 s after the first,
            // then 3, 7, 15... as it backs off) or answering a resent SYN.
            let k = e.2 + 1;
            let due = e.1 + ((1u64 << k.min(20)) - 1) as f64;
            if (t - due).abs() <= 0.015 + (due - e.1) / 8.0 {
                e.2 = k;
                return (Why::SynAck, Some(k));
            }
            return (Why::SynAck, None);
        }
        self.tcb[x].synacks.push((s.seq, t, 0));
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
