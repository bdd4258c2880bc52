//! The scenario catalogue (see shared/scenarios.md): ids, titles, which
//! parameters each takes, and the scripts that drive the simulator.

use crate::params::Params;
use crate::sim::{Action, AppPolicy, OnEof, Role, World};
use crate::tcb::{tcp_model_timeout, SockOpts, Sysctls};
use crate::time::{secs, Instant, MS, SEC};
use crate::trace::{format_ipv4, HostInfo, StopReason, Trace};
use crate::Error;

/// A scenario's id and one-line title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    pub id: &'static str,
    pub title: &'static str,
    /// Parameters the scenario accepts.
    pub params: &'static [&'static str],
    /// Scenario-specific defaults that differ from Linux's.
    pub overrides: &'static [(&'static str, i64)],
}

/// Every scenario, in the order the explainer presents them.
pub static SCENARIOS: &[ScenarioInfo] = &[
    ScenarioInfo {
        id: "process-crash",
        title: "Client process killed: its kernel closes the connection with FIN (RST if data was unread)",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "unread_data", "server_writes", "close_delay_ms", "send_bytes", "observe_s"],
        overrides: &[("server_writes", 0), ("observe_s", 70)],
    },
    ScenarioInfo {
        id: "host-crash-idle",
        title: "Client host crashes on an idle connection without keepalive: the server stays ESTABLISHED",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "so_keepalive", "tcp_keepalive_time", "tcp_keepalive_intvl", "tcp_keepalive_probes", "observe_s"],
        overrides: &[("so_keepalive", 0), ("observe_s", 10800)],
    },
    ScenarioInfo {
        id: "keepalive-peer-alive",
        title: "Keepalive on an idle connection whose peer is alive: probe, ACK, the idle timer starts over",
        params: &["rtt_ms", "loss_pct", "seed", "so_keepalive", "tcp_keepalive_time", "tcp_keepalive_intvl", "tcp_keepalive_probes", "tcp_keepidle", "tcp_keepintvl", "tcp_keepcnt", "tcp_user_timeout", "observe_s"],
        overrides: &[("so_keepalive", 1), ("observe_s", 60)],
    },
    ScenarioInfo {
        id: "keepalive-peer-dead",
        title: "Keepalive when the client host has crashed: unanswered probes, RST, ETIMEDOUT",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "so_keepalive", "tcp_keepalive_time", "tcp_keepalive_intvl", "tcp_keepalive_probes", "tcp_keepidle", "tcp_keepintvl", "tcp_keepcnt", "tcp_user_timeout", "observe_s"],
        overrides: &[("so_keepalive", 1), ("observe_s", 60)],
    },
    ScenarioInfo {
        id: "host-crash-data-no-reboot",
        title: "Client host crashes and the server sends data: retransmissions until tcp_retries2's time budget, ETIMEDOUT",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "send_at", "send_bytes", "tcp_retries2", "tcp_rto_min", "tcp_rto_max", "tcp_user_timeout", "observe_s"],
        overrides: &[("observe_s", 60)],
    },
    ScenarioInfo {
        id: "host-crash-reboot-no-listener",
        title: "Client host reboots during the retransmissions: the first one to reach it gets a RST",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "send_at", "send_bytes", "reboot_s", "tcp_retries2", "tcp_rto_min", "tcp_rto_max", "tcp_user_timeout", "observe_s"],
        overrides: &[("reboot_s", 30), ("observe_s", 30)],
    },
    ScenarioInfo {
        id: "host-crash-reboot-listener",
        title: "Rebooted client listens on its old port: the old connection's segment still gets a RST",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "send_at", "send_bytes", "reboot_s", "tcp_retries2", "tcp_rto_min", "tcp_rto_max", "tcp_user_timeout", "observe_s"],
        overrides: &[("reboot_s", 30), ("observe_s", 30)],
    },
    ScenarioInfo {
        id: "syn-established-new-port",
        title: "Rebooted client reconnects from a new port: a new connection beside the half-open old one",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "reboot_s", "reconnect_after", "server_writes", "send_at", "send_bytes", "tcp_retries2", "so_keepalive", "tcp_keepalive_time", "tcp_keepalive_intvl", "tcp_keepalive_probes", "observe_s"],
        overrides: &[("reboot_s", 30), ("send_at", 60), ("observe_s", 30)],
    },
    ScenarioInfo {
        id: "syn-established-same-port",
        title: "Rebooted client reconnects from the same port: challenge ACK, RST, then a fresh connection",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "reboot_s", "reconnect_after", "tcp_invalid_ratelimit", "tcp_syn_retries", "tcp_syn_linear_timeouts", "observe_s"],
        overrides: &[("reboot_s", 30), ("observe_s", 30)],
    },
    ScenarioInfo {
        id: "kill-from-outside",
        title: "A third party kills a connection: forged SYN, challenge ACK reveals the numbers, forged RST",
        params: &["rtt_ms", "loss_pct", "seed", "attack_at", "tcp_invalid_ratelimit", "observe_s"],
        overrides: &[("observe_s", 30)],
    },
];

