//! The application's side of a socket: send(), a blocked recv() woken by
//! data, EOF or an error, close() (by the process, or by the kernel for a
//! process that died), and how a connection's death reaches the process.

use super::{Action, HostId, OnEof, World};
use crate::segment::flags::*;
use crate::tcb::Sent;
use crate::time::SEC;
use crate::trace::{AppCall, AppResult, ResultWord, TcpState, TimerKind, Why};

impl World {
    /// A process that had stopped reading (SIGSTOPped, in a GC pause) calls
    /// recv() again on each of its connections: it reads what has piled up
    /// (`tcp_recvmsg`), which may open the window (`cleanup_rbuf`).
    pub(super) fn resume_reading(&mut self, host: HostId) {
        if !self.hosts[host].up {
            return;
        }
        let now = self.now;
        let socks: Vec<usize> = (0..self.hosts[host].socks.len())
            .filter(|&i| self.sock(host, i).is_some_and(|s| s.app.is_some()))
            .collect();
        for sock in socks {
            let s = self.sock_mut(host, sock);
            if let Some(app) = s.app.as_mut() {
                app.reads = true;
            }
            s.blocked_recv = Some(now);
            self.wake_reader(host, sock);
        }
    }

    /// Data arrived on a windowed socket (`sk_data_ready`): a steady reader
    /// blocked in recv() runs once the segments arriving at this instant
    /// are processed (a `DataReady` queued now); any other reader at once.
    pub(super) fn data_ready(&mut self, host: HostId, sock: usize) {
        let Some(s) = self.sock(host, sock) else {
            return;
        };
        // The first-load build, without the windowed model, has no steady
        // reader: its code is left out there.
        #[cfg(feature = "windowed")]
        if s.app.is_some_and(|a| a.reads && a.read_every > 0) {
            return self.queue_data_ready(host, sock);
        }
        #[cfg(not(feature = "windowed"))]
        let _ = s;
        self.wake_reader(host, sock);
    }

    /// The steady reader's wake-up, queued after the segments arriving at
    /// this instant (the windowed model only).
    #[cfg(feature = "windowed")]
    fn queue_data_ready(&mut self, host: HostId, sock: usize) {
        let Some(s) = self.sock(host, sock) else {
            return;
        };
        if s.read_busy || s.wake_queued || s.blocked_recv.is_none() {
            return;
        }
        let (lport, rport) = s.tcb.ports();
        let peer = self.peer_of(host, sock);
        self.sock_mut(host, sock).wake_queued = true;
        let t = self.now;
        self.at(
            t,
            Action::DataReady {
                host,
                lport,
                peer,
                rport,
            },
        );
    }

