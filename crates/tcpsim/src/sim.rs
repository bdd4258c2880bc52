//! The simulated world: hosts with kernels, a link, an event queue, and the
//! TCP input/output/timer paths with Linux's choices.
//!
//! Time advances by jumping from one queued event to the next, so the cost
//! of a run grows with the number of events, never with the span of virtual
//! time. Everything is deterministic: ISNs and loss come from a seeded PRNG.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use crate::tcb::*;
use crate::time::{round_up_to_jiffies, secs, Instant, JIFFY};
use crate::trace::*;

/// Index of a host in the world.
pub type HostId = usize;

/// A segment as it travels on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg {
    pub src_ip: u32,
    pub dst_ip: u32,
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub len: u32,
}

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;
const WINDOW: u16 = 64240;

impl Seg {
    fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }
    /// SEG.LEN counting SYN and FIN (RFC 9293 3.4).
    fn seg_len(&self) -> u32 {
        self.len + self.has(SYN) as u32 + self.has(FIN) as u32
    }
    fn end_seq(&self) -> u32 {
        self.seq.wrapping_add(self.seg_len())
    }
}

/// What a process does with a connected socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppPolicy {
    /// Sits blocked in recv() (false: never reads; data piles up unread).
    pub reads: bool,
    /// What to do on EOF.
    pub on_eof: OnEof,
    /// Socket options set right after connect()/accept().
    pub opts: SockOpts,
}

/// What a process does when recv() returns EOF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnEof {
    /// close() at once.
    Close,
    /// close() after the given number of microseconds (an application that
    /// does some clean-up first).
    CloseAfter(u64),
    /// Ignore EOF and write `bytes` twice, one second apart, then close.
    WriteTwice(u32),
}

impl Default for AppPolicy {
    fn default() -> Self {
        AppPolicy {
            reads: true,
            on_eof: OnEof::Close,
            opts: SockOpts::default(),
        }
    }
}

/// A socket slot: the TCB plus its process side and timers.
#[derive(Clone, Debug)]
struct Sock {
    tcb: Tcb,
    app: Option<AppPolicy>,
    /// A recv() the process is blocked in, since when.
    blocked_recv: Option<Instant>,
    /// Timer deadlines (None = not armed); generation numbers make stale
    /// queue entries harmless.
    xmit: Option<(Instant, XmitTimer)>,
    keepalive: Option<Instant>,
    delack: Option<Instant>,
    timewait: Option<Instant>,
    /// The generation of each timer kind's current arming (unique in the
    /// world), so a stale queue entry, even for a reused slot, never fires.
    gens: [u64; 4],
    /// A SYN_RECEIVED child waiting for the third ACK: which listener port.
    from_listener: bool,
}

#[derive(Clone, Debug)]
struct Listener {
    port: u16,
    app: AppPolicy,
    /// Whether the process owning it is alive.
    open: bool,
}

/// A host: a kernel (sockets, listeners, sysctls) and whether it is up.
#[derive(Clone, Debug)]
pub struct Host {
    pub name: &'static str,
    pub ip: u32,
    pub up: bool,
    pub sysctl: Sysctls,
    socks: Vec<Option<Sock>>,
    /// Four-tuple (local port, remote address, remote port) to socket slot:
    /// the kernel's established hash (Linux `__inet_lookup_established`), so
    /// a lookup costs the same with one connection or ten thousand.
    index: BTreeMap<(u16, u32, u16), usize>,
    /// Empty slots in `socks`.
    free: Vec<usize>,
    listeners: Vec<Listener>,
    /// Incremented on crash and reboot: timers of an old life are void.
    epoch: u32,
    isn_state: u64,
    ip_id: u16,
}

/// A queued happening.
#[derive(Clone, Debug)]
enum Ev {
    Arrive {
        host: HostId,
        seg: Seg,
        pkt: usize,
    },
    Timer {
        host: HostId,
        epoch: u32,
        sock: usize,
        gen: u64,
        kind: TimerKind,
    },
    Action(Action),
}

/// Scripted steps of a scenario.
#[derive(Clone, Debug)]
pub enum Action {
    Listen {
        host: HostId,
        port: u16,
        app: AppPolicy,
    },
    Connect {
        host: HostId,
        sport: u16,
        dst: HostId,
        dport: u16,
        app: AppPolicy,
    },
    /// The process writes on the connection (lport, rport) of `host`.
    Send {
        host: HostId,
        lport: u16,
        rport: u16,
        bytes: u32,
    },
    /// The process closes the connection.
    Close {
        host: HostId,
        lport: u16,
        rport: u16,
    },
    ProcessKill {
        host: HostId,
    },
    HostCrash {
        host: HostId,
    },
    RebootDone {
        host: HostId,
    },
    /// `from` puts an arbitrary segment on the wire, claiming to be `spoof`.
    Inject {
        from: HostId,
        spoof: Option<HostId>,
        seg: Seg,
        why: Why,
    },
    /// A third party forges a SYN with `victim`'s four-tuple towards `dst`
    /// and, when it sees the challenge ACK go back, a RST with its numbers.
    ForgeSyn {
        attacker: HostId,
        victim: HostId,
        sport: u16,
        dst: HostId,
        dport: u16,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Queued {
    at: Instant,
    order: u64,
}

impl Ord for Queued {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.at, self.order).cmp(&(o.at, o.order))
    }
}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

/// A third party's plan in progress.
#[derive(Clone, Debug)]
struct Attack {
    attacker: HostId,
    victim_ip: u32,
    sport: u16,
    dst_ip: u32,
    dport: u16,
    armed: bool,
}

/// The world.
pub struct World {
    pub now: Instant,
    pub hosts: Vec<Host>,
    /// One-way delay of the link.
    pub delay: u64,
    /// Loss per segment, in percent.
    pub loss_pct: u32,
    rng: u64,
    heap: BinaryHeap<Reverse<(Queued, usize)>>,
    slots: Vec<Option<Ev>>,
    free: Vec<usize>,
    order: u64,
    pub packets: Vec<Packet>,
    pub events: Vec<Event>,
    attack: Option<Attack>,
    /// Number of events processed.
    pub steps: u64,
    next_gen: u64,
}

fn timer_slot(kind: TimerKind) -> usize {
    match kind {
        TimerKind::Retransmit | TimerKind::LossProbe => 0,
        TimerKind::Keepalive => 1,
        TimerKind::DelayedAck => 2,
        TimerKind::TimeWait => 3,
    }
}

/// Flag bits for building segments by hand (tests, third parties).
pub mod flags {
    pub const FIN: u8 = super::FIN;
    pub const SYN: u8 = super::SYN;
    pub const RST: u8 = super::RST;
    pub const PSH: u8 = super::PSH;
    pub const ACK: u8 = super::ACK;
}

/// Put `v` in a free slot of `slots` (or a new one) and return its index.
fn slab_insert<T>(slots: &mut Vec<Option<T>>, free: &mut Vec<usize>, v: T) -> usize {
    match free.pop() {
        Some(i) => {
            slots[i] = Some(v);
            i
        }
        None => {
            slots.push(Some(v));
            slots.len() - 1
        }
    }
}

