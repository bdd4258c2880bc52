//! One connection's segments to a trace: each segment's reason (`why`) in
//! the simulator's vocabulary, the states both sides must have passed
//! through, kernel notes, and what each application learned.
//!
//! The classifier keeps, for each side, what a TCP would know (its ISN, the
//! highest sequence number it sent, the highest acknowledgment it sent, its
//! FIN, the bytes it sent and how often) and reads every segment in time
//! order. The rules, in the order they are tried:
//!
//! - A SYN or RST with the claimed sender's IP address but another source
//!   MAC address, or another hop count (TTL below its initial value), than
//!   that side's usual ones (the most frequent) is forged: `forged_syn`,
//!   `forged_rst`, sent by `attacker`, with that evidence. A TTL alone is
//!   none, and a SYN with an ISN its side sent before is that SYN again.
//! - RST: `rst_bad_ack` from a side in SYN_SENT answering an unacceptable
//!   ACK (its SEQ is that ACK's number); `rst_no_socket` when it answers the
//!   peer's last segment the way a kernel without the connection does (SEQ =
//!   that segment's ACK, or ACK = its end when it had none), or
//!   `rst_data_after_close` when the sender had closed (sent FIN) and the
//!   answered segment carried data; otherwise, unprompted: `forged_rst` when
//!   its SEQ is neither the receiver's RCV.NXT nor the sender's SND.NXT,
//!   `rst_keepalive_timeout` after unanswered keepalive probes,
//!   `rst_unread_data` when the sender had received data, else `captured`.
//! - SYN: `connect`, or `syn_retransmit` for a SYN with an ISN already sent
//!   (`resend` counts; data on it, TCP Fast Open's, counts as sent). A SYN
//!   on a synchronized connection calls for a challenge ACK. SYN-ACK:
//!   `syn_ack`, with `resend` for every copy with the same ISN, whatever
//!   the schedule.
//! - The first ACK of the peer's SYN-ACK: `handshake_ack`.
//! - A zero-length (or one-byte) ACK with SEQ = the peer's RCV.NXT − 1,
//!   nothing outstanding, after at least half a second of silence:
//!   `keepalive_probe`; the same while the peer advertises a zero window
//!   (or one new byte into it) is a `zero_window_probe`.
//! - Bytes (or a FIN) below the highest sequence number the side has sent:
//!   a retransmission, `resend` = how often those bytes were sent before.
//!   The first resend of the side's last bytes is a `tail_loss_probe`
//!   unless SACK was refused in the handshake: Linux (and Windows, with
//!   RACK-TLP) probe the tail before the RTO fires whenever SACK is on. The
//!   wait cannot tell them apart: the probe comes after 2 × SRTT (plus the
//!   RTO floor with one segment out) or after 1 s without an RTT sample,
//!   capped at the RTO, and the RTO after it may be the same wait or twice
//!   it. A resend of bytes in a hole the receiver reports is a
//!   `fast_retransmit` when the receiver's ACKs show them lost and it
//!   leaves as an ACK arrives (not after a silence): three duplicate ACKs
//!   at their number (RFC 5681 3.2; fewer with fewer than four segments
//!   out, RFC 5827), SACK blocks above them (RFC 6675 4's IsLost, from the
//!   SACK edges the reader keeps; a D-SACK, RFC 2883 4, reports a
//!   duplicate and is no evidence), bytes sent after them acknowledged or
//!   SACKed a round trip later (RACK, RFC 8985 6.2), or a partial ACK in
//!   recovery (RFC 6675 5). `recovery.rs` holds these rules. Bytes never
//!   seen below the highest sent are a retransmission when duplicate ACKs
//!   ask for them, else data sent out of order. Every other resend is
//!   `retransmit`, and ends fast recovery.
//! - New bytes: `fin` when the segment carries a FIN, else `data`.
//! - A pure ACK that acknowledges nothing new, answering the peer's last
//!   segment: `challenge_ack` after a SYN on a synchronized connection or a
//!   RST in the window but not at RCV.NXT; `timewait_ack` for a FIN resent
//!   to a side in TIME_WAIT; `dup_ack` after any other unacceptable segment
//!   (a keepalive probe, bytes already acknowledged); and, RFC 5681 2, the
//!   same acknowledgment number and window again while the peer has data
//!   outstanding (its receiver got bytes beyond a hole): `dup_ack`; the same
//!   acknowledgment with another non-zero window: `window_update`.
//! - A pure ACK of new bytes or a FIN: `delayed_ack` when it left at least
//!   1 ms (and a quarter of the round trip) later than an immediate ACK
//!   would have, else `ack`. An immediate ACK's delay is the side's round
//!   trip from the capture point, the smallest gap seen between a segment to
//!   it and its acknowledgment (the handshake's gives it).

