//! The connection table: every TCP segment of the capture, kept compactly
//! (40 bytes each) for the connection a reader picks later, and a running
//! summary per connection, so the list is ready the moment the last chunk is
//! read.
//!
//! A connection is a four-tuple; a new SYN on a four-tuple whose last
//! connection was over (closed both ways, or reset) starts the next one, so
//! a port reused after TIME_WAIT is a connection of its own, while a SYN
//! that lands on a live connection (a rebooted client reconnecting from the
//! same port, a forged SYN) stays in the connection it disturbs.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::decode::{decode, Defrag, Sack, Skip, Wire};
use crate::read::Frame;

pub(crate) const FIN: u8 = 0x01;
pub(crate) const SYN: u8 = 0x02;
pub(crate) const RST: u8 = 0x04;
pub(crate) const ACK: u8 = 0x10;

/// One segment, as kept for the classifier.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seg {
    /// Nanoseconds since the epoch.
    pub ts: i64,
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
    /// Index of its connection.
    pub conn: u32,
    /// Interned source MAC (0: the link layer had none).
    pub mac: u32,
    pub win: u16,
    pub ip_id: u16,
    pub iface: u16,
    pub flags: u8,
    pub ttl: u8,
    /// Sent by the connection's endpoint `a` (else by `b`).
    pub from_a: bool,
    pub opts: u8,
    /// Window scale shift from a SYN's option, or `decode::NO_WSCALE`.
    pub wscale: u8,
    /// Its SACK blocks: 1 + an index into [`Table::sacks`], 0 for none.
    /// (With it a row takes 48 bytes, 40 before; the blocks themselves, 36
    /// bytes, only for the segments that carry them.)
    pub sack: u32,
}

impl Seg {
    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }
    /// Sequence space used: payload, plus one for SYN and for FIN.
    pub fn space(&self) -> u32 {
        self.len
            .wrapping_add(self.has(SYN) as u32)
            .wrapping_add(self.has(FIN) as u32)
    }
}

/// `a` is before `b` in sequence space (RFC 9293's modular comparison).
pub(crate) fn seq_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// A running summary of one connection. Kept small (112 bytes): a SYN flood
/// or a port scan brings a million of them, and the list is drawn from
/// these alone.
#[derive(Clone, Debug)]
pub(crate) struct Conn {
    /// Address id and port of the endpoint that sent the first segment seen.
    pub a: (u32, u16),
    pub b: (u32, u16),
    pub first: i64,
    pub last: i64,
    /// Per direction, index 0 for segments from `a`.
    pub pkts: [u32; 2],
    pub bytes: [u64; 2],
    /// Direction of the first SYN without ACK, and of the first SYN-ACK.
    pub first_syn: Option<u8>,
    pub first_synack: Option<u8>,
    /// Since the last handshake: FINs and the last RST, per direction.
    pub fin: [bool; 2],
    pub rst: Option<u8>,
    /// Each side's current initial sequence number, once seen (bit `d` of
    /// `known`).
    isn: [u32; 2],
    /// Each side's highest sequence number sent (end of its segment), once
    /// seen (bit `2 + d` of `known`).
    high: [u32; 2],
    known: u8,
    /// The trailing run of segments from one direction: which, how many, and
    /// how many of them resent something.
    pub tail: (u8, u32, u32),
    /// Segments whose timestamp is earlier than the previous one's.
    pub backwards: u32,
    /// Over: closed both ways, or reset. A SYN with a new ISN then starts
    /// the next connection on the four-tuple.
    pub over: bool,
    /// The connection's last segment, as an index into [`Table::segs`].
    last_seg: Option<u32>,
}

/// An address id and a port.
type End = (u32, u16);

/// A hash table's key: bytes, hashed in one write.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key<const N: usize>([u8; N]);

impl<const N: usize> std::hash::Hash for Key<N> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write(&self.0);
    }
}

/// An address's key: IPv6 as it is, IPv4 as its IPv4-mapped IPv6 address
/// (which [`Table::addr`] never keeps as IPv6).
fn addr_key(ip: IpAddr) -> Key<16> {
    Key(match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    })
}

