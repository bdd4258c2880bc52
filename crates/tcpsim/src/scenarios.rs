//! The scenario catalogue (see shared/scenarios.md): ids, titles, which
//! parameters each takes, and the scripts that drive the simulator.

use crate::params::Params;
use crate::trace::Trace;
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
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "unread_data", "server_writes", "send_bytes", "observe_s"],
        overrides: &[("server_writes", 0), ("observe_s", 120)],
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
        overrides: &[("so_keepalive", 1), ("observe_s", 14500)],
    },
    ScenarioInfo {
        id: "keepalive-peer-dead",
        title: "Keepalive when the client host has crashed: unanswered probes, RST, ETIMEDOUT",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "so_keepalive", "tcp_keepalive_time", "tcp_keepalive_intvl", "tcp_keepalive_probes", "tcp_keepidle", "tcp_keepintvl", "tcp_keepcnt", "tcp_user_timeout", "observe_s"],
        overrides: &[("so_keepalive", 1), ("observe_s", 600)],
    },
    ScenarioInfo {
        id: "host-crash-data-no-reboot",
        title: "Client host crashes and the server sends data: retransmissions until tcp_retries2's time budget, ETIMEDOUT",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "send_at", "send_bytes", "tcp_retries2", "tcp_rto_min", "tcp_rto_max", "tcp_user_timeout", "observe_s"],
        overrides: &[("observe_s", 600)],
    },
    ScenarioInfo {
        id: "host-crash-reboot-no-listener",
        title: "Client host reboots during the retransmissions: the first one to reach it gets a RST",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "send_at", "send_bytes", "reboot_s", "tcp_retries2", "tcp_rto_min", "tcp_rto_max", "tcp_user_timeout", "observe_s"],
        overrides: &[("reboot_s", 30), ("observe_s", 120)],
    },
    ScenarioInfo {
        id: "host-crash-reboot-listener",
        title: "Rebooted client listens on its old port: the old connection's segment still gets a RST",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "send_at", "send_bytes", "reboot_s", "tcp_retries2", "tcp_rto_min", "tcp_rto_max", "tcp_user_timeout", "observe_s"],
        overrides: &[("reboot_s", 30), ("observe_s", 120)],
    },
    ScenarioInfo {
        id: "syn-established-new-port",
        title: "Rebooted client reconnects from a new port: a new connection beside the half-open old one",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "reboot_s", "reconnect_after", "server_writes", "send_at", "send_bytes", "so_keepalive", "tcp_keepalive_time", "tcp_keepalive_intvl", "tcp_keepalive_probes", "observe_s"],
        overrides: &[("reboot_s", 30), ("send_at", 60), ("observe_s", 120)],
    },
    ScenarioInfo {
        id: "syn-established-same-port",
        title: "Rebooted client reconnects from the same port: challenge ACK, RST, then a fresh connection",
        params: &["rtt_ms", "loss_pct", "seed", "crash_at", "reboot_s", "reconnect_after", "tcp_invalid_ratelimit", "tcp_syn_retries", "tcp_syn_linear_timeouts", "observe_s"],
        overrides: &[("reboot_s", 30), ("observe_s", 120)],
    },
    ScenarioInfo {
        id: "kill-from-outside",
        title: "A third party kills a connection: forged SYN, challenge ACK reveals the numbers, forged RST",
        params: &["rtt_ms", "loss_pct", "seed", "attack_at", "tcp_invalid_ratelimit", "observe_s"],
        overrides: &[("observe_s", 120)],
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

/// Run a scenario with the given parameters.
pub fn run(id: &str, params: &Params) -> Result<Trace, Error> {
    let _ = (id, params);
    todo!("in progress")
}