use std::collections::{BTreeMap, VecDeque};

use tcpsim::outcome::{Outcome, Since};
use tcpsim::trace::{
    relativize, AppCall, AppResult, Event, EventKind, Flag, HostInfo, KernelNote, Origin, Packet,
    ResultWord, StopReason, TcpState, Trace, Why, WireKey,
};

use crate::decode::{Sack, NO_WSCALE, OPT_ANY, OPT_MP_FASTCLOSE, OPT_SACK, OPT_SACK_OK};
use crate::diagnose::{hops, Ending, Evidence, Facts, NotReboot, CLOCK_JUMP, MIN_REBOOT_S};
use crate::table::{seq_lt, Seg, ACK, FIN, RST, SYN};
use crate::Side;

mod data;
mod handshake;
mod recovery;
mod resets;
mod waiting;
mod windows;

use handshake::ByIsn;
use waiting::Waiting;

/// What the classifier needs besides the segments.
pub(crate) struct Input<'a> {
    /// One connection's segments, in time order.
    pub segs: &'a [Seg],
    /// A segment's SACK blocks, by its [`Seg::sack`].
    pub sack: &'a dyn Fn(u32) -> Option<Sack>,
    /// Whether the table's endpoint `a` is the client.
    pub client_is_a: bool,
    /// Address text, port and address id of each side.
    pub client: (String, u16, u32),
    pub server: (String, u16, u32),
    /// The capture's last instant (ns since the epoch).
    pub capture_end: i64,
    /// A MAC address's text by its id.
    pub mac_text: &'a dyn Fn(u32) -> Option<String>,
    /// Connections of an address (by id) other than this one that carry
    /// segments both before and after a span (ns since the epoch): a host
    /// that kept them did not reboot in between.
    pub others_across: &'a dyn Fn(u32, i64, i64) -> u32,
    /// Segments stamped earlier than the one captured before them: in this
    /// connection, in the whole capture.
    pub clock_back: u32,
    pub capture_clock_back: u64,
}

pub(crate) struct Output {
    pub trace: Trace,
    pub ending: Ending,
    pub facts: Facts,
}

const CLIENT: usize = 0;
const SERVER: usize = 1;

fn side(i: usize) -> Side {
    if i == CLIENT {
        Side::Client
    } else {
        Side::Server
    }
}

fn name(i: usize) -> &'static str {
    side(i).as_str()
}

/// Whether a SYN offered SACK: unknown (`None`) for a SYN with no options
/// at all, which no real stack sends (the simulator's pcaps do).
fn sack_offered(s: &Seg) -> Option<bool> {
    (s.opts & OPT_ANY != 0).then_some(s.opts & OPT_SACK_OK != 0)
}

/// Seconds, to the microsecond.
fn us(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Something the peer's last segment calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    /// A SYN on a synchronized connection, or a RST in the window but not at
    /// RCV.NXT: a challenge ACK (RFC 5961).
    Challenge,
    /// An unacceptable segment: an ACK restating where we are.
    Dup,
    /// A FIN resent to a side in TIME_WAIT.
    TimeWaitFin,
}

/// Bytes sent, by position relative to the side's first sequence number.
#[derive(Clone, Copy, Debug)]
struct Sent {
    end: u64,
    /// Times sent so far.
    count: u32,
    /// When last sent (seconds).
    last: f64,
    /// First sent on a SYN (TCP Fast Open's data).
    on_syn: bool,
    /// Resent by loss recovery (a fast retransmission) already.
    fast: bool,
}

