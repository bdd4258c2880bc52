//! The link layers, tunnels and IP fragments the reader takes apart, each on
//! a small capture crafted here byte by byte: a three-way handshake and one
//! data segment, wrapped as a real capture of that kind would carry them.

use tcpsim_analyse::{read, Capture, End};

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH: u8 = 0x08;
const FIN: u8 = 0x01;

/// A classic little-endian microsecond pcap of `frames` with `link` as its
/// header's link-type field.
fn pcap(link: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut b = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&65535u32.to_le_bytes());
    b.extend_from_slice(&link.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        b.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        b.extend_from_slice(&(i as u32 * 1000).to_le_bytes());
        b.extend_from_slice(&(f.len() as u32).to_le_bytes());
        b.extend_from_slice(&(f.len() as u32).to_le_bytes());
        b.extend_from_slice(f);
    }
    b
}

fn tcp(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&ack.to_be_bytes());
    t.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    t.extend_from_slice(payload);
    t
}

/// An IPv4 header (no options) for `payload`, with identification `id`,
/// and the fragment field `frag` (flags and offset in 8-byte units).
fn ipv4(src: [u8; 4], dst: [u8; 4], proto: u8, id: u16, frag: u16, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x45, 0];
    h.extend_from_slice(&(20 + payload.len() as u16).to_be_bytes());
    h.extend_from_slice(&id.to_be_bytes());
    h.extend_from_slice(&frag.to_be_bytes());
    h.extend_from_slice(&[64, proto, 0, 0]);
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(payload);
    h
}

fn ipv6(src: u8, dst: u8, next: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0];
    h.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    h.extend_from_slice(&[next, 64]);
    h.extend_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, src]);
    h.extend_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, dst]);
    h.extend_from_slice(payload);
    h
}

fn eth(ethertype: u16, src_mac: u8, payload: &[u8]) -> Vec<u8> {
    let mut e = vec![2, 0, 0, 0, 0, 0xee, 2, 0, 0, 0, 0, src_mac];
    e.extend_from_slice(&ethertype.to_be_bytes());
    e.extend_from_slice(payload);
    e
}

const C: [u8; 4] = [10, 0, 0, 1];
const S: [u8; 4] = [10, 0, 0, 2];

/// A handshake, 100 bytes from the client, its ACK and a FIN each way, as
/// IPv4 packets.
fn conversation() -> Vec<Vec<u8>> {
    let data = [b'x'; 100];
    [
        (true, SYN, 1000, 0, &[][..]),
        (false, SYN | ACK, 5000, 1001, &[][..]),
        (true, ACK, 1001, 5001, &[][..]),
        (true, PSH | ACK, 1001, 5001, &data[..]),
        (false, ACK, 5001, 1101, &[][..]),
        (true, FIN | ACK, 1101, 5001, &[][..]),
        (false, FIN | ACK, 5001, 1102, &[][..]),
        (true, ACK, 1102, 5002, &[][..]),
    ]
    .iter()
    .enumerate()
    .map(|(i, &(c, f, seq, ack, p))| {
        let (src, dst, sp, dp) = if c {
            (C, S, 40000, 80)
        } else {
            (S, C, 80, 40000)
        };
        ipv4(
            src,
            dst,
            6,
            i as u16 + 1,
            0x4000,
            &tcp(sp, dp, seq, ack, f, p),
        )
    })
    .collect()
}

/// The capture holds the conversation, whole, and nothing was skipped.
fn holds_the_conversation(cap: &Capture, what: &str) {
    let st = cap.stats();
    assert_eq!(st.skipped.total(), 0, "{what}: {st:?}");
    assert_eq!(st.segments, 8, "{what}: {st:?}");
    let list = cap.connections();
    assert_eq!(list.len(), 1, "{what}");
    let c = &list[0];
    assert_eq!(c.client.to_string(), "10.0.0.1:40000", "{what}");
    assert_eq!(c.server.to_string(), "10.0.0.2:80", "{what}");
    assert_eq!(
        (c.packets_from_client, c.packets_from_server),
        (5, 3),
        "{what}"
    );
    assert_eq!(c.bytes_from_client, 100, "{what}");
    assert!(c.handshake, "{what}");
    assert_eq!(c.end, End::Closed, "{what}");
    let a = cap.explain(0).unwrap();
    assert_eq!(a.trace.packets.len(), 8, "{what}");
}

