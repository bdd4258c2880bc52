//! A scenario on the reader's own Linux: [`script`] writes a self-contained
//! bash script that records a scenario, with the given parameters, on the
//! kernel of the machine it runs on.
//!
//! The script needs root. It creates its own network namespaces
//! (`tclr-<its PID>-c` for the client, `-s` for the server, `-b` for the
//! bridge between them, `-a` for a third party, `-m` for a middlebox that
//! routes between them), joins them with veth links, sets the scenario's
//! sysctls in each host's namespace, and runs small Python programs (the
//! `reproduce/peer.py` beside this file, embedded in the script) that carry
//! out the scenario's steps at their times after the client's `connect()`:
//! a write, a process kill (SIGKILL), a host crash (an nftables drop-all
//! table at priority -400 in the host's namespace, then the process killed
//! under it), a reboot (`ss -K` under the drop, then the drop removed), a
//! listener, a reconnection, a forged SYN and RST, a broken path. Every
//! socket is set to cubic (many kernels default to bbr). tcpdump captures on
//! the interface of the host whose application the scenario is about (the
//! server's, or the client's for `connect-dead-host`). Nothing outside its
//! namespaces is touched, and a trap removes them on exit. It prints the
//! kernel version and where the pcap went. SIGTERM, SIGINT or SIGHUP stops
//! it at once, keeping the capture so far; every process it starts dies
//! with it (PR_SET_PDEATHSIG), and what a run killed with SIGKILL leaves
//! (namespaces `tclr-PID-*`, the directory `$TMPDIR/tclr-PID.*`) is removed
//! by the next run or `tcpsim reproduce --cleanup`, once PID is gone.
//!
//! The steps' times are the scenario scripts' (`crate::scenarios`), and a
//! test checks each against the simulation's own events. How long the script
//! watches comes from the simulation of the same parameters: until its end,
//! or `observe_s` after its last segment or step if that is sooner, plus an
//! eighth for the kernel's timer wheel (which fires long timers late) and
//! two seconds; and never before the last application result of the
//! simulation plus the most the wheel can delay it ([`outcome_deadline`]).
//! It stops earlier, two seconds after the application it watches has
//! learned how its first connection ended.
//!
//! Pure: the script is a function of the scenario and its parameters (no
//! clock, no file), so the CLI (`tcpsim reproduce`) and the page (the
//! `tools` build of tcpsim-wasm) write the same text. Times cross into the
//! plan as whole microseconds.

use std::fmt::Write;

use crate::params::{Param, Params};
use crate::scenarios::{CLIENT_PORT, CLIENT_PORT_NEW, SERVER_PORT};
use crate::trace::{EventKind, TimerAction, TimerKind, Trace};
use crate::Error;

/// The Python program the script embeds.
pub const PEER_PY: &str = include_str!("reproduce/peer.py");

const SEC: u64 = 1_000_000;

/// One step of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The server writes `bytes` on its connection from `port`.
    Send { port: u16, bytes: i64 },
    /// The client process is killed.
    Kill,
    /// The client host crashes.
    Crash,
    /// The crashed client host has rebooted.
    Reboot,
    /// A process on the client listens on `port`.
    Listen { port: u16 },
    /// A process on the client connects from `port`.
    Connect { port: u16 },
    /// The third party forges a SYN, then a RST.
    Attack,
    /// The path between the hosts starts dropping everything.
    PathDown,
    /// The path is back.
    PathUp,
}

impl Step {
    fn json(self, at: u64, o: &mut String) {
        let _ = match self {
            Step::Send { port, bytes } => write!(o, "[{at}, \"send\", {port}, {bytes}]"),
            Step::Kill => write!(o, "[{at}, \"kill\"]"),
            Step::Crash => write!(o, "[{at}, \"crash\"]"),
            Step::Reboot => write!(o, "[{at}, \"reboot\"]"),
            Step::Listen { port } => write!(o, "[{at}, \"listen\", {port}]"),
            Step::Connect { port } => write!(o, "[{at}, \"connect\", {port}]"),
            Step::Attack => write!(o, "[{at}, \"attack\"]"),
            Step::PathDown => write!(o, "[{at}, \"path_down\"]"),
            Step::PathUp => write!(o, "[{at}, \"path_up\"]"),
        };
    }