/// What one side must know, as far as the wire shows it.
#[derive(Default)]
struct Tcb {
    st: Option<TcpState>,
    iss: Option<u32>,
    /// SYNs sent: times, by ISN (a SYN flood on one four-tuple sends
    /// hundreds of thousands of ISNs, and each SYN looks its own up).
    syns: ByIsn,
    /// When it last sent a SYN again, until a SYN-ACK answers that copy.
    resent_syn_at: Option<f64>,
    /// SYN-ACKs sent: resends, by ISN.
    synacks: ByIsn,
    /// SYN-ACKs received and not yet answered (by the handshake ACK, or by
    /// a challenge ACK when the side is synchronized already).
    synacks_in: u32,
    /// When the last of them came.
    synack_in_at: f64,
    /// Highest sequence number sent (end of a segment).
    snd_nxt: Option<u32>,
    /// Highest acknowledgment number sent.
    rcv_nxt: Option<u32>,
    /// The sequence number of its FIN.
    fin_seq: Option<u32>,
    fin_acked: bool,
    /// It has acknowledged the peer's FIN.
    peer_fin_acked: bool,
    /// Position bookkeeping for `sent` (see [`Tcb::pos`]).
    base: Option<u32>,
    last_pos: u64,
    high_pos: u64,
    max_seg: u64,
    sent: BTreeMap<u64, Sent>,
    /// Duplicate ACKs it sent at its current acknowledgment number that
    /// count towards DupThresh: without SACK blocks (RFC 5681 2), or with
    /// blocks that SACK bytes not SACKed before (RFC 6675 2); a D-SACK
    /// alone reports a segment received twice, not one beyond a hole (RFC
    /// 2883 4), and does not count.
    dups: u32,
    /// The peer's bytes it has SACKed above its acknowledgment number:
    /// RFC 6675's scoreboard, as merged ranges (at most [`SACKED_MAX`]).
    sacked: Vec<(u32, u32)>,
    /// Its last ACK SACKed bytes not SACKed before.
    sack_news: bool,
    /// When the peer last sent the most recently sent of the bytes this
    /// side has acknowledged or SACKed (RFC 8985 6.1's RACK.xmit_ts).
    rack_xmit: Option<f64>,
    /// In loss recovery until the peer acknowledges this (its SND.NXT when
    /// recovery began: RFC 6675's RecoveryPoint).
    recover: Option<u32>,
    /// Last window advertised, unscaled, and its scale.
    win: Option<u16>,
    wscale: Option<u8>,
    sack_ok: Option<bool>,
    /// Keepalive probes sent since it last heard from the peer; all probes
    /// sent; probes answered.
    probes: u32,
    probes_total: u32,
    probes_answered: u32,
    /// When it first probed in the current run of unanswered probes.
    probing_since: Option<f64>,
    got_data: bool,
    /// The highest sequence number its pure ACKs carried: their SEQ is its
    /// SND.NXT (RFC 9293 3.4), so every byte below it had been sent.
    ack_seq: Option<u32>,
    /// Its last segment; the peer's last segment.
    last_tx: Option<f64>,
    last_heard: Option<f64>,
    /// What the peer's last unacceptable segments call for, how many
    /// answers, and when the last of them came (an answer is immediate).
    pending: Option<Pending>,
    pending_n: u32,
    pending_at: f64,
    /// First transmission of its oldest unacknowledged data, and the resends
    /// since (for retries and outcomes).
    unacked_since: Option<f64>,
    resends: u32,
    last_resend: Option<(f64, f64)>,
    /// News its application got first: (time, call, result, since, from).
    news: Option<(f64, AppCall, ResultWord, f64, Since)>,
}

impl Tcb {
    /// A position in an unbounded sequence space: `seq` relative to the
    /// side's first sequence number, unwrapped next to the last position.
    fn pos(&mut self, seq: u32) -> u64 {
        let base = *self.base.get_or_insert(seq);
        let off = seq.wrapping_sub(base) as u64;
        let hi = self.last_pos & !0xffff_ffff;
        let mut p = hi | off;
        // Pick the candidate nearest the last position.
        let near = |a: u64, b: u64| a.abs_diff(b);
        if p > self.last_pos && p - self.last_pos > 1 << 31 && p >= 1 << 32 {
            p -= 1 << 32;
        } else if p < self.last_pos && self.last_pos - p > 1 << 31 {
            let q = p + (1 << 32);
            if near(q, self.last_pos) < near(p, self.last_pos) {
                p = q;
            }
        }
        self.last_pos = p;
        p
    }

