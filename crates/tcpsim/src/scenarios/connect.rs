//! connect() to a host that is down: the SYN retransmissions, then
//! ETIMEDOUT.

use super::{Scenario, Script};
use crate::params::Param;
use crate::sim::Action;
use crate::tcb::{tcp_model_timeout, TCP_TIMEOUT_INIT};
use crate::text::text;
use crate::time::Instant;

pub static CONNECT_DEAD_HOST: Scenario = Scenario {
    id: "connect-dead-host",
    title: text!(
        "连接一台已经宕机的主机：SYN 一再重传，connect() 最后超时",
        "Connecting to a host that is down: SYN after SYN, then connect() times out"
    ),
    steps: &[
        text!(
            "服务端主机已经宕机（或者网络把它的报文全部丢掉），客户端照常调用 <code>connect()</code>，发出 SYN。SYN 有去无回，没有 SYN-ACK，也没有 RST。",
            "The server's host is down (or the network drops everything on the way), and the client calls <code>connect()</code> as usual: a SYN goes out. Nothing comes back: no SYN-ACK, no RST."
        ),
        text!(
            "客户端内核按初始 RTO（1 秒）重传 SYN。从 Linux 6.5 起，前 <code>tcp_syn_linear_timeouts</code>（默认 4）次重传间隔固定为 1 秒，之后才开始翻倍：1、1、1、1、1、2、4、8、16、32 秒……；设成 0 就是老内核纯粹的指数退避（1、2、4、8……）。",
            "The client's kernel resends the SYN after the initial RTO (1 s). Since Linux 6.5 the first <code>tcp_syn_linear_timeouts</code> (4 by default) retransmissions keep that 1 s spacing before doubling starts: 1, 1, 1, 1, 1, 2, 4, 8, 16, 32 s…; 0 gives the pure exponential backoff of older kernels (1, 2, 4, 8…)."
        ),
        text!(
            "<code>tcp_syn_retries</code>（默认 6）加上线性重传的次数用完，再等一个 RTO，<code>connect()</code> 返回 <b>ETIMEDOUT</b>：默认在第 131 秒左右（每个 RTO 还会因时间轮的取整晚到一点，图里约 133 秒）。内核同时还按时间核算（以 <code>tcp_syn_retries</code> 和 1 秒为基数的 <code>tcp_model_timeout</code>，从第一个 SYN 算起），哪个先到就以哪个为准。",
            "When <code>tcp_syn_retries</code> (6 by default) plus the linear retransmissions are used up, one more RTO later <code>connect()</code> returns <b>ETIMEDOUT</b>: about 131 s with the defaults (each RTO also fires a little late, rounded up by the timer wheel: about 133 s in the diagram). The kernel also keeps a clock (<code>tcp_model_timeout</code> on <code>tcp_syn_retries</code> and a 1 s base, counted from the first SYN), and whichever runs out first ends the attempt."
        ),
        text!(
            "默认情况下 SYN 是悄无声息地丢掉的：对方主机不通，路上也没有谁回 ICMP 错误。如果对方和客户端在同一个局域网（参数 <code>same_lan</code> = 1），客户端得先用 ARP 问到对方的 MAC 地址，SYN 在邻居表里排队等着，一个也发不出去（重传定时器照样到期计数，但 SYN 还在队列里，什么也不重发）。ARP 请求没人回答，三次、间隔 1 秒之后放弃，客户端内核给自己发一个 ICMP 主机不可达；在 SYN_SENT 状态这个错误是致命的（Linux <code>tcp_v4_err</code>），<code>connect()</code> 在大约 3 秒时以 <b>EHOSTUNREACH</b>（No route to host）失败，用不着等 131 秒（Linux 6.18 上实测 3.08 秒）。",
            "By default the SYNs vanish silently: the host is down and nothing on the way sends an ICMP error. If the host is on the client's own LAN (parameter <code>same_lan</code> = 1), the client must first learn its MAC address by ARP, and the SYN waits in the neighbour queue: none reaches the wire (the retransmission timer still fires and counts, but with the SYN still queued it resends nothing). Nobody answers ARP; after three requests 1 s apart it gives up and the client's kernel sends itself an ICMP host unreachable. In SYN_SENT that error is fatal (Linux <code>tcp_v4_err</code>), so <code>connect()</code> fails with <b>EHOSTUNREACH</b> (“No route to host”) after about 3 s, not 131 s (3.08 s on Linux 6.18, recorded)."
        ),
        text!(
            "客户端套接字设了 <code>TCP_USER_TIMEOUT</code>（参数 <code>client_tcp_user_timeout</code>），时间一到就放弃，不用等重传次数用完；最后一次等待也会被缩短到刚好到期。",
            "A <code>TCP_USER_TIMEOUT</code> on the client's socket (parameter <code>client_tcp_user_timeout</code>) gives up when it runs out, whatever the retransmission count, and the last wait is cut short to end exactly then."
        ),
    ],
    params: &[
        Param::RttMs,
        Param::LossPct,
        Param::Seed,
        Param::TcpSynRetries,
        Param::TcpSynLinearTimeouts,
        Param::ClientTcpUserTimeout,
        Param::SameLan,
        Param::ObserveS,
    ],
    overrides: &[(Param::ObserveS, 10)],
    script: connect_dead_host,
};

/// The server's host is down from the start (its listen() never happens);
/// the client connects at 0. Watch until the SYN retries can last. With
/// `same_lan`, the server's host is on the client's LAN, where its ARP
/// goes unanswered (`sim/neigh.rs`).
fn connect_dead_host(s: &mut Script) -> Instant {
    let host = s.server;
    s.world.same_lan = s.p.get(Param::SameLan) == 1;
    s.at(0, Action::HostCrash { host });
    s.client_app.opts.user_timeout = s.ms(Param::ClientTcpUserTimeout);
    // An upper bound on the SYN retries: every retransmission with the
    // largest backoff, plus a last RTO.
    let retries = s.sys.syn_retries + s.sys.syn_linear_timeouts;
    let budget = tcp_model_timeout(retries, TCP_TIMEOUT_INIT, s.sys.rto_max);
    budget + 2 * s.sys.rto_max + s.observe()
}
