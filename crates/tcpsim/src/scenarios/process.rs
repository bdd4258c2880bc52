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
        text!("连接的状态保存在内核里，不在进程里。进程被 <code>SIGKILL</code> 杀死时，内核会关闭它持有的所有文件描述符，效果和进程自己调用 <code>close()</code> 一样。", "Connection state lives in the kernel, not in the process. When the process is killed with <code>SIGKILL</code>, the kernel closes every descriptor it held, just as if the process had called <code>close()</code>."),
        text!("接收队列里没有未读数据，客户端内核就发出 <b>FIN</b>，进入 FIN_WAIT_1；服务端内核回 ACK，服务端应用的 <code>recv()</code> 读到 EOF（返回 0）。", "With nothing unread in its receive queue, the client's kernel sends <b>FIN</b> and enters FIN_WAIT_1. The server's kernel ACKs it and the server's <code>recv()</code> returns 0 (EOF)."),
        text!("服务端应用随后调用 <code>close()</code> 发出自己的 FIN，客户端内核回 ACK 并进入 TIME_WAIT。整个挥手过程客户端进程都不在场。", "The server's process then calls <code>close()</code>: its FIN goes out, the client's kernel ACKs it and waits in TIME_WAIT. The whole close happens without the client process."),
        text!("如果服务端读到 EOF 立刻关闭（<code>close_delay_ms</code> = 0），它那个被推迟的 ACK 会搭在 FIN 上一起发出，四次挥手在抓包里只剩三个报文段。", "If the server closes the moment it reads EOF (<code>close_delay_ms</code> = 0), its delayed ACK rides on its FIN, and the four-way close shows as three segments, as real captures often do."),
        text!("变体 <code>unread_data</code> = 1：客户端还有没读的数据，内核关闭时改发 <b>RST</b>（RFC 1122 4.2.2.13），服务端的 <code>recv()</code> 得到 ECONNRESET。", "Variant <code>unread_data</code> = 1: data the client never read turns the FIN into a <b>RST</b> (RFC 1122 4.2.2.13); the server's <code>recv()</code> fails with ECONNRESET."),
        text!("变体 <code>server_writes</code> = 1：服务端无视 EOF 继续写。第一次 <code>send()</code> 成功，客户端内核回 RST；第二次 <code>send()</code> 得到 EPIPE。", "Variant <code>server_writes</code> = 1: the server ignores EOF and writes. The first <code>send()</code> succeeds, the client's kernel answers RST, the next <code>send()</code> fails with EPIPE."),
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
