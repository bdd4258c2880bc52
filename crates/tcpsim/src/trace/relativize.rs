//! Relative sequence numbers, tcpdump's convention: the simulator's runs
//! and the analyser's captures are numbered alike.

/// Normalise absolute sequence numbers to relative ones, tcpdump-style.
///
/// For each direction (source address and port to destination address and
/// port), every SYN seen so far contributes a base (its ISN). A number is
/// shown relative to the base that gives the smallest non-negative offset
/// (modulo 2^32); this keeps an old incarnation's numbers meaningful after a
/// new SYN on the same four-tuple (the challenge-ACK scenarios). The same
/// function serves simulated traces and real captures.
///
/// Input: per packet `(src_ip, sport, dst_ip, dport, flags, abs_seq, abs_ack)`.
/// Output: per packet `(seq_rel, ack_rel)`.
pub fn relativize(packets: &[WireKey]) -> Vec<(u32, u32)> {
    // The base of a number is, among the (direction, ISN) pairs its
    // direction's SYNs brought so far, the one nearest below it (the
    // smallest `x - base` mod 2^32: the largest base at or below `x` if
    // there is one, since any base above `x` wraps to more than `x`; else
    // the largest base). Every pair is known beforehand, so they are sorted
    // once and a Fenwick tree over their ranks gives "the largest rank
    // already seen below r" in log n: a capture of 200,000 SYNs with as
    // many ISNs on one four-tuple (a SYN flood from a fixed port) is
    // relativized in n log n, not n², with no more than a Vec (this runs
    // in the first-load wasm too, whose budget a BTreeSet would cost 2 KB).
    type Dir = (u32, u16, u32, u16);
    let dir = |p: &WireKey| (p.src_ip, p.sport, p.dst_ip, p.dport);
    let mut all: Vec<(Dir, u32)> = packets
        .iter()
        .filter(|p| p.syn)
        .map(|p| (dir(p), p.abs_seq))
        .collect();
    crate::sort::heapsort_by(&mut all, |a, b| a < b);
    all.dedup();
    // tree[i]: 1 + the largest rank seen in its range (0: none).
    let mut tree = vec![0usize; all.len() + 1];
    let seen_below = |tree: &[usize], r: usize| -> Option<usize> {
        let (mut i, mut best) = (r, 0);
        while i > 0 {
            best = best.max(tree[i]);
            i &= i - 1;
        }
        best.checked_sub(1)
    };
    let rel = |tree: &[usize], d: Dir, x: u32| -> u32 {
        let upto = all.partition_point(|e| *e <= (d, x));
        let in_dir = all.partition_point(|e| e.0 <= d);
        [upto, in_dir]
            .into_iter()
            .filter_map(|r| seen_below(tree, r))
            .map(|k| all[k])
            .find(|(e, _)| *e == d)
            .map_or(x, |(_, b)| x.wrapping_sub(b))
    };
    let mut out = Vec::with_capacity(packets.len());
    for p in packets {
        if p.syn {
            if let Ok(k) = all.binary_search(&(dir(p), p.abs_seq)) {
                let mut i = k + 1;
                while i < tree.len() {
                    tree[i] = tree[i].max(k + 1);
                    i += i & i.wrapping_neg();
                }
            }
        }
        let rev = (p.dst_ip, p.dport, p.src_ip, p.sport);
        out.push((rel(&tree, dir(p), p.abs_seq), rel(&tree, rev, p.abs_ack)));
    }
    out
}

/// [`relativize`] by its definition, for a handful of SYNs: each number
/// against every base of its direction. The simulator's runs (a few SYNs
/// each, at most `MAX_SEGMENTS` packets) use this one, which keeps the
/// first-load wasm small (the sort and the tree above cost it 1.5 KB
/// gzipped); the analyser, which reads captures of any size, uses
/// [`relativize`]. Both give the same numbers (a property test).
pub fn relativize_few(packets: &[WireKey]) -> Vec<(u32, u32)> {
    type Dir = (u32, u16, u32, u16);
    let mut bases: Vec<(Dir, u32)> = Vec::new();
    let mut out = Vec::with_capacity(packets.len());
    for p in packets {
        let fwd = (p.src_ip, p.sport, p.dst_ip, p.dport);
        let rev = (p.dst_ip, p.dport, p.src_ip, p.sport);
        if p.syn && !bases.contains(&(fwd, p.abs_seq)) {
            bases.push((fwd, p.abs_seq));
        }
        let rel = |key: &Dir, x: u32| -> u32 {
            bases
                .iter()
                .filter(|(d, _)| d == key)
                .map(|(_, b)| x.wrapping_sub(*b))
                .min()
                .unwrap_or(x)
        };
        out.push((rel(&fwd, p.abs_seq), rel(&rev, p.abs_ack)));
    }
    out
}

/// What [`relativize`] needs of a packet.
#[derive(Clone, Copy, Debug)]
pub struct WireKey {
    pub src_ip: u32,
    pub sport: u16,
    pub dst_ip: u32,
    pub dport: u16,
    pub syn: bool,
    pub abs_seq: u32,
    pub abs_ack: u32,
}
