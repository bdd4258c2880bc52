//! Every segment of every TCP connection of a capture with the reason the
//! analyser gives it, one tab-separated line each, for
//! tests/corpus/compare.py (which sets them beside tshark's
//! `tcp.analysis.*` flags):
//!
//!     conn  time_us  src  sport  dst  dport  seq  ack  flags  len  why  resend
//!
//! `time_us` is the segment's capture time in microseconds since the epoch,
//! `seq` and `ack` the absolute numbers, `flags` tcpdump's letters. A first
//! line `# connections N segments M` and, on stderr, an error if the file
//! cannot be read. The same library calls as `tcpsim explain --conn N`,
//! without the 300-segment window a diagram keeps.
//!
//!     cargo run --release -p tcpsim-analyse --example corpus_whys -- FILE

use std::io::Write;

fn main() {
    let path = std::env::args().nth(1).expect("usage: corpus_whys FILE");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let cap = match tcpsim_analyse::read(&bytes) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let st = cap.stats();
    let start_us = (st.start.unwrap_or(0.0) * 1e6).round() as i64;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let _ = writeln!(
        out,
        "# connections {} segments {}",
        st.connections, st.segments
    );
    for i in 0..cap.connection_count() {
        let Ok(a) = cap.explain_whole(i) else {
            continue;
        };
        let first_us = (a.connection.first_at * 1e6).round() as i64;
        let ip = |name: &str| {
            a.trace
                .hosts
                .iter()
                .find(|h| h.name == name)
                .map_or("?".to_string(), |h| h.ip.clone())
        };
        let (cip, sip) = (ip("client"), ip("server"));
        for p in &a.trace.packets {
            let t = start_us + first_us + (p.sent_at * 1e6).round() as i64;
            // A forged segment's source is the side it claimed to be.
            let from = p.spoofed_as.as_deref().unwrap_or(&p.src);
            let (src, dst) = if from == "server" {
                (&sip, &cip)
            } else {
                (&cip, &sip)
            };
            let flags = tcpsim::trace::tcpdump_flags(&p.flags);
            let _ = writeln!(
                out,
                "{i}\t{t}\t{src}\t{}\t{dst}\t{}\t{}\t{}\t{flags}\t{}\t{}\t{}",
                p.sport,
                p.dport,
                p.abs_seq,
                p.abs_ack,
                p.len,
                p.why.as_str(),
                p.resend.unwrap_or(0)
            );
        }
    }
}
