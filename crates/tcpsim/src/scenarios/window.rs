//! Windows of data: a peer that is alive but stops reading.
//!
//! Neither scenario takes `loss_pct`: a loss inside a window is recovered
//! on Linux from its out-of-order queue, SACK and fast retransmission
//! (`tcp_data_queue_ofo`, `tcp_fastretrans_alert`), which the windowed
//! model does not have. With loss, its receiver would drop every segment
//! after a hole and its sender resend one segment per RTO, the backoff
//! doubling: a transfer Linux repairs in a round trip would take minutes.

use super::{Scenario, Script};
use crate::params::Param;
use crate::tcb::{probe0_when, TCP_RTO_MIN};
use crate::text::text;
use crate::time::Instant;

pub static PEER_HUNG: Scenario = Scenario {
    id: "peer-hung",
    title: text!("对端进程卡住、不再读取：零窗口探测一直有回应", "The peer's process hangs and stops reading: zero-window probes answered forever"),
    steps: &[
        text!("客户端进程还活着，但不再读取（死锁、长时间 GC、被 SIGSTOP 暂停）。服务端用一个写循环写出大量数据（默认 1,000,000 字节）。两边的缓冲区都是固定的：服务端设了 <code>SO_SNDBUF</code>，客户端设了 <code>SO_RCVBUF</code>（内核把设置值翻倍，并从此不再自动调整）。", "The client's process is alive but no longer reads (deadlocked, stuck in a long GC pause, SIGSTOPped). The server writes a lot of data (1,000,000 bytes by default) in a write loop. Both buffers are fixed: the server sets <code>SO_SNDBUF</code>, the client <code>SO_RCVBUF</code> (the kernel doubles the value and stops tuning it)."),
        text!("数据按 MSS（带时间戳时 1448 字节）分段发出，先受拥塞窗口限制（初始 10 段，慢启动），再受客户端通告的接收窗口限制。客户端内核照常收下数据：最初几段逐段立即确认（快速确认模式，<code>tcp_incr_quickack</code>），之后攒着 ACK，等延迟确认定时器（40 毫秒，<code>tcp_send_delayed_ack</code>）。没有人读，接收缓冲区越来越满，通告的窗口越来越小（<code>tcp_select_window</code>；不到一个 MSS 时通告 0，避免糊涂窗口），直到为 <b>0</b>。", "The data leaves in MSS-sized segments (1448 bytes with timestamps), limited first by the congestion window (10 segments, then slow start) and then by the window the client advertises. The client's kernel takes the data: it ACKs the first few segments one by one (quick-ACK mode, <code>tcp_incr_quickack</code>), then holds its ACKs for the delayed-ACK timer (40 ms, <code>tcp_send_delayed_ack</code>). Nobody reads: its receive buffer fills and the window it offers shrinks (<code>tcp_select_window</code>; below one MSS it offers 0, avoiding a silly window) to <b>0</b>."),
        text!("服务端的发送缓冲区随后也满了：<code>send()</code> <b>阻塞</b>，已写入缓冲区的字节停在那里（<code>ss</code> 的 Send-Q）。", "Then the server's send buffer fills too: <code>send()</code> <b>blocks</b>, and what it has copied waits in the buffer (Send-Q in <code>ss</code>)."),
        text!("没有数据在途，也就没有重传定时器。服务端改用<b>坚持定时器</b>（persist），发<b>零窗口探测</b>：一个不带数据、序号为 SND.UNA − 1 的 ACK。第一次在 RTO（至少 200 毫秒）之后，此后每次翻倍（<code>tcp_probe0_when</code>），最长 <code>tcp_rto_max</code>（120 秒）。客户端内核每次都回 ACK，窗口仍是 0；不过它对窗口外报文的回应 500 毫秒内最多一个（<code>tcp_invalid_ratelimit</code>），所以刚开始间隔很短时，有的探测没有回应。", "With nothing in flight there is no retransmission timer. The server runs the <b>persist timer</b> instead and sends <b>zero-window probes</b>: an ACK without data whose sequence number is SND.UNA − 1. The first goes one RTO (at least 200 ms) later, each next one twice as late (<code>tcp_probe0_when</code>), up to <code>tcp_rto_max</code> (120 s). The client's kernel answers each with an ACK that still says window 0, but it answers segments outside its window at most once per 500 ms (<code>tcp_invalid_ratelimit</code>), so early probes, close together, may go unanswered."),
        text!("每个有回应的探测都把未回应计数清零（<code>tcp_ack</code>），所以 <code>tcp_retries2</code> 永远用不完；有数据在排队，保活定时器也不会发探测。默认情况下<b>两边的调用都不会返回</b>：服务端的 <code>send()</code> 一直阻塞，连接一直挂着（RFC 1122 4.2.2.17 要求只要对方回应就一直探测下去）。", "Every answered probe resets the count of unanswered ones (<code>tcp_ack</code>), so <code>tcp_retries2</code> is never spent, and keepalive sends nothing while data is queued. By default <b>no call on either side returns</b>: the server's <code>send()</code> stays blocked and the connection hangs on (RFC 1122 4.2.2.17 asks a sender to keep probing as long as the receiver answers)."),
        text!("变体 <code>resume_at</code>：客户端进程在这一刻重新开始读取（例如 5 秒的 GC 停顿结束）。它一次读走缓冲区里积压的全部数据，接收缓冲区空了，内核马上发一个<b>窗口更新</b>（<code>__tcp_cleanup_rbuf</code>：新窗口不为 0、且至少是当前剩余窗口的两倍时立即发 ACK）。服务端收到后停掉坚持定时器（<code>tcp_ack_probe</code>），数据接着发；因为超过一个 RTO 没有发过数据，拥塞窗口先重新降回 10 段（<code>tcp_cwnd_restart</code>，<code>tcp_slow_start_after_idle</code> 默认为 1）。阻塞的 <code>send()</code> 写完后返回。没有任何错误，连接也不会断：对端只是慢了。窗口更新通告的窗口受 rcv_ssthresh 限制（<code>tcp_grow_window</code>），不是整块空闲缓冲区：<code>SO_RCVBUF</code> 为 16384 时是 18,824 字节，与 Linux 6.18 上实测相同。", "Variant <code>resume_at</code>: the client's process reads again at that moment (a 5-second GC pause ends, say). It takes everything that piled up in one read, the receive buffer is empty, and the kernel sends a <b>window update</b> at once (<code>__tcp_cleanup_rbuf</code>: an ACK now when the new window is not zero and at least twice what is left of the old one). The server stops its persist timer (<code>tcp_ack_probe</code>) and the data flows again, starting from a congestion window of 10 segments, since no data has left for longer than an RTO (<code>tcp_cwnd_restart</code>; <code>tcp_slow_start_after_idle</code> is 1 by default); the blocked <code>send()</code> returns once all is written. No error, and the connection lives on: the peer was only slow. The window the update offers is capped by rcv_ssthresh (<code>tcp_grow_window</code>), not the whole free buffer: 18,824 bytes with <code>SO_RCVBUF</code> 16384, as recorded on Linux 6.18."),
        text!("变体 <code>read_every_ms</code>：客户端按固定速率读取，每次 <code>recv()</code> 最多读 <code>read_bytes</code> 字节，处理这么多毫秒后再读。传输跟着读取的速度慢慢爬：窗口关上，等读取把整个 skb 读完、腾出内存，才一下子重新打开（<code>__tcp_cleanup_rbuf</code>：新窗口至少是剩余窗口的两倍才发窗口更新），发送方的吞吐量等于读取的速度。没有任何超时：连接一直在推进。Linux 6.18 上实测（每 50 毫秒读 4096 字节）窗口关上又打开 8 次，每次隔 5 或 6 次读取。", "Variant <code>read_every_ms</code>: the client reads at a steady rate, at most <code>read_bytes</code> bytes per <code>recv()</code>, and works that many milliseconds before the next. The transfer crawls at the reader's pace: the window closes and opens again in one step once the reader has read a whole skb and freed its memory (<code>__tcp_cleanup_rbuf</code>: a window update goes when the new window is at least twice what is left), and the sender's throughput is the reader's. Nothing times out: the connection keeps moving. Recorded on Linux 6.18 (4096 bytes every 50 ms), the window closed and reopened 8 times, 5 or 6 reads apart."),
        text!("设置 <code>tcp_user_timeout</code>（TCP_USER_TIMEOUT）后，从第一次零窗口探测算起（<code>icsk_probes_tstamp</code>）超过这个时长，内核放弃：阻塞的 <code>send()</code> 返回它已经拷贝的字节数，下一次 <code>send()</code> 得到 <b>ETIMEDOUT</b>。这是 Linux 5.11（2021 年 1 月的修复 “tcp: fix TCP_USER_TIMEOUT with zero window”）才有的行为；更早的内核按未回应的探测次数估算时间，而有回应的探测会把次数清零，于是 TCP_USER_TIMEOUT 在这里不起作用。", "With <code>tcp_user_timeout</code> (TCP_USER_TIMEOUT) set, the kernel gives up once that long has passed since the first zero-window probe (<code>icsk_probes_tstamp</code>): the blocked <code>send()</code> returns the bytes it copied and the next <code>send()</code> fails with <b>ETIMEDOUT</b>. That is so since Linux 5.11 (the fix “tcp: fix TCP_USER_TIMEOUT with zero window”, January 2021); earlier kernels estimated the time from the count of unanswered probes, which answered probes reset, so TCP_USER_TIMEOUT did nothing here."),
        text!("变体 <code>client_host_crash</code> = 1：窗口关上之后，客户端主机在 <code>crash_at</code> 时宕机。探测从此没有回应，连续 <code>tcp_retries2</code> 个没有回应时内核放弃，同样是 ETIMEDOUT，不发 RST。注意退避的次数也以 <code>tcp_retries2</code> 为上限，调小它，探测间隔也跟着变短。", "Variant <code>client_host_crash</code> = 1: after the window has closed, the client's host dies at <code>crash_at</code>. The probes go unanswered from then on, and after <code>tcp_retries2</code> of them in a row the kernel gives up: ETIMEDOUT again, no RST. The backoff too stops growing at <code>tcp_retries2</code> doublings, so a smaller value also keeps the probes closer together."),
    ],
    params: &[Param::RttMs, Param::Seed, Param::WriteAt, Param::WriteBytes, Param::SoSndbuf, Param::SoRcvbuf, Param::TcpUserTimeout, Param::SoKeepalive, Param::TcpKeepidle, Param::TcpKeepintvl, Param::TcpKeepcnt, Param::ResumeAt, Param::ReadBytes, Param::ReadEveryMs, Param::ClientHostCrash, Param::CrashAt, Param::TcpRetries2, Param::TcpRtoMax, Param::TcpInvalidRatelimit, Param::ObserveS],
    overrides: &[(Param::WriteAt, 1), (Param::SoSndbuf, 8192), (Param::SoRcvbuf, 8192), (Param::CrashAt, 3), (Param::ObserveS, 300)],
    script: peer_hung,
};

