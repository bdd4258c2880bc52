//! Keepalive and windows: keepalive and zero-window probes (window updates
//! and duplicate ACKs are told apart in data.rs, where ACKs are read).

use super::*;

impl Run<'_> {
    /// A keepalive or zero-window probe, if this is one.
    pub(super) fn probe(&mut self, s: &Seg, x: usize, t: f64, gap: f64) -> Option<Why> {
        let y = 1 - x;
        if s.has(FIN) || !s.has(ACK) || s.len > 1 {
            return None;
        }
        let una = self.tcb[y].rcv_nxt?;
        if s.seq != una.wrapping_sub(1) || self.tcb[x].snd_nxt.is_some_and(|n| n != una) {
            return None;
        }
        self.call_for(y, Pending::Dup, t);
        if self.tcb[y].win == Some(0) {
            // The peer's window is shut: Linux's zero-window probe has the
            // keepalive's form (tcp_write_wakeup -> tcp_xmit_probe_skb).
            return Some(Why::ZeroWindowProbe);
        }
        if gap < 0.5 {
            // Too soon after traffic to be keepalive's.
            return Some(Why::Captured);
        }
        let tx = &mut self.tcb[x];
        tx.probes += 1;
        tx.probes_total += 1;
        tx.probing_since.get_or_insert(t);
        Some(Why::KeepaliveProbe)
    }
}
