// What the "detect it faster" explorer knows that the simulator does not:
// the three cases, the settings a reader can change, and the presets (the
// documented defaults of common stacks), each with its sources. Every
// preset value here is quoted, with its source, in /work/notes/presets.md
// at the time of writing and listed in the README ("Detect it faster:
// presets and their sources"); what a source does not say is left at the
// system's default and said so in the preset's note.
//
// Imported by explorer.js only (a chunk of its own): nothing here may be
// imported by app.js, or it would become part of the first load.

// The case: what the connection was doing when the peer's host died, the
// scenario that draws it, and whose socket is "yours" in that diagram.
export const CASES = {
  idle: {
    scenario: "keepalive-peer-dead",
    you: "server",
    knobs: ["so_keepalive", "tcp_keepidle", "tcp_keepintvl", "tcp_keepcnt", "user_timeout"],
  },
  data: {
    scenario: "host-crash-data-no-reboot",
    you: "server",
    knobs: ["user_timeout", "tcp_retries2"],
  },
  connect: {
    scenario: "connect-dead-host",
    you: "client",
    knobs: ["user_timeout", "tcp_syn_retries", "tcp_syn_linear_timeouts"],
  },
};
export const CASE_ORDER = ["idle", "data", "connect"];

// The settings. `name` is what the reader sets (a socket option or a
// sysctl); `sysctl` names the system-wide value a socket option falls back
// to when it is 0 (not set).
export const KNOBS = {
  so_keepalive: { name: "SO_KEEPALIVE", kind: "bool", level: "socket" },
  tcp_keepidle: { name: "TCP_KEEPIDLE", unit: "s", level: "socket", sysctl: "tcp_keepalive_time" },
  tcp_keepintvl: { name: "TCP_KEEPINTVL", unit: "s", level: "socket", sysctl: "tcp_keepalive_intvl" },
  tcp_keepcnt: { name: "TCP_KEEPCNT", unit: "count", level: "socket", sysctl: "tcp_keepalive_probes" },
  user_timeout: { name: "TCP_USER_TIMEOUT", unit: "ms", level: "socket" },
  tcp_retries2: { name: "net.ipv4.tcp_retries2", unit: "count", level: "sysctl" },
  tcp_syn_retries: { name: "net.ipv4.tcp_syn_retries", unit: "count", level: "sysctl" },
  tcp_syn_linear_timeouts: { name: "net.ipv4.tcp_syn_linear_timeouts", unit: "count", level: "sysctl" },
};

// The simulator's parameter for a setting in a case: TCP_USER_TIMEOUT is on
// the server's socket in the first two scenarios, on the client's when
// connecting.
export function paramOf(caseId, knob) {
  if (knob === "user_timeout") return caseId === "connect" ? "client_tcp_user_timeout" : "tcp_user_timeout";
  return knob;
}

// Linux: every socket option unset (0 = the sysctl applies), SO_KEEPALIVE
// off (a socket's initial value), the sysctls at their defaults.
const LINUX = {
  idle: { so_keepalive: 0, tcp_keepidle: 0, tcp_keepintvl: 0, tcp_keepcnt: 0, user_timeout: 0 },
  data: { user_timeout: 0, tcp_retries2: 15 },
  connect: { user_timeout: 0, tcp_syn_retries: 6, tcp_syn_linear_timeouts: 4 },
};

function preset(over) {
  return {
    idle: { ...LINUX.idle, ...(over.idle || {}) },
    data: { ...LINUX.data, ...(over.data || {}) },
    connect: { ...LINUX.connect, ...(over.connect || {}) },
  };
}

