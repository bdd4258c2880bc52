//! Parameters a reader can change: names, units, Linux defaults and ranges.
//!
//! Names follow Linux: sysctls keep their `net.ipv4.` names (`tcp_keepalive_time`),
//! socket options are written in lower case (`tcp_keepidle` for TCP_KEEPIDLE).
//! Every value is an integer in the unit given; ranges follow Linux where
//! Linux has one (TCP_KEEPIDLE 1..32767, TCP_KEEPCNT 1..127,
//! `tcp_rto_max_ms` 1000..120000) and otherwise are the simulator's own,
//! documented here. Nothing is clamped silently: out of range is an error.

use std::collections::BTreeMap;
use std::fmt;

use crate::text::{text, Text};

/// One parameter's description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    pub param: Param,
    /// The name readers type (Linux's spelling).
    pub name: &'static str,
    pub unit: &'static str,
    pub min: i64,
    pub max: i64,
    /// The Linux (or simulator) default; scenarios may override it.
    pub default: i64,
    /// A few words beside the input field.
    pub label: Text,
    /// One line for the CLI, tooltips and the README.
    pub help: Text,
}

impl ParamSpec {
    /// Whether the parameter is a 0/1 switch.
    pub fn is_bool(&self) -> bool {
        self.min == 0 && self.max == 1 && self.unit == "bool"
    }
}

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
        help: text!("开始指数退避之前，有几次 SYN 重传间隔固定为 1 秒（sysctl，Linux 6.5 起）", "SYN retransmissions at a fixed 1 s before backoff starts (sysctl, Linux 6.5+)"),
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

/// The number of parameters.
pub const COUNT: usize = ALL.len();

impl Param {
    /// Its description.
    pub fn spec(self) -> &'static ParamSpec {
        &ALL[self as usize]
    }

    /// Its name, as Linux spells it.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The parameter with this name, if any.
    pub fn parse(name: &str) -> Option<Param> {
        ALL.iter().find(|s| s.name == name).map(|s| s.param)
    }
}

/// Look a parameter up by name.
pub fn spec(name: &str) -> Option<&'static ParamSpec> {
    Param::parse(name).map(Param::spec)
}

/// A bad parameter: what was wrong, and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamError {
    Unknown {
        name: String,
        allowed: Vec<&'static str>,
    },
    Malformed {
        name: String,
        value: String,
        spec: &'static ParamSpec,
    },
    OutOfRange {
        name: String,
        value: i64,
        spec: &'static ParamSpec,
    },
    Conflict {
        message: String,
    },
    Syntax {
        arg: String,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::Unknown { name, allowed } => {
                write!(f, "unknown parameter '{name}' for this scenario; allowed: ")?;
                for (i, a) in allowed.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(a)?;
                }
                Ok(())
            }
            ParamError::Malformed { name, value, spec } => write!(
                f,
                "parameter '{name}': '{value}' is not a whole number; allowed range {}..={} {}",
                spec.min, spec.max, spec.unit
            ),
            ParamError::OutOfRange { name, value, spec } => write!(
                f,
                "parameter '{name}' = {value} is out of range; allowed range {}..={} {}",
                spec.min, spec.max, spec.unit
            ),
            ParamError::Conflict { message } => write!(f, "{message}"),
            ParamError::Syntax { arg } => {
                write!(f, "'{arg}' is not of the form NAME=VALUE")
            }
        }
    }
}

impl std::error::Error for ParamError {}

/// Effective parameter values for one scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// The parameters the scenario takes, in catalogue order.
    taken: Vec<&'static ParamSpec>,
    /// Every parameter's value (the default for those not taken).
    values: [i64; COUNT],
}

impl Params {
    /// The defaults for a scenario: Linux defaults, with the scenario's own
    /// overrides, for the parameters that scenario takes.
    pub fn new(taken: &[Param], overrides: &[(Param, i64)]) -> Params {
        let mut values = [0; COUNT];
        for s in ALL {
            values[s.param as usize] = s.default;
        }
        for (p, v) in overrides {
            values[*p as usize] = *v;
        }
        Params {
            taken: taken.iter().map(|p| p.spec()).collect(),
            values,
        }
    }

    /// The parameters this scenario takes, in catalogue order.
    pub fn specs(&self) -> &[&'static ParamSpec] {
        &self.taken
    }

    /// The value of a parameter the scenario takes. Debug builds (every
    /// test) check that it does: a script reading a parameter it does not
    /// declare is a bug, and would otherwise read a default no reader can
    /// change.
    pub fn get(&self, p: Param) -> i64 {
        debug_assert!(self.accepts(p), "the scenario does not take {}", p.name());
        self.values[p as usize]
    }

    /// The value of a parameter, or its default where the scenario does not
    /// take it: a kernel setting nobody changed has Linux's value.
    pub fn get_or_default(&self, p: Param) -> i64 {
        self.values[p as usize]
    }

    /// Whether this scenario takes the parameter.
    pub fn accepts(&self, p: Param) -> bool {
        self.taken.iter().any(|s| s.param == p)
    }

    /// The current value of a parameter named from outside, if the scenario
    /// takes it.
    pub fn value(&self, name: &str) -> Option<i64> {
        self.spec_of(name)
            .ok()
            .map(|s| self.values[s.param as usize])
    }

    /// Set a parameter from a number, checking name and range.
    pub fn set(&mut self, name: &str, value: i64) -> Result<(), ParamError> {
        let spec = self.spec_of(name)?;
        if value < spec.min || value > spec.max {
            return Err(ParamError::OutOfRange {
                name: name.to_string(),
                value,
                spec,
            });
        }
        self.values[spec.param as usize] = value;
        Ok(())
    }

