//! The network path between two hosts: its one-way delay, seeded random
//! loss, partitions (stretches of time when it drops everything), and an
//! optional stateful middlebox halfway (see `middlebox.rs`).

use super::{Ev, HostId, World};
use crate::segment::Seg;
use crate::time::{secs, Instant};
use crate::trace::{EventKind, Fault, Loss};

/// A stretch of time when the path drops everything.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cut {
    pub from: Instant,
    pub until: Instant,
}

impl World {
    /// The path drops everything from now for `span` (a partition); the
    /// diagrams draw it from the faults recorded on `host`'s side.
    pub(super) fn partition(&mut self, host: HostId, span: u64) {
        let until = self.now + span;
        self.cuts.push(Cut {
            from: self.now,
            until,
        });
        self.ev(
            host,
            EventKind::Fault {
                fault: Fault::PathDown,
            },
        );
        self.push(until, Ev::Action(super::Action::PathUp { host }));
    }

    /// Send a segment on its way: halfway along the path it may be lost
    /// (random loss, a partition) or meet the middlebox; otherwise it
    /// arrives after the one-way delay.
    pub(super) fn launch(&mut self, from: HostId, dst: HostId, seg: Seg, pkt: usize) {
        if self.middlebox.as_ref().is_some_and(|m| m.host == from) {
            // The middlebox's own segments start halfway.
            return self.onward(dst, seg, pkt);
        }
        let lost_on_link = self.loss_pct > 0 && (self.random() % 100) < self.loss_pct as u64;
        let halfway = self.now + self.delay / 2;
        let lose = |w: &mut World, why: Loss| {
            let p = &mut w.packets[pkt];
            p.lost = Some(why);
            p.lost_at = Some(secs(halfway));
        };
        if lost_on_link {
            return lose(self, Loss::Link);
        }
        if self
            .cuts
            .iter()
            .any(|c| c.from <= halfway && halfway < c.until)
        {
            return lose(self, Loss::Partition);
        }
        if self.middlebox.is_some() && self.through_middlebox(from, dst) {
            self.push(halfway, Ev::Middlebox { dst, seg, pkt });
            return;
        }
        let arrive = self.now + self.delay;
        self.push(
            arrive,
            Ev::Arrive {
                host: dst,
                seg,
                pkt,
            },
        );
    }

    /// The rest of the way from the middlebox to `dst`.
    pub(super) fn onward(&mut self, dst: HostId, seg: Seg, pkt: usize) {
        let arrive = self.now + (self.delay - self.delay / 2);
        self.push(
            arrive,
            Ev::Arrive {
                host: dst,
                seg,
                pkt,
            },
        );
    }
}