const GO_DIAL = "https://github.com/golang/go/blob/0052a0f6810582a6e70f6aae542f42ed7a3d6b4b/src/net/dial.go";
const LIBPQ_SGML = "https://github.com/postgres/postgres/blob/00298ad9d8c9da42f338ecd0c6b3a7b737d387ee/doc/src/sgml/libpq.sgml";
const LIBPQ_UT = "https://www.mail-archive.com/pgsql-hackers%40lists.postgresql.org/msg36602/TCP_interface_v20.patch";
const REDIS_CONF = "https://github.com/redis/redis/blob/001730cb96564d4f78d7672a26e78d43b8877e78/redis.conf";
const NODE_DOC = "https://nodejs.org/api/net.html#socketsetkeepaliveenable-initialdelay";
const NODE_COMMIT = "https://github.com/nodejs/node/commit/ba117c2c6f";
const LIBUV_TCP = "https://github.com/libuv/libuv/blob/6179e7af87413396d5853a1c3722c8b5749336c8/src/unix/tcp.c";
const JAVA_KA = "https://learn.microsoft.com/fil-ph/dotnet/api/java.net.standardsocketoptions.sokeepalive";
const JAVA_EXT = "https://docs.oracle.com/en/java/javase/11/docs/api/jdk.net/jdk/net/ExtendedSocketOptions.html";
const GRPC_A18 = "https://github.com/grpc/proposal/blob/1fd061ad8e7c46422b326e5a60cf68d042476205/A18-tcp-user-timeout.md";
const GRPC_KA = "https://github.com/grpc/grpc/blob/0c28a024e223c41c3848b598bba707ca80c5901a/doc/keepalive.md";
const GRPC_GO = "https://github.com/grpc/grpc-go/blob/4793ad0474669eafbd5346c8a3d098fdfa542498/internal/transport/http2_client.go";

