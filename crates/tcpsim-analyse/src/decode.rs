//! One captured frame to one TCP segment, or the reason it is not one.
//!
//! - The link layer: Linux cooked (SLL, SLL2), raw IP and NFLOG by
//!   `pcap-parser`'s `data` module; Ethernet and BSD loopback (in either
//!   byte order) here, a few bytes each.
//! - Between the link and IP, here, each a few bounded lines: VLAN tags to
//!   any depth (802.1Q, 802.1ad), PPPoE session, MPLS labels.
//! - IP and TCP by etherparse's lax slicer, which keeps what a short
//!   snapshot length left.
//! - Tunnels, opened here to the segment they carry: VXLAN (UDP 4789),
//!   Geneve (UDP 6081), GRE (with keys and sequence numbers), ERSPAN types
//!   II and III, IP in IP. At most [`MAX_DEPTH`] layers.
//! - IP fragments (IPv4 and IPv6), put back together in [`Defrag`], a
//!   bounded buffer.
//!
//! etherparse 0.21 stops after three VLAN tags and knows none of the
//! tunnels; its `defrag` module says itself that it is not safe against a
//! capture that opens many datagrams and never ends them. Hence the small
//! decoders here, each tested on a crafted frame (tests/captures.rs) and
//! fed mutated frames (tests/robustness.rs).

use std::net::IpAddr;

use etherparse::{
    err::Layer, EtherType, Ipv6ExtensionSlice, LaxNetSlice, LaxSlicedPacket, TcpOptionElement,
    TcpSlice, TransportSlice,
};
use pcap_parser::data::{
    get_packetdata_linux_sll, get_packetdata_linux_sll2, get_packetdata_nflog, get_packetdata_raw,
    PacketData,
};
use pcap_parser::Linktype;

/// What a TCP segment tells, as far as the analyser needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wire {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: u32,
    /// TCP flag bits, as in the header (FIN 0x01 ... ACK 0x10).
    pub flags: u8,
    pub win: u16,
    /// Payload bytes the segment carried (from the IP length fields, not
    /// from what the snapshot length kept).
    pub len: u32,
    /// IPv4 TTL or IPv6 hop limit.
    pub ttl: u8,
    /// IPv4 identification (0 for IPv6).
    pub ip_id: u16,
    /// Source MAC address, when the link layer has one.
    pub mac: Option<[u8; 6]>,
    /// Option bits: [`OPT_SACK_OK`], [`OPT_SACK`], [`OPT_ANY`].
    pub opts: u8,
    /// The window scale option's shift, or [`NO_WSCALE`].
    pub wscale: u8,
    /// Its SACK blocks, as sent (RFC 2018 3).
    pub sack: Sack,
}

/// The SACK blocks of one segment, left and right edges as sent, first
/// block first (RFC 2018 3: at most four fit in the 40 bytes of options;
/// RFC 2883 4: a D-SACK is the first). Kept aside from the segment table's
/// rows, only for the segments that carry blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sack {
    pub n: u8,
    pub blocks: [(u32, u32); 4],
}

impl Sack {
    pub fn blocks(&self) -> &[(u32, u32)] {
        &self.blocks[..self.n as usize]
    }

    /// Whether the first block is a D-SACK, reporting a segment received
    /// twice rather than one beyond a hole (RFC 2883 4): it lies below the
    /// cumulative acknowledgment `ack`, or inside the second block. Linux
    /// `tcp_check_dsack`.
    pub fn dsack(&self, ack: u32) -> bool {
        let b = self.blocks();
        match b {
            [] => false,
            [(l0, _), ..] if crate::table::seq_lt(*l0, ack) => true,
            [(l0, r0), (l1, r1), ..] => {
                !crate::table::seq_lt(*l0, *l1) && !crate::table::seq_lt(*r1, *r0)
            }
            _ => false,
        }
    }
}

/// No window scale option in the segment.
pub(crate) const NO_WSCALE: u8 = 0xff;

/// The SYN offered selective acknowledgment (SACK-permitted option).
pub(crate) const OPT_SACK_OK: u8 = 1;
/// The segment carries SACK blocks.
pub(crate) const OPT_SACK: u8 = 2;
/// The segment carries TCP options at all (every real stack's SYN does:
/// MSS at least; a SYN without any tells nothing about SACK).
pub(crate) const OPT_ANY: u8 = 4;
/// The segment carries MPTCP's MP_FASTCLOSE (option 30, subtype 7: RFC 8684
/// 3.5), which its receiver answers with RST.
pub(crate) const OPT_MP_FASTCLOSE: u8 = 8;