fn wrapped(link: u32, wrap: impl Fn(&[u8]) -> Vec<u8>) -> Capture {
    let frames: Vec<Vec<u8>> = conversation().iter().map(|p| wrap(p)).collect();
    read(&pcap(link, &frames)).unwrap()
}

#[test]
fn a_link_type_with_fcs_length_bits_is_ethernet() {
    // 0x30000001: Ethernet, with the FCS-length bits libpcap may set; each
    // frame ends with its four FCS bytes.
    let cap = wrapped(0x3000_0001, |p| {
        let mut f = eth(0x0800, 1, p);
        f.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        f
    });
    holds_the_conversation(&cap, "FCS bits");
}

#[test]
fn bsd_loopback_in_either_byte_order_and_openbsd_loop() {
    for (link, fam) in [
        (0, 2u32.to_le_bytes()),
        (0, 2u32.to_be_bytes()),
        (108, 2u32.to_be_bytes()),
    ] {
        let cap = wrapped(link, |p| [&fam[..], p].concat());
        holds_the_conversation(&cap, &format!("loopback {link} {fam:?}"));
    }
    // IPv6 on a big-endian BSD (AF_INET6 = 24, 28 or 30).
    let syn = ipv6(1, 2, 6, &tcp(40000, 80, 1, 0, SYN, &[]));
    let cap = read(&pcap(0, &[[&30u32.to_be_bytes()[..], &syn].concat()])).unwrap();
    assert_eq!(cap.stats().segments, 1);
    assert_eq!(cap.connections()[0].client.to_string(), "[fd00::1]:40000");
}

#[test]
fn vlan_stacks_of_any_depth() {
    for depth in [1usize, 2, 3, 5, 7] {
        let cap = wrapped(1, |p| {
            let mut inner = 0x0800u16.to_be_bytes().to_vec();
            inner.extend_from_slice(p);
            let mut body = inner;
            for k in 0..depth {
                // Tag control (priority, VLAN id), then the EtherType inside.
                let mut t = vec![0, 10 + k as u8];
                t.extend_from_slice(&body);
                let tpid: u16 = if k + 1 == depth { 0x88a8 } else { 0x8100 };
                body = tpid.to_be_bytes().to_vec();
                body.extend_from_slice(&t);
            }
            let tpid = u16::from_be_bytes([body[0], body[1]]);
            eth(tpid, 1, &body[2..])
        });
        holds_the_conversation(&cap, &format!("{depth} VLAN tags"));
    }
}

