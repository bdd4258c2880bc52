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

/// One parameter's description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: &'static str,
    pub unit: &'static str,
    pub min: i64,
    pub max: i64,
    /// The Linux (or simulator) default; scenarios may override it.
    pub default: i64,
    /// One line for `--help`, tooltips and the README.
    pub help: &'static str,
}

impl ParamSpec {
    /// Whether the parameter is a 0/1 switch.
    pub fn is_bool(&self) -> bool {
        self.min == 0 && self.max == 1 && self.unit == "bool"
    }
}

macro_rules! spec {
    ($name:expr, $unit:expr, $min:expr, $max:expr, $def:expr, $help:expr) => {
        ParamSpec {
            name: $name,
            unit: $unit,
            min: $min,
            max: $max,
            default: $def,
            help: $help,
        }
    };
}

/// Every parameter the simulator knows.
pub const ALL: &[ParamSpec] = &[
    spec!(
        "tcp_keepalive_time",
        "s",
        1,
        32767,
        7200,
        "idle time before the first keepalive probe (sysctl; TCP_KEEPIDLE range)"
    ),
    spec!(
        "tcp_keepalive_intvl",
        "s",
        1,
        32767,
        75,
        "time between keepalive probes (sysctl; TCP_KEEPINTVL range)"
    ),
    spec!(
        "tcp_keepalive_probes",
        "count",
        1,
        127,
        9,
        "unanswered probes before keepalive gives up (sysctl; TCP_KEEPCNT range)"
    ),
    spec!(
        "tcp_retries2",
        "count",
        1,
        50,
        15,
        "retransmission budget, turned into time by tcp_model_timeout (sysctl)"
    ),
    spec!(
        "tcp_syn_retries",
        "count",
        1,
        127,
        6,
        "SYN retransmissions before connect() fails (sysctl)"
    ),
    spec!(
        "tcp_syn_linear_timeouts",
        "count",
        0,
        127,
        4,
        "SYN retransmissions at a fixed 1 s before backoff starts (sysctl, Linux 6.17+)"
    ),
    spec!(
        "tcp_rto_min",
        "ms",
        1,
        120000,
        200,
        "lower bound of the retransmission timeout (sysctl tcp_rto_min_us, in ms here)"
    ),
    spec!(
        "tcp_rto_max",
        "ms",
        1000,
        120000,
        120000,
        "upper bound of the retransmission timeout (sysctl tcp_rto_max_ms)"
    ),
    spec!(
        "tcp_invalid_ratelimit",
        "ms",
        0,
        60000,
        500,
        "minimum gap between challenge/duplicate ACKs on one socket (sysctl)"
    ),
    spec!(
        "so_keepalive",
        "bool",
        0,
        1,
        0,
        "SO_KEEPALIVE on the server's socket"
    ),
    spec!(
        "tcp_keepidle",
        "s",
        0,
        32767,
        0,
        "TCP_KEEPIDLE socket option; 0 = use tcp_keepalive_time"
    ),
    spec!(
        "tcp_keepintvl",
        "s",
        0,
        32767,
        0,
        "TCP_KEEPINTVL socket option; 0 = use tcp_keepalive_intvl"
    ),
    spec!(
        "tcp_keepcnt",
        "count",
        0,
        127,
        0,
        "TCP_KEEPCNT socket option; 0 = use tcp_keepalive_probes"
    ),
    spec!(
        "tcp_user_timeout",
        "ms",
        0,
        2147483647,
        0,
        "TCP_USER_TIMEOUT socket option on the server; 0 = off"
    ),
    spec!(
        "rtt_ms",
        "ms",
        1,
        10000,
        20,
        "round-trip time of the link (half each way)"
    ),
    spec!(
        "loss_pct",
        "%",
        0,
        50,
        0,
        "random loss on the link, percent of segments, seeded"
    ),
    spec!(
        "seed",
        "number",
        0,
        4294967295,
        1,
        "seed for initial sequence numbers and loss"
    ),
    spec!(
        "crash_at",
        "s",
        1,
        100000,
        10,
        "when the fault happens, seconds after connect()"
    ),
    spec!(
        "send_at",
        "s",
        0,
        100000,
        5,
        "when the server writes, seconds after the fault"
    ),
    spec!(
        "send_bytes",
        "bytes",
        1,
        1448,
        100,
        "how many bytes the server writes"
    ),
    spec!(
        "reboot_s",
        "s",
        1,
        100000,
        60,
        "how long the client host takes to reboot"
    ),
    spec!(
        "reconnect_after",
        "s",
        0,
        100000,
        1,
        "how long after booting the client reconnects"
    ),
    spec!(
        "unread_data",
        "bool",
        0,
        1,
        0,
        "the server sent data the client process never read (turns FIN into RST)"
    ),
    spec!(
        "server_writes",
        "bool",
        0,
        1,
        1,
        "the server writes after the fault"
    ),
    spec!(
        "close_delay_ms",
        "ms",
        0,
        60000,
        50,
        "how long the server's process takes to close() after reading EOF (0: at once, so its ACK rides on its FIN)"
    ),
    spec!(
        "attack_at",
        "s",
        1,
        100000,
        10,
        "when the third party strikes, seconds after connect()"
    ),
    spec!(
        "observe_s",
        "s",
        1,
        1000000,
        600,
        "how long to watch after the last scripted step"
    ),
];