/// A four-tuple's key (two address ids and ports).
fn tuple_key((a, b): (End, End)) -> Key<12> {
    let mut k = [0; 12];
    k[..4].copy_from_slice(&a.0.to_le_bytes());
    k[4..6].copy_from_slice(&a.1.to_le_bytes());
    k[6..10].copy_from_slice(&b.0.to_le_bytes());
    k[10..].copy_from_slice(&b.1.to_le_bytes());
    Key(k)
}

/// Segments (and connections) kept in blocks of at most [`BLOCK`]: growing
/// never copies or frees a block, so a large capture holds the memory its
/// segments take and little more. (One `Vec` doubling its way to a million
/// segments held up to half as much again while it grew, and in wasm, whose
/// memory never shrinks, the blocks it left behind stayed: on the
/// benchmark's capture, scripts/bench-capture.mjs, the worker's wasm memory
/// went from 102.7 MB to 89.7 MB.)
pub(crate) struct Blocks<T> {
    blocks: Vec<Vec<T>>,
    len: usize,
}

/// The segments of a capture.
pub(crate) type Segs = Blocks<Seg>;

impl<T> Default for Blocks<T> {
    fn default() -> Self {
        Blocks {
            blocks: Vec::new(),
            len: 0,
        }
    }
}

/// Items in a block (segments: 2.6 MB; connections: 7.3 MB).
const BLOCK: usize = 1 << 16;

impl<T> Blocks<T> {
    pub fn push(&mut self, item: T) {
        match self.blocks.last_mut() {
            // The first block grows as a Vec does (a small capture stays
            // small); the next ones are made whole.
            Some(b) if b.len() < BLOCK => b.push(item),
            _ => {
                let mut b = Vec::with_capacity(if self.blocks.is_empty() { 16 } else { BLOCK });
                b.push(item);
                self.blocks.push(b);
            }
        }
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The `i`th item pushed (every block but the last is full).
    pub fn get(&self, i: usize) -> Option<&T> {
        self.blocks.get(i / BLOCK)?.get(i % BLOCK)
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.blocks.iter().flatten()
    }
}

impl<T> std::ops::Index<usize> for Blocks<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.blocks[i / BLOCK][i % BLOCK]
    }
}

impl<T> std::ops::IndexMut<usize> for Blocks<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.blocks[i / BLOCK][i % BLOCK]
    }
}