/// splitmix64: small, good enough, deterministic.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl World {
    pub fn new(seed: u64, delay: u64, loss_pct: u32) -> World {
        World {
            now: 0,
            hosts: Vec::new(),
            delay,
            loss_pct,
            rng: seed ^ 0x5443_505f_4352_4153,
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            order: 0,
            packets: Vec::new(),
            events: Vec::new(),
            attack: None,
            steps: 0,
            next_gen: 0,
        }
    }

    pub fn add_host(&mut self, name: &'static str, ip: u32, sysctl: Sysctls) -> HostId {
        let isn_state = splitmix(&mut self.rng);
        self.hosts.push(Host {
            name,
            ip,
            up: true,
            sysctl,
            socks: Vec::new(),
            index: BTreeMap::new(),
            free: Vec::new(),
            listeners: Vec::new(),
            epoch: 0,
            isn_state,
            ip_id: 0,
        });
        self.hosts.len() - 1
    }

    /// Queue a scripted action.
    pub fn at(&mut self, t: Instant, a: Action) {
        self.push(t, Ev::Action(a));
    }

    fn push(&mut self, at: Instant, ev: Ev) {
        let idx = slab_insert(&mut self.slots, &mut self.free, ev);
        self.order += 1;
        self.heap.push(Reverse((
            Queued {
                at,
                order: self.order,
            },
            idx,
        )));
    }

    /// Time of the next queued event.
    pub fn next_at(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((q, _))| q.at)
    }

    /// Process one event. Returns false when nothing is queued.
    pub fn step(&mut self) -> bool {
        let Some(Reverse((q, idx))) = self.heap.pop() else {
            return false;
        };
        let ev = self.slots[idx].take().expect("queued slot is filled");
        self.free.push(idx);
        self.now = q.at;
        self.steps += 1;
        match ev {
            Ev::Arrive { host, seg, pkt } => self.arrive(host, seg, pkt),
            Ev::Timer {
                host,
                epoch,
                sock,
                gen,
                kind,
            } => self.timer(host, epoch, sock, gen, kind),
            Ev::Action(a) => self.action(a),
        }
        true
    }

    /// Whether any connected (non-listening) socket is open on a live host.
    pub fn any_open_connection(&self) -> bool {
        self.hosts.iter().any(|h| {
            h.up && h
                .socks
                .iter()
                .flatten()
                .any(|s| s.tcb.state != TcpState::Closed)
        })
    }

    // ----- trace helpers -------------------------------------------------

    fn ev(&mut self, host: HostId, kind: EventKind) {
        self.events.push(Event {
            at: secs(self.now),
            host: self.hosts[host].name.to_string(),
            kind,
        });
    }

    fn app(
        &mut self,
        host: HostId,
        call: AppCall,
        result: AppResult,
        since: Option<Instant>,
        lport: u16,
        rport: u16,
    ) {
        let since = since.filter(|s| *s < self.now).map(secs);
        self.ev(
            host,
            EventKind::App {
                call,
                result,
                since,
                lport,
                rport,
            },
        );
    }

    fn note(
        &mut self,
        host: HostId,
        what: KernelNote,
        packet: Option<usize>,
        lport: u16,
        rport: u16,
    ) {
        self.ev(
            host,
            EventKind::Kernel {
                what,
                packet,
                lport,
                rport,
            },
        );
    }

    fn set_state(&mut self, host: HostId, sock: usize, to: TcpState) {
        let s = self.sock_mut(host, sock);
        let from = s.tcb.state;
        if from == to {
            return;
        }
        s.tcb.state = to;
        let (lport, rport) = (s.tcb.lport, s.tcb.rport);
        self.ev(
            host,
            EventKind::State {
                lport,
                rport,
                from,
                to,
            },
        );
    }

    fn sock_mut(&mut self, host: HostId, sock: usize) -> &mut Sock {
        self.hosts[host].socks[sock]
            .as_mut()
            .expect("socket index refers to a live socket")
    }

    fn sock(&self, host: HostId, sock: usize) -> Option<&Sock> {
        self.hosts[host].socks.get(sock).and_then(|s| s.as_ref())
    }

    fn find(&self, host: HostId, lport: u16, rip: u32, rport: u16) -> Option<usize> {
        self.find_any(host, lport, rip, rport).filter(|&i| {
            self.sock(host, i)
                .is_some_and(|s| s.tcb.state != TcpState::Closed)
        })
    }

    fn new_isn(&mut self, host: HostId) -> u32 {
        splitmix(&mut self.hosts[host].isn_state) as u32
    }

    // ----- output ----------------------------------------------------------

    /// Put a segment on the link from `host` (or, forged, from `attacker`
    /// pretending to be `host`).
    fn transmit(&mut self, from: HostId, seg: Seg, why: Why, spoofed_as: Option<HostId>) -> usize {
        let dst = self
            .hosts
            .iter()
            .position(|h| h.ip == seg.dst_ip)
            .expect("destination is a host of this world");
        let id = self.packets.len();
        self.hosts[from].ip_id = self.hosts[from].ip_id.wrapping_add(1);
        let mut flags = Vec::new();
        for (bit, f) in [
            (SYN, Flag::Syn),
            (FIN, Flag::Fin),
            (RST, Flag::Rst),
            (PSH, Flag::Psh),
            (ACK, Flag::Ack),
        ] {
            if seg.has(bit) {
                flags.push(f);
            }
        }
        let lost_on_link =
            self.loss_pct > 0 && (splitmix(&mut self.rng) % 100) < self.loss_pct as u64;
        let arrive = self.now + self.delay;
        self.packets.push(Packet {
            id,
            sent_at: secs(self.now),
            arrived_at: None,
            lost: None,
            lost_at: None,
            src: self.hosts[from].name.to_string(),
            dst: self.hosts[dst].name.to_string(),
            spoofed_as: spoofed_as.map(|h| self.hosts[h].name.to_string()),
            sport: seg.sport,
            dport: seg.dport,
            flags,
            seq: 0,
            ack: None,
            abs_seq: seg.seq,
            abs_ack: if seg.has(ACK) { seg.ack } else { 0 },
            len: seg.len,
            win: if seg.has(RST) { 0 } else { WINDOW },
            why,
        });
        if lost_on_link {
            let p = &mut self.packets[id];
            p.lost = Some(Loss::Link);
            p.lost_at = Some(secs(self.now + self.delay / 2));
        } else {
            self.push(
                arrive,
                Ev::Arrive {
                    host: dst,
                    seg,
                    pkt: id,
                },
            );
        }
        id
    }

    /// Send a segment from a socket's numbers.
    fn send_from(
        &mut self,
        host: HostId,
        sock: usize,
        seq: u32,
        flags: u8,
        len: u32,
        why: Why,
    ) -> usize {
        let ip = self.hosts[host].ip;
        let s = self.sock_mut(host, sock);
        let seg = Seg {
            src_ip: ip,
            dst_ip: s.tcb.rip,
            sport: s.tcb.lport,
            dport: s.tcb.rport,
            seq,
            ack: if flags & ACK != 0 { s.tcb.rcv_nxt } else { 0 },
            flags,
            len,
        };
        if flags & ACK != 0 {
            // Any segment carrying an ACK satisfies a pending delayed ACK
            // (Linux tcp_event_ack_sent clears the DACK timer).
            s.tcb.ack_pending = false;
            if s.delack.is_some() {
                s.delack = None;
            }
        }
        self.transmit(host, seg, why, None)
    }

    /// A pure ACK with SND.NXT / RCV.NXT (Linux `tcp_send_ack`).
    fn send_ack(&mut self, host: HostId, sock: usize, why: Why) {
        let seq = self.sock_mut(host, sock).tcb.snd_nxt;
        self.send_from(host, sock, seq, ACK, 0, why);
    }

    /// RST+ACK from a socket (Linux `tcp_send_active_reset`: SEQ =
    /// `tcp_acceptable_seq` = SND.NXT, ACK = RCV.NXT).
    fn send_active_reset(&mut self, host: HostId, sock: usize, why: Why) {
        let seq = self.sock_mut(host, sock).tcb.snd_nxt;
        self.send_from(host, sock, seq, RST | ACK, 0, why);
    }

    /// Reply with RST to a segment that matches no connection
    /// (RFC 9293 3.10.7.1; Linux `tcp_v4_send_reset`).
    fn reply_rst(&mut self, host: HostId, seg: &Seg, why: Why) {
        if seg.has(RST) {
            return;
        }
        let (seq, ack, flags) = if seg.has(ACK) {
            (seg.ack, 0, RST)
        } else {
            (0, seg.end_seq(), RST | ACK)
        };
        let r = Seg {
            src_ip: seg.dst_ip,
            dst_ip: seg.src_ip,
            sport: seg.dport,
            dport: seg.sport,
            seq,
            ack,
            flags,
            len: 0,
        };
        self.transmit(host, r, why, None);
    }

    // ----- timers ------------------------------------------------------------

    fn arm(&mut self, host: HostId, sock: usize, kind: TimerKind, delay: u64) {
        let now = self.now;
        let epoch = self.hosts[host].epoch;
        let at = now + delay;
        self.next_gen += 1;
        let gen = self.next_gen;
        let s = self.sock_mut(host, sock);
        s.gens[timer_slot(kind)] = gen;
        match kind {
            TimerKind::Retransmit => s.xmit = Some((at, XmitTimer::Retransmit)),
            TimerKind::LossProbe => s.xmit = Some((at, XmitTimer::LossProbe)),
            TimerKind::Keepalive => s.keepalive = Some(at),
            TimerKind::DelayedAck => s.delack = Some(at),
            TimerKind::TimeWait => s.timewait = Some(at),
        }
        let (lport, rport) = (s.tcb.lport, s.tcb.rport);
        if kind != TimerKind::DelayedAck {
            self.ev(
                host,
                EventKind::Timer {
                    timer: kind,
                    action: TimerAction::Armed,
                    expires_at: Some(secs(at)),
                    lport,
                    rport,
                },
            );
        }
        self.push(
            at,
            Ev::Timer {
                host,
                epoch,
                sock,
                gen,
                kind,
            },
        );
    }

    fn stop_xmit(&mut self, host: HostId, sock: usize) {
        let s = self.sock_mut(host, sock);
        if let Some((_, k)) = s.xmit.take() {
            let kind = match k {
                XmitTimer::Retransmit => TimerKind::Retransmit,
                XmitTimer::LossProbe => TimerKind::LossProbe,
            };
            let (lport, rport) = (s.tcb.lport, s.tcb.rport);
            self.ev(
                host,
                EventKind::Timer {
                    timer: kind,
                    action: TimerAction::Cancelled,
                    expires_at: None,
                    lport,
                    rport,
                },
            );
        }
    }

    fn timer(&mut self, host: HostId, epoch: u32, sock: usize, gen: u64, kind: TimerKind) {
        if self.hosts[host].epoch != epoch || !self.hosts[host].up {
            return;
        }
        let now = self.now;
        let Some(s) = self.hosts[host]
            .socks
            .get_mut(sock)
            .and_then(|s| s.as_mut())
        else {
            return;
        };
        // A timer is live only if its slot still holds this deadline.
        let live = match kind {
            TimerKind::Retransmit => s.xmit == Some((now, XmitTimer::Retransmit)),
            TimerKind::LossProbe => s.xmit == Some((now, XmitTimer::LossProbe)),
            TimerKind::Keepalive => s.keepalive == Some(now),
            TimerKind::DelayedAck => s.delack == Some(now),
            TimerKind::TimeWait => s.timewait == Some(now),
        };
        // Generation guards a re-arm at the same instant.
        if !live || s.gens[timer_slot(kind)] != gen {
            return;
        }
        match kind {
            TimerKind::Retransmit | TimerKind::LossProbe => s.xmit = None,
            TimerKind::Keepalive => s.keepalive = None,
            TimerKind::DelayedAck => s.delack = None,
            TimerKind::TimeWait => s.timewait = None,
        }
        let (lport, rport) = (s.tcb.lport, s.tcb.rport);
        if kind != TimerKind::DelayedAck {
            self.ev(
                host,
                EventKind::Timer {
                    timer: kind,
                    action: TimerAction::Fired,
                    expires_at: None,
                    lport,
                    rport,
                },
            );
        }
        match kind {
            TimerKind::Retransmit => self.retransmit_timer(host, sock),
            TimerKind::LossProbe => self.loss_probe(host, sock),
            TimerKind::Keepalive => self.keepalive_timer(host, sock),
            TimerKind::DelayedAck => {
                if self.sock_mut(host, sock).tcb.ack_pending {
                    self.send_ack(host, sock, Why::Ack);
                }
            }
            TimerKind::TimeWait => {
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
            }
        }
    }

    /// Arm the retransmission timer at the current RTO (Linux `tcp_rearm_rto`),
    /// clamped to what is left of TCP_USER_TIMEOUT
    /// (`tcp_clamp_rto_to_user_timeout`).
    fn rearm_rto(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        let t = &self.sock_mut(host, sock).tcb;
        if !t.in_flight() {
            self.stop_xmit(host, sock);
            return;
        }
        let mut rto = t.rto;
        if t.opts.user_timeout > 0 {
            if let Some(start) = t.retrans_stamp {
                let elapsed = now.saturating_sub(start);
                let remaining = t.opts.user_timeout.saturating_sub(elapsed);
                rto = if remaining == 0 {
                    JIFFY
                } else {
                    rto.min(round_up_to_jiffies(remaining))
                };
            }
        }
        self.arm(host, sock, TimerKind::Retransmit, rto);
    }

    /// After new data goes out: RTO armed if nothing was in flight, then a
    /// Tail Loss Probe scheduled in its place (Linux `tcp_event_new_data_sent`,
    /// `tcp_schedule_loss_probe`; needs SACK, which Linux peers negotiate).
    fn after_new_data(&mut self, host: HostId, sock: usize, was_idle: bool) {
        let rto_min = self.hosts[host].sysctl.rto_min;
        let now = self.now;
        let s = self.sock_mut(host, sock);
        let pending_probe = matches!(s.xmit, Some((_, XmitTimer::LossProbe)));
        if was_idle || pending_probe || s.xmit.is_none() {
            self.rearm_rto(host, sock);
        }
        let s = self.sock_mut(host, sock);
        if s.tcb.state == TcpState::SynSent || s.tcb.state == TcpState::SynReceived {
            return;
        }
        if s.tcb.tlp_high_seq.is_some() {
            return;
        }
        let rto_left = match s.xmit {
            Some((at, XmitTimer::Retransmit)) => at.saturating_sub(now),
            _ => s.tcb.rto,
        };
        let pto = s.tcb.loss_probe_timeout(rto_min).min(rto_left.max(1));
        self.arm(host, sock, TimerKind::LossProbe, pto);
    }

    /// Linux `tcp_send_loss_probe`: retransmit the last segment once, then
    /// fall back to the RTO counted from now.
    fn loss_probe(&mut self, host: HostId, sock: usize) {
        let s = self.sock_mut(host, sock);
        if let Some(last) = s.tcb.rtx.last().copied() {
            if s.tcb.tlp_high_seq.is_none() {
                s.tcb.tlp_high_seq = Some(s.tcb.snd_nxt);
                let now = self.now;
                let s = self.sock_mut(host, sock);
                if let Some(e) = s.tcb.rtx.last_mut() {
                    e.sent_at = now;
                    e.retransmitted = true;
                }
                let flags =
                    ACK | if last.fin { FIN } else { 0 } | if last.len > 0 { PSH } else { 0 };
                self.send_from(host, sock, last.seq, flags, last.len, Why::TailLossProbe);
            }
        }
        self.rearm_rto(host, sock);
    }

    /// Linux `tcp_retransmit_timer` (with `tcp_write_timeout`).
    fn retransmit_timer(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        let sys = self.hosts[host].sysctl;
        let t = &self.sock_mut(host, sock).tcb;
        if !t.in_flight() {
            return;
        }
        let state = t.state;
        // tcp_write_timeout
        let expired = if matches!(state, TcpState::SynSent | TcpState::SynReceived) {
            // SYN_SENT: tcp_syn_retries (+ tcp_syn_linear_timeouts, Linux 6.17+);
            // SYN_RECV: tcp_synack_retries (5).
            let max = if state == TcpState::SynSent {
                sys.syn_retries + sys.syn_linear_timeouts
            } else {
                TCP_SYNACK_RETRIES
            };
            t.retransmits >= max
        } else {
            t.retransmits_timed_out(now, sys.retries2, &sys)
        };
        if expired {
            let (lport, rport) = (t.lport, t.rport);
            self.note(host, KernelNote::RetriesExhausted, None, lport, rport);
            // tcp_write_err: sk_err = ETIMEDOUT, tcp_done; no RST is sent.
            self.fail(host, sock, ResultWord::Etimedout);
            return;
        }
        let head = t.rtx[0];
        let s = self.sock_mut(host, sock);
        s.tcb.rtx[0].sent_at = now;
        s.tcb.rtx[0].retransmitted = true;
        if s.tcb.retrans_stamp.is_none() {
            s.tcb.retrans_stamp = Some(now);
        }
        let (flags, why) = if head.syn {
            if state == TcpState::SynSent {
                (SYN, Why::SynRetransmit)
            } else {
                (SYN | ACK, Why::SynAck)
            }
        } else {
            let f = ACK | if head.fin { FIN } else { 0 } | if head.len > 0 { PSH } else { 0 };
            (f, Why::Retransmit)
        };
        self.send_from(host, sock, head.seq, flags, head.len, why);
        let s = self.sock_mut(host, sock);
        s.tcb.retransmits += 1;
        if state == TcpState::SynSent {
            s.tcb.syn_rtos += 1;
        }
        // Exponential backoff, except SYN_SENT's first
        // tcp_syn_linear_timeouts retransmissions (Linux 6.17+).
        let linear = state == TcpState::SynSent && s.tcb.syn_rtos <= sys.syn_linear_timeouts;
        if !linear {
            s.tcb.backoff += 1;
            s.tcb.rto = (s.tcb.rto * 2).min(sys.rto_max);
        }
        self.rearm_rto(host, sock);
    }

    /// Linux `tcp_keepalive_timer`.
    fn keepalive_timer(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        let sys = self.hosts[host].sysctl;
        let t = &self.sock_mut(host, sock).tcb;
        if !t.opts.keepalive
            || matches!(
                t.state,
                TcpState::Closed | TcpState::SynSent | TcpState::Listen
            )
        {
            return;
        }
        let idle = t.keepidle(&sys);
        // "It is alive without keepalive": data in flight owns the connection.
        if t.in_flight() {
            self.arm(host, sock, TimerKind::Keepalive, idle);
            return;
        }
        let elapsed = now.saturating_sub(t.last_rcv);
        if elapsed >= idle {
            let ut = t.opts.user_timeout;
            let give_up = (ut != 0 && elapsed >= ut && t.probes_out > 0)
                || (ut == 0 && t.probes_out >= t.keepcnt(&sys));
            if give_up {
                let (lport, rport) = (t.lport, t.rport);
                self.note(host, KernelNote::KeepaliveExhausted, None, lport, rport);
                self.send_active_reset(host, sock, Why::RstKeepaliveTimeout);
                self.fail(host, sock, ResultWord::Etimedout);
                return;
            }
            // tcp_write_wakeup -> tcp_xmit_probe_skb: SEQ = SND.UNA - 1.
            let seq = t.snd_una.wrapping_sub(1);
            let intvl = t.keepintvl(&sys);
            self.send_from(host, sock, seq, ACK, 0, Why::KeepaliveProbe);
            self.sock_mut(host, sock).tcb.probes_out += 1;
            self.arm(host, sock, TimerKind::Keepalive, intvl);
        } else {
            self.arm(host, sock, TimerKind::Keepalive, idle - elapsed);
        }
    }

    /// The connection dies with an error for the application
    /// (Linux `tcp_write_err` / `tcp_reset` then `tcp_done`).
    fn fail(&mut self, host: HostId, sock: usize, err: ResultWord) {
        self.stop_xmit(host, sock);
        let s = self.sock_mut(host, sock);
        s.keepalive = None;
        s.delack = None;
        s.tcb.rtx.clear();
        s.tcb.err = Some(err);
        self.set_state(host, sock, TcpState::Closed);
        self.wake_reader(host, sock);
        if self.sock(host, sock).is_some_and(|s| s.app.is_none()) {
            self.free_sock(host, sock);
        }
    }

    fn free_sock(&mut self, host: HostId, sock: usize) {
        let h = &mut self.hosts[host];
        if let Some(s) = h.socks[sock].take() {
            let key = (s.tcb.lport, s.tcb.rip, s.tcb.rport);
            if h.index.get(&key) == Some(&sock) {
                h.index.remove(&key);
            }
            h.free.push(sock);
        }
    }

    // ----- application side -------------------------------------------------

    /// Deliver whatever a blocked recv() is waiting for.
    fn wake_reader(&mut self, host: HostId, sock: usize) {
        let Some(s) = self.sock(host, sock) else {
            return;
        };
        let Some(app) = s.app else { return };
        if !app.reads {
            return;
        }
        let since = s.blocked_recv;
        let (lport, rport) = (s.tcb.lport, s.tcb.rport);
        if s.tcb.unread > 0 {
            let n = s.tcb.unread;
            self.sock_mut(host, sock).tcb.unread = 0;
            self.app(
                host,
                AppCall::Recv,
                AppResult::Bytes(n),
                since,
                lport,
                rport,
            );
            self.sock_mut(host, sock).blocked_recv = Some(self.now);
            // Data consumed: fall through to check for EOF as well.
            return self.wake_reader(host, sock);
        }
        if let Some(err) = s.tcb.err.filter(|_| s.blocked_recv.is_some()) {
            self.sock_mut(host, sock).tcb.err = None;
            self.sock_mut(host, sock).blocked_recv = None;
            self.app(
                host,
                AppCall::Recv,
                AppResult::Word(err),
                since,
                lport,
                rport,
            );
            // The process gives up on the connection and closes it.
            self.app_close(host, sock);
            return;
        }
        if s.tcb.fin_rcvd && s.blocked_recv.is_some() {
            self.sock_mut(host, sock).blocked_recv = None;
            self.app(
                host,
                AppCall::Recv,
                AppResult::Word(ResultWord::Eof),
                since,
                lport,
                rport,
            );
            match app.on_eof {
                OnEof::Close => self.app_close(host, sock),
                OnEof::CloseAfter(d) => {
                    let t = self.now + d;
                    self.at(t, Action::Close { host, lport, rport });
                }
                OnEof::WriteTwice(n) => {
                    self.app_send(host, sock, n);
                    let t = self.now + crate::time::SEC;
                    self.at(
                        t,
                        Action::Send {
                            host,
                            lport,
                            rport,
                            bytes: n,
                        },
                    );
                    self.at(t + 1, Action::Close { host, lport, rport });
                }
            }
        }
    }

    /// send(): queue and transmit at once (the window is never the limit here).
    fn app_send(&mut self, host: HostId, sock: usize, bytes: u32) {
        let now = self.now;
        let s = self.sock_mut(host, sock);
        let (lport, rport) = (s.tcb.lport, s.tcb.rport);
        if let Some(err) = s.tcb.err.take() {
            // A pending error is reported by the next call (sk_err).
            let e = if err == ResultWord::Eof {
                ResultWord::Epipe
            } else {
                err
            };
            self.app(host, AppCall::Send, AppResult::Word(e), None, lport, rport);
            return;
        }
        if !matches!(s.tcb.state, TcpState::Established | TcpState::CloseWait) {
            self.app(
                host,
                AppCall::Send,
                AppResult::Word(ResultWord::Epipe),
                None,
                lport,
                rport,
            );
            return;
        }
        let was_idle = !s.tcb.in_flight();
        let seq = s.tcb.snd_nxt;
        s.tcb.snd_nxt = seq.wrapping_add(bytes);
        s.tcb.rtx.push(Sent::fresh(seq, bytes, false, false, now));
        self.app(
            host,
            AppCall::Send,
            AppResult::Bytes(bytes),
            None,
            lport,
            rport,
        );
        self.send_from(host, sock, seq, PSH | ACK, bytes, Why::Data);
        self.after_new_data(host, sock, was_idle);
    }

    /// close() (also what the kernel does for each descriptor of a killed
    /// process): Linux `tcp_close`.
    fn app_close(&mut self, host: HostId, sock: usize) {
        self.close_socket(host, sock, true);
    }

    /// Close a descriptor: by the process (`by_app`, recorded as a call) or
    /// by the kernel for a process that died (Linux: the exit path closes
    /// every file, which ends in `tcp_close`).
    fn close_socket(&mut self, host: HostId, sock: usize, by_app: bool) {
        let s = self.sock_mut(host, sock);
        let (lport, rport) = (s.tcb.lport, s.tcb.rport);
        s.app = None;
        s.blocked_recv = None;
        s.tcb.orphan = true;
        let state = s.tcb.state;
        let unread = s.tcb.unread;
        if by_app {
            self.app(
                host,
                AppCall::Close,
                AppResult::Word(ResultWord::Ok),
                None,
                lport,
                rport,
            );
        }
        match state {
            TcpState::Closed => self.free_sock(host, sock),
            TcpState::SynSent => {
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
            }
            _ if unread > 0 => {
                // RFC 1122 4.2.2.13 / RFC 2525 2.17: unread data => RST, not FIN.
                self.set_state(host, sock, TcpState::Closed);
                self.send_active_reset(host, sock, Why::RstUnreadData);
                self.stop_xmit(host, sock);
                self.free_sock(host, sock);
            }
            TcpState::Established | TcpState::SynReceived | TcpState::CloseWait => {
                let next = if state == TcpState::CloseWait {
                    TcpState::LastAck
                } else {
                    TcpState::FinWait1
                };
                self.set_state(host, sock, next);
                let now = self.now;
                let s = self.sock_mut(host, sock);
                let was_idle = !s.tcb.in_flight();
                let seq = s.tcb.snd_nxt;
                s.tcb.snd_nxt = seq.wrapping_add(1);
                s.tcb.fin_sent = true;
                s.tcb.rtx.push(Sent::fresh(seq, 0, false, true, now));
                self.send_from(host, sock, seq, FIN | ACK, 0, Why::Fin);
                self.after_new_data(host, sock, was_idle);
            }
            _ => {}
        }
    }

    // ----- scripted actions --------------------------------------------------

    fn action(&mut self, a: Action) {
        match a {
            Action::Listen { host, port, app } => {
                if !self.hosts[host].up {
                    return;
                }
                self.hosts[host].listeners.push(Listener {
                    port,
                    app,
                    open: true,
                });
                self.app(
                    host,
                    AppCall::Listen,
                    AppResult::Word(ResultWord::Ok),
                    None,
                    port,
                    0,
                );
                self.ev(
                    host,
                    EventKind::State {
                        lport: port,
                        rport: 0,
                        from: TcpState::Closed,
                        to: TcpState::Listen,
                    },
                );
            }
            Action::Connect {
                host,
                sport,
                dst,
                dport,
                app,
            } => {
                if !self.hosts[host].up {
                    return;
                }
                let iss = self.new_isn(host);
                let rip = self.hosts[dst].ip;
                let mut tcb = Tcb::new(sport, rip, dport, iss, self.now);
                tcb.opts = app.opts;
                tcb.snd_nxt = iss.wrapping_add(1);
                tcb.rtx.push(Sent::fresh(iss, 0, true, false, self.now));
                let sock = self.insert(host, tcb, Some(app));
                self.sock_mut(host, sock).blocked_recv = Some(self.now);
                self.set_state(host, sock, TcpState::SynSent);
                self.send_from(host, sock, iss, SYN, 0, Why::Connect);
                self.rearm_rto(host, sock);
            }
            Action::Send {
                host,
                lport,
                rport,
                bytes,
            } => {
                if !self.hosts[host].up {
                    return;
                }
                let rip = self.peer_ip(host);
                if let Some(sock) = self.find_any(host, lport, rip, rport) {
                    if self.sock(host, sock).is_some_and(|s| s.app.is_some()) {
                        self.app_send(host, sock, bytes);
                    }
                }
            }
            Action::Close { host, lport, rport } => {
                let rip = self.peer_ip(host);
                if let Some(sock) = self.find_any(host, lport, rip, rport) {
                    if self.sock(host, sock).is_some_and(|s| s.app.is_some()) {
                        self.app_close(host, sock);
                    }
                }
            }
            Action::ProcessKill { host } => {
                if !self.hosts[host].up {
                    return;
                }
                self.ev(
                    host,
                    EventKind::Fault {
                        fault: Fault::ProcessKill,
                    },
                );
                // The kernel closes every descriptor the process held.
                for l in self.hosts[host].listeners.iter_mut() {
                    l.open = false;
                }
                let socks: Vec<usize> = (0..self.hosts[host].socks.len())
                    .filter(|&i| self.sock(host, i).is_some_and(|s| s.app.is_some()))
                    .collect();
                for sock in socks {
                    self.close_socket(host, sock, false);
                }
            }
            Action::HostCrash { host } => {
                self.ev(
                    host,
                    EventKind::Fault {
                        fault: Fault::HostCrash,
                    },
                );
                let h = &mut self.hosts[host];
                h.up = false;
                h.epoch += 1;
                h.socks.clear();
                h.index.clear();
                h.free.clear();
                h.listeners.clear();
            }
            Action::RebootDone { host } => {
                let seed = splitmix(&mut self.rng);
                let h = &mut self.hosts[host];
                h.up = true;
                h.epoch += 1;
                h.isn_state = seed;
                self.ev(
                    host,
                    EventKind::Fault {
                        fault: Fault::RebootDone,
                    },
                );
            }
            Action::Inject {
                from,
                spoof,
                seg,
                why,
            } => {
                self.transmit(from, seg, why, spoof);
            }
            Action::ForgeSyn {
                attacker,
                victim,
                sport,
                dst,
                dport,
            } => {
                let victim_ip = self.hosts[victim].ip;
                let dst_ip = self.hosts[dst].ip;
                let seq = splitmix(&mut self.rng) as u32;
                self.attack = Some(Attack {
                    attacker,
                    victim_ip,
                    sport,
                    dst_ip,
                    dport,
                    armed: true,
                });
                let seg = Seg {
                    src_ip: victim_ip,
                    dst_ip,
                    sport,
                    dport,
                    seq,
                    ack: 0,
                    flags: SYN,
                    len: 0,
                };
                self.transmit(attacker, seg, Why::ForgedSyn, Some(victim));
            }
        }
    }

    /// The other end's address for scripted steps (client <-> server).
    fn peer_ip(&self, host: HostId) -> u32 {
        self.hosts[if host == 0 { 1 } else { 0 }].ip
    }

    fn find_any(&self, host: HostId, lport: u16, rip: u32, rport: u16) -> Option<usize> {
        self.hosts[host].index.get(&(lport, rip, rport)).copied()
    }

    fn insert(&mut self, host: HostId, tcb: Tcb, app: Option<AppPolicy>) -> usize {
        let s = Sock {
            tcb,
            app,
            blocked_recv: None,
            xmit: None,
            keepalive: None,
            delack: None,
            timewait: None,
            gens: [0; 4],
            from_listener: false,
        };
        let key = (s.tcb.lport, s.tcb.rip, s.tcb.rport);
        let h = &mut self.hosts[host];
        let slot = slab_insert(&mut h.socks, &mut h.free, s);
        h.index.insert(key, slot);
        slot
    }

    // ----- input -------------------------------------------------------------

    fn arrive(&mut self, host: HostId, seg: Seg, pkt: usize) {
        if !self.hosts[host].up {
            let p = &mut self.packets[pkt];
            p.lost = Some(Loss::HostDown);
            p.lost_at = Some(secs(self.now));
            return;
        }
        self.packets[pkt].arrived_at = Some(secs(self.now));
        // A third party tapping the victim's side sees the challenge ACK.
        if let Some(a) = self.attack.clone() {
            if a.armed
                && seg.dst_ip == a.victim_ip
                && seg.src_ip == a.dst_ip
                && seg.dport == a.sport
                && seg.sport == a.dport
                && seg.flags == ACK
            {
                if let Some(x) = self.attack.as_mut() {
                    x.armed = false;
                }
                self.note(
                    a.attacker,
                    KernelNote::Observed,
                    Some(pkt),
                    a.sport,
                    a.dport,
                );
                let victim = self
                    .hosts
                    .iter()
                    .position(|h| h.ip == a.victim_ip)
                    .unwrap_or(0);
                let rst = Seg {
                    src_ip: a.victim_ip,
                    dst_ip: a.dst_ip,
                    sport: a.sport,
                    dport: a.dport,
                    seq: seg.ack,
                    ack: 0,
                    flags: RST,
                    len: 0,
                };
                self.transmit(a.attacker, rst, Why::ForgedRst, Some(victim));
            }
        }
        if self.hosts[host].name == "attacker" {
            return;
        }
        if let Some(sock) = self.find(host, seg.dport, seg.src_ip, seg.sport) {
            self.tcp_rcv(host, sock, seg, pkt);
            return;
        }
        let listener = self.hosts[host]
            .listeners
            .iter()
            .find(|l| l.port == seg.dport && l.open)
            .cloned();
        match listener {
            Some(l) => self.listen_rcv(host, l, seg, pkt),
            None => {
                if seg.has(RST) {
                    self.note(host, KernelNote::Dropped, Some(pkt), seg.dport, seg.sport);
                } else {
                    self.reply_rst(host, &seg, Why::RstNoSocket);
                }
            }
        }
    }

    /// RFC 9293 3.10.7.2 (LISTEN); Linux `tcp_v4_rcv` -> `tcp_conn_request`.
    fn listen_rcv(&mut self, host: HostId, l: Listener, seg: Seg, pkt: usize) {
        if seg.has(RST) {
            self.note(
                host,
                KernelNote::RstIgnored,
                Some(pkt),
                seg.dport,
                seg.sport,
            );
            return;
        }
        if seg.has(ACK) {
            self.reply_rst(host, &seg, Why::RstNoSocket);
            return;
        }
        if !seg.has(SYN) {
            return;
        }
        let iss = self.new_isn(host);
        let mut tcb = Tcb::new(seg.dport, seg.src_ip, seg.sport, iss, self.now);
        tcb.irs = seg.seq;
        tcb.rcv_nxt = seg.seq.wrapping_add(1);
        tcb.snd_nxt = iss.wrapping_add(1);
        tcb.opts = l.app.opts;
        tcb.rtx.push(Sent::fresh(iss, 0, true, false, self.now));
        let sock = self.insert(host, tcb, Some(l.app));
        self.sock_mut(host, sock).from_listener = true;
        let s = self.sock_mut(host, sock);
        s.tcb.state = TcpState::Listen;
        self.set_state(host, sock, TcpState::SynReceived);
        self.send_from(host, sock, iss, SYN | ACK, 0, Why::SynAck);
        self.rearm_rto(host, sock);
    }

    /// Process an acknowledgment (Linux `tcp_ack`): advance SND.UNA, take
    /// an RTT sample from a segment never retransmitted (Karn), reset the
    /// backoff, re-arm or stop the retransmission timer.
    fn process_ack(&mut self, host: HostId, sock: usize, seg: &Seg) {
        let now = self.now;
        let sys = self.hosts[host].sysctl;
        let s = self.sock_mut(host, sock);
        let t = &mut s.tcb;
        if after(seg.ack, t.snd_nxt) || before(seg.ack, t.snd_una) {
            return;
        }
        t.last_rcv = now;
        t.probes_out = 0;
        if !after(seg.ack, t.snd_una) {
            return;
        }
        let mut sample = None;
        while let Some(first) = t.rtx.first().copied() {
            if after(first.end(), seg.ack) {
                break;
            }
            if !first.retransmitted {
                sample = Some(now - first.sent_at);
            }
            t.rtx.remove(0);
        }
        t.snd_una = seg.ack;
        if let Some(m) = sample {
            t.rtt_sample(m, sys.rto_min, sys.rto_max);
        }
        t.backoff = 0;
        t.retransmits = 0;
        t.retrans_stamp = None;
        if t.tlp_high_seq.is_some_and(|h| !before(seg.ack, h)) {
            t.tlp_high_seq = None;
        }
        if t.rtx.is_empty() {
            self.stop_xmit(host, sock);
        } else {
            self.rearm_rto(host, sock);
        }
    }

    /// Segment for an existing connection (RFC 9293 3.10.7.3-4; Linux
    /// `tcp_rcv_state_process`, `tcp_validate_incoming`).
    fn tcp_rcv(&mut self, host: HostId, sock: usize, seg: Seg, pkt: usize) {
        let state = self.sock_mut(host, sock).tcb.state;
        match state {
            TcpState::SynSent => return self.synsent_rcv(host, sock, seg, pkt),
            TcpState::Closed | TcpState::Listen => return,
            _ => {}
        }
        let sys = self.hosts[host].sysctl;
        let now = self.now;
        let t = &self.sock_mut(host, sock).tcb;
        let (lport, rport) = (t.lport, t.rport);

        if state == TcpState::SynReceived {
            // Linux tcp_check_req: a RST counts only inside the window.
            let in_window = !before(seg.seq, t.rcv_nxt)
                && before(seg.seq, t.rcv_nxt.wrapping_add(WINDOW as u32));
            if seg.has(RST) && !in_window {
                self.note(host, KernelNote::RstIgnored, Some(pkt), lport, rport);
                return;
            }
            if seg.has(RST) {
                self.note(host, KernelNote::RstAccepted, Some(pkt), lport, rport);
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
                return;
            }
            if seg.has(SYN) && !seg.has(ACK) {
                // A retransmitted SYN: answer with the SYN-ACK again, at most
                // once per tcp_invalid_ratelimit (Linux tcp_check_req,
                // LINUX_MIB_TCPACKSKIPPEDSYNRECV).
                let iss = t.iss;
                if !self.oow_rate_limited(host, sock, sys.invalid_ratelimit) {
                    self.send_from(host, sock, iss, SYN | ACK, 0, Why::SynAck);
                }
                return;
            }
            if seg.has(ACK) && seg.ack == t.snd_nxt {
                self.process_ack(host, sock, &seg);
                self.set_state(host, sock, TcpState::Established);
                self.established(host, sock);
                let (lport, rport) = (
                    self.sock_mut(host, sock).tcb.lport,
                    self.sock_mut(host, sock).tcb.rport,
                );
                self.app(
                    host,
                    AppCall::Accept,
                    AppResult::Word(ResultWord::Ok),
                    None,
                    lport,
                    rport,
                );
                self.sock_mut(host, sock).blocked_recv = Some(now);
                // Fall through for any data the ACK carries.
                if seg.len == 0 && !seg.has(FIN) {
                    return;
                }
            } else if seg.has(ACK) {
                self.reply_rst(host, &seg, Why::RstNoSocket);
                return;
            }
        }

        let t = &self.sock_mut(host, sock).tcb;
        // Step 1: sequence number check (Linux tcp_sequence).
        let wnd = WINDOW as u32;
        let acceptable =
            !before(seg.end_seq(), t.rcv_nxt) && !after(seg.seq, t.rcv_nxt.wrapping_add(wnd));
        if !acceptable {
            if seg.has(RST) {
                self.note(host, KernelNote::RstIgnored, Some(pkt), lport, rport);
                return;
            }
            if seg.has(SYN) {
                return self.challenge_ack(host, sock, pkt);
            }
            // Unacceptable segment (a keepalive probe, an old duplicate):
            // re-state our numbers, rate-limited (tcp_oow_rate_limited).
            if seg.len == 0 && self.oow_rate_limited(host, sock, sys.invalid_ratelimit) {
                return;
            }
            if seg.len > 0 {
                self.sock_mut(host, sock).tcb.last_oow_ack = Some(now);
            }
            self.send_ack(host, sock, Why::DupAck);
            return;
        }
        // Step 2: RST (RFC 5961 3.2: exact match resets, else challenge).
        if seg.has(RST) {
            if seg.seq == t.rcv_nxt {
                self.note(host, KernelNote::RstAccepted, Some(pkt), lport, rport);
                // Linux tcp_reset: EPIPE in CLOSE_WAIT, ECONNRESET otherwise.
                let err = match state {
                    TcpState::CloseWait => ResultWord::Epipe,
                    _ => ResultWord::Econnreset,
                };
                if matches!(
                    state,
                    TcpState::TimeWait | TcpState::LastAck | TcpState::Closing
                ) {
                    self.set_state(host, sock, TcpState::Closed);
                    self.free_sock(host, sock);
                    return;
                }
                self.fail(host, sock, err);
            } else {
                self.note(host, KernelNote::RstInexact, Some(pkt), lport, rport);
                self.challenge_ack(host, sock, pkt);
            }
            return;
        }
        // Step 4: SYN on a synchronized connection (RFC 5961 4.2).
        if seg.has(SYN) {
            return self.challenge_ack(host, sock, pkt);
        }
        if !seg.has(ACK) {
            return;
        }
        // Step 5: ACK.
        let was_fin_sent = t.fin_sent;
        self.process_ack(host, sock, &seg);
        let t = &self.sock_mut(host, sock).tcb;
        let fin_acked = was_fin_sent && t.snd_una == t.snd_nxt;
        match (state, fin_acked) {
            (TcpState::FinWait1, true) => {
                self.set_state(host, sock, TcpState::FinWait2);
                let orphan = self.sock_mut(host, sock).tcb.orphan;
                if orphan {
                    // tcp_fin_timeout (60 s) for an orphan in FIN_WAIT_2.
                    self.arm(host, sock, TimerKind::TimeWait, TCP_TIMEWAIT_LEN);
                }
            }
            (TcpState::Closing, true) => {
                self.set_state(host, sock, TcpState::TimeWait);
                self.arm(host, sock, TimerKind::TimeWait, TCP_TIMEWAIT_LEN);
            }
            (TcpState::LastAck, true) => {
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
                return;
            }
            _ => {}
        }
        let state = self.sock_mut(host, sock).tcb.state;
        // Step 7: data. Data after this side's process closed it: reset
        // (Linux tcp_rcv_state_process, TCPABORTONDATA).
        if seg.len > 0 {
            let t = &self.sock_mut(host, sock).tcb;
            if t.orphan && matches!(state, TcpState::FinWait1 | TcpState::FinWait2) {
                self.reply_rst(host, &seg, Why::RstDataAfterClose);
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
                return;
            }
            if seg.seq == t.rcv_nxt
                && matches!(
                    state,
                    TcpState::Established | TcpState::FinWait1 | TcpState::FinWait2
                )
            {
                let s = self.sock_mut(host, sock);
                s.tcb.rcv_nxt = s.tcb.rcv_nxt.wrapping_add(seg.len);
                s.tcb.unread += seg.len;
                s.tcb.last_rcv = now;
                if !s.tcb.data_received {
                    // tcp_event_data_recv: first data => quick ACK mode, ato = TCP_ATO_MIN.
                    s.tcb.data_received = true;
                    s.tcb.ato = TCP_ATO_MIN;
                }
                // Quick-ack mode for the first segments: ACK at once.
                self.send_ack(host, sock, Why::Ack);
                self.wake_reader(host, sock);
                if self.sock(host, sock).is_none() {
                    return;
                }
            } else {
                // Duplicate or out of order: immediate ACK (tcp_data_queue).
                self.send_ack(host, sock, Why::Ack);
                return;
            }
        }
        // Step 8: FIN (Linux tcp_fin).
        if seg.has(FIN) {
            let s = self.sock_mut(host, sock);
            if s.tcb.fin_rcvd && seg.seq.wrapping_add(seg.len).wrapping_add(1) == s.tcb.rcv_nxt {
                // A retransmitted FIN (our ACK was lost): acknowledge it
                // again; in TIME_WAIT restart the 2MSL timer (RFC 9293
                // 3.10.7.4; Linux tcp_timewait_state_process).
                self.send_ack(host, sock, Why::Ack);
                if state == TcpState::TimeWait {
                    self.arm(host, sock, TimerKind::TimeWait, TCP_TIMEWAIT_LEN);
                }
                return;
            }
            if seg.seq.wrapping_add(seg.len) != s.tcb.rcv_nxt {
                return;
            }
            s.tcb.rcv_nxt = s.tcb.rcv_nxt.wrapping_add(1);
            s.tcb.fin_rcvd = true;
            s.tcb.last_rcv = now;
            match state {
                TcpState::Established => {
                    self.set_state(host, sock, TcpState::CloseWait);
                    // tcp_fin enters pingpong mode: the ACK is delayed
                    // (tcp_send_delayed_ack): ato, at least the next tick.
                    let s = self.sock_mut(host, sock);
                    s.tcb.pingpong = true;
                    s.tcb.ack_pending = true;
                    let mut ato = s.tcb.ato;
                    if ato > 0 {
                        let srtt = s.tcb.srtt().max(TCP_ATO_MIN);
                        ato = ato.min(TCP_DELACK_MAX).min(srtt);
                    }
                    let d = round_up_to_jiffies(ato).max(JIFFY);
                    self.arm(host, sock, TimerKind::DelayedAck, d);
                    self.wake_reader(host, sock);
                }
                TcpState::FinWait1 => {
                    self.send_ack(host, sock, Why::Ack);
                    self.set_state(host, sock, TcpState::Closing);
                }
                TcpState::FinWait2 => {
                    self.send_ack(host, sock, Why::Ack);
                    self.set_state(host, sock, TcpState::TimeWait);
                    self.arm(host, sock, TimerKind::TimeWait, TCP_TIMEWAIT_LEN);
                }
                TcpState::TimeWait => {
                    self.send_ack(host, sock, Why::Ack);
                }
                _ => {}
            }
        }
    }

    fn oow_rate_limited(&mut self, host: HostId, sock: usize, limit: u64) -> bool {
        let now = self.now;
        let t = &mut self.sock_mut(host, sock).tcb;
        if let Some(last) = t.last_oow_ack {
            if now.saturating_sub(last) < limit {
                return true;
            }
        }
        t.last_oow_ack = Some(now);
        false
    }

    /// RFC 5961 4.2 / Linux `tcp_send_challenge_ack`: an ACK with SND.NXT
    /// and RCV.NXT, at most one per `tcp_invalid_ratelimit` per socket.
    fn challenge_ack(&mut self, host: HostId, sock: usize, pkt: usize) {
        let limit = self.hosts[host].sysctl.invalid_ratelimit;
        if self.oow_rate_limited(host, sock, limit) {
            let t = &self.sock_mut(host, sock).tcb;
            let (lport, rport) = (t.lport, t.rport);
            self.note(
                host,
                KernelNote::ChallengeAckRateLimited,
                Some(pkt),
                lport,
                rport,
            );
            return;
        }
        self.send_ack(host, sock, Why::ChallengeAck);
    }

    /// RFC 9293 3.10.7.3 (SYN-SENT); Linux `tcp_rcv_synsent_state_process`.
    fn synsent_rcv(&mut self, host: HostId, sock: usize, seg: Seg, pkt: usize) {
        let now = self.now;
        let sys = self.hosts[host].sysctl;
        let t = &self.sock_mut(host, sock).tcb;
        let (lport, rport) = (t.lport, t.rport);
        let (iss, snd_nxt, retransmits) = (t.iss, t.snd_nxt, t.retransmits);
        if seg.has(ACK) && (!after(seg.ack, iss) || after(seg.ack, snd_nxt)) {
            if seg.has(RST) {
                return;
            }
            // Unacceptable ACK: RST <SEQ=SEG.ACK>, and (Linux, 2020) the SYN
            // retransmission re-armed to TCP_TIMEOUT_MIN if none happened yet.
            self.reply_rst(host, &seg, Why::RstBadAck);
            if retransmits == 0 {
                self.note(host, KernelNote::SynResendSoon, Some(pkt), lport, rport);
                self.arm(host, sock, TimerKind::Retransmit, TCP_TIMEOUT_MIN);
            }
            return;
        }
        if seg.has(RST) {
            if seg.has(ACK) {
                self.note(host, KernelNote::RstAccepted, Some(pkt), lport, rport);
                self.stop_xmit(host, sock);
                self.set_state(host, sock, TcpState::Closed);
                let since = self.sock_mut(host, sock).blocked_recv.take();
                self.app(
                    host,
                    AppCall::Connect,
                    AppResult::Word(ResultWord::Econnrefused),
                    since,
                    lport,
                    rport,
                );
                self.free_sock(host, sock);
            }
            return;
        }
        if seg.has(SYN) && seg.has(ACK) {
            let s = self.sock_mut(host, sock);
            s.tcb.irs = seg.seq;
            s.tcb.rcv_nxt = seg.seq.wrapping_add(1);
            s.tcb.last_rcv = now;
            self.process_ack(host, sock, &seg);
            let _ = sys;
            self.set_state(host, sock, TcpState::Established);
            self.send_ack(host, sock, Why::HandshakeAck);
            self.established(host, sock);
            let since = self.sock_mut(host, sock).blocked_recv.take();
            self.app(
                host,
                AppCall::Connect,
                AppResult::Word(ResultWord::Ok),
                since,
                lport,
                rport,
            );
            self.sock_mut(host, sock).blocked_recv = Some(now);
        }
    }

    /// On entering ESTABLISHED: keepalive timer if SO_KEEPALIVE
    /// (Linux `tcp_finish_connect` / `tcp_rcv_state_process`).
    fn established(&mut self, host: HostId, sock: usize) {
        let now = self.now;
        let sys = self.hosts[host].sysctl;
        let s = self.sock_mut(host, sock);
        s.tcb.last_rcv = now;
        if s.tcb.opts.keepalive {
            let idle = s.tcb.keepidle(&sys);
            self.arm(host, sock, TimerKind::Keepalive, idle);
        }
    }

    /// Fill in relative sequence numbers and hand back the records.
    pub fn finish(&mut self) -> (Vec<Packet>, Vec<Event>) {
        let mut packets = std::mem::take(&mut self.packets);
        let keys: Vec<WireKey> = packets
            .iter()
            .map(|p| {
                let ip = |name: &str| {
                    self.hosts
                        .iter()
                        .find(|h| h.name == name)
                        .map(|h| h.ip)
                        .unwrap_or(0)
                };
                let src = ip(p.spoofed_as.as_deref().unwrap_or(&p.src));
                WireKey {
                    src_ip: src,
                    sport: p.sport,
                    dst_ip: ip(&p.dst),
                    dport: p.dport,
                    syn: p.has(Flag::Syn),
                    abs_seq: p.abs_seq,
                    abs_ack: p.abs_ack,
                }
            })
            .collect();
        for (p, (s, a)) in packets.iter_mut().zip(relativize(&keys)) {
            p.seq = s;
            p.ack = if p.has(Flag::Ack) { Some(a) } else { None };
        }
        (packets, std::mem::take(&mut self.events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{MS, SEC};

    /// Client and server, connected at t = 20 ms (RTT 20 ms), plus a third host.
    fn connected(ratelimit_ms: u64) -> World {
        let sys = Sysctls {
            invalid_ratelimit: ratelimit_ms * MS,
            ..Sysctls::default()
        };
        let mut w = World::new(7, 10 * MS, 0);
        let c = w.add_host("client", 0x0a00_0001, sys);
        let s = w.add_host("server", 0x0a00_0002, sys);
        w.add_host("attacker", 0x0a00_0003, sys);
        w.at(
            0,
            Action::Listen {
                host: s,
                port: 80,
                app: AppPolicy::default(),
            },
        );
        w.at(
            0,
            Action::Connect {
                host: c,
                sport: 1000,
                dst: s,
                dport: 80,
                app: AppPolicy::default(),
            },
        );
        while w.next_at().is_some_and(|t| t < SEC) {
            w.step();
        }
        w
    }

    fn syn_at(w: &mut World, t: Instant, seq: u32) {
        let seg = Seg {
            src_ip: 0x0a00_0001,
            dst_ip: 0x0a00_0002,
            sport: 1000,
            dport: 80,
            seq,
            ack: 0,
            flags: SYN,
            len: 0,
        };
        w.at(
            t,
            Action::Inject {
                from: 2,
                spoof: Some(0),
                seg,
                why: Why::ForgedSyn,
            },
        );
    }

    fn drain(w: &mut World) {
        while w.next_at().is_some_and(|t| t < 100 * SEC) {
            w.step();
        }
    }

    /// The first socket of host `h` (these tests have one connection).
    fn first_sock(w: &World, h: usize) -> &Sock {
        w.hosts[h].socks.iter().flatten().next().unwrap()
    }

    fn count(w: &World, why: Why) -> usize {
        w.packets.iter().filter(|p| p.why == why).count()
    }

    #[test]
    fn handshake_takes_one_rtt_and_sets_rto() {
        let w = connected(500);
        let whys: Vec<Why> = w.packets.iter().map(|p| p.why).collect();
        assert_eq!(whys, vec![Why::Connect, Why::SynAck, Why::HandshakeAck]);
        let srv = w.hosts[1].socks.iter().flatten().next().unwrap();
        assert_eq!(srv.tcb.state, TcpState::Established);
        assert_eq!(srv.tcb.srtt(), 20 * MS, "SYN-ACK to ACK sample");
        assert_eq!(srv.tcb.rto, 220 * MS);
    }

    #[test]
    fn challenge_acks_are_rate_limited_by_tcp_invalid_ratelimit() {
        // RFC 5961 4.2 + Linux tcp_send_challenge_ack: one per 500 ms per socket.
        let mut w = connected(500);
        syn_at(&mut w, 2 * SEC, 12345);
        syn_at(&mut w, 2 * SEC + 100 * MS, 999);
        syn_at(&mut w, 2 * SEC + 700 * MS, 4242);
        drain(&mut w);
        assert_eq!(
            count(&w, Why::ChallengeAck),
            2,
            "the second SYN falls inside 500 ms"
        );
        let limited = w
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Kernel {
                        what: KernelNote::ChallengeAckRateLimited,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(limited, 1);
        // The connection survives: the client's kernel finds the challenge ACK acceptable.
        assert!(!w.packets.iter().any(|p| p.has(Flag::Rst)));

        let mut w = connected(0);
        syn_at(&mut w, 2 * SEC, 12345);
        syn_at(&mut w, 2 * SEC + 100 * MS, 999);
        drain(&mut w);
        assert_eq!(
            count(&w, Why::ChallengeAck),
            2,
            "tcp_invalid_ratelimit = 0 disables the limit"
        );
    }

    #[test]
    fn challenge_ack_restates_snd_nxt_and_rcv_nxt() {
        let mut w = connected(500);
        syn_at(&mut w, 2 * SEC, 777);
        drain(&mut w);
        let srv = first_sock(&w, 1).tcb.clone();
        let ch = w
            .packets
            .iter()
            .find(|p| p.why == Why::ChallengeAck)
            .unwrap();
        assert_eq!(ch.abs_seq, srv.snd_nxt);
        assert_eq!(ch.abs_ack, srv.rcv_nxt);
        assert_eq!(ch.flags, vec![Flag::Ack]);
    }

    #[test]
    fn rst_inside_the_window_but_not_exact_gets_a_challenge_ack() {
        // RFC 5961 3.2: only SEG.SEQ == RCV.NXT resets.
        let mut w = connected(500);
        let rcv_nxt = first_sock(&w, 1).tcb.rcv_nxt;
        let seg = Seg {
            src_ip: 0x0a00_0001,
            dst_ip: 0x0a00_0002,
            sport: 1000,
            dport: 80,
            seq: rcv_nxt.wrapping_add(100),
            ack: 0,
            flags: RST,
            len: 0,
        };
        w.at(
            2 * SEC,
            Action::Inject {
                from: 2,
                spoof: Some(0),
                seg,
                why: Why::ForgedRst,
            },
        );
        let exact = Seg {
            seq: rcv_nxt,
            ..seg
        };
        w.at(
            3 * SEC,
            Action::Inject {
                from: 2,
                spoof: Some(0),
                seg: exact,
                why: Why::ForgedRst,
            },
        );
        drain(&mut w);
        assert_eq!(count(&w, Why::ChallengeAck), 1);
        let notes: Vec<KernelNote> = w
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Kernel { what, .. } => Some(what),
                _ => None,
            })
            .collect();
        assert_eq!(notes, vec![KernelNote::RstInexact, KernelNote::RstAccepted]);
    }

    #[test]
    fn closed_port_answers_per_rfc_9293_3_10_7_1() {
        let mut w = connected(500);
        // No ACK bit: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; a SYN counts one.
        let seg = Seg {
            src_ip: 0x0a00_0003,
            dst_ip: 0x0a00_0002,
            sport: 5,
            dport: 81,
            seq: 100,
            ack: 0,
            flags: SYN,
            len: 0,
        };
        w.at(
            2 * SEC,
            Action::Inject {
                from: 2,
                spoof: None,
                seg,
                why: Why::ForgedSyn,
            },
        );
        // ACK bit: <SEQ=SEG.ACK><CTL=RST>.
        let seg2 = Seg {
            flags: ACK,
            ack: 5555,
            ..seg
        };
        w.at(
            3 * SEC,
            Action::Inject {
                from: 2,
                spoof: None,
                seg: seg2,
                why: Why::ForgedSyn,
            },
        );
        // A RST is never answered.
        let seg3 = Seg { flags: RST, ..seg };
        w.at(
            4 * SEC,
            Action::Inject {
                from: 2,
                spoof: None,
                seg: seg3,
                why: Why::ForgedRst,
            },
        );
        drain(&mut w);
        let rsts: Vec<&Packet> = w
            .packets
            .iter()
            .filter(|p| p.why == Why::RstNoSocket)
            .collect();
        assert_eq!(rsts.len(), 2);
        assert_eq!(rsts[0].flags, vec![Flag::Rst, Flag::Ack]);
        assert_eq!((rsts[0].abs_seq, rsts[0].abs_ack), (0, 101));
        assert_eq!(rsts[1].flags, vec![Flag::Rst]);
        assert_eq!(rsts[1].abs_seq, 5555);
    }

    #[test]
    fn a_retransmitted_fin_in_time_wait_is_acked_again() {
        // RFC 9293 3.10.7.4: in TIME_WAIT, a retransmitted FIN is
        // acknowledged and the 2MSL timeout restarted.
        let mut w = connected(500);
        w.at(
            2 * SEC,
            Action::Close {
                host: 0,
                lport: 1000,
                rport: 80,
            },
        );
        while w.next_at().is_some_and(|t| t < 3 * SEC) {
            w.step();
        }
        let c = first_sock(&w, 0).tcb.clone();
        assert_eq!(c.state, TcpState::TimeWait);
        let fin = Seg {
            src_ip: 0x0a00_0002,
            dst_ip: 0x0a00_0001,
            sport: 80,
            dport: 1000,
            seq: c.rcv_nxt.wrapping_sub(1),
            ack: c.snd_nxt,
            flags: FIN | ACK,
            len: 0,
        };
        let before = w.packets.len();
        w.at(
            10 * SEC,
            Action::Inject {
                from: 1,
                spoof: None,
                seg: fin,
                why: Why::Retransmit,
            },
        );
        // Look before the server's RST for the re-ACK comes back (a RST does
        // end TIME_WAIT on Linux, whose tcp_rfc1337 is 0).
        while w.next_at().is_some_and(|t| t < 10 * SEC + 15 * MS) {
            w.step();
        }
        let reply = &w.packets[before + 1];
        assert_eq!(
            (reply.src.as_str(), reply.flag_str().as_str()),
            ("client", ".")
        );
        assert_eq!(reply.abs_ack, c.rcv_nxt);
        let tw = first_sock(&w, 0).timewait.unwrap();
        assert_eq!(
            tw,
            10 * SEC + 10 * MS + TCP_TIMEWAIT_LEN,
            "restarted from the FIN's arrival"
        );
    }

    #[test]
    fn segments_to_a_crashed_host_are_lost_at_its_door() {
        let mut w = connected(500);
        w.at(2 * SEC, Action::HostCrash { host: 0 });
        w.at(
            3 * SEC,
            Action::Send {
                host: 1,
                lport: 80,
                rport: 1000,
                bytes: 10,
            },
        );
        w.at(
            3 * SEC + 1,
            Action::Send {
                host: 0,
                lport: 1000,
                rport: 80,
                bytes: 10,
            },
        );
        drain(&mut w);
        let data = w.packets.iter().find(|p| p.why == Why::Data).unwrap();
        assert_eq!(data.lost, Some(Loss::HostDown));
        assert_eq!(data.lost_at, Some(3.01));
        assert!(
            w.packets
                .iter()
                .all(|p| p.src != "client" || p.sent_at < 2.0),
            "a crashed host sends nothing"
        );
    }
}