    /// A new incarnation (a SYN or SYN-ACK with a new ISN): forget the old
    /// one's numbers.
    fn restart(&mut self, isn: u32) {
        let syns = std::mem::take(&mut self.syns);
        let synacks = std::mem::take(&mut self.synacks);
        let news = self.news;
        let last_tx = self.last_tx;
        let last_heard = self.last_heard;
        *self = Tcb {
            syns,
            synacks,
            news,
            last_tx,
            last_heard,
            ..Tcb::default()
        };
        self.iss = Some(isn);
        self.snd_nxt = Some(isn.wrapping_add(1));
        self.base = Some(isn);
    }

    fn synchronized(&self) -> bool {
        !matches!(
            self.st,
            Some(TcpState::SynSent | TcpState::SynReceived | TcpState::Closed | TcpState::Listen)
        )
    }

    /// The receive window in bytes, as far as the options tell.
    fn window(&self) -> u32 {
        let w = self.win.unwrap_or(u16::MAX) as u32;
        (w << self.wscale.unwrap_or(0)).max(1)
    }
}

struct Run<'a> {
    input: &'a Input<'a>,
    t0: i64,
    tcb: [Tcb; 2],
    packets: Vec<Packet>,
    events: Vec<Event>,
    /// Per side, segments from the other side awaiting its ACK: (end, time).
    unacked: [VecDeque<(u32, f64)>; 2],
    rtt: [f64; 2],
    /// Per segment: forged, and the evidence.
    forged: Vec<Option<Forgery>>,
    story: Story,
    attacker_mac: Option<u32>,
    /// A side that stopped resending without giving up by the timer.
    stopped: Option<usize>,
}

/// What shows that a segment came from a third party in a side's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forgery {
    /// Another source MAC address than that side's usual one (ids).
    Mac { seen: u32, usual: u32 },
    /// Another hop count: its TTL and that side's usual TTL, which are
    /// below different initial TTLs by different numbers of hops.
    Hops { seen: u8, usual: u8 },
}

/// What the diagnosis needs to know.
#[derive(Default)]
struct Story {
    fins: [Option<f64>; 2],
    /// The first RST that ended something: (sender, why, time, accepted,
    /// the peer's last sign of life before it, resend count of what it answered).
    rst: Option<(usize, Why, f64, bool, f64, Option<u32>)>,
    /// A forged RST accepted, and the first forged segment's time.
    forged_rst: Option<(usize, f64, Option<Forgery>)>,
    forged_syn: Option<f64>,
    /// A SYN from a side on a synchronized connection (a reconnect).
    syn_on_established: Option<(usize, f64)>,
    /// A handshake completed after it.
    rehandshake: bool,
    /// An MPTCP MP_FASTCLOSE: (sender, time).
    fastclose: Option<(usize, f64)>,
    last_seg: f64,
}