    /// The step in words, for the script's header.
    fn words(self) -> String {
        match self {
            Step::Send { port, bytes } => {
                format!("the server writes {bytes} bytes on its connection from port {port}")
            }
            Step::Kill => "the client process is killed (SIGKILL)".into(),
            Step::Crash => "the client host crashes (drop-all, then its process is killed)".into(),
            Step::Reboot => {
                "the client host has rebooted (`ss -K` under the drop, then the drop removed)"
                    .into()
            }
            Step::Listen { port } => format!("a process on the client listens on port {port}"),
            Step::Connect { port } => format!("a process on the client connects from port {port}"),
            Step::Attack => {
                "the third party forges a SYN, reads the challenge ACK, forges a RST".into()
            }
            Step::PathDown => "the path starts dropping every IP packet".into(),
            Step::PathUp => "the path is back".into(),
        }
    }
}

/// How the hosts are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topology {
    /// A bridge namespace; with a third party on it when `attacker`.
    Bridge { attacker: bool },
    /// A middlebox namespace that routes between the hosts, with conntrack.
    Router { idle_s: i64, reset: bool },
}

/// What a script does, worked out from the scenario and its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub id: &'static str,
    pub topology: Topology,
    /// The steps, at microseconds after the client's first `connect()`, in
    /// the order they happen.
    pub steps: Vec<(u64, Step)>,
    /// The server's host is down from the start (`connect-dead-host`).
    pub server_down: bool,
    /// ... and on the client's own LAN, unplugged: its bridge port is down,
    /// so the client's ARP for it gets no reply (`same_lan`).
    pub server_unplugged: bool,
    /// The application the script watches ("server" or "client"); tcpdump
    /// captures on its interface.
    pub watch: &'static str,
    /// The server's process on EOF: `close`, `close_after:MS`,
    /// `write_twice:BYTES`.
    pub on_eof: String,
    /// The client process reads what it gets.
    pub client_reads: bool,
    /// The windowed scenarios (peer-hung, host-crash-bulk): SO_SNDBUF on
    /// the server (`so_sndbuf`) and SO_RCVBUF on the client where the
    /// scenario takes `so_rcvbuf`, the server writes in a loop,
    /// segmentation offloads off on both hosts' interfaces.
    pub windowed: bool,
    /// The server's process sits in recv() (peer-hung's never reads).
    pub server_reads: bool,
    /// peer-hung's `resume_at`: the client, which does not read, starts
    /// reading at this many seconds after t0 (0: never).
    pub client_resume_at: u64,
    /// peer-hung's steady reader: each recv() gets this many bytes (0: 65536)
    /// and the next comes `client_read_every_ms` after it returns (0: no
    /// steady reader).
    pub client_read_bytes: u64,
    pub client_read_every_ms: u64,
    /// The longest the script watches, microseconds after t0.
    pub deadline: u64,
}

fn secs(p: &Params, x: Param) -> u64 {
    p.get(x).max(0) as u64 * SEC
}

fn us(t: f64) -> u64 {
    (t.max(0.0) * 1e6).round() as u64
}

