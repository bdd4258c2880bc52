//! The rebooted client connects again: from a new port (a second
//! connection beside the half-open one) or from the same port (a SYN on
//! the old connection: RFC 5961's challenge ACK).

use super::{Scenario, Script, CLIENT_PORT, CLIENT_PORT_NEW};
use crate::params::Param;
use crate::text::text;
use crate::time::Instant;

pub static SYN_ESTABLISHED_NEW_PORT: Scenario = Scenario {
    id: "syn-established-new-port",
    title: text!("重启后从新端口重连：新旧连接并存", "The rebooted client reconnects from a new port: old and new side by side"),
    steps: &[
        text!("客户端重启后从新端口 40001 发起连接。四元组不同，这是一条全新的连接，三次握手照常完成。", "After rebooting, the client connects from a new port, 40001. The four-tuple differs, so this is a brand-new connection and the handshake completes normally."),
        text!("旧连接在服务端仍然是 ESTABLISHED，和新连接并排存在。它已经是半开连接：客户端那一端随着重启消失了。", "The old connection is still ESTABLISHED on the server, next to the new one. It is half-open now: the client's end vanished with the reboot."),
        text!("直到服务端往旧连接里写数据，或者（开了 <code>SO_KEEPALIVE</code> 时）保活探测到达，重启后的客户端内核才回一个 RST，旧连接被清掉，应用得到 ECONNRESET。两样都不发生，它就一直留着。", "Only when the server writes on the old connection, or (with <code>SO_KEEPALIVE</code>) a keepalive probe arrives, does the rebooted client's kernel answer with a RST that ends the old connection with ECONNRESET. If neither happens, it stays forever."),
        text!("保活探测只需一个：客户端主机活着，第一个探测就换来 RST，不会等到几个探测都没有回应。把 <code>server_writes</code> 设为 0、<code>so_keepalive</code> 设为 1 就能看到，默认在约 7200 秒处。", "One keepalive probe is enough: the client host is up, so the first probe earns the RST; nothing waits for several unanswered probes. Set <code>server_writes</code> to 0 and <code>so_keepalive</code> to 1 to see it, about 7200 s in with the defaults."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::CrashAt, Param::RebootS, Param::ReconnectAfter, Param::ServerWrites, Param::SendAt, Param::SendBytes, Param::TcpRetries2, Param::SoKeepalive, Param::TcpKeepaliveTime, Param::TcpKeepaliveIntvl, Param::TcpKeepaliveProbes, Param::ObserveS],
    overrides: &[(Param::RebootS, 30), (Param::SendAt, 60), (Param::ObserveS, 30)],
    script: new_port,
};

pub static SYN_ESTABLISHED_SAME_PORT: Scenario = Scenario {
    id: "syn-established-same-port",
    title: text!("重启后从同一端口重连：挑战 ACK", "The rebooted client reconnects from the same port: challenge ACK"),
    steps: &[
        text!("重启后的客户端碰巧又用端口 40000 连接，四元组和服务端那条旧连接一模一样。", "The rebooted client happens to connect from port 40000 again: the same four-tuple as the server's old connection."),
        text!("已建立的连接收到 SYN，Linux 既不重置连接，也不回 SYN-ACK，而是按 RFC 5961 4.2 回一个<b>挑战 ACK</b>（challenge ACK，RFC 5961），带着旧连接当前的序号和确认号。每个套接字每 <code>tcp_invalid_ratelimit</code>（默认 500 毫秒）最多发一个。这是 Linux 3.6 起的行为；更早的内核收到窗口内的 SYN 会直接重置连接。", "An established connection that receives a SYN neither resets nor answers SYN-ACK: Linux sends a <b>challenge ACK</b> (RFC 5961 4.2) carrying the old connection's current numbers, at most one per <code>tcp_invalid_ratelimit</code> (500 ms by default) per socket. This is Linux's behaviour since 3.6; older kernels reset the connection on an in-window SYN."),
        text!("除了每个套接字的限速，还有一个全机共享的上限 <code>tcp_challenge_ack_limit</code>（每秒最多发多少个挑战 ACK）：3.6 时为 100；4.7 起为 1000 并加入随机化，因为这个共享计数可以被当作旁路（CVE-2016-5696）；6.0 起改为按网络命名空间计数，默认 INT_MAX，也就是不限。", "Besides the per-socket limit there was a host-wide one, <code>tcp_challenge_ack_limit</code> (challenge ACKs per second): 100 in 3.6; 1000, with some randomness, from 4.7, because the shared count could be used as a side channel (CVE-2016-5696); since 6.0 it is counted per network namespace and defaults to INT_MAX, i.e. off."),
        text!("处在 SYN_SENT 的客户端发现这个 ACK 对不上，回 RST（序号取它的确认号）。Linux 5.6 起还会把 SYN 重传定时器缩到最短（两个 jiffy），几乎马上重发 SYN；更早的内核要等到初始 RTO（1 秒）才重发。", "The client, in SYN_SENT, finds that ACK unacceptable and answers with a RST whose sequence number is the ACK's number. Since Linux 5.6 it also cuts the SYN retransmission timer to its minimum (two jiffies), so the SYN goes out again almost at once; older kernels wait for the initial RTO (1 s)."),
        text!("服务端收到序号恰好的 RST，关掉旧连接，旧连接上的 <code>recv()</code> 得到 ECONNRESET；随后到达的 SYN 建立起新连接。", "The server accepts the exactly-numbered RST and drops the old connection (its <code>recv()</code> gets ECONNRESET); the SYN that follows opens a fresh connection."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::CrashAt, Param::RebootS, Param::ReconnectAfter, Param::TcpInvalidRatelimit, Param::TcpSynRetries, Param::TcpSynLinearTimeouts, Param::ObserveS],
    overrides: &[(Param::RebootS, 30), (Param::ObserveS, 30)],
    script: same_port,
};

/// Crash at `crash_at`, booted `reboot_s` later, connect again from
/// `sport` `reconnect_after` after that. Returns when the reconnect happens.
fn crash_reboot_reconnect(s: &mut Script, sport: u16) -> Instant {
    let crash = s.secs(Param::CrashAt);
    let reboot = crash + s.secs(Param::RebootS);
    let reconnect = reboot + s.secs(Param::ReconnectAfter);
    s.client_crashes(crash);
    s.client_reboots(reboot);
    s.client_connects(reconnect, sport);
    reconnect
}

/// From a new port; with `server_writes` the server writes on the old
/// connection `send_at` after the crash.
fn new_port(s: &mut Script) -> Instant {
    let mut last = crash_reboot_reconnect(s, CLIENT_PORT_NEW);
    if s.p.get(Param::ServerWrites) == 1 {
        let send_at = s.secs(Param::CrashAt) + s.secs(Param::SendAt);
        let bytes = s.p.get(Param::SendBytes) as u32;
        s.server_sends(send_at, bytes);
        last = last.max(send_at);
    }
    last.max(s.keepalive_span()) + s.observe()
}

/// From the same port.
fn same_port(s: &mut Script) -> Instant {
    let last = crash_reboot_reconnect(s, CLIENT_PORT);
    last.max(s.keepalive_span()) + s.observe()
}
