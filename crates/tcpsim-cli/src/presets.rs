//! The presets: what common stacks set on a socket, as the "detect it
//! faster" explorer offers them as starting points. This table is their one
//! source: `tcpsim presets` prints it, `tcpsim run --preset ID` applies it,
//! and `scripts/build-web.sh` writes `tcpsim presets --format json` into the
//! explorer's chunk (`explorer-presets.js`, imported by
//! `web/explorer-data.js`, fetched on demand with the explorer).
//!
//! A preset's values are the socket options and sysctls the explorer shows
//! for each case; an option the stack leaves alone is 0 (not set: the
//! sysctl applies), a sysctl Linux's default. Each preset cites its
//! sources, says which versions it describes, and either names the test
//! that traced it on the real software (`tests/presets/run.sh`, which reads
//! this table and fails when a traced option disagrees) or says it is from
//! documentation only.

use serde_json::{json, Value};

/// A zh/en pair.
type Text = (&'static str, &'static str);

/// A case of the explorer: what the connection was doing when the peer's
/// host died (or, in the last, that the peer stopped reading), and the
/// scenario that draws it.
pub struct Case {
    pub id: &'static str,
    pub scenario: &'static str,
    /// The settings shown for it, in order, with Linux's value.
    pub knobs: &'static [(&'static str, u64)],
}

/// The four cases, with Linux's values: every socket option unset (0),
/// SO_KEEPALIVE off (a socket's initial value), the sysctls at their
/// defaults (Linux 6.5+ for `tcp_syn_linear_timeouts`).
pub const CASES: [Case; 4] = [
    Case {
        id: "idle",
        scenario: "keepalive-peer-dead",
        knobs: &[
            ("so_keepalive", 0),
            ("tcp_keepidle", 0),
            ("tcp_keepintvl", 0),
            ("tcp_keepcnt", 0),
            ("user_timeout", 0),
        ],
    },
    Case {
        id: "data",
        scenario: "host-crash-data-no-reboot",
        knobs: &[("user_timeout", 0), ("tcp_retries2", 15)],
    },
    Case {
        id: "connect",
        scenario: "connect-dead-host",
        knobs: &[
            ("user_timeout", 0),
            ("tcp_syn_retries", 6),
            ("tcp_syn_linear_timeouts", 4),
        ],
    },
    // The peer is up but stopped reading: the socket options of the idle
    // case (keepalive, which stays silent while data is queued) and
    // TCP_USER_TIMEOUT, which ends zero-window probing (Linux 5.11+), and
    // tcp_retries2, which answered probes never spend.
    Case {
        id: "reading",
        scenario: "peer-hung",
        knobs: &[
            ("so_keepalive", 0),
            ("tcp_keepidle", 0),
            ("tcp_keepintvl", 0),
            ("tcp_keepcnt", 0),
            ("user_timeout", 0),
            ("tcp_retries2", 15),
        ],
    },
];

/// The simulator's parameter for a setting in a case: TCP_USER_TIMEOUT is
/// the server's socket option, except the client's when connecting (as `paramOf` in web/explorer-data.js).
pub fn param_of(case: &str, knob: &str) -> &'static str {
    match (case, knob) {
        ("connect", "user_timeout") => "client_tcp_user_timeout",
        (_, "user_timeout") => "tcp_user_timeout",
        (_, "so_keepalive") => "so_keepalive",
        (_, "tcp_keepidle") => "tcp_keepidle",
        (_, "tcp_keepintvl") => "tcp_keepintvl",
        (_, "tcp_keepcnt") => "tcp_keepcnt",
        (_, "tcp_retries2") => "tcp_retries2",
        (_, "tcp_syn_retries") => "tcp_syn_retries",
        _ => "tcp_syn_linear_timeouts",
    }
}

/// How a preset was checked against the real software.
pub struct Verified {
    /// The stack's name in `tests/presets/run.sh`.
    pub stack: &'static str,
    /// The software (and version) the test traced when this was written.
    pub software: &'static str,
}

pub struct Preset {
    pub id: &'static str,
    pub name: Text,
    /// Values that differ from Linux's: (case, knob, value).
    pub set: &'static [(&'static str, &'static str, u64)],
    /// Which versions the values describe.
    pub versions: Text,
    pub sources: &'static [(&'static str, &'static str)],
    pub note: Text,
    /// None: from documentation and source only, not verified here.
    pub verified: Option<Verified>,
    /// What the explorer says beside this preset's idle-case time, where
    /// the number alone would mislead.
    pub idle_note: Option<Text>,
    /// The same beside its time when the peer stopped reading.
    pub reading_note: Option<Text>,
}

impl Preset {
    /// The preset's value of `knob` in `case`.
    pub fn value(&self, case: &Case, knob: &str) -> u64 {
        self.set
            .iter()
            .find(|(c, k, _)| *c == case.id && *k == knob)
            .map(|x| x.2)
            .or_else(|| case.knobs.iter().find(|(k, _)| *k == knob).map(|x| x.1))
            .unwrap_or(0)
    }
}

