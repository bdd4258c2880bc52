//! Capture files in, frames out. pcap (either byte order, micro- or
//! nanosecond timestamps, and the "modified" variant) and pcapng (any
//! number of sections and interfaces, either byte order, any timestamp
//! resolution) are parsed by `pcap-parser`; this module only feeds it bytes
//! as they come, in chunks of any size, and keeps what a record needs
//! between two chunks.
//!
//! Nothing here can loop without consuming input or hold more than one
//! record's worth of bytes beyond the chunk it was given: a record that
//! claims more than [`MAX_RECORD`] bytes is damage, not a reason to wait.

use pcap_parser::nom::{Err as NomErr, IResult, Needed};
use pcap_parser::pcap::{
    parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified, parse_pcap_header,
};
use pcap_parser::pcapng::{
    parse_enhancedpacketblock_be, parse_enhancedpacketblock_le, parse_interfacedescriptionblock_be,
    parse_interfacedescriptionblock_le, parse_interfacestatisticsblock_be,
    parse_interfacestatisticsblock_le, parse_sectionheaderblock, parse_simplepacketblock_be,
    parse_simplepacketblock_le, parse_unknownblock_be, parse_unknownblock_le, Block, EPB_MAGIC,
    IDB_MAGIC, ISB_MAGIC, SHB_MAGIC, SPB_MAGIC,
};
use pcap_parser::{Linktype, PcapError};

use crate::table::Table;
use crate::{not_a_capture, Error};

/// The largest record (pcap packet record or pcapng block) taken as real.
/// tcpdump's largest snapshot length is 262,144 bytes; a record claiming
/// more than 16 MiB is a corrupt length field.
pub const MAX_RECORD: usize = 16 << 20;

/// The link types this reader decodes, as `(code, name)`, for messages.
pub const LINK_TYPES: &str = "Ethernet (1), raw IP (101, 12, 14, 228, 229), Linux cooked SLL (113) and SLL2 (276), BSD loopback (0, 108), NFLOG (239)";

/// A link type we can decode, normalised (DLT_RAW's platform codes 12 and
/// 14 are LINKTYPE_RAW). A pcap header's link-type field carries more than
/// the type in its upper bits (the FCS length, RFC-to-be
/// draft-ietf-opsawg-pcap 4, libpcap's `LT_LINKTYPE`): only the low 16 bits
/// name the link, so 0x30000001 is Ethernet. The frames' trailing FCS is
/// beyond the IP length and never read.
pub(crate) fn supported_link(code: i32) -> Option<Linktype> {
    match code & 0xffff {
        0 => Some(Linktype::NULL),
        1 => Some(Linktype::ETHERNET),
        12 | 14 | 101 => Some(Linktype::RAW),
        108 => Some(Linktype::LOOP),
        113 => Some(Linktype::LINUX_SLL),
        239 => Some(Linktype::NFLOG),
        228 => Some(Linktype::IPV4),
        229 => Some(Linktype::IPV6),
        276 => Some(Linktype::LINUX_SLL2),
        _ => None,
    }
}

/// A few link types by name, for the message that refuses them.
pub(crate) fn link_name(code: i32) -> &'static str {
    match code & 0xffff {
        6 => "Token Ring",
        9 => "PPP",
        50 => "PPP in HDLC framing",
        104 => "Cisco HDLC",
        105 => "IEEE 802.11",
        119 => "Prism 802.11",
        127 => "802.11 radiotap",
        147..=162 => "a user-defined link type",
        187 => "Bluetooth HCI",
        189 => "USB (Linux)",
        195 => "IEEE 802.15.4",
        220 => "USB (Linux, memory-mapped)",
        239 => "Netfilter log (NFLOG)",
        249 => "USBPcap",
        252 => "Wireshark upper PDU",
        _ => "an unknown link type",
    }
}

/// One packet as the capture file holds it.
pub(crate) struct Frame<'a> {
    /// Nanoseconds since the Unix epoch.
    pub ts: i64,
    /// The pcapng interface (0 for pcap).
    pub iface: u32,
    pub link: Linktype,
    /// The captured bytes (at most the snapshot length).
    pub data: &'a [u8],
}

#[derive(Clone, Copy)]
struct Iface {
    /// `None` when the link type is not one we decode; its code is kept
    /// for the message.
    link: Option<Linktype>,
    code: i32,
    /// Timestamp units per second; `None` when the interface's `if_tsresol`
    /// is not representable.
    units: Option<u64>,
    /// `if_tsoffset`, seconds.
    offset: i64,
}

