//! tcpsim: a deterministic, event-driven TCP simulator with Linux's timers.
//!
//! Sans-IO: the simulation owns virtual time; nothing here reads a clock,
//! touches a file or prints. A run is a pure function of a scenario id and
//! its parameters: [`run`] returns a [`trace::Trace`].

pub mod capture;
mod json;
pub mod outcome;
pub mod params;
pub mod pcap;
pub mod reproduce;
pub mod scenarios;
pub mod segment;
pub mod sim;
pub mod sort;
pub mod ss;
pub mod tcb;
pub mod text;
pub mod time;
pub mod trace;
pub mod wheel;

pub use json::{catalogue_json, push_json_string};
pub use params::{Param, ParamError, ParamSpec, Params};
pub use scenarios::{defaults, run, Scenario, SCENARIOS};
pub use text::{Lang, Text};
pub use trace::Trace;

/// Errors a caller can get from the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// No scenario has this id.
    UnknownScenario { id: String },
    /// A parameter was wrong.
    Param(ParamError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::UnknownScenario { id } => {
                // (A loop, not `join`: the wasm build stays smaller.)
                write!(f, "unknown scenario '{id}'; known: ")?;
                for (i, s) in SCENARIOS.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(s.id)?;
                }
                Ok(())
            }
            Error::Param(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<ParamError> for Error {
    fn from(e: ParamError) -> Self {
        Error::Param(e)
    }
}
