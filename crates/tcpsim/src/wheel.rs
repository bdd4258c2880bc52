//! Linux's timer wheel: when a timer armed for `expires` actually fires.
//!
//! TCP's timers (retransmission and loss probe, keepalive, delayed ACK,
//! TIME_WAIT) are wheel timers (`sk_reset_timer` -> `mod_timer`). The wheel
//! (kernel/time/timer.c since 4.8) files a timer in a bucket of a level
//! chosen by how far away it is, and a level's buckets are coarser the
//! farther out it looks: 1 jiffy wide for timers due within 63 jiffies,
//! 8 for the next level, then 64, 512, ... (`LVL_CLK_SHIFT` 3, `LVL_BITS`
//! 6). `calc_index` rounds the expiry *up* to the next bucket boundary of
//! its level, so that a timer never fires early:
//!
//! ```c
//! expires = (expires >> LVL_SHIFT(lvl)) + 1;
//! *bucket_expiry = expires << LVL_SHIFT(lvl);
//! ```
//!
//! and the timer runs at the tick when jiffies reaches `bucket_expiry`. At
//! HZ = 250 (one jiffy = 4 ms) a 200 ms timer fires 4 ms late at most; a
//! 75 s or 120 s one (level 3, 512 jiffies = 2.048 s buckets) up to 2.048 s
//! late; a 7200 s keepalive (level 5, 131.072 s buckets) up to 131 s late.
//! How late exactly depends on the value of jiffies when the timer is armed:
//! the simulation starts the clock at a jiffies value and a point inside a
//! tick drawn from its seed (`Wheel::from_seed`).

use crate::time::{Instant, JIFFY};

/// `LVL_CLK_SHIFT`: each level is 8 times coarser than the one below.
const LVL_CLK_SHIFT: u32 = 3;
/// `LVL_SIZE`: 64 buckets per level.
const LVL_SIZE: u64 = 64;
/// `LVL_DEPTH` for HZ > 100.
const LVL_DEPTH: u32 = 9;

/// `LVL_START(n)`: the first delta (in jiffies) that level `n` holds.
const fn lvl_start(n: u32) -> u64 {
    (LVL_SIZE - 1) << ((n - 1) * LVL_CLK_SHIFT)
}

/// `WHEEL_TIMEOUT_CUTOFF` and `WHEEL_TIMEOUT_MAX`: a timer farther out is
/// filed at the wheel's horizon.
const WHEEL_TIMEOUT_CUTOFF: u64 = lvl_start(LVL_DEPTH);
const WHEEL_TIMEOUT_MAX: u64 = WHEEL_TIMEOUT_CUTOFF - (1 << ((LVL_DEPTH - 1) * LVL_CLK_SHIFT));

/// The level `calc_wheel_index` files a timer `delta` jiffies away in.
pub fn level(delta: u64) -> u32 {
    (1..LVL_DEPTH)
        .find(|&n| delta < lvl_start(n))
        .map_or(LVL_DEPTH - 1, |n| n - 1)
}

/// A level's bucket width, in jiffies (`LVL_GRAN`).
pub fn granularity(lvl: u32) -> u64 {
    1 << (lvl * LVL_CLK_SHIFT)
}

/// `calc_wheel_index`'s `bucket_expiry`: the jiffy at which a timer armed
/// at jiffy `clk` for jiffy `expires` runs.
pub fn bucket_expiry(expires: u64, clk: u64) -> u64 {
    let mut expires = expires.max(clk);
    let delta = expires - clk;
    if delta >= WHEEL_TIMEOUT_CUTOFF {
        expires = clk + WHEEL_TIMEOUT_MAX;
    }
    let shift = level(expires - clk) * LVL_CLK_SHIFT;
    ((expires >> shift) + 1) << shift
}

/// The most a timer armed for `delay` fires late: its level's bucket, plus
/// the part of a tick it was armed in.
pub fn max_late(delay: u64) -> u64 {
    (granularity(level(delay.div_ceil(JIFFY))) + 1) * JIFFY
}

/// The most a chain of `timers` wheel timers, each armed when the one
/// before it fired and together spanning `span`, can fire late in total
/// (the retransmissions or keepalive probes that lead to an error). Each
/// one is late by [`max_late`] of its own delay at most, and that is under
/// 8/63 of the delay plus two ticks: a level `n >= 1` holds delays from
/// `LVL_START(n)` = 63 << 3(n-1) jiffies and its buckets are 8^n wide (at
/// level 0, two ticks). The sum of [`max_late`] over the chain can exceed
/// `max_late(span)` (two timers at the start of a level are each late by a
/// whole bucket of it), so the whole span's bucket is no bound.
pub fn max_late_chain(span: u64, timers: u64) -> u64 {
    span.saturating_mul(8)
        .div_ceil(63)
        .saturating_add(timers.saturating_mul(2 * JIFFY))
}

/// Where the run's clock sits on the kernel's: jiffies at the start of the
/// run, and how far into that tick the run starts (microseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wheel {
    pub jiffies0: u64,
    pub into_tick: u64,
}

impl Wheel {
    /// A phase drawn from the run's seed (kept apart from the generator of
    /// ISNs and loss, which it leaves untouched).
    pub fn from_seed(seed: u64) -> Wheel {
        let mut z = seed ^ 0x7469_6d65_7277_6865; // "timerwhe"
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Wheel {
            // A jiffies value somewhere in a day of uptime (any value
            // works: only its alignment with bucket boundaries matters).
            jiffies0: (z >> 20) % (86_400 * crate::time::HZ),
            into_tick: (z & 0xFFFF) % JIFFY,
        }
    }