/// Every segment and connection of a capture, and what was skipped.
#[derive(Default)]
pub(crate) struct Table {
    pub addrs: Vec<IpAddr>,
    /// Ids by key, each key a few bytes hashed in one write (`addr_key`,
    /// `tuple_key`, a MAC's six): std's SipHash, resistant to collisions a
    /// crafted capture could bring, took a fifth of the reading of a million
    /// connections when it hashed a tuple's four fields in four writes.
    addr_ids: HashMap<Key<16>, u32>,
    macs: HashMap<Key<6>, u32>,
    tuples: HashMap<Key<12>, u32>,
    /// In blocks too: a SYN flood brings millions (a doubling `Vec` of
    /// them left 1.1 GB of wasm memory behind at 2.5 M connections).
    pub conns: Blocks<Conn>,
    pub segs: Segs,
    /// The SACK blocks of the segments that carry them ([`Seg::sack`]).
    pub sacks: Blocks<Sack>,
    pub skipped: crate::Skipped,
    /// IP fragments waiting for the rest of their datagram.
    defrag: Defrag,
    /// Earliest and latest timestamp of a decoded frame.
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl Table {
    fn addr(&mut self, ip: IpAddr) -> u32 {
        // IPv4-mapped IPv6 addresses are the IPv4 host they name.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let addrs = &mut self.addrs;
        *self.addr_ids.entry(addr_key(ip)).or_insert_with(|| {
            addrs.push(ip);
            addrs.len() as u32 - 1
        })
    }

    /// An address's id, if the capture has it.
    pub fn addr_id(&self, ip: IpAddr) -> Option<u32> {
        self.addr_ids.get(&addr_key(ip)).copied()
    }

    fn mac(&mut self, mac: Option<[u8; 6]>) -> u32 {
        let Some(m) = mac else { return 0 };
        let next = self.macs.len() as u32 + 1;
        *self.macs.entry(Key(m)).or_insert(next)
    }

    /// Take one frame.
    pub fn frame(&mut self, f: &Frame<'_>) {
        self.start = Some(self.start.map_or(f.ts, |s| s.min(f.ts)));
        self.end = Some(self.end.map_or(f.ts, |e| e.max(f.ts)));
        match decode(f.link, f.data, f.ts, &mut self.defrag) {
            Ok(w) => self.segment(&w, f.ts, f.iface),
            // Counted when its datagram is given up or left waiting
            // ([`Table::finish`]).
            Err(Skip::Fragment) => {}
            Err(s) => self.skipped.count(s),
        }
    }

    /// The end of the capture: fragments never made whole are skipped.
    pub fn finish(&mut self) {
        self.skipped.fragment = self.defrag.unused + self.defrag.waiting();
        self.skipped.not_tcp += std::mem::take(&mut self.defrag.not_tcp);
        self.defrag = Defrag::default();
    }

    fn segment(&mut self, w: &Wire, ts: i64, iface: u32) {
        let src = (self.addr(w.src), w.sport);
        let dst = (self.addr(w.dst), w.dport);
        let key = if src <= dst { (src, dst) } else { (dst, src) };
        let mac = self.mac(w.mac);
        let syn_only = w.flags & (SYN | ACK) == SYN;
        let existing = self.tuples.get(&tuple_key(key)).copied();
        let idx = match existing {
            Some(i) => {
                let c = &self.conns[i as usize];
                let from_a = c.a == src;
                let d = if from_a { 0 } else { 1 };
                let new_isn = c.isn(d) != Some(w.seq);
                if syn_only && c.over && new_isn {
                    self.new_conn(key, src, dst, ts)
                } else {
                    i
                }
            }
            None => self.new_conn(key, src, dst, ts),
        };
        let c = &self.conns[idx as usize];
        let from_a = c.a == src;
        let seg = Seg {
            ts,
            seq: w.seq,
            ack: w.ack,
            len: w.len,
            conn: idx,
            mac,
            win: w.win,
            ip_id: w.ip_id,
            iface: iface.min(u16::MAX as u32) as u16,
            flags: w.flags & 0x1f,
            ttl: w.ttl,
            from_a,
            opts: w.opts,
            wscale: w.wscale,
            sack: 0,
        };
        let at = self.segs.len();
        let c = &mut self.conns[idx as usize];
        if let Some(p) = c.last_seg.and_then(|i| self.segs.get(i as usize)) {
            if is_duplicate(p, &seg) {
                self.skipped.duplicate += 1;
                return;
            }
            if ts < p.ts {
                c.backwards = c.backwards.saturating_add(1);
            }
        }
        c.account(&seg);
        // (More than 4 G segments cannot be held in memory anyway.)
        c.last_seg = u32::try_from(at).ok();
        let mut seg = seg;
        if w.sack.n > 0 {
            self.sacks.push(w.sack);
            seg.sack = u32::try_from(self.sacks.len()).unwrap_or(0);
        }
        self.segs.push(seg);
    }

    fn new_conn(&mut self, key: (End, End), a: End, b: End, ts: i64) -> u32 {
        let idx = self.conns.len() as u32;
        self.conns.push(Conn {
            a,
            b,
            first: ts,
            last: ts,
            pkts: [0; 2],
            bytes: [0; 2],
            first_syn: None,
            first_synack: None,
            fin: [false; 2],
            rst: None,
            isn: [0; 2],
            high: [0; 2],
            known: 0,
            tail: (0, 0, 0),
            backwards: 0,
            over: false,
            last_seg: None,
        });
        self.tuples.insert(tuple_key(key), idx);
        idx
    }

    /// A MAC address as text, by its id.
    pub fn mac_text(&self, id: u32) -> Option<String> {
        self.macs.iter().find(|(_, v)| **v == id).map(|(m, _)| {
            m.0.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        })
    }

    /// A segment's SACK blocks ([`Seg::sack`]).
    pub fn sack(&self, i: u32) -> Option<Sack> {
        i.checked_sub(1)
            .and_then(|i| self.sacks.get(i as usize))
            .copied()
    }

    /// The segments of one connection, in capture order.
    pub fn segments_of(&self, conn: u32) -> Vec<Seg> {
        self.segs
            .iter()
            .filter(|s| s.conn == conn)
            .copied()
            .collect()
    }
}

/// The same segment seen twice (on two interfaces, or by a capture on a
/// host that forwards it): every field equal, within a millisecond. Pure
/// ACKs without an IPv4 identification to tell them apart are kept: two
/// duplicate ACKs in a row are a real thing.
fn is_duplicate(p: &Seg, s: &Seg) -> bool {
    p.from_a == s.from_a
        && p.seq == s.seq
        && p.ack == s.ack
        && p.flags == s.flags
        && p.len == s.len
        && p.win == s.win
        && p.ip_id == s.ip_id
        && p.opts == s.opts
        && (s.ts - p.ts).abs() <= 1_000_000
        && (p.iface != s.iface || s.ip_id != 0 || s.len > 0 || s.flags & (SYN | FIN | RST) != 0)
}

impl Conn {
    /// Side `d`'s current initial sequence number, once seen.
    pub fn isn(&self, d: usize) -> Option<u32> {
        (self.known & (1 << d) != 0).then_some(self.isn[d])
    }

