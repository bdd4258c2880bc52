//! The scenario catalogue. A scenario is one [`Scenario`] value: its id,
//! its title and step-by-step explanation in both languages, the
//! parameters it takes (with its own defaults), and the script that drives
//! the simulated world. The struct has no optional part, so the compiler
//! finds a missing one. Scenarios live one family to a file; the page, the
//! CLI and the wasm catalogue all read them from [`SCENARIOS`].
//!
//! Every scenario starts the same way: a server listening on port 8080, a
//! client connecting to it from port 40000 at time 0. The script adds what
//! happens next and says until when to watch.

use crate::params::{Param, Params};
use crate::sim::{Action, AppPolicy, HostId, Role, World};
use crate::tcb::{tcp_model_timeout, SockOpts, Sysctls, TCP_RTO_MIN};
use crate::text::Text;
use crate::time::{secs, Instant, MS, SEC};
use crate::trace::{format_ipv4, HostInfo, Origin, StopReason, Trace};
use crate::Error;

mod connect;
mod keepalive;
mod middlebox;
mod partition;
mod process;
mod reconnect;
mod retransmit;
mod third_party;
#[cfg(feature = "windowed")]
mod window;

/// One scenario, whole.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// Stable id, used in URLs, the CLI, tests and file names.
    pub id: &'static str,
    /// One line.
    pub title: Text,
    /// What the diagram shows, step by step (page HTML: `<code>`, `<b>`).
    pub steps: &'static [Text],
    /// The parameters a reader can change, in the order the page shows them.
    pub params: &'static [Param],
    /// Where the scenario's defaults differ from Linux's.
    pub overrides: &'static [(Param, i64)],
    /// Queue the scenario's steps on the world; return the horizon (when
    /// to stop watching).
    pub script: fn(&mut Script) -> Instant,
}

/// Every scenario, in the order the explainer presents them.
pub static SCENARIOS: &[&Scenario] = &[
    &process::PROCESS_CRASH,
    &keepalive::HOST_CRASH_IDLE,
    &keepalive::KEEPALIVE_PEER_ALIVE,
    &keepalive::KEEPALIVE_PEER_DEAD,
    &retransmit::HOST_CRASH_DATA_NO_REBOOT,
    &retransmit::HOST_CRASH_REBOOT_NO_LISTENER,
    &retransmit::HOST_CRASH_REBOOT_LISTENER,
    &reconnect::SYN_ESTABLISHED_NEW_PORT,
    &reconnect::SYN_ESTABLISHED_SAME_PORT,
    &third_party::KILL_FROM_OUTSIDE,
    &connect::CONNECT_DEAD_HOST,
    &middlebox::MIDDLEBOX_IDLE_TIMEOUT,
    &partition::PARTITION_HEALS,
    #[cfg(feature = "windowed")]
    &window::PEER_HUNG,
    #[cfg(feature = "windowed")]
    &window::HOST_CRASH_BULK,
];

/// The scenario with this id.
pub fn find(id: &str) -> Result<&'static Scenario, Error> {
    SCENARIOS
        .iter()
        .copied()
        .find(|s| s.id == id)
        .ok_or_else(|| Error::UnknownScenario { id: id.to_string() })
}

impl Scenario {
    /// Its default parameters.
    pub fn defaults(&self) -> Params {
        Params::new(self.params, self.overrides)
    }
}

/// Default parameters for a scenario.
pub fn defaults(id: &str) -> Result<Params, Error> {
    Ok(find(id)?.defaults())
}

/// The most segments a run puts on the wire before it stops
/// (`stop: "event_limit"`). Chosen from what a diagram can show and a page
/// can draw: 300 segments make a diagram some 15,000 px tall, and drawing
/// it (simulation, SVG, DOM, first frame) takes about 70 ms on the
/// project's 2-core machine; 500 took 130 ms (scripts/bench-web.mjs,
/// "worst cases"). At the cap every output stays far under 1 MB.
pub const MAX_SEGMENTS: usize = 300;

/// The most events (segment arrivals, timer expiries, scripted steps) a
/// run processes: a second bound, for runs busy with timers that send
/// little. A run at the segment cap takes about 2,000.
pub const MAX_STEPS: u64 = 20_000;

/// The most records (state changes, timers, application calls, kernel
/// notes) a trace keeps before the run stops: a third bound, so that the
/// trace, its JSON and its diagram stay small whatever the timers do. Runs
/// have 3 to 7 per segment (a run at the segment cap about 600-2,000).
pub const MAX_RECORDS: usize = 4_000;