enum Format {
    /// Nothing read yet.
    Start,
    Pcap {
        be: bool,
        nanos: bool,
        modified: bool,
        link: Linktype,
    },
    PcapNg {
        be: bool,
        ifaces: Vec<Iface>,
    },
}

/// Why reading stopped early.
#[derive(Clone, Debug)]
pub(crate) enum Stop {
    /// The input cannot be read at all: every later call reports it.
    Fatal(Error),
    /// Damage after the given byte offset; what came before stands.
    Damage { offset: u64, what: String },
}

/// The file-level reader: bytes in, frames to the connection table.
pub(crate) struct Container {
    format: Format,
    /// Bytes of an unfinished record, carried to the next chunk.
    carry: Vec<u8>,
    /// File offset of the first byte not yet parsed.
    offset: u64,
    pub stop: Option<Stop>,
    /// Packet records read (every kind of packet).
    pub records: u64,
    /// Records on interfaces whose link type is not decoded, by link type.
    pub unsupported: Vec<(i32, u64)>,
    /// Whether any interface had a link type we decode.
    pub any_supported: bool,
    /// The `isb_endtime` of pcapng interface statistics blocks, raw, with
    /// their interface's resolution and offset (see [`Container::end_time`]).
    isb_ends: Vec<(u64, Option<u64>, i64)>,
    /// Timestamp of the previous record, for [`Container::backwards`].
    last_ts: Option<i64>,
    /// Records whose timestamp is earlier than the one before.
    pub backwards: u64,
    /// pcapng simple packet blocks have no timestamp: they get the last one.
    last_any_ts: i64,
}

impl Container {
    pub fn new() -> Container {
        Container {
            format: Format::Start,
            carry: Vec::new(),
            offset: 0,
            stop: None,
            records: 0,
            unsupported: Vec::new(),
            any_supported: false,
            isb_ends: Vec::new(),
            last_ts: None,
            backwards: 0,
            last_any_ts: 0,
        }
    }

    /// Parse as much of `chunk` (after whatever was carried) as forms whole
    /// records, handing each packet to `table`.
    pub fn feed(&mut self, chunk: &[u8], table: &mut Table) {
        if self.stop.is_some() {
            return;
        }
        if self.carry.is_empty() {
            let used = self.parse(chunk, table);
            self.carry.extend_from_slice(&chunk[used..]);
        } else {
            let mut buf = std::mem::take(&mut self.carry);
            buf.extend_from_slice(chunk);
            let used = self.parse(&buf, table);
            buf.drain(..used);
            self.carry = buf;
        }
        if self.stop.is_some() {
            self.carry = Vec::new();
        }
    }

    /// The end of the input: anything still carried is an unfinished record.
    pub fn finish(&mut self) {
        if self.stop.is_some() {
            return;
        }
        match self.format {
            Format::Start if self.offset == 0 && self.carry.is_empty() => {
                self.stop = Some(Stop::Fatal(Error::Empty));
            }
            Format::Start if is_pcap_magic(&self.carry) => {
                self.stop = Some(Stop::Fatal(Error::Corrupt {
                    offset: 0,
                    what: format!(
                        "the file ends inside its 24-byte pcap header ({} bytes)",
                        self.carry.len()
                    ),
                }));
            }
            Format::Start => {
                self.stop = Some(Stop::Fatal(not_a_capture(&self.carry)));
            }
            _ if !self.carry.is_empty() => {
                let what = format!(
                    "the file ends in the middle of a record ({} bytes of it are there)",
                    self.carry.len()
                );
                self.stop = Some(Stop::Damage {
                    offset: self.offset,
                    what,
                });
            }
            _ => {}
        }
        self.carry = Vec::new();
    }

    /// The capture's end as its interface statistics tell it, if they do
    /// and it is plausible: not before the `last` packet, and within a day
    /// of it. dumpcap 4.0 writes the end time in microseconds whatever the
    /// interface's resolution, so that reading is tried too.
    pub fn end_time(&self, last: i64) -> Option<i64> {
        const DAY: i64 = 86_400 * 1_000_000_000;
        self.isb_ends
            .iter()
            .filter_map(|&(raw, units, offset)| {
                [units, Some(1_000_000)]
                    .into_iter()
                    .map(|u| ts_nanos(raw, u, offset))
                    .find(|t| *t >= last && *t - last <= DAY)
            })
            .max()
    }