    /// Deliver whatever a blocked recv() is waiting for: data first, then a
    /// pending error (after which the process closes the socket), then EOF
    /// (after which it does what its `on_eof` says).
    pub(super) fn wake_reader(&mut self, host: HostId, sock: usize) {
        let Some(s) = self.sock(host, sock) else {
            return;
        };
        let Some(app) = s.app else { return };
        if !app.reads {
            return;
        }
        if s.read_busy {
            // A steady reader working on what it read: not in recv().
            return;
        }
        let since = s.blocked_recv;
        let ports = s.tcb.ports();
        if s.tcb.unread > 0 {
            // recv() returns what is there, at most its buffer's size; the
            // skbs it empties leave the receive buffer. A reader with a
            // small buffer calls it again at once, in a loop (bounded by the
            // run's record bound, `scenarios::MAX_RECORDS`).
            loop {
                let Some(s) = self.sock(host, sock) else {
                    return;
                };
                let unread = s.tcb.unread;
                if unread == 0 {
                    break;
                }
                let since = s.blocked_recv;
                let n = match if cfg!(feature = "windowed") {
                    app.read_chunk
                } else {
                    0
                } {
                    0 => unread,
                    c => unread.min(c),
                };
                self.sock_mut(host, sock).tcb.consume(n);
                self.app(host, AppCall::Recv, AppResult::Bytes(n), since, ports);
                self.sock_mut(host, sock).blocked_recv = Some(self.now);
                // The read freed room: a window update if it grew enough.
                if self.sock_mut(host, sock).tcb.windowed_recv() {
                    self.cleanup_rbuf(host, sock);
                }
                #[cfg(feature = "windowed")]
                {
                    if app.read_every > 0 {
                        // A steady reader works on what it read, then calls
                        // recv() again.
                        let s = self.sock_mut(host, sock);
                        s.read_busy = true;
                        s.blocked_recv = None;
                        let (lport, rport) = ports;
                        let peer = self.peer_of(host, sock);
                        let t = self.now + app.read_every;
                        self.at(
                            t,
                            Action::ReadAgain {
                                host,
                                lport,
                                peer,
                                rport,
                            },
                        );
                        return;
                    }
                }
                if self.events.len() >= crate::scenarios::MAX_RECORDS {
                    return;
                }
            }
            // Data consumed: look for EOF or an error as well.
            return self.wake_reader(host, sock);
        }
        if let Some(err) = s.tcb.err.filter(|_| s.blocked_recv.is_some()) {
            let s = self.sock_mut(host, sock);
            s.tcb.err = None;
            s.blocked_recv = None;
            self.app(host, AppCall::Recv, AppResult::Word(err), since, ports);
            // The process gives up on the connection and closes it.
            self.app_close(host, sock);
            return;
        }
        if s.tcb.fin_rcvd && s.blocked_recv.is_some() {
            self.sock_mut(host, sock).blocked_recv = None;
            self.app(
                host,
                AppCall::Recv,
                AppResult::Word(ResultWord::Eof),
                since,
                ports,
            );
            let (lport, rport) = ports;
            let peer = self.peer_of(host, sock);
            match app.on_eof {
                OnEof::Close => self.app_close(host, sock),
                OnEof::CloseAfter(d) => {
                    let t = self.now + d;
                    self.at(
                        t,
                        Action::Close {
                            host,
                            lport,
                            peer,
                            rport,
                        },
                    );
                }
                OnEof::WriteTwice(bytes) => {
                    self.app_send(host, sock, bytes);
                    let t = self.now + SEC;
                    self.at(
                        t,
                        Action::Send {
                            host,
                            lport,
                            peer,
                            rport,
                            bytes,
                        },
                    );
                    self.at(
                        t + 1,
                        Action::Close {
                            host,
                            lport,
                            peer,
                            rport,
                        },
                    );
                }
            }
        }
    }

    /// The host at the other end of a socket.
    fn peer_of(&self, host: HostId, sock: usize) -> HostId {
        let rip = self.sock(host, sock).map_or(0, |s| s.tcb.rip);
        self.hosts.iter().position(|h| h.ip == rip).unwrap_or(host)
    }

    /// send(): queue and transmit at once (the window is never the limit
    /// here). A pending error is reported instead (`sk_err`); a connection
    /// that can no longer send gives EPIPE.
    pub(super) fn app_send(&mut self, host: HostId, sock: usize, bytes: u32) {
        let now = self.now;
        let s = self.sock_mut(host, sock);
        let ports = s.tcb.ports();
        if let Some(err) = s.tcb.err.take() {
            self.app(host, AppCall::Send, AppResult::Word(err), None, ports);
            return;
        }
        if !matches!(s.tcb.state, TcpState::Established | TcpState::CloseWait) {
            self.app(
                host,
                AppCall::Send,
                AppResult::Word(ResultWord::Epipe),
                None,
                ports,
            );
            return;
        }
        if s.tcb.windowed_send() {
            return self.windowed_send(host, sock, bytes);
        }
        let was_idle = !s.tcb.in_flight();
        let seq = s.tcb.snd_nxt;
        s.tcb.snd_nxt = seq.wrapping_add(bytes);
        s.tcb.write_seq = s.tcb.snd_nxt;
        s.tcb.last_data_sent = now;
        s.tcb.rtx.push(Sent::fresh(seq, bytes, false, false, now));
        self.app(host, AppCall::Send, AppResult::Bytes(bytes), None, ports);
        self.send_from(host, sock, seq, PSH | ACK, bytes, Why::Data);
        self.after_new_data(host, sock, was_idle);
    }

