//! Reads a capture the way the CLI and the page do (1 MiB chunks), and
//! prints how long the connection list took, and the explanation of the
//! connection with the most segments. Figures only; nothing is asserted.
//!
//!     cargo run --release -p tcpsim-analyse --example bench_capture -- FILE

use std::io::Read;
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: bench_capture FILE");
    let t0 = Instant::now();
    let mut f = std::fs::File::open(&path).unwrap();
    let size = f.metadata().unwrap().len();
    let mut r = tcpsim_analyse::Reader::with_total(size);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        r.feed(&buf[..n]).unwrap();
    }
    let cap = r.finish().unwrap();
    let list = cap.connections();
    let listed = t0.elapsed().as_secs_f64();
    let st = cap.stats();
    println!(
        "read and listed: {:.3} s for {:.1} MB, {} packets, {} connections: {:.2} M packets/s, {:.0} MB/s",
        listed,
        size as f64 / 1e6,
        st.packets,
        list.len(),
        st.packets as f64 / listed / 1e6,
        size as f64 / listed / 1e6
    );
    let biggest = list
        .iter()
        .max_by_key(|c| c.packets_from_client + c.packets_from_server)
        .map(|c| c.index);
    if let Some(i) = biggest {
        let t1 = Instant::now();
        let a = cap.explain(i).unwrap();
        println!(
            "explained connection {i} ({} segments) in {:.2} ms: {}",
            a.trace.packets.len(),
            t1.elapsed().as_secs_f64() * 1e3,
            a.diagnosis.en
        );
    }
    let mut endings = std::collections::BTreeMap::new();
    for c in list {
        *endings.entry(c.end.as_str()).or_insert(0u32) += 1;
    }
    println!("endings: {endings:?}");
}
