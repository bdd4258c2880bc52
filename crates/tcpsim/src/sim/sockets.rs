//! Hosts and their kernels' socket tables: connected sockets indexed by
//! four-tuple, listeners by port, and what the owning process does.

use super::timers::Timers;
use super::{slab_insert, splitmix, HostId, World};
use crate::tcb::{SockOpts, Sysctls, Tcb};
use crate::time::Instant;
use crate::trace::TcpState;

/// What a host is in a scenario; its name in the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The peer whose process or host dies.
    Client,
    /// The side whose socket the scenarios watch.
    Server,
    /// A third party that forges segments and sniffs the client's side.
    Attacker,
    /// A stateful box on the path (NAT, load balancer, firewall).
    Middlebox,
}

impl Role {
    /// The host's name in the trace (`client`, `server`, `attacker`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
            Role::Attacker => "attacker",
            Role::Middlebox => "middlebox",
        }
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
    /// The size of the buffer each recv() is given (0: all that is there).
    pub read_chunk: u32,
    /// How long after a recv() returns data the process calls the next one
    /// (µs; 0: at once): a reader that works on what it read.
    pub read_every: u64,
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
            read_chunk: 0,
            read_every: 0,
        }
    }
}

/// A socket slot: the TCB plus its process side and timers.
#[derive(Clone, Debug)]
pub(super) struct Sock {
    pub tcb: Tcb,
    /// The process holding a descriptor for it (None: an orphan).
    pub app: Option<AppPolicy>,
    /// A recv() (or connect()) the process is blocked in, since when.
    pub blocked_recv: Option<Instant>,
    /// A steady reader working on what it read: not in recv() until its
    /// `ReadAgain` comes.
    pub read_busy: bool,
    /// A `DataReady` is queued: the blocked reader runs once the segments
    /// arriving at this instant are in.
    #[cfg(feature = "windowed")]
    pub wake_queued: bool,
    pub timers: Timers,
}

/// A listening socket.
#[derive(Clone, Debug)]
pub(super) struct Listener {
    pub port: u16,
    pub app: AppPolicy,
    /// Whether the process owning it is alive.
    pub open: bool,
}

/// A host: a kernel (sockets, listeners, sysctls) and whether it is up.
#[derive(Clone, Debug)]
pub struct Host {
    pub role: Role,
    pub ip: u32,
    pub up: bool,
    pub sysctl: Sysctls,
    pub(super) socks: Vec<Option<Sock>>,
    /// Four-tuple (local port, remote address, remote port) to socket slot,
    /// for the lookups Linux makes in its established hash
    /// (`__inet_lookup_established`): a binary search, so ten thousand
    /// connections cost little more than one.
    index: SockIndex,
    /// Empty slots in `socks`.
    free: Vec<usize>,
    pub(super) listeners: Vec<Listener>,
    /// Incremented on crash and reboot: timers of an old life are void.
    pub(super) epoch: u32,
    isn_state: u64,
    pub(super) ip_id: u16,
}

/// Connected sockets by four-tuple (local port, remote address, remote
/// port), kept sorted: a lookup is a binary search. (A sorted vector, not a
/// BTreeMap: the same lookups in a fraction of the wasm code.)
#[derive(Clone, Debug, Default)]
struct SockIndex(Vec<((u16, u32, u16), usize)>);

impl SockIndex {
    fn get(&self, key: (u16, u32, u16)) -> Option<usize> {
        self.0
            .binary_search_by(|e| e.0.cmp(&key))
            .ok()
            .map(|i| self.0[i].1)
    }

    fn insert(&mut self, key: (u16, u32, u16), slot: usize) {
        match self.0.binary_search_by(|e| e.0.cmp(&key)) {
            Ok(i) => self.0[i].1 = slot,
            Err(i) => self.0.insert(i, (key, slot)),
        }
    }