    fn damage(&mut self, at: usize, what: String) {
        self.stop = Some(Stop::Damage {
            offset: self.offset + at as u64,
            what,
        });
    }

    /// Parse whole records from `buf`; returns how many bytes were used.
    fn parse(&mut self, buf: &[u8], table: &mut Table) -> usize {
        let mut pos = 0usize;
        let used = loop {
            if self.stop.is_some() {
                break pos;
            }
            let rest = &buf[pos..];
            let step = match &self.format {
                Format::Start => self.start(rest),
                Format::Pcap { .. } => self.pcap_record(rest, pos, table),
                Format::PcapNg { .. } => self.pcapng_block(rest, pos, table),
            };
            match step {
                // A record needs more bytes than this chunk has.
                Step::More => break pos,
                Step::Again => {}
                Step::Used(n) if n > 0 => pos += n,
                // Never loop in place: a parser that consumed nothing is damage.
                Step::Used(_) => {
                    self.damage(pos, "a record of length zero".to_string());
                    break pos;
                }
            }
        };
        self.offset += used as u64;
        used
    }

    fn start(&mut self, rest: &[u8]) -> Step {
        if rest.len() < 4 {
            return Step::More;
        }
        match [rest[0], rest[1], rest[2], rest[3]] {
            _ if is_pcap_magic(rest) => {
                if rest.len() < 24 {
                    return Step::More;
                }
                match parse_pcap_header(rest) {
                    Ok((_, h)) => {
                        let code = h.network.0;
                        let Some(link) = supported_link(code) else {
                            self.stop = Some(Stop::Fatal(Error::UnknownLinkType { code }));
                            return Step::More;
                        };
                        self.any_supported = true;
                        self.format = Format::Pcap {
                            be: h.is_bigendian(),
                            nanos: h.is_nanosecond_precision(),
                            modified: h.is_modified_format(),
                            link,
                        };
                        Step::Used(24)
                    }
                    Err(_) => {
                        self.stop = Some(Stop::Fatal(Error::Corrupt {
                            offset: 0,
                            what: "the pcap file header cannot be read".to_string(),
                        }));
                        Step::More
                    }
                }
            }
            [0x0a, 0x0d, 0x0d, 0x0a] => {
                self.format = Format::PcapNg {
                    be: false,
                    ifaces: Vec::new(),
                };
                // The magic is the section header block's first field: read
                // again as such by the block parser.
                Step::Again
            }
            _ => {
                self.stop = Some(Stop::Fatal(not_a_capture(rest)));
                Step::More
            }
        }
    }

    fn note_ts(&mut self, ts: i64) {
        if let Some(prev) = self.last_ts {
            if ts < prev {
                self.backwards += 1;
            }
        }
        self.last_ts = Some(ts);
        self.last_any_ts = ts;
    }

    fn pcap_record(&mut self, rest: &[u8], pos: usize, table: &mut Table) -> Step {
        let Format::Pcap {
            be,
            nanos,
            modified,
            link,
        } = self.format
        else {
            return Step::More;
        };
        let parsed = if modified {
            parse_pcap_frame_modified(rest)
        } else if be {
            parse_pcap_frame_be(rest)
        } else {
            parse_pcap_frame(rest)
        };
        match parsed {
            Ok((r, f)) => {
                let used = rest.len() - r.len();
                let frac = if nanos {
                    f.ts_usec as i64
                } else {
                    f.ts_usec as i64 * 1000
                };
                let ts = f.ts_sec as i64 * 1_000_000_000 + frac;
                self.records += 1;
                self.note_ts(ts);
                table.frame(&Frame {
                    ts,
                    iface: 0,
                    link,
                    data: f.data,
                });
                Step::Used(used)
            }
            Err(NomErr::Incomplete(n)) => self.incomplete(rest, pos, n, 16),
            Err(_) => {
                self.damage(pos, "a packet record cannot be read".to_string());
                Step::More
            }
        }
    }

    /// A record is not all there yet: wait for more, unless what it claims
    /// is beyond belief.
    fn incomplete(&mut self, rest: &[u8], pos: usize, n: Needed, header: usize) -> Step {
        let need = match n {
            Needed::Size(s) => rest.len().saturating_add(s.get()),
            Needed::Unknown => rest.len() + 1,
        };
        if need > MAX_RECORD + header {
            self.damage(
                pos,
                format!(
                    "a record claims {need} bytes (more than {} MiB: a corrupt length)",
                    MAX_RECORD >> 20
                ),
            );
        }
        Step::More
    }

