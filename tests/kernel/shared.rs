//! What both kernel comparisons (crates/tcpsim/tests/kernel_fixtures.rs and
//! crates/tcpsim-analyse/tests/kernel_fixtures.rs) read off a recording the
//! same way. Included by each with `#[path]`.

use serde_json::Value;
use tcpsim::trace::Packet;

/// When a capture on `point`'s interface (the recording's `capture_point`:
/// "server", or "client" when the server's host is down) sees a simulated
/// segment: what the host sends, when it sends it; what reaches it, when it
/// arrives; `None` for a segment it never sees.
pub fn seen_at(p: &Packet, point: &str) -> Option<f64> {
    if p.src == point {
        Some(p.sent_at)
    } else if p.dst == point {
        p.arrived_at
    } else {
        None
    }
}

/// A race in Linux, not in the simulator: the ACK of a FIN is delayed to the
/// next timer tick (0 to 4 ms away at HZ=250), and a server process that
/// closes "at once" (0.2 ms after reading EOF, in the recorder) usually
/// closes first, so its ACK rides on its FIN. When the process is slow to
/// wake (a busy machine: 1.6 ms was seen), the tick wins and the ACK goes
/// out alone before the FIN. Both are Linux. A recording with
/// `close_delay_ms` = 0 whose capture shows the second order is compared
/// with the simulation of a process that closes after the simulator's
/// delayed ACK (one full jiffy), which gives the same segments; the
/// comparison is otherwise as strict as any other.
pub fn lost_fin_ack_race(fx: &Value) -> Option<i64> {
    if fx["params"]["close_delay_ms"].as_i64() != Some(0)
        || fx["params"]["server_writes"].as_i64() == Some(1)
    {
        return None;
    }
    let pk = fx["packets"].as_array()?;
    let has = |p: &Value, f: &str| {
        p["flags"]
            .as_array()
            .is_some_and(|fs| fs.iter().any(|x| x == f))
    };
    let fin_at = pk
        .iter()
        .position(|p| p["src"] == "client" && has(p, "FIN"))?;
    let fin = &pk[fin_at];
    let ack_of_fin = fin["seq"].as_u64()? + 1;
    let mut server = pk[fin_at + 1..].iter().filter(|p| p["src"] == "server");
    let first = server.next()?;
    let alone = !has(first, "FIN") && first["ack"].as_u64() == Some(ack_of_fin);
    let server_fin = pk[fin_at + 1..]
        .iter()
        .find(|p| p["src"] == "server" && has(p, "FIN"))?;
    if !alone {
        return None;
    }
    let delay_ms = (server_fin["t"].as_f64()? - fin["t"].as_f64()?) * 1000.0;
    // One jiffy (4 ms) and a millisecond, or the observed delay if longer.
    Some((delay_ms.ceil() as i64).max(5))
}
