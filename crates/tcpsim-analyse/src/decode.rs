//! One captured frame to one TCP segment, or the reason it is not one.
//! The link layer is taken apart by `pcap-parser`'s `data` module (or by
//! etherparse for Ethernet, which also gives the source MAC address and
//! skips VLAN tags); IP and TCP by etherparse's lax slicer, which keeps what
//! a short snapshot length left.

use std::net::IpAddr;

use etherparse::{
    err::Layer, EtherType, LaxNetSlice, LaxSlicedPacket, LinkSlice, TcpOptionElement,
    TransportSlice,
};
use pcap_parser::data::{get_packetdata, PacketData};
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

/// Decode one frame of link type `link`.
pub(crate) fn decode(link: Linktype, data: &[u8]) -> Result<Wire, Skip> {
    let (packet, mac) = if link == Linktype::ETHERNET {
        let p = LaxSlicedPacket::from_ethernet(data).map_err(|_| Skip::Malformed)?;
        let mac = match &p.link {
            Some(LinkSlice::Ethernet2(e)) => Some(e.source()),
            _ => None,
        };
        (p, mac)
    } else {
        match get_packetdata(data, link, data.len()) {
            Some(PacketData::L2(d)) => {
                let p = LaxSlicedPacket::from_ethernet(d).map_err(|_| Skip::Malformed)?;
                let mac = match &p.link {
                    Some(LinkSlice::Ethernet2(e)) => Some(e.source()),
                    _ => None,
                };
                (p, mac)
            }
            Some(PacketData::L3(ethertype, d)) => (
                LaxSlicedPacket::from_ether_type(EtherType(ethertype), d),
                None,
            ),
            Some(PacketData::L4(..)) | Some(PacketData::Unsupported(_)) => return Err(Skip::NotIp),
            None => return Err(Skip::Malformed),
        }
    };
    segment(&packet, mac)
}

fn segment(p: &LaxSlicedPacket<'_>, mac: Option<[u8; 6]>) -> Result<Wire, Skip> {
    let (src, dst, ttl, ip_id, payload, declared) = match &p.net {
        Some(LaxNetSlice::Ipv4(v4)) => {
            let h = v4.header();
            let pl = v4.payload();
            let start = h.slice().as_ptr() as usize;
            let offset = (pl.payload.as_ptr() as usize).saturating_sub(start);
            // Cut by the snapshot length: the header says how long it was.
            let declared = if pl.incomplete {
                (h.total_len() as usize).saturating_sub(offset)
            } else {
                pl.payload.len()
            };
            (
                IpAddr::from(h.source()),
                IpAddr::from(h.destination()),
                h.ttl(),
                h.identification(),
                pl,
                declared,
            )
        }
        Some(LaxNetSlice::Ipv6(v6)) => {
            let h = v6.header();
            let pl = v6.payload();
            let start = h.slice().as_ptr() as usize;
            let offset = (pl.payload.as_ptr() as usize).saturating_sub(start);
            let declared = if pl.incomplete {
                (40 + h.payload_length() as usize).saturating_sub(offset)
            } else {
                pl.payload.len()
            };
            (
                IpAddr::from(h.source()),
                IpAddr::from(h.destination()),
                h.hop_limit(),
                0,
                pl,
                declared,
            )
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
    if payload.fragmented {
        return Err(Skip::Fragment);
    }
    if payload.ip_number != etherparse::ip_number::TCP {
        return Err(Skip::NotTcp);
    }
    let Some(TransportSlice::Tcp(tcp)) = &p.transport else {
        return Err(match &p.stop_err {
            Some((etherparse::err::packet::SliceError::Len(_), Layer::TcpHeader)) => {
                Skip::TcpHeaderCut
            }
            _ => Skip::Malformed,
        });
    };
    let header = tcp.header_slice().len();
    let len = declared.saturating_sub(header);
    let mut opts = if tcp.options().is_empty() { 0 } else { OPT_ANY };
    if mp_fastclose(tcp.options()) {
        opts |= OPT_MP_FASTCLOSE;
    }
    let mut wscale = NO_WSCALE;
    for o in tcp.options_iterator() {
        match o {
            Ok(TcpOptionElement::WindowScale(w)) => wscale = w.min(14),
            Ok(TcpOptionElement::SelectiveAcknowledgementPermitted) => opts |= OPT_SACK_OK,
            Ok(TcpOptionElement::SelectiveAcknowledgement(..)) => opts |= OPT_SACK,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let flags = (tcp.fin() as u8)
        | (tcp.syn() as u8) << 1
        | (tcp.rst() as u8) << 2
        | (tcp.psh() as u8) << 3
        | (tcp.ack() as u8) << 4;
    Ok(Wire {
        src,
        dst,
        sport: tcp.source_port(),
        dport: tcp.destination_port(),
        seq: tcp.sequence_number(),
        ack: tcp.acknowledgment_number(),
        flags,
        win: tcp.window_size(),
        len: u32::try_from(len).unwrap_or(u32::MAX),
        ttl,
        ip_id,
        mac,
        opts,
        wscale,
    })
}