/// Whether raw TCP options hold an MPTCP MP_FASTCLOSE (a bounded walk: a
/// malformed length ends it).
fn mp_fastclose(mut o: &[u8]) -> bool {
    while let [kind, rest @ ..] = o {
        match kind {
            0 => return false,
            1 => o = rest,
            _ => {
                let Some(&len) = rest.first() else {
                    return false;
                };
                let len = len as usize;
                if len < 2 || len > o.len() {
                    return false;
                }
                if *kind == 30 && len >= 3 && o[2] >> 4 == 7 {
                    return true;
                }
                o = &o[len..];
            }
        }
    }
    false
}

/// Why a frame is not a segment the analyser uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Skip {
    /// No IP layer (ARP, LLDP, spanning tree...).
    NotIp,
    /// IP, but another protocol (UDP, ICMP...).
    NotTcp,
    /// An IP fragment: no TCP header to read.
    Fragment,
    /// The snapshot length cut the TCP header.
    TcpHeaderCut,
    /// A header that does not parse.
    Malformed,
}

/// Tunnels and link headers inside one another that are taken apart
/// before giving up (VXLAN in GRE in ... is damage or a loop, not traffic).
const MAX_DEPTH: u8 = 8;

/// Decode one frame of link type `link` (IP fragments are handed to
/// `frag`, which answers with the segment once its datagram is whole).
pub(crate) fn decode(
    link: Linktype,
    data: &[u8],
    ts: i64,
    frag: &mut Defrag,
) -> Result<Wire, Skip> {
    let cx = Cx {
        ts,
        depth: 0,
        ip_len: None,
    };
    match link {
        Linktype::ETHERNET => ethernet(data, cx, frag),
        // BSD loopback: the address family in the capturing host's byte
        // order, which need not be ours: read both ways, the family is a
        // small number. OpenBSD's DLT_LOOP writes it in network order.
        Linktype::NULL | Linktype::LOOP => {
            let fam = data.get(..4).ok_or(Skip::Malformed)?;
            let fam = [fam[0], fam[1], fam[2], fam[3]];
            let (le, be) = (u32::from_le_bytes(fam), u32::from_be_bytes(fam));
            let f = if link == Linktype::LOOP {
                be
            } else {
                le.min(be)
            };
            match f {
                // AF_INET everywhere; AF_INET6 on NetBSD/OpenBSD, FreeBSD,
                // macOS, Linux.
                2 => l3(0x0800, &data[4..], None, cx, frag),
                24 | 28 | 30 | 10 => l3(0x86dd, &data[4..], None, cx, frag),
                _ => Err(Skip::NotIp),
            }
        }
        _ => {
            let got = match link {
                Linktype::RAW => get_packetdata_raw(data, data.len()),
                Linktype::IPV4 => Some(PacketData::L3(0x0800, data)),
                Linktype::IPV6 => Some(PacketData::L3(0x86dd, data)),
                Linktype::LINUX_SLL => get_packetdata_linux_sll(data, data.len()),
                Linktype::LINUX_SLL2 => get_packetdata_linux_sll2(data, data.len()),
                Linktype::NFLOG => get_packetdata_nflog(data, data.len()),
                _ => return Err(Skip::NotIp),
            };
            match got {
                Some(PacketData::L2(d)) => ethernet(d, cx, frag),
                Some(PacketData::L3(ethertype, d)) => l3(ethertype, d, None, cx, frag),
                Some(PacketData::L4(..)) | Some(PacketData::Unsupported(_)) => Err(Skip::NotIp),
                None => Err(Skip::Malformed),
            }
        }
    }
}

/// Where in the frame the decoder is.
#[derive(Clone, Copy)]
struct Cx {
    ts: i64,
    /// Link headers and tunnels taken apart so far.
    depth: u8,
    /// The IP packet's length as the layer just below it gives it, when
    /// that layer has a length field (PPPoE's): it bounds the IP header's.
    ip_len: Option<usize>,
}

