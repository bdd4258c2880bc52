//! The catalogue of parameters: each one's name (Linux's spelling), unit,
//! range, default and the texts beside its field, in both languages. Add a
//! parameter here; the [`Param`] enum and [`ALL`] come from the same line.

use super::ParamSpec;
use crate::text::text;

/// The catalogue: one line per parameter makes both the [`Param`] enum and
/// its [`ParamSpec`] in [`ALL`], in the same order, so neither can lack
/// the other and every field must be given.
macro_rules! catalogue {
    ($($v:ident { $($field:ident: $val:expr),* $(,)? })*) => {
        /// Every parameter the simulator knows, by name in code. Names from
        /// outside (a CLI flag, a URL) go through [`Param::parse`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Param { $($v),* }

        /// Every parameter's description, in [`Param`] order.
        pub const ALL: &[ParamSpec] = &[$(ParamSpec { param: Param::$v, $($field: $val),* }),*];
    };
}

catalogue! {
    TcpKeepaliveTime {
        name: "tcp_keepalive_time",
        unit: "s",
        min: 1,
        max: 32767,
        default: 7200,
        label: text!("空闲多久开始探测（秒）", "idle time before probing (s)"),
        help: text!("连接空闲多久后发出第一个保活探测（sysctl；取值范围同 TCP_KEEPIDLE）", "idle time before the first keepalive probe (sysctl; TCP_KEEPIDLE range)"),
    }
    TcpKeepaliveIntvl {
        name: "tcp_keepalive_intvl",
        unit: "s",
        min: 1,
        max: 32767,
        default: 75,
        label: text!("探测间隔（秒）", "probe interval (s)"),
        help: text!("两次保活探测之间的间隔（sysctl；取值范围同 TCP_KEEPINTVL）", "time between keepalive probes (sysctl; TCP_KEEPINTVL range)"),
    }
    TcpKeepaliveProbes {
        name: "tcp_keepalive_probes",
        unit: "count",
        min: 1,
        max: 127,
        default: 9,
        label: text!("探测次数", "probes"),
        help: text!("连续多少个探测没有回应就放弃（sysctl；取值范围同 TCP_KEEPCNT）", "unanswered probes before keepalive gives up (sysctl; TCP_KEEPCNT range)"),
    }
    TcpRetries2 {
        name: "tcp_retries2",
        unit: "count",
        min: 1,
        max: 50,
        default: 15,
        label: text!("重传上限（由内核换算成时长）", "retransmission limit (turned into time)"),
        help: text!("重传的上限，由 tcp_model_timeout 换算成一段时长（sysctl）", "retransmission budget, turned into time by tcp_model_timeout (sysctl)"),
    }
    TcpSynRetries {
        name: "tcp_syn_retries",
        unit: "count",
        min: 1,
        max: 127,
        default: 6,
        label: text!("SYN 重传次数", "SYN retransmissions"),
        help: text!("connect() 失败之前重传 SYN 的次数，另加 tcp_syn_linear_timeouts 次线性重传（sysctl）", "SYN retransmissions before connect() fails, on top of the tcp_syn_linear_timeouts linear ones (sysctl)"),
    }
    TcpSynLinearTimeouts {
        name: "tcp_syn_linear_timeouts",
        unit: "count",
        min: 0,
        max: 127,
        default: 4,
        label: text!("SYN 线性重传次数", "linear SYN retransmissions"),
        help: text!("开始指数退避之前，SYN 重传保持 1 秒间隔的次数（sysctl，Linux 6.5 起）：值为 N 时，前 N+1 次重传各在上一次之后 1 秒（默认 4：1、1、1、1、1、2、4 秒……）", "how long SYN retransmissions stay 1 s apart before backoff starts (sysctl, Linux 6.5+): with N, the first N+1 retransmissions each come 1 s after the one before (the default 4: 1, 1, 1, 1, 1, 2, 4 s, …)"),
    }
    TcpRtoMin {
        name: "tcp_rto_min",
        unit: "ms",
        min: 1,
        max: 120000,
        default: 200,
        label: text!("RTO 下限（毫秒）", "RTO floor (ms)"),
        help: text!("重传超时（RTO）的下限（sysctl tcp_rto_min_us，Linux 6.11 起，这里以毫秒计；更早的内核只能按路由设置 rto_min）", "lower bound of the retransmission timeout (sysctl tcp_rto_min_us since Linux 6.11, in ms here; older kernels set it per route only, rto_min)"),
    }
    TcpRtoMax {
        name: "tcp_rto_max",
        unit: "ms",
        min: 1000,
        max: 120000,
        default: 120000,
        label: text!("RTO 上限（毫秒）", "RTO ceiling (ms)"),
        help: text!("重传超时（RTO）的上限（sysctl tcp_rto_max_ms，Linux 6.14 之后加入；更早的内核固定为 120 秒）", "upper bound of the retransmission timeout (sysctl tcp_rto_max_ms, added after Linux 6.14; older kernels: a constant 120 s)"),
    }
    TcpInvalidRatelimit {
        name: "tcp_invalid_ratelimit",
        unit: "ms",
        min: 0,
        max: 60000,
        default: 500,
        label: text!("挑战 ACK 限速（毫秒）", "challenge ACK rate limit (ms)"),
        help: text!("同一个套接字两次发出挑战 ACK 或重复 ACK 的最小间隔（sysctl）", "minimum gap between challenge/duplicate ACKs on one socket (sysctl)"),
    }
    SoKeepalive {
        name: "so_keepalive",
        unit: "bool",
        min: 0,
        max: 1,
        default: 0,
        label: text!("开启 SO_KEEPALIVE", "SO_KEEPALIVE on"),
        help: text!("服务端套接字打开 SO_KEEPALIVE", "SO_KEEPALIVE on the server's socket"),
    }
    TcpKeepidle {
        name: "tcp_keepidle",
        unit: "s",
        min: 0,
        max: 32767,
        default: 0,
        label: text!("TCP_KEEPIDLE（秒，0 = 用 sysctl）", "TCP_KEEPIDLE (s, 0 = sysctl)"),
        help: text!("套接字选项 TCP_KEEPIDLE；0 表示沿用 tcp_keepalive_time", "TCP_KEEPIDLE socket option; 0 = use tcp_keepalive_time"),
    }
    TcpKeepintvl {
        name: "tcp_keepintvl",
        unit: "s",
        min: 0,
        max: 32767,
        default: 0,
        label: text!("TCP_KEEPINTVL（秒，0 = 用 sysctl）", "TCP_KEEPINTVL (s, 0 = sysctl)"),
        help: text!("套接字选项 TCP_KEEPINTVL；0 表示沿用 tcp_keepalive_intvl", "TCP_KEEPINTVL socket option; 0 = use tcp_keepalive_intvl"),
    }
    TcpKeepcnt {
        name: "tcp_keepcnt",
        unit: "count",
        min: 0,
        max: 127,
        default: 0,
        label: text!("TCP_KEEPCNT（0 = 用 sysctl）", "TCP_KEEPCNT (0 = sysctl)"),
        help: text!("套接字选项 TCP_KEEPCNT；0 表示沿用 tcp_keepalive_probes", "TCP_KEEPCNT socket option; 0 = use tcp_keepalive_probes"),
    }
    TcpUserTimeout {
        name: "tcp_user_timeout",
        unit: "ms",
        min: 0,
        max: 2147483647,
        default: 0,
        label: text!("TCP_USER_TIMEOUT（毫秒，0 = 关）", "TCP_USER_TIMEOUT (ms, 0 = off)"),
        help: text!("服务端套接字的 TCP_USER_TIMEOUT 选项；0 表示不设", "TCP_USER_TIMEOUT socket option on the server; 0 = off"),
    }
    ClientTcpUserTimeout {
        name: "client_tcp_user_timeout",
        unit: "ms",
        min: 0,
        max: 2147483647,
        default: 0,
        label: text!("客户端 TCP_USER_TIMEOUT（毫秒，0 = 关）", "client TCP_USER_TIMEOUT (ms, 0 = off)"),
        help: text!(
            "客户端套接字的 TCP_USER_TIMEOUT 选项；0 表示不设",
            "TCP_USER_TIMEOUT socket option on the client; 0 = off"
        ),
    }
    RttMs {
        name: "rtt_ms",
        unit: "ms",
        min: 1,
        max: 10000,
        default: 20,
        label: text!("往返时延（毫秒）", "round-trip time (ms)"),
        help: text!("链路的往返时延（单程各占一半）", "round-trip time of the link (half each way)"),
    }
    LossPct {
        name: "loss_pct",
        unit: "%",
        min: 0,
        max: 50,
        default: 0,
        label: text!("随机丢包（%）", "random loss (%)"),
        help: text!("链路随机丢弃的报文段比例，由随机种子决定", "random loss on the link, percent of segments, seeded"),
    }
    Seed {
        name: "seed",
        unit: "number",
        min: 0,
        max: 4294967295,
        default: 1,
        label: text!("随机种子", "random seed"),
        help: text!("初始序号和随机丢包所用的随机种子", "seed for initial sequence numbers and loss"),
    }
    CrashAt {
        name: "crash_at",
        unit: "s",
        min: 1,
        max: 100000,
        default: 10,
        label: text!("故障时刻（秒）", "fault at (s)"),
        help: text!("故障发生的时刻，从 connect() 算起", "when the fault happens, seconds after connect()"),
    }
    SendAt {
        name: "send_at",
        unit: "s",
        min: 0,
        max: 100000,
        default: 5,
        label: text!("故障后多久写数据（秒）", "write after the fault (s)"),
        help: text!("故障之后多久服务端写数据", "when the server writes, seconds after the fault"),
    }
    SendBytes {
        name: "send_bytes",
        unit: "bytes",
        min: 1,
        max: 1448,
        default: 100,
        label: text!("写入字节数", "bytes written"),
        help: text!("服务端一次写入的字节数", "how many bytes the server writes"),
    }
    RebootS {
        name: "reboot_s",
        unit: "s",
        min: 1,
        max: 100000,
        default: 60,
        label: text!("重启耗时（秒）", "reboot takes (s)"),
        help: text!("客户端主机重启要多久", "how long the client host takes to reboot"),
    }
    ReconnectAfter {
        name: "reconnect_after",
        unit: "s",
        min: 0,
        max: 100000,
        default: 1,
        label: text!("启动后多久重连（秒）", "reconnect after boot (s)"),
        help: text!("客户端启动完成后多久重新连接", "how long after booting the client reconnects"),
    }
    UnreadData {
        name: "unread_data",
        unit: "bool",
        min: 0,
        max: 1,
        default: 0,
        label: text!("客户端有未读数据", "client has unread data"),
        help: text!("服务端发来的数据客户端进程一直没读（关闭时 FIN 变成 RST）", "the server sent data the client process never read (turns FIN into RST)"),
    }
    ServerWrites {
        name: "server_writes",
        unit: "bool",
        min: 0,
        max: 1,
        default: 1,
        label: text!("服务端继续写", "server keeps writing"),
        help: text!("故障之后服务端还写数据", "the server writes after the fault"),
    }
    CloseDelayMs {
        name: "close_delay_ms",
        unit: "ms",
        min: 0,
        max: 60000,
        default: 50,
        label: text!("服务端读到 EOF 后多久关闭（毫秒）", "server closes after EOF (ms)"),
        help: text!("服务端进程读到 EOF 之后多久调用 close()（0 表示立即，它的 ACK 就搭在 FIN 上）", "how long the server's process takes to close() after reading EOF (0: at once, so its ACK rides on its FIN)"),
    }
    AttackAt {
        name: "attack_at",
        unit: "s",
        min: 1,
        max: 100000,
        default: 10,
        label: text!("第三方出手时刻（秒）", "third party strikes at (s)"),
        help: text!("第三方出手的时刻，从 connect() 算起", "when the third party strikes, seconds after connect()"),
    }
    PartitionAt {
        name: "partition_at",
        unit: "s",
        min: 1,
        max: 100000,
        default: 10,
        label: text!("断网时刻（秒）", "path cut at (s)"),
        help: text!(
            "网络路径开始丢弃一切报文的时刻，从 connect() 算起",
            "when the path starts dropping everything, seconds after connect()"
        ),
    }
    PartitionS {
        name: "partition_s",
        unit: "s",
        min: 1,
        max: 100000,
        default: 60,
        label: text!("断网时长（秒）", "path down for (s)"),
        help: text!("网络路径中断多久后恢复", "how long the path stays down"),
    }
    MiddleboxIdleS {
        name: "middlebox_idle_s",
        unit: "s",
        min: 1,
        max: 432000,
        default: 350,
        label: text!("中间设备空闲超时（秒）", "middlebox idle timeout (s)"),
        help: text!(
            "中间设备（NAT、负载均衡、防火墙）多久没见到某条流的报文就删掉它的表项",
            "how long a middlebox (NAT, load balancer, firewall) keeps an idle flow's entry"
        ),
    }
    MiddleboxReset {
        name: "middlebox_reset",
        unit: "bool",
        min: 0,
        max: 1,
        default: 0,
        label: text!("表项过期后回 RST", "RST after expiry"),
        help: text!(
            "表项删除后再来的报文：1 = 以对端的名义回 RST，0 = 悄悄丢弃",
            "a segment of a forgotten flow: 1 = answered with a RST in the other end's name, 0 = silently dropped"
        ),
    }
    SameLan {
        name: "same_lan",
        unit: "bool",
        min: 0,
        max: 1,
        default: 0,
        label: text!("同一局域网", "same LAN"),
        help: text!(
            "服务端在客户端的局域网上：ARP 没有回应，SYN 发不出去，3 秒后 EHOSTUNREACH",
            "the server is on the client's LAN: ARP gets no reply, no SYN leaves, EHOSTUNREACH after 3 s"
        ),
    }
    WriteAt {
        name: "write_at",
        unit: "s",
        min: 0,
        max: 1000000,
        default: 400,
        label: text!("服务端写数据的时刻（秒）", "server writes at (s)"),
        help: text!(
            "服务端写数据的时刻，从 connect() 算起",
            "when the server writes, seconds after connect()"
        ),
    }
    SoSndbuf {
        name: "so_sndbuf",
        unit: "bytes",
        min: 4096,
        max: 212992,
        default: 16384,
        label: text!("服务端 SO_SNDBUF（字节）", "server SO_SNDBUF (bytes)"),
        help: text!(
            "服务端套接字的 SO_SNDBUF：内核把它翻倍，发送缓冲区从此固定（上限 wmem_max，默认 212992）",
            "SO_SNDBUF on the server socket: the kernel doubles it and the send buffer stays fixed (at most wmem_max, 212992 by default)"
        ),
    }
    SoRcvbuf {
        name: "so_rcvbuf",
        unit: "bytes",
        min: 4096,
        max: 65535,
        default: 16384,
        label: text!("客户端 SO_RCVBUF（字节）", "client SO_RCVBUF (bytes)"),
        help: text!(
            "客户端套接字的 SO_RCVBUF：内核把它翻倍，接收缓冲区从此固定；不超过 65535 时窗口无需缩放",
            "SO_RCVBUF on the client socket: the kernel doubles it and the receive buffer stays fixed; up to 65535 the window needs no scaling"
        ),
    }
    WriteBytes {
        name: "write_bytes",
        unit: "bytes",
        min: 1,
        max: 100000000,
        default: 1000000,
        label: text!("服务端写入字节数", "bytes the server writes"),
        help: text!(
            "服务端用一个写循环写出的字节数（一次 send() 放不下时会阻塞）",
            "how many bytes the server writes in a write loop (a send() that does not fit blocks)"
        ),
    }
    ResumeAt {
        name: "resume_at",
        unit: "s",
        min: 0,
        max: 100000,
        default: 0,
        label: text!("客户端恢复读取的时刻（秒）", "the client reads again at (s)"),
        help: text!(
            "客户端进程在这一刻重新开始读取（GC 停顿结束、SIGCONT），从 connect() 算起；0：一直不读",
            "when the client's process starts reading again (a GC pause ends, SIGCONT), seconds after connect(); 0: never"
        ),
    }
    ReadBytes {
        name: "read_bytes",
        unit: "bytes",
        min: 0,
        max: 1048576,
        default: 0,
        label: text!("客户端每次 recv() 读多少字节", "bytes per recv() of the client"),
        help: text!(
            "客户端读取时每次 recv() 的缓冲区大小（recv 最多返回这么多）；0：有多少读多少",
            "the buffer the client passes to each recv() when it reads (recv returns at most that); 0: all that is there"
        ),
    }
    ReadEveryMs {
        name: "read_every_ms",
        unit: "ms",
        min: 0,
        max: 60000,
        default: 0,
        label: text!("客户端两次 recv() 的间隔（毫秒）", "time between the client's recv() calls (ms)"),
        help: text!(
            "客户端按固定速率读取：每次 recv() 返回后先处理这么久再读（从 connect() 起，设了 resume_at 则从那时起）；0：客户端不读（直到 resume_at），读时一次读完",
            "a client that reads at a steady rate: after each recv() returns it works this long before the next (from connect(), or from resume_at if set); 0: the client does not read (until resume_at), and then reads at once"
        ),
    }
    ClientHostCrash {
        name: "client_host_crash",
        unit: "bool",
        min: 0,
        max: 1,
        default: 0,
        label: text!("客户端主机随后宕机", "the client host then dies"),
        help: text!(
            "1：客户端主机在 crash_at 时宕机（此前窗口已经关上）",
            "1: the client host dies at crash_at (after its window has closed)"
        ),
    }
    ObserveS {
        name: "observe_s",
        unit: "s",
        min: 1,
        max: 1000000,
        default: 600,
        label: text!("之后再观察多久（秒）", "then watch for (s)"),
        help: text!("最后一个预定步骤之后再观察多久", "how long to watch after the last scripted step"),
    }
}