impl Run<'_> {
    fn at(&self, ts: i64) -> f64 {
        us((ts - self.t0) as f64 / 1e9)
    }

    fn side_of(&self, s: &Seg) -> usize {
        if s.from_a == self.input.client_is_a {
            CLIENT
        } else {
            SERVER
        }
    }

    fn ports(&self, x: usize) -> (u16, u16) {
        let (c, s) = (self.input.client.1, self.input.server.1);
        if x == CLIENT {
            (c, s)
        } else {
            (s, c)
        }
    }

    fn state(&mut self, x: usize, to: TcpState, at: f64) {
        let from = self.tcb[x].st.unwrap_or(TcpState::Established);
        if self.tcb[x].st == Some(to) {
            return;
        }
        self.tcb[x].st = Some(to);
        let (lport, rport) = self.ports(x);
        self.events.push(Event {
            at,
            host: name(x).to_string(),
            kind: EventKind::State {
                lport,
                rport,
                from,
                to,
            },
        });
    }

    fn note(&mut self, x: usize, what: KernelNote, packet: Option<usize>, at: f64) {
        let (lport, rport) = self.ports(x);
        self.events.push(Event {
            at,
            host: name(x).to_string(),
            kind: EventKind::Kernel {
                what,
                packet,
                lport,
                rport,
            },
        });
    }

    /// The application on side `x` learns something (kept if it is its first news).
    fn news(&mut self, x: usize, at: f64, call: AppCall, result: ResultWord, fault: f64) {
        let t = &mut self.tcb[x];
        if t.news.is_some() {
            return;
        }
        let (since, from) = match t.unacked_since {
            Some(w) if w <= at => (w, Since::Write),
            _ => (fault.min(at), Since::Fault),
        };
        t.news = Some((at, call, result, since, from));
    }

    fn run(&mut self) {
        let segs = self.input.segs;
        self.estimate_rtt();
        let usual = self.usual();
        // SYNs by identity: a SYN with an ISN its side sent before from its
        // usual MAC address is that SYN again, whatever its TTL.
        let mut isns: [Vec<u32>; 2] = Default::default();
        self.forged = segs
            .iter()
            .map(|s| {
                let x = self.side_of(s);
                let (mac, ttl) = usual[x];
                let other_mac = s.mac != 0 && mac != 0 && s.mac != mac;
                // Only what a blind third party sends: a SYN or a RST. Other
                // segments from another MAC address (a failover, a second
                // path) are the side's own.
                let syn = s.has(SYN) && !s.has(ACK);
                let forgeable = s.has(RST) || syn;
                if syn && isns[x].contains(&s.seq) {
                    return None;
                }
                // A TTL alone is no evidence (a resend may take another
                // path, an OS may change it): the segment must have come
                // another number of hops than its side's usual ones.
                let evidence = if other_mac {
                    Some(Forgery::Mac {
                        seen: s.mac,
                        usual: mac,
                    })
                } else if hops(s.ttl) != hops(ttl) {
                    Some(Forgery::Hops {
                        seen: s.ttl,
                        usual: ttl,
                    })
                } else {
                    None
                };
                let forged = evidence.filter(|_| forgeable);
                if syn && forged.is_none() && isns[x].len() < 64 {
                    isns[x].push(s.seq);
                }
                forged
            })
            .collect();
        // Relative numbers, tcpdump's way, with forged segments counted as
        // their claimed sender's (which is what their IP header says).
        let keys: Vec<WireKey> = segs
            .iter()
            .map(|s| {
                let x = self.side_of(s);
                let (src, dst) = if x == CLIENT {
                    (self.input.client.2, self.input.server.2)
                } else {
                    (self.input.server.2, self.input.client.2)
                };
                let (sport, dport) = self.ports(x);
                WireKey {
                    src_ip: src,
                    sport,
                    dst_ip: dst,
                    dport,
                    syn: s.has(SYN),
                    abs_seq: s.seq,
                    abs_ack: if s.has(ACK) { s.ack } else { 0 },
                }
            })
            .collect();
        let rel = relativize(&keys);
        for (i, s) in segs.iter().enumerate() {
            let (why, resend) = self.segment(i, s);
            let x = self.side_of(s);
            let t = self.at(s.ts);
            let forged = self.forged[i].is_some();
            if forged && self.attacker_mac.is_none() && s.mac != 0 {
                self.attacker_mac = Some(s.mac);
            }
            let mut flags = Vec::new();
            for (bit, f) in [
                (SYN, Flag::Syn),
                (FIN, Flag::Fin),
                (RST, Flag::Rst),
                (0x08, Flag::Psh),
                (ACK, Flag::Ack),
            ] {
                if s.has(bit) {
                    flags.push(f);
                }
            }
            // Forged by MAC or TTL: the attacker sent it, in the victim's name.
            let by_attacker = forged && matches!(why, Why::ForgedSyn | Why::ForgedRst);
            self.packets.push(Packet {
                id: i,
                sent_at: t,
                arrived_at: Some(t),
                lost: None,
                lost_at: None,
                src: if by_attacker { "attacker" } else { name(x) }.to_string(),
                dst: name(1 - x).to_string(),
                spoofed_as: by_attacker.then(|| name(x).to_string()),
                sport: self.ports(x).0,
                dport: self.ports(x).1,
                flags,
                seq: rel[i].0,
                ack: s.has(ACK).then_some(rel[i].1),
                abs_seq: s.seq,
                abs_ack: if s.has(ACK) { s.ack } else { 0 },
                len: s.len,
                resend,
                win: s.win,
                why,
            });
            self.story.last_seg = t;
        }
    }

    /// Classify segment `i` and update both sides' knowledge.
    fn segment(&mut self, i: usize, s: &Seg) -> (Why, Option<u32>) {
        let x = self.side_of(s);
        let y = 1 - x;
        let t = self.at(s.ts);
        let gap = if i > 0 {
            t - self.at(self.input.segs[i - 1].ts)
        } else {
            f64::INFINITY
        };
        if self.forged[i].is_some() {
            return self.forged_segment(i, s, x, t);
        }
        if s.opts & OPT_MP_FASTCLOSE != 0 {
            self.story.fastclose.get_or_insert((x, t));
        }
        if s.len == 0 && s.flags & (SYN | FIN | RST) == 0 {
            let a = &mut self.tcb[x].ack_seq;
            if a.is_none_or(|v| seq_lt(v, s.seq)) {
                *a = Some(s.seq);
            }
        }
        let pending = self.tcb[x]
            .pending
            .filter(|_| self.prompt_after(x, t, self.tcb[x].pending_at));
        // The peer has heard from x: its keepalive probes are answered.
        if self.tcb[y].probes > 0 {
            self.tcb[y].probes_answered += self.tcb[y].probes;
            self.tcb[y].probes = 0;
            self.tcb[y].probing_since = None;
        }
        self.tcb[y].last_heard = Some(t);
        let out = if s.has(RST) {
            self.rst(i, s, x, t)
        } else if s.has(SYN) && !s.has(ACK) {
            self.syn(s, x, t)
        } else if s.has(SYN) {
            self.syn_ack(s, x, t)
        } else {
            self.other(s, x, t, gap, pending)
        };
        self.tcb[x].last_tx = Some(t);
        out
    }
}