#[test]
fn pppoe_session_and_mpls() {
    let cap = wrapped(1, |p| {
        let mut s = vec![0x11, 0, 0x12, 0x34];
        s.extend_from_slice(&(p.len() as u16 + 2).to_be_bytes());
        s.extend_from_slice(&0x0021u16.to_be_bytes());
        s.extend_from_slice(p);
        eth(0x8864, 1, &s)
    });
    holds_the_conversation(&cap, "PPPoE");
    let cap = wrapped(1, |p| {
        // Two labels, the second at the bottom of the stack.
        let mut m = vec![0, 0x01, 0x00, 64, 0, 0x02, 0x01, 64];
        m.extend_from_slice(p);
        eth(0x8847, 1, &m)
    });
    holds_the_conversation(&cap, "MPLS");
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = sport.to_be_bytes().to_vec();
    u.extend_from_slice(&dport.to_be_bytes());
    u.extend_from_slice(&(8 + payload.len() as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(payload);
    u
}

/// An outer Ethernet + IPv4 between two tunnel endpoints carrying `inner`.
fn outer(proto: u8, inner: &[u8]) -> Vec<u8> {
    eth(
        0x0800,
        9,
        &ipv4([192, 168, 0, 1], [192, 168, 0, 2], proto, 7, 0x4000, inner),
    )
}

#[test]
fn vxlan_and_geneve() {
    let cap = wrapped(1, |p| {
        let mut v = vec![0x08, 0, 0, 0, 0, 0, 42, 0];
        v.extend_from_slice(&eth(0x0800, 1, p));
        outer(17, &udp(51000, 4789, &v))
    });
    holds_the_conversation(&cap, "VXLAN");
    let cap = wrapped(1, |p| {
        // Geneve with one 8-byte option (length 2 words), carrying Ethernet.
        let mut g = vec![0x02, 0, 0x65, 0x58, 0, 0, 42, 0];
        g.extend_from_slice(&[0x01, 0x02, 0x03, 0x01, 0, 0, 0, 0]);
        g.extend_from_slice(&eth(0x0800, 1, p));
        outer(17, &udp(51000, 6081, &g))
    });
    holds_the_conversation(&cap, "Geneve, Ethernet");
    let cap = wrapped(1, |p| {
        // Geneve carrying IPv4 directly.
        let mut g = vec![0, 0, 0x08, 0x00, 0, 0, 42, 0];
        g.extend_from_slice(p);
        outer(17, &udp(51000, 6081, &g))
    });
    holds_the_conversation(&cap, "Geneve, IPv4");
}

#[test]
fn gre_with_a_key_and_erspan() {
    let cap = wrapped(1, |p| {
        let mut g = vec![0x20, 0, 0x08, 0x00, 0, 0, 0, 5];
        g.extend_from_slice(p);
        outer(47, &g)
    });
    holds_the_conversation(&cap, "GRE with a key");
    let cap = wrapped(1, |p| {
        // GRE with a sequence number, ERSPAN type II (8 bytes), Ethernet.
        let mut g = vec![0x10, 0, 0x88, 0xbe, 0, 0, 0, 1];
        g.extend_from_slice(&[0x10, 0x01, 0, 0, 0, 0, 0, 0]);
        g.extend_from_slice(&eth(0x0800, 1, p));
        outer(47, &g)
    });
    holds_the_conversation(&cap, "ERSPAN II");
    let cap = wrapped(1, |p| {
        // ERSPAN type III (12 bytes) with its 8-byte platform subheader.
        let mut g = vec![0x10, 0, 0x22, 0xeb, 0, 0, 0, 1];
        g.extend_from_slice(&[0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        g.extend_from_slice(&[0; 8]);
        g.extend_from_slice(&eth(0x0800, 1, p));
        outer(47, &g)
    });
    holds_the_conversation(&cap, "ERSPAN III");
    let cap = wrapped(1, |p| outer(4, p));
    holds_the_conversation(&cap, "IP in IP");
}

/// `ip`'s payload cut into fragments of `size` bytes (a multiple of 8).
fn fragments_v4(ip: &[u8], size: usize) -> Vec<Vec<u8>> {
    let (src, dst) = (
        [ip[12], ip[13], ip[14], ip[15]],
        [ip[16], ip[17], ip[18], ip[19]],
    );
    let id = u16::from_be_bytes([ip[4], ip[5]]);
    let body = &ip[20..];
    body.chunks(size)
        .enumerate()
        .map(|(k, piece)| {
            let more = (k + 1) * size < body.len();
            let frag = (k * size / 8) as u16 | if more { 0x2000 } else { 0 };
            ipv4(src, dst, ip[9], id, frag, piece)
        })
        .collect()
}

#[test]
fn ipv4_fragments_are_put_back_together_in_any_order() {
    let mut frames = Vec::new();
    for (i, p) in conversation().into_iter().enumerate() {
        if i == 3 {
            // The data segment (120 bytes of TCP) in 5 pieces of 24 bytes,
            // the TCP header split across the first two; sent last first,
            // one piece twice.
            let mut f = fragments_v4(&p, 24);
            f.reverse();
            f.insert(2, f[1].clone());
            frames.extend(f.into_iter().map(|x| eth(0x0800, 1, &x)));
        } else {
            frames.push(eth(0x0800, 1, &p));
        }
    }
    let cap = read(&pcap(1, &frames)).unwrap();
    holds_the_conversation(&cap, "IPv4 fragments");
    assert_eq!(cap.stats().packets, 8 + 5);
}

#[test]
fn ipv6_fragments_are_put_back_together() {
    let seg = tcp(40000, 80, 1, 0, PSH | ACK, &[b'y'; 100]);
    let frag = |offset: usize, more: bool, piece: &[u8]| {
        let mut f = vec![6, 0];
        f.extend_from_slice(&(((offset / 8) as u16) << 3 | more as u16).to_be_bytes());
        f.extend_from_slice(&0xabcdu32.to_be_bytes());
        f.extend_from_slice(piece);
        eth(0x86dd, 1, &ipv6(1, 2, 44, &f))
    };
    let frames = vec![frag(64, false, &seg[64..]), frag(0, true, &seg[..64])];
    let cap = read(&pcap(1, &frames)).unwrap();
    assert_eq!(cap.stats().segments, 1, "{:?}", cap.stats());
    assert_eq!(cap.stats().skipped.total(), 0);
    assert_eq!(cap.connections()[0].bytes_from_client, 100);
}

#[test]
fn fragments_never_made_whole_are_skipped_and_the_buffer_stays_bounded() {
    let seg = tcp(40000, 80, 1, 0, PSH | ACK, &[b'z'; 1000]);
    let ip = ipv4(C, S, 6, 1, 0, &seg);
    // 5,000 datagrams, each missing its last piece: more than the buffer
    // holds at once; every piece is counted as a fragment not used.
    let mut frames = Vec::new();
    for id in 0..5000u16 {
        let mut f = fragments_v4(&ip, 512);
        f.pop();
        for mut x in f {
            x[4..6].copy_from_slice(&id.to_be_bytes());
            frames.push(eth(0x0800, 1, &x));
        }
    }
    let cap = read(&pcap(1, &frames)).unwrap();
    let st = cap.stats();
    assert_eq!(st.skipped.fragment, frames.len() as u64, "{st:?}");
    assert_eq!(st.segments, 0);
    let mut json = String::new();
    cap.list_json(|p| json.push_str(p));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["skipped"][0]["reason"], "fragment");
    assert_eq!(v["skipped"][0]["count"], frames.len() as u64);
    assert!(v["skipped"][0]["what"]
        .as_str()
        .unwrap()
        .contains("fragment"));
    assert_eq!(v["connections"], serde_json::json!([]));
}

#[test]
fn fragments_of_other_protocols_are_not_tcp() {
    let u = udp(53, 53, &[0; 600]);
    let ip = ipv4(C, S, 17, 9, 0, &u);
    let frames: Vec<Vec<u8>> = fragments_v4(&ip, 256)
        .iter()
        .map(|x| eth(0x0800, 1, x))
        .collect();
    let n = frames.len() as u64;
    let st = read(&pcap(1, &frames)).unwrap().stats().clone();
    assert_eq!(st.skipped.not_tcp, n, "{st:?}");
    assert_eq!(st.skipped.fragment, 0);
}

#[test]
fn tunnels_inside_tunnels_stop_at_a_depth() {
    // IP in IP in IP ... 40 deep: skipped, not followed for ever.
    let mut p = ipv4(C, S, 6, 1, 0x4000, &tcp(1, 2, 3, 0, SYN, &[]));
    for _ in 0..40 {
        p = ipv4(C, S, 4, 1, 0x4000, &p);
    }
    let st = read(&pcap(1, &[eth(0x0800, 1, &p)]))
        .unwrap()
        .stats()
        .clone();
    assert_eq!(st.segments, 0);
    assert_eq!(st.skipped.not_ip, 1, "{st:?}");
}