impl Cx {
    fn deeper(self) -> Result<Cx, Skip> {
        if self.depth >= MAX_DEPTH {
            return Err(Skip::NotIp);
        }
        Ok(Cx {
            depth: self.depth + 1,
            ip_len: None,
            ..self
        })
    }
}

/// An Ethernet II frame: its source address, and what it carries.
fn ethernet(d: &[u8], cx: Cx, frag: &mut Defrag) -> Result<Wire, Skip> {
    if d.len() < 14 {
        return Err(Skip::Malformed);
    }
    let mut mac = [0u8; 6];
    mac.copy_from_slice(&d[6..12]);
    let et = u16::from_be_bytes([d[12], d[13]]);
    if et < 0x0600 {
        // An 802.3 length: LLC (spanning tree, ...), not IP.
        return Err(Skip::NotIp);
    }
    l3(et, &d[14..], Some(mac), cx.deeper()?, frag)
}

/// What an EtherType announces: IP, or one more header before it (VLAN
/// tags, any number of them; PPPoE session; MPLS labels; Ethernet inside a
/// tunnel).
fn l3(et: u16, d: &[u8], mac: Option<[u8; 6]>, cx: Cx, frag: &mut Defrag) -> Result<Wire, Skip> {
    match et {
        0x0800 | 0x86dd => ip(et, d, mac, cx, frag),
        // 802.1Q, 802.1ad (QinQ), and the older QinQ tags 0x9100, 0x9200:
        // four bytes, the last two the next EtherType.
        0x8100 | 0x88a8 | 0x9100 | 0x9200 => {
            let next = d.get(2..4).ok_or(Skip::Malformed)?;
            l3(
                u16::from_be_bytes([next[0], next[1]]),
                &d[4..],
                mac,
                cx.deeper()?,
                frag,
            )
        }
        // PPPoE session stage (RFC 2516 4): six bytes, then PPP's protocol
        // number (RFC 1661 2): 0x0021 IPv4, 0x0057 IPv6.
        // Its LENGTH (the PPP payload's, protocol number included) bounds
        // the IP packet: bytes beyond it are the Ethernet frame's padding,
        // whatever the IP header's total length says.
        0x8864 => {
            let h = d.get(..8).ok_or(Skip::Malformed)?;
            let mut inner = cx.deeper()?;
            let len = u16::from_be_bytes([h[4], h[5]]) as usize;
            inner.ip_len = (len >= 2 + 20).then(|| len - 2);
            match u16::from_be_bytes([h[6], h[7]]) {
                0x0021 => ip(0x0800, &d[8..], mac, inner, frag),
                0x0057 => ip(0x86dd, &d[8..], mac, inner, frag),
                _ => Err(Skip::NotIp),
            }
        }
        // MPLS (RFC 3032 2.1): labels of four bytes until the one with the
        // bottom-of-stack bit; then IP, told by its version nibble.
        0x8847 | 0x8848 => {
            let mut at = 0;
            loop {
                let l = d.get(at..at + 4).ok_or(Skip::Malformed)?;
                at += 4;
                if l[2] & 1 == 1 {
                    break;
                }
            }
            match d.get(at).map(|b| b >> 4) {
                Some(4) => ip(0x0800, &d[at..], mac, cx.deeper()?, frag),
                Some(6) => ip(0x86dd, &d[at..], mac, cx.deeper()?, frag),
                _ => Err(Skip::NotIp),
            }
        }
        // Transparent Ethernet bridging (GRE's and Geneve's Ethernet).
        0x6558 => ethernet(d, cx.deeper()?, frag),
        _ => Err(Skip::NotIp),
    }
}