/// The plan for a scenario with checked parameters, and the simulation of
/// the same parameters.
pub fn plan(id: &str, p: &Params) -> Result<(Plan, Trace), Error> {
    let s = crate::scenarios::find(id)?;
    let trace = crate::run(id, p)?;
    let mut steps: Vec<(u64, Step)> = Vec::new();
    let mut topology = Topology::Bridge { attacker: false };
    let mut server_down = false;
    let mut server_unplugged = false;
    let mut watch = "server";
    let mut on_eof = "close".to_string();
    let mut client_reads = true;
    let mut windowed = false;
    let mut server_reads = true;
    let mut client_resume_at = 0;
    let mut client_read_bytes = 0;
    let mut client_read_every_ms = 0;
    let send = |port: u16| Step::Send {
        port,
        bytes: p.get(Param::SendBytes),
    };
    match s.id {
        "process-crash" => {
            let crash = secs(p, Param::CrashAt);
            let bytes = p.get(Param::SendBytes);
            if p.get(Param::ServerWrites) == 1 {
                on_eof = format!("write_twice:{bytes}");
            } else if p.get(Param::CloseDelayMs) > 0 {
                on_eof = format!("close_after:{}", p.get(Param::CloseDelayMs));
            }
            if p.get(Param::UnreadData) == 1 {
                client_reads = false;
                steps.push((crash / 2, send(CLIENT_PORT)));
            }
            steps.push((crash, Step::Kill));
        }
        "host-crash-idle" | "keepalive-peer-dead" => {
            steps.push((secs(p, Param::CrashAt), Step::Crash));
        }
        "keepalive-peer-alive" => {}
        "host-crash-data-no-reboot"
        | "host-crash-reboot-no-listener"
        | "host-crash-reboot-listener" => {
            let crash = secs(p, Param::CrashAt);
            steps.push((crash, Step::Crash));
            if s.id != "host-crash-data-no-reboot" {
                let reboot = crash + secs(p, Param::RebootS);
                steps.push((reboot, Step::Reboot));
                if s.id == "host-crash-reboot-listener" {
                    steps.push((reboot, Step::Listen { port: CLIENT_PORT }));
                }
            }
            steps.push((crash + secs(p, Param::SendAt), send(CLIENT_PORT)));
        }
        "syn-established-new-port" | "syn-established-same-port" => {
            let crash = secs(p, Param::CrashAt);
            let reboot = crash + secs(p, Param::RebootS);
            let new_port = s.id == "syn-established-new-port";
            steps.push((crash, Step::Crash));
            steps.push((reboot, Step::Reboot));
            steps.push((
                reboot + secs(p, Param::ReconnectAfter),
                Step::Connect {
                    port: if new_port {
                        CLIENT_PORT_NEW
                    } else {
                        CLIENT_PORT
                    },
                },
            ));
            if new_port && p.get(Param::ServerWrites) == 1 {
                steps.push((crash + secs(p, Param::SendAt), send(CLIENT_PORT)));
            }
        }
        "kill-from-outside" => {
            topology = Topology::Bridge { attacker: true };
            steps.push((secs(p, Param::AttackAt), Step::Attack));
        }
        "connect-dead-host" => {
            server_down = true;
            server_unplugged = p.get(Param::SameLan) == 1;
            watch = "client";
        }
        "middlebox-idle-timeout" => {
            topology = Topology::Router {
                idle_s: p.get(Param::MiddleboxIdleS),
                reset: p.get(Param::MiddleboxReset) == 1,
            };
            steps.push((secs(p, Param::WriteAt), send(CLIENT_PORT)));
        }
        "partition-heals" => {
            let at = secs(p, Param::PartitionAt);
            steps.push((at, Step::PathDown));
            steps.push((at + secs(p, Param::PartitionS), Step::PathUp));
            steps.push((at + secs(p, Param::SendAt), send(CLIENT_PORT)));
        }
        "peer-hung" => {
            windowed = true;
            server_reads = false;
            client_resume_at = p.get(Param::ResumeAt).max(0) as u64;
            client_read_bytes = p.get(Param::ReadBytes).max(0) as u64;
            client_read_every_ms = p.get(Param::ReadEveryMs).max(0) as u64;
            // A steady reader without resume_at reads from connect().
            client_reads = client_read_every_ms > 0 && client_resume_at == 0;
            steps.push((
                secs(p, Param::WriteAt),
                Step::Send {
                    port: CLIENT_PORT,
                    bytes: p.get(Param::WriteBytes),
                },
            ));
            if p.get(Param::ClientHostCrash) == 1 {
                steps.push((secs(p, Param::CrashAt), Step::Crash));
            }
        }
        "host-crash-bulk" => {
            windowed = true;
            let crash = secs(p, Param::CrashAt);
            steps.push((crash, Step::Crash));
            steps.push((
                crash + secs(p, Param::SendAt),
                Step::Send {
                    port: CLIENT_PORT,
                    bytes: p.get(Param::WriteBytes),
                },
            ));
        }
        other => {
            // A scenario added to the catalogue without a plan here: the
            // test `every_scenario_has_a_plan` fails before this can ship.
            return Err(Error::UnknownScenario {
                id: format!("{other} (no reproduction written for it)"),
            });
        }
    }
    // In time order, the scripts' order kept among equal times (the reboot
    // before the listener). By hand: a sort's code would weigh more in the
    // page's tools module than these few steps ever need.
    let mut ordered: Vec<(u64, Step)> = Vec::with_capacity(steps.len());
    for (t, s) in steps {
        let at = ordered
            .iter()
            .position(|(u, _)| *u > t)
            .unwrap_or(ordered.len());
        ordered.insert(at, (t, s));
    }
    let steps = ordered;
    let last_segment = trace
        .packets
        .iter()
        .map(|p| us(p.sent_at.max(p.arrived_at.or(p.lost_at).unwrap_or(0.0))))
        .max()
        .unwrap_or(0);
    let last_step = steps.last().map_or(0, |(t, _)| *t);
    let observe = secs(p, Param::ObserveS);
    let base = us(trace.end_at).min(last_segment.max(last_step) + observe);
    let deadline = (base + base / 8 + 2 * SEC).max(outcome_deadline(&trace));
    Ok((
        Plan {
            id: s.id,
            topology,
            steps,
            server_down,
            server_unplugged,
            watch,
            on_eof,
            client_reads,
            windowed,
            server_reads,
            client_resume_at,
            client_read_bytes,
            client_read_every_ms,
            deadline,
        },
        trace,
    ))
}