pub const TEST: &str = "tests/presets/run.sh";
const NOT_VERIFIED: Text = (
    "来自文档和源码，未在这里验证",
    "from documentation, not verified here",
);

// Pinned sources.
const SYSCTL: (&str, &str) = (
    "ip-sysctl",
    "https://docs.kernel.org/networking/ip-sysctl.html",
);
const TCP_H: (&str, &str) = (
    "include/net/tcp.h",
    "https://github.com/torvalds/linux/blob/master/include/net/tcp.h",
);
const GO_DIAL: (&str, &str) = (
    "src/net/dial.go",
    "https://github.com/golang/go/blob/0052a0f6810582a6e70f6aae542f42ed7a3d6b4b/src/net/dial.go",
);
const GO_OLD: (&str, &str) = (
    "src/net/tcpsockopt_unix.go (before 1.23)",
    "https://github.com/golang/go/blob/0767461ecf8e643643b871cf5728fb7ebc5edf71/src/net/tcpsockopt_unix.go",
);
const GO_62254: (&str, &str) = ("go.dev/issue/62254", "https://go.dev/issue/62254");
const GO_73386: (&str, &str) = (
    "go.dev/issue/73386",
    "https://github.com/golang/go/issues/73386",
);
const LIBPQ_SGML: (&str, &str) = (
    "libpq.sgml",
    "https://github.com/postgres/postgres/blob/00298ad9d8c9da42f338ecd0c6b3a7b737d387ee/doc/src/sgml/libpq.sgml",
);
const LIBPQ_UT: (&str, &str) = (
    "tcp_user_timeout patch (v20)",
    "https://www.mail-archive.com/pgsql-hackers%40lists.postgresql.org/msg36602/TCP_interface_v20.patch",
);
const REDIS_CONF: (&str, &str) = (
    "redis.conf",
    "https://github.com/redis/redis/blob/001730cb96564d4f78d7672a26e78d43b8877e78/redis.conf",
);
const REDIS_ANET: (&str, &str) = (
    "src/anet.c: anetKeepAlive",
    "https://github.com/redis/redis/blob/4f8cdc2a1ea53e42955af758aabffee67cb455dd/src/anet.c",
);
const NODE_DOC: (&str, &str) = (
    "net.md: setKeepAlive",
    "https://nodejs.org/api/net.html#socketsetkeepaliveenable-initialdelay",
);
const NODE_NET: (&str, &str) = (
    "lib/net.js (v20.20.2)",
    "https://github.com/nodejs/node/blob/v20.20.2/lib/net.js",
);
const LIBUV_146: (&str, &str) = (
    "libuv 1.46 src/unix/tcp.c",
    "https://github.com/libuv/libuv/blob/f0bb7e40f0508bedf6fad33769b3f87bb8aedfa6/src/unix/tcp.c",
);
const LIBUV_NOW: (&str, &str) = (
    "libuv src/unix/tcp.c (1.48+)",
    "https://github.com/libuv/libuv/blob/6179e7af87413396d5853a1c3722c8b5749336c8/src/unix/tcp.c",
);
const JAVA_KA: (&str, &str) = (
    "StandardSocketOptions.SO_KEEPALIVE",
    "https://learn.microsoft.com/fil-ph/dotnet/api/java.net.standardsocketoptions.sokeepalive",
);
const JAVA_EXT: (&str, &str) = (
    "jdk.net.ExtendedSocketOptions (JDK 11)",
    "https://docs.oracle.com/en/java/javase/11/docs/api/jdk.net/jdk/net/ExtendedSocketOptions.html",
);
const GRPC_A18: (&str, &str) = (
    "gRFC A18",
    "https://github.com/grpc/proposal/blob/1fd061ad8e7c46422b326e5a60cf68d042476205/A18-tcp-user-timeout.md",
);
const GRPC_KA: (&str, &str) = (
    "grpc doc/keepalive.md",
    "https://github.com/grpc/grpc/blob/0c28a024e223c41c3848b598bba707ca80c5901a/doc/keepalive.md",
);
const GRPC_CORE: (&str, &str) = (
    "grpc socket_utils_common_posix.cc",
    "https://github.com/grpc/grpc/blob/03ca90aaf831c7f07c177c680dd47e066ea4f85f/src/core/lib/iomgr/socket_utils_common_posix.cc",
);
const GRPC_GO_CLIENT: (&str, &str) = (
    "grpc-go http2_client.go",
    "https://github.com/grpc/grpc-go/blob/4793ad0474669eafbd5346c8a3d098fdfa542498/internal/transport/http2_client.go",
);
const GRPC_GO_KA: (&str, &str) = (
    "grpc-go tcp_keepalive_unix.go",
    "https://github.com/grpc/grpc-go/blob/4793ad0474669eafbd5346c8a3d098fdfa542498/internal/tcp_keepalive_unix.go",
);
const GRPC_GO_6321: (&str, &str) = ("grpc-go #6321", "https://github.com/grpc/grpc-go/pull/6321");
const GRPC_GO_6834: (&str, &str) = ("grpc-go #6834", "https://github.com/grpc/grpc-go/pull/6834");

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "linux",
        name: ("Linux 默认值", "Linux defaults"),
        set: &[],
        versions: ("Linux 6.5 起（tcp_syn_linear_timeouts）；其余默认值更早就是这样", "Linux 6.5+ (tcp_syn_linear_timeouts); the other defaults are older"),
        sources: &[SYSCTL, TCP_H],
        note: (
            "套接字默认不开 SO_KEEPALIVE；保活开了以后用 tcp_keepalive_time 7200 秒、tcp_keepalive_intvl 75 秒、tcp_keepalive_probes 9；TCP_USER_TIMEOUT 为 0（不设置）；tcp_retries2 15；tcp_syn_retries 6、tcp_syn_linear_timeouts 4（Linux 6.5 起）。一个什么都不设置的 Python 套接字就是这样。",
            "A socket starts with SO_KEEPALIVE off; once it is on, tcp_keepalive_time 7200 s, tcp_keepalive_intvl 75 s, tcp_keepalive_probes 9 apply; TCP_USER_TIMEOUT 0 (not set); tcp_retries2 15; tcp_syn_retries 6, tcp_syn_linear_timeouts 4 (Linux 6.5+). A Python socket that sets nothing is like this.",
        ),
        verified: Some(Verified { stack: "python", software: "Python 3.11.7" }),
        idle_note: None,
        reading_note: None,
    },
    Preset {
        id: "go",
        name: ("Go net.Dialer（默认）", "Go net.Dialer (defaults)"),
        set: &[("idle", "so_keepalive", 1), ("idle", "tcp_keepidle", 15), ("idle", "tcp_keepintvl", 15), ("idle", "tcp_keepcnt", 9), ("reading", "so_keepalive", 1), ("reading", "tcp_keepidle", 15), ("reading", "tcp_keepintvl", 15), ("reading", "tcp_keepcnt", 9)],
        versions: (
            "Go 1.23 起由 KeepAliveConfig 设置 15/15/9（来自源码，未在这里验证）；更早的版本设置空闲时间和间隔 15 秒，次数用系统的 9（在 Go 1.19 上验证）",
            "Go 1.23+ sets 15/15/9 through KeepAliveConfig (from source, not verified here); earlier releases set idle and interval to 15 s and leave the count at the system's 9 (verified on Go 1.19)",
        ),
        sources: &[GO_DIAL, GO_OLD, GO_62254, GO_73386],
        note: (
            "net.Dialer 默认开启保活。Go 1.23 起：KeepAliveConfig 的 Idle、Interval 为 0 时取 15 秒，Count 为 0 时取 9；Dialer.KeepAlive 的值只设置 Idle（issue 73386）。Go 1.23 之前：setKeepAlivePeriod 把 Dialer.KeepAlive（默认 15 秒）同时设为 TCP_KEEPIDLE 和 TCP_KEEPINTVL，次数用系统的 tcp_keepalive_probes，在默认的系统上同样是 15/15/9。Go 不设置 TCP_USER_TIMEOUT，tcp_retries2 和建连参数都是系统的。这些默认值是 Dialer 的（主动连接）；net.ListenConfig 接受的连接，资料里没有单独写明。",
            "net.Dialer turns keepalive on. Go 1.23+: KeepAliveConfig's Idle and Interval of 0 mean 15 s, a Count of 0 means 9; a Dialer.KeepAlive value sets only Idle (issue 73386). Before Go 1.23, setKeepAlivePeriod set both TCP_KEEPIDLE and TCP_KEEPINTVL to Dialer.KeepAlive (15 s by default) and left the count at the system's tcp_keepalive_probes: 15/15/9 on a default system too. Go does not set TCP_USER_TIMEOUT; tcp_retries2 and the connect settings are the system's. These are the Dialer's defaults (connections you make); for connections a net.ListenConfig accepts the sources quote nothing separately.",
        ),
        verified: Some(Verified { stack: "go", software: "Go 1.19.8 (Debian 12)" }),
        idle_note: None,
        reading_note: None,
    },
    Preset {
        id: "libpq",
        name: ("PostgreSQL libpq（默认）", "PostgreSQL libpq (defaults)"),
        set: &[("idle", "so_keepalive", 1), ("reading", "so_keepalive", 1)],
        versions: ("tcp_user_timeout 自 PostgreSQL 12 起", "tcp_user_timeout since PostgreSQL 12"),
        sources: &[LIBPQ_SGML, LIBPQ_UT],
        note: (
            "keepalives 默认为 1（开启）；keepalives_idle、keepalives_interval、keepalives_count 为 0 或不设置时用系统默认值；tcp_user_timeout（PostgreSQL 12 起，单位毫秒）同样如此。libpq 在 connect() 之前只打开 SO_KEEPALIVE（还有 TCP_NODELAY）。所以除了打开保活，一切都是系统的：空闲连接 2 小时 11 分才发现，有数据在途时一刻钟以上。这几个参数可以写进连接串。",
            "keepalives defaults to 1 (on); keepalives_idle, keepalives_interval and keepalives_count of 0, or not given, use the system default; so does tcp_user_timeout (PostgreSQL 12+, in milliseconds). Before connect(), libpq turns on SO_KEEPALIVE (and TCP_NODELAY) and nothing else. So apart from turning keepalive on, everything is the system's: 2 h 11 min on an idle connection, over a quarter of an hour with data in flight. All four can go in the connection string.",
        ),
        verified: Some(Verified { stack: "libpq", software: "psql/libpq 15.18 (Debian 12)" }),
        idle_note: None,
        reading_note: None,
    },
    Preset {
        id: "redis",
        name: ("Redis 服务端 tcp-keepalive 300", "Redis server, tcp-keepalive 300"),
        set: &[("idle", "so_keepalive", 1), ("idle", "tcp_keepidle", 300), ("idle", "tcp_keepintvl", 100), ("idle", "tcp_keepcnt", 3), ("reading", "so_keepalive", 1), ("reading", "tcp_keepidle", 300), ("reading", "tcp_keepintvl", 100), ("reading", "tcp_keepcnt", 3)],
        versions: (
            "默认值 300 自 Redis 3.2.1 起；间隔取三分之一、探测 3 次自 2013 年的 anetKeepAlive 起",
            "the default of 300 since Redis 3.2.1; a third of it as the interval and 3 probes since anetKeepAlive in 2013",
        ),
        sources: &[REDIS_CONF, REDIS_ANET],
        note: (
            "Redis 3.2.1 起默认 tcp-keepalive 300，作用在 Redis 服务端与客户端之间的连接上，保护的是服务端，不是你的客户端。anetKeepAlive（src/anet.c）把 TCP_KEEPIDLE 设成这个值、TCP_KEEPINTVL 设成它的三分之一、TCP_KEEPCNT 设成 3：300/100/3，对端死掉后，最后一个报文之后 600 秒连接被放弃（redis.conf 说的“关闭连接需要两倍的时间”）。",
            "Redis 3.2.1+ defaults to tcp-keepalive 300, on the Redis server's connections to its clients: it protects the server, not your client. anetKeepAlive (src/anet.c) sets TCP_KEEPIDLE to the value, TCP_KEEPINTVL to a third of it and TCP_KEEPCNT to 3: 300/100/3, so a dead client is dropped 600 s after the last segment (redis.conf's “to close the connection the double of the time is needed”).",
        ),
        verified: Some(Verified { stack: "redis", software: "redis-server 7.0.15 (Debian 12)" }),
        idle_note: None,
        reading_note: None,
    },
    Preset {
        id: "node",
        name: ("Node.js socket.setKeepAlive(true)", "Node.js socket.setKeepAlive(true)"),
        set: &[("idle", "so_keepalive", 1), ("reading", "so_keepalive", 1)],
        versions: (
            "libuv 1.47 及更早：TCP_KEEPIDLE 0 失败（EINVAL）；1.48 起：什么都不设置就返回。两者结果一样",
            "libuv ≤ 1.47: TCP_KEEPIDLE 0 fails (EINVAL); 1.48+: returns before setting anything. The result is the same",
        ),
        sources: &[NODE_DOC, NODE_NET, LIBUV_146, LIBUV_NOW],
        note: (
            "Node.js 的套接字默认不开保活；这里是调用 setKeepAlive(true) 而不给 initialDelay 的情形。lib/net.js 把 initialDelay（毫秒）换成整秒传给 libuv：不给或者小于 1000 毫秒就是 0。libuv 先设置 SO_KEEPALIVE=1，然后 setsockopt(TCP_KEEPIDLE, 0) 失败，返回 EINVAL（libuv 1.47 及更早），或者在设置任何值之前就返回（1.48 起）；TCP_KEEPINTVL、TCP_KEEPCNT 都没有设置。所以套接字用的是系统的 7200/75/9。只有 initialDelay 不小于 1000 毫秒时，才得到“空闲时间/1/10”（见下一个起点）。Node.js 没有设置 TCP_USER_TIMEOUT 的选项。",
            "Node.js sockets start with keepalive off; this is a socket after setKeepAlive(true) with no initialDelay. lib/net.js passes initialDelay (milliseconds) to libuv in whole seconds: none, or under 1000 ms, is 0. libuv sets SO_KEEPALIVE=1, then setsockopt(TCP_KEEPIDLE, 0) fails with EINVAL (libuv ≤ 1.47), or it returns before setting anything (1.48+); TCP_KEEPINTVL and TCP_KEEPCNT are never set. So the socket runs on the system's 7200/75/9. Only an initialDelay of 1000 ms or more gives idle/1/10 (the next starting point). Node.js has no option for TCP_USER_TIMEOUT.",
        ),
        verified: Some(Verified { stack: "node-default", software: "Node.js 20.20.2 (libuv 1.46.0)" }),
        idle_note: None,
        reading_note: None,
    },
    Preset {
        id: "node-30s",
        name: ("Node.js socket.setKeepAlive(true, 30000)", "Node.js socket.setKeepAlive(true, 30000)"),
        set: &[("idle", "so_keepalive", 1), ("idle", "tcp_keepidle", 30), ("idle", "tcp_keepintvl", 1), ("idle", "tcp_keepcnt", 10), ("reading", "so_keepalive", 1), ("reading", "tcp_keepidle", 30), ("reading", "tcp_keepintvl", 1), ("reading", "tcp_keepcnt", 10)],
        versions: ("Node.js v13.12.0、v12.17.0 起（libuv 设置间隔 1 秒、10 次）", "Node.js v13.12.0 and v12.17.0+ (libuv sets a 1 s interval and 10 probes)"),
        sources: &[NODE_DOC, NODE_NET, LIBUV_146, LIBUV_NOW],
        note: (
            "initialDelay 不小于 1000 毫秒时，libuv 设置 SO_KEEPALIVE=1、TCP_KEEPIDLE=initialDelay 的整秒数、TCP_KEEPINTVL=1、TCP_KEEPCNT=10：这里是 30/1/10，最后一个报文之后 40 秒放弃。较新的提交给 setKeepAlive 加了 interval、count 两个参数（nodejs/node#63825），从哪个版本起资料里没有。",
            "With an initialDelay of 1000 ms or more, libuv sets SO_KEEPALIVE=1, TCP_KEEPIDLE = initialDelay in whole seconds, TCP_KEEPINTVL=1, TCP_KEEPCNT=10: here 30/1/10, dropped 40 s after the last segment. A later change adds interval and count arguments to setKeepAlive (nodejs/node#63825); which release carries it is not in the sources.",
        ),
        verified: Some(Verified { stack: "node-30s", software: "Node.js 20.20.2 (libuv 1.46.0)" }),
        idle_note: None,
        reading_note: None,
    },
    Preset {
        id: "java",
        name: ("Java Socket（默认）", "Java Socket (defaults)"),
        set: &[],
        versions: ("JDK 11 起有 ExtendedSocketOptions 的保活选项", "ExtendedSocketOptions' keepalive options since JDK 11"),
        sources: &[JAVA_KA, JAVA_EXT],
        note: (
            "SO_KEEPALIVE 的初始值是 FALSE（上面的链接是 Java 文档的转载）；打开要调用 Socket.setKeepAlive(true)。JDK 11 起 jdk.net.ExtendedSocketOptions 提供 TCP_KEEPIDLE、TCP_KEEPINTERVAL、TCP_KEEPCOUNT，这是它仅有的与超时有关的选项，默认值取决于系统（文档说“通常为 2 小时”）。JDK 没有 TCP_USER_TIMEOUT 选项。",
            "SO_KEEPALIVE's initial value is FALSE (the link is a copy of the Java documentation); Socket.setKeepAlive(true) turns it on. From JDK 11, jdk.net.ExtendedSocketOptions has TCP_KEEPIDLE, TCP_KEEPINTERVAL and TCP_KEEPCOUNT, its only timeout-related options, whose defaults are the system's (“typically 2 hours” for the idle time). The JDK has no TCP_USER_TIMEOUT option.",
        ),
        verified: Some(Verified { stack: "java", software: "OpenJDK 17.0.15 (Debian 12)" }),
        idle_note: None,
        reading_note: None,
    },
    Preset {
        id: "grpc",
        name: ("gRPC C-core 客户端，如 Python grpcio（开启 keepalive）", "gRPC C-core client, e.g. Python grpcio (keepalive enabled)"),
        set: &[("idle", "user_timeout", 20000), ("data", "user_timeout", 20000), ("connect", "user_timeout", 20000), ("reading", "user_timeout", 20000)],
        versions: ("按 gRFC A18；在 grpcio 1.85.4 上跟踪", "per gRFC A18; traced on grpcio 1.85.4"),
        sources: &[GRPC_A18, GRPC_KA, GRPC_CORE],
        note: (
            "gRPC 的 keepalive 是 HTTP/2 PING，不是 TCP 保活。按 gRFC A18，开启 keepalive（KEEPALIVE_TIME 不是无穷大）时，把 TCP_USER_TIMEOUT 设成 KEEPALIVE_TIMEOUT，默认 20 秒；客户端的 keepalive 默认关闭（关闭时不设 TCP_USER_TIMEOUT，一切照系统）。C-core 在 connect() 之前就设置它，所以它也管建连。SO_KEEPALIVE 不开。PING 在 TCP 看来就是一次写：这正是“有数据在途”的情形，连接在第一次超时重传之后大约 20 秒被放弃（TCP_USER_TIMEOUT 从 retrans_stamp 算起）。",
            "gRPC's keepalive is an HTTP/2 PING, not TCP keepalive. Per gRFC A18, with keepalive enabled (KEEPALIVE_TIME not infinite) TCP_USER_TIMEOUT is set to KEEPALIVE_TIMEOUT, 20 s by default; a client's keepalive is disabled by default (then TCP_USER_TIMEOUT is not set and the system's defaults apply). C-core sets it before connect(), so it bounds the handshake too. SO_KEEPALIVE stays off. To TCP a PING is a write: the “data in flight” case, where the connection is dropped about 20 s after the first timeout retransmission (TCP_USER_TIMEOUT counts from retrans_stamp).",
        ),
        verified: Some(Verified { stack: "grpcio", software: "grpcio 1.85.4 (PyPI)" }),
        idle_note: Some((
            "这是只有 TCP 的情形。gRPC 开启 keepalive 后每隔 KEEPALIVE_TIME 发一个 HTTP/2 PING，这就是一次写：连接不再空闲，而是“有数据在途”的情形，请看那个情形的时间。",
            "That is TCP alone. With keepalive on, gRPC sends an HTTP/2 PING every KEEPALIVE_TIME, which is a write: the connection is then not idle but the “data in flight” case; see that case's time.",
        )),
        reading_note: Some((
            "这里只画了 TCP 这一层，而且是对端窗口已经关上、数据在排队的情形：这时 C-core 在 connect() 之前设的 TCP_USER_TIMEOUT 起作用，从第一个零窗口探测算起满这个时长，内核就放弃连接（Linux 5.11 起），下一次写返回 ETIMEDOUT。gRPC 的 HTTP/2 流量控制也可能在对端 TCP 窗口关上之前就让它停止写；那样就没有等待确认的数据，TCP_USER_TIMEOUT 无从计时。两种情况下，进程（连同其中的 gRPC）什么都不读的对端都不会回应 gRPC 的 HTTP/2 PING；按 doc/keepalive.md，PING 超过 KEEPALIVE_TIMEOUT（默认 20 秒）没有确认，gRPC 就关闭连接。这一层这里没有模拟。",
            "Only TCP is drawn here, and with the peer's window closed and data queued: then the TCP_USER_TIMEOUT C-core sets before connect() ends it, that long after the first zero-window probe (Linux 5.11+), and the next write fails with ETIMEDOUT. gRPC's HTTP/2 flow control may stop its writes before the peer's TCP window closes; then nothing waits for an acknowledgement and TCP_USER_TIMEOUT has nothing to time. Either way, a peer whose process (its gRPC included) reads nothing does not answer gRPC's HTTP/2 PING, and per doc/keepalive.md gRPC closes the connection when a PING goes unacknowledged for KEEPALIVE_TIMEOUT (20 s by default). That layer is not simulated here.",
        )),
    },
    Preset {
        id: "grpc-go",
        name: ("grpc-go 客户端（开启 keepalive）", "grpc-go client (keepalive enabled)"),
        set: &[("idle", "so_keepalive", 1), ("idle", "user_timeout", 20000), ("data", "user_timeout", 20000), ("reading", "so_keepalive", 1), ("reading", "user_timeout", 20000)],
        versions: (
            "TCP_USER_TIMEOUT：客户端 1.17 起；SO_KEEPALIVE 用系统默认值：1.60 起（#6834）",
            "TCP_USER_TIMEOUT: client since 1.17; SO_KEEPALIVE with the OS defaults: since 1.60 (#6834)",
        ),
        sources: &[GRPC_A18, GRPC_GO_CLIENT, GRPC_GO_KA, GRPC_GO_6834, GRPC_GO_6321],
        note: (
            "grpc-go 客户端拨号用 NetDialerWithTCPKeepalive：打开 SO_KEEPALIVE，空闲时间、间隔和次数用系统的 7200/75/9（1.60 起）。开启 keepalive 时，连接建立之后把 TCP_USER_TIMEOUT 设成 KEEPALIVE_TIMEOUT（默认 20 秒），所以它管不到 connect()。PING 在 TCP 看来就是一次写，连接在第一次超时重传之后大约 20 秒被放弃。服务端的 keepalive 默认开启（KEEPALIVE_TIME 2 小时），但使用 TLS 的服务端在 grpc-go PR #6321（2023 年，1.57）之前不设置 TCP_USER_TIMEOUT。",
            "The grpc-go client dials with NetDialerWithTCPKeepalive: SO_KEEPALIVE on, with the system's idle, interval and count, 7200/75/9 (1.60+). With keepalive enabled it sets TCP_USER_TIMEOUT to KEEPALIVE_TIMEOUT (20 s by default) once the connection is up, so it does not bound connect(). To TCP a PING is a write: the connection is dropped about 20 s after the first timeout retransmission. A server's keepalive is on by default (KEEPALIVE_TIME 2 hours), but servers using TLS set no TCP_USER_TIMEOUT before grpc-go PR #6321 (2023, 1.57).",
        ),
        verified: None,
        idle_note: None,
        reading_note: Some((
            "这里只画了 TCP 这一层，而且是对端窗口已经关上、数据在排队的情形：这时 grpc-go 在连接建立后设的 TCP_USER_TIMEOUT 起作用，从第一个零窗口探测算起满这个时长，内核就放弃连接（Linux 5.11 起）；它打开的 SO_KEEPALIVE 不发探测，有数据排队时保活定时器到期只会重新定时。gRPC 的 HTTP/2 流量控制也可能在对端 TCP 窗口关上之前就让它停止写；那样就没有等待确认的数据，TCP_USER_TIMEOUT 无从计时。两种情况下，进程（连同其中的 gRPC）什么都不读的对端都不会回应 HTTP/2 PING；客户端发出 PING 后在 keepalive 的 Timeout（默认 20 秒）内什么也没收到，grpc-go 就关闭连接。这一层这里没有模拟。",
            "Only TCP is drawn here, and with the peer's window closed and data queued: then the TCP_USER_TIMEOUT grpc-go sets once connected ends it, that long after the first zero-window probe (Linux 5.11+); the SO_KEEPALIVE it turns on sends nothing, as the keepalive timer only re-arms itself while data is queued. gRPC's HTTP/2 flow control may stop its writes before the peer's TCP window closes; then nothing waits for an acknowledgement and TCP_USER_TIMEOUT has nothing to time. Either way, a peer whose process (its gRPC included) reads nothing does not answer the HTTP/2 PING, and grpc-go closes the connection when nothing arrives within the keepalive Timeout (20 s by default) after a PING. That layer is not simulated here.",
        )),
    },
];