/// Whether a run has reached one of its bounds.
fn at_cap(w: &World) -> bool {
    w.steps >= MAX_STEPS || w.packets.len() >= MAX_SEGMENTS || w.events.len() >= MAX_RECORDS
}

/// Why a run stopped at the cap, for the message a reader sees.
#[derive(Clone, Debug, PartialEq)]
pub struct CapNote {
    /// Segments on the wire when it stopped.
    pub segments: usize,
    /// Records in the trace when it stopped (a run busy with timers stops
    /// on these, or on its steps, before it reaches the segment cap).
    pub records: usize,
    /// When it stopped (seconds).
    pub at: f64,
    /// The parameters that differ from the scenario's defaults (what made
    /// the run this long), `observe_s` first, then in catalogue order.
    pub changed: Vec<(&'static crate::ParamSpec, i64)>,
}

/// For a run that stopped at the cap (`stop: "event_limit"`), what to tell
/// the reader; `None` otherwise.
pub fn cap_note(trace: &Trace) -> Option<CapNote> {
    if trace.stop != StopReason::EventLimit {
        return None;
    }
    let mut changed = Vec::new();
    if let Ok(s) = find(&trace.scenario) {
        let d = s.defaults();
        // observe_s first, then the others in catalogue order (two passes:
        // a sort would bring its code into the wasm build).
        for first in [true, false] {
            for spec in d.specs() {
                if (spec.param == Param::ObserveS) != first {
                    continue;
                }
                match trace.params.get(spec.name) {
                    Some(v) if *v != d.get(spec.param) => changed.push((*spec, *v)),
                    _ => {}
                }
            }
        }
    }
    Some(CapNote {
        segments: trace.packets.len(),
        records: trace.events.len(),
        at: trace.end_at,
        changed,
    })
}

/// Addresses and ports used by every scenario.
pub const CLIENT_IP: u32 = 0x0a00_0001;
pub const SERVER_IP: u32 = 0x0a00_0002;
pub const ATTACKER_IP: u32 = 0x0a00_0003;
pub const MIDDLEBOX_IP: u32 = 0x0a00_0004;
pub const CLIENT_PORT: u16 = 40000;
pub const CLIENT_PORT_NEW: u16 = 40001;
pub const SERVER_PORT: u16 = 8080;

/// Run a scenario with the given parameters.
pub fn run(id: &str, params: &Params) -> Result<Trace, Error> {
    Ok(checked(id, params)?.run(params))
}

/// The scenario, once the caller's parameters are known to belong to it
/// and to be valid.
fn checked(id: &str, params: &Params) -> Result<&'static Scenario, Error> {
    let s = find(id)?;
    if params.specs().len() != s.params.len() || s.params.iter().any(|p| !params.accepts(*p)) {
        return Err(Error::Param(crate::ParamError::Conflict {
            message: format!("parameters were made for another scenario than '{id}'"),
        }));
    }
    params.validate()?;
    Ok(s)
}

/// What `ss -tnoi` would show on the client and the server at `at` into a
/// run of the scenario: every event up to and including that instant has
/// happened (the run stops early at its horizon or the event cap, as
/// [`run`] does).
pub fn ss_at(id: &str, params: &Params, at: Instant) -> Result<crate::ss::Snapshot, Error> {
    let (mut w, horizon) = checked(id, params)?.build(params);
    let until = at.min(horizon);
    while w.next_at().is_some_and(|t| t <= until) && !at_cap(&w) {
        w.step();
    }
    w.now = w.now.max(at);
    Ok(w.ss())
}

/// What [`ss_at`] shows at each of `times` (ascending), from one run of the
/// scenario instead of one run per instant (the diagram's send-buffer
/// gauge samples the sender's Send-Q at every segment it sends or
/// receives).
pub fn ss_series(
    id: &str,
    params: &Params,
    times: &[Instant],
) -> Result<Vec<crate::ss::Snapshot>, Error> {
    let (mut w, horizon) = checked(id, params)?.build(params);
    let mut out = Vec::with_capacity(times.len());
    for &at in times {
        let until = at.min(horizon);
        while w.next_at().is_some_and(|t| t <= until) && !at_cap(&w) {
            w.step();
        }
        w.now = w.now.max(at);
        out.push(w.ss());
    }
    Ok(out)
}

