//! The headline of a run: when each application learns what happened to
//! its connection, and what it sees. Computed from the trace's own records
//! (application results, faults, forged segments, state changes), the same
//! way for a simulation and a real-kernel recording.

use serde::{Deserialize, Serialize};

use crate::trace::{AppCall, AppResult, EventKind, ResultWord, TcpState, Trace, Why};

/// One application learning something about its connection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The host whose application it is.
    pub host: String,
    /// The call that told it.
    pub call: AppCall,
    /// What the call returned: `EOF` or an error.
    pub result: AppResult,
    /// When (seconds since the start of the run).
    pub at: f64,
    /// How long after `from` it came.
    pub after: f64,
    /// What `after` counts from.
    pub from: Since,
}

/// The moment an outcome is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Since {
    /// The fault (a process killed, a host crashed), or the third party's
    /// first forged segment.
    Fault,
    /// The application's own first write after the fault: the wait a reader
    /// actually experiences when the peer is silent.
    Write,
    /// The call itself (a connect() that blocks until it fails).
    Call,
}

impl Since {
    pub fn as_str(self) -> &'static str {
        match self {
            Since::Fault => "fault",
            Since::Write => "write",
            Since::Call => "call",
        }
    }
}

/// Whether a call's result is news about the connection: end of file, or
/// an error.
fn is_news(r: AppResult) -> bool {
    matches!(r, AppResult::Word(w) if w == ResultWord::Eof || w.as_str().starts_with('E'))
}

/// The moment things went wrong: the first fault (a process killed, a host
/// crashed, the path cut, a middlebox forgetting the flow), or the first
/// forged segment. `None` for a run where nothing goes wrong.
pub fn fault_time(trace: &Trace) -> Option<f64> {
    let fault = trace.events.iter().find_map(|e| match e.kind {
        EventKind::Fault { .. }
        | EventKind::Kernel {
            what: crate::trace::KernelNote::FlowExpired,
            ..
        } => Some(e.at),
        _ => None,
    });
    let forged = trace
        .packets
        .iter()
        .filter(|p| matches!(p.why, Why::ForgedSyn | Why::ForgedRst) || p.spoofed_as.is_some())
        .map(|p| p.sent_at)
        .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.min(t))));
    match (fault, forged) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The four-tuple of the run's first connection, as (client port, server
/// port): from its first segment, or, when none reached the wire (a SYN
/// that waited for ARP), from the client socket's first state change or
/// call (a recording has calls but no states).
fn first_connection(trace: &Trace) -> Option<(u16, u16)> {
    let on_wire = trace
        .packets
        .iter()
        .find(|p| p.src == "client" && p.dst == "server")
        .map(|p| (p.sport, p.dport));
    on_wire.or_else(|| {
        trace.events.iter().find_map(|e| match e.kind {
            EventKind::State { lport, rport, .. } | EventKind::App { lport, rport, .. }
                if e.host == "client" && rport != 0 =>
            {
                Some((lport, rport))
            }
            _ => None,
        })
    })
}

/// For each application, the first call after the fault that told it
/// something about the first connection (EOF or an error), with how long it
/// took: counted from the application's own first write after the fault if
/// it wrote (a write that blocked, from its call), else from the fault; a
/// connect() that fails counts from the call. Without a fault in the trace
/// (a recording whose server was down before it began, a peer that stopped
/// reading), only a failed connect() or an error after a blocked write is
/// news. Empty when nothing
/// went wrong or nobody learned anything.
pub fn outcomes(trace: &Trace) -> Vec<Outcome> {
    let fault = fault_time(trace);
    let Some((cport, sport)) = first_connection(trace) else {
        return Vec::new();
    };
    let mut out: Vec<Outcome> = Vec::new();
    for host in ["client", "server"] {
        let (lport, rport) = if host == "client" {
            (cport, sport)
        } else {
            (sport, cport)
        };
        let mut wrote: Option<f64> = None;
        for e in trace
            .events
            .iter()
            .filter(|e| e.host == host && e.at >= fault.unwrap_or(0.0))
        {
            let EventKind::App {
                call,
                result,
                since: called,
                lport: l,
                rport: r,
            } = e.kind
            else {
                continue;
            };
            if (l, r) != (lport, rport) {
                continue;
            }
            if call == AppCall::Send && wrote.is_none() && matches!(result, AppResult::Bytes(_)) {
                // A send() that blocked counts from its call.
                wrote = Some(called.unwrap_or(e.at));
            }
            if is_news(result) {
                let (from, since) = match (wrote, called, fault) {
                    (_, Some(c), _) if call == AppCall::Connect => (Since::Call, c),
                    // No fault (a peer that stopped reading): an error
                    // after a blocked write counts from the write.
                    (Some(w), _, None) if w < e.at => (Since::Write, w),
                    (_, _, None) => continue,
                    (Some(w), _, _) => (Since::Write, w),
                    (None, _, Some(f)) => (Since::Fault, f),
                };
                out.push(Outcome {
                    host: host.to_string(),
                    call,
                    result,
                    at: e.at,
                    // To the microsecond, the trace's resolution.
                    after: ((e.at - since) * 1e6).round() / 1e6,
                    from,
                });
                break;
            }
        }
    }
    // In time order (two entries at most: no sort code for the wasm build).
    if out.len() == 2 && out[1].at < out[0].at {
        out.swap(0, 1);
    }
    out
}

/// The state the server's side of the first connection is left in at the
/// end of the run (`None` if the trace has no state records).
pub fn server_end_state(trace: &Trace) -> Option<TcpState> {
    let (cport, sport) = first_connection(trace)?;
    trace
        .events
        .iter()
        .rev()
        .filter(|e| e.host == "server")
        .find_map(|e| match e.kind {
            EventKind::State {
                lport, rport, to, ..
            } if (lport, rport) == (sport, cport) => Some(to),
            _ => None,
        })
}