/// An IP packet: a TCP segment, a fragment of one, or a tunnel to open.
fn ip(et: u16, d: &[u8], mac: Option<[u8; 6]>, cx: Cx, frag: &mut Defrag) -> Result<Wire, Skip> {
    let p = LaxSlicedPacket::from_ether_type(EtherType(et), d);
    let mut net = match &p.net {
        Some(LaxNetSlice::Ipv4(v4)) => {
            let h = v4.header();
            let pl = v4.payload();
            Net {
                src: IpAddr::from(h.source()),
                dst: IpAddr::from(h.destination()),
                ttl: h.ttl(),
                ip_id: h.identification(),
                proto: pl.ip_number.0,
                declared: declared(h.slice(), pl.payload, pl.incomplete, h.total_len() as usize),
                frag: pl.fragmented.then(|| {
                    (
                        h.identification() as u32,
                        h.fragments_offset().value() as u32 * 8,
                        h.more_fragments(),
                    )
                }),
            }
        }
        Some(LaxNetSlice::Ipv6(v6)) => {
            let h = v6.header();
            let pl = v6.payload();
            let frag = pl.fragmented.then(|| {
                v6.extensions().clone().into_iter().find_map(|e| match e {
                    Ipv6ExtensionSlice::Fragment(f) => Some((
                        f.identification(),
                        f.fragment_offset().value() as u32 * 8,
                        f.more_fragments(),
                    )),
                    _ => None,
                })
            });
            Net {
                src: IpAddr::from(h.source()),
                dst: IpAddr::from(h.destination()),
                ttl: h.hop_limit(),
                ip_id: 0,
                proto: pl.ip_number.0,
                declared: declared(
                    h.slice(),
                    pl.payload,
                    pl.incomplete,
                    40 + h.payload_length() as usize,
                ),
                frag: match frag {
                    Some(Some(f)) => Some(f),
                    Some(None) => return Err(Skip::Malformed),
                    None => None,
                },
            }
        }
        Some(LaxNetSlice::Arp(_)) | None => {
            return Err(match &p.stop_err {
                Some((_, Layer::IpHeader | Layer::Ipv4Header | Layer::Ipv6Header)) => {
                    Skip::Malformed
                }
                _ => Skip::NotIp,
            })
        }
    };
    let payload = match &p.net {
        Some(LaxNetSlice::Ipv4(v4)) => v4.payload().payload,
        Some(LaxNetSlice::Ipv6(v6)) => v6.payload().payload,
        _ => &[],
    };
    if let Some(cap) = cx.ip_len {
        // (The payload lies within `d`: its offset is the IP headers'.)
        let headers = (payload.as_ptr() as usize).saturating_sub(d.as_ptr() as usize);
        net.declared = net.declared.min(cap.saturating_sub(headers));
    }
    if let Some((id, offset, more)) = net.frag {
        return frag.add(&net, id, offset, more, payload, mac, cx.ts);
    }
    match net.proto {
        6 => {
            let Some(TransportSlice::Tcp(tcp)) = &p.transport else {
                return Err(match &p.stop_err {
                    Some((etherparse::err::packet::SliceError::Len(_), Layer::TcpHeader)) => {
                        Skip::TcpHeaderCut
                    }
                    _ => Skip::Malformed,
                });
            };
            Ok(wire(&net, tcp, mac))
        }
        // UDP: VXLAN (RFC 7348 5: 8 bytes, then Ethernet) on 4789, Geneve
        // (RFC 8926 3: 8 bytes and its options, then the protocol its
        // header names) on 6081.
        17 => {
            let u = payload.get(..8).ok_or(Skip::NotTcp)?;
            let body = &payload[8..];
            match u16::from_be_bytes([u[2], u[3]]) {
                4789 => ethernet(body.get(8..).ok_or(Skip::Malformed)?, cx.deeper()?, frag),
                6081 => {
                    let g = body.get(..8).ok_or(Skip::Malformed)?;
                    let opts = (g[0] & 0x3f) as usize * 4;
                    let inner = body.get(8 + opts..).ok_or(Skip::Malformed)?;
                    l3(
                        u16::from_be_bytes([g[2], g[3]]),
                        inner,
                        mac,
                        cx.deeper()?,
                        frag,
                    )
                }
                _ => Err(Skip::NotTcp),
            }
        }
        // GRE (RFC 2784, RFC 2890 keys and sequence numbers), and ERSPAN
        // inside it (types II and III: the mirrored Ethernet frame after
        // 8 or 12 bytes, 12 more for type III's platform subheader).
        47 => {
            let g = payload.get(..4).ok_or(Skip::Malformed)?;
            if g[1] & 0x07 != 0 {
                // Version 1 is PPTP's enhanced GRE: not read.
                return Err(Skip::NotIp);
            }
            let len = 4 + 4
                * ((g[0] & 0x80 != 0) as usize
                    + (g[0] & 0x20 != 0) as usize
                    + (g[0] & 0x10 != 0) as usize);
            let body = payload.get(len..).ok_or(Skip::Malformed)?;
            match u16::from_be_bytes([g[2], g[3]]) {
                0x88be => ethernet(body.get(8..).ok_or(Skip::Malformed)?, cx.deeper()?, frag),
                0x22eb => {
                    let h = body.get(..12).ok_or(Skip::Malformed)?;
                    let sub = if h[11] & 1 != 0 { 8 } else { 0 };
                    ethernet(
                        body.get(12 + sub..).ok_or(Skip::Malformed)?,
                        cx.deeper()?,
                        frag,
                    )
                }
                t => l3(t, body, mac, cx.deeper()?, frag),
            }
        }
        // IP in IP (RFC 2003), IPv6 in IP (RFC 4213).
        4 => ip(0x0800, payload, mac, cx.deeper()?, frag),
        41 => ip(0x86dd, payload, mac, cx.deeper()?, frag),
        _ => Err(Skip::NotTcp),
    }
}