/// What a script works with: the world with a client and a server, the
/// parameters, and the two processes' behaviour (which the script may
/// change before they start).
pub struct Script<'a> {
    pub world: World,
    pub p: &'a Params,
    /// The kernels' settings (both hosts share them).
    pub sys: Sysctls,
    pub client: HostId,
    pub server: HostId,
    /// The server's process: its socket options, what it does on EOF.
    pub server_app: AppPolicy,
    /// The client's process.
    pub client_app: AppPolicy,
}

impl Script<'_> {
    /// A parameter in seconds, as an instant.
    pub fn secs(&self, p: Param) -> Instant {
        self.p.get(p).max(0) as u64 * SEC
    }

    /// A parameter in milliseconds, as an instant.
    pub fn ms(&self, p: Param) -> Instant {
        self.p.get(p).max(0) as u64 * MS
    }

    /// The round-trip time of the link.
    pub fn rtt(&self) -> Instant {
        self.ms(Param::RttMs)
    }

    /// How long to watch after the last scripted step.
    pub fn observe(&self) -> Instant {
        self.secs(Param::ObserveS)
    }

    /// Queue a step.
    pub fn at(&mut self, t: Instant, a: Action) {
        self.world.at(t, a);
    }

    /// The server's process writes `bytes` on the first connection.
    pub fn server_sends(&mut self, t: Instant, bytes: u32) {
        let (host, peer) = (self.server, self.client);
        self.at(
            t,
            Action::Send {
                host,
                lport: SERVER_PORT,
                peer,
                rport: CLIENT_PORT,
                bytes,
            },
        );
    }

    /// The client host crashes.
    pub fn client_crashes(&mut self, t: Instant) {
        let host = self.client;
        self.at(t, Action::HostCrash { host });
    }

    /// The client's process, which had stopped reading, reads again.
    pub fn client_resumes_reading(&mut self, t: Instant) {
        let host = self.client;
        self.at(t, Action::ResumeReading { host });
    }

    /// The crashed client host has booted.
    pub fn client_reboots(&mut self, t: Instant) {
        let host = self.client;
        self.at(t, Action::RebootDone { host });
    }

    /// A process on the client connects to the server from `sport`.
    pub fn client_connects(&mut self, t: Instant, sport: u16) {
        let (host, dst) = (self.client, self.server);
        self.at(
            t,
            Action::Connect {
                host,
                sport,
                dst,
                dport: SERVER_PORT,
                app: AppPolicy::default(),
            },
        );
    }

    /// From the last segment received to keepalive giving up, if the
    /// server's socket has SO_KEEPALIVE (0 otherwise).
    pub fn keepalive_span(&self) -> Instant {
        self.server_app.opts.keepalive_span(&self.sys)
    }

    /// An upper bound on how long the server's retransmissions can last.
    pub fn retransmission_budget(&self) -> Instant {
        let model = tcp_model_timeout(self.sys.retries2, TCP_RTO_MIN, self.sys.rto_max);
        model.max(self.server_app.opts.user_timeout) + 2 * self.sys.rto_max
    }
}

/// The kernels' settings from the parameters (Linux's defaults for those
/// the scenario does not take).
fn sysctls(p: &Params) -> Sysctls {
    let s = |x: Param| p.get_or_default(x).max(0) as u64 * SEC;
    let ms = |x: Param| p.get_or_default(x).max(0) as u64 * MS;
    let n = |x: Param| p.get_or_default(x) as u32;
    Sysctls {
        keepalive_time: s(Param::TcpKeepaliveTime),
        keepalive_intvl: s(Param::TcpKeepaliveIntvl),
        keepalive_probes: n(Param::TcpKeepaliveProbes),
        retries2: n(Param::TcpRetries2),
        syn_retries: n(Param::TcpSynRetries),
        syn_linear_timeouts: n(Param::TcpSynLinearTimeouts),
        rto_min: ms(Param::TcpRtoMin),
        rto_max: ms(Param::TcpRtoMax),
        invalid_ratelimit: ms(Param::TcpInvalidRatelimit),
    }
}

/// The server socket's options from the parameters (off where the scenario
/// does not take them).
fn server_opts(p: &Params) -> SockOpts {
    let v = |x: Param| p.get_or_default(x).max(0) as u64;
    SockOpts {
        keepalive: v(Param::SoKeepalive) == 1,
        keepidle: v(Param::TcpKeepidle) * SEC,
        keepintvl: v(Param::TcpKeepintvl) * SEC,
        keepcnt: v(Param::TcpKeepcnt) as u32,
        user_timeout: v(Param::TcpUserTimeout) * MS,
        // SO_SNDBUF only where the scenario takes it: it turns on the
        // windowed model (sim/window.rs) for the server's data.
        sndbuf: if p.accepts(Param::SoSndbuf) {
            v(Param::SoSndbuf) as u32
        } else {
            0
        },
        rcvbuf: 0,
    }
}