/// Look a parameter up by name.
pub fn spec(name: &str) -> Option<&'static ParamSpec> {
    ALL.iter().find(|s| s.name == name)
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
        spec: ParamSpec,
    },
    OutOfRange {
        name: String,
        value: i64,
        spec: ParamSpec,
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
            ParamError::Unknown { name, allowed } => write!(
                f,
                "unknown parameter '{name}' for this scenario; allowed: {}",
                allowed.join(", ")
            ),
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
    allowed: Vec<&'static ParamSpec>,
    values: BTreeMap<&'static str, i64>,
}

impl Params {
    /// The defaults for a scenario: Linux defaults, with the scenario's own
    /// overrides, limited to the parameters that scenario uses.
    pub fn new(names: &[&'static str], overrides: &[(&'static str, i64)]) -> Params {
        let mut allowed = Vec::new();
        let mut values = BTreeMap::new();
        for n in names {
            if let Some(s) = spec(n) {
                allowed.push(s);
                values.insert(s.name, s.default);
            }
        }
        for (n, v) in overrides {
            if let Some(slot) = values.get_mut(n) {
                *slot = *v;
            }
        }
        Params { allowed, values }
    }

    /// The parameters this scenario accepts, in catalogue order.
    pub fn specs(&self) -> &[&'static ParamSpec] {
        &self.allowed
    }

    /// The current value of a parameter (0 if the scenario does not use it).
    pub fn get(&self, name: &str) -> i64 {
        self.values.get(name).copied().unwrap_or(0)
    }

    /// Whether this scenario accepts the parameter.
    pub fn accepts(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Set a parameter from a number, checking name and range.
    pub fn set(&mut self, name: &str, value: i64) -> Result<(), ParamError> {
        let spec = self.spec_of(name)?;
        if value < spec.min || value > spec.max {
            return Err(ParamError::OutOfRange {
                name: name.to_string(),
                value,
                spec: *spec,
            });
        }
        self.values.insert(spec.name, value);
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
                spec: *spec,
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
        if self.accepts("tcp_rto_min")
            && self.accepts("tcp_rto_max")
            && self.get("tcp_rto_min") > self.get("tcp_rto_max")
        {
            return Err(ParamError::Conflict {
                message: format!(
                    "parameter 'tcp_rto_min' = {} ms must not exceed 'tcp_rto_max' = {} ms",
                    self.get("tcp_rto_min"),
                    self.get("tcp_rto_max")
                ),
            });
        }
        Ok(())
    }

    /// All values, by name (for the trace).
    pub fn to_map(&self) -> BTreeMap<String, i64> {
        // Inserted one by one: collect() would sort first, and that sort's
        // code is a few KB of the wasm build.
        let mut m = BTreeMap::new();
        for (k, v) in &self.values {
            m.insert(k.to_string(), *v);
        }
        m
    }

    fn spec_of(&self, name: &str) -> Result<&'static ParamSpec, ParamError> {
        self.allowed
            .iter()
            .copied()
            .find(|s| s.name == name)
            .ok_or_else(|| ParamError::Unknown {
                name: name.to_string(),
                allowed: self.allowed.iter().map(|s| s.name).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Params {
        Params::new(
            &[
                "tcp_keepalive_time",
                "tcp_keepcnt",
                "so_keepalive",
                "tcp_rto_min",
                "tcp_rto_max",
            ],
            &[("so_keepalive", 1)],
        )
    }

    #[test]
    fn defaults_and_overrides() {
        let p = p();
        assert_eq!(p.get("tcp_keepalive_time"), 7200);
        assert_eq!(p.get("so_keepalive"), 1);
        assert_eq!(p.get("tcp_retries2"), 0, "not used by this scenario");
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
        assert_eq!(p.get("so_keepalive"), 0);
        assert!(p.set_str("so_keepalive", "2").is_err());
    }
}