/// The preset ids, for a message.
pub fn ids() -> String {
    PRESETS.iter().map(|p| p.id).collect::<Vec<_>>().join(", ")
}

pub fn find(id: &str) -> Result<&'static Preset, String> {
    PRESETS
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| format!("unknown preset '{id}'; presets: {}", ids()))
}

/// `--set` assignments that give `scenario` the preset's values, for
/// `tcpsim run --preset ID`. In the idle case a TCP_USER_TIMEOUT that
/// outlasts TCP_KEEPCNT's give-up needs a longer watch (observe_s), as the
/// explorer sends it (`simParams` in web/explorer.js).
pub fn assignments(id: &str, scenario: &str) -> Result<Vec<String>, String> {
    let p = find(id)?;
    let Some(case) = CASES.iter().find(|c| c.scenario == scenario) else {
        let list: Vec<_> = CASES.iter().map(|c| c.scenario).collect();
        return Err(format!(
            "a preset applies to {} only, not to '{scenario}'",
            list.join(", ")
        ));
    };
    let mut out: Vec<String> = case
        .knobs
        .iter()
        .map(|(k, _)| format!("{}={}", param_of(case.id, k), p.value(case, k)))
        .collect();
    if case.id == "idle" && p.value(case, "so_keepalive") == 1 && p.value(case, "user_timeout") > 0
    {
        // Linux's defaults (the scenario's, which --set may change after).
        let or = |v: u64, d: u64| if v == 0 { d } else { v };
        let idle = or(p.value(case, "tcp_keepidle"), 7200);
        let intvl = or(p.value(case, "tcp_keepintvl"), 75);
        let cnt = or(p.value(case, "tcp_keepcnt"), 9);
        let ut = p.value(case, "user_timeout").div_ceil(1000);
        let k = if ut > idle {
            (ut - idle).div_ceil(intvl).max(1)
        } else {
            1
        };
        if k > cnt {
            // crash_at 60 s and observe_s 60 s are the scenario's defaults.
            out.push(format!("observe_s={}", (k - cnt) * intvl + 60 + 60));
        }
    }
    Ok(out)
}

