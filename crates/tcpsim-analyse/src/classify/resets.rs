//! Resets and forgeries: why a RST was sent, whether its receiver took it, and
//! which segments a third party sent.

use super::*;

impl Run<'_> {
    /// The usual source MAC and TTL of each side: the most frequent, ties
    /// going to the one seen first.
    pub(super) fn usual(&self) -> [(u32, u8); 2] {
        let mut out = [(0u32, 0u8); 2];
        for (x, slot) in out.iter_mut().enumerate() {
            let mut macs: Vec<(u32, u32)> = Vec::new();
            let mut ttls: Vec<(u8, u32)> = Vec::new();
            for s in self.input.segs.iter().filter(|s| self.side_of(s) == x) {
                match macs.iter().position(|(m, _)| *m == s.mac) {
                    Some(k) => macs[k].1 += 1,
                    None if macs.len() < 64 => macs.push((s.mac, 1)),
                    None => {}
                }
                match ttls.iter().position(|(m, _)| *m == s.ttl) {
                    Some(k) => ttls[k].1 += 1,
                    None if ttls.len() < 64 => ttls.push((s.ttl, 1)),
                    None => {}
                }
            }
            // max_by_key keeps the last of equal counts: scan reversed.
            let mac = macs.iter().rev().max_by_key(|(_, n)| *n).map_or(0, |m| m.0);
            let ttl = ttls.iter().rev().max_by_key(|(_, n)| *n).map_or(0, |m| m.0);
            *slot = (mac, ttl);
        }
        out
    }

    pub(super) fn forged_segment(
        &mut self,
        i: usize,
        s: &Seg,
        x: usize,
        t: f64,
    ) -> (Why, Option<u32>) {
        let y = 1 - x;
        if s.has(RST) {
            if self.rst_lands(i, s, x, t, true) && self.story.forged_rst.is_none() {
                self.story.forged_rst = Some((x, t, self.forged[i]));
            }
            (Why::ForgedRst, None)
        } else if s.has(SYN) && !s.has(ACK) {
            self.story.forged_syn.get_or_insert(t);
            if self.tcb[y].synchronized() {
                self.call_for(y, Pending::Challenge, t);
            }
            (Why::ForgedSyn, None)
        } else {
            (Why::Captured, None)
        }
    }

    /// A RST from `x` reaches `y`: does `y` accept it? Notes, states and
    /// news follow. Returns whether it was accepted.
    pub(super) fn rst_lands(&mut self, i: usize, s: &Seg, x: usize, t: f64, forged: bool) -> bool {
        let y = 1 - x;
        // A side that stopped answering (its peer probes or resends to it)
        // may not be there to accept anything: say nothing about it.
        if !forged && (self.tcb[x].probes > 0 || self.tcb[x].resends > 0) {
            return false;
        }
        let ty = &self.tcb[y];
        let accepted = match ty.st {
            Some(TcpState::SynSent) => {
                s.has(ACK) && ty.iss.map(|v| v.wrapping_add(1)) == Some(s.ack)
            }
            Some(TcpState::Closed) => false,
            _ => ty.rcv_nxt.is_none_or(|r| r == s.seq),
        };
        let in_window = ty.rcv_nxt.is_some_and(|r| {
            let d = s.seq.wrapping_sub(r);
            d > 0 && d < self.tcb[x].window()
        });
        if accepted {
            self.note(y, KernelNote::RstAccepted, Some(i), t);
            let connecting = self.tcb[y].st == Some(TcpState::SynSent);
            // A passive open that a RST ends in SYN_RECEIVED goes back to
            // LISTEN and nobody is told (RFC 9293 3.10.7.4: "The user need
            // not be informed"; Linux drops the request socket,
            // tcp_check_req): accept() never returned it, so no call of
            // the application fails.
            if self.tcb[y].st == Some(TcpState::SynReceived) && self.tcb[y].syns.none_sent() {
                self.state(y, TcpState::Listen, t);
                return true;
            }
            self.state(y, TcpState::Closed, t);
            if self.tcb[y].fin_seq.is_none() {
                let fault = if forged {
                    self.story.forged_syn.unwrap_or(t)
                } else {
                    t
                };
                if connecting {
                    self.news(y, t, AppCall::Connect, ResultWord::Econnrefused, fault);
                } else {
                    self.news(y, t, AppCall::Recv, ResultWord::Econnreset, fault);
                }
            }
        } else if in_window && self.tcb[y].synchronized() {
            self.note(y, KernelNote::RstInexact, Some(i), t);
            self.call_for(y, Pending::Challenge, t);
        } else if self.tcb[y].st != Some(TcpState::Closed) {
            self.note(y, KernelNote::RstIgnored, Some(i), t);
        }
        accepted
    }

    pub(super) fn rst(&mut self, i: usize, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
        let y = 1 - x;
        let segs = self.input.segs;
        // The peer's last segment, if x has sent nothing since: what this
        // RST may be answering.
        let last_x = self.tcb[x].last_tx.unwrap_or(f64::NEG_INFINITY);
        // (A bounded look back: a flood of RSTs must not cost n².)
        let prev = (0..i)
            .rev()
            .take(256)
            .find(|&j| self.side_of(&segs[j]) == y && self.forged[j].is_none())
            .filter(|&j| self.at(segs[j].ts) >= last_x);
        // An answer leaves at once: a RST long after the segment it would
        // answer (more than two of x's round trips from the capture point
        // and 50 ms) was sent on x's own account, whatever its numbers say
        // (an abortive close carries SND.NXT, which is the peer's ACK too).
        // Without a round trip of x's to go by (no sample: 0), any delay
        // may be the path's.
        let rtt = self.rtt[x];
        let reply_to = prev.filter(|&j| {
            let p = &segs[j];
            if rtt > 0.0 && t - self.at(p.ts) > 2.0 * rtt + 0.05 {
                return false;
            }
            if p.has(ACK) {
                !s.has(ACK) && s.seq == p.ack
            } else {
                s.has(ACK) && s.ack == p.seq.wrapping_add(p.space())
            }
        });
        let silent_since = self.tcb[x].last_heard.unwrap_or(0.0);
        let tx = &self.tcb[x];
        let why = if let (Some(TcpState::SynSent), Some(j)) = (tx.st, reply_to) {
            let bad = tx.iss.map(|v| v.wrapping_add(1)) != Some(segs[j].ack);
            if bad {
                Why::RstBadAck
            } else {
                Why::RstNoSocket
            }
        } else if let Some(j) = reply_to {
            if tx.fin_seq.is_some() && segs[j].len > 0 {
                Why::RstDataAfterClose
            } else {
                Why::RstNoSocket
            }
        } else {
            let inexact_rcv = self.tcb[y].rcv_nxt.is_some_and(|r| r != s.seq);
            let inexact_snd = tx.snd_nxt.is_some_and(|n| n != s.seq);
            if inexact_rcv && inexact_snd {
                Why::ForgedRst
            } else if tx.probes > 0 {
                Why::RstKeepaliveTimeout
            } else if tx.got_data {
                Why::RstUnreadData
            } else {
                Why::Captured
            }
        };
        // The previous sign of life from y, before what this RST answers.
        let answered_resend = reply_to.and_then(|j| {
            self.packets
                .get(j)
                .and_then(|p| p.resend)
                .filter(|_| matches!(self.packets[j].why, Why::Retransmit | Why::TailLossProbe))
        });
        let peer_quiet_since = reply_to
            .and_then(|j| {
                (0..j)
                    .rev()
                    .take(4096)
                    .find(|&k| self.side_of(&segs[k]) == x)
            })
            .map(|k| self.at(segs[k].ts))
            .unwrap_or(silent_since);
        if why == Why::RstKeepaliveTimeout {
            self.note(x, KernelNote::KeepaliveExhausted, None, t);
            let since = self.tcb[x].last_heard.unwrap_or(0.0);
            self.news(x, t, AppCall::Recv, ResultWord::Etimedout, since);
        }
        let accepted = self.rst_lands(i, s, x, t, why == Why::ForgedRst);
        match why {
            // SYN_SENT resets and undoes, and resends its SYN soon.
            Why::RstBadAck => {
                if let Some(j) = reply_to {
                    self.note(x, KernelNote::SynResendSoon, Some(j), t);
                }
            }
            // No socket sent it: there is no state to leave.
            Why::RstNoSocket => self.tcb[x].st = Some(TcpState::Closed),
            Why::ForgedRst => {}
            _ => self.state(x, TcpState::Closed, t),
        }
        if self.story.rst.is_none() && why != Why::ForgedRst {
            self.story.rst = Some((x, why, t, accepted, peer_quiet_since, answered_resend));
        }
        (why, None)
    }
}
