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
//! kernel version and where the pcap went.
//!
//! The steps' times are the scenario scripts' (`crate::scenarios`), and a
//! test checks each against the simulation's own events. How long the script
//! watches comes from the simulation of the same parameters: until its end,
//! or `observe_s` after its last segment or step if that is sooner, plus an
//! eighth for the kernel's timer wheel (which fires long timers late) and
//! two seconds; it stops earlier, two seconds after the application it
//! watches has learned how its first connection ended.
//!
//! Pure: the script is a function of the scenario and its parameters (no
//! clock, no file), so the CLI (`tcpsim reproduce`) and the page (the
//! `tools` build of tcpsim-wasm) write the same text. Times cross into the
//! plan as whole microseconds.

use std::fmt::Write;

use crate::params::{Param, Params};
use crate::scenarios::{CLIENT_PORT, CLIENT_PORT_NEW, SERVER_PORT};
use crate::trace::Trace;
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
            client_reads = false;
            server_reads = false;
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
    let deadline = base + base / 8 + 2 * SEC;
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
            deadline,
        },
        trace,
    ))
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

/// Header comment lines: what the script does and does not reproduce.
fn about(plan: &Plan, p: &Params) -> (Vec<String>, Vec<String>) {
    let get = |x: Param| p.value(x.name());
    let mut does = vec![
        "- the server listens on 10.0.0.2:8080; at t0 the client connects from 10.0.0.1:40000"
            .to_string(),
    ];
    match plan.topology {
        Topology::Bridge { attacker: false } => does.push(
            "- the two hosts are network namespaces joined by veth links to a bridge namespace".into(),
        ),
        Topology::Bridge { attacker: true } => does.push(
            "- the client, the server and a third party (10.0.0.3) are namespaces on a bridge that floods every frame to every port (learning off), so the third party sees the server's segments to the client"
                .into(),
        ),
        Topology::Router { idle_s, reset } => {
            does.push(format!(
                "- the middlebox is a namespace (10.0.0.4) that routes between the hosts with Linux conntrack: a flow's entry expires after {idle_s} s without a segment (nf_conntrack_tcp_timeout_established), and a later segment without an entry (ct state invalid, nf_conntrack_tcp_loose = 0) is {}",
                if reset {
                    "answered with a RST in the other end's name (nftables `reject with tcp reset`)"
                } else {
                    "dropped"
                }
            ));
        }
    }
    if plan.server_unplugged {
        does.push(
            "- the server's host is down from the start, on the client's LAN: its bridge port is set down, so nothing reaches it and the client's ARP requests for it get no reply"
                .into(),
        );
    } else if plan.server_down {
        does.push(
            "- the server's host is down from the start: a drop-all nftables table (priority -400) in its namespace"
                .into(),
        );
    }
    for (t, s) in &plan.steps {
        does.push(format!("- at t0 + {}: {}", time_text(*t), s.words()));
    }
    if plan.windowed {
        does.push(format!(
            "- SO_SNDBUF (so_sndbuf) on the server's socket{}, set before listen() and connect(); cubic on both; TSO, GSO and GRO off on both hosts' interfaces (so the capture shows each segment as sent); the server writes in a loop{}",
            if get(Param::SoRcvbuf).is_some() { " and SO_RCVBUF (so_rcvbuf) on the client's" } else { "" },
            if plan.server_reads { "" } else { " and never reads, and the client's process never reads" }
        ));
    }
    if plan.watch == "client" {
        does.push("- tcpdump captures on the client's interface".into());
    } else {
        does.push("- tcpdump captures on the server's interface".into());
    }
    does.push(format!(
        "- it watches for at most {} after t0 (the simulation of these parameters, plus an eighth for the kernel's timer wheel, plus 2 s), and stops 2 s after the {}'s application has learned how its first connection ended",
        time_text(plan.deadline),
        plan.watch
    ));
    let mut not = vec![
        "- times: Linux's timer wheel fires long timers late (up to an eighth), and the processes act a few milliseconds after their time; sequence numbers start from the kernel's own random ISNs, so compare relative numbers".to_string(),
        "- the simulation's seed: it has no effect here".to_string(),
    ];
    match get(Param::RttMs) {
        Some(r) if r <= 1 => not.push(
            "- rtt_ms = 1 is left to the veth links (a round trip of about 0.03 ms), as in the project's own kernel recordings"
                .into(),
        ),
        Some(r) => not.push(format!(
            "- rtt_ms = {r} is a netem delay of {r}/2 ms on each host's interface; a kernel without sch_netem keeps the veth's (about 0.03 ms), and the script says so"
        )),
        None => {}
    }
    if let Some(l) = get(Param::LossPct).filter(|l| *l > 0) {
        not.push(format!(
            "- loss_pct = {l}: netem drops {l}% of each host's packets at random, not the ones the simulation's seed chose"
        ));
    }
    if plan.steps.iter().any(|(_, s)| *s == Step::Crash) {
        not.push(
            "- a host crashed this way still answers ARP (ARP is outside nftables' inet family), as a host behind a router would seem to; a dead host on the server's own LAN stops answering ARP, and then a server whose retransmissions run out gets EHOSTUNREACH instead of ETIMEDOUT (keepalive still ends in ETIMEDOUT)"
                .into(),
        );
    }
    if plan.server_down && !plan.server_unplugged {
        not.push(
            "- the server's host, down, still answers ARP (ARP is outside nftables' inet family), as a host behind a router would seem to; a host that is down on the client's own LAN does not, and connect() then fails with EHOSTUNREACH once ARP gives up"
                .into(),
        );
    }
    if plan.steps.iter().any(|(_, s)| *s == Step::Reboot) {
        not.push(
            "- the reboot forgets the connections (`ss -K`, Linux 4.5+ with CONFIG_INET_DIAG_DESTROY; the script stops if a socket survives), not the rest of the host's state (its ARP cache, its ISN secret)"
                .into(),
        );
    }
    if plan.topology == (Topology::Bridge { attacker: true }) {
        not.push(
            "- the third party resets only the server's end, as the simulation does; killcx resets both ends"
                .into(),
        );
    }
    if let Topology::Router { reset: true, .. } = plan.topology {
        not.push(
            "- the middlebox's RST leaves the router with its own TTL (64) while the client's forwarded segments arrive with 63: on the wire it is a forged RST, and `tcpsim explain` reads it as one (forged_rst, by a third party; the simulation says middlebox_rst)"
                .into(),
        );
    }
    if plan.id == "process-crash" {
        if get(Param::ServerWrites) == Some(1) {
            not.push(
                "- Python ignores SIGPIPE, so the second write returns EPIPE as drawn; a process that does not ignore it is killed by the signal"
                    .into(),
            );
        } else if get(Param::CloseDelayMs) == Some(0) {
            not.push(
                "- with close_delay_ms = 0 the server closes as soon as it reads EOF, which races with Linux's delayed ACK of the FIN: the capture may show the ACK alone, four segments instead of three"
                    .into(),
            );
        }
    }
    (does, not)
}

