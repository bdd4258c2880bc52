//! A partition that heals: the path drops everything for a while, the
//! server's retransmissions back off, the first one after the path is back
//! gets through, and the connection survives.

use super::{Scenario, Script};
use crate::params::Param;
use crate::sim::Action;
use crate::text::text;
use crate::time::Instant;

pub static PARTITION_HEALS: Scenario = Scenario {
    id: "partition-heals",
    title: text!(
        "网络中断一阵又恢复：重传退避，连接挺了过来",
        "The path goes down for a while and comes back: retransmissions back off, the connection survives"
    ),
    steps: &[
        text!(
            "两台主机都好好的，只是它们之间的网络路径从 <code>partition_at</code> 起中断了 <code>partition_s</code> 秒（比如交换机重启、路由收敛）：这段时间里一切报文都到不了对面。",
            "Both hosts are fine; only the path between them drops everything from <code>partition_at</code> for <code>partition_s</code> seconds (a switch reboots, routes reconverge): nothing gets across meanwhile."
        ),
        text!(
            "断网期间服务端写数据。数据、随后的尾部丢包探测和每一次重传都丢在半路，RTO 每次翻倍：0.22 秒、0.44 秒、0.88 秒……最长到 <code>tcp_rto_max</code>（默认 120 秒）。",
            "The server writes during the outage. The data, the tail loss probe and every retransmission die on the way, and the RTO doubles each time: 0.22 s, 0.44 s, 0.88 s… up to <code>tcp_rto_max</code> (120 s by default)."
        ),
        text!(
            "路径恢复后，内核并不知道：它要等下一次 RTO 到期才重传。这一次到达了，对端回 ACK，退避清零，两端的应用都没有收到任何错误。",
            "When the path comes back the kernel does not know: it waits for the next RTO to expire before it retransmits. That one arrives, the peer ACKs it, the backoff resets, and neither application sees an error."
        ),
        text!(
            "代价是恢复晚了一截：从路径恢复到连接恢复，最长可达一个 <code>tcp_rto_max</code>。这就是 TCP 容忍故障的方式，只要中断短于 <code>tcp_retries2</code> 换算出的时长（默认约 15 分钟）。",
            "The cost is a late recovery: from the path coming back to the connection moving again can take up to one <code>tcp_rto_max</code>. This is how TCP tolerates failures, as long as the outage is shorter than what <code>tcp_retries2</code> stands for (about 15 minutes by default)."
        ),
    ],
    params: &[
        Param::RttMs,
        Param::LossPct,
        Param::Seed,
        Param::PartitionAt,
        Param::PartitionS,
        Param::SendAt,
        Param::SendBytes,
        Param::TcpRetries2,
        Param::TcpRtoMin,
        Param::TcpRtoMax,
        Param::TcpUserTimeout,
        Param::ObserveS,
    ],
    overrides: &[(Param::ObserveS, 30)],
    script: partition_heals,
};

/// The path is cut at `partition_at` for `partition_s`; the server writes
/// `send_at` after the cut.
fn partition_heals(s: &mut Script) -> Instant {
    let at = s.secs(Param::PartitionAt);
    let span = s.secs(Param::PartitionS);
    let host = s.server;
    s.at(at, Action::Partition { host, span });
    let send_at = at + s.secs(Param::SendAt);
    let bytes = s.p.get(Param::SendBytes) as u32;
    s.server_sends(send_at, bytes);
    (at + span).max(send_at) + s.retransmission_budget() + s.observe()
}
