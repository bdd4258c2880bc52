//! Loss recovery: what SACK blocks say is missing (RFC 6675's scoreboard,
//! RFC 2883's D-SACK), when a resend is a fast retransmission, and a
//! retransmission timer that ran out after the last segment.

use super::*;

/// SACKed ranges kept per side: a receiver reports at most four blocks an
/// ACK (RFC 2018 3), and the scoreboard beyond these few adds nothing to
/// the loss evidence (a fourth range above a hole is DupThresh already).
pub(super) const SACKED_MAX: usize = 16;

/// RFC 6675 2's DupThresh: three duplicate ACKs, or three segments' worth
/// of SACKed bytes above a hole (Linux's `tp->reordering`, initially
/// `sysctl_tcp_reordering` = 3).
const DUP_THRESH: u32 = 3;

impl Tcb {
    /// Take an ACK's SACK blocks into the scoreboard of the peer's bytes
    /// this side holds above its acknowledgment number `ack`. A first block
    /// that is a D-SACK (RFC 2883 4) is not taken: it reports a duplicate
    /// (the peer resent what had arrived), not a hole. Returns whether the ACK SACKed bytes
    /// not SACKed before (RFC 6675 2's duplicate acknowledgment).
    pub(super) fn take_sack(&mut self, ack: u32, sack: &Sack) -> bool {
        let mut blocks = sack.blocks();
        if sack.dsack(ack) {
            blocks = &blocks[1..];
        }
        let mut news = false;
        for &(l, r) in blocks {
            // Only what lies above the cumulative ACK, and a sane range.
            let l = if seq_lt(l, ack) { ack } else { l };
            if !seq_lt(l, r) || r.wrapping_sub(l) > 1 << 30 {
                continue;
            }
            news |= self.sack_range(l, r);
        }
        news
    }

    /// Merge one SACKed range; whether it added bytes.
    fn sack_range(&mut self, l: u32, r: u32) -> bool {
        let (mut l, mut r) = (l, r);
        let mut added = true;
        let mut kept = Vec::with_capacity(self.sacked.len() + 1);
        for &(a, b) in &self.sacked {
            if seq_lt(b, l) || seq_lt(r, a) {
                kept.push((a, b));
            } else {
                if !seq_lt(l, a) && !seq_lt(b, r) {
                    added = false;
                }
                if seq_lt(a, l) {
                    l = a;
                }
                if seq_lt(r, b) {
                    r = b;
                }
            }
        }
        kept.push((l, r));
        kept.sort_by(|x, y| {
            if x.0 == y.0 {
                std::cmp::Ordering::Equal
            } else if seq_lt(x.0, y.0) {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        });
        // Bounded: the lowest ranges are the ones that tell about holes
        // still to be filled; the highest are dropped.
        kept.truncate(SACKED_MAX);
        self.sacked = kept;
        added
    }

    /// The acknowledgment number moved to `ack`: forget what it covers.
    pub(super) fn sack_trim(&mut self, ack: u32) {
        self.sacked.retain_mut(|(l, r)| {
            if !seq_lt(ack, *r) {
                return false;
            }
            if seq_lt(*l, ack) {
                *l = ack;
            }
            true
        });
    }

    /// Whether `seq` is SACKed already.
    pub(super) fn sacked_has(&self, seq: u32) -> bool {
        self.sacked
            .iter()
            .any(|&(l, r)| !seq_lt(seq, l) && seq_lt(seq, r))
    }

    /// RFC 6675 4's IsLost(seq): DupThresh discontiguous SACKed ranges above
    /// it, or more than (DupThresh − 1) × SMSS SACKed bytes above it.
    pub(super) fn sack_lost(&self, seq: u32, smss: u64, thresh: u32) -> bool {
        let mut ranges = 0;
        let mut bytes = 0u64;
        for &(l, r) in &self.sacked {
            if !seq_lt(seq, r) {
                continue;
            }
            ranges += 1;
            let from = if seq_lt(l, seq) { seq } else { l };
            bytes += r.wrapping_sub(from) as u64;
        }
        ranges >= thresh || (smss > 0 && bytes > (thresh as u64 - 1) * smss)
    }

    /// `seq`'s position (see [`Tcb::pos`]), next to the last one, without
    /// moving it.
    pub(super) fn pos_of(&self, seq: u32) -> Option<u64> {
        let base = self.base?;
        let last = base.wrapping_add(self.last_pos as u32);
        let back = last.wrapping_sub(seq) as i32 as i64;
        u64::try_from(self.last_pos as i64 - back).ok()
    }

    /// When the bytes just below `seq` were last sent by this side.
    pub(super) fn sent_before(&self, seq: u32) -> Option<f64> {
        let p = self.pos_of(seq)?;
        self.sent
            .range(..p)
            .next_back()
            .filter(|(_, r)| r.end >= p)
            .map(|(_, r)| r.last)
    }

    /// The duplicate-ACK threshold for this (sending) side's bytes from
    /// `ack` on: DupThresh, or with two or three segments outstanding one
    /// less than their number (RFC 5827 2, early retransmit). The
    /// segments counted are those the capture saw sent.
    pub(super) fn dup_thresh(&self, ack: u32) -> u32 {
        let Some(from) = self.pos_of(ack).filter(|&p| p < self.high_pos) else {
            return DUP_THRESH;
        };
        let old = self
            .sent
            .range(from..self.high_pos)
            .take(DUP_THRESH as usize + 1)
            .count() as u32;
        if (2..=DUP_THRESH).contains(&old) {
            old - 1
        } else {
            DUP_THRESH
        }
    }
}

impl Run<'_> {
    /// After the last segment: a retransmission timer that must have run out
    /// while the capture went on. Only after two resends at least, the last
    /// wait no shorter than Linux's RTO floor (200 ms): one resend, or
    /// resends in quick succession, then silence is a sender that stopped
    /// for another reason (`stopped`), not a timer that ran out.
    pub(super) fn retries(&mut self, capture_end: f64) -> Option<(usize, f64)> {
        // A clock that runs backwards makes the capture's end no measure of
        // how long the sender stayed silent.
        if self.input.clock_back > 0 || self.input.capture_clock_back > 0 {
            return None;
        }
        for x in [SERVER, CLIENT] {
            let tx = &self.tcb[x];
            let (Some(since), Some((last, wait))) = (tx.unacked_since, tx.last_resend) else {
                continue;
            };
            let heard = tx.last_heard.is_some_and(|h| h > since);
            if heard || tx.resends == 0 {
                continue;
            }
            let quiet = tx.last_heard.unwrap_or(0.0);
            // The timer after the last resend backs off to twice its wait.
            let due = last + 2.0 * wait;
            if capture_end > due + wait.max(0.2) {
                if tx.resends < 2 || wait < 0.2 {
                    self.stopped = Some(x);
                    continue;
                }
                let at = us(due);
                self.note(x, KernelNote::RetriesExhausted, None, at);
                self.state(x, TcpState::Closed, at);
                self.news(x, at, AppCall::Recv, ResultWord::Etimedout, quiet);
                return Some((x, at));
            }
        }
        None
    }
}