    fn pcapng_block(&mut self, rest: &[u8], pos: usize, table: &mut Table) -> Step {
        let Format::PcapNg { be, .. } = self.format else {
            return Step::More;
        };
        // Check the claimed block length before asking the parser, so that a
        // corrupt length is reported at once rather than waited for.
        if rest.len() >= 8 {
            let l = [rest[4], rest[5], rest[6], rest[7]];
            let len = if be {
                u32::from_be_bytes(l)
            } else {
                u32::from_le_bytes(l)
            } as usize;
            let is_shb = rest[..4] == [0x0a, 0x0d, 0x0d, 0x0a];
            if !is_shb && (len < 12 || len % 4 != 0 || len > MAX_RECORD) {
                self.damage(
                    pos,
                    format!("a pcapng block claims a length of {len} bytes, which is not a valid block length"),
                );
                return Step::More;
            }
        }
        let parsed = block(rest, be);
        let (r, block) = match parsed {
            Ok(x) => x,
            Err(NomErr::Incomplete(n)) => return self.incomplete(rest, pos, n, 0),
            Err(NomErr::Error(e)) | Err(NomErr::Failure(e)) => {
                let what = match e {
                    PcapError::HeaderNotRecognized => {
                        "a pcapng section header has an unknown byte-order mark".to_string()
                    }
                    _ => "a pcapng block cannot be read".to_string(),
                };
                self.damage(pos, what);
                return Step::More;
            }
        };
        let used = rest.len() - r.len();
        match block {
            Block::SectionHeader(shb) => {
                if shb.major_version != 1 {
                    self.damage(
                        pos,
                        format!(
                            "pcapng version {}.{} (this reader knows version 1)",
                            shb.major_version, shb.minor_version
                        ),
                    );
                    return Step::More;
                }
                self.format = Format::PcapNg {
                    be: shb.big_endian(),
                    ifaces: Vec::new(),
                };
            }
            Block::InterfaceDescription(idb) => {
                let code = idb.linktype.0;
                let link = supported_link(code);
                self.any_supported |= link.is_some();
                let iface = Iface {
                    link,
                    code,
                    units: idb.ts_resolution(),
                    offset: idb.ts_offset(),
                };
                if let Format::PcapNg { ifaces, .. } = &mut self.format {
                    if ifaces.len() < 65_536 {
                        ifaces.push(iface);
                    }
                }
            }
            Block::EnhancedPacket(epb) => {
                self.records += 1;
                let Some(iface) = self.iface(epb.if_id) else {
                    self.damage(
                        pos,
                        format!(
                            "a packet names interface {}, which no interface block describes",
                            epb.if_id
                        ),
                    );
                    return Step::More;
                };
                let raw = ((epb.ts_high as u64) << 32) | epb.ts_low as u64;
                let ts = ts_nanos(raw, iface.units, iface.offset);
                self.note_ts(ts);
                let caplen = (epb.caplen as usize).min(epb.data.len());
                self.packet(
                    iface,
                    Frame {
                        ts,
                        iface: epb.if_id,
                        link: iface.link.unwrap_or(Linktype(iface.code)),
                        data: &epb.data[..caplen],
                    },
                    table,
                );
            }
            Block::SimplePacket(spb) => {
                self.records += 1;
                let Some(iface) = self.iface(0) else {
                    self.damage(
                        pos,
                        "a simple packet block comes before any interface block".to_string(),
                    );
                    return Step::More;
                };
                let ts = self.last_any_ts;
                let caplen = (spb.origlen as usize).min(spb.data.len());
                self.packet(
                    iface,
                    Frame {
                        ts,
                        iface: 0,
                        link: iface.link.unwrap_or(Linktype(iface.code)),
                        data: &spb.data[..caplen],
                    },
                    table,
                );
            }
            Block::InterfaceStatistics(isb) => {
                if let (Some(Ok((hi, lo))), Some(iface)) =
                    (isb.isb_endtime(), self.iface(isb.if_id))
                {
                    let raw = ((hi as u64) << 32) | lo as u64;
                    if self.isb_ends.len() < 1024 {
                        self.isb_ends.push((raw, iface.units, iface.offset));
                    }
                }
            }
            _ => {}
        }
        Step::Used(used)
    }

    fn iface(&self, id: u32) -> Option<Iface> {
        match &self.format {
            Format::PcapNg { ifaces, .. } => ifaces.get(id as usize).copied(),
            _ => None,
        }
    }