    /// Set a parameter from text (a CLI flag, a URL, a form field).
    /// Accepts a decimal integer; `true`/`false`/`on`/`off` for switches.
    pub fn set_str(&mut self, name: &str, value: &str) -> Result<(), ParamError> {
        let spec = self.spec_of(name)?;
        let v = value.trim();
        let parsed = if spec.is_bool() {
            match v {
                "1" | "true" | "on" | "yes" => Some(1),
                "0" | "false" | "off" | "no" => Some(0),
                _ => None,
            }
        } else {
            v.parse::<i64>().ok()
        };
        match parsed {
            Some(n) => self.set(name, n),
            None => Err(ParamError::Malformed {
                name: name.to_string(),
                value: value.to_string(),
                spec,
            }),
        }
    }

    /// Apply `NAME=VALUE`.
    pub fn apply_assignment(&mut self, arg: &str) -> Result<(), ParamError> {
        match arg.split_once('=') {
            Some((n, v)) if !n.trim().is_empty() => self.set_str(n.trim(), v),
            _ => Err(ParamError::Syntax {
                arg: arg.to_string(),
            }),
        }
    }

    /// Checks that involve more than one parameter.
    pub fn validate(&self) -> Result<(), ParamError> {
        let (lo, hi) = (Param::TcpRtoMin, Param::TcpRtoMax);
        if self.accepts(lo) && self.accepts(hi) && self.get(lo) > self.get(hi) {
            return Err(ParamError::Conflict {
                message: format!(
                    "parameter 'tcp_rto_min' = {} ms must not exceed 'tcp_rto_max' = {} ms",
                    self.get(lo),
                    self.get(hi)
                ),
            });
        }
        Ok(())
    }

    /// The values of the parameters taken, by name (for the trace).
    pub fn to_map(&self) -> BTreeMap<String, i64> {
        // Inserted one by one: collect() would sort first, and that sort's
        // code is a few KB of the wasm build.
        let mut m = BTreeMap::new();
        for s in &self.taken {
            m.insert(s.name.to_string(), self.values[s.param as usize]);
        }
        m
    }

    fn spec_of(&self, name: &str) -> Result<&'static ParamSpec, ParamError> {
        self.taken
            .iter()
            .copied()
            .find(|s| s.name == name)
            .ok_or_else(|| ParamError::Unknown {
                name: name.to_string(),
                allowed: self.taken.iter().map(|s| s.name).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Params {
        Params::new(
            &[
                Param::TcpKeepaliveTime,
                Param::TcpKeepcnt,
                Param::SoKeepalive,
                Param::TcpRtoMin,
                Param::TcpRtoMax,
            ],
            &[(Param::SoKeepalive, 1)],
        )
    }

    #[test]
    fn the_catalogue_is_in_enum_order_with_unique_names_and_both_languages() {
        for (i, s) in ALL.iter().enumerate() {
            assert_eq!(s.param as usize, i);
            assert_eq!(Param::parse(s.name), Some(s.param));
            assert!(s.min <= s.default && s.default <= s.max, "{}", s.name);
            for t in [s.label, s.help] {
                assert!(
                    !t.zh.trim().is_empty() && !t.en.trim().is_empty(),
                    "{}",
                    s.name
                );
            }
        }
        assert_eq!(Param::parse("tcp_keepalive_tim"), None);
    }

    #[test]
    fn defaults_and_overrides() {
        let p = p();
        assert_eq!(p.get(Param::TcpKeepaliveTime), 7200);
        assert_eq!(p.get(Param::SoKeepalive), 1);
        assert!(!p.accepts(Param::TcpRetries2));
        assert_eq!(
            p.get_or_default(Param::TcpRetries2),
            15,
            "a kernel setting the scenario does not take keeps Linux's default"
        );
        assert_eq!(p.value("tcp_retries2"), None);
        assert_eq!(p.value("so_keepalive"), Some(1));
        let map = p.to_map();
        let names: Vec<&str> = map.keys().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "so_keepalive",
                "tcp_keepalive_time",
                "tcp_keepcnt",
                "tcp_rto_max",
                "tcp_rto_min"
            ]
        );
    }

    #[test]
    #[should_panic(expected = "does not take tcp_retries2")]
    fn reading_a_parameter_the_scenario_does_not_take_is_caught_in_tests() {
        p().get(Param::TcpRetries2);
    }

    #[test]
    fn errors_name_the_parameter_and_range() {
        let mut p = p();
        let e = p.set_str("tcp_keepcnt", "128").unwrap_err().to_string();
        assert!(e.contains("tcp_keepcnt") && e.contains("0..=127"), "{e}");
        let e = p
            .set_str("tcp_keepalive_time", "2h")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("tcp_keepalive_time") && e.contains("1..=32767"),
            "{e}"
        );
        let e = p.set_str("tcp_retries2", "3").unwrap_err().to_string();
        assert!(e.contains("unknown parameter 'tcp_retries2'"), "{e}");
        let e = p.apply_assignment("=3").unwrap_err().to_string();
        assert!(e.contains("NAME=VALUE"), "{e}");
        p.set("tcp_rto_min", 5000).unwrap();
        p.set("tcp_rto_max", 1000).unwrap();
        assert!(p
            .validate()
            .unwrap_err()
            .to_string()
            .contains("tcp_rto_min"));
    }

    #[test]
    fn switches_take_words() {
        let mut p = p();
        p.set_str("so_keepalive", "off").unwrap();
        assert_eq!(p.get(Param::SoKeepalive), 0);
        assert!(p.set_str("so_keepalive", "2").is_err());
    }
}
