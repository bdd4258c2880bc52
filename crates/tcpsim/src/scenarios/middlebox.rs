//! A stateful middlebox forgets an idle flow: a NAT gateway, a cloud load
//! balancer or a conntrack firewall between client and server.

use super::{Scenario, Script, MIDDLEBOX_IP};
use crate::params::Param;
use crate::sim::Role;
use crate::text::text;
use crate::time::Instant;

pub static MIDDLEBOX_IDLE_TIMEOUT: Scenario = Scenario {
    id: "middlebox-idle-timeout",
    title: text!(
        "中间设备忘掉了空闲的连接：两端都还以为它在",
        "A middlebox forgets an idle connection while both ends still believe in it"
    ),
    steps: &[
        text!(
            "客户端和服务端之间有一台有状态的中间设备：NAT 网关、云上的负载均衡器、conntrack 防火墙。它为每条连接记一个流表项，SYN 建立，之后每个报文都让空闲计时从头开始。",
            "A stateful middlebox sits between client and server: a NAT gateway, a cloud load balancer, a conntrack firewall. It keeps a flow entry per connection, created by the SYN; every segment restarts its idle timer."
        ),
        text!(
            "连接空闲超过 <code>middlebox_idle_s</code>，表项被悄悄删掉，两端谁都不知道：它们的套接字都还是 ESTABLISHED。",
            "Once the connection has been idle for <code>middlebox_idle_s</code> the entry is quietly deleted, and neither end is told: both sockets are still ESTABLISHED."
        ),
        text!(
            "之后服务端再写数据（<code>write_at</code>）。<code>middlebox_reset</code> = 0 时中间设备直接丢弃，服务端一遍遍重传，直到 <code>tcp_retries2</code> 换算出的时长用完，<code>recv()</code> 得到 ETIMEDOUT；= 1 时中间设备以客户端的名义回一个 RST，服务端马上得到 ECONNRESET。",
            "Then the server writes (<code>write_at</code>). With <code>middlebox_reset</code> = 0 the middlebox drops it, and the server retransmits until the time <code>tcp_retries2</code> stands for runs out: ETIMEDOUT. With 1 the middlebox answers with a RST in the client's name, and the server gets ECONNRESET at once."
        ),
        text!(
            "把 <code>so_keepalive</code> 打开并让 <code>tcp_keepalive_time</code>（或 <code>tcp_keepidle</code>）小于空闲超时，保活探测就会定期刷新表项，连接得以保住。常见的默认空闲超时：AWS NLB 350 秒（即这里的默认值），Azure 负载均衡器 4 分钟，GCP Cloud NAT 1200 秒，Linux conntrack 5 天。",
            "Turn <code>so_keepalive</code> on with <code>tcp_keepalive_time</code> (or <code>tcp_keepidle</code>) below the idle timeout and the probes refresh the entry: the connection survives. Common default idle timeouts: AWS NLB 350 s (the default here), Azure Load Balancer 4 min, GCP Cloud NAT 1200 s, Linux conntrack 5 days."
        ),
    ],
    params: &[
        Param::RttMs,
        Param::LossPct,
        Param::Seed,
        Param::MiddleboxIdleS,
        Param::MiddleboxReset,
        Param::WriteAt,
        Param::SendBytes,
        Param::SoKeepalive,
        Param::TcpKeepaliveTime,
        Param::TcpKeepaliveIntvl,
        Param::TcpKeepaliveProbes,
        Param::TcpKeepidle,
        Param::TcpKeepintvl,
        Param::TcpKeepcnt,
        Param::TcpRetries2,
        Param::TcpUserTimeout,
        Param::ObserveS,
    ],
    overrides: &[(Param::ObserveS, 30)],
    script: middlebox_idle_timeout,
};

/// A middlebox between the hosts; the server writes at `write_at`.
fn middlebox_idle_timeout(s: &mut Script) -> Instant {
    let sys = s.sys;
    let host = s.world.add_host(Role::Middlebox, MIDDLEBOX_IP, sys);
    let idle = s.secs(Param::MiddleboxIdleS);
    let reset = s.p.get(Param::MiddleboxReset) == 1;
    s.world.add_middlebox(host, idle, reset);
    let write_at = s.secs(Param::WriteAt);
    let bytes = s.p.get(Param::SendBytes) as u32;
    s.server_sends(write_at, bytes);
    (write_at + s.retransmission_budget()).max(s.keepalive_span()) + s.observe()
}