impl Scenario {
    /// Build the world, run the script, and watch until the horizon.
    fn run(&self, p: &Params) -> Trace {
        let (world, horizon) = self.build(p);
        watch(world, horizon, self.id, p)
    }

    /// The world with the script's steps queued, and the horizon.
    fn build(&self, p: &Params) -> (World, Instant) {
        let sys = sysctls(p);
        let rtt = p.get(Param::RttMs) as u64 * MS;
        let mut world = World::new(
            p.get(Param::Seed) as u64,
            rtt / 2,
            // (The windowed scenarios take no loss_pct: 0.)
            p.get_or_default(Param::LossPct) as u32,
        );
        let client = world.add_host(Role::Client, CLIENT_IP, sys);
        let server = world.add_host(Role::Server, SERVER_IP, sys);
        let mut s = Script {
            world,
            p,
            sys,
            client,
            server,
            server_app: AppPolicy {
                opts: server_opts(p),
                ..AppPolicy::default()
            },
            client_app: AppPolicy::default(),
        };
        let horizon = (self.script)(&mut s);
        // Every scenario starts the same way: the server listens, the client connects.
        let (server_app, client_app) = (s.server_app, s.client_app);
        s.at(
            0,
            Action::Listen {
                host: server,
                port: SERVER_PORT,
                app: server_app,
            },
        );
        s.at(
            0,
            Action::Connect {
                host: client,
                sport: CLIENT_PORT,
                dst: server,
                dport: SERVER_PORT,
                app: client_app,
            },
        );
        (s.world, horizon)
    }
}

/// Run the world until nothing is left, the horizon, or the event cap.
fn watch(mut w: World, horizon: Instant, scenario: &str, params: &Params) -> Trace {
    let mut stop = StopReason::Quiet;
    loop {
        match w.next_at() {
            None => break,
            Some(t) if t > horizon => {
                stop = StopReason::Horizon;
                break;
            }
            Some(_) => {}
        }
        if at_cap(&w) {
            stop = StopReason::EventLimit;
            break;
        }
        w.step();
    }
    // Stale timer entries may have advanced the clock: the run's last
    // moment is its last recorded happening.
    let last_packet = w
        .packets
        .iter()
        .map(|p| p.sent_at.max(p.arrived_at.or(p.lost_at).unwrap_or(0.0)));
    let last_event = w.events.iter().map(|e| e.at);
    let last_s = last_packet.chain(last_event).fold(0.0f64, f64::max);
    let last = (last_s * SEC as f64).round() as Instant;
    // A connection still open (a half-open one, say) is watched to the
    // horizon; otherwise the run ends with its last event.
    let end = if (stop == StopReason::Quiet && !w.any_open_connection())
        || stop == StopReason::EventLimit
    {
        last
    } else {
        horizon.max(last)
    };
    let hosts = w
        .hosts
        .iter()
        .map(|h| HostInfo {
            name: h.name().to_string(),
            ip: format_ipv4(h.ip),
        })
        .collect();
    let (packets, events) = w.finish();
    let mut t = Trace {
        scenario: scenario.to_string(),
        origin: Origin::Simulation,
        params: params.to_map(),
        hosts,
        packets,
        events,
        end_at: secs(end),
        stop,
        outcome: Vec::new(),
    };
    t.outcome = crate::outcome::outcomes(&t);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_text_has_both_languages() {
        let mut ids = std::collections::BTreeSet::new();
        for s in SCENARIOS {
            assert!(ids.insert(s.id), "{} twice", s.id);
            assert!(!s.steps.is_empty(), "{} explains nothing", s.id);
            #[cfg(feature = "texts")]
            for t in std::iter::once(&s.title).chain(s.steps) {
                assert!(
                    !t.zh.trim().is_empty() && !t.en.trim().is_empty(),
                    "{}",
                    s.id
                );
            }
            for (p, _) in s.overrides {
                assert!(
                    s.params.contains(p),
                    "{} overrides {:?}, which it does not take",
                    s.id,
                    p
                );
            }
            let mut sorted = s.params.to_vec();
            sorted.sort();
            sorted.dedup();
            assert_eq!(
                sorted.len(),
                s.params.len(),
                "{} lists a parameter twice",
                s.id
            );
        }
    }
}