    /// Side `d`'s highest sequence number sent, once seen.
    pub fn high(&self, d: usize) -> Option<u32> {
        (self.known & (4 << d) != 0).then_some(self.high[d])
    }

    fn set_isn(&mut self, d: usize, v: u32) {
        self.isn[d] = v;
        self.known |= 1 << d;
    }

    fn set_high(&mut self, d: usize, v: u32) {
        self.high[d] = v;
        self.known |= 4 << d;
    }

    fn account(&mut self, s: &Seg) {
        let d = if s.from_a { 0 } else { 1 };
        self.first = self.first.min(s.ts);
        self.last = self.last.max(s.ts);
        self.pkts[d] = self.pkts[d].saturating_add(1);
        self.bytes[d] += s.len as u64;
        let syn = s.has(SYN);
        if syn && !s.has(ACK) && self.first_syn.is_none() {
            self.first_syn = Some(d as u8);
        }
        if syn && s.has(ACK) {
            if self.first_synack.is_none() {
                self.first_synack = Some(d as u8);
            }
            // A handshake answered: a new connection's story starts.
            self.fin = [false; 2];
            self.rst = None;
            self.over = false;
        }
        // Resent: SYN with the ISN already seen, or data or FIN below the
        // highest sequence number this side has sent.
        let resent = if syn {
            let again = self.isn(d) == Some(s.seq);
            self.set_isn(d, s.seq);
            self.set_high(d, s.seq.wrapping_add(s.space()));
            again
        } else if s.space() > 0 {
            let end = s.seq.wrapping_add(s.space());
            let again = self.high(d).is_some_and(|h| seq_lt(s.seq, h));
            if self.high(d).is_none_or(|h| seq_lt(h, end)) {
                self.set_high(d, end);
            }
            again
        } else {
            // A zero-length segment one below what was sent: a keepalive
            // (or window) probe, which counts as unanswered like a resend.
            self.high(d).is_some_and(|h| s.seq == h.wrapping_sub(1)) && !s.has(RST)
        };
        if s.has(FIN) {
            self.fin[d] = true;
        }
        if s.has(RST) {
            self.rst = Some(d as u8);
        }
        if self.rst.is_some() || (self.fin[0] && self.fin[1]) {
            self.over = true;
        }
        if self.tail.1 > 0 && self.tail.0 as usize == d {
            self.tail.1 = self.tail.1.saturating_add(1);
            self.tail.2 = self.tail.2.saturating_add(resent as u32);
        } else {
            self.tail = (d as u8, 1, resent as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_summary_stays_small() {
        // A million of them for a SYN flood: the CLI's 400 MB budget.
        assert!(
            std::mem::size_of::<Conn>() <= 112,
            "{}",
            std::mem::size_of::<Conn>()
        );
    }
}