/// Default parameters for a scenario.
pub fn defaults(id: &str) -> Result<Params, Error> {
    let s = SCENARIOS
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Error::UnknownScenario { id: id.to_string() })?;
    Ok(Params::new(s.params, s.overrides))
}

/// Hard cap on processed events, so that no parameter combination can make
/// a run (or a page) hang.
pub const MAX_STEPS: u64 = 500_000;

/// Addresses and ports used by every scenario.
pub const CLIENT_IP: u32 = 0x0a00_0001;
pub const SERVER_IP: u32 = 0x0a00_0002;
pub const ATTACKER_IP: u32 = 0x0a00_0003;
pub const CLIENT_PORT: u16 = 40000;
pub const CLIENT_PORT_NEW: u16 = 40001;
pub const SERVER_PORT: u16 = 8080;

/// Run a scenario with the given parameters.
pub fn run(id: &str, params: &Params) -> Result<Trace, Error> {
    let info = SCENARIOS
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Error::UnknownScenario { id: id.to_string() })?;
    // The caller's Params must belong to this scenario.
    for n in info.params {
        if !params.accepts(n) {
            return Err(Error::Param(crate::ParamError::Conflict {
                message: format!("parameters were made for another scenario than '{id}'"),
            }));
        }
    }
    params.validate()?;
    Ok(build(info, params).run())
}

/// A scenario turned into a world, a script and a horizon.
struct Plan {
    world: World,
    horizon: Instant,
    scenario: &'static str,
    params: Params,
}

fn secs_of(p: &Params, name: &str) -> Instant {
    p.get(name).max(0) as u64 * SEC
}

fn sysctls(p: &Params) -> Sysctls {
    let mut s = Sysctls::default();
    let set = |name: &str, slot: &mut u64, unit: u64| {
        if p.accepts(name) {
            *slot = p.get(name) as u64 * unit;
        }
    };
    set("tcp_keepalive_time", &mut s.keepalive_time, SEC);
    set("tcp_keepalive_intvl", &mut s.keepalive_intvl, SEC);
    set("tcp_rto_min", &mut s.rto_min, MS);
    set("tcp_rto_max", &mut s.rto_max, MS);
    set("tcp_invalid_ratelimit", &mut s.invalid_ratelimit, MS);
    let set32 = |name: &str, slot: &mut u32| {
        if p.accepts(name) {
            *slot = p.get(name) as u32;
        }
    };
    set32("tcp_keepalive_probes", &mut s.keepalive_probes);
    set32("tcp_retries2", &mut s.retries2);
    set32("tcp_syn_retries", &mut s.syn_retries);
    set32("tcp_syn_linear_timeouts", &mut s.syn_linear_timeouts);
    s
}

fn server_opts(p: &Params) -> SockOpts {
    SockOpts {
        keepalive: p.get("so_keepalive") == 1,
        keepidle: secs_of(p, "tcp_keepidle"),
        keepintvl: secs_of(p, "tcp_keepintvl"),
        keepcnt: p.get("tcp_keepcnt") as u32,
        user_timeout: p.get("tcp_user_timeout").max(0) as u64 * MS,
    }
}

/// An upper bound on how long the retransmissions can last.
fn retransmission_budget(p: &Params, s: &Sysctls) -> Instant {
    let model = tcp_model_timeout(s.retries2, crate::tcb::TCP_RTO_MIN, s.rto_max);
    let user = p.get("tcp_user_timeout").max(0) as u64 * MS;
    model.max(user) + 2 * s.rto_max
}