// Each preset: its name, the values it gives each case, its sources (shown
// next to it) and a note in each language: what it sets, and what the
// sources do not say.
export const PRESETS = [
  {
    id: "linux",
    name: { zh: "Linux 默认值", en: "Linux defaults" },
    values: preset({}),
    sources: [
      { text: "ip-sysctl", href: "https://docs.kernel.org/networking/ip-sysctl.html" },
      { text: "include/net/tcp.h", href: "https://github.com/torvalds/linux/blob/master/include/net/tcp.h" },
    ],
    note: {
      zh: "套接字默认不开 SO_KEEPALIVE；保活开了以后用 tcp_keepalive_time 7200 秒、tcp_keepalive_intvl 75 秒、tcp_keepalive_probes 9；TCP_USER_TIMEOUT 为 0（不设置）；tcp_retries2 15；tcp_syn_retries 6、tcp_syn_linear_timeouts 4（Linux 6.5 起）。",
      en: "A socket starts with SO_KEEPALIVE off; once it is on, tcp_keepalive_time 7200 s, tcp_keepalive_intvl 75 s, tcp_keepalive_probes 9 apply; TCP_USER_TIMEOUT 0 (not set); tcp_retries2 15; tcp_syn_retries 6, tcp_syn_linear_timeouts 4 (Linux 6.5+).",
    },
  },
  {
    id: "go",
    name: { zh: "Go 1.23+ net.Dialer（默认）", en: "Go 1.23+ net.Dialer (defaults)" },
    values: preset({ idle: { so_keepalive: 1, tcp_keepidle: 15, tcp_keepintvl: 15, tcp_keepcnt: 9 } }),
    sources: [
      { text: "src/net/dial.go", href: GO_DIAL },
      { text: "go.dev/issue/62254", href: "https://go.dev/issue/62254" },
      { text: "go.dev/issue/73386", href: "https://github.com/golang/go/issues/73386" },
    ],
    note: {
      zh: "net.Dialer 默认开启保活：KeepAliveConfig 的 Idle、Interval 为 0 时取 15 秒，Count 为 0 时取 9（Go 1.23 起）。Go 1.23 之前只有 Dialer.KeepAlive 一个字段，文档写的默认值是 15 秒，实际作为空闲时间传下去（issue 73386）；引入 KeepAliveConfig 的提案说 Idle 和 Interval 沿用当时的 15 秒，Count 取 Linux 默认的 9。Go 不设置 TCP_USER_TIMEOUT，tcp_retries2 和建连参数都是系统的。这些默认值是 Dialer 的（主动连接）；net.ListenConfig 接受的连接，资料里没有单独写明。",
      en: "net.Dialer turns keepalive on: KeepAliveConfig's Idle and Interval of 0 mean 15 s, a Count of 0 means 9 (Go 1.23+). Before Go 1.23 there was only Dialer.KeepAlive, documented with a 15 s default and passed down as the idle time (issue 73386); the proposal that added KeepAliveConfig kept the then-current 15 s for Idle and Interval and took Linux's 9 for Count. Go does not set TCP_USER_TIMEOUT; tcp_retries2 and the connect settings are the system's. These are the Dialer's defaults (connections you make); for connections a net.ListenConfig accepts the sources quote nothing separately.",
    },
  },
  {
    id: "libpq",
    name: { zh: "PostgreSQL libpq（默认）", en: "PostgreSQL libpq (defaults)" },
    values: preset({ idle: { so_keepalive: 1 } }),
    sources: [
      { text: "libpq.sgml", href: LIBPQ_SGML },
      { text: "tcp_user_timeout patch (v20)", href: LIBPQ_UT },
    ],
    note: {
      zh: "keepalives 默认为 1（开启）；keepalives_idle、keepalives_interval、keepalives_count 为 0 表示用系统默认值；tcp_user_timeout（PostgreSQL 12 起，单位毫秒）为 0 同样表示系统默认。所以除了打开保活，一切都是系统的：空闲连接 2 小时 11 分才发现，有数据在途时一刻钟以上。这几个参数可以写进连接串。",
      en: "keepalives defaults to 1 (on); keepalives_idle, keepalives_interval and keepalives_count of 0 use the system default; tcp_user_timeout (PostgreSQL 12+, in milliseconds) of 0 uses the system default too. So apart from turning keepalive on, everything is the system's: 2 h 11 min on an idle connection, over a quarter of an hour with data in flight. All four can go in the connection string.",
    },
  },
  {
    id: "redis",
    name: { zh: "Redis 服务端 tcp-keepalive 300", en: "Redis server, tcp-keepalive 300" },
    values: preset({ idle: { so_keepalive: 1, tcp_keepidle: 300 } }),
    sources: [{ text: "redis.conf", href: REDIS_CONF }],
    note: {
      zh: "Redis 3.2.1 起默认 tcp-keepalive 300，作用在 Redis 服务端与客户端之间的连接上，保护的是服务端，不是你的客户端。redis.conf 只写了“在 Linux 上这个值（秒）是发送 ACK 的周期，关闭连接需要两倍的时间”；Redis 把探测间隔和次数设成多少，资料里没有核实（有衍生代码写的是间隔取该值的三分之一、探测 3 次）。这里只设 TCP_KEEPIDLE = 300，间隔和次数用系统默认值，所以图上的时间比 Redis 实际的长。",
      en: "Redis 3.2.1+ defaults to tcp-keepalive 300, on the Redis server's connections to its clients: it protects the server, not your client. redis.conf only says “On Linux, the specified value (in seconds) is the period used to send ACKs. Note that to close the connection the double of the time is needed.” What interval and count Redis sets is not verified in the sources (code derived from it uses a third of the value and 3 probes). Only TCP_KEEPIDLE = 300 is set here; interval and count stay the system's, so the diagram takes longer than Redis would.",
    },
  },
  {
    id: "node",
    name: { zh: "Node.js socket.setKeepAlive(true)", en: "Node.js socket.setKeepAlive(true)" },
    values: preset({ idle: { so_keepalive: 1, tcp_keepintvl: 1, tcp_keepcnt: 10 } }),
    sources: [
      { text: "net.md: setKeepAlive", href: NODE_DOC },
      { text: "nodejs/node ba117c2", href: NODE_COMMIT },
      { text: "libuv src/unix/tcp.c", href: LIBUV_TCP },
    ],
    note: {
      zh: "Node.js 的套接字默认不开保活（keepAlive 默认 false）；这里是调用了 setKeepAlive(true) 的情形。文档写明开启保活时设置 SO_KEEPALIVE=1、TCP_KEEPIDLE=initialDelay、TCP_KEEPCNT=10、TCP_KEEPINTVL=1（v13.12.0、v12.17.0 起，来自 libuv）。initialDelay 单位是毫秒，默认 0，文档说 0 表示保持原值，也就是系统的 tcp_keepalive_time；较新的 libuv 文档又说延迟小于 1 返回 UV_EINVAL，两者怎么配合资料里没有说明，明确传一个 initialDelay 更稳妥。较新的提交给 setKeepAlive 加了 interval、count 两个参数（nodejs/node#63825），从哪个版本起资料里没有。Node.js 没有设置 TCP_USER_TIMEOUT 的选项。",
      en: "Node.js sockets start with keepalive off (keepAlive defaults to false); this is a socket after setKeepAlive(true). The docs say enabling it sets SO_KEEPALIVE=1, TCP_KEEPIDLE=initialDelay, TCP_KEEPCNT=10, TCP_KEEPINTVL=1 (since v13.12.0 and v12.17.0, from libuv). initialDelay is in milliseconds and defaults to 0, which the docs say leaves the value unchanged: the system's tcp_keepalive_time; newer libuv documents UV_EINVAL for a delay below 1, and how the two meet is not in the sources, so pass an initialDelay. A later change adds interval and count arguments to setKeepAlive (nodejs/node#63825); which release carries it is not in the sources. Node.js has no option for TCP_USER_TIMEOUT.",
    },
  },
  {
    id: "java",
    name: { zh: "Java Socket（默认）", en: "Java Socket (defaults)" },
    values: preset({}),
    sources: [
      { text: "StandardSocketOptions.SO_KEEPALIVE", href: JAVA_KA },
      { text: "jdk.net.ExtendedSocketOptions (JDK 11)", href: JAVA_EXT },
    ],
    note: {
      zh: "SO_KEEPALIVE 的初始值是 FALSE（上面的链接是 Java 文档的转载）；打开要调用 Socket.setKeepAlive(true)。JDK 11 起 jdk.net.ExtendedSocketOptions 提供 TCP_KEEPIDLE、TCP_KEEPINTERVAL、TCP_KEEPCOUNT，默认值取决于系统（文档说“通常为 2 小时”）。JDK 没有 TCP_USER_TIMEOUT 选项。",
      en: "SO_KEEPALIVE's initial value is FALSE (the link is a copy of the Java documentation); Socket.setKeepAlive(true) turns it on. From JDK 11, jdk.net.ExtendedSocketOptions has TCP_KEEPIDLE, TCP_KEEPINTERVAL and TCP_KEEPCOUNT, whose defaults are the system's (“typically 2 hours” for the idle time). The JDK has no TCP_USER_TIMEOUT option.",
    },
  },
  {
    id: "grpc",
    name: { zh: "gRPC（开启 keepalive）", en: "gRPC (keepalive enabled)" },
    values: preset({ idle: { user_timeout: 20000 }, data: { user_timeout: 20000 } }),
    idleNote: {
      zh: "这是只有 TCP 的情形。gRPC 开启 keepalive 后每隔 KEEPALIVE_TIME 发一个 HTTP/2 PING，这就是一次写：连接不再空闲，而是“有数据在途”的情形，请看那个情形的时间。",
      en: "That is TCP alone. With keepalive on, gRPC sends an HTTP/2 PING every KEEPALIVE_TIME, which is a write: the connection is then not idle but the “data in flight” case; see that case's time.",
    },
    sources: [
      { text: "gRFC A18", href: GRPC_A18 },
      { text: "grpc doc/keepalive.md", href: GRPC_KA },
      { text: "grpc-go http2_client.go", href: GRPC_GO },
    ],
    note: {
      zh: "gRPC 的 keepalive 是 HTTP/2 PING，不是 TCP 保活。按 gRFC A18，开启 keepalive（KEEPALIVE_TIME 不是无穷大）时，把 TCP_USER_TIMEOUT 设成 KEEPALIVE_TIMEOUT，默认 20 秒；服务端 KEEPALIVE_TIME 默认 2 小时，客户端默认关闭（关闭时不设 TCP_USER_TIMEOUT，一切照系统）。grpc-go 客户端 1.17 起、服务端 1.46 起这样做，而且是在连接建立之后设置的，所以管不到 connect()。PING 在 TCP 看来就是一次写：这正是“有数据在途”的情形，PING 发出 20 秒后连接被放弃。TCP 自身的 SO_KEEPALIVE 是否打开取决于各语言的套接字层，资料里没有写，这里按关闭处理。",
      en: "gRPC's keepalive is an HTTP/2 PING, not TCP keepalive. Per gRFC A18, with keepalive enabled (KEEPALIVE_TIME not infinite) TCP_USER_TIMEOUT is set to KEEPALIVE_TIMEOUT, 20 s by default; the server's KEEPALIVE_TIME defaults to 2 hours, the client's to disabled (then TCP_USER_TIMEOUT is not set and the system's defaults apply). grpc-go does so from 1.17 (client) and 1.46 (server), on the connection once it is up, so it does not bound connect(). To TCP a PING is a write: the “data in flight” case, where the connection is dropped 20 s after the PING. Whether TCP's own SO_KEEPALIVE is on depends on each language's socket layer and is not in the sources; it is off here.",
    },
  },
];
