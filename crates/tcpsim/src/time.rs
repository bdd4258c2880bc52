//! Virtual time. The simulation owns the clock: an instant is a count of
//! microseconds since the start of the run, passed around as a value and
//! never read from the host.

/// Microseconds since the start of the run.
pub type Instant = u64;

/// One millisecond, in microseconds.
pub const MS: u64 = 1_000;
/// One second, in microseconds.
pub const SEC: u64 = 1_000_000;

/// Linux's `HZ` on the kernels we compare with (Debian: CONFIG_HZ=250).
/// Timers that Linux expresses in jiffies are rounded to this grain.
pub const HZ: u64 = 250;
/// One jiffy, in microseconds.
pub const JIFFY: u64 = SEC / HZ;

/// Linux `usecs_to_jiffies`, back in microseconds: round up to whole jiffies.
pub fn round_up_to_jiffies(us: u64) -> u64 {
    us.div_ceil(JIFFY) * JIFFY
}

/// Seconds as `f64`, for the trace.
pub fn secs(t: Instant) -> f64 {
    t as f64 / SEC as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jiffies_round_up() {
        assert_eq!(JIFFY, 4_000);
        assert_eq!(round_up_to_jiffies(0), 0);
        assert_eq!(round_up_to_jiffies(1), 4_000);
        assert_eq!(round_up_to_jiffies(220_000), 220_000);
        assert_eq!(round_up_to_jiffies(220_001), 224_000);
        assert_eq!(secs(1_500_000), 1.5);
    }
}