    fn packet(&mut self, iface: Iface, frame: Frame<'_>, table: &mut Table) {
        if iface.link.is_none() {
            match self.unsupported.iter_mut().find(|(c, _)| *c == iface.code) {
                Some((_, n)) => *n += 1,
                None => self.unsupported.push((iface.code, 1)),
            }
            return;
        }
        table.frame(&frame);
    }
}

/// pcap's magic numbers: micro- or nanosecond, either byte order, and the
/// "modified" (Alexey Kuznetsov) variant.
fn is_pcap_magic(b: &[u8]) -> bool {
    matches!(
        b,
        [0xd4, 0xc3, 0xb2, 0xa1, ..]
            | [0xa1, 0xb2, 0xc3, 0xd4, ..]
            | [0x4d, 0x3c, 0xb2, 0xa1, ..]
            | [0xa1, 0xb2, 0x3c, 0x4d, ..]
            | [0x34, 0xcd, 0xb2, 0xa1, ..]
            | [0xa1, 0xb2, 0xcd, 0x34, ..]
    )
}

enum Step {
    /// This many bytes were used.
    Used(usize),
    /// Nothing used, but the format is now known: parse again (once, from
    /// [`Container::start`]).
    Again,
    /// Stop here: more input is needed, or reading has stopped.
    More,
}

/// One pcapng block, by pcap-parser. Only the kinds this reader uses are
/// parsed as what they are (the others are skipped whole, as unknown
/// blocks): `parse_block_le`/`_be` would link the parsers of every kind,
/// both byte orders, into the browser build for nothing.
fn block(i: &[u8], be: bool) -> IResult<&[u8], Block<'_>, PcapError<&[u8]>> {
    if i.len() < 4 {
        return Err(NomErr::Incomplete(Needed::new(4 - i.len())));
    }
    let t = [i[0], i[1], i[2], i[3]];
    let kind = if be {
        u32::from_be_bytes(t)
    } else {
        u32::from_le_bytes(t)
    };
    match (kind, be) {
        (SHB_MAGIC, _) => parse_sectionheaderblock(i).map(|(r, b)| (r, Block::SectionHeader(b))),
        (IDB_MAGIC, false) => {
            parse_interfacedescriptionblock_le(i).map(|(r, b)| (r, Block::InterfaceDescription(b)))
        }
        (IDB_MAGIC, true) => {
            parse_interfacedescriptionblock_be(i).map(|(r, b)| (r, Block::InterfaceDescription(b)))
        }
        (EPB_MAGIC, false) => {
            parse_enhancedpacketblock_le(i).map(|(r, b)| (r, Block::EnhancedPacket(b)))
        }
        (EPB_MAGIC, true) => {
            parse_enhancedpacketblock_be(i).map(|(r, b)| (r, Block::EnhancedPacket(b)))
        }
        (SPB_MAGIC, false) => {
            parse_simplepacketblock_le(i).map(|(r, b)| (r, Block::SimplePacket(b)))
        }
        (SPB_MAGIC, true) => {
            parse_simplepacketblock_be(i).map(|(r, b)| (r, Block::SimplePacket(b)))
        }
        (ISB_MAGIC, false) => {
            parse_interfacestatisticsblock_le(i).map(|(r, b)| (r, Block::InterfaceStatistics(b)))
        }
        (ISB_MAGIC, true) => {
            parse_interfacestatisticsblock_be(i).map(|(r, b)| (r, Block::InterfaceStatistics(b)))
        }
        (_, false) => parse_unknownblock_le(i).map(|(r, b)| (r, Block::Unknown(b))),
        (_, true) => parse_unknownblock_be(i).map(|(r, b)| (r, Block::Unknown(b))),
    }
}

/// A pcapng timestamp (`raw` units of `1/units` s, plus `offset` seconds) in
/// nanoseconds since the epoch, saturating rather than overflowing on
/// nonsense. An unrepresentable resolution is read as microseconds, the
/// format's default.
fn ts_nanos(raw: u64, units: Option<u64>, offset: i64) -> i64 {
    let units = units.filter(|u| *u > 0).unwrap_or(1_000_000);
    let secs = i64::try_from(raw / units).unwrap_or(i64::MAX);
    let frac = ((raw % units) as u128 * 1_000_000_000 / units as u128) as i64;
    secs.saturating_add(offset)
        .saturating_mul(1_000_000_000)
        .saturating_add(frac)
}
