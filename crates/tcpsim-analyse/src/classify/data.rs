//! Data and ACKs: new bytes, resent bytes, FINs, and the ACKs that answer them.

use super::*;

impl Run<'_> {
    /// Segments without SYN or RST.
    pub(super) fn other(
        &mut self,
        s: &Seg,
        x: usize,
        t: f64,
        gap: f64,
        pending: Option<Pending>,
    ) -> (Why, Option<u32>) {
        let y = 1 - x;
        let space = s.space();
        let ack_new = s.has(ACK) && self.tcb[x].rcv_nxt.is_none_or(|r| seq_lt(r, s.ack));
        let handshake = s.has(ACK)
            && self.tcb[y].st == Some(TcpState::SynReceived)
            && self.tcb[y].iss.map(|v| v.wrapping_add(1)) == Some(s.ack)
            && self.tcb[x].rcv_nxt != Some(s.ack);
        // Which of y's segments this ACK covers, and when the last of them came.
        let covered = if s.has(ACK) {
            self.take_acked(x, s.ack)
        } else {
            None
        };
        // What x had acknowledged and advertised before this segment.
        let (prev_ack, prev_win) = (self.tcb[x].rcv_nxt, self.tcb[x].win);
        if s.has(ACK) {
            self.acked(x, s, t);
        }
        if handshake {
            self.tcb[x].synacks_in = self.tcb[x].synacks_in.saturating_sub(1);
            if self.tcb[x].st.is_none() || self.tcb[x].st == Some(TcpState::SynSent) {
                self.tcb[x].st.get_or_insert(TcpState::SynSent);
                self.state(x, TcpState::Established, t);
            }
            self.state(y, TcpState::Established, t);
            if self.tcb[x].sack_ok.is_none() {
                self.tcb[x].sack_ok = self.tcb[y].sack_ok;
            }
            if self.story.syn_on_established.is_some() {
                self.story.rehandshake = true;
            }
        }
        let why = if handshake && space == 0 {
            Why::HandshakeAck
        } else if let Some(w) = self.probe(s, x, t, gap) {
            w
        } else if space > 0 {
            return self.bytes(s, x, t);
        } else {
            let answered = match pending {
                Some(p) if !ack_new => {
                    self.answered(x);
                    Some(p)
                }
                _ => None,
            };
            match answered {
                Some(Pending::Challenge) => Why::ChallengeAck,
                // A SYN-ACK that reached a synchronized side: RFC 5961's
                // challenge ACK, as for any SYN.
                _ if !ack_new && self.tcb[x].synacks_in > 0 && self.prompt(x, t) => {
                    self.tcb[x].synacks_in -= 1;
                    Why::ChallengeAck
                }
                Some(Pending::TimeWaitFin) => Why::TimewaitAck,
                Some(Pending::Dup) => self.dup_ack(s, x),
                _ if ack_new => match covered {
                    Some(t1) if self.late(x, t - t1) => Why::DelayedAck,
                    _ => Why::Ack,
                },
                // The same acknowledgment number again, with no data, SYN or
                // FIN: another window is a window update (the application
                // read), the same window with the peer's data outstanding
                // is RFC 5681 2's duplicate ACK (its receiver got a segment
                // beyond a hole, tcp_data_queue's immediate ACK).
                _ if s.has(ACK) && prev_ack == Some(s.ack) && !s.has(FIN) => {
                    let outstanding = self.tcb[y].snd_nxt.is_some_and(|n| seq_lt(s.ack, n));
                    // (A window shut to zero is no update: tcp_select_window
                    // only closes it as data arrives.)
                    if s.win != 0 && prev_win.is_some_and(|w| w != s.win) {
                        Why::WindowUpdate
                    } else if outstanding {
                        self.dup_ack(s, x)
                    } else {
                        Why::Ack
                    }
                }
                _ => Why::Ack,
            }
        };
        if s.len > 0 {
            self.tcb[y].got_data = true;
        }
        (why, None)
    }

    /// A duplicate ACK from `x` (RFC 5681 2, whatever its SACK blocks):
    /// counted towards the fast retransmission it may set off (RFC 5681
    /// 3.2: the third) unless it carries SACK blocks that report nothing
    /// new, a D-SACK alone above all (RFC 6675 2, RFC 2883 4).
    pub(super) fn dup_ack(&mut self, s: &Seg, x: usize) -> Why {
        let tx = &mut self.tcb[x];
        if s.opts & OPT_SACK == 0 || tx.sack_news {
            tx.dups += 1;
        }
        Why::DupAck
    }

    /// Whether a segment from `x` at `t` can be an immediate answer to the
    /// last SYN-ACK it received (one that was lost on the way after the
    /// capture point calls for nothing).
    pub(super) fn prompt(&self, x: usize, t: f64) -> bool {
        self.prompt_after(x, t, self.tcb[x].synack_in_at)
    }

    /// Whether a segment from `x` at `t` can be an immediate answer to one
    /// that reached it at `at`: within one and a half of its round trips
    /// from the capture point, and 10 ms.
    pub(super) fn prompt_after(&self, x: usize, t: f64, at: f64) -> bool {
        // (A microsecond more: capture times are floats.)
        t - at <= 1.5 * self.rtt[x] + 0.01 + 1e-6
    }

    /// A segment from `x`'s peer calls for an immediate answer from `x`.
    pub(super) fn call_for(&mut self, x: usize, what: Pending, at: f64) {
        let tx = &mut self.tcb[x];
        tx.pending_n = if tx.pending == Some(what) {
            tx.pending_n + 1
        } else {
            1
        };
        tx.pending = Some(what);
        tx.pending_at = at;
    }

    /// `x` answered one of the segments that called for it.
    pub(super) fn answered(&mut self, x: usize) {
        let tx = &mut self.tcb[x];
        tx.pending_n = tx.pending_n.saturating_sub(1);
        if tx.pending_n == 0 {
            tx.pending = None;
        }
    }

    /// An ACK that left `delay` after the segment it covers came: later than
    /// an immediate one by at least a millisecond and a quarter of a round trip?
    pub(super) fn late(&self, x: usize, delay: f64) -> bool {
        let rtt = self.rtt[x];
        delay - rtt >= 0.001_f64.max(rtt / 4.0)
    }

    /// Pop the peer's segments this ACK covers; the time of the last one.
    pub(super) fn take_acked(&mut self, x: usize, ack: u32) -> Option<f64> {
        let mut last = None;
        while let Some(&(end, t1)) = self.unacked[x].front() {
            if seq_lt(ack, end) {
                break;
            }
            last = Some(t1);
            self.unacked[x].pop_front();
        }
        last
    }

    /// What an ACK from `x` tells about `y`'s bytes and FIN.
    pub(super) fn acked(&mut self, x: usize, s: &Seg, t: f64) {
        let y = 1 - x;
        // The right edges of what this ACK delivers: its number, its
        // new SACK blocks.
        let mut delivered = [None::<u32>; 5];
        if self.tcb[x].rcv_nxt.is_none_or(|r| seq_lt(r, s.ack)) {
            self.tcb[x].rcv_nxt = Some(s.ack);
            self.tcb[x].dups = 0;
            self.tcb[x].sack_trim(s.ack);
            delivered[0] = Some(s.ack);
        }
        let sack = (self.input.sack)(s.sack);
        self.tcb[x].sack_news = match &sack {
            Some(b) => self.tcb[x].take_sack(s.ack, b),
            None => false,
        };
        if self.tcb[x].sack_news {
            if let Some(b) = &sack {
                let skip = b.dsack(s.ack) as usize;
                for (d, &(_, r)) in delivered[1..].iter_mut().zip(b.blocks().iter().skip(skip)) {
                    *d = Some(r);
                }
            }
        }
        // RACK.xmit_ts (RFC 8985 6.1): when the most recently sent of the
        // bytes this ACK delivers were sent.
        for r in delivered.into_iter().flatten() {
            if let Some(at) = self.tcb[y].sent_before(r) {
                let d = &mut self.tcb[x].rack_xmit;
                if d.is_none_or(|d| d < at) {
                    *d = Some(at);
                }
            }
        }
        self.tcb[x].win = Some(s.win);
        let ty = &mut self.tcb[y];
        if ty.snd_nxt.is_some_and(|n| !seq_lt(s.ack, n)) {
            ty.unacked_since = None;
            ty.resends = 0;
            ty.last_resend = None;
        }
        if let Some(f) = ty.fin_seq {
            if !seq_lt(s.ack, f.wrapping_add(1)) {
                self.tcb[x].peer_fin_acked = true;
                if !self.tcb[y].fin_acked {
                    self.tcb[y].fin_acked = true;
                    match self.tcb[y].st {
                        Some(TcpState::FinWait1) => self.state(y, TcpState::FinWait2, t),
                        Some(TcpState::Closing) => self.state(y, TcpState::TimeWait, t),
                        Some(TcpState::LastAck) => self.state(y, TcpState::Closed, t),
                        _ => {}
                    }
                }
            }
        }
    }

    /// A segment carrying bytes or a FIN (no SYN, no RST).
    pub(super) fn bytes(&mut self, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
        let y = 1 - x;
        let space = s.space() as u64;
        let tx = &mut self.tcb[x];
        if tx.base.is_none() {
            tx.base = Some(s.seq);
        }
        let pos = tx.pos(s.seq);
        let end = pos + space;
        tx.max_seg = tx.max_seg.max(space);
        // Bytes below the SEQ of one of its earlier pure ACKs (its SND.NXT
        // then) had been sent before: the capture missed that copy.
        let sent_unseen = tx.ack_seq.is_some_and(|a| seq_lt(s.seq, a));
        let resent =
            pos < tx.high_pos || (tx.high_pos == 0 && tx.sent.contains_key(&pos)) || sent_unseen;
        let mut before = 0u32;
        let mut last_sent = t;
        if resent {
            for (&p, r) in tx.sent.range(..end).rev() {
                if p + tx.max_seg <= pos {
                    break;
                }
                if r.end > pos && r.count >= before {
                    before = r.count;
                    last_sent = r.last;
                }
            }
        }
        if sent_unseen && before == 0 {
            before = 1;
        }
        let (on_syn, fast_before) = tx
            .sent
            .range(..end)
            .next_back()
            .filter(|(_, r)| r.end > pos)
            .map_or((false, false), |(_, r)| (r.on_syn, r.fast));
        let snd_nxt = tx.snd_nxt;
        let (evidence, recovering) = self.loss_evidence(s, x, t, last_sent);
        let ry = &self.tcb[y];
        let asked = ry.dups >= 1 && ry.rcv_nxt == Some(s.seq);
        let fast = resent && evidence && !fast_before;
        // Bytes never seen before, below what the side has sent: sent out
        // of order (data), unless duplicate ACKs asked for them: then their
        // first copy was lost before the capture point.
        let hole_filler = resent && before == 0 && asked;
        let why = if fast || hole_filler || (resent && before > 0) {
            let tail = end >= self.tcb[x].high_pos;
            let tx = &self.tcb[x];
            let sack = tx.sack_ok != Some(false) && self.tcb[y].sack_ok != Some(false);
            let tx = &mut self.tcb[x];
            tx.resends += 1;
            let wait = t - last_sent;
            tx.last_resend = Some((t, wait));
            before = before.max(1);
            if fast || (hole_filler && evidence) {
                if !recovering {
                    tx.recover = snd_nxt;
                }
                Why::FastRetransmit
            } else if before == 1 && tail && sack && !on_syn && !hole_filler {
                // The first resend of the last bytes sent: Linux's tail
                // loss probe, which comes before the RTO whenever SACK is
                // on (inferred from the absence of duplicate ACKs).
                Why::TailLossProbe
            } else {
                // A timer's resend: the RTO ends fast recovery (Linux's
                // tcp_enter_loss), and what follows is not part of it.
                tx.recover = None;
                Why::Retransmit
            }
        } else if s.has(FIN) {
            Why::Fin
        } else if s.len == 1 && self.tcb[y].win == Some(0) {
            // One new byte into a shut window: the zero-window probe of
            // stacks that send data (RFC 9293 3.8.6.1).
            Why::ZeroWindowProbe
        } else {
            Why::Data
        };
        let tx = &mut self.tcb[x];
        let rec = tx.sent.entry(pos).or_insert(Sent {
            end,
            count: 0,
            last: t,
            on_syn: false,
            fast: false,
        });
        rec.end = rec.end.max(end);
        rec.count = rec.count.max(before) + 1;
        rec.last = t;
        rec.fast |= why == Why::FastRetransmit;
        if end > tx.high_pos {
            tx.high_pos = end;
        }
        let seq_end = s.seq.wrapping_add(s.space());
        if tx.snd_nxt.is_none_or(|n| seq_lt(n, seq_end)) {
            tx.snd_nxt = Some(seq_end);
        }
        if s.len > 0 && tx.unacked_since.is_none() {
            tx.unacked_since = Some(t);
        }
        // The receiver's view: old bytes, bytes past a hole, or in order.
        let ry = &self.tcb[y];
        if let Some(r) = ry.rcv_nxt {
            let old = !seq_lt(r, seq_end);
            // Linux's tcp_sequence refuses only a segment that ends before
            // RCV.NXT (or starts past the window): that one gets
            // tcp_send_dupack. One ending exactly at RCV.NXT (a
            // retransmission of what arrived) passes, and tcp_data_queue
            // answers it with an immediate ACK, as it does a segment past
            // a hole.
            let refused = seq_lt(seq_end, r) || !seq_lt(s.seq, r.wrapping_add(65_535));
            if old && s.has(FIN) && ry.peer_fin_acked && ry.fin_acked {
                self.call_for(y, Pending::TimeWaitFin, t);
            } else if refused {
                self.call_for(y, Pending::Dup, t);
            }
        }
        let q = &mut self.unacked[y];
        if q.len() > 4096 {
            q.pop_front();
        }
        q.push_back((seq_end, t));
        if s.len > 0 {
            self.tcb[y].got_data = true;
        }
        if s.has(FIN) && why == Why::Fin {
            self.fin(x, s, t);
        }
        let resend = matches!(
            why,
            Why::Retransmit | Why::TailLossProbe | Why::FastRetransmit
        )
        .then_some(before);
        (why, resend)
    }

    /// A first FIN from `x`.
    pub(super) fn fin(&mut self, x: usize, s: &Seg, t: f64) {
        let y = 1 - x;
        self.tcb[x].fin_seq = Some(s.seq.wrapping_add(s.len));
        self.story.fins[x].get_or_insert(t);
        match self.tcb[x].st {
            Some(TcpState::CloseWait) => self.state(x, TcpState::LastAck, t),
            Some(TcpState::Established) | None => self.state(x, TcpState::FinWait1, t),
            _ => {}
        }
        match self.tcb[y].st {
            Some(TcpState::Established) | None => self.state(y, TcpState::CloseWait, t),
            Some(TcpState::FinWait1) => self.state(y, TcpState::Closing, t),
            Some(TcpState::FinWait2) => self.state(y, TcpState::TimeWait, t),
            _ => {}
        }
        if self.tcb[y].fin_seq.is_none() {
            self.news(y, t, AppCall::Recv, ResultWord::Eof, t);
        }
    }

    /// Smallest gap between a segment needing an answer and the other side's
    /// first ACK of it: that side's round trip from the capture point.
    /// Karn's rule (RFC 6298 3): a segment sent more than once gives no
    /// sample, since the ACK may answer any of its copies; only when a side
    /// has no other sample do those stand in, each timed from its latest
    /// copy, the largest of them (an ACK sent at the very moment of the
    /// latest copy answered an earlier one).
    pub(super) fn estimate_rtt(&mut self) {
        let mut best = [f64::INFINITY; 2];
        let mut fallback = [f64::NEG_INFINITY; 2];
        // Copies waiting for their ACK, per direction of waiting (marks of
        // the ambiguous ones at any end the other side sends: waiting.rs).
        let mut ends: [Vec<u32>; 2] = Default::default();
        for s in self.input.segs.iter().filter(|s| s.space() > 0) {
            ends[1 - self.side_of(s)].push(s.seq.wrapping_add(s.space()));
        }
        let [e0, e1] = ends;
        let mut waiting = [Waiting::new(e0), Waiting::new(e1)];
        let mut high: [Option<u32>; 2] = [None, None];
        for s in self.input.segs {
            let x = self.side_of(s);
            let t = self.at(s.ts);
            if s.has(RST) {
                continue;
            }
            if s.has(ACK) {
                match waiting[x].pop_acked(s.ack) {
                    Some((t1, false)) => best[x] = best[x].min(t - t1),
                    Some((t1, true)) => fallback[x] = fallback[x].max(t - t1),
                    None => {}
                }
            }
            if s.space() > 0 {
                let end = s.seq.wrapping_add(s.space());
                let q = &mut waiting[1 - x];
                let h = &mut high[x];
                if h.is_some_and(|h| !seq_lt(h, end)) {
                    // Sent before: every copy still waiting is ambiguous (the
                    // fallback sample, if it comes to that, is taken from
                    // the latest copy).
                    q.mark(end, t);
                    continue;
                }
                *h = Some(end);
                q.push(end, t);
            }
        }
        for ((r, b), f) in self.rtt.iter_mut().zip(best).zip(fallback) {
            *r = if b.is_finite() {
                b.max(0.0)
            } else if f.is_finite() {
                f.max(0.0)
            } else {
                0.0
            };
        }
    }
}
