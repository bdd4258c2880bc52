//! The simulated world: hosts with kernels, a link, an event queue, and the
//! TCP input, output and timer paths with Linux's choices.
//!
//! Time advances by jumping from one queued event to the next, so the cost
//! of a run grows with the number of events, never with the span of virtual
//! time. Everything is deterministic: ISNs and loss come from a seeded PRNG.
//!
//! One file per concern; each rule names its RFC section or Linux function:
//!
//! | file | what happens there |
//! |---|---|
//! | `mod.rs` | the world, its event queue, the trace records |
//! | `sockets.rs` | hosts, their socket table and listeners |
//! | `output.rs` | putting segments on the link; RST replies |
//! | `path.rs` | the path: delay, random loss, partitions |
//! | `middlebox.rs` | a stateful middlebox on the path and its flow table |
//! | `neigh.rs` | ARP for a peer on the same LAN that is down: segments wait, then ICMP host unreachable |
//! | `timers.rs` | the per-socket timer table; arming, firing, cancelling |
//! | `retransmit.rs` | the retransmission timer, the tail loss probe, ACK processing |
//! | `keepalive.rs` | the keepalive timer |
//! | `app.rs` | the application's calls: send, recv, close |
//! | `faults.rs` | scripted steps: listen, connect, kill, crash, reboot, forged segments |
//! | `input/` | arriving segments: demultiplexing, the handshake, RFC 9293 3.10.7.4's steps |

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::tcb::{Sysctls, Tcb};
use crate::time::{secs, Instant};
use crate::trace::*;

mod app;
mod faults;
mod input;
mod keepalive;
mod middlebox;
mod neigh;
mod output;
mod path;
mod retransmit;
mod sockets;
mod ss_view;
#[cfg(test)]
mod tests;
mod timers;
mod window;

pub use crate::segment::{flags, Seg};
pub use faults::Action;
pub use sockets::{AppPolicy, Host, OnEof, Role};

use middlebox::{FlowEv, Middlebox};
use path::Cut;
use sockets::Listener;
use timers::TimerEv;

/// Index of a host in the world.
pub type HostId = usize;

/// A queued happening.
#[derive(Clone, Debug)]
enum Ev {
    /// A segment reaches `host`.
    Arrive { host: HostId, seg: Seg, pkt: usize },
    /// A socket timer comes due.
    Timer(TimerEv),
    /// A scripted step.
    Action(Action),
    /// A segment reaches the middlebox halfway to `dst`.
    Middlebox { dst: HostId, seg: Seg, pkt: usize },
    /// A middlebox flow's idle timer comes due.
    FlowExpiry(FlowEv),
    /// A neighbour entry's timer comes due (see `neigh.rs`).
    Neigh(usize),
}

/// Queue order: time, then insertion order (events at the same instant run
/// in the order they were queued).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Queued {
    at: Instant,
    order: u64,
}

/// A third party's plan in progress: it watches for the victim's
/// challenge ACK to read the numbers off it (see `faults.rs`).
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
    /// The last timer generation handed out (unique in the world, so a
    /// stale queue entry, even for a reused socket slot, never fires).
    next_gen: u64,
    /// Partitions: when the path drops everything.
    cuts: Vec<Cut>,
    /// A stateful middlebox on the path, if any.
    middlebox: Option<Middlebox>,
    /// Where the run's clock sits on the kernel's timer wheel.
    wheel: crate::wheel::Wheel,
    /// The hosts share one LAN: a segment to a host that is down waits for
    /// ARP, which fails (see `neigh.rs`).
    pub same_lan: bool,
    /// Neighbour entries being resolved (a failed one is gone).
    neighs: Vec<Option<neigh::Neigh>>,
    /// The window the segment being sent advertises, when its socket has a
    /// fixed receive buffer (set by `send_from`, taken by `transmit`).
    next_win: Option<u16>,
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
            cuts: Vec::new(),
            middlebox: None,
            wheel: crate::wheel::Wheel::from_seed(seed),
            same_lan: false,
            neighs: Vec::new(),
            next_win: None,
        }
    }

    /// Add a host with its address and kernel settings.
    pub fn add_host(&mut self, role: Role, ip: u32, sysctl: Sysctls) -> HostId {
        let isn_state = splitmix(&mut self.rng);
        self.hosts.push(Host::new(role, ip, sysctl, isn_state));
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
            Ev::Timer(t) => self.timer(t),
            Ev::Action(a) => self.action(a),
            Ev::Middlebox { dst, seg, pkt } => self.middlebox_pass(dst, seg, pkt),
            Ev::FlowExpiry(e) => self.flow_expiry(e),
            Ev::Neigh(i) => self.neigh_timer(i),
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

    fn random(&mut self) -> u64 {
        splitmix(&mut self.rng)
    }

    // ----- trace records -----------------------------------------------------

    fn ev(&mut self, host: HostId, kind: EventKind) {
        self.events.push(Event {
            at: secs(self.now),
            host: self.hosts[host].name().to_string(),
            kind,
        });
    }

    fn app(
        &mut self,
        host: HostId,
        call: AppCall,
        result: AppResult,
        since: Option<Instant>,
        (lport, rport): (u16, u16),
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

    fn note(&mut self, host: HostId, what: KernelNote, packet: Option<usize>, ports: (u16, u16)) {
        let (lport, rport) = ports;
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
        let (lport, rport) = s.tcb.ports();
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

    /// Fill in relative sequence numbers and hand back the records.
    pub fn finish(&mut self) -> (Vec<Packet>, Vec<Event>) {
        let mut packets = std::mem::take(&mut self.packets);
        let ip = |name: &str| {
            self.hosts
                .iter()
                .find(|h| h.name() == name)
                .map(|h| h.ip)
                .unwrap_or(0)
        };
        let keys: Vec<WireKey> = packets
            .iter()
            .map(|p| WireKey {
                src_ip: ip(p.spoofed_as.as_deref().unwrap_or(&p.src)),
                sport: p.sport,
                dst_ip: ip(&p.dst),
                dport: p.dport,
                syn: p.has(Flag::Syn),
                abs_seq: p.abs_seq,
                abs_ack: p.abs_ack,
            })
            .collect();
        for (p, (s, a)) in packets.iter_mut().zip(relativize_few(&keys)) {
            p.seq = s;
            p.ack = if p.has(Flag::Ack) { Some(a) } else { None };
        }
        (packets, std::mem::take(&mut self.events))
    }
}

impl Tcb {
    /// (local port, remote port), as the trace records name a socket.
    fn ports(&self) -> (u16, u16) {
        (self.lport, self.rport)
    }
}
