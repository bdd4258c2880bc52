//! Segments waiting for their acknowledgment, for the round-trip estimate
//! ([`Run::estimate_rtt`](super::Run)): when bytes are sent again, every copy
//! still waiting that ends at or above them is ambiguous (Karn's algorithm,
//! RFC 6298 3), and its sample, if one comes, is timed from the latest copy.
//!
//! Marking the waiting copies one by one cost the queue's length (up to
//! 4,097) for each resend: 200,000 SYNs of distinct ISNs on one four-tuple
//! (a SYN flood from a fixed port) spent seconds there. The marks are kept
//! instead, and a copy's is looked up only when an ACK answers it: the
//! latest mark made since it was queued at an end it reaches (`!seq_lt(its
//! end, the mark's end)`), from a max tree over every end the side sends.
//! The answers are the same as marking each copy (tested against that).

use std::collections::VecDeque;

use crate::table::seq_lt;

/// Copies kept waiting at most: the oldest goes when one more comes (a
/// sample from that far back would not be the smallest anyway).
const KEEP: usize = 4096;

pub(super) struct Waiting {
    /// (end, sent at, marks made before it was queued, ambiguous).
    q: VecDeque<(u32, f64, u32, bool)>,
    /// When each mark was made.
    marks: Vec<f64>,
    /// Every end a mark can be made at, sorted, distinct.
    ends: Vec<u32>,
    /// Over `ends`: at each leaf the latest mark made at that end (its
    /// index + 1; 0 for none), at each inner node the largest below it.
    tree: Vec<u32>,
}

impl Waiting {
    /// A queue whose marks will be made at some of `ends`.
    pub(super) fn new(ends: Vec<u32>) -> Waiting {
        let ends = sorted_distinct(ends);
        Waiting {
            q: VecDeque::new(),
            marks: Vec::new(),
            tree: vec![0; 2 * ends.len()],
            ends,
        }
    }

    /// A copy of bytes ending at `end` sent at `t`.
    pub(super) fn push(&mut self, end: u32, t: f64) {
        if self.q.len() > KEEP {
            self.q.pop_front();
        }
        self.q.push_back((end, t, self.marks.len() as u32, false));
    }

    /// Bytes ending at `end` sent again at `t`: every copy waiting that ends
    /// at or above `end` is ambiguous from now, timed from `t`.
    pub(super) fn mark(&mut self, end: u32, t: f64) {
        self.marks.push(t);
        let v = self.marks.len() as u32;
        let n = self.ends.len();
        let k = self.ends.partition_point(|&e| e < end);
        if k == n || self.ends[k] != end {
            // Not an end given to `new` (the caller's mistake): mark the
            // copies one by one, as if by this mark; only later ones count.
            debug_assert!(false, "mark at an unknown end {end}");
            for e in self.q.iter_mut().filter(|e| !seq_lt(e.0, end)) {
                *e = (e.0, t, v, true);
            }
            return;
        }
        let mut i = n + k;
        self.tree[i] = v;
        while i > 1 {
            i /= 2;
            self.tree[i] = self.tree[2 * i].max(self.tree[2 * i + 1]);
        }
    }

    /// An acknowledgment of `ack`: every copy it covers leaves the queue;
    /// the last of them, if any: (sent at, ambiguous).
    pub(super) fn pop_acked(&mut self, ack: u32) -> Option<(f64, bool)> {
        let mut last = None;
        while let Some(&e) = self.q.front() {
            if seq_lt(ack, e.0) {
                break;
            }
            last = Some(e);
            self.q.pop_front();
        }
        let (end, t, before, again) = last?;
        // Marks at ends in (end - 2^31, end], circularly: those `end` reaches.
        let lo = end.wrapping_sub(0x7fff_ffff);
        let latest = if lo <= end {
            self.latest(lo, end)
        } else {
            self.latest(lo, u32::MAX).max(self.latest(0, end))
        };
        Some(if latest > before {
            (self.marks[latest as usize - 1], true)
        } else {
            (t, again)
        })
    }

