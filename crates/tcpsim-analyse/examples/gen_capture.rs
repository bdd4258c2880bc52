//! Writes a large synthetic capture for the benchmark (scripts/bench.sh in
//! this crate): Ethernet, IPv4, little-endian microsecond pcap, about 100
//! bytes a packet. A thousand connections are open at any time, their
//! segments interleaved; each has a handshake, one to nine request/response
//! rounds with their ACKs, and an ending drawn from: FIN both ways (70%), a
//! client RST (10%), retransmissions into silence (10%), keepalive probes
//! answered (5%), nothing (5%). Deterministic (a fixed-seed generator).
//!
//!     cargo run --release -p tcpsim-analyse --example gen_capture -- OUT.pcap [PACKETS]
//!
//! Other shapes, for the scale benchmark (scripts/bench-scale.sh):
//!
//!     gen_capture OUT.pcap --synflood N   N SYNs from N source ports of
//!                                         ever-changing addresses to one
//!                                         server, each answered by a
//!                                         SYN-ACK: N connections, 2N packets
//!     gen_capture OUT.pcap --scan N       one host probes N ports with a
//!                                         SYN; each is answered by RST-ACK
//!     gen_capture OUT.pcap --isns N       one four-tuple, N SYNs, each with
//!                                         its own ISN (a SYN flood from a
//!                                         fixed port)
//!     gen_capture OUT.pcap --resend N     one connection: a handshake, 45
//!                                         segments of 1448 bytes unacked,
//!                                         then all of them resent as one
//!                                         65,160-byte segment N times

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

/// A pcap writer for the special shapes: Ethernet, IPv4, one record a call.
struct Out {
    w: std::io::BufWriter<std::fs::File>,
    us: u64,
    packets: u64,
    frame: Vec<u8>,
}

impl Out {
    fn new(path: &str) -> Out {
        let mut w =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
        let mut header = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        header.extend_from_slice(&[0; 8]);
        header.extend_from_slice(&65535u32.to_le_bytes());
        header.extend_from_slice(&1u32.to_le_bytes());
        w.write_all(&header).unwrap();
        Out {
            w,
            us: 1_700_000_000 * 1_000_000,
            packets: 0,
            frame: Vec::with_capacity(70_000),
        }
    }
    #[allow(clippy::too_many_arguments)]
    fn seg(
        &mut self,
        src: [u8; 4],
        dst: [u8; 4],
        sport: u16,
        dport: u16,
        flags: u8,
        seq: u32,
        ack: u32,
        len: u32,
        gap_us: u64,
    ) {
        let f = &mut self.frame;
        f.clear();
        f.extend_from_slice(&[2, 0, dst[0], dst[1], dst[2], dst[3]]);
        f.extend_from_slice(&[2, 0, src[0], src[1], src[2], src[3]]);
        f.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
        // The IP total length as the sender's TSO would write it (0 above
        // 65,535: a capture before segmentation offload says so too).
        let total = 40 + len;
        f.extend_from_slice(&(if total > 65_535 { 0 } else { total as u16 }).to_be_bytes());
        f.extend_from_slice(&(self.packets as u16).to_be_bytes());
        f.extend_from_slice(&[0x40, 0, 64, 6, 0, 0]);
        f.extend_from_slice(&src);
        f.extend_from_slice(&dst);
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&seq.to_be_bytes());
        f.extend_from_slice(&(if flags & ACK != 0 { ack } else { 0 }).to_be_bytes());
        f.extend_from_slice(&[0x50, flags, 0xfa, 0xf0, 0, 0, 0, 0]);
        // The payload is cut by a 96-byte snapshot length, as tcpdump -s 96
        // would: the lengths come from the IP header.
        let caplen = f.len() + (len as usize).min(96 - 54);
        f.resize(caplen, b'x');
        let wire = 54 + len;
        self.us += gap_us;
        for r in [
            ((self.us / 1_000_000) as u32).to_le_bytes(),
            ((self.us % 1_000_000) as u32).to_le_bytes(),
            (f.len() as u32).to_le_bytes(),
            wire.to_le_bytes(),
        ] {
            self.w.write_all(&r).unwrap();
        }
        self.w.write_all(f).unwrap();
        self.packets += 1;
    }
}

/// The special shapes (see the module's documentation).
fn special(out: &str, mode: &str, n: u64) {
    let mut o = Out::new(out);
    let mut rng = Rng(0x51f1_00d5);
    let server = [10, 1, 0, 1];
    match mode {
        "--synflood" => {
            for i in 0..n {
                let src = [
                    172,
                    16 + (i >> 24) as u8 % 16,
                    (i >> 16) as u8,
                    (i >> 8) as u8,
                ];
                let sport = 1024 + (i % 50_000) as u16;
                let isn = rng.next() as u32;
                o.seg(src, server, sport, 80, SYN, isn, 0, 0, 1);
                o.seg(
                    server,
                    src,
                    80,
                    sport,
                    SYN | ACK,
                    rng.next() as u32,
                    isn.wrapping_add(1),
                    0,
                    1,
                );
            }
        }
        "--scan" => {
            let src = [192, 168, 7, 7];
            for i in 0..n {
                let dst = [10, 1 + (i >> 16) as u8, (i >> 8) as u8, 1];
                let port = 1 + (i % 65_535) as u16;
                let isn = rng.next() as u32;
                o.seg(src, dst, 40_000, port, SYN, isn, 0, 0, 1);
                o.seg(
                    dst,
                    src,
                    port,
                    40_000,
                    RST | ACK,
                    0,
                    isn.wrapping_add(1),
                    0,
                    1,
                );
            }
        }
        "--isns" => {
            let src = [172, 16, 0, 9];
            for _ in 0..n {
                o.seg(src, server, 31_337, 80, SYN, rng.next() as u32, 0, 0, 10);
            }
        }
        "--resend" => {
            let c = [172, 16, 0, 9];
            let (ci, si) = (1000u32, 5000u32);
            o.seg(c, server, 40_000, 80, SYN, ci, 0, 0, 10);
            o.seg(server, c, 80, 40_000, SYN | ACK, si, ci + 1, 0, 100);
            o.seg(c, server, 40_000, 80, ACK, ci + 1, si + 1, 0, 100);
            for k in 0..45 {
                o.seg(
                    c,
                    server,
                    40_000,
                    80,
                    ACK | PSH,
                    ci + 1 + k * 1448,
                    si + 1,
                    1448,
                    10,
                );
            }
            for _ in 0..n {
                o.seg(
                    c,
                    server,
                    40_000,
                    80,
                    ACK | PSH,
                    ci + 1,
                    si + 1,
                    45 * 1448,
                    1000,
                );
            }
        }
        _ => panic!("unknown mode {mode}: --synflood, --scan, --isns or --resend"),
    }
    o.w.flush().unwrap();
    eprintln!("gen_capture: {out}: {mode} {n}: {} packets", o.packets);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().expect("usage: gen_capture OUT.pcap [PACKETS]");
    let argv: Vec<String> = std::env::args().collect();
    if let (Some(mode), Some(n)) = (argv.get(2), argv.get(3)) {
        if mode.starts_with("--") {
            return special(&out, mode, n.parse().expect("a count"));
        }
    }
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
