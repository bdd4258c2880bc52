//! A process crash: the client's process is killed, its kernel lives on
//! and closes the connection for it.

use super::{Scenario, Script};
use crate::params::Param;
use crate::sim::{Action, OnEof};
use crate::text::text;
use crate::time::{Instant, MS};

pub static PROCESS_CRASH: Scenario = Scenario {
    id: "process-crash",
    title: text!("客户端进程被杀：内核替它挥手", "The client process is killed: its kernel closes the connection"),
    steps: &[
        text!("连接的状态保存在内核里，不在进程里。进程被 <code>SIGKILL</code> 杀死时，内核替它关闭手里所有的文件描述符。如果这是指向该套接字的最后一个引用，效果就和进程自己调用 <code>close()</code> 一样；要是 fork 出来的子进程还开着它，或者描述符已经传给了别的进程，套接字就继续开着，什么也不发。", "Connection state lives in the kernel, not in the process. When the process is killed with <code>SIGKILL</code>, the kernel closes every descriptor it held. If that was the last reference to the socket, the effect is that of a <code>close()</code>; if a forked child still has it open, or the descriptor was passed to another process, the socket stays open and nothing is sent."),
        text!("接收队列里没有未读数据，客户端内核就发出 <b>FIN</b>，进入 FIN_WAIT_1；服务端内核回 ACK，服务端应用的 <code>recv()</code> 读到 EOF（返回 0）。", "With nothing unread in its receive queue, the client's kernel sends <b>FIN</b> and enters FIN_WAIT_1. The server's kernel ACKs it and the server's <code>recv()</code> returns 0 (EOF)."),
        text!("服务端应用随后调用 <code>close()</code> 发出自己的 FIN，客户端内核回 ACK 并进入 TIME_WAIT。整个挥手过程客户端进程都不在场。服务端应用要是一直不 <code>close()</code>，它的套接字就停在 CLOSE_WAIT；客户端的孤儿套接字最多在 FIN_WAIT_2 停留 <code>tcp_fin_timeout</code>（默认 60 秒），随后由内核中止。", "The server's process then calls <code>close()</code>: its FIN goes out, the client's kernel ACKs it and waits in TIME_WAIT. The whole close happens without the client process. If the server's process never calls <code>close()</code>, its socket stays in CLOSE_WAIT, and the client's orphaned socket waits in FIN_WAIT_2 for at most <code>tcp_fin_timeout</code> (60 s by default) before its kernel aborts it."),
        text!("如果服务端读到 EOF 立刻关闭（<code>close_delay_ms</code> = 0），它那个被推迟的 ACK 会搭在 FIN 上一起发出，四次挥手在抓包里只剩三个报文段。", "If the server closes the moment it reads EOF (<code>close_delay_ms</code> = 0), its delayed ACK rides on its FIN, and the four-way close shows as three segments, as real captures often do."),
        text!("变体 <code>unread_data</code> = 1：客户端还有没读的数据，内核关闭时改发 <b>RST</b>（RFC 1122 4.2.2.13），服务端的 <code>recv()</code> 得到 ECONNRESET。套接字设了 <code>SO_LINGER</code> 为 {1, 0}（开启、超时为 0）时也一样：关闭时直接发 RST，不挥手。", "Variant <code>unread_data</code> = 1: data the client never read turns the FIN into a <b>RST</b> (RFC 1122 4.2.2.13); the server's <code>recv()</code> fails with ECONNRESET. A socket with <code>SO_LINGER</code> set to {1, 0} (on, zero timeout) does the same: its close sends a RST instead of a FIN."),
        text!("变体 <code>server_writes</code> = 1：服务端读到 EOF 之后还在写。第一次 <code>send()</code> 照样成功（数据只是进了发送缓冲区）；客户端的套接字已经关闭，它的内核回一个 <b>RST</b>。服务端此时处于 CLOSE_WAIT，Linux 把这个 RST 记为 EPIPE，于是下一次 <code>send()</code> 返回 EPIPE，内核同时给进程发 <b>SIGPIPE</b>。这个信号的默认动作是终止进程：除非进程忽略了它（<code>SIG_IGN</code>）或者用 <code>MSG_NOSIGNAL</code> 发送，服务端就这样被杀掉了，这是生产环境里的常见事故。图里画的是忽略了 SIGPIPE 的进程看到的结果。", "Variant <code>server_writes</code> = 1: the server writes after reading EOF. The first <code>send()</code> succeeds (the data only enters the send buffer); the client's socket is closed, so its kernel answers with a <b>RST</b>. The server's socket is in CLOSE_WAIT, for which Linux records the RST as EPIPE: the next <code>send()</code> fails with EPIPE and the kernel also sends the process <b>SIGPIPE</b>, whose default action terminates it. Unless the process ignores SIGPIPE (<code>SIG_IGN</code>) or writes with <code>MSG_NOSIGNAL</code>, that kills the server, a classic surprise in production. The diagram shows what a process that ignores SIGPIPE sees."),
        text!("如果 RST 到达时服务端的连接还是 ESTABLISHED（它还没收到 FIN），紧接着的那次调用得到 ECONNRESET，不带信号；再下一次写才是 EPIPE 加 SIGPIPE。", "Had the RST arrived while the server's connection was still ESTABLISHED (no FIN received yet), the next call would get ECONNRESET, without a signal, and only the write after that EPIPE with SIGPIPE."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::CrashAt, Param::UnreadData, Param::ServerWrites, Param::CloseDelayMs, Param::SendBytes, Param::ObserveS],
    overrides: &[(Param::ServerWrites, 0), (Param::ObserveS, 70)],
    script: process_crash,
};

/// SIGKILL at `crash_at`. The server's process reads EOF and closes
/// (after `close_delay_ms`), or with `server_writes` keeps writing. With
/// `unread_data` the server writes at `crash_at`/2 and the client's process
/// never reads it.
fn process_crash(s: &mut Script) -> Instant {
    let crash = s.secs(Param::CrashAt);
    let bytes = s.p.get(Param::SendBytes) as u32;
    if s.p.get(Param::ServerWrites) == 1 {
        s.server_app.on_eof = OnEof::WriteTwice(bytes);
    } else if s.p.get(Param::CloseDelayMs) > 0 {
        s.server_app.on_eof = OnEof::CloseAfter(s.p.get(Param::CloseDelayMs) as u64 * MS);
    }
    if s.p.get(Param::UnreadData) == 1 {
        s.client_app.reads = false;
        s.server_sends(crash / 2, bytes);
    }
    let host = s.client;
    s.at(crash, Action::ProcessKill { host });
    crash + s.observe()
}
