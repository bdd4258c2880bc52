//! Real-kernel recordings (tests/kernel/fixtures/*.json, written by
//! tests/kernel/record.py) turned into a [`Trace`], so that the same renderer
//! draws a Linux capture beside the simulated run.
//!
//! A capture only knows what crossed the server's interface and what each
//! application call returned: segments carry `why: captured` (the wire does
//! not say why a kernel sent something), there are no state or timer events,
//! and a segment counts as lost when the recorder had taken its destination
//! down (its fault log says when). An ICMP host unreachable that a host's
//! kernel sent itself (captured on lo, in `other_packets`: its ARP for the
//! peer failed) is drawn as the simulator's `arp_failed` note.

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::trace::{
    AppCall, AppResult, Event, EventKind, Fault, Flag, HostInfo, KernelNote, Loss, Origin, Packet,
    StopReason, Trace, Why,
};

/// One recording, as record.py writes it.
#[derive(Clone, Debug, Deserialize)]
pub struct Capture {
    pub name: String,
    pub scenario: String,
    pub params: BTreeMap<String, i64>,
    /// `uname -r` of the recording kernel.
    pub kernel: String,
    /// ISO 8601 date and time of the recording.
    pub recorded_at: String,
    #[serde(default)]
    pub fault_method: String,
    #[serde(default)]
    pub faults: Vec<CapturedFault>,
    pub packets: Vec<CapturedPacket>,
    #[serde(default)]
    pub app: Vec<CapturedCall>,
    /// ARP and ICMP, where the recorder captured them.
    #[serde(default)]
    pub other_packets: Vec<OtherPacket>,
}

/// A non-TCP packet of a recording: only what the trace shows of it.
#[derive(Clone, Debug, Deserialize)]
pub struct OtherPacket {
    pub t: f64,
    pub proto: String,
    #[serde(default)]
    pub sip: Option<String>,
    #[serde(default)]
    pub dip: Option<String>,
    #[serde(default, rename = "type")]
    pub icmp_type: Option<u8>,
    #[serde(default)]
    pub code: Option<u8>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct CapturedFault {
    pub t: f64,
    pub what: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct CapturedPacket {
    pub t: f64,
    pub src: String,
    pub dst: String,
    #[serde(default)]
    pub spoofed: bool,
    pub sport: u16,
    pub dport: u16,
    pub flags: Vec<Flag>,
    pub abs_seq: u32,
    pub abs_ack: Option<u32>,
    pub seq: u32,
    pub ack: Option<u32>,
    pub len: u32,
}

#[derive(Clone, Debug, Deserialize)]
pub struct CapturedCall {
    /// When the call was made.
    pub t: f64,
    /// When a blocking call (connect) returned, if recorded.
    #[serde(default)]
    pub t_return: Option<f64>,
    pub host: String,
    pub call: AppCall,
    pub result: AppResult,
    #[serde(default)]
    pub lport: Option<u16>,
    #[serde(default)]
    pub rport: Option<u16>,
}

fn fault_of(what: &str) -> Option<Fault> {
    let w = what.to_ascii_lowercase();
    if w.starts_with("host crash") {
        Some(Fault::HostCrash)
    } else if w.starts_with("reboot done") {
        Some(Fault::RebootDone)
    } else if w.starts_with("process crash") {
        Some(Fault::ProcessKill)
    } else {
        None
    }
}

impl Capture {
    /// The recording as a trace, times in seconds after the client's connect().
    pub fn to_trace(&self) -> Trace {
        let host_of = |h: &str| match h {
            "client" => Some("client"),
            "server" => Some("server"),
            _ => None,
        };
        // While a host is down (crash to reboot), segments sent to it die.
        let mut down: Vec<(String, f64, f64)> = Vec::new();
        let mut events = Vec::new();
        for f in &self.faults {
            let Some(fault) = fault_of(&f.what) else {
                continue;
            };
            // Every recorded fault happens to the client.
            let host = "client";
            match fault {
                Fault::HostCrash => down.push((host.to_string(), f.t, f64::INFINITY)),
                Fault::RebootDone => {
                    if let Some(d) = down
                        .iter_mut()
                        .rev()
                        .find(|d| d.0 == host && d.2.is_infinite())
                    {
                        d.2 = f.t;
                    }
                }
                _ => {}
            }
            events.push(Event {
                at: f.t,
                host: host.to_string(),
                kind: EventKind::Fault { fault },
            });
        }
        for c in &self.app {
            if let Some(h) = host_of(&c.host) {
                let at = c.t_return.unwrap_or(c.t).max(c.t);
                events.push(Event {
                    at,
                    host: h.to_string(),
                    kind: EventKind::App {
                        call: c.call,
                        result: c.result,
                        since: (at > c.t).then_some(c.t),
                        lport: c.lport.unwrap_or(0),
                        rport: c.rport.unwrap_or(0),
                    },
                });
            }
        }
        // An ICMP host unreachable (type 3 code 1) a host sent itself.
        for o in &self.other_packets {
            let host = match o.sip.as_deref() {
                Some("10.0.0.1") => "client",
                Some("10.0.0.2") => "server",
                _ => continue,
            };
            if o.proto == "icmp" && o.icmp_type == Some(3) && o.code == Some(1) && o.sip == o.dip {
                events.push(Event {
                    at: o.t,
                    host: host.to_string(),
                    kind: EventKind::Kernel {
                        what: KernelNote::ArpFailed,
                        packet: None,
                        lport: 0,
                        rport: 0,
                    },
                });
            }
        }
        events.sort_by(|a, b| a.at.total_cmp(&b.at));
        let mut packets: Vec<Packet> = Vec::with_capacity(self.packets.len());
        let mut order: Vec<&CapturedPacket> = self.packets.iter().collect();
        order.sort_by(|a, b| a.t.total_cmp(&b.t));
        for p in order {
            let dead = down
                .iter()
                .any(|(h, a, b)| *h == p.dst && p.t >= *a && p.t < *b);
            packets.push(Packet {
                id: packets.len(),
                sent_at: p.t,
                arrived_at: if dead { None } else { Some(p.t) },
                lost: dead.then_some(Loss::HostDown),
                lost_at: dead.then_some(p.t),
                src: p.src.clone(),
                dst: p.dst.clone(),
                spoofed_as: (p.src == "attacker" || p.spoofed).then(|| "client".to_string()),
                sport: p.sport,
                dport: p.dport,
                flags: p.flags.clone(),
                seq: p.seq,
                ack: p.ack,
                abs_seq: p.abs_seq,
                abs_ack: p.abs_ack.unwrap_or(0),
                len: p.len,
                resend: None,
                win: 0,
                why: Why::Captured,
            });
        }
        let mut hosts = vec![
            HostInfo {
                name: "client".into(),
                ip: "10.0.0.1".into(),
            },
            HostInfo {
                name: "server".into(),
                ip: "10.0.0.2".into(),
            },
        ];
        if packets.iter().any(|p| p.src == "attacker") {
            hosts.push(HostInfo {
                name: "attacker".into(),
                ip: "10.0.0.3".into(),
            });
        }
        let end = packets
            .iter()
            .map(|p| p.sent_at)
            .chain(events.iter().map(|e| e.at))
            .fold(0.0f64, f64::max);
        let mut t = Trace {
            scenario: self.scenario.clone(),
            origin: Origin::Recording,
            params: self.params.clone(),
            hosts,
            packets,
            events,
            end_at: end,
            stop: StopReason::Quiet,
            outcome: Vec::new(),
        };
        t.outcome = crate::outcome::outcomes(&t);
        t
    }
}