/// The last moment an application of the simulated run learns something
/// (any call's result: a connect() that fails after its SYNs, an error, an
/// EOF), plus the most the kernel's timer wheel can make that late, plus
/// 2 s. The lateness is the larger of two bounds: the whole span as one
/// chain ([`crate::wheel::max_late_chain`], every timer fired until then a
/// link), and the sum of [`crate::wheel::max_late`] of each retransmission,
/// loss-probe and keepalive timer fired until then, on its own delay from
/// when it was last armed (timers of two hosts, or two connections, run side
/// by side, so their delays can add up to more than the span). Generic over
/// the simulation: whatever a scenario's applications learn, the script
/// still watches when a real kernel tells them.
pub fn outcome_deadline(trace: &Trace) -> u64 {
    let Some(last) = trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::App { .. }))
        .map(|e| us(e.at))
        .max()
    else {
        return 0;
    };
    let mut fired = 0u64;
    let mut each = 0u64;
    let mut armed: Vec<(&str, TimerKind, u16, u16, u64)> = Vec::new();
    for e in trace.events.iter().filter(|e| us(e.at) <= last) {
        let EventKind::Timer {
            timer,
            action,
            lport,
            rport,
            ..
        } = e.kind
        else {
            continue;
        };
        let key = (e.host.as_str(), timer, lport, rport);
        let slot = armed.iter().position(|a| (a.0, a.1, a.2, a.3) == key);
        match action {
            TimerAction::Armed => {
                let a = (key.0, key.1, key.2, key.3, us(e.at));
                match slot {
                    Some(i) => armed[i] = a,
                    None => armed.push(a),
                }
            }
            TimerAction::Fired => {
                fired += 1;
                if matches!(
                    timer,
                    TimerKind::Retransmit | TimerKind::LossProbe | TimerKind::Keepalive
                ) {
                    let since = slot.map_or(0, |i| armed[i].4);
                    each =
                        each.saturating_add(crate::wheel::max_late(us(e.at).saturating_sub(since)));
                }
            }
            _ => {}
        }
    }
    let late = crate::wheel::max_late_chain(last, fired).max(each);
    last.saturating_add(late).saturating_add(2 * SEC)
}