    /// close() by the process.
    pub(super) fn app_close(&mut self, host: HostId, sock: usize) {
        self.close_socket(host, sock, true);
    }

    /// Close a descriptor: by the process (`by_app`, recorded as a call) or
    /// by the kernel for a process that died (Linux: the exit path closes
    /// every file, which ends in `tcp_close`). Unread data turns the FIN
    /// into a RST (RFC 1122 4.2.2.13, RFC 2525 2.17).
    pub(super) fn close_socket(&mut self, host: HostId, sock: usize, by_app: bool) {
        let s = self.sock_mut(host, sock);
        let ports = s.tcb.ports();
        s.app = None;
        s.blocked_recv = None;
        s.tcb.orphan = true;
        let state = s.tcb.state;
        let unread = s.tcb.unread;
        if by_app {
            self.app(
                host,
                AppCall::Close,
                AppResult::Word(ResultWord::Ok),
                None,
                ports,
            );
        }
        match state {
            TcpState::Closed => self.free_sock(host, sock),
            TcpState::SynSent => {
                self.set_state(host, sock, TcpState::Closed);
                self.free_sock(host, sock);
            }
            _ if unread > 0 => {
                self.set_state(host, sock, TcpState::Closed);
                self.send_active_reset(host, sock, Why::RstUnreadData);
                self.stop_xmit(host, sock);
                self.free_sock(host, sock);
            }
            TcpState::Established | TcpState::SynReceived | TcpState::CloseWait => {
                // tcp_close -> tcp_close_state, tcp_send_fin.
                let next = if state == TcpState::CloseWait {
                    TcpState::LastAck
                } else {
                    TcpState::FinWait1
                };
                self.set_state(host, sock, next);
                let now = self.now;
                let s = self.sock_mut(host, sock);
                let was_idle = !s.tcb.in_flight();
                let seq = s.tcb.snd_nxt;
                s.tcb.snd_nxt = seq.wrapping_add(1);
                s.tcb.fin_sent = true;
                s.tcb.rtx.push(Sent::fresh(seq, 0, false, true, now));
                self.send_from(host, sock, seq, FIN | ACK, 0, Why::Fin);
                self.after_new_data(host, sock, was_idle);
            }
            _ => {}
        }
    }

    /// The connection dies with an error for the application
    /// (Linux `tcp_write_err` / `tcp_reset`, then `tcp_done`): timers
    /// stopped, the queue dropped, CLOSED, a blocked recv() woken. A socket
    /// no process holds is freed.
    pub(super) fn fail(&mut self, host: HostId, sock: usize, err: ResultWord) {
        self.stop_xmit(host, sock);
        let s = self.sock_mut(host, sock);
        if s.tcb.state == TcpState::SynSent {
            // connect() itself fails (Linux tcp_write_err: sk_err, then the
            // blocked connect returns it).
            let since = s.blocked_recv.take();
            let ports = s.tcb.ports();
            s.tcb.rtx.clear();
            self.set_state(host, sock, TcpState::Closed);
            if self.sock(host, sock).is_some_and(|s| s.app.is_some()) {
                self.app(host, AppCall::Connect, AppResult::Word(err), since, ports);
            }
            self.free_sock(host, sock);
            return;
        }
        s.timers.clear(TimerKind::Keepalive);
        s.timers.clear(TimerKind::DelayedAck);
        s.tcb.rtx.clear();
        s.tcb.err = Some(err);
        self.set_state(host, sock, TcpState::Closed);
        self.wake_blocked_writer(host, sock);
        self.wake_reader(host, sock);
        if self.sock(host, sock).is_some_and(|s| s.app.is_none()) {
            self.free_sock(host, sock);
        }
    }
}
