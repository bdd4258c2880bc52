//! Scripted steps: what the scenario's processes do (listen, connect,
//! send, close), the faults (a process killed, a host crashed, a reboot
//! finished) and a third party's forged segments.

use super::{AppPolicy, Attack, HostId, Listener, World};
use crate::segment::{flags::*, Seg};
use crate::tcb::{Sent, Tcb};
use crate::trace::{
    AppCall, AppResult, EventKind, Fault, KernelNote, ResultWord, TcpState, TimerKind, Why,
};

/// Scripted steps of a scenario.
#[derive(Clone, Debug)]
pub enum Action {
    /// A process on `host` listens on `port`.
    Listen {
        host: HostId,
        port: u16,
        app: AppPolicy,
    },
    /// A process on `host` connects from `sport` to `dst:dport`.
    Connect {
        host: HostId,
        sport: u16,
        dst: HostId,
        dport: u16,
        app: AppPolicy,
    },
    /// The process writes on its connection (lport, peer:rport) of `host`.
    Send {
        host: HostId,
        lport: u16,
        peer: HostId,
        rport: u16,
        bytes: u32,
    },
    /// The process closes that connection.
    Close {
        host: HostId,
        lport: u16,
        peer: HostId,
        rport: u16,
    },
    /// SIGKILL: the process dies, its kernel lives on.
    ProcessKill { host: HostId },
    /// The process on `host` that had stopped reading (stopped, in a GC
    /// pause) sits in recv() again on each of its connections.
    ResumeReading { host: HostId },
    /// Data reached a steady reader blocked in recv(): it runs now, after
    /// the segments arriving at the same instant (process context after
    /// the softirq).
    #[cfg(feature = "windowed")]
    DataReady {
        host: HostId,
        lport: u16,
        peer: HostId,
        rport: u16,
    },
    /// A steady reader calls recv() again on that connection.
    #[cfg(feature = "windowed")]
    ReadAgain {
        host: HostId,
        lport: u16,
        peer: HostId,
        rport: u16,
    },
    /// Power loss or a kernel panic: nothing more leaves or enters, all
    /// state is lost.
    HostCrash { host: HostId },
    /// The crashed host has booted: a fresh kernel with no sockets.
    RebootDone { host: HostId },
    /// The path between the hosts drops everything for `span` (recorded on
    /// `host`'s side).
    Partition { host: HostId, span: u64 },
    /// The path works again (queued by `Partition`).
    PathUp { host: HostId },
    /// `from` puts an arbitrary segment on the wire, claiming to be `spoof`.
    Inject {
        from: HostId,
        spoof: Option<HostId>,
        seg: Seg,
        why: Why,
    },
    /// A third party forges a SYN with `victim`'s four-tuple towards `dst`
    /// and, when it sees the challenge ACK go back, a RST with its numbers.
    ForgeSyn {
        attacker: HostId,
        victim: HostId,
        sport: u16,
        dst: HostId,
        dport: u16,
    },
}

impl World {
    pub(super) fn action(&mut self, a: Action) {
        match a {
            Action::Listen { host, port, app } => self.listen(host, port, app),
            Action::Connect {
                host,
                sport,
                dst,
                dport,
                app,
            } => self.connect(host, sport, dst, dport, app),
            Action::Send {
                host,
                lport,
                peer,
                rport,
                bytes,
            } => {
                if !self.hosts[host].up {
                    return;
                }
                if let Some(sock) = self.find_owned(host, lport, peer, rport) {
                    self.app_send(host, sock, bytes);
                }
            }
            Action::Close {
                host,
                lport,
                peer,
                rport,
            } => {
                if let Some(sock) = self.find_owned(host, lport, peer, rport) {
                    self.app_close(host, sock);
                }
            }
            Action::ProcessKill { host } => self.process_kill(host),
            Action::ResumeReading { host } => self.resume_reading(host),
            #[cfg(feature = "windowed")]
            Action::DataReady {
                host,
                lport,
                peer,
                rport,
            } => {
                if let Some(sock) = self.find_owned(host, lport, peer, rport) {
                    self.sock_mut(host, sock).wake_queued = false;
                    self.wake_reader(host, sock);
                }
            }
            #[cfg(feature = "windowed")]
            Action::ReadAgain {
                host,
                lport,
                peer,
                rport,
            } => {
                if let Some(sock) = self.find_owned(host, lport, peer, rport) {
                    let now = self.now;
                    let s = self.sock_mut(host, sock);
                    s.read_busy = false;
                    s.blocked_recv = Some(now);
                    self.wake_reader(host, sock);
                }
            }
            Action::HostCrash { host } => {
                self.ev(
                    host,
                    EventKind::Fault {
                        fault: Fault::HostCrash,
                    },
                );
                self.hosts[host].wipe();
            }
            Action::RebootDone { host } => {
                let seed = self.random();
                self.hosts[host].boot(seed);
                self.ev(
                    host,
                    EventKind::Fault {
                        fault: Fault::RebootDone,
                    },
                );
            }
            Action::Partition { host, span } => self.partition(host, span),
            Action::PathUp { host } => self.ev(
                host,
                EventKind::Fault {
                    fault: Fault::PathUp,
                },
            ),
            Action::Inject {
                from,
                spoof,
                seg,
                why,
            } => {
                self.transmit(from, seg, why, spoof);
            }
            Action::ForgeSyn {
                attacker,
                victim,
                sport,
                dst,
                dport,
            } => self.forge_syn(attacker, victim, sport, dst, dport),
        }
    }