    /// The latest mark (index + 1, 0 for none) at an end in `lo..=hi`.
    fn latest(&self, lo: u32, hi: u32) -> u32 {
        let n = self.ends.len();
        let mut l = self.ends.partition_point(|&e| e < lo) + n;
        let mut r = self.ends.partition_point(|&e| e <= hi) + n;
        let mut best = 0;
        while l < r {
            if l & 1 == 1 {
                best = best.max(self.tree[l]);
                l += 1;
            }
            if r & 1 == 1 {
                r -= 1;
                best = best.max(self.tree[r]);
            }
            l /= 2;
            r /= 2;
        }
        best
    }
}

/// `v` sorted, each value once (tcpsim's heapsort: the standard library's
/// sort for `u32` cost the analyser's wasm 4 KB).
pub(super) fn sorted_distinct(mut v: Vec<u32>) -> Vec<u32> {
    tcpsim::sort::heapsort_by(&mut v, |a, b| a < b);
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The queue as it was: each copy marked in place.
    #[derive(Default)]
    struct Eager(VecDeque<(u32, f64, bool)>);

    impl Eager {
        fn push(&mut self, end: u32, t: f64) {
            if self.0.len() > KEEP {
                self.0.pop_front();
            }
            self.0.push_back((end, t, false));
        }
        fn mark(&mut self, end: u32, t: f64) {
            for e in self.0.iter_mut().filter(|e| !seq_lt(e.0, end)) {
                e.1 = t;
                e.2 = true;
            }
        }
        fn pop_acked(&mut self, ack: u32) -> Option<(f64, bool)> {
            let mut last = None;
            while let Some(&(end, t, again)) = self.0.front() {
                if seq_lt(ack, end) {
                    break;
                }
                last = Some((t, again));
                self.0.pop_front();
            }
            last
        }
    }

    #[test]
    fn sorted_distinct_sorts_and_drops_repeats() {
        let mut st = 42u64;
        for n in [0usize, 1, 2, 3, 10, 1000] {
            let v: Vec<u32> = (0..n).map(|_| (rng(&mut st) % 50) as u32).collect();
            let mut want = v.clone();
            want.sort_unstable();
            want.dedup();
            assert_eq!(sorted_distinct(v), want);
        }
    }

    /// xorshift64*.
    fn rng(state: &mut u64) -> u64 {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Random sends, resends and acknowledgments, the way `estimate_rtt`
    /// makes them (a copy queued only above the highest end sent, a mark at
    /// or below it), with sequence numbers near one another, across the
    /// wrap, drifting, or anywhere (a SYN flood's random ISNs): the same
    /// answers as marking each copy in place.
    #[test]
    fn lookups_answer_as_marking_each_copy_did() {
        // (seed, first end, spread of the ends, drift per step)
        for (seed, start, spread, drift) in [
            (1u64, 7u32, 3000u64, 0u32),
            (2, 7, 30_000, 10),
            (3, u32::MAX - 50_000, 1 << 20, 100),
            (4, 7, 1 << 32, 0),
            (5, 7, 1 << 31, 0),
            (6, 7, 1 << 31, 1 << 20),
        ] {
            let mut st = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            let ops: Vec<(u64, u32)> = (0..8_000u32)
                .map(|i| {
                    let op = rng(&mut st) % 3;
                    let v = start
                        .wrapping_add(i.wrapping_mul(drift))
                        .wrapping_add((rng(&mut st) % spread) as u32);
                    (op, v)
                })
                .collect();
            let ends: Vec<u32> = ops.iter().map(|o| o.1).collect();
            let mut lazy = Waiting::new(ends);
            let mut eager = Eager::default();
            let mut high: Option<u32> = None;
            let mut ambiguous = 0;
            for (i, &(op, v)) in ops.iter().enumerate() {
                let t = i as f64;
                if op == 0 {
                    let a = eager.pop_acked(v);
                    assert_eq!(lazy.pop_acked(v), a, "seed {seed}, step {i}");
                    ambiguous += a.is_some_and(|a| a.1) as u32;
                } else if high.is_some_and(|h| !seq_lt(h, v)) {
                    lazy.mark(v, t);
                    eager.mark(v, t);
                } else {
                    high = Some(v);
                    lazy.push(v, t);
                    eager.push(v, t);
                }
            }
            // The case that matters was met.
            assert!(ambiguous > 0, "seed {seed}: {ambiguous} ambiguous answers");
        }
    }
}
