//! Print a scenario's trace as plain lines: `cargo run --example dump -- ID [NAME=VALUE]...`
fn main() {
    let mut args = std::env::args().skip(1);
    let id = args.next().unwrap_or_else(|| "process-crash".into());
    let mut p = match tcpsim::defaults(&id) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    for a in args {
        if let Err(e) = p.apply_assignment(&a) {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
    let t = match tcpsim::run(&id, &p) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut lines: Vec<(f64, String)> = Vec::new();
    for pk in &t.packets {
        let fate = match (pk.arrived_at, pk.lost) {
            (Some(a), _) => format!("arrives {a:.4}"),
            (None, Some(l)) => format!("LOST {l:?}"),
            _ => String::new(),
        };
        lines.push((
            pk.sent_at,
            format!(
                "{} > {} {} ({}) {}",
                pk.src,
                pk.dst,
                pk.label(),
                pk.why.as_str(),
                fate
            ),
        ));
    }
    for e in &t.events {
        if let tcpsim::trace::EventKind::Timer { .. } = e.kind {
            continue;
        }
        lines.push((e.at, format!("  [{}] {:?}", e.host, e.kind)));
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (t, l) in lines {
        println!("{t:10.4} {l}");
    }
    println!("end {} stop {:?}", t.end_at, t.stop);
}