/// What the IP layer told, for the segment it carries.
pub(crate) struct Net {
    src: IpAddr,
    dst: IpAddr,
    ttl: u8,
    ip_id: u16,
    proto: u8,
    /// The payload's length as the IP header gives it (not what the
    /// snapshot length kept).
    declared: usize,
    /// A fragment: identification, byte offset, more fragments.
    frag: Option<(u32, u32, bool)>,
}

/// The payload's length from the IP header when the snapshot cut it.
fn declared(header: &[u8], payload: &[u8], incomplete: bool, total: usize) -> usize {
    if incomplete {
        let offset = (payload.as_ptr() as usize).saturating_sub(header.as_ptr() as usize);
        total.saturating_sub(offset)
    } else {
        payload.len()
    }
}

fn wire(net: &Net, tcp: &TcpSlice<'_>, mac: Option<[u8; 6]>) -> Wire {
    let header = tcp.header_slice().len();
    let len = net.declared.saturating_sub(header);
    let mut opts = if tcp.options().is_empty() { 0 } else { OPT_ANY };
    if mp_fastclose(tcp.options()) {
        opts |= OPT_MP_FASTCLOSE;
    }
    let mut wscale = NO_WSCALE;
    let mut sack = Sack::default();
    for o in tcp.options_iterator() {
        match o {
            Ok(TcpOptionElement::WindowScale(w)) => wscale = w.min(14),
            Ok(TcpOptionElement::SelectiveAcknowledgementPermitted) => opts |= OPT_SACK_OK,
            Ok(TcpOptionElement::SelectiveAcknowledgement(first, rest)) => {
                opts |= OPT_SACK;
                sack = Sack::default();
                for b in std::iter::once(first).chain(rest.into_iter().flatten()) {
                    sack.blocks[sack.n as usize] = b;
                    sack.n += 1;
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let flags = (tcp.fin() as u8)
        | (tcp.syn() as u8) << 1
        | (tcp.rst() as u8) << 2
        | (tcp.psh() as u8) << 3
        | (tcp.ack() as u8) << 4;
    Wire {
        src: net.src,
        dst: net.dst,
        sport: tcp.source_port(),
        dport: tcp.destination_port(),
        seq: tcp.sequence_number(),
        ack: tcp.acknowledgment_number(),
        flags,
        win: tcp.window_size(),
        len: u32::try_from(len).unwrap_or(u32::MAX),
        ttl: net.ttl,
        ip_id: net.ip_id,
        mac,
        opts,
        wscale,
        sack,
    }
}

/// IP fragments waiting for the rest of their datagram, in a bounded
/// buffer: at most [`Defrag::MAX_DATAGRAMS`] datagrams and
/// [`Defrag::MAX_BYTES`] bytes at once, each given up after
/// [`Defrag::TIMEOUT_NS`] of capture time (Linux's `ipfrag_time`, 30 s).
/// When it is full, the datagram that began longest ago is given up. A
/// datagram is whole when its pieces cover every byte from 0 to the end the
/// last piece (more-fragments clear) gives; the TCP segment it carries is
/// then read from it. A piece cut by the snapshot length counts for the
/// length its IP header gives (its missing bytes are zeros): the TCP header
/// is in the first piece, and a segment's length comes from the IP header.
#[derive(Default)]
pub(crate) struct Defrag {
    pending: Vec<Datagram>,
    held: usize,
    /// Fragments of datagrams given up (timed out, evicted, or impossible).
    pub unused: u64,
    /// Fragments of whole datagrams that carried no TCP segment, but the
    /// one that completed each (counted by the caller).
    pub not_tcp: u64,
}

struct Datagram {
    key: (IpAddr, IpAddr, u32, u8),
    first_ts: i64,
    /// (offset, declared length, captured bytes)
    pieces: Vec<(u32, u32, Vec<u8>)>,
    /// The datagram's length, once its last piece came.
    end: Option<u32>,
    /// The first piece's IP fields (TTL, identification) and MAC.
    ttl: u8,
    ip_id: u16,
    mac: Option<[u8; 6]>,
}

impl Defrag {
    pub const MAX_DATAGRAMS: usize = 64;
    pub const MAX_BYTES: usize = 4 << 20;
    pub const TIMEOUT_NS: i64 = 30_000_000_000;
    /// The largest IP payload (a 16-bit length field, less the header).
    const MAX_LEN: u32 = 65_535;

    /// Fragments still waiting at the end of the capture.
    pub fn waiting(&self) -> u64 {
        self.pending.iter().map(|d| d.pieces.len() as u64).sum()
    }

    fn give_up(&mut self, i: usize) {
        let d = self.pending.swap_remove(i);
        self.held -= d.pieces.iter().map(|p| p.2.len()).sum::<usize>();
        self.unused += d.pieces.len() as u64;
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        net: &Net,
        id: u32,
        offset: u32,
        more: bool,
        bytes: &[u8],
        mac: Option<[u8; 6]>,
        ts: i64,
    ) -> Result<Wire, Skip> {
        // Give up what waited too long.
        let mut i = 0;
        while i < self.pending.len() {
            if ts.saturating_sub(self.pending[i].first_ts) > Self::TIMEOUT_NS {
                self.give_up(i);
            } else {
                i += 1;
            }
        }
        let len = u32::try_from(net.declared).unwrap_or(u32::MAX);
        let keep = &bytes[..bytes.len().min(net.declared)];
        if offset.saturating_add(len) > Self::MAX_LEN || (more && len % 8 != 0) {
            self.unused += 1;
            return Err(Skip::Fragment);
        }
        let key = (net.src, net.dst, id, net.proto);
        let at = match self.pending.iter().position(|d| d.key == key) {
            Some(at) => at,
            None => {
                while self.pending.len() >= Self::MAX_DATAGRAMS
                    || (self.held + keep.len() > Self::MAX_BYTES && !self.pending.is_empty())
                {
                    let oldest = (0..self.pending.len())
                        .min_by_key(|&k| self.pending[k].first_ts)
                        .unwrap_or(0);
                    self.give_up(oldest);
                }
                self.pending.push(Datagram {
                    key,
                    first_ts: ts,
                    pieces: Vec::new(),
                    end: None,
                    ttl: net.ttl,
                    ip_id: net.ip_id,
                    mac,
                });
                self.pending.len() - 1
            }
        };
        if self.held + keep.len() > Self::MAX_BYTES {
            self.unused += 1;
            return Err(Skip::Fragment);
        }
        let d = &mut self.pending[at];
        if offset == 0 {
            (d.ttl, d.ip_id, d.mac) = (net.ttl, net.ip_id, mac);
        }
        if !more {
            d.end = Some(offset + len);
        }
        d.pieces.push((offset, len, keep.to_vec()));
        self.held += keep.len();
        let Some(end) = d.end else {
            return Err(Skip::Fragment);
        };
        d.pieces.sort_by_key(|p| p.0);
        let mut covered = 0;
        for p in &d.pieces {
            if p.0 > covered {
                return Err(Skip::Fragment);
            }
            covered = covered.max(p.0 + p.1);
        }
        if covered < end {
            return Err(Skip::Fragment);
        }
        // Whole: lay the pieces out (the first copy of a byte wins, as
        // Linux's reassembly keeps it), and read the transport header.
        let d = self.pending.swap_remove(at);
        self.held -= d.pieces.iter().map(|p| p.2.len()).sum::<usize>();
        let mut buf = vec![0u8; end as usize];
        for p in d.pieces.iter().rev() {
            let from = p.0 as usize;
            let to = (from + p.2.len()).min(buf.len());
            buf[from..to].copy_from_slice(&p.2[..to - from]);
        }
        if net.proto != 6 {
            self.not_tcp += d.pieces.len() as u64 - 1;
            return Err(Skip::NotTcp);
        }
        let Ok(tcp) = TcpSlice::from_slice(&buf) else {
            self.unused += d.pieces.len() as u64 - 1;
            return Err(Skip::TcpHeaderCut);
        };
        let whole = Net {
            declared: end as usize,
            ttl: d.ttl,
            ip_id: d.ip_id,
            frag: None,
            src: net.src,
            dst: net.dst,
            proto: 6,
        };
        Ok(wire(&whole, &tcp, d.mac))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw IPv4 ACK with TCP options `opts` (a multiple of 4 bytes).
    fn ack_with(opts: &[u8], ack: u32) -> Vec<u8> {
        let tcp_len = 20 + opts.len();
        let total = 20 + tcp_len;
        let mut f = vec![
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            1,
            0x40,
            0,
            64,
            6,
            0,
            0,
            10,
            0,
            0,
            2,
            10,
            0,
            0,
            1,
        ];
        f.extend_from_slice(&[0x1f, 0x90, 0x9c, 0x40]);
        f.extend_from_slice(&5000u32.to_be_bytes());
        f.extend_from_slice(&ack.to_be_bytes());
        f.extend_from_slice(&[((tcp_len / 4) << 4) as u8, 0x10, 0xff, 0xff, 0, 0, 0, 0]);
        f.extend_from_slice(opts);
        f
    }

    fn sack_option(blocks: &[(u32, u32)]) -> Vec<u8> {
        let mut o = vec![1, 1, 5, 2 + 8 * blocks.len() as u8];
        for (l, r) in blocks {
            o.extend_from_slice(&l.to_be_bytes());
            o.extend_from_slice(&r.to_be_bytes());
        }
        o
    }

    fn sack_of(opts: &[u8], ack: u32) -> Sack {
        let w = decode(
            Linktype::RAW,
            &ack_with(opts, ack),
            0,
            &mut Defrag::default(),
        )
        .unwrap();
        assert_ne!(w.opts & OPT_SACK, 0);
        w.sack
    }

    #[test]
    fn pppoe_length_bounds_the_ip_packet() {
        // A pure ACK in a PPPoE session whose LENGTH says 42 (PPP's 2 bytes
        // and 40 of IP) while its IPv4 total length says 46: the 6 bytes
        // after it are the Ethernet frame's padding, not data (zeek's
        // pppoe-over-qinq.pcap has such frames; tshark reads them so).
        let mut ip = ack_with(&[], 1000);
        ip[3] = 46;
        let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0x64];
        f.extend_from_slice(&[0x11, 0, 0, 1, 0, 42, 0, 0x21]);
        f.extend_from_slice(&ip);
        f.extend_from_slice(&[0; 6]);
        let w = decode(Linktype::ETHERNET, &f, 0, &mut Defrag::default()).unwrap();
        assert_eq!(w.len, 0);
        // Without the PPPoE header the IP length is all there is: 6 bytes.
        let mut raw = ip.clone();
        raw.extend_from_slice(&[0; 6]);
        let w = decode(Linktype::RAW, &raw, 0, &mut Defrag::default()).unwrap();
        assert_eq!(w.len, 6);
    }

    #[test]
    fn sack_edges_are_kept_and_a_d_sack_is_told_from_a_hole() {
        // Two blocks above the acknowledgment number 1000: holes, no D-SACK.
        let s = sack_of(&sack_option(&[(3000, 4000), (1500, 2000)]), 1000);
        assert_eq!(s.blocks(), [(3000, 4000), (1500, 2000)]);
        assert!(!s.dsack(1000));
        // A first block below the acknowledgment number (RFC 2883 4.1.1).
        let s = sack_of(&sack_option(&[(500, 1000)]), 1000);
        assert!(s.dsack(1000));
        // A first block inside the second (RFC 2883 4.1.2), above the ACK.
        let s = sack_of(&sack_option(&[(3000, 3500), (2500, 4000)]), 1000);
        assert!(s.dsack(1000));
        // Four blocks, the most the options hold, across the wrap.
        let b = [(u32::MAX - 99, 50), (100, 200), (300, 400), (500, 600)];
        let s = sack_of(&sack_option(&b), u32::MAX - 200);
        assert_eq!(s.blocks(), b);
        assert!(!s.dsack(u32::MAX - 200));
    }
}
