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

use crate::text::Text;

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

mod catalogue;
pub use catalogue::{Param, ALL};

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
    /// `tcp_rto_min` above `tcp_rto_max` ([`Params::validate`]).
    RtoMinAboveMax {
        min: i64,
        max: i64,
    },
    /// `read_bytes` set while the client never reads: `read_every_ms` and
    /// `resume_at` both 0 ([`Params::validate`]).
    ReadBytesWithoutReader {
        read_bytes: i64,
    },
    /// Not a reader's input: parameters made for another scenario, or
    /// handed over in a shape that is not names and values.
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
            ParamError::RtoMinAboveMax { min, max } => write!(
                f,
                "parameter 'tcp_rto_min' = {min} ms must not exceed 'tcp_rto_max' = {max} ms"
            ),
            ParamError::ReadBytesWithoutReader { read_bytes } => write!(
                f,
                "parameter 'read_bytes' = {read_bytes} sets the size of the client's recv(), but the client never reads: \
                 'read_every_ms' and 'resume_at' are both 0; set 'read_every_ms' (a reader at a steady rate) \
                 or 'resume_at' (when the client reads again), or leave 'read_bytes' at 0"
            ),
            ParamError::Conflict { message } => write!(f, "{message}"),
            ParamError::Syntax { arg } => {
                write!(f, "'{arg}' is not of the form NAME=VALUE")
            }
        }
    }
}

impl std::error::Error for ParamError {}

impl ParamError {
    /// For a rule between parameters ([`Params::validate`]): its name and
    /// the parameter a form marks for it (the first its message names). A
    /// caller that words errors itself (the page, in two languages) says it
    /// from these, not from the English message.
    pub fn rule(&self) -> Option<(&'static str, &'static str)> {
        match self {
            ParamError::RtoMinAboveMax { .. } => Some(("rto_min_above_max", "tcp_rto_min")),
            ParamError::ReadBytesWithoutReader { .. } => {
                Some(("read_bytes_without_reader", "read_bytes"))
            }
            _ => None,
        }
    }
}

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
            return Err(ParamError::RtoMinAboveMax {
                min: self.get(lo),
                max: self.get(hi),
            });
        }
        // read_bytes is the size of the client's recv(); the client reads
        // only as a steady reader (read_every_ms) or from resume_at. Without
        // either it never calls recv(), and read_bytes would change nothing.
        // Only peer-hung takes them, a windowed scenario: the page's
        // first-load wasm (built without `windowed`) leaves the check out.
        #[cfg(feature = "windowed")]
        self.validate_reader()?;
        Ok(())
    }

    /// See [`Params::validate`]: read_bytes needs a reader.
    #[cfg(feature = "windowed")]
    fn validate_reader(&self) -> Result<(), ParamError> {
        let (rb, every, resume) = (Param::ReadBytes, Param::ReadEveryMs, Param::ResumeAt);
        let set = |p: Param| self.accepts(p) && self.get(p) > 0;
        if set(rb) && !set(every) && !set(resume) {
            return Err(ParamError::ReadBytesWithoutReader {
                read_bytes: self.get(rb),
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
        let e = p.validate().unwrap_err();
        assert_eq!(
            e.to_string(),
            "parameter 'tcp_rto_min' = 5000 ms must not exceed 'tcp_rto_max' = 1000 ms"
        );
        // The rule is named, with the field a form marks for it.
        assert_eq!(e.rule(), Some(("rto_min_above_max", "tcp_rto_min")));
    }

    #[test]
    #[cfg(feature = "windowed")]
    fn read_bytes_without_a_reader_is_refused_with_what_would_make_it_read() {
        let mut p = Params::new(
            &[Param::ResumeAt, Param::ReadBytes, Param::ReadEveryMs],
            &[],
        );
        assert!(p.validate().is_ok());
        p.set("read_bytes", 1).unwrap();
        let e = p.validate().unwrap_err();
        assert!(
            matches!(e, ParamError::ReadBytesWithoutReader { read_bytes: 1 }),
            "{e:?}"
        );
        assert_eq!(e.rule(), Some(("read_bytes_without_reader", "read_bytes")));
        let e = e.to_string();
        for word in [
            "'read_bytes' = 1",
            "never reads",
            "'read_every_ms'",
            "'resume_at'",
        ] {
            assert!(e.contains(word), "{word}: {e}");
        }
        // Either reader makes it mean something.
        p.set("read_every_ms", 50).unwrap();
        assert!(p.validate().is_ok());
        p.set("read_every_ms", 0).unwrap();
        p.set("resume_at", 6).unwrap();
        assert!(p.validate().is_ok());
        // A reader without read_bytes (0: all that is there) is fine.
        p.set("read_bytes", 0).unwrap();
        p.set("resume_at", 0).unwrap();
        assert!(p.validate().is_ok());
    }

    #[test]
    fn switches_take_words() {
        let mut p = p();
        p.set_str("so_keepalive", "off").unwrap();
        assert_eq!(p.get(Param::SoKeepalive), 0);
        assert!(p.set_str("so_keepalive", "2").is_err());
    }
}
