//! A third party ends a connection it is not part of.

use super::{Scenario, Script, ATTACKER_IP, CLIENT_PORT, SERVER_PORT};
use crate::params::Param;
use crate::sim::{Action, Role};
use crate::text::text;
use crate::time::Instant;

pub static KILL_FROM_OUTSIDE: Scenario = Scenario {
    id: "kill-from-outside",
    title: text!("第三方从外部关闭连接", "A third party closes a connection from outside"),
    steps: &[
        text!("第三方不是连接的一端，但能伪造报文，也能看到发往客户端的报文（比如就在客户端那台主机上）。", "The third party is not an endpoint, but it can forge segments and see those sent to the client (for example, it runs on the client's host)."),
        text!("它冒用客户端的四元组发一个 SYN。服务端回挑战 ACK，里面正好是当前的 SND.NXT 和 RCV.NXT。", "It sends a SYN with the client's four-tuple. The server answers with a challenge ACK that carries the current SND.NXT and RCV.NXT."),
        text!("第三方读出这个 ACK 的确认号，伪造一个序号恰好等于服务端 RCV.NXT 的 RST。按 RFC 5961 3.2，只有序号恰好等于 RCV.NXT 的 RST 才会被接受，这个正好符合：连接重置，应用得到 ECONNRESET。", "The third party reads that ACK's acknowledgment number and forges a RST whose sequence number is exactly the server's RCV.NXT. Under RFC 5961 3.2 only a RST at exactly RCV.NXT is accepted, and this one is: the connection is reset and the application gets ECONNRESET."),
        text!("客户端对此一无所知，它那一端仍然是 ESTABLISHED。", "The client knows nothing of it; its end is still ESTABLISHED."),
        text!("真实工具里，killcx 就是这么做的，而且它用挑战 ACK 里的两个号码各伪造一个 RST，分别发给两端，两端一起关掉（这张图只关了服务端一端）。如果能登录连接所在的主机，Linux 4.5 起用 <code>ss -K</code> 更简单，根本不用伪造：它通过 SOCK_DESTROY 直接销毁本机的套接字，内核给对端发一个 RST，本机应用得到 ECONNABORTED。这需要内核开启 CONFIG_INET_DIAG_DESTROY，执行者要有 CAP_NET_ADMIN 权限。", "Among real tools, killcx works this way, and it forges two RSTs from the challenge ACK's numbers, one to each end, so both ends close (this diagram resets only the server's). On a host that holds one end, <code>ss -K</code> (Linux 4.5 and later) needs no forgery at all: it destroys the local socket through SOCK_DESTROY, the kernel sends the peer a RST and the local application gets ECONNABORTED. The kernel must be built with CONFIG_INET_DIAG_DESTROY, and the caller needs CAP_NET_ADMIN."),
    ],
    params: &[Param::RttMs, Param::LossPct, Param::Seed, Param::AttackAt, Param::TcpInvalidRatelimit, Param::ObserveS],
    overrides: &[(Param::ObserveS, 30)],
    script: kill_from_outside,
};

/// At `attack_at`, a third host forges a SYN with the client's four-tuple,
/// reads the server's challenge ACK, and forges a RST with its numbers.
fn kill_from_outside(s: &mut Script) -> Instant {
    let sys = s.sys;
    let attacker = s.world.add_host(Role::Attacker, ATTACKER_IP, sys);
    let t = s.secs(Param::AttackAt);
    let (victim, dst) = (s.client, s.server);
    s.at(
        t,
        Action::ForgeSyn {
            attacker,
            victim,
            sport: CLIENT_PORT,
            dst,
            dport: SERVER_PORT,
        },
    );
    t + s.observe()
}
