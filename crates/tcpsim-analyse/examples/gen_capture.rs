//! Writes a large synthetic capture for the benchmark (scripts/bench.sh in
//! this crate): Ethernet, IPv4, little-endian microsecond pcap, about 100
//! bytes a packet. A thousand connections are open at any time, their
//! segments interleaved; each has a handshake, one to nine request/response
//! rounds with their ACKs, and an ending drawn from: FIN both ways (70%), a
//! client RST (10%), retransmissions into silence (10%), keepalive probes
//! answered (5%), nothing (5%). Deterministic (a fixed-seed generator).
//!
//!     cargo run --release -p tcpsim-analyse --example gen_capture -- OUT.pcap [PACKETS]

use std::io::Write;

/// xorshift64*: small, fast, fixed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// One segment to write: from the client?, flags, seq, ack, length.
type Step = (bool, u8, u32, u32, u16);

/// A connection's whole script, from its numbers.
fn script(rng: &mut Rng) -> Vec<Step> {
    let (ci, si) = (rng.next() as u32, rng.next() as u32);
    let (mut c, mut s) = (ci.wrapping_add(1), si.wrapping_add(1));
    let mut v: Vec<Step> = vec![
        (true, SYN, ci, 0, 0),
        (false, SYN | ACK, si, c, 0),
        (true, ACK, c, s, 0),
    ];
    for _ in 0..1 + rng.below(9) {
        let q = 10 + rng.below(80) as u16;
        v.push((true, PSH | ACK, c, s, q));
        c = c.wrapping_add(q as u32);
        v.push((false, ACK, s, c, 0));
        let r = 10 + rng.below(140) as u16;
        v.push((false, PSH | ACK, s, c, r));
        s = s.wrapping_add(r as u32);
        v.push((true, ACK, c, s, 0));
    }
    match rng.below(20) {
        0..=13 => {
            v.push((true, FIN | ACK, c, s, 0));
            c = c.wrapping_add(1);
            v.push((false, FIN | ACK, s, c, 0));
            s = s.wrapping_add(1);
            v.push((true, ACK, c, s, 0));
        }
        14 | 15 => v.push((true, RST | ACK, c, s, 0)),
        16 | 17 => {
            for _ in 0..5 {
                v.push((false, PSH | ACK, s, c, 50));
            }
        }
        18 => {
            for _ in 0..3 {
                v.push((false, ACK, s.wrapping_sub(1), c, 0));
                v.push((true, ACK, c, s, 0));
            }
        }
        _ => {}
    }
    v
}

struct Conn {
    client: [u8; 4],
    server: [u8; 4],
    cport: u16,
    steps: Vec<Step>,
    next: usize,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().expect("usage: gen_capture OUT.pcap [PACKETS]");
    let packets: u64 = args
        .next()
        .map_or(1_000_000, |n| n.parse().expect("a count"));
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&out).unwrap());
    let mut header = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
    header.extend_from_slice(&[0; 8]);
    header.extend_from_slice(&65535u32.to_le_bytes());
    header.extend_from_slice(&1u32.to_le_bytes());
    w.write_all(&header).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut made = 0u32;
    let mut fresh = |rng: &mut Rng| {
        made += 1;
        Conn {
            client: [10, 2, (made >> 8) as u8, made as u8],
            server: [10, 1, 0, 1 + rng.below(20) as u8],
            cport: 1024 + (made % 60000) as u16,
            steps: script(rng),
            next: 0,
        }
    };
    let mut open: Vec<Conn> = (0..1000).map(|_| fresh(&mut rng)).collect();
    // 1,700,000,000 s: a time in 2023; a packet every 100 microseconds.
    let mut us: u64 = 1_700_000_000 * 1_000_000;
    let mut frame = Vec::with_capacity(2048);
    let mut bytes = header.len() as u64;
    for _ in 0..packets {
        let k = rng.below(open.len() as u64) as usize;
        let (from_client, flags, seq, ack, len) = open[k].steps[open[k].next];
        let c = &open[k];
        let (src, dst, sport, dport) = if from_client {
            (c.client, c.server, c.cport, 80)
        } else {
            (c.server, c.client, 80, c.cport)
        };
        frame.clear();
        let mac = |ip: [u8; 4]| [2, 0, ip[0], ip[1], ip[2], ip[3]];
        frame.extend_from_slice(&mac(dst));
        frame.extend_from_slice(&mac(src));
        frame.extend_from_slice(&[0x08, 0x00]);
        let total = 20 + 20 + len;
        frame.extend_from_slice(&[0x45, 0]);
        frame.extend_from_slice(&total.to_be_bytes());
        frame.extend_from_slice(&(rng.next() as u16).to_be_bytes());
        frame.extend_from_slice(&[0x40, 0, 64, 6, 0, 0]);
        frame.extend_from_slice(&src);
        frame.extend_from_slice(&dst);
        frame.extend_from_slice(&sport.to_be_bytes());
        frame.extend_from_slice(&dport.to_be_bytes());
        frame.extend_from_slice(&seq.to_be_bytes());
        frame.extend_from_slice(&(if flags & ACK != 0 { ack } else { 0 }).to_be_bytes());
        frame.extend_from_slice(&[0x50, flags, 0xfa, 0xf0, 0, 0, 0, 0]);
        frame.resize(frame.len() + len as usize, b'x');
        us += 50 + rng.below(100);
        let rec = [
            ((us / 1_000_000) as u32).to_le_bytes(),
            ((us % 1_000_000) as u32).to_le_bytes(),
            (frame.len() as u32).to_le_bytes(),
            (frame.len() as u32).to_le_bytes(),
        ];
        for r in rec {
            w.write_all(&r).unwrap();
        }
        w.write_all(&frame).unwrap();
        bytes += 16 + frame.len() as u64;
        open[k].next += 1;
        if open[k].next == open[k].steps.len() {
            open[k] = fresh(&mut rng);
        }
    }
    w.flush().unwrap();
    eprintln!(
        "gen_capture: {out}: {packets} packets, {bytes} bytes, {} connections begun",
        made
    );
}