fn verified_text(p: &Preset, zh: bool) -> String {
    match &p.verified {
        Some(v) if zh => format!("由测试 {TEST}（{}）在 {} 上验证", v.stack, v.software),
        Some(v) => format!("verified by test {TEST} ({}) on {}", v.stack, v.software),
        None if zh => NOT_VERIFIED.0.to_string(),
        None => NOT_VERIFIED.1.to_string(),
    }
}

fn knob_name(knob: &str) -> &'static str {
    match knob {
        "so_keepalive" => "SO_KEEPALIVE",
        "tcp_keepidle" => "TCP_KEEPIDLE",
        "tcp_keepintvl" => "TCP_KEEPINTVL",
        "tcp_keepcnt" => "TCP_KEEPCNT",
        "user_timeout" => "TCP_USER_TIMEOUT",
        "tcp_retries2" => "tcp_retries2",
        "tcp_syn_retries" => "tcp_syn_retries",
        _ => "tcp_syn_linear_timeouts",
    }
}

/// The table as JSON: what the page's explorer imports, both languages.
pub fn json() -> Value {
    let list: Vec<Value> = PRESETS
        .iter()
        .map(|p| {
            let values: serde_json::Map<String, Value> = CASES
                .iter()
                .map(|c| {
                    let m: serde_json::Map<String, Value> =
                        c.knobs.iter().map(|(k, _)| (k.to_string(), json!(p.value(c, k)))).collect();
                    (c.id.to_string(), Value::Object(m))
                })
                .collect();
            json!({
                "id": p.id,
                "name": {"zh": p.name.0, "en": p.name.1},
                "values": values,
                "versions": {"zh": p.versions.0, "en": p.versions.1},
                "sources": p.sources.iter().map(|(t, h)| json!({"text": t, "href": h})).collect::<Vec<_>>(),
                "note": {"zh": p.note.0, "en": p.note.1},
                "verified": p.verified.as_ref().map(|v| json!({"test": TEST, "stack": v.stack, "software": v.software})),
                "verification": {"zh": verified_text(p, true), "en": verified_text(p, false)},
                "idleNote": p.idle_note.map(|n| json!({"zh": n.0, "en": n.1})),
                "readingNote": p.reading_note.map(|n| json!({"zh": n.0, "en": n.1})),
            })
        })
        .collect();
    Value::Array(list)
}