pub(crate) fn classify(input: &Input<'_>) -> Output {
    let segs = input.segs;
    let t0 = segs.first().map_or(0, |s| s.ts);
    let mut run = Run {
        input,
        t0,
        tcb: Default::default(),
        packets: Vec::with_capacity(segs.len()),
        events: Vec::new(),
        unacked: Default::default(),
        rtt: [0.0; 2],
        forged: Vec::new(),
        story: Story::default(),
        attacker_mac: None,
        stopped: None,
    };
    // The ISNs each side's SYNs and SYN-ACKs carry, known beforehand.
    let mut isns: [[Vec<u32>; 2]; 2] = Default::default();
    for s in segs.iter().filter(|s| s.has(SYN)) {
        isns[run.side_of(s)][s.has(ACK) as usize].push(s.seq);
    }
    for (t, [syn, synack]) in run.tcb.iter_mut().zip(isns) {
        t.syns = ByIsn::new(syn);
        t.synacks = ByIsn::new(synack);
    }
    run.run();
    let capture_end = us((input.capture_end.max(t0) - t0) as f64 / 1e9);
    let gave_up = run.retries(capture_end);
    let facts = facts(&run, capture_end);
    let ending = ending(&run, gave_up, capture_end);
    let mut outcome: Vec<Outcome> = (0..2)
        .filter_map(|x| {
            let (at, call, result, since, from) = run.tcb[x].news?;
            Some(Outcome {
                host: name(x).to_string(),
                call,
                result: AppResult::Word(result),
                at,
                after: us(at - since),
                from,
            })
        })
        .collect();
    outcome.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut events = run.events;
    events.sort_by(|a, b| a.at.total_cmp(&b.at));
    let last = run.packets.last().map_or(0.0, |p| p.sent_at);
    let open = matches!(
        ending,
        Ending::Open { .. }
            | Ending::Unanswered { .. }
            | Ending::KeepaliveUnanswered { .. }
            | Ending::HalfClosed { .. }
            | Ending::RetriesExhausted { .. }
            | Ending::SynUnanswered { .. }
            | Ending::HandshakeIncomplete { .. }
    );
    let end_at = events
        .iter()
        .map(|e| e.at)
        .fold(last, f64::max)
        .max(if open { capture_end } else { 0.0 });
    let mut hosts = vec![
        HostInfo {
            name: "client".into(),
            ip: input.client.0.clone(),
        },
        HostInfo {
            name: "server".into(),
            ip: input.server.0.clone(),
        },
    ];
    if run.packets.iter().any(|p| p.src == "attacker") {
        let ip = run
            .attacker_mac
            .and_then(|m| (input.mac_text)(m))
            .unwrap_or_else(|| "?".to_string());
        hosts.push(HostInfo {
            name: "attacker".into(),
            ip,
        });
    }
    let trace = Trace {
        scenario: "capture".into(),
        origin: Origin::Capture,
        params: Default::default(),
        hosts,
        packets: run.packets,
        events,
        end_at,
        stop: StopReason::Quiet,
        outcome,
    };
    Output {
        trace,
        ending,
        facts,
    }
}