    fn remove(&mut self, key: (u16, u32, u16)) {
        if let Ok(i) = self.0.binary_search_by(|e| e.0.cmp(&key)) {
            self.0.remove(i);
        }
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

impl Host {
    pub(super) fn new(role: Role, ip: u32, sysctl: Sysctls, isn_state: u64) -> Host {
        Host {
            role,
            ip,
            up: true,
            sysctl,
            socks: Vec::new(),
            index: SockIndex::default(),
            free: Vec::new(),
            listeners: Vec::new(),
            epoch: 0,
            isn_state,
            ip_id: 0,
        }
    }

    /// The host's name in the trace.
    pub fn name(&self) -> &'static str {
        self.role.name()
    }

    /// A crash: every socket, listener and timer is gone.
    pub(super) fn wipe(&mut self) {
        self.up = false;
        self.epoch += 1;
        self.socks.clear();
        self.index.clear();
        self.free.clear();
        self.listeners.clear();
    }

    /// The end of a reboot: a fresh kernel, with a fresh ISN generator.
    pub(super) fn boot(&mut self, isn_seed: u64) {
        self.up = true;
        self.epoch += 1;
        self.isn_state = isn_seed;
    }

    /// An open listener on `port`.
    pub(super) fn listener(&self, port: u16) -> Option<&Listener> {
        self.listeners.iter().find(|l| l.port == port && l.open)
    }
}

impl World {
    pub(super) fn sock_mut(&mut self, host: HostId, sock: usize) -> &mut Sock {
        self.hosts[host].socks[sock]
            .as_mut()
            .expect("socket index refers to a live socket")
    }

    pub(super) fn sock(&self, host: HostId, sock: usize) -> Option<&Sock> {
        self.hosts[host].socks.get(sock).and_then(|s| s.as_ref())
    }

    /// The socket for a four-tuple, in whatever state.
    pub(super) fn find_any(&self, host: HostId, lport: u16, rip: u32, rport: u16) -> Option<usize> {
        self.hosts[host].index.get((lport, rip, rport))
    }

    /// The socket for a four-tuple, unless it is CLOSED.
    pub(super) fn find(&self, host: HostId, lport: u16, rip: u32, rport: u16) -> Option<usize> {
        self.find_any(host, lport, rip, rport).filter(|&i| {
            self.sock(host, i)
                .is_some_and(|s| s.tcb.state != TcpState::Closed)
        })
    }

    /// The socket a process on `host` holds for the connection (lport, peer:rport).
    pub(super) fn find_owned(
        &self,
        host: HostId,
        lport: u16,
        peer: HostId,
        rport: u16,
    ) -> Option<usize> {
        let rip = self.hosts[peer].ip;
        self.find_any(host, lport, rip, rport)
            .filter(|&s| self.sock(host, s).is_some_and(|s| s.app.is_some()))
    }

    pub(super) fn insert(&mut self, host: HostId, tcb: Tcb, app: Option<AppPolicy>) -> usize {
        let s = Sock {
            tcb,
            app,
            blocked_recv: None,
            read_busy: false,
            #[cfg(feature = "windowed")]
            wake_queued: false,
            timers: Timers::default(),
        };
        let key = (s.tcb.lport, s.tcb.rip, s.tcb.rport);
        let h = &mut self.hosts[host];
        let slot = slab_insert(&mut h.socks, &mut h.free, s);
        h.index.insert(key, slot);
        slot
    }

    pub(super) fn free_sock(&mut self, host: HostId, sock: usize) {
        let h = &mut self.hosts[host];
        if let Some(s) = h.socks[sock].take() {
            let key = (s.tcb.lport, s.tcb.rip, s.tcb.rport);
            if h.index.get(key) == Some(sock) {
                h.index.remove(key);
            }
            h.free.push(sock);
        }
    }

    pub(super) fn new_isn(&mut self, host: HostId) -> u32 {
        splitmix(&mut self.hosts[host].isn_state) as u32
    }
}