/// The table as text, in one language.
pub fn text(zh: bool) -> String {
    let mut out = String::new();
    for p in PRESETS {
        out.push_str(&format!(
            "{}  {}\n",
            p.id,
            if zh { p.name.0 } else { p.name.1 }
        ));
        for c in &CASES {
            let vals: Vec<String> = c
                .knobs
                .iter()
                .map(|(k, _)| format!("{} {}", knob_name(k), p.value(c, k)))
                .collect();
            out.push_str(&format!(
                "    {:<8} {}\n",
                format!("{}:", c.id),
                vals.join(", ")
            ));
        }
        let (versions, verified, sources) = if zh {
            ("版本", "验证", "来源")
        } else {
            ("versions", "verified", "sources")
        };
        out.push_str(&format!(
            "    {versions}: {}\n",
            if zh { p.versions.0 } else { p.versions.1 }
        ));
        out.push_str(&format!("    {verified}: {}\n", verified_text(p, zh)));
        for (t, h) in p.sources {
            out.push_str(&format!("    {sources}: {t} <{h}>\n"));
        }
        out.push('\n');
    }
    out.push_str(if zh {
        "0 表示不设置这个套接字选项（用对应的 sysctl）。`tcpsim run <场景> --preset ID` 用这些值运行 keepalive-peer-dead、host-crash-data-no-reboot、connect-dead-host 或 peer-hung。\n"
    } else {
        "0 means the socket option is not set (its sysctl applies). `tcpsim run <scenario> --preset ID` runs keepalive-peer-dead, host-crash-data-no-reboot, connect-dead-host or peer-hung with these values.\n"
    });
    out
}