/// What the capture shows, before any reading.
fn facts(run: &Run<'_>, capture_end: f64) -> Facts {
    let mut f = Facts {
        end: capture_end,
        clock_back: run.input.clock_back,
        capture_clock_back: run.input.capture_clock_back,
        ..Facts::default()
    };
    let mut prev: Option<f64> = None;
    for (s, p) in run.input.segs.iter().zip(&run.packets) {
        let x = run.side_of(s);
        let t = p.sent_at;
        let e = &mut f.sent[x];
        if e.0 == 0 {
            e.1 = t;
        }
        e.0 += 1;
        e.2 = t;
        if s.has(FIN) && run.forged[p.id].is_none() {
            f.fin[x].get_or_insert(t);
        }
        if s.has(RST) && p.src != "attacker" {
            f.rst[x].get_or_insert(t);
        }
        if let Some(q) = prev {
            let gap = t - q;
            if gap > CLOCK_JUMP && f.jump.is_none_or(|(_, g)| gap > g) {
                f.jump = Some((t, us(gap)));
            }
        }
        prev = Some(t);
    }
    f
}

/// When `x` sent data after the other side's last data, before `at`: an
/// answer at the application level, so the other side's data had been
/// read. None when the other side sent no data, or sent the last of it.
fn answered_at(run: &Run<'_>, x: usize, at: f64) -> Option<f64> {
    let x_name = name(x);
    let mut last = [None::<f64>; 2];
    // New data only: a resend or a probe answers nothing.
    let new_data = |p: &&Packet| {
        p.len > 0
            && p.sent_at <= at
            && p.resend.is_none()
            && !matches!(p.why, Why::KeepaliveProbe | Why::ZeroWindowProbe)
    };
    for p in run.packets.iter().filter(new_data) {
        let k = usize::from(p.src != x_name);
        last[k] = Some(p.sent_at);
    }
    match last {
        [Some(mine), Some(theirs)] if mine > theirs => Some(mine),
        _ => None,
    }
}

