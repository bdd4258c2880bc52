//! The world as `ss -tnoi` would show it at the current instant (see
//! `crate::ss` for the format and its sources).

use super::World;
use crate::ss::{Snapshot, SsLine, SsTimer};
use crate::time::Instant;
use crate::trace::{TcpState, TimerKind};

impl World {
    /// One line per connected socket on every live host, as `ss -tnoi`
    /// prints them now: listeners are left out, as
    /// `ss -t` without `-l` leaves them out.
    pub fn ss(&self) -> Snapshot {
        let now = self.now;
        let mut out = Vec::new();
        for h in self.hosts.iter().filter(|h| h.up) {
            for s in h.socks.iter().flatten() {
                let t = &s.tcb;
                if matches!(t.state, TcpState::Closed | TcpState::Listen) {
                    continue;
                }
                let left = |at: Instant| at.saturating_sub(now);
                // inet_sk_diag_fill: the retransmission timer (a
                // retransmission or a loss probe) first, then sk_timer
                // (keepalive); a timewait socket's own timer
                // (inet_twsk_diag_fill).
                let timer = if let Some(a) = s.timers.xmit() {
                    if a.kind == TimerKind::Persist {
                        Some((SsTimer::Persist, left(a.expires), t.probes_out))
                    } else {
                        Some((SsTimer::On, left(a.expires), t.retransmits))
                    }
                } else if let Some(at) = s.timers.due(TimerKind::Keepalive) {
                    Some((SsTimer::Keepalive, left(at), t.probes_out))
                } else {
                    s.timers
                        .due(TimerKind::TimeWait)
                        .map(|at| (SsTimer::Timewait, left(at), 0))
                };
                // rcv_nxt - copied_seq: unread bytes, plus an unread FIN.
                // (A process that reads took the FIN as EOF; one that never
                // reads, or closed without reading, left it counted.)
                let eof_unread = t.fin_rcvd && !s.app.is_some_and(|a| a.reads);
                // A TIME_WAIT socket reports empty queues (inet_twsk_diag_fill).
                let tw = t.state == TcpState::TimeWait;
                let rtt = (t.srtt_us8 != 0).then(|| (t.srtt(), t.mdev_us >> 2));
                out.push(SsLine {
                    host: h.name(),
                    state: t.state,
                    recv_q: if tw { 0 } else { t.unread + eof_unread as u32 },
                    send_q: if tw {
                        0
                    } else {
                        // tp->write_seq - tp->snd_una: sent and unsent.
                        // (Linux's write_seq starts after the SYN:
                        // tcp_connect_init, tcp_create_openreq_child; the
                        // model moves it there at the first write.)
                        let end =
                            if t.windowed_send() && !crate::tcb::before(t.write_seq, t.snd_nxt) {
                                t.write_seq
                            } else {
                                t.snd_nxt
                            };
                        end.wrapping_sub(t.snd_una)
                    },
                    local: (h.ip, t.lport),
                    peer: (t.rip, t.rport),
                    timer,
                    rto: t.rto,
                    backoff: t.backoff,
                    rtt,
                    unacked: t.rtx.len() as u32,
                    retrans: t.rtx.iter().filter(|r| r.resends > 0).count() as u32,
                    total_retrans: t.total_retrans,
                    lastsnd: now - t.last_data_sent,
                    lastrcv: now - t.last_data_recv,
                    lastack: now - t.last_ack_recv,
                });
            }
        }
        Snapshot {
            at: now,
            hosts: self
                .hosts
                .iter()
                .filter(|h| h.role != super::Role::Middlebox)
                .map(|h| (h.name(), h.up))
                .collect(),
            lines: out,
        }
    }
}
