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
//!   MAC address or TTL than that side's usual ones (the most frequent) is
//!   forged: `forged_syn`, `forged_rst`, sent by `attacker`.
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
//!   (`resend` counts). A SYN on a synchronized connection calls for a
//!   challenge ACK. SYN-ACK: `syn_ack` (`resend` when repeated).
//! - The first ACK of the peer's SYN-ACK: `handshake_ack`.
//! - A zero-length (or one-byte) ACK with SEQ = the peer's RCV.NXT − 1,
//!   nothing outstanding, after at least half a second of silence:
//!   `keepalive_probe`; the same while the peer advertises a zero window is
//!   a `zero_window_probe` (Linux's persist timer sends the same segment).
//! - Bytes (or a FIN) below the highest sequence number the side has sent:
//!   a retransmission, `resend` = how often those bytes were sent before.
//!   The first resend of the side's last bytes is a `tail_loss_probe`
//!   unless SACK was refused in the handshake: Linux (and Windows, with
//!   RACK-TLP) probe the tail before the RTO fires whenever SACK is on. The
//!   wait cannot tell them apart: the probe comes after 2 × SRTT (plus the
//!   RTO floor with one segment out) or after 1 s without an RTT sample,
//!   capped at the RTO, and the RTO after it may be the same wait or twice
//!   it. Every other resend is `retransmit`.
//! - New bytes: `fin` when the segment carries a FIN, else `data`.
//! - A pure ACK that acknowledges nothing new, answering the peer's last
//!   segment: `challenge_ack` after a SYN on a synchronized connection or a
//!   RST in the window but not at RCV.NXT; `timewait_ack` for a FIN resent
//!   to a side in TIME_WAIT; `dup_ack` after any other unacceptable segment
//!   (a keepalive probe, bytes already acknowledged, bytes beyond a hole).
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

use crate::decode::{NO_WSCALE, OPT_ANY, OPT_SACK_OK};
use crate::diagnose::Ending;
use crate::table::{seq_lt, Seg, ACK, FIN, RST, SYN};
use crate::Side;

/// What the classifier needs besides the segments.
pub(crate) struct Input<'a> {
    /// One connection's segments, in time order.
    pub segs: &'a [Seg],
    /// Whether the table's endpoint `a` is the client.
    pub client_is_a: bool,
    /// Address text, port and address id of each side.
    pub client: (String, u16, u32),
    pub server: (String, u16, u32),
    /// The capture's last instant (ns since the epoch).
    pub capture_end: i64,
    /// A MAC address's text by its id.
    pub mac_text: &'a dyn Fn(u32) -> Option<String>,
}

pub(crate) struct Output {
    pub trace: Trace,
    pub ending: Ending,
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
}

/// What one side must know, as far as the wire shows it.
#[derive(Default)]
struct Tcb {
    st: Option<TcpState>,
    iss: Option<u32>,
    /// SYNs sent: (ISN, times).
    syns: Vec<(u32, u32)>,
    /// When it last sent a SYN again, until a SYN-ACK answers that copy.
    resent_syn_at: Option<f64>,
    /// SYN-ACKs sent: (ISN, when first, resends by the timer).
    synacks: Vec<(u32, f64, u32)>,
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
    forged: Vec<bool>,
    story: Story,
    attacker_mac: Option<u32>,
}

/// What the diagnosis needs to know.
#[derive(Default)]
struct Story {
    fins: [Option<f64>; 2],
    /// The first RST that ended something: (sender, why, time, accepted,
    /// the peer's last sign of life before it, resend count of what it answered).
    rst: Option<(usize, Why, f64, bool, f64, Option<u32>)>,
    /// A forged RST accepted, and the first forged segment's time.
    forged_rst: Option<(usize, f64)>,
    forged_syn: Option<f64>,
    /// A SYN from a side on a synchronized connection (a reconnect).
    syn_on_established: Option<(usize, f64)>,
    /// A handshake completed after it.
    rehandshake: bool,
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