/// The client never reads; the server writes `write_bytes` at `write_at`;
/// with `client_host_crash` the client host dies at `crash_at`.
fn peer_hung(s: &mut Script) -> Instant {
    s.client_app.opts.rcvbuf = s.p.get(Param::SoRcvbuf) as u32;
    // A reader at a steady rate (read_every_ms) reads from connect(), or
    // from resume_at; without one the client does not read.
    let every = s.p.get(Param::ReadEveryMs) as u64 * crate::time::MS;
    s.client_app.read_every = every;
    s.client_app.read_chunk = s.p.get(Param::ReadBytes) as u32;
    s.client_app.reads = every > 0 && s.p.get(Param::ResumeAt) == 0;
    // A writer that never reads: the error reaches it through send().
    s.server_app.reads = false;
    let write_at = s.secs(Param::WriteAt);
    let bytes = s.p.get(Param::WriteBytes) as u32;
    s.server_sends(write_at, bytes);
    let mut end = write_at + s.observe();
    let resume = s.p.get(Param::ResumeAt);
    if resume > 0 {
        let at = s.secs(Param::ResumeAt);
        s.client_resumes_reading(at);
        end = end.max(at + s.observe());
    }
    if s.p.get(Param::ClientHostCrash) == 1 {
        let crash = s.secs(Param::CrashAt);
        s.client_crashes(crash);
        // Every probe that can go out before the count is spent, each at
        // its longest (the backoff it had reached before the crash only
        // makes the first ones later), and one more.
        let rto = 3 * s.rtt() + TCP_RTO_MIN;
        let budget: u64 = (0..=s.sys.retries2 + 1)
            .map(|k| probe0_when(rto, k + s.sys.retries2, s.sys.rto_max))
            .sum();
        end = end.max(crash + budget + s.sys.rto_max);
    }
    let ut = s.server_app.opts.user_timeout;
    if ut > 0 {
        end = end.max(write_at + ut + s.sys.rto_max);
    }
    end
}