fn build(info: &ScenarioInfo, p: &Params) -> Plan {
    let sys = sysctls(p);
    let rtt = p.get("rtt_ms") as u64 * MS;
    let mut w = World::new(p.get("seed") as u64, rtt / 2, p.get("loss_pct") as u32);
    let client = w.add_host(Role::Client, CLIENT_IP, sys);
    let server = w.add_host(Role::Server, SERVER_IP, sys);
    let observe = secs_of(p, "observe_s");
    let crash = secs_of(p, "crash_at");
    let send_at = crash + secs_of(p, "send_at");
    let bytes = p.get("send_bytes") as u32;
    let reboot = crash + secs_of(p, "reboot_s");
    let reconnect = reboot + secs_of(p, "reconnect_after");

    let mut server_app = AppPolicy {
        opts: server_opts(p),
        ..AppPolicy::default()
    };
    let mut client_app = AppPolicy::default();
    let old = (SERVER_PORT, CLIENT_PORT);
    let horizon;
    match info.id {
        "process-crash" => {
            if p.get("server_writes") == 1 {
                server_app.on_eof = OnEof::WriteTwice(bytes);
            } else if p.get("close_delay_ms") > 0 {
                server_app.on_eof = OnEof::CloseAfter(p.get("close_delay_ms") as u64 * MS);
            }
            if p.get("unread_data") == 1 {
                client_app.reads = false;
                w.at(
                    crash / 2,
                    Action::Send {
                        host: server,
                        lport: old.0,
                        peer: client,
                        rport: old.1,
                        bytes,
                    },
                );
            }
            w.at(crash, Action::ProcessKill { host: client });
            horizon = crash + observe;
        }
        "host-crash-idle" | "keepalive-peer-dead" => {
            w.at(crash, Action::HostCrash { host: client });
            let ka = server_app.opts.keepalive_span(&sys);
            horizon = crash.max(ka + rtt) + observe;
        }
        "keepalive-peer-alive" => {
            horizon = rtt + 2 * server_app.opts.keepidle(&sys) + observe;
        }
        "host-crash-data-no-reboot"
        | "host-crash-reboot-no-listener"
        | "host-crash-reboot-listener" => {
            w.at(crash, Action::HostCrash { host: client });
            if info.id != "host-crash-data-no-reboot" {
                w.at(reboot, Action::RebootDone { host: client });
                if info.id == "host-crash-reboot-listener" {
                    w.at(
                        reboot,
                        Action::Listen {
                            host: client,
                            port: CLIENT_PORT,
                            app: AppPolicy::default(),
                        },
                    );
                }
            }
            w.at(
                send_at,
                Action::Send {
                    host: server,
                    lport: old.0,
                    peer: client,
                    rport: old.1,
                    bytes,
                },
            );
            horizon = send_at + retransmission_budget(p, &sys) + observe;
        }
        "syn-established-new-port" | "syn-established-same-port" => {
            w.at(crash, Action::HostCrash { host: client });
            w.at(reboot, Action::RebootDone { host: client });
            let sport = if info.id == "syn-established-new-port" {
                CLIENT_PORT_NEW
            } else {
                CLIENT_PORT
            };
            w.at(
                reconnect,
                Action::Connect {
                    host: client,
                    sport,
                    dst: server,
                    dport: SERVER_PORT,
                    app: AppPolicy::default(),
                },
            );
            let mut last = reconnect;
            if p.accepts("server_writes") && p.get("server_writes") == 1 {
                w.at(
                    send_at,
                    Action::Send {
                        host: server,
                        lport: old.0,
                        peer: client,
                        rport: old.1,
                        bytes,
                    },
                );
                last = last.max(send_at);
            }
            last = last.max(server_app.opts.keepalive_span(&sys));
            horizon = last + observe;
        }
        "kill-from-outside" => {
            let attacker = w.add_host(Role::Attacker, ATTACKER_IP, sys);
            let t = secs_of(p, "attack_at");
            w.at(
                t,
                Action::ForgeSyn {
                    attacker,
                    victim: client,
                    sport: CLIENT_PORT,
                    dst: server,
                    dport: SERVER_PORT,
                },
            );
            horizon = t + observe;
        }
        other => unreachable!("scenario '{other}' is in SCENARIOS but has no script"),
    }
    // Every scenario starts the same way: the server listens, the client connects.
    w.at(
        0,
        Action::Listen {
            host: server,
            port: SERVER_PORT,
            app: server_app,
        },
    );
    w.at(
        0,
        Action::Connect {
            host: client,
            sport: CLIENT_PORT,
            dst: server,
            dport: SERVER_PORT,
            app: client_app,
        },
    );
    Plan {
        world: w,
        horizon,
        scenario: info.id,
        params: p.clone(),
    }
}

impl Plan {
    fn run(mut self) -> Trace {
        let w = &mut self.world;
        let mut stop = StopReason::Quiet;
        loop {
            match w.next_at() {
                None => break,
                Some(t) if t > self.horizon => {
                    stop = StopReason::Horizon;
                    break;
                }
                Some(_) => {}
            }
            if w.steps >= MAX_STEPS {
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
            self.horizon.max(last)
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
        Trace {
            scenario: self.scenario.to_string(),
            params: self.params.to_map(),
            hosts,
            packets,
            events,
            end_at: secs(end),
            stop,
        }
    }
}