    /// jiffies at instant `t` of the run.
    pub fn jiffies(&self, t: Instant) -> u64 {
        self.jiffies0 + (t + self.into_tick) / JIFFY
    }

    /// The instant jiffies becomes `j` (the tick that starts jiffy `j`).
    pub fn tick(&self, j: u64) -> Instant {
        ((j - self.jiffies0) * JIFFY).saturating_sub(self.into_tick)
    }

    /// When a timer armed at `now` to expire `delay` later fires: the delay
    /// in whole jiffies (Linux keeps these timeouts in jiffies), filed in
    /// the wheel, run at the tick its bucket comes due.
    pub fn fires(&self, now: Instant, delay: u64) -> Instant {
        let clk = self.jiffies(now);
        let expires = clk + delay.div_ceil(JIFFY);
        self.tick(bucket_expiry(expires, clk)).max(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{MS, SEC};

    #[test]
    fn levels_match_the_hz_250_table_in_timer_c() {
        // "Level Offset Granularity Range" for HZ 250: 0-255 ms at 4 ms,
        // 256 ms-2047 ms at 32 ms, ~2s-~16s at 256 ms, ~16s-~2m at ~2 s,
        // ~2m-~17m at ~16 s, ~17m-~2h at ~2 m.
        assert_eq!(level(0), 0);
        assert_eq!(level(62), 0);
        assert_eq!(level(63), 1);
        assert_eq!(level(503), 1);
        assert_eq!(level(504), 2);
        assert_eq!(level(4_031), 2);
        assert_eq!(level(4_032), 3);
        assert_eq!(level(30_000), 3); // 120 s
        assert_eq!(level(32_256), 4);
        assert_eq!(level(1_800_000), 5); // 7200 s
        assert_eq!(granularity(3) * JIFFY, 2_048 * MS);
        assert_eq!(granularity(5) * JIFFY, 131_072 * MS);
    }

    #[test]
    fn a_timer_is_rounded_up_to_the_next_bucket_of_its_level() {
        // Level 0: one jiffy after expiry, always.
        assert_eq!(bucket_expiry(1_055, 1_000), 1_056);
        // Level 3 (512-jiffy buckets): the next multiple of 512 past expiry.
        assert_eq!(bucket_expiry(31_000, 1_000), 31_232);
        assert_eq!(bucket_expiry(30_720 + 1_000 - 1_000, 720), 31_232);
        // Already on a boundary: still the next one (never early, "+ 1").
        assert_eq!(bucket_expiry(30_720, 720), 31_232);
        // Past the horizon: filed at the horizon.
        let far = bucket_expiry(10 * WHEEL_TIMEOUT_CUTOFF, 0);
        assert!(far <= WHEEL_TIMEOUT_CUTOFF);
    }

    #[test]
    fn lateness_is_bounded_by_the_level_granularity() {
        for seed in 0..200 {
            let w = Wheel::from_seed(seed);
            for (delay, gran) in [
                (200 * MS, JIFFY),
                (SEC, 8 * JIFFY),
                (120 * SEC, 512 * JIFFY),
                (7_200 * SEC, 32_768 * JIFFY),
            ] {
                for now in [0, 123_457, 15 * SEC + 3, 7_200 * SEC] {
                    let late = w.fires(now, delay) - (now + delay);
                    assert!(late > 0 && late <= gran + JIFFY, "{seed} {delay} {late}");
                }
            }
        }
    }

    #[test]
    fn max_late_is_a_bucket_and_a_tick() {
        assert_eq!(max_late(200 * MS), 2 * JIFFY);
        assert_eq!(max_late(75 * SEC), 513 * JIFFY);
    }

    #[test]
    fn a_chain_is_late_by_at_most_max_late_chain() {
        // Chains of delays from a tick to a day, by a fixed generator: the
        // sum of each timer's max_late never exceeds the chain's bound.
        let mut z: u64 = 18;
        let mut next = || {
            z = z
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            z >> 33
        };
        for _ in 0..2_000 {
            let n = 1 + next() % 20;
            let (mut span, mut late) = (0, 0);
            for _ in 0..n {
                let d = match next() % 3 {
                    0 => JIFFY * (1 + next() % 600),
                    1 => MS * (1 + next() % 200_000),
                    _ => SEC * (1 + next() % 86_400),
                };
                span += d;
                late += max_late(d);
            }
            assert!(
                late <= max_late_chain(span, n),
                "{n} timers over {span}: {late}"
            );
        }
        // Two 1 s timers (level 1, 8-jiffy buckets) against their 2 s span's
        // single bucket: 72 ms against 36 ms.
        assert!(2 * max_late(SEC) > max_late(2 * SEC));
        assert!(2 * max_late(SEC) <= max_late_chain(2 * SEC, 2));
    }

    #[test]
    fn the_phase_comes_from_the_seed() {
        assert_eq!(Wheel::from_seed(1), Wheel::from_seed(1));
        assert_ne!(Wheel::from_seed(1), Wheel::from_seed(2));
        let w = Wheel::from_seed(7);
        assert!(w.into_tick < JIFFY);
        assert_eq!(w.jiffies(0), w.jiffies0);
        assert_eq!(w.jiffies(JIFFY - w.into_tick), w.jiffies0 + 1);
        assert_eq!(w.tick(w.jiffies0 + 1), JIFFY - w.into_tick);
    }
}