/// `tcpsim presets [--format text|json] [--lang en|zh]`.
pub fn command(rest: &[String]) -> Result<Vec<u8>, String> {
    let mut format = None;
    let mut lang = None;
    let mut i = 0;
    while i < rest.len() {
        let arg = rest[i].as_str();
        let (flag, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg, None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            rest.get(i)
                .cloned()
                .ok_or_else(|| format!("'{flag}' needs a value ({what})"))
        };
        match flag {
            "--format" | "-f" => {
                let v = value("text, json")?;
                if format.is_some() {
                    return Err("'--format' given more than once".into());
                }
                format = Some(match v.as_str() {
                    "text" | "json" => v,
                    _ => return Err(format!("unknown format '{v}'; formats: text, json")),
                });
            }
            "--lang" | "-l" => {
                let v = value("en, zh")?;
                if lang.is_some() {
                    return Err("'--lang' given more than once".into());
                }
                lang = Some(match v.as_str() {
                    "en" | "zh" => v,
                    _ => return Err(format!("unknown language '{v}'; languages: en, zh")),
                });
            }
            _ => {
                return Err(format!(
                    "unexpected argument '{arg}' after 'presets'; options: --format {{text|json}}, --lang {{en|zh}}"
                ))
            }
        }
        i += 1;
    }
    Ok(match format.as_deref() {
        Some("json") => {
            let mut s = serde_json::to_string_pretty(&json()).expect("a JSON value serializes");
            s.push('\n');
            s.into_bytes()
        }
        _ => text(lang.as_deref() == Some("zh")).into_bytes(),
    })
}