    /// Smallest gap between a segment needing an answer and the other side's
    /// first ACK of it: that side's round trip from the capture point.
    /// Karn's rule (RFC 6298 3): a segment sent more than once gives no
    /// sample, since the ACK may answer any of its copies; only when a side
    /// has no other sample do those stand in, each timed from its latest
    /// copy, the largest of them (an ACK sent at the very moment of the
    /// latest copy answered an earlier one).
    fn estimate_rtt(&mut self) {
        let mut best = [f64::INFINITY; 2];
        let mut fallback = [f64::NEG_INFINITY; 2];
        // (end, sent at, sent more than once), per direction of waiting.
        let mut waiting: [VecDeque<(u32, f64, bool)>; 2] = Default::default();
        let mut high: [Option<u32>; 2] = [None, None];
        for s in self.input.segs {
            let x = self.side_of(s);
            let t = self.at(s.ts);
            if s.has(RST) {
                continue;
            }
            if s.has(ACK) {
                let mut answered = None;
                while let Some(&(end, t1, again)) = waiting[x].front() {
                    if seq_lt(s.ack, end) {
                        break;
                    }
                    answered = Some((t1, again));
                    waiting[x].pop_front();
                }
                match answered {
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
                    for e in q.iter_mut().filter(|e| !seq_lt(e.0, end)) {
                        e.1 = t;
                        e.2 = true;
                    }
                    continue;
                }
                *h = Some(end);
                if q.len() > 4096 {
                    q.pop_front();
                }
                q.push_back((end, t, false));
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

    /// The usual source MAC and TTL of each side: the most frequent, ties
    /// going to the one seen first.
    fn usual(&self) -> [(u32, u8); 2] {
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

    fn run(&mut self) {
        let segs = self.input.segs;
        self.estimate_rtt();
        let usual = self.usual();
        self.forged = segs
            .iter()
            .map(|s| {
                let (mac, ttl) = usual[self.side_of(s)];
                let other_mac = s.mac != 0 && mac != 0 && s.mac != mac;
                // Only what a blind third party sends: a SYN or a RST. Other
                // segments from another MAC address (a failover, a second
                // path) are the side's own.
                let forgeable = s.has(RST) || (s.has(SYN) && !s.has(ACK));
                forgeable && (other_mac || s.ttl != ttl)
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
            let forged = self.forged[i];
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
        if self.forged[i] {
            return self.forged_segment(i, s, x, t);
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

    fn forged_segment(&mut self, i: usize, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
        let y = 1 - x;
        if s.has(RST) {
            if self.rst_lands(i, s, x, t, true) && self.story.forged_rst.is_none() {
                self.story.forged_rst = Some((x, t));
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
    fn rst_lands(&mut self, i: usize, s: &Seg, x: usize, t: f64, forged: bool) -> bool {
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

    fn rst(&mut self, i: usize, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
        let y = 1 - x;
        let segs = self.input.segs;
        // The peer's last segment, if x has sent nothing since: what this
        // RST may be answering.
        let last_x = self.tcb[x].last_tx.unwrap_or(f64::NEG_INFINITY);
        // (A bounded look back: a flood of RSTs must not cost n².)
        let prev = (0..i)
            .rev()
            .take(256)
            .find(|&j| self.side_of(&segs[j]) == y && !self.forged[j])
            .filter(|&j| self.at(segs[j].ts) >= last_x);
        let reply_to = prev.filter(|&j| {
            let p = &segs[j];
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

    fn syn(&mut self, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
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

    fn syn_ack(&mut self, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
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

    /// Segments without SYN or RST.
    fn other(
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
                Some(Pending::Dup) => Why::DupAck,
                _ if ack_new => match covered {
                    Some(t1) if self.late(x, t - t1) => Why::DelayedAck,
                    _ => Why::Ack,
                },
                _ => Why::Ack,
            }
        };
        if s.len > 0 {
            self.tcb[y].got_data = true;
        }
        (why, None)
    }

    /// Whether a segment from `x` at `t` can be an immediate answer to the
    /// last SYN-ACK it received (one that was lost on the way after the
    /// capture point calls for nothing).
    fn prompt(&self, x: usize, t: f64) -> bool {
        self.prompt_after(x, t, self.tcb[x].synack_in_at)
    }

    /// Whether a segment from `x` at `t` can be an immediate answer to one
    /// that reached it at `at`: within one and a half of its round trips
    /// from the capture point, and 10 ms.
    fn prompt_after(&self, x: usize, t: f64, at: f64) -> bool {
        // (A microsecond more: capture times are floats.)
        t - at <= 1.5 * self.rtt[x] + 0.01 + 1e-6
    }

    /// A segment from `x`'s peer calls for an immediate answer from `x`.
    fn call_for(&mut self, x: usize, what: Pending, at: f64) {
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
    fn answered(&mut self, x: usize) {
        let tx = &mut self.tcb[x];
        tx.pending_n = tx.pending_n.saturating_sub(1);
        if tx.pending_n == 0 {
            tx.pending = None;
        }
    }

    /// An ACK that left `delay` after the segment it covers came: later than
    /// an immediate one by at least a millisecond and a quarter of a round trip?
    fn late(&self, x: usize, delay: f64) -> bool {
        let rtt = self.rtt[x];
        delay - rtt >= 0.001_f64.max(rtt / 4.0)
    }

    /// Pop the peer's segments this ACK covers; the time of the last one.
    fn take_acked(&mut self, x: usize, ack: u32) -> Option<f64> {
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
    fn acked(&mut self, x: usize, s: &Seg, t: f64) {
        let y = 1 - x;
        if self.tcb[x].rcv_nxt.is_none_or(|r| seq_lt(r, s.ack)) {
            self.tcb[x].rcv_nxt = Some(s.ack);
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

    /// A keepalive or zero-window probe, if this is one.
    fn probe(&mut self, s: &Seg, x: usize, t: f64, gap: f64) -> Option<Why> {
        let y = 1 - x;
        if s.has(FIN) || !s.has(ACK) || s.len > 1 {
            return None;
        }
        let una = self.tcb[y].rcv_nxt?;
        if s.seq != una.wrapping_sub(1) || self.tcb[x].snd_nxt.is_some_and(|n| n != una) {
            return None;
        }
        self.call_for(y, Pending::Dup, t);
        if self.tcb[y].win == Some(0) {
            return Some(Why::ZeroWindowProbe);
        }
        if gap < 0.5 {
            // A probe too soon after traffic to be keepalive's.
            return Some(Why::Captured);
        }
        let tx = &mut self.tcb[x];
        tx.probes += 1;
        tx.probes_total += 1;
        tx.probing_since.get_or_insert(t);
        Some(Why::KeepaliveProbe)
    }

    /// A segment carrying bytes or a FIN (no SYN, no RST).
    fn bytes(&mut self, s: &Seg, x: usize, t: f64) -> (Why, Option<u32>) {
        let y = 1 - x;
        let space = s.space() as u64;
        let tx = &mut self.tcb[x];
        if tx.base.is_none() {
            tx.base = Some(s.seq);
        }
        let pos = tx.pos(s.seq);
        let end = pos + space;
        tx.max_seg = tx.max_seg.max(space);
        let resent = pos < tx.high_pos || (tx.high_pos == 0 && tx.sent.contains_key(&pos));
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
        let why = if resent && before > 0 {
            let tail = end >= tx.high_pos;
            let sack = tx.sack_ok != Some(false) && self.tcb[y].sack_ok != Some(false);
            let tx = &mut self.tcb[x];
            tx.resends += 1;
            let wait = t - last_sent;
            tx.last_resend = Some((t, wait));
            // The first resend of the last bytes sent: Linux's tail loss
            // probe, which comes before the RTO whenever SACK is on.
            if before == 1 && tail && sack {
                Why::TailLossProbe
            } else {
                Why::Retransmit
            }
        } else if s.has(FIN) {
            Why::Fin
        } else {
            Why::Data
        };
        let tx = &mut self.tcb[x];
        let rec = tx.sent.entry(pos).or_insert(Sent {
            end,
            count: 0,
            last: t,
        });
        rec.end = rec.end.max(end);
        rec.count = rec.count.max(before) + 1;
        rec.last = t;
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
        let resend = matches!(why, Why::Retransmit | Why::TailLossProbe).then_some(before);
        (why, resend)
    }

    /// A first FIN from `x`.
    fn fin(&mut self, x: usize, s: &Seg, t: f64) {
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

    /// After the last segment: a retransmission timer that must have run out
    /// while the capture went on.
    fn retries(&mut self, capture_end: f64) -> Option<(usize, f64)> {
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
    };
    run.run();
    let capture_end = us((input.capture_end.max(t0) - t0) as f64 / 1e9);
    let gave_up = run.retries(capture_end);
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
    Output { trace, ending }
}

/// How the connection ended, from what the run saw.
fn ending(run: &Run<'_>, gave_up: Option<(usize, f64)>, capture_end: f64) -> Ending {
    let st = &run.story;
    if let Some((x, at)) = st.forged_rst {
        return Ending::ThirdParty {
            victim: side(x),
            at,
            syn_at: st.forged_syn,
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
            Why::RstUnreadData => return Ending::ResetUnreadData { by, at },
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
mod tests {
    //! Rules that the recordings and captures do not exercise, on segments
    //! written out by hand. `c` and `s` build a segment from the client or
    //! the server: time in ms, flags, absolute seq and ack, length.

    use super::*;
    use crate::decode::OPT_ANY;

    const CISN: u32 = 1000;
    const SISN: u32 = 5000;

    fn seg(from_a: bool, ms: f64, flags: u8, seq: u32, ack: u32, len: u32) -> Seg {
        Seg {
            ts: (ms * 1e6) as i64,
            seq,
            ack,
            len,
            conn: 0,
            mac: if from_a { 1 } else { 2 },
            win: 65535,
            ip_id: 0,
            iface: 0,
            flags,
            ttl: 64,
            from_a,
            opts: if flags & SYN != 0 {
                OPT_ANY | OPT_SACK_OK
            } else {
                0
            },
            wscale: NO_WSCALE,
        }
    }
    fn c(ms: f64, flags: u8, seq: u32, ack: u32, len: u32) -> Seg {
        seg(true, ms, flags, seq, ack, len)
    }
    fn s(ms: f64, flags: u8, seq: u32, ack: u32, len: u32) -> Seg {
        seg(false, ms, flags, seq, ack, len)
    }

    /// The handshake at 0, 1, 2 ms.
    fn handshake() -> Vec<Seg> {
        vec![
            c(0.0, SYN, CISN, 0, 0),
            s(1.0, SYN | ACK, SISN, CISN + 1, 0),
            c(2.0, ACK, CISN + 1, SISN + 1, 0),
        ]
    }

    fn run(segs: &[Seg]) -> Output {
        let end = segs.last().map_or(0, |s| s.ts);
        classify(&Input {
            segs,
            client_is_a: true,
            client: ("10.0.0.1".into(), 40000, 0),
            server: ("10.0.0.2".into(), 8080, 1),
            capture_end: end,
            mac_text: &|_| Some("02:00:00:00:00:03".into()),
        })
    }

    fn whys(o: &Output) -> Vec<Why> {
        o.trace.packets.iter().map(|p| p.why).collect()
    }

    #[test]
    fn a_data_ack_40_ms_late_is_delayed_and_an_immediate_one_is_not() {
        let mut v = handshake();
        v.push(c(100.0, PSH_ACK, CISN + 1, SISN + 1, 10));
        v.push(s(100.2, ACK, SISN + 1, CISN + 11, 0));
        v.push(c(200.0, PSH_ACK, CISN + 11, SISN + 1, 10));
        v.push(s(240.0, ACK, SISN + 1, CISN + 21, 0));
        let w = whys(&run(&v));
        assert_eq!(&w[3..], [Why::Data, Why::Ack, Why::Data, Why::DelayedAck]);
    }

    #[test]
    fn data_past_a_hole_draws_an_immediate_ack() {
        let mut v = handshake();
        v.push(c(100.0, PSH_ACK, CISN + 1, SISN + 1, 10));
        // 1 + 10 .. 21 was lost before the capture point; 21 .. 31 arrives.
        v.push(c(100.1, PSH_ACK, CISN + 21, SISN + 1, 10));
        v.push(s(100.3, ACK, SISN + 1, CISN + 11, 0));
        v.push(s(100.4, ACK, SISN + 1, CISN + 11, 0));
        let w = whys(&run(&v));
        // In the window, so not refused (tcp_sequence): tcp_data_queue
        // queues it out of order and ACKs at once, as the simulator does.
        assert_eq!(&w[3..], [Why::Data, Why::Data, Why::Ack, Why::Ack]);
    }

    #[test]
    fn a_segment_wholly_before_rcv_nxt_draws_a_duplicate_ack() {
        let mut v = handshake();
        v.push(c(100.0, PSH_ACK, CISN + 1, SISN + 1, 10));
        v.push(s(100.2, ACK, SISN + 1, CISN + 11, 0));
        // Bytes 1..6 again: they end before RCV.NXT (tcp_send_dupack).
        v.push(c(101.0, PSH_ACK, CISN + 1, SISN + 1, 5));
        v.push(s(101.01, ACK, SISN + 1, CISN + 11, 0));
        let w = whys(&run(&v));
        assert_eq!(w[6], Why::DupAck);
    }

    #[test]
    fn a_probe_while_the_peer_offers_no_window_is_a_zero_window_probe() {
        let mut v = handshake();
        let mut full = s(100.0, ACK, SISN + 1, CISN + 1, 0);
        full.win = 0;
        v.push(full);
        v.push(c(300.0, ACK, CISN, SISN + 1, 0));
        let mut still = s(300.1, ACK, SISN + 1, CISN + 1, 0);
        still.win = 0;
        v.push(still);
        let w = whys(&run(&v));
        assert_eq!(&w[3..], [Why::Ack, Why::ZeroWindowProbe, Why::DupAck]);
    }

    #[test]
    fn a_rst_in_the_window_but_not_at_rcv_nxt_is_forged_and_challenged() {
        let mut v = handshake();
        v.push(c(1000.0, RST, CISN + 5000, 0, 0));
        v.push(s(1000.1, ACK, SISN + 1, CISN + 1, 0));
        let o = run(&v);
        assert_eq!(&whys(&o)[3..], [Why::ForgedRst, Why::ChallengeAck]);
        assert!(o.trace.events.iter().any(|e| matches!(
            e.kind,
            EventKind::Kernel {
                what: KernelNote::RstInexact,
                ..
            }
        ) && e.host == "server"));
        // Not accepted: nobody learned anything, the connection is open.
        assert!(o.trace.outcome.is_empty());
        assert_eq!(o.ending.kind(), "open");
    }

    #[test]
    fn a_rst_with_another_ttl_comes_from_a_third_party() {
        let mut v = handshake();
        let mut r = c(1000.0, RST, CISN + 1, 0, 0);
        r.mac = 0;
        r.ttl = 51;
        v.push(r);
        let o = run(&v);
        let p = &o.trace.packets[3];
        assert_eq!((p.why, p.src.as_str()), (Why::ForgedRst, "attacker"));
        assert_eq!(p.spoofed_as.as_deref(), Some("client"));
        assert_eq!(o.ending.kind(), "third_party_reset");
        let names: Vec<&str> = o.trace.hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["client", "server", "attacker"]);
        assert_eq!(o.trace.outcome[0].result.as_string(), "ECONNRESET");
    }

    #[test]
    fn a_fin_resent_to_time_wait_is_acked_again() {
        let mut v = handshake();
        v.push(c(100.0, FIN | ACK, CISN + 1, SISN + 1, 0));
        v.push(s(100.1, FIN | ACK, SISN + 1, CISN + 2, 0));
        v.push(c(100.2, ACK, CISN + 2, SISN + 2, 0));
        // The last ACK was lost after the capture point: the server resends
        // its FIN (an RTO: SACK refused, so no loss probe), the client's
        // TIME_WAIT answers.
        v.push(s(400.1, FIN | ACK, SISN + 1, CISN + 2, 0));
        v.push(c(400.2, ACK, CISN + 2, SISN + 2, 0));
        v[1].opts = OPT_ANY;
        let o = run(&v);
        assert_eq!(
            &whys(&o)[3..],
            [
                Why::Fin,
                Why::Fin,
                Why::Ack,
                Why::Retransmit,
                Why::TimewaitAck
            ]
        );
        assert_eq!(o.trace.packets[6].resend, Some(1));
        assert_eq!(o.ending.kind(), "closed");
    }

    #[test]
    fn states_follow_the_fins() {
        let mut v = handshake();
        v.push(c(100.0, FIN | ACK, CISN + 1, SISN + 1, 0));
        v.push(s(150.0, ACK, SISN + 1, CISN + 2, 0));
        v.push(s(300.0, FIN | ACK, SISN + 1, CISN + 2, 0));
        v.push(c(300.1, ACK, CISN + 2, SISN + 2, 0));
        let o = run(&v);
        let states: Vec<(String, TcpState)> = o
            .trace
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::State { to, .. } => Some((e.host.clone(), to)),
                _ => None,
            })
            .collect();
        use TcpState::*;
        let want = [
            ("client", SynSent),
            ("server", SynReceived),
            ("client", Established),
            ("server", Established),
            ("client", FinWait1),
            ("server", CloseWait),
            ("client", FinWait2),
            ("server", LastAck),
            ("client", TimeWait),
            ("server", Closed),
        ];
        let want: Vec<(String, TcpState)> = want.iter().map(|(h, s)| (h.to_string(), *s)).collect();
        assert_eq!(states, want);
        assert_eq!(o.trace.outcome.len(), 1);
        assert_eq!(o.trace.outcome[0].host, "server");
        assert_eq!(o.trace.outcome[0].result.as_string(), "EOF");
    }

    const PSH_ACK: u8 = 0x08 | ACK;
}