impl Run<'_> {
    /// Whether `x`'s resend `s` at `t` has the evidence of loss a fast
    /// retransmission needs, and whether `x` is in loss recovery already.
    ///
    /// Its bytes must be in a hole the receiver reports (at its
    /// acknowledgment number, or above it and not SACKed), and one of:
    /// - three duplicate ACKs at that acknowledgment number (RFC 5681 3.2;
    ///   D-SACKs and ACKs with nothing newly SACKed not counted: RFC 6675
    ///   2, RFC 2883 4);
    /// - RFC 6675 4's IsLost: DupThresh ranges or more than two segments'
    ///   bytes SACKed above them;
    /// - with fewer than four segments outstanding, the same with RFC 5827
    ///   2's lowered threshold, one less than the segments outstanding
    ///   (early retransmit: macOS's `tcp_early_rexmt`, Linux's
    ///   `tcp_early_retrans` before RACK);
    /// - with SACK on both sides, RACK's rule (RFC 8985 6.2): bytes sent
    ///   before others the receiver has acknowledged or SACKed since, a
    ///   round trip ago at least (the reordering window, a quarter of a
    ///   round trip, left to the timing test below);
    /// - recovery under way (RFC 6675 5's RecoveryPoint not acknowledged)
    ///   and the bytes at the acknowledgment number: the resend a partial
    ///   ACK calls for (RFC 6675 5, RFC 6582 3.2 step 3).
    ///
    /// And it must leave as an ACK would make it leave, within 1.5 of
    /// `x`'s round trips (and 10 ms) of the receiver's last segment at the
    /// capture point: a resend after a silence is a timer's (the RTO's, or
    /// the loss probe's), whatever the ACKs said before.
    pub(super) fn loss_evidence(&self, s: &Seg, x: usize, t: f64, last_sent: f64) -> (bool, bool) {
        let y = 1 - x;
        let ry = &self.tcb[y];
        let Some(ack) = ry.rcv_nxt else {
            return (false, false);
        };
        let recovering = self.tcb[x].recover.is_some_and(|r| seq_lt(ack, r));
        let at_ack = s.seq == ack;
        let hole = at_ack || (seq_lt(ack, s.seq) && !ry.sacked_has(s.seq));
        if !hole {
            return (false, recovering);
        }
        let clocked = self.tcb[x]
            .last_heard
            .is_some_and(|h| self.prompt_after(x, t, h));
        let thresh = self.tcb[x].dup_thresh(ack);
        // RACK (RFC 8985 6.2), Linux's default with SACK: bytes last sent
        // before bytes the receiver has since acknowledged or SACKed, and
        // a round trip gone since.
        let sack = self.tcb[x].sack_ok == Some(true) && ry.sack_ok == Some(true);
        let rack = sack
            && ry.rack_xmit.is_some_and(|d| last_sent < d)
            && t - last_sent >= self.rtt[x] + self.rtt[y];
        let lost = (at_ack && ry.dups >= thresh)
            || ry.sack_lost(s.seq, self.tcb[x].max_seg, thresh)
            || rack
            || (recovering && at_ack);
        (lost && clocked, recovering)
    }
}
