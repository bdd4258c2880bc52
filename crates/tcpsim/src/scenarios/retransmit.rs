//! The client host crashes while the server has data to send: the
//! retransmissions run until their budget is spent, or until the rebooted
//! host answers one with a RST.

use super::{Scenario, Script, CLIENT_PORT};
use crate::params::Param;
use crate::sim::{Action, AppPolicy};
use crate::text::text;
use crate::time::Instant;

pub static HOST_CRASH_DATA_NO_REBOOT: Scenario = Scenario {
    id: "host-crash-data-no-reboot",
    title: text!("客户端主机宕机，服务端还在发数据：重传直到放弃", "The client host dies while the server sends: retransmit until giving up"),
    steps: &[
        text!("客户端主机宕机后，服务端写入 100 字节。数据发出去了，ACK 却永远不来。", "After the client host dies, the server writes 100 bytes. They leave; the ACK never comes."),
        text!("先是尾部丢失探测（TLP）：大约 2 × SRTT 之后重发最后一段，但不晚于 RTO 到期的时刻。", "First a tail loss probe (TLP): the last segment again after about 2 × SRTT, but no later than the RTO would fire."),
        text!("然后是超时重传：RTO 至少是 SRTT + 200 ms（<code>tcp_rto_min</code>），每次翻倍，封顶 120 秒（<code>tcp_rto_max</code>）。", "Then retransmission timeouts: the RTO is at least SRTT + 200 ms (<code>tcp_rto_min</code>), doubles every time, and stops growing at 120 s (<code>tcp_rto_max</code>)."),
        text!("<code>tcp_retries2</code> = 15 并不是“重传 15 次”，而是由 <code>tcp_model_timeout</code> 换算出的时间预算：从第一次超时重传算起 924.6 秒。预算用完后的第一次 RTO 到期时内核放弃，<code>recv()</code> 得到 <b>ETIMEDOUT</b>，不发 RST。", "<code>tcp_retries2</code> = 15 does not mean “15 retransmissions”: <code>tcp_model_timeout</code> turns it into a time budget, 924.6 s from the first timeout retransmission. At the first RTO expiry past the budget the kernel gives up and <code>recv()</code> fails with <b>ETIMEDOUT</b>; no RST is sent."),
        text!("调大 <code>rtt_ms</code> 或改 <code>tcp_rto_min</code> 试试：重传次数会变，放弃的时刻仍然由时间决定。", "Raise <code>rtt_ms</code> or <code>tcp_rto_min</code>: the number of retransmissions changes, the give-up time is still set by the clock."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::CrashAt, Param::SendAt, Param::SendBytes, Param::TcpRetries2, Param::TcpRtoMin, Param::TcpRtoMax, Param::TcpUserTimeout, Param::ObserveS],
    overrides: &[(Param::ObserveS, 60)],
    script: no_reboot,
};

pub static HOST_CRASH_REBOOT_NO_LISTENER: Scenario = Scenario {
    id: "host-crash-reboot-no-listener",
    title: text!("客户端主机宕机后重启：重传撞上 RST", "The client host reboots: a retransmission meets a RST"),
    steps: &[
        text!("客户端宕机，服务端的数据一遍遍重传。", "The client host dies; the server retransmits its data again and again."),
        text!("客户端很快重启，但新内核里没有这条连接的任何记录，端口 40000 上也没有进程监听。", "The client soon reboots, but its new kernel has no record of the connection and nothing listens on port 40000."),
        text!("重启后到达的第一个重传报文，新内核按 RFC 9293 3.10.7.1 回一个 <b>RST</b>，序号取那个报文的确认号。", "The first retransmission to arrive after the reboot is answered with a <b>RST</b> (RFC 9293 3.10.7.1), whose sequence number is the segment's acknowledgment number."),
        text!("这个序号正好等于服务端的 RCV.NXT，RST 被接受：连接重置，服务端应用得到 <b>ECONNRESET</b>。", "That is exactly the server's RCV.NXT, so the RST is accepted: the connection is reset and the server's application gets <b>ECONNRESET</b>."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::CrashAt, Param::SendAt, Param::SendBytes, Param::RebootS, Param::TcpRetries2, Param::TcpRtoMin, Param::TcpRtoMax, Param::TcpUserTimeout, Param::ObserveS],
    overrides: &[(Param::RebootS, 30), (Param::ObserveS, 30)],
    script: reboot_no_listener,
};

pub static HOST_CRASH_REBOOT_LISTENER: Scenario = Scenario {
    id: "host-crash-reboot-listener",
    title: text!("重启后有进程在原端口监听：照样 RST", "A process listens on the old port after the reboot: still RST"),
    steps: &[
        text!("和上一个场景一样，只是重启后客户端有进程在原来的端口 40000 上监听。", "As before, except that after the reboot a process on the client listens on its old port 40000."),
        text!("监听套接字只接待 SYN。带 ACK 的旧连接数据不属于它，内核照样回 <b>RST</b>（RFC 9293 3.10.7.2）。", "A listening socket only takes SYNs. An old connection's data segment, which carries ACK, is not for it, and the kernel answers with a <b>RST</b> just the same (RFC 9293 3.10.7.2)."),
        text!("结论：只要一方重启过，旧连接的报文一到就会换来 RST。", "In short: once one side has rebooted, any segment of the old connection earns a RST."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::CrashAt, Param::SendAt, Param::SendBytes, Param::RebootS, Param::TcpRetries2, Param::TcpRtoMin, Param::TcpRtoMax, Param::TcpUserTimeout, Param::ObserveS],
    overrides: &[(Param::RebootS, 30), (Param::ObserveS, 30)],
    script: reboot_listener,
};

/// What happens after the fault.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AfterCrash {
    /// The client stays down.
    StaysDown,
    /// It reboots after `reboot_s`.
    Reboots,
    /// It reboots and a process listens on its old port.
    RebootsAndListens,
}

fn no_reboot(s: &mut Script) -> Instant {
    crash_then_write(s, AfterCrash::StaysDown)
}

fn reboot_no_listener(s: &mut Script) -> Instant {
    crash_then_write(s, AfterCrash::Reboots)
}

fn reboot_listener(s: &mut Script) -> Instant {
    crash_then_write(s, AfterCrash::RebootsAndListens)
}

/// The client host crashes at `crash_at`; the server writes `send_at`
/// later; watch for as long as the retransmissions can last.
fn crash_then_write(s: &mut Script, after: AfterCrash) -> Instant {
    let crash = s.secs(Param::CrashAt);
    let send_at = crash + s.secs(Param::SendAt);
    s.client_crashes(crash);
    if after != AfterCrash::StaysDown {
        let reboot = crash + s.secs(Param::RebootS);
        s.client_reboots(reboot);
        if after == AfterCrash::RebootsAndListens {
            let host = s.client;
            s.at(
                reboot,
                Action::Listen {
                    host,
                    port: CLIENT_PORT,
                    app: AppPolicy::default(),
                },
            );
        }
    }
    let bytes = s.p.get(Param::SendBytes) as u32;
    s.server_sends(send_at, bytes);
    send_at + s.retransmission_budget() + s.observe()
}
