//! Loss recovery: a retransmission timer that ran out after the last segment.

use super::*;

impl Run<'_> {
    /// After the last segment: a retransmission timer that must have run out
    /// while the capture went on. Only after two resends at least, the last
    /// wait no shorter than Linux's RTO floor (200 ms): one resend, or
    /// resends in quick succession, then silence is a sender that stopped
    /// for another reason (`stopped`), not a timer that ran out.
    pub(super) fn retries(&mut self, capture_end: f64) -> Option<(usize, f64)> {
        // A clock that runs backwards makes the capture's end no measure of
        // how long the sender stayed silent.
        if self.input.clock_back > 0 || self.input.capture_clock_back > 0 {
            return None;
        }
        for x in [SERVER, CLIENT] {
            let tx = &self.tcb[x];
            let (Some(since), Some((last, wait))) = (tx.unacked_since, tx.last_resend) else {
                continue;
            };
            let heard = tx.last_heard.is_some_and(|h| h > since);
            if heard || tx.resends == 0 {
                continue;
            }
            let quiet = tx.last_heard.unwrap_or(0.0);
            // The timer after the last resend backs off to twice its wait.
            let due = last + 2.0 * wait;
            if capture_end > due + wait.max(0.2) {
                if tx.resends < 2 || wait < 0.2 {
                    self.stopped = Some(x);
                    continue;
                }
                let at = us(due);
                self.note(x, KernelNote::RetriesExhausted, None, at);
                self.state(x, TcpState::Closed, at);
                self.news(x, at, AppCall::Recv, ResultWord::Etimedout, quiet);
                return Some((x, at));
            }
        }
        None
    }
}
