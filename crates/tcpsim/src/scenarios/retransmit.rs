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
        text!("客户端主机宕机后，服务端写入一段数据（默认 100 字节）。数据发出去了，ACK 却永远不来。", "After the client host dies, the server writes (100 bytes by default). The data leaves; the ACK never comes."),
        text!("先是一次<b>尾部丢包探测（TLP）</b>：把最后一段再发一遍，好换回一个 ACK。只有一段在途时，Linux 等 2 × SRTT 再加上 RTO 下限（<code>tcp_rto_min</code>，默认 200 毫秒；Linux 6.5 及以前加的是常量 TCP_RTO_MIN，到 6.6 已改用套接字自己的下限），但不会晚于 RTO 本该到期的时刻。默认参数下是 2 × 20 毫秒 + 200 毫秒 = 240 毫秒，比 RTO（220 毫秒）还长，所以探测在写入后 0.22 秒发出。TLP 要求连接协商了 SACK，且 <code>tcp_early_retrans</code> 为 3 或 4（默认 3）。", "First a <b>tail loss probe (TLP)</b>: the last segment sent again, to draw an ACK. With one segment in flight Linux waits 2 × SRTT plus the RTO floor (<code>tcp_rto_min</code>, 200 ms by default; up to Linux 6.5 the constant TCP_RTO_MIN, by 6.6 the socket's own floor), but never past the moment the RTO would fire. With the defaults that is 2 × 20 ms + 200 ms = 240 ms, longer than the RTO (220 ms), so the probe leaves 0.22 s after the write. TLP needs SACK on the connection and <code>tcp_early_retrans</code> at 3 or 4 (3 by default)."),
        text!("然后是超时重传：RTO 至少是 SRTT + 200 毫秒（下限 <code>tcp_rto_min</code>），每次翻倍，到 120 秒（上限 <code>tcp_rto_max</code>）为止。Linux 6.11 起下限有 sysctl <code>tcp_rto_min_us</code>，上限的 sysctl <code>tcp_rto_max_ms</code> 在 6.14 之后才加入（6.18 里有）；更早的内核只能按路由设置 <code>rto_min</code>，上限固定为 120 秒。", "Then retransmission timeouts: the RTO is at least SRTT + 200 ms (the floor, <code>tcp_rto_min</code>), doubles every time, and stops growing at 120 s (the ceiling, <code>tcp_rto_max</code>). Linux has had a sysctl for the floor, <code>tcp_rto_min_us</code>, since 6.11; the ceiling's, <code>tcp_rto_max_ms</code>, was added after 6.14 (6.18 has it). Older kernels set the floor only per route (<code>rto_min</code>), and the ceiling is a constant 120 s."),
        text!("<code>tcp_retries2</code> = 15 并不是“重传 15 次”。<code>tcp_model_timeout</code> 把它换算成一个时长上限：假设 RTO 从 200 毫秒起步、逐次翻倍、到 120 秒封顶，重传 15 次总共要多久，这里是 924.6 秒，从第一次超时重传算起。超过这个时长之后的第一次 RTO 到期时，内核放弃，<code>recv()</code> 得到 <b>ETIMEDOUT</b>，不发 RST。", "<code>tcp_retries2</code> = 15 does not mean “15 retransmissions”. <code>tcp_model_timeout</code> turns it into a time limit: how long 15 retransmissions would take if the RTO started at 200 ms and doubled up to 120 s, here 924.6 s, counted from the first timeout retransmission. At the first RTO expiry past that limit the kernel gives up: <code>recv()</code> fails with <b>ETIMEDOUT</b>, and no RST is sent."),
        text!("调大 <code>rtt_ms</code> 或 <code>tcp_rto_min</code> 试试：重传次数会变，放弃的时刻仍然由时间决定。设置了 <code>tcp_user_timeout</code>（TCP_USER_TIMEOUT）时，就由它代替这个时长上限，最后一次等待也会被截短到刚好到期。", "Raise <code>rtt_ms</code> or <code>tcp_rto_min</code>: the number of retransmissions changes, the give-up time is still set by the clock. With <code>tcp_user_timeout</code> (TCP_USER_TIMEOUT) set, it replaces that limit, and the last wait is cut short to end exactly then."),
        text!("图里的报文都是悄无声息地丢掉的，什么也不回来（录制真实内核时用 nftables 丢弃全部报文，效果相同）。如果宕机的主机和服务端在同一个局域网，服务端的 ARP 解析会失败，内核在本地生成 ICMP 主机不可达错误（对方所在网段的路由器解析失败时也可能发回同样的错误）。Linux 据此按 RFC 6069 撤销一级 RTO 退避，重传于是更密；最后放弃时，应用得到的是 <b>EHOSTUNREACH</b> 而不是 ETIMEDOUT（<code>tcp_v4_err</code> 把它记为软错误，<code>tcp_write_err</code> 优先报告它）。", "The segments here vanish silently and nothing comes back (the recordings on a real kernel drop everything with nftables, to the same effect). If the dead host is on the server's own LAN, the server's ARP resolution fails and its kernel generates ICMP host-unreachable errors itself (a router that fails to resolve the host on its own LAN may send the same error back). Linux then undoes one step of RTO backoff per error (RFC 6069), so it retransmits more often, and when it finally gives up the application gets <b>EHOSTUNREACH</b> instead of ETIMEDOUT (<code>tcp_v4_err</code> records it as a soft error, which <code>tcp_write_err</code> reports first)."),
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
        text!("重启得越早，RST 来得越早，但总要等服务端的下一次重传：RTO 此时退避到多长，就可能要多等多久，最多一个 <code>tcp_rto_max</code>。", "The sooner the reboot, the sooner the RST, but it waits for the server's next retransmission: up to whatever the RTO has backed off to by then, at most one <code>tcp_rto_max</code>."),
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
        text!("监听套接字只处理建立连接的 SYN。旧连接的数据报文带着 ACK，查找时匹配到的正是这个监听套接字，但 LISTEN 状态收到带 ACK 的报文一律回 <b>RST</b>（RFC 9293 3.10.7.2；Linux <code>tcp_rcv_state_process</code>），结果和没人监听一样。", "A listening socket only handles the SYNs that open connections. The old connection's data segment carries ACK; the lookup does find the listener, but in LISTEN any segment with ACK is answered with a <b>RST</b> (RFC 9293 3.10.7.2; Linux <code>tcp_rcv_state_process</code>): the same outcome as with nobody listening."),
        text!("结论：只要一方重启过，旧连接的报文（RST 除外）一到，就会换来一个 RST。", "In short: once one side has rebooted, any segment of the old connection other than a RST earns a RST."),
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