fn push_comment(o: &mut String, lines: &[String]) {
    for l in lines {
        let mut line = String::from("#");
        let mut first = true;
        for word in l.split(' ') {
            if line.len() + word.len() + 1 > 78 && !first {
                o.push_str(&line);
                o.push('\n');
                line = String::from("#  ");
            }
            line.push(' ');
            line.push_str(word);
            first = false;
        }
        o.push_str(&line);
        o.push('\n');
    }
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

const TOPOLOGY_BRIDGE: &str = r#"mk_ns b
in_ns b ip link add br0 type bridge
in_ns b ip link set br0 up
# A host on the bridge: NAME ADDRESS MAC. Every port floods every frame
# (learning off), like a hub.
on_bridge() {
  mk_ns "$1"
  ip link add "v-$1" netns "$P-$1" address "$3" type veth peer name "b-$1" netns "$P-b"
  in_ns "$1" ip addr add "$2/24" dev "v-$1"
  in_ns "$1" ip link set "v-$1" up
  in_ns b ip link set "b-$1" master br0
  in_ns b bridge link set dev "b-$1" learning off flood on
  in_ns b ip link set "b-$1" up
}
on_bridge c 10.0.0.1 02:00:00:00:00:01
on_bridge s 10.0.0.2 02:00:00:00:00:02
"#;

const TOPOLOGY_ROUTER: &str = r#"# The middlebox routes between two veth links; every host keeps its
# address (/32 routes through 10.0.0.4).
mk_ns m
in_ns m sysctl -qw net.ipv4.ip_forward=1
via_router() { # NAME ADDRESS MAC ROUTER_MAC PEER_ADDRESS
  mk_ns "$1"
  ip link add "v-$1" netns "$P-$1" address "$3" type veth peer name "m-$1" netns "$P-m" address "$4"
  in_ns "$1" ip addr add "$2/32" dev "v-$1"
  in_ns "$1" ip link set "v-$1" up
  in_ns "$1" ip route add 10.0.0.4/32 dev "v-$1"
  in_ns "$1" ip route add "$5/32" via 10.0.0.4 dev "v-$1"
  in_ns m ip addr add 10.0.0.4/32 dev "m-$1"
  in_ns m ip link set "m-$1" up
  in_ns m ip route add "$2/32" dev "m-$1"
}
via_router c 10.0.0.1 02:00:00:00:00:01 02:00:00:00:00:04 10.0.0.2
via_router s 10.0.0.2 02:00:00:00:00:02 02:00:00:00:00:14 10.0.0.1
in_ns m nft -f - <<'NFT'
table inet tclr_mbox {
  chain flows { type filter hook forward priority 0; policy accept; ct state invalid meta l4proto tcp @ACTION@; }
}
NFT
# conntrack's sysctls exist once the table above has loaded it.
in_ns m sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
in_ns m sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=@IDLE@
"#;

const TEMPLATE: &str = r#"set -euo pipefail

id=@ID@
out=${1:-"$PWD/tcpsim-$id-$(date +%Y%m%d-%H%M%S).pcap"}
case $out in /*) ;; *) out="$PWD/$out" ;; esac

if [ "$(id -u)" -ne 0 ]; then
  echo "$id: needs root (network namespaces, nftables, tcpdump): sudo bash $0 ${1:-}" >&2
  exit 1
fi
for tool in ip nft tcpdump python3@TOOLS@; do
  if ! command -v "$tool" >/dev/null; then
    echo "$id: '$tool' is missing (Debian and Ubuntu packages: iproute2, nftables, tcpdump, python3)" >&2
    exit 1
  fi
done

P=tclr-$$
work=$(mktemp -d)
tcpdump_pid=
cleanup() {
  set +e
  if [ -n "$tcpdump_pid" ]; then kill -INT "$tcpdump_pid" 2>/dev/null; wait "$tcpdump_pid" 2>/dev/null; fi
  for ns in @NAMESPACES@; do
    for pid in $(ip netns pids "$P-$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$P-$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
in_ns() { local ns=$1; shift; ip netns exec "$P-$ns" "$@"; }
mk_ns() {
  ip netns add "$P-$1"
  in_ns "$1" ip link set lo up
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

# ---- namespaces and links
@TOPOLOGY@
# ---- sysctls, the same in both hosts' namespaces (as in the simulation)
set_sysctl() { # NAME VALUE [what a kernel without it does]
  local ns
  for ns in c s; do
    if in_ns "$ns" test -e "/proc/sys/net/ipv4/$1"; then
      in_ns "$ns" sysctl -qw "net.ipv4.$1=$2"
    elif [ -n "${3:-}" ]; then
      echo "note: this kernel has no net.ipv4.$1: $3"
      return
    fi
  done
}
@SYSCTLS@
# ---- the link
@NETEM@
# ---- the processes (Python, standard library only) and their plan
cat >"$work/peer.py" <<'PEER_PY'
@PEER@PEER_PY
cat >"$work/plan.json" <<'PLAN_JSON'
@PLAN@
PLAN_JSON

echo "$id: Linux $(uname -r); capturing on the @WATCH@'s interface; at most @DEADLINE@ after the client's connect()"
ip netns exec "$P-@CAPTURE@" tcpdump -i v-@CAPTURE@ -n -U -Z root -w "$work/capture.pcap" tcp 2>"$work/tcpdump.log" &
tcpdump_pid=$!
for _ in $(seq 100); do
  grep -q listening "$work/tcpdump.log" && break
  sleep 0.05
done
if ! grep -q listening "$work/tcpdump.log"; then
  echo "$id: tcpdump did not start: $(cat "$work/tcpdump.log")" >&2
  exit 1
fi
sleep 0.2

# The director stops tcpdump itself, before it stops the processes.
python3 "$work/peer.py" director "$work/plan.json" "$P" "$tcpdump_pid"
kill -INT "$tcpdump_pid" 2>/dev/null || true
wait "$tcpdump_pid" || true
tcpdump_pid=
mv "$work/capture.pcap" "$out"
if [ -n "${SUDO_UID:-}" ]; then chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$out" || true; fi
echo "$id: Linux $(uname -r); $(grep -Eo '[0-9]+ packets? captured' "$work/tcpdump.log" || echo 'tcpdump said nothing')"
echo "$id: capture written to $out"
echo "$id: explain it with: tcpsim explain '$out' --conn 0, or drop it on the page's section 'Explain your own capture', which shows it beside the simulation of $id (keep the file name)"
"#;

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
    let mut o = String::from("#!/usr/bin/env bash\n");
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
    ]);
    o.push_str("#\n# What it does not reproduce:\n");
    push_comment(&mut o, &not);
    o.push('\n');

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
            let _ = write!(sys, " '{text}'");
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
            _ => return None,
        })
    });
    o.push_str(&body);
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{AppCall, EventKind, Fault, Why};
    use crate::SCENARIOS;

    /// Every scenario's defaults, and variants that change the plan.
    fn cases() -> Vec<(&'static str, Params)> {
        let mut out: Vec<(&'static str, Params)> =
            SCENARIOS.iter().map(|s| (s.id, s.defaults())).collect();
        for (id, sets) in [
            ("process-crash", &["unread_data=1"][..]),
            ("process-crash", &["server_writes=1"][..]),
            ("process-crash", &["close_delay_ms=0", "crash_at=3"][..]),
            (
                "syn-established-new-port",
                &["server_writes=0", "so_keepalive=1"][..],
            ),
            (
                "middlebox-idle-timeout",
                &["middlebox_reset=1", "middlebox_idle_s=2", "write_at=4"][..],
            ),
            (
                "partition-heals",
                &["partition_at=1", "partition_s=3", "send_at=1"][..],
            ),
            (
                "host-crash-reboot-listener",
                &["crash_at=1", "send_at=1", "reboot_s=5"][..],
            ),
        ] {
            let mut p = crate::defaults(id).unwrap();
            for s in sets {
                p.apply_assignment(s).unwrap();
            }
            out.push((id, p));
        }
        out
    }

    #[test]
    fn every_scenario_has_a_script() {
        for (id, p) in cases() {
            let text = script(id, &p).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert!(text.starts_with("#!/usr/bin/env bash\n"), "{id}");
            // No placeholder (@NAME@) left.
            for (i, _) in text.match_indices('@') {
                let rest = &text[i + 1..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase())
                    .collect();
                assert!(
                    name.is_empty() || !rest[name.len()..].starts_with('@'),
                    "{id}: placeholder @{name}@ left"
                );
            }
            assert!(text.contains(&format!("id={id}\n")), "{id}");
        }
    }

    /// The plan's steps are the simulation's: each step happens in the
    /// simulated run at its time, and every fault of the run is a step.
    #[test]
    fn steps_are_the_simulations() {
        for (id, p) in cases() {
            let (plan, trace) = plan(id, &p).unwrap();
            let fault_at = |f: Fault, host: &str, t: u64| {
                trace.events.iter().any(|e| {
                    e.host == host
                        && matches!(e.kind, EventKind::Fault { fault } if fault == f)
                        && us(e.at) == t
                })
            };
            for &(t, step) in &plan.steps {
                let seen = match step {
                    Step::Crash => fault_at(Fault::HostCrash, "client", t),
                    Step::Kill => fault_at(Fault::ProcessKill, "client", t),
                    Step::Reboot => fault_at(Fault::RebootDone, "client", t),
                    Step::PathDown => trace.events.iter().any(|e| {
                        matches!(e.kind, EventKind::Fault { fault: Fault::PathDown })
                            && us(e.at) == t
                    }),
                    Step::PathUp => trace.events.iter().any(|e| {
                        matches!(e.kind, EventKind::Fault { fault: Fault::PathUp }) && us(e.at) == t
                    }),
                    Step::Listen { port } => trace.events.iter().any(|e| {
                        e.host == "client"
                            && matches!(e.kind, EventKind::App { call: AppCall::Listen, lport, .. } if lport == port)
                            && us(e.at) == t
                    }),
                    // A windowed write blocks (no result yet) and leaves
                    // as MSS segments from that instant.
                    Step::Send { .. } if plan.windowed => trace.packets.iter().any(|q| {
                        q.src == "server" && q.why == Why::Data && us(q.sent_at) == t
                    }),
                    Step::Send { port, bytes } => trace.events.iter().any(|e| {
                        e.host == "server"
                            && matches!(e.kind, EventKind::App { call: AppCall::Send, rport, .. } if rport == port)
                            && us(e.at) == t
                    }) && trace
                        .packets
                        .iter()
                        .any(|q| q.src == "server" && us(q.sent_at) == t && i64::from(q.len) == bytes),
                    Step::Connect { port } => trace.packets.iter().any(|q| {
                        q.src == "client" && q.why == Why::Connect && q.sport == port && us(q.sent_at) == t
                    }),
                    Step::Attack => trace
                        .packets
                        .iter()
                        .any(|q| q.why == Why::ForgedSyn && us(q.sent_at) == t),
                };
                assert!(seen, "{id}: {step:?} at {t} us is not in the simulation");
            }
            // And the other way: every fault is a step (or the server down
            // from the start).
            for e in &trace.events {
                if let EventKind::Fault { fault } = e.kind {
                    let t = us(e.at);
                    let planned = match fault {
                        Fault::HostCrash if e.host == "server" => plan.server_down && t == 0,
                        Fault::HostCrash => plan.steps.contains(&(t, Step::Crash)),
                        Fault::ProcessKill => plan.steps.contains(&(t, Step::Kill)),
                        Fault::RebootDone => plan.steps.contains(&(t, Step::Reboot)),
                        Fault::PathDown => plan.steps.contains(&(t, Step::PathDown)),
                        Fault::PathUp => plan.steps.contains(&(t, Step::PathUp)),
                    };
                    assert!(
                        planned,
                        "{id}: the simulation's {fault:?} at {t} us is not planned"
                    );
                }
            }
            assert!(
                plan.deadline >= plan.steps.last().map_or(0, |s| s.0),
                "{id}"
            );
        }
    }

    #[test]
    fn fill_replaces_placeholders_only() {
        let v = |n: &str| match n {
            "A" => Some("x"),
            "BC" => Some("@A@"),
            _ => None,
        };
        assert_eq!(
            fill("1 @A@ 2 @BC@ \"$@\" @Z@ @a@ @", v),
            "1 x 2 @A@ \"$@\" @Z@ @a@ @"
        );
        assert_eq!(fill("@A@@A@", v), "xx");
        assert_eq!(fill("é@A@é", v), "éxé");
    }

    #[test]
    fn sysctls_are_only_those_the_scenario_takes() {
        let p = crate::defaults("keepalive-peer-dead").unwrap();
        let names: Vec<&str> = sysctls(&p).iter().map(|s| s.0).collect();
        assert_eq!(
            names,
            [
                "tcp_keepalive_time",
                "tcp_keepalive_intvl",
                "tcp_keepalive_probes"
            ]
        );
        let mut p = crate::defaults("host-crash-data-no-reboot").unwrap();
        p.set("tcp_rto_min", 1000).unwrap();
        let s = sysctls(&p);
        assert!(s.contains(&("tcp_rto_min_us", 1_000_000, Some("it came with Linux 6.11; the RTO floor stays 200 ms (a route's rto_min can change it)".into()))));
    }
}