/// The sysctls the scenario takes, as Linux names them, with the value to
/// write and what a kernel without the sysctl does instead (`None` where
/// every kernel the script can run on has it).
fn sysctls(p: &Params) -> Vec<(&'static str, i64, Option<String>)> {
    let mut out = Vec::new();
    for spec in p.specs() {
        let v = p.get(spec.param);
        let entry = match spec.param {
            Param::TcpKeepaliveTime => ("tcp_keepalive_time", v, None),
            Param::TcpKeepaliveIntvl => ("tcp_keepalive_intvl", v, None),
            Param::TcpKeepaliveProbes => ("tcp_keepalive_probes", v, None),
            Param::TcpRetries2 => ("tcp_retries2", v, None),
            Param::TcpSynRetries => ("tcp_syn_retries", v, None),
            Param::TcpInvalidRatelimit => ("tcp_invalid_ratelimit", v, None),
            Param::TcpSynLinearTimeouts => (
                "tcp_syn_linear_timeouts",
                v,
                (v != 0).then(|| {
                    "it came with Linux 6.5; older kernels back off from the first SYN retransmission (as with 0)".to_string()
                }),
            ),
            Param::TcpRtoMin => (
                "tcp_rto_min_us",
                v * 1000,
                (v != 200).then(|| {
                    "it came with Linux 6.11; the RTO floor stays 200 ms (a route's rto_min can change it)".to_string()
                }),
            ),
            Param::TcpRtoMax => (
                "tcp_rto_max_ms",
                v,
                (v != 120_000).then(|| {
                    "it came after Linux 6.14; the RTO ceiling stays 120 s".to_string()
                }),
            ),
            _ => continue,
        };
        out.push(entry);
    }
    out
}

fn time_text(t: u64) -> String {
    let (whole, frac) = (t / 1_000_000, t / 1000 % 1000);
    if frac == 0 {
        format!("{whole} s")
    } else {
        format!("{whole}.{frac:03} s")
    }
}

/// `s` as one bash word that means exactly `s`: inside single quotes,
/// where nothing is special but the quote itself, and each `'` written as
/// `'\''` (close, an escaped quote, reopen). Every text that reaches the
/// script's code (not its comments) goes through this: the notes carry
/// English with apostrophes ("a route's").
pub fn sh_quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('\'');
    for c in s.chars() {
        if c == '\'' {
            o.push_str("'\\''");
        } else {
            o.push(c);
        }
    }
    o.push('\'');
    o
}

/// The plan as the JSON the embedded director reads.
fn plan_json(plan: &Plan, p: &Params) -> String {
    let opt = |x: Param| p.value(x.name()).unwrap_or(0);
    let mut o = String::from("{\n  \"server\": {\"ip\": \"10.0.0.2\", \"port\": ");
    let _ = write!(o, "{SERVER_PORT}, \"on_eof\": ");
    crate::push_json_string(&mut o, &plan.on_eof);
    let _ = write!(
        o,
        ", \"keepalive\": {}, \"keepidle\": {}, \"keepintvl\": {}, \"keepcnt\": {}, \"user_timeout_ms\": {}",
        opt(Param::SoKeepalive),
        opt(Param::TcpKeepidle),
        opt(Param::TcpKeepintvl),
        opt(Param::TcpKeepcnt),
        opt(Param::TcpUserTimeout)
    );
    if plan.windowed {
        let _ = write!(
            o,
            ", \"sndbuf\": {}, \"send_all\": true, \"reads\": {}, \"offloads_off\": \"v-s\"",
            opt(Param::SoSndbuf),
            plan.server_reads
        );
    }
    o.push_str("},\n");
    let _ = write!(
        o,
        "  \"client\": {{\"ip\": \"10.0.0.1\", \"port\": {CLIENT_PORT}, \"server_ip\": \"10.0.0.2\", \"server_port\": {SERVER_PORT}, \"reads\": {}, \"user_timeout_ms\": {}",
        plan.client_reads,
        opt(Param::ClientTcpUserTimeout)
    );
    if plan.windowed {
        let _ = write!(
            o,
            ", \"rcvbuf\": {}, \"offloads_off\": \"v-c\"",
            opt(Param::SoRcvbuf)
        );
        if plan.client_resume_at > 0 {
            let _ = write!(o, ", \"resume_at\": {}", plan.client_resume_at);
        }
        if plan.client_read_every_ms > 0 {
            let _ = write!(
                o,
                ", \"read_bytes\": {}, \"read_every_ms\": {}",
                plan.client_read_bytes, plan.client_read_every_ms
            );
        } else if plan.client_read_bytes > 0 {
            // A reader that resumes in a loop, recv(read_bytes) at a time.
            let _ = write!(o, ", \"read_bytes\": {}", plan.client_read_bytes);
        }
    }
    o.push_str("},\n");
    let _ = writeln!(
        o,
        "  \"attacker\": {{\"dev\": \"v-a\", \"client_ip\": \"10.0.0.1\", \"server_ip\": \"10.0.0.2\", \"client_port\": {CLIENT_PORT}, \"server_port\": {SERVER_PORT}}},"
    );
    o.push_str("  \"steps\": [");
    for (i, (t, s)) in plan.steps.iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        s.json(*t, &mut o);
    }
    let _ = write!(
        o,
        "],\n  \"server_down\": {},\n  \"server_unplugged\": {},\n  \"watch\": {{\"host\": \"{}\", \"port\": {CLIENT_PORT}}},\n  \"deadline_us\": {}\n}}",
        plan.server_down, plan.server_unplugged, plan.watch, plan.deadline
    );
    o
}

