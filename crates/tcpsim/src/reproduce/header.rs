//! The script's header: what it does and what it does not reproduce, in
//! comment lines.

use super::{time_text, Plan, Step, Topology};
use crate::params::{Param, Params};

/// Header comment lines: what the script does and does not reproduce.
pub(super) fn about(plan: &Plan, p: &Params) -> (Vec<String>, Vec<String>) {
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
            match (plan.server_reads, plan.client_resume_at, plan.client_read_every_ms) {
                (true, _, _) => String::new(),
                (false, 0, 0) => " and never reads, and the client's process never reads".to_string(),
                (false, r, 0) => format!(
                    " and never reads, and the client's process reads nothing until t0 + {r} s (resume_at), then reads in a loop{}",
                    match plan.client_read_bytes {
                        0 => String::new(),
                        b => format!(", {} per recv() (read_bytes)", recv_size(b)),
                    }
                ),
                (false, r, e) => format!(
                    " and never reads, and the client's process reads {} per recv() and waits {e} ms after each (read_bytes, read_every_ms){}",
                    recv_size(plan.client_read_bytes),
                    if r > 0 { format!(", from t0 + {r} s (resume_at)") } else { ", from connect()".to_string() }
                ),
            }
        ));
    }
    if plan.watch == "client" {
        does.push("- tcpdump captures on the client's interface".into());
    } else {
        does.push("- tcpdump captures on the server's interface".into());
    }
    does.push(format!(
        "- it watches for at most {} after t0 (the simulation of these parameters, plus an eighth for the kernel's timer wheel, plus 2 s; at least until the last application result of the simulation plus the most the timer wheel can delay it, plus 2 s), and stops 2 s after the {}'s application has learned how its first connection ended",
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

/// Comment lines, wrapped at 78 columns. A line break inside a text would
/// end the comment and make the rest code: it becomes a space.
pub(super) fn push_comment(o: &mut String, lines: &[String]) {
    for l in lines {
        let l: String = l
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
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

/// What one recv() of the client's reader asks for: `read_bytes`, or 65,536
/// when it is 0 (the script's recv(65536)).
fn recv_size(read_bytes: u64) -> String {
    match read_bytes {
        0 => "up to 65536 bytes".to_string(),
        1 => "1 byte".to_string(),
        b => format!("up to {b} bytes"),
    }
}
