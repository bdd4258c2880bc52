//! Idle connections: a host crash nobody notices, and keepalive finding a
//! live peer or a dead one.

use super::{Scenario, Script};
use crate::params::Param;
use crate::text::text;
use crate::time::Instant;

pub static HOST_CRASH_IDLE: Scenario = Scenario {
    id: "host-crash-idle",
    title: text!("客户端主机宕机，连接空闲且没开保活：服务端毫无察觉", "The client host crashes on an idle connection without keepalive: the server never notices"),
    steps: &[
        text!("主机断电或内核崩溃时什么都发不出来：没有 FIN，也没有 RST。", "A host that loses power or panics sends nothing on its way down: no FIN, no RST."),
        text!("服务端不发数据，也没有打开 <code>SO_KEEPALIVE</code>，它的内核就永远不会主动发出任何报文段去试探对方。", "The server sends no data and has no <code>SO_KEEPALIVE</code>, so its kernel never sends a single segment that could find out."),
        text!("服务端的套接字一直停在 <b>ESTABLISHED</b>，应用一直阻塞在 <code>recv()</code> 里。这就是<b>半开连接</b>（half-open：一端已经不在了，另一端还以为连接正常；不是 SYN 队列里的“半连接”）。它会一直留着，直到应用自己的超时或心跳发现问题、进程重启，或者服务端哪天往这条连接里写数据。", "The server's socket stays <b>ESTABLISHED</b> and its process stays blocked in <code>recv()</code>: a <b>half-open</b> connection (one end is gone, the other still believes in it; not the half-open entries of a SYN queue). It stays until the application's own timeout or heartbeat notices, the process restarts, or the server writes on it."),
        text!("ESTABLISHED 只是本机内核的看法，证明不了对端还活着。把 <code>so_keepalive</code> 打开，这个场景就变成了“保活探测：对端主机已死”。", "ESTABLISHED is only what the local kernel believes; it proves nothing about the peer. Turn <code>so_keepalive</code> on and this becomes “Keepalive when the client host has died”."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::CrashAt, Param::SoKeepalive, Param::TcpKeepaliveTime, Param::TcpKeepaliveIntvl, Param::TcpKeepaliveProbes, Param::ObserveS],
    overrides: &[(Param::SoKeepalive, 0), (Param::ObserveS, 10800)],
    script: idle_host_crash,
};

pub static KEEPALIVE_PEER_ALIVE: Scenario = Scenario {
    id: "keepalive-peer-alive",
    title: text!("保活探测：对端健在", "Keepalive with a live peer"),
    steps: &[
        text!("服务端套接字开启了 <code>SO_KEEPALIVE</code>。连接空闲满 <code>tcp_keepalive_time</code>（默认 7200 秒）后，内核发出一个保活探测：长度为 0 的 ACK，序号是 SND.UNA − 1。", "The server's socket has <code>SO_KEEPALIVE</code>. After <code>tcp_keepalive_time</code> of silence (7200 s by default) the kernel sends a probe: a zero-length ACK whose sequence number is SND.UNA − 1."),
        text!("这个序号客户端早已确认过，落在它的接收窗口之外。客户端内核按 RFC 9293 3.10.7.4 的规定回一个 ACK，带上自己当前的 SND.NXT 和 RCV.NXT。", "The client has already acknowledged that number, so it lies outside its receive window, and the client's kernel answers as RFC 9293 3.10.7.4 requires: an ACK carrying its current SND.NXT and RCV.NXT."),
        text!("收到回应，空闲计时从这一刻重新开始，下一个探测又在 7200 秒之后。两端的应用都毫无感觉。", "The answer restarts the idle clock; the next probe comes another 7200 s later. Neither application notices anything."),
        text!("套接字选项 <code>TCP_KEEPIDLE</code>、<code>TCP_KEEPINTVL</code>、<code>TCP_KEEPCNT</code> 可以针对单个连接覆盖这些 sysctl。", "The socket options <code>TCP_KEEPIDLE</code>, <code>TCP_KEEPINTVL</code> and <code>TCP_KEEPCNT</code> override these sysctls for one connection."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::SoKeepalive, Param::TcpKeepaliveTime, Param::TcpKeepaliveIntvl, Param::TcpKeepaliveProbes, Param::TcpKeepidle, Param::TcpKeepintvl, Param::TcpKeepcnt, Param::TcpUserTimeout, Param::ObserveS],
    overrides: &[(Param::SoKeepalive, 1), (Param::ObserveS, 60)],
    script: peer_alive,
};

pub static KEEPALIVE_PEER_DEAD: Scenario = Scenario {
    id: "keepalive-peer-dead",
    title: text!("保活探测：对端主机已死", "Keepalive when the client host has died"),
    steps: &[
        text!("客户端主机在连接空闲时宕机。服务端内核在最后一次收到报文之后 7200 秒发出第一个探测，石沉大海。", "The client host dies while the connection is idle. 7200 s after the last segment it received, the server's kernel sends a first probe into the void."),
        text!("之后每隔 <code>tcp_keepalive_intvl</code>（75 秒）再探一次，总共 <code>tcp_keepalive_probes</code>（9）次。", "It probes again every <code>tcp_keepalive_intvl</code> (75 s), <code>tcp_keepalive_probes</code> (9) times in all."),
        text!("最后一个探测之后再等一个间隔，内核放弃：发出一个 RST（对方早已收不到），并把 <b>ETIMEDOUT</b> 交给应用。默认值合计 7200 + 9 × 75 = 7875 秒，再加上时间轮的取整（见下）。", "One interval after the last probe the kernel gives up: it sends a RST (which nobody receives) and hands <b>ETIMEDOUT</b> to the application. With the defaults: 7200 + 9 × 75 = 7875 s, plus the timer wheel's rounding (below)."),
        text!("宕机的主机即使和服务端在同一个局域网、ARP 解析失败产生了 ICMP 主机不可达，结果也一样：探测的序号是 SND.UNA − 1，不在 [SND.UNA, SND.NXT] 之内，Linux 的 <code>tcp_v4_err</code> 不理会这样的 ICMP，应用照样得到 ETIMEDOUT。", "The same holds when the dead host is on the server's LAN and failed ARP resolution produces ICMP host-unreachable errors: the probe's sequence number, SND.UNA − 1, lies outside [SND.UNA, SND.NXT], so Linux's <code>tcp_v4_err</code> ignores those errors and the application still gets ETIMEDOUT."),
        text!("设置了 <code>TCP_USER_TIMEOUT</code>（参数 <code>tcp_user_timeout</code>）时，探测次数不再起作用：至少发出过一个探测之后，保活定时器到期时只要离最后一次收到报文已超过这个时长，内核就放弃。", "With <code>TCP_USER_TIMEOUT</code> set (parameter <code>tcp_user_timeout</code>) the probe count no longer matters: once a probe has gone out, the kernel gives up at the first keepalive timer expiry that comes at least that long after the last segment it received."),
        text!("真实内核的定时器挂在时间轮上，较长的定时器会按所在层的粒度向上取整。以 HZ=250 为例：7200 秒的定时器落在第 5 层，粒度 131.072 秒，所以第一个探测最多可能晚约 131 秒（2 分 11 秒）；75 秒的间隔落在第 3 层，粒度 2.048 秒，之后每个探测最多晚约 2 秒。模拟器按 Linux 6.18 在 HZ=250 下的时间轮同样取整，时钟落在哪个 jiffy 由参数 <code>seed</code> 决定：所以图里的时刻比公式晚一些，换一个 seed，晚多少也跟着变。", "A real kernel keeps its timers on a timer wheel, which rounds a long timer up to the granularity of its level. At HZ=250 a 7200 s timer lands on level 5, whose granularity is 131.072 s, so the first probe can come up to about 131 s (2 min 11 s) late; a 75 s interval lands on level 3 (2.048 s), so each later probe can be up to about 2 s late. The simulator rounds its timers the same way (Linux 6.18's wheel at HZ=250), with the jiffy its clock starts on drawn from the <code>seed</code> parameter: the diagram's times come a little after the formula's, by an amount that changes with the seed."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::CrashAt, Param::SoKeepalive, Param::TcpKeepaliveTime, Param::TcpKeepaliveIntvl, Param::TcpKeepaliveProbes, Param::TcpKeepidle, Param::TcpKeepintvl, Param::TcpKeepcnt, Param::TcpUserTimeout, Param::ObserveS],
    overrides: &[(Param::SoKeepalive, 1), (Param::ObserveS, 60)],
    script: idle_host_crash,
};

/// The client host crashes at `crash_at` on an idle connection; watch until
/// keepalive (if on) has had time to give up.
fn idle_host_crash(s: &mut Script) -> Instant {
    let crash = s.secs(Param::CrashAt);
    s.client_crashes(crash);
    crash.max(s.keepalive_span() + s.rtt()) + s.observe()
}

/// Nothing happens but keepalive: watch two idle periods (each timer may
/// fire up to a wheel bucket late).
fn peer_alive(s: &mut Script) -> Instant {
    let idle = s.server_app.opts.keepidle(&s.sys);
    s.rtt() + 2 * (idle + crate::wheel::max_late(idle)) + s.observe()
}