    /// listen(): a listener on `port` (RFC 9293 3.10.1).
    fn listen(&mut self, host: HostId, port: u16, app: AppPolicy) {
        if !self.hosts[host].up {
            return;
        }
        self.hosts[host].listeners.push(Listener {
            port,
            app,
            open: true,
        });
        self.app(
            host,
            AppCall::Listen,
            AppResult::Word(ResultWord::Ok),
            None,
            (port, 0),
        );
        self.ev(
            host,
            EventKind::State {
                lport: port,
                rport: 0,
                from: TcpState::Closed,
                to: TcpState::Listen,
            },
        );
    }

    /// connect(): a SYN_SENT socket, the SYN, the retransmission timer at
    /// the initial RTO (RFC 9293 3.10.1; Linux `tcp_v4_connect`,
    /// `tcp_connect`, which also stamps `retrans_stamp` with the first SYN's
    /// time: the SYN retries' time budget and TCP_USER_TIMEOUT count from
    /// it). The call blocks until the handshake ends.
    fn connect(&mut self, host: HostId, sport: u16, dst: HostId, dport: u16, app: AppPolicy) {
        if !self.hosts[host].up {
            return;
        }
        let iss = self.new_isn(host);
        let rip = self.hosts[dst].ip;
        let mut tcb = Tcb::new(sport, rip, dport, iss, self.now);
        tcb.opts = app.opts;
        tcb.snd_nxt = iss.wrapping_add(1);
        tcb.rtx.push(Sent::fresh(iss, 0, true, false, self.now));
        tcb.retrans_stamp = Some(self.now);
        let rto = tcb.rto;
        let sock = self.insert(host, tcb, Some(app));
        self.sock_mut(host, sock).blocked_recv = Some(self.now);
        self.set_state(host, sock, TcpState::SynSent);
        self.send_from(host, sock, iss, SYN, 0, Why::Connect);
        // The first timer is the initial RTO as it is (not clamped to
        // TCP_USER_TIMEOUT: tcp_connect arms icsk_rto).
        self.arm(host, sock, TimerKind::Retransmit, rto);
    }

    /// SIGKILL: the kernel closes every descriptor the process held (Linux
    /// `do_exit` -> `tcp_close` for each socket), without a close() call of
    /// the process's own; its listeners stop accepting.
    fn process_kill(&mut self, host: HostId) {
        if !self.hosts[host].up {
            return;
        }
        self.ev(
            host,
            EventKind::Fault {
                fault: Fault::ProcessKill,
            },
        );
        for l in self.hosts[host].listeners.iter_mut() {
            l.open = false;
        }
        let socks: Vec<usize> = (0..self.hosts[host].socks.len())
            .filter(|&i| self.sock(host, i).is_some_and(|s| s.app.is_some()))
            .collect();
        for sock in socks {
            self.close_socket(host, sock, false);
        }
    }

    /// The third party's first move: a SYN with the victim's four-tuple and
    /// a random sequence number. It then watches for the reply.
    fn forge_syn(&mut self, attacker: HostId, victim: HostId, sport: u16, dst: HostId, dport: u16) {
        let victim_ip = self.hosts[victim].ip;
        let dst_ip = self.hosts[dst].ip;
        let seq = self.random() as u32;
        self.attack = Some(Attack {
            attacker,
            victim_ip,
            sport,
            dst_ip,
            dport,
            armed: true,
        });
        let seg = Seg {
            src_ip: victim_ip,
            dst_ip,
            sport,
            dport,
            seq,
            ack: 0,
            flags: SYN,
            len: 0,
        };
        self.transmit(attacker, seg, Why::ForgedSyn, Some(victim));
    }

    /// The third party, tapping the victim's side, sees a segment arrive
    /// there. If it is the challenge ACK its SYN provoked, it reads the
    /// numbers off it and sends a RST with SEQ = that ACK (RFC 5961 3's
    /// threat: an exact RST is accepted).
    pub(super) fn attacker_sees(&mut self, seg: &Seg, pkt: usize) {
        let Some(a) = self.attack.clone() else {
            return;
        };
        let provoked = a.armed
            && seg.dst_ip == a.victim_ip
            && seg.src_ip == a.dst_ip
            && seg.dport == a.sport
            && seg.sport == a.dport
            && seg.flags == ACK;
        if !provoked {
            return;
        }
        if let Some(x) = self.attack.as_mut() {
            x.armed = false;
        }
        self.note(
            a.attacker,
            KernelNote::Observed,
            Some(pkt),
            (a.sport, a.dport),
        );
        let victim = self
            .hosts
            .iter()
            .position(|h| h.ip == a.victim_ip)
            .unwrap_or(0);
        let rst = Seg {
            src_ip: a.victim_ip,
            dst_ip: a.dst_ip,
            sport: a.sport,
            dport: a.dport,
            seq: seg.ack,
            ack: 0,
            flags: RST,
            len: 0,
        };
        self.transmit(a.attacker, rst, Why::ForgedRst, Some(victim));
    }
}