pub static HOST_CRASH_BULK: Scenario = Scenario {
    id: "host-crash-bulk",
    title: text!("服务端有一整窗数据在途时客户端主机宕机：放弃的时刻不变", "The client host dies with a window of data in flight: the give-up time does not change"),
    steps: &[
        text!("客户端主机宕机后，服务端一次写入 10 段数据（默认 14,480 字节，发送缓冲区由 <code>SO_SNDBUF</code> 固定，放得下）。初始拥塞窗口是 10 段（<code>TCP_INIT_CWND</code>），这 10 段背靠背发出，没有一个 ACK 回来。", "After the client host dies, the server writes ten segments' worth at once (14,480 bytes by default; the send buffer, fixed by <code>SO_SNDBUF</code>, holds them). The initial congestion window is ten segments (<code>TCP_INIT_CWND</code>): all ten leave back to back, and no ACK comes back."),
        text!("先是<b>尾部丢包探测</b>（<code>tcp_send_loss_probe</code>）：发送队列里还有新数据、对方窗口也容得下时，探测发的是新数据；这里没有了，就把<b>最后</b>一段再发一遍。多于一段在途时，探测在 2 × SRTT 再加 2 毫秒后发出。", "First the <b>tail loss probe</b> (<code>tcp_send_loss_probe</code>): had the send queue held more data that the peer's window takes, the probe would send that; here it holds none, so the <b>last</b> segment goes again. With more than one segment in flight, the probe waits 2 × SRTT plus 2 ms."),
        text!("然后是超时重传：每次只重传<b>队首</b>那一段（<code>tcp_enter_loss</code> 把拥塞窗口降到 1），RTO 每次翻倍，直到 <code>tcp_rto_max</code>。", "Then retransmission timeouts: each resends only the <b>head</b> of the queue (<code>tcp_enter_loss</code> cuts the congestion window to 1), the RTO doubling up to <code>tcp_rto_max</code>."),
        text!("放弃的时刻由 <code>tcp_retries2</code> 换算的时长决定，从第一次超时重传算起，与在途的是 1 段还是 10 段无关：和 <code>host-crash-data-no-reboot</code> 一样，默认 924.6 秒之后的第一次 RTO 到期时，<code>recv()</code> 得到 <b>ETIMEDOUT</b>。数据越多并不会更快失败。", "The give-up time is the budget <code>tcp_retries2</code> stands for, counted from the first timeout retransmission, whether one segment is in flight or ten: as in <code>host-crash-data-no-reboot</code>, at the first RTO expiry past 924.6 s (by default) <code>recv()</code> fails with <b>ETIMEDOUT</b>. More data does not make it fail faster."),
    ],
    params: &[Param::RttMs, Param::Seed, Param::CrashAt, Param::SendAt, Param::WriteBytes, Param::SoSndbuf, Param::TcpRetries2, Param::TcpRtoMin, Param::TcpRtoMax, Param::TcpUserTimeout, Param::ObserveS],
    overrides: &[(Param::WriteBytes, 14480), (Param::ObserveS, 60)],
    script: host_crash_bulk,
};

/// The client host crashes at `crash_at`; `send_at` later the server
/// writes `write_bytes` (with SO_SNDBUF fixed: the windowed model); watch
/// for as long as the retransmissions can last.
fn host_crash_bulk(s: &mut Script) -> Instant {
    let crash = s.secs(Param::CrashAt);
    let send_at = crash + s.secs(Param::SendAt);
    s.client_crashes(crash);
    let bytes = s.p.get(Param::WriteBytes) as u32;
    s.server_sends(send_at, bytes);
    send_at + s.retransmission_budget() + s.observe()
}