/// How the connection ended, from what the run saw.
fn ending(run: &Run<'_>, gave_up: Option<(usize, f64)>, capture_end: f64) -> Ending {
    let st = &run.story;
    if let Some((x, at, how)) = st.forged_rst {
        let mac = |m: u32| (run.input.mac_text)(m).unwrap_or_else(|| "?".to_string());
        let evidence = match how {
            Some(Forgery::Mac { seen, usual }) => Evidence::Mac {
                seen: mac(seen),
                usual: mac(usual),
            },
            Some(Forgery::Hops { seen, usual }) => Evidence::Hops { seen, usual },
            None => Evidence::Sequence,
        };
        return Ending::ThirdParty {
            victim: side(x),
            at,
            syn_at: st.forged_syn,
            evidence,
        };
    }
    if let Some((x, why, at, _accepted, quiet, resend)) = st.rst {
        let by = side(x);
        match why {
            Why::RstKeepaliveTimeout => {
                let t = &run.tcb[x];
                return Ending::KeepaliveGaveUp {
                    by,
                    probes: t.probes_total,
                    silent_since: t.last_heard.unwrap_or(0.0),
                    at,
                };
            }
            Why::RstBadAck => {
                let syn_at = st.syn_on_established.map_or(at, |s| s.1);
                return Ending::Reconnected {
                    by,
                    syn_at,
                    at,
                    new_handshake: st.rehandshake,
                };
            }
            Why::RstNoSocket => {
                let refused = run
                    .packets
                    .iter()
                    .all(|p| !matches!(p.why, Why::SynAck | Why::HandshakeAck));
                if refused {
                    return Ending::Refused { at };
                }
                // A reboot leaves silence, then a RST answering the old
                // connection, and nothing against it: no FIN from that side
                // before, no other connection of its address running on
                // across the silence.
                let fin_at = st.fins[x].filter(|&f| f <= at);
                let ns = |secs: f64| run.t0 + (secs * 1e9) as i64;
                let addr = if x == CLIENT {
                    run.input.client.2
                } else {
                    run.input.server.2
                };
                let others = (run.input.others_across)(addr, ns(quiet), ns(at));
                let against = if let Some(fin) = fin_at {
                    Some(NotReboot::OwnFin(fin))
                } else if others > 0 {
                    Some(NotReboot::Others(others))
                } else if at - quiet < MIN_REBOOT_S {
                    Some(NotReboot::TooSoon)
                } else {
                    None
                };
                if let Some(against) = against {
                    return Ending::SocketGone {
                        by,
                        silent_since: quiet,
                        at,
                        against,
                        answered_resend: resend,
                    };
                }
                return Ending::PeerRebooted {
                    by,
                    silent_since: quiet,
                    at,
                    answered_resend: resend,
                };
            }
            Why::RstDataAfterClose => {
                return Ending::ResetAfterClose {
                    by,
                    fin_at: st.fins[x].unwrap_or(at),
                    at,
                }
            }
            Why::RstUnreadData => {
                if let Some((_, asked_at)) = st.fastclose.filter(|f| f.0 != x && f.1 <= at) {
                    return Ending::MptcpFastClose { by, asked_at, at };
                }
                match st.fins[x] {
                    Some(fin_at) if fin_at <= at => {
                        return Ending::ResetAfterFin { by, fin_at, at }
                    }
                    // Its FIN later in the capture (a clock that runs
                    // backwards, or a crafted capture): not "RST instead of
                    // FIN", only a RST.
                    Some(_) => return Ending::Reset { by, at },
                    None => {}
                }
                return Ending::ResetUnreadData {
                    by,
                    at,
                    answered_at: answered_at(run, x, at),
                };
            }
            _ => return Ending::Reset { by, at },
        }
    }
    match st.fins {
        [Some(a), Some(b)] => {
            let (first, at, second_at) = if a <= b {
                (Side::Client, a, b)
            } else {
                (Side::Server, b, a)
            };
            return Ending::Closed {
                first,
                at,
                second_at,
            };
        }
        [Some(a), None] => {
            return Ending::HalfClosed {
                by: Side::Client,
                at: a,
            }
        }
        [None, Some(b)] => {
            return Ending::HalfClosed {
                by: Side::Server,
                at: b,
            }
        }
        _ => {}
    }
    for x in [SERVER, CLIENT] {
        let t = &run.tcb[x];
        if t.probes > 0 {
            return Ending::KeepaliveUnanswered {
                by: side(x),
                probes: t.probes,
                silent_since: t.last_heard.unwrap_or(0.0),
            };
        }
    }
    if let Some((x, at)) = gave_up {
        let t = &run.tcb[x];
        return Ending::RetriesExhausted {
            by: side(x),
            resends: t.resends,
            first: t.unacked_since.unwrap_or(0.0),
            at,
        };
    }
    for x in [SERVER, CLIENT] {
        let t = &run.tcb[x];
        if let (Some(first), Some((last, _))) = (t.unacked_since, t.last_resend) {
            if t.resends > 0 && !t.last_heard.is_some_and(|h| h > first) {
                return Ending::Unanswered {
                    by: side(x),
                    resends: t.resends,
                    first,
                    last,
                    stopped: run.stopped == Some(x),
                };
            }
        }
    }
    let synacked = run.packets.iter().any(|p| p.why == Why::SynAck);
    let syns: Vec<f64> = run
        .packets
        .iter()
        .filter(|p| matches!(p.why, Why::Connect | Why::SynRetransmit))
        .map(|p| p.sent_at)
        .collect();
    if !synacked && !syns.is_empty() {
        return Ending::SynUnanswered {
            sends: syns.len() as u32,
            first: syns[0],
            last: *syns.last().unwrap_or(&syns[0]),
        };
    }
    let established = run.packets.iter().any(|p| p.why == Why::HandshakeAck);
    if synacked && !established {
        let count = |w: &[Why]| run.packets.iter().filter(|p| w.contains(&p.why)).count() as u32;
        return Ending::HandshakeIncomplete {
            syns: count(&[Why::Connect, Why::SynRetransmit]),
            synacks: count(&[Why::SynAck]),
            last: st.last_seg,
        };
    }
    let answered = run.tcb[0].probes_answered + run.tcb[1].probes_answered;
    Ending::Open {
        idle_since: st.last_seg,
        until: capture_end,
        keepalive_answered: answered,
    }
}

#[cfg(test)]
mod tests;