// The script's bash, beside this file: `reproduce/script.sh` is the whole
// script with `@NAME@` placeholders (filled by [`fill`] in [`script`]), and
// the two topologies are what `@TOPOLOGY@` becomes.

/// The hosts and a bridge namespace between them (`@TOPOLOGY@`).
const TOPOLOGY_BRIDGE: &str = include_str!("reproduce/topology-bridge.sh");

/// The hosts and a routing middlebox with conntrack (`@TOPOLOGY@`).
const TOPOLOGY_ROUTER: &str = include_str!("reproduce/topology-router.sh");

/// The script, from its first line to its last.
const TEMPLATE: &str = include_str!("reproduce/script.sh");

/// `template` with each `@NAME@` (capital letters) replaced by `value(NAME)`;
/// other `@`s (bash's `"$@"`) stay. By hand, and without slicing that can
/// panic: `str::replace` brings a substring searcher and a panic message's
/// formatting into the page's tools module.
fn fill<'a>(template: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    let bytes = template.as_bytes();
    let mut out = String::with_capacity(template.len());
    let (mut last, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes[i] == b'@' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_uppercase() {
                j += 1;
            }
            if j > i + 1 && j < bytes.len() && bytes[j] == b'@' {
                let found = template.get(i + 1..j).and_then(&value);
                if let (Some(v), Some(before)) = (found, template.get(last..i)) {
                    out.push_str(before);
                    out.push_str(v);
                    last = j + 1;
                    i = j + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    out.push_str(template.get(last..).unwrap_or(""));
    out
}

/// The script for scenario `id` with parameters `p` (checked).
pub fn script(id: &str, p: &Params) -> Result<String, Error> {
    p.validate()?;
    let (plan, _) = plan(id, p)?;
    let (does, not) = about(&plan, p);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# TCP Crash Lab: the scenario '{}' recorded on this machine's Linux kernel.",
        plan.id
    );
    o.push_str("#\n# Written by: tcpsim reproduce ");
    o.push_str(plan.id);
    let defaults = crate::defaults(plan.id)?;
    for spec in p.specs() {
        let v = p.get(spec.param);
        if v != defaults.get(spec.param) {
            let _ = write!(o, " --set {}={v}", spec.name);
        }
    }
    o.push_str("\n# Parameters:");
    let mut line = String::new();
    for spec in p.specs() {
        let item = format!(" {}={}", spec.name, p.get(spec.param));
        if line.len() + item.len() > 66 {
            let _ = write!(o, "{line}\n#  ");
            line.clear();
        }
        line.push_str(&item);
    }
    let _ = writeln!(o, "{line}");
    o.push_str(
        "#\n# Run it as root: sudo bash THIS_FILE [OUTPUT.pcap]\n# (default output: ./tcpsim-ID-DATE-TIME.pcap)\n#\n# What it does:\n",
    );
    push_comment(&mut o, &does);
    o.push_str("#\n");
    push_comment(&mut o, &[
        "It creates its own network namespaces (tclr-<its PID>-...) and touches nothing outside them: its sysctls, nftables tables and processes live in them, and a trap removes them on exit. Commands may load kernel modules (veth, bridge, nf_tables, conntrack), which stay loaded.".to_string(),
        "SIGTERM, SIGINT (Ctrl-C) or SIGHUP stops it at once: it keeps the capture so far (and says where) and removes the rest. Killed with SIGKILL, its processes die with it (PR_SET_PDEATHSIG), and the next run, or `sudo tcpsim reproduce --cleanup`, removes the namespaces and temporary directory (${TMPDIR:-/tmp}/tclr-<PID>.*) of runs whose PID is gone, and nothing else.".to_string(),
    ]);
    o.push_str("#\n# What it does not reproduce:\n");
    push_comment(&mut o, &not);

    let (topology, namespaces) = match plan.topology {
        Topology::Bridge { attacker } => {
            let mut t = TOPOLOGY_BRIDGE.to_string();
            if attacker {
                t.push_str("on_bridge a 10.0.0.3 02:00:00:00:00:03\n");
            }
            (t, if attacker { "c s a b" } else { "c s b" })
        }
        Topology::Router { idle_s, reset } => {
            let idle = idle_s.to_string();
            let action = if reset {
                "reject with tcp reset"
            } else {
                "drop"
            };
            let t = fill(TOPOLOGY_ROUTER, |name| match name {
                "ACTION" => Some(action),
                "IDLE" => Some(idle.as_str()),
                _ => None,
            });
            (t, "c s m")
        }
    };
    let mut sys = String::new();
    for (name, v, older) in sysctls(p) {
        let _ = write!(sys, "set_sysctl {name} {v}");
        if let Some(text) = older {
            sys.push(' ');
            sys.push_str(&sh_quote(&text));
        }
        sys.push('\n');
    }
    if sys.is_empty() {
        sys.push_str("# (this scenario sets none)\n");
    }
    let rtt = p.value("rtt_ms").unwrap_or(1);
    let loss = p.value("loss_pct").unwrap_or(0);
    let netem = if rtt <= 1 && loss == 0 {
        "# rtt_ms = 1 and no loss: the veth links as they are (about 0.03 ms round trip)\n"
            .to_string()
    } else {
        let mut args = String::new();
        if rtt > 1 {
            let _ = write!(
                args,
                " delay {}.{}ms",
                rtt / 2,
                if rtt % 2 == 1 { 5 } else { 0 }
            );
        }
        if loss > 0 {
            let _ = write!(args, " loss {loss}%");
        }
        format!(
            "for ns in c s; do\n  if ! in_ns \"$ns\" tc qdisc add dev \"v-$ns\" root netem{args} 2>/dev/null; then\n    echo \"note: no netem here (sch_netem or tc missing): the link keeps veth's round trip (about 0.03 ms) and loses nothing\"\n    break\n  fi\ndone\n"
        )
    };
    let capture = if plan.watch == "client" { "c" } else { "s" };
    let tools = if plan.steps.iter().any(|(_, s)| *s == Step::Reboot) {
        " ss"
    } else {
        ""
    };
    let plan_text = plan_json(&plan, p);
    let deadline = time_text(plan.deadline);
    let body = fill(TEMPLATE, |name| {
        Some(match name {
            "ID" => plan.id,
            "TOOLS" => tools,
            "NAMESPACES" => namespaces,
            "TOPOLOGY" => topology.as_str(),
            "SYSCTLS" => sys.as_str(),
            "NETEM" => netem.as_str(),
            "PLAN" => plan_text.as_str(),
            "WATCH" => plan.watch,
            "DEADLINE" => deadline.as_str(),
            "CAPTURE" => capture,
            "PEER" => PEER_PY,
            "HEADER" => o.as_str(),
            _ => return None,
        })
    });
    Ok(body)
}

mod header;
use header::{about, push_comment};

#[cfg(test)]
mod tests;
