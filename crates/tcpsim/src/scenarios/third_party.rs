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
        text!("第三方读出这个 ACK 的确认号，伪造一个序号恰好等于服务端 RCV.NXT 的 RST。服务端接受了它：连接重置，应用得到 ECONNRESET。", "The third party reads that ACK's acknowledgment number and forges a RST whose sequence number is exactly the server's RCV.NXT. The server accepts it: the connection is reset and the application gets ECONNRESET."),
        text!("客户端对此一无所知，它那一端仍然是 ESTABLISHED。一些运维工具就是这样从外部切断连接的。", "The client knows nothing of it; its end is still ESTABLISHED. Some operations tools close connections from outside this way."),
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
