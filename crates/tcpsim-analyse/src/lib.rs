//! tcpsim-analyse: a reader's own capture, explained with the simulator's
//! words.
//!
//! A pcap or pcapng file (as tcpdump, Wireshark or dumpcap write it) goes in,
//! in one piece ([`read`]) or in chunks of any size ([`Reader`], for a Web
//! Worker reading a `File` slice by slice). Out comes the list of its TCP
//! connections ([`Capture::connections`]) and, for the one a reader picks,
//! an [`Analysis`]: a [`tcpsim::Trace`] that the project's renderers draw
//! like a simulated run, and a [`Diagnosis`] in Chinese and English.
//!
//! ```no_run
//! let bytes = std::fs::read("capture.pcapng").unwrap();
//! let capture = tcpsim_analyse::read(&bytes).unwrap();
//! for c in capture.connections() {
//!     println!("{} {} -> {}", c.index, c.client, c.server);
//! }
//! let a = capture.explain(0).unwrap();
//! println!("{}", a.diagnosis.en);
//! ```
//!
//! # What the trace holds, and what is inferred
//!
//! A capture shows segments, nothing else. The trace's `origin` is
//! `capture`, its `scenario` is `"capture"`, its `params` are empty and its
//! `stop` is `quiet`. Its hosts are `client` (the side that sent the first
//! SYN; without one, the side with the higher port, the usual ephemeral
//! one) and `server`, with their real addresses (IPv4 dotted, IPv6 as text),
//! and an `attacker` when a SYN or RST carries one side's address but not
//! its usual MAC address or TTL: its "address" is then the MAC address it
//! used (`?` without one). Each segment is one packet, captured at one point,
//! so `arrived_at` equals `sent_at` (seconds since the connection's first
//! segment, to the microsecond); `lost` is null. Sequence numbers are made
//! relative with [`tcpsim::trace::relativize`], as tcpdump does.
//!
//! Everything else is **inferred** from the segments:
//!
//! - `why`, each segment's reason, in the simulator's vocabulary
//!   ([`tcpsim::trace::Why`]); `resend` counts earlier transmissions of the
//!   same bytes. The rules are in the `classify` module's documentation.
//! - `events`: the TCP states each side must have passed through (from the
//!   handshake, FINs, ACKs of FINs and RSTs), and kernel notes where a
//!   segment shows a kernel decision (a RST accepted or answered by a
//!   challenge ACK, keepalive giving up, a SYN_SENT socket resending soon
//!   after an unacceptable ACK, a retransmission budget spent).
//! - `outcome`: what each application would have learned, and when: `EOF`
//!   from the peer's FIN, `ECONNRESET` from an accepted RST (`ECONNREFUSED`
//!   while connecting), `ETIMEDOUT` when its own kernel gave up (keepalive's
//!   RST, or a retransmission timer that ran out while the capture went on).
//!   No application call is in the capture; these are what Linux returns in
//!   those cases. `after` counts from the application's first unacknowledged
//!   write (`from: "write"`) when it was waiting on one, else from the
//!   segment that brought the news, or, for a timeout, from the peer's last
//!   segment before it went silent (`from: "fault"`).
//!
//! # The crates it reads with, and why
//!
//! Reading pcap and pcapng by hand is how capture tools acquire their bugs,
//! so this crate does not: `pcap-parser` (rusticata, the parser family
//! behind Suricata's Rust code; 0.17, on nom 8) parses the file formats and
//! takes apart the link layers (its `data` module: Ethernet, SLL, SLL2, raw
//! IP, loopback), and `etherparse` (0.21, no dependency but `arrayvec`)
//! parses Ethernet with VLAN tags, IPv4, IPv6 and TCP, with lax length
//! checks that keep what a short snapshot length left.
//!
//! The alternative to pcap-parser was `pcap-file` (2.0 from 2022; its 3.0
//! is a release candidate that needs Rust 1.93). Both read a buffer that
//! grows chunk by chunk (incomplete input is an error value saying how much
//! more is needed), both are maintained. What decided it is the browser: a
//! test module that reads every packet of a capture and pulls the TCP fields
//! out with etherparse, built like the page's wasm (opt-level z, LTO, abort
//! on panic, lol_alloc, `wasm-opt -Oz` from npm's binaryen 132), is 11.2 KB
//! gzipped with pcap-parser and 19.4 KB with pcap-file; etherparse alone is
//! 3.3 KB of either (KB are 1024 bytes here, as in the README). pcap-file also leaves the Linux cooked headers to its
//! caller, which this crate would have had to parse by hand. Of pcapng's
//! block kinds, only those the analyser uses are given to pcap-parser's
//! parsers (the others are skipped whole), which keeps the rest out of the
//! wasm.
//!
//! The whole browser module (crates/tcpsim-analyse-wasm: this crate, the
//! SVG renderer, the wasm-bindgen glue) is 190.6 KB, 79.8 KB gzipped, after
//! `wasm-opt -Oz`; it is loaded only when a reader opens a capture.
//!
//! # Speed and memory
//!
//! `bash crates/tcpsim-analyse/bench.sh` writes a synthetic capture of a
//! million packets (95.8 MB, 38,896 interleaved connections) and reads it
//! in 1 MiB chunks. On this project's machine (2 cores), when it was
//! otherwise idle: natively, the connection list in 0.35 s (2.8 M packets/s)
//! with a maximum RSS of 62 MB; in wasm under Node 20, 0.88 s (1.1 M
//! packets/s), 90 MB of linear memory (a segment is kept in 40 bytes, for
//! the connection a reader picks later), 180 MB RSS for the whole Node
//! process. Explaining a connection scans the kept segments once (5 ms
//! natively for a million); a single connection of 450,000 segments is
//! explained in 0.3 s.
//!
//! # Bad input
//!
//! Nothing here panics or waits forever on any input (a property test feeds
//! mutated captures): a file that is not a capture, a link type it cannot
//! decode, a corrupt record before the first packet, or an index that names
//! no connection is an [`Error`], one line saying what was wrong and what is
//! allowed. Damage after some packets were read (a file cut short by a
//! killed tcpdump, a corrupt block) keeps what came before and is reported
//! by [`Capture::warning`].

mod classify;
mod decode;
mod diagnose;
mod json;
mod read;
mod table;

use std::fmt;

pub use diagnose::{Diagnosis, Ending};
pub use read::{LINK_TYPES, MAX_RECORD};
pub use tcpsim::Lang;

use read::{Container, Stop};
use table::Table;

/// What went wrong, in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Zero bytes.
    Empty,
    /// The first bytes are not a pcap or pcapng magic number.
    NotACapture {
        /// What the file looks like instead, when we can tell.
        looks_like: Option<&'static str>,
        /// The first (up to) four bytes.
        magic: Vec<u8>,
    },
    /// The link type (of the file, or of every interface) is not decoded.
    UnknownLinkType { code: i32 },
    /// Damage before any packet could be read.
    Corrupt { offset: u64, what: String },
    /// The capture holds no connection with this index.
    NoSuchConnection { index: usize, count: usize },
    /// The capture holds no connection between these endpoints.
    NoSuchEndpoints { spec: String, count: usize },
    /// An endpoint pair that is not `ADDR:PORT-ADDR:PORT`.
    BadEndpoints { spec: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty => write!(f, "the file is empty; a pcap or pcapng capture is expected"),
            Error::NotACapture { looks_like, magic } => {
                let hex: Vec<String> = magic.iter().map(|b| format!("{b:02x}")).collect();
                write!(f, "not a pcap or pcapng capture (it starts with {}", hex.join(" "))?;
                if let Some(l) = looks_like {
                    write!(f, ", {l}")?;
                }
                write!(
                    f,
                    "); a capture starts with d4 c3 b2 a1 or a1 b2 c3 d4 (pcap) or 0a 0d 0d 0a (pcapng)"
                )
            }
            Error::UnknownLinkType { code } => write!(
                f,
                "link type {code} ({}) is not supported; supported: {LINK_TYPES}",
                read::link_name(*code)
            ),
            Error::Corrupt { offset, what } => write!(
                f,
                "the capture is damaged at byte {offset} before any packet: {what}"
            ),
            Error::NoSuchConnection { index, count } => match count {
                0 => write!(f, "no connection {index}: the capture has no TCP connection"),
                1 => write!(f, "no connection {index}: the capture has one, index 0"),
                n => write!(f, "no connection {index}: indexes go from 0 to {}", n - 1),
            },
            Error::NoSuchEndpoints { spec, count } => write!(
                f,
                "no connection between {spec} among the {count} in the capture; list them without --conn"
            ),
            Error::BadEndpoints { spec } => write!(
                f,
                "'{spec}' is neither a connection index nor ADDR:PORT-ADDR:PORT (IPv6 as [ADDR]:PORT)"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// A guess at what a file that is not a capture is, for the message.
fn not_a_capture(bytes: &[u8]) -> Error {
    let magic = bytes[..bytes.len().min(4)].to_vec();
    let looks_like = match bytes {
        [0x1f, 0x8b, ..] => Some("a gzip file: decompress it first"),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Some("a zstd file: decompress it first"),
        [b'P', b'K', 3, 4, ..] => Some("a zip archive: extract the capture first"),
        [b'{', ..] | [b'[', ..] => Some("JSON text (a tests/kernel recording is drawn by `tcpsim capture`)"),
        [0x0a, 0x0d, 0x0d, 0x0a, ..] => Some("a pcapng header too short to read"),
        [b'<', ..] => Some("XML or HTML text"),
        [0x58, 0x43, 0x50, 0x00, ..] => Some("a Windows ETL or NetMon file"),
        _ if bytes.iter().take(64).all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()) => {
            Some("plain text (tcpdump's printed output cannot be read back; write the capture with -w)")
        }
        _ => None,
    };
    Error::NotACapture { looks_like, magic }
}

/// One side of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

impl Side {
    /// `client` or `server`, the trace's host names.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
    /// The name in a reader's language.
    pub fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Side::Client, Lang::En) => "client",
            (Side::Server, Lang::En) => "server",
            (Side::Client, Lang::Zh) => "客户端",
            (Side::Server, Lang::Zh) => "服务端",
        }
    }
    pub fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
}

/// An address and port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// IPv4 dotted or IPv6 text.
    pub ip: String,
    pub port: u16,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ip.contains(':') {
            write!(f, "[{}]:{}", self.ip, self.port)
        } else {
            write!(f, "{}:{}", self.ip, self.port)
        }
    }
}

/// How a connection stands at the end of the capture, as the list tells it
/// (without the classifier: [`Capture::explain`] says more).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// FIN both ways.
    Closed,
    /// A FIN one way only.
    HalfClosed { by: Side },
    /// The last RST, and who sent it.
    Reset { by: Side },
    /// The capture ends on segments from one side that the other did not
    /// answer, some of them resent or probing: half-open, most likely.
    Unanswered { by: Side },
    /// Still open, nothing unusual at the end.
    Open,
}

impl End {
    /// `closed`, `half_closed`, `reset`, `unanswered` or `open`.
    pub fn as_str(self) -> &'static str {
        match self {
            End::Closed => "closed",
            End::HalfClosed { .. } => "half_closed",
            End::Reset { .. } => "reset",
            End::Unanswered { .. } => "unanswered",
            End::Open => "open",
        }
    }
    /// The side concerned, if any.
    pub fn by(self) -> Option<Side> {
        match self {
            End::HalfClosed { by } | End::Reset { by } | End::Unanswered { by } => Some(by),
            _ => None,
        }
    }
    /// A few words for the connection list.
    pub fn text(self, lang: Lang) -> String {
        match (self, lang) {
            (End::Closed, Lang::En) => "FIN both ways".into(),
            (End::Closed, Lang::Zh) => "双向 FIN，正常关闭".into(),
            (End::HalfClosed { by }, Lang::En) => format!("FIN from the {} only", by.word(lang)),
            (End::HalfClosed { by }, Lang::Zh) => format!("只有{}发了 FIN", by.word(lang)),
            (End::Reset { by }, Lang::En) => format!("RST from the {}", by.word(lang)),
            (End::Reset { by }, Lang::Zh) => format!("{}发了 RST", by.word(lang)),
            (End::Unanswered { by }, Lang::En) => {
                format!(
                    "half-open? the {}'s last segments went unanswered",
                    by.word(lang)
                )
            }
            (End::Unanswered { by }, Lang::Zh) => {
                format!("疑似半开：{}最后的报文没有回应", by.word(lang))
            }
            (End::Open, Lang::En) => "still open at the end".into(),
            (End::Open, Lang::Zh) => "抓包结束时仍未关闭".into(),
        }
    }
}

/// One TCP connection of the capture, as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    /// Its index, for [`Capture::explain`].
    pub index: usize,
    pub client: Endpoint,
    pub server: Endpoint,
    /// First and last segment, seconds since the capture's first packet.
    pub first_at: f64,
    pub last_at: f64,
    pub packets_from_client: u64,
    pub packets_from_server: u64,
    /// Payload bytes.
    pub bytes_from_client: u64,
    pub bytes_from_server: u64,
    /// Whether the capture has its SYN.
    pub handshake: bool,
    pub end: End,
    /// Segments whose timestamp went backwards (they are put in time order).
    pub timestamps_backwards: u64,
}

/// A connection's line for a writer of many ([`Capture::line`]): the
/// fields of [`Connection`] that the list shows, the endpoints as text in
/// strings the writer keeps from line to line.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub index: usize,
    /// `ADDR:PORT`, or `[ADDR]:PORT` for IPv6, as [`Endpoint`] displays.
    pub client: String,
    pub server: String,
    pub first_at: f64,
    pub last_at: f64,
    pub packets_from_client: u64,
    pub packets_from_server: u64,
    pub bytes_from_client: u64,
    pub bytes_from_server: u64,
    pub end: End,
}

impl Default for Line {
    fn default() -> Self {
        Line {
            index: 0,
            client: String::with_capacity(48),
            server: String::with_capacity(48),
            first_at: 0.0,
            last_at: 0.0,
            packets_from_client: 0,
            packets_from_server: 0,
            bytes_from_client: 0,
            bytes_from_server: 0,
            end: End::Open,
        }
    }
}

/// Packets not used, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    /// No IP layer (ARP, LLDP...).
    pub not_ip: u64,
    /// IP but not TCP (UDP, ICMP...).
    pub not_tcp: u64,
    /// IP fragments.
    pub fragment: u64,
    /// TCP header cut by the snapshot length.
    pub tcp_header_cut: u64,
    /// Headers that do not parse.
    pub malformed: u64,
    /// On an interface whose link type is not decoded.
    pub link_type: u64,
    /// The same segment seen a second time (two interfaces, or forwarded).
    pub duplicate: u64,
}

impl Skipped {
    fn count(&mut self, s: decode::Skip) {
        use decode::Skip::*;
        match s {
            NotIp => self.not_ip += 1,
            NotTcp => self.not_tcp += 1,
            Fragment => self.fragment += 1,
            TcpHeaderCut => self.tcp_header_cut += 1,
            Malformed => self.malformed += 1,
        }
    }
    /// Every count with its JSON name.
    pub fn by_reason(&self) -> [(&'static str, u64); 7] {
        [
            ("not_ip", self.not_ip),
            ("not_tcp", self.not_tcp),
            ("fragment", self.fragment),
            ("tcp_header_cut", self.tcp_header_cut),
            ("malformed", self.malformed),
            ("link_type", self.link_type),
            ("duplicate", self.duplicate),
        ]
    }
    pub fn total(&self) -> u64 {
        self.by_reason().iter().map(|(_, n)| n).sum()
    }
    /// What a reason (a JSON name of [`Skipped::by_reason`]) means, in
    /// one line.
    pub fn what(reason: &str) -> &'static str {
        match reason {
            "not_ip" => "no IPv4 or IPv6 layer (ARP, LLDP, spanning tree...), or a tunnel or link header this reader does not take apart",
            "not_tcp" => "IP, but another protocol (UDP, ICMP...)",
            "fragment" => "an IP fragment whose datagram could not be put together (a piece missing, or more fragments pending than the reassembly buffer holds)",
            "tcp_header_cut" => "the snapshot length cut the TCP header",
            "malformed" => "a header that does not parse",
            "link_type" => "on an interface whose link type this reader does not decode",
            "duplicate" => "the same segment captured a second time (two interfaces, or forwarded)",
            _ => "",
        }
    }
}

/// What the whole file held.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Packet records in the file.
    pub packets: u64,
    /// TCP segments used.
    pub segments: u64,
    pub connections: usize,
    pub skipped: Skipped,
    /// Records whose timestamp is earlier than the previous record's.
    pub timestamps_backwards: u64,
    /// The first packet's time, seconds since the Unix epoch.
    pub start: Option<f64>,
    /// From the first packet to the last (or to the end time the pcapng
    /// interface statistics give, if later), seconds.
    pub duration: f64,
}

/// How far a chunked read has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Bytes fed so far.
    pub bytes: u64,
    /// The size announced to [`Reader::with_total`], if any.
    pub total: Option<u64>,
}

impl Progress {
    /// From 0 to 1; `None` without a total.
    pub fn fraction(&self) -> Option<f64> {
        self.total.map(|t| {
            if t == 0 {
                1.0
            } else {
                (self.bytes as f64 / t as f64).min(1.0)
            }
        })
    }
}

/// A capture read in chunks: [`feed`](Reader::feed) them in order, then
/// [`finish`](Reader::finish).
pub struct Reader {
    container: Container,
    table: Table,
    fed: u64,
    total: Option<u64>,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

impl Reader {
    pub fn new() -> Reader {
        Reader {
            container: Container::new(),
            table: Table::default(),
            fed: 0,
            total: None,
        }
    }

    /// A reader told the file's size, for [`Progress::fraction`].
    pub fn with_total(total: u64) -> Reader {
        Reader {
            total: Some(total),
            ..Reader::new()
        }
    }

    /// Read the next chunk. An error (not a capture, a link type that is not
    /// decoded) is final: every later call returns it. Damage after the
    /// first packets stops the reading quietly; [`Capture::warning`] tells.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Progress, Error> {
        self.fed += chunk.len() as u64;
        self.container.feed(chunk, &mut self.table);
        match &self.container.stop {
            Some(Stop::Fatal(e)) => Err(e.clone()),
            _ => Ok(self.progress()),
        }
    }

    pub fn progress(&self) -> Progress {
        Progress {
            bytes: self.fed,
            total: self.total,
        }
    }

    /// The end of the input.
    pub fn finish(mut self) -> Result<Capture, Error> {
        self.container.finish();
        let c = &self.container;
        let mut warning = None;
        match &c.stop {
            Some(Stop::Fatal(e)) => return Err(e.clone()),
            Some(Stop::Damage { offset, what }) => {
                if c.records == 0 {
                    return Err(Error::Corrupt {
                        offset: *offset,
                        what: what.clone(),
                    });
                }
                warning = Some(format!(
                    "the capture is damaged at byte {offset} ({what}); the {} packets before it are read",
                    c.records
                ));
            }
            None => {}
        }
        if !c.any_supported {
            if let Some((code, _)) = c.unsupported.first() {
                return Err(Error::UnknownLinkType { code: *code });
            }
        }
        let mut table = self.table;
        table.finish();
        table.skipped.link_type = c.unsupported.iter().map(|(_, n)| n).sum();
        let end = table
            .end
            .map(|last| c.end_time(last).map_or(last, |e| e.max(last)));
        let stats = Stats {
            packets: c.records,
            segments: table.segs.len() as u64,
            connections: table.conns.len(),
            skipped: table.skipped,
            timestamps_backwards: c.backwards,
            start: table.start.map(|s| s as f64 / 1e9),
            duration: match (table.start, end) {
                (Some(s), Some(e)) => secs(e - s),
                _ => 0.0,
            },
        };
        let capture_end = end;
        Ok(Capture {
            table,
            stats,
            warning,
            capture_end,
        })
    }
}

/// Read a whole capture held in memory.
pub fn read(bytes: &[u8]) -> Result<Capture, Error> {
    let mut r = Reader::with_total(bytes.len() as u64);
    r.feed(bytes)?;
    r.finish()
}

/// Nanoseconds to seconds, to the microsecond.
fn secs(ns: i64) -> f64 {
    ((ns as f64) / 1e3).round() / 1e6
}

/// A capture, read.
pub struct Capture {
    table: Table,
    stats: Stats,
    warning: Option<String>,
    /// The capture's last known instant (ns since the epoch).
    capture_end: Option<i64>,
}

impl fmt::Debug for Capture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Capture")
            .field("stats", &self.stats)
            .field("warning", &self.warning)
            .finish_non_exhaustive()
    }
}

impl Capture {
    /// Every TCP connection, in the order of its first segment. Each line
    /// is made when asked for, from the connection table's running summary:
    /// a capture of a million connections holds no million lines. For a
    /// large capture, [`Capture::connection`], [`Capture::page`] or
    /// [`Capture::each_connection`] keep only what is shown.
    pub fn connections(&self) -> Vec<Connection> {
        self.page(0, usize::MAX)
    }

    /// How many connections the capture holds.
    pub fn connection_count(&self) -> usize {
        self.table.conns.len()
    }

    /// Connection `index`'s line, if there is one.
    pub fn connection(&self, index: usize) -> Option<Connection> {
        (index < self.table.conns.len()).then(|| self.summary(index))
    }

    /// At most `count` connections from index `from` on.
    pub fn page(&self, from: usize, count: usize) -> Vec<Connection> {
        let n = self.table.conns.len();
        let end = from.saturating_add(count).min(n);
        (from.min(end)..end).map(|i| self.summary(i)).collect()
    }

    /// The connections whose endpoints, written `client server` as the list
    /// shows them (`10.0.0.1:40000 [fd00::2]:80`), contain `text` (ASCII
    /// case ignored), and whose ending is `end` (an [`End::as_str`] name;
    /// empty for any): how many there are, and at most `count` of them
    /// from the `from`th on. Only the lines returned are made; the others
    /// are matched in one reused buffer. The page's filter, over a million
    /// connections, asks this of its worker at each keystroke.
    pub fn filter(
        &self,
        text: &str,
        end: &str,
        from: usize,
        count: usize,
    ) -> (usize, Vec<Connection>) {
        let q = text.trim().to_ascii_lowercase();
        let mut buf = String::with_capacity(96);
        let mut matching = 0;
        let mut rows = Vec::new();
        for i in 0..self.table.conns.len() {
            if !end.is_empty() && self.end_of(i).as_str() != end {
                continue;
            }
            if !q.is_empty() {
                buf.clear();
                let c = &self.table.conns[i];
                let (cl, sv) = if self.client_is_a(i) {
                    (c.a, c.b)
                } else {
                    (c.b, c.a)
                };
                self.push_endpoint(&mut buf, cl);
                buf.push(' ');
                self.push_endpoint(&mut buf, sv);
                buf.make_ascii_lowercase();
                if !buf.contains(q.as_str()) {
                    continue;
                }
            }
            if matching >= from && rows.len() < count {
                rows.push(self.summary(i));
            }
            matching += 1;
        }
        (matching, rows)
    }

    /// An endpoint as [`Endpoint`] displays it, IPv4 written digit by digit
    /// into one small buffer, then appended at once.
    fn push_endpoint(&self, o: &mut String, e: (u32, u16)) {
        use std::fmt::Write as _;
        let mut b = [0u8; 64];
        let mut n = 0;
        match self.table.addrs[e.0 as usize] {
            std::net::IpAddr::V4(v4) => {
                for (i, x) in v4.octets().into_iter().enumerate() {
                    if i > 0 {
                        b[n] = b'.';
                        n += 1;
                    }
                    n = put_decimal(&mut b, n, x as u64);
                }
            }
            ip => {
                let _ = write!(o, "[{ip}]");
            }
        }
        b[n] = b':';
        n = put_decimal(&mut b, n + 1, e.1 as u64);
        o.extend(b[..n].iter().map(|&c| c as char));
    }

    /// Connection `index`'s line into `line`, whose strings are reused:
    /// what a writer of a million lines needs without a `Connection` (two
    /// `String`s) each; `false` if there is no such connection.
    pub fn line(&self, index: usize, line: &mut Line) -> bool {
        if index >= self.table.conns.len() {
            return false;
        }
        let c = &self.table.conns[index];
        let ca = self.client_is_a(index);
        let (cl, sv) = if ca { (c.a, c.b) } else { (c.b, c.a) };
        let (ci, si) = if ca { (0, 1) } else { (1, 0) };
        let start = self.table.start.unwrap_or(c.first);
        line.index = index;
        line.client.clear();
        self.push_endpoint(&mut line.client, cl);
        line.server.clear();
        self.push_endpoint(&mut line.server, sv);
        line.first_at = secs(c.first - start);
        line.last_at = secs(c.last - start);
        line.packets_from_client = c.pkts[ci] as u64;
        line.packets_from_server = c.pkts[si] as u64;
        line.bytes_from_client = c.bytes[ci];
        line.bytes_from_server = c.bytes[si];
        line.end = self.end_of(index);
        true
    }

    /// Each connection in turn, made as it is visited and dropped after.
    pub fn each_connection(&self, mut f: impl FnMut(&Connection)) {
        for i in 0..self.table.conns.len() {
            f(&self.summary(i));
        }
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Damage found after the first packets, in one line, if any.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// Which of the connection's endpoints (`a` or `b` of the table) is the
    /// client: the sender of the first SYN, else the receiver of the first
    /// SYN-ACK, else the higher port (the usual ephemeral one).
    fn client_is_a(&self, i: usize) -> bool {
        let c = &self.table.conns[i];
        if let Some(d) = c.first_syn {
            return d == 0;
        }
        if let Some(d) = c.first_synack {
            return d == 1;
        }
        c.a.1 >= c.b.1
    }

    fn endpoint(&self, e: (u32, u16)) -> Endpoint {
        Endpoint {
            ip: ip_text(self.table.addrs[e.0 as usize]),
            port: e.1,
        }
    }

    fn summary(&self, i: usize) -> Connection {
        let c = &self.table.conns[i];
        let ca = self.client_is_a(i);
        let (cl, sv) = if ca { (c.a, c.b) } else { (c.b, c.a) };
        let (ci, si) = if ca { (0, 1) } else { (1, 0) };
        let end = self.end_of(i);
        let start = self.table.start.unwrap_or(c.first);
        Connection {
            index: i,
            client: self.endpoint(cl),
            server: self.endpoint(sv),
            first_at: secs(c.first - start),
            last_at: secs(c.last - start),
            packets_from_client: c.pkts[ci] as u64,
            packets_from_server: c.pkts[si] as u64,
            bytes_from_client: c.bytes[ci],
            bytes_from_server: c.bytes[si],
            handshake: c.first_syn.is_some() || c.first_synack.is_some(),
            end,
            timestamps_backwards: c.backwards as u64,
        }
    }

    /// How connection `i` stands at the end, as the list tells it.
    fn end_of(&self, i: usize) -> End {
        let c = &self.table.conns[i];
        let ci = if self.client_is_a(i) { 0 } else { 1 };
        let side = |d: usize| if d == ci { Side::Client } else { Side::Server };
        if let Some(d) = c.rst {
            End::Reset {
                by: side(d as usize),
            }
        } else if c.fin[0] && c.fin[1] {
            End::Closed
        } else if c.fin[0] || c.fin[1] {
            End::HalfClosed {
                by: side(if c.fin[0] { 0 } else { 1 }),
            }
        } else if c.tail.1 >= 2 && c.tail.2 >= 1 {
            End::Unanswered {
                by: side(c.tail.0 as usize),
            }
        } else {
            End::Open
        }
    }

    /// The connection between two endpoints, given as
    /// `ADDR:PORT-ADDR:PORT` in either order (IPv6 as `[ADDR]:PORT`); the
    /// last one if the four-tuple was used more than once.
    pub fn find(&self, spec: &str) -> Result<usize, Error> {
        let bad = || Error::BadEndpoints {
            spec: spec.to_string(),
        };
        let (x, y) = split_pair(spec).ok_or_else(bad)?;
        let x: std::net::SocketAddr = x.parse().map_err(|_| bad())?;
        let y: std::net::SocketAddr = y.parse().map_err(|_| bad())?;
        // Compared as the table holds them (an address id and a port): no
        // line is made for the million connections that do not match.
        let id = |s: &std::net::SocketAddr| {
            let ip = match s.ip() {
                std::net::IpAddr::V6(v6) => {
                    v6.to_ipv4_mapped().map_or(s.ip(), std::net::IpAddr::V4)
                }
                v4 => v4,
            };
            self.table.addr_id(ip).map(|a| (a, s.port()))
        };
        let not_found = || Error::NoSuchEndpoints {
            spec: spec.to_string(),
            count: self.table.conns.len(),
        };
        let (Some(x), Some(y)) = (id(&x), id(&y)) else {
            return Err(not_found());
        };
        (0..self.table.conns.len())
            .rev()
            .find(|&i| {
                let c = &self.table.conns[i];
                (c.a == x && c.b == y) || (c.a == y && c.b == x)
            })
            .ok_or_else(not_found)
    }

    /// Connections other than `index` that address `addr` had before
    /// `from` + 1 s (ns; no host reboots within a second) and on which it
    /// sent a segment other than RST after `to`: connections that lived
    /// through the whole span a reboot would have to fall in, the
    /// capture-wide context a diagnosis of a reboot needs. One pass over
    /// the segments.
    fn others_across(&self, index: usize, addr: u32, from: i64, to: i64) -> u32 {
        let before = from.saturating_add(1_000_000_000);
        // Candidates, in index order: (connection, whether `addr` is its
        // endpoint `a`, seen alive).
        let mut cands: Vec<(u32, bool, bool)> = self
            .table
            .conns
            .iter()
            .enumerate()
            .filter(|&(i, c)| {
                i != index && (c.a.0 == addr || c.b.0 == addr) && c.first < before && c.last > to
            })
            .map(|(i, c)| (i as u32, c.a.0 == addr, false))
            .collect();
        if cands.is_empty() {
            return 0;
        }
        for s in self.table.segs.iter() {
            if s.ts > to && s.flags & table::RST == 0 {
                if let Ok(k) = cands.binary_search_by_key(&s.conn, |c| c.0) {
                    if s.from_a == cands[k].1 {
                        cands[k].2 = true;
                    }
                }
            }
        }
        cands.iter().filter(|c| c.2).count() as u32
    }

    /// Explain connection `index`: its trace, and what happened to it.
    pub fn explain(&self, index: usize) -> Result<Analysis, Error> {
        self.explain_keeping(index, MAX_DRAWN)
    }

    /// Explain connection `index` with every segment in its trace, however
    /// many (for tools that compare each segment's reason, such as
    /// tests/corpus; not for drawing).
    pub fn explain_whole(&self, index: usize) -> Result<Analysis, Error> {
        self.explain_keeping(index, usize::MAX)
    }

    fn explain_keeping(&self, index: usize, keep: usize) -> Result<Analysis, Error> {
        let Some(summary) = self.connection(index) else {
            return Err(Error::NoSuchConnection {
                index,
                count: self.table.conns.len(),
            });
        };
        let mut segs = self.table.segments_of(index as u32);
        // A clock that runs backwards is reported, not hidden by the sort.
        let clock_back = segs.windows(2).filter(|w| w[1].ts < w[0].ts).count() as u32;
        // Time order; a stable sort keeps capture order among equal times.
        segs.sort_by_key(|s| s.ts);
        let c = &self.table.conns[index];
        let ca = self.client_is_a(index);
        let (cl, sv) = if ca { (c.a, c.b) } else { (c.b, c.a) };
        let input = classify::Input {
            segs: &segs,
            sack: &|i| self.table.sack(i),
            client_is_a: ca,
            client: (self.table.addrs[cl.0 as usize].to_string(), cl.1, cl.0),
            server: (self.table.addrs[sv.0 as usize].to_string(), sv.1, sv.0),
            capture_end: self.capture_end.unwrap_or(c.last),
            mac_text: &|id| self.table.mac_text(id),
            others_across: &|addr, from, to| self.others_across(index, addr, from, to),
            clock_back,
            capture_clock_back: self.stats.timestamps_backwards,
        };
        let out = classify::classify(&input);
        let diagnosis = diagnose::diagnose(&out.ending, &out.facts);
        let mut trace = out.trace;
        let window = keep_last(&mut trace, keep);
        Ok(Analysis {
            trace,
            diagnosis,
            connection: summary,
            window,
        })
    }
}

/// `n`'s decimal digits, written at the end of `d`: the list's numbers
/// without the formatter (here and in the CLI's list).
pub fn decimal(d: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut i = d.len();
    loop {
        i -= 1;
        d[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &d[i..]
}

/// `n` in decimal into `b` from `at` (room for 20 digits); where it ends.
fn put_decimal(b: &mut [u8], at: usize, n: u64) -> usize {
    let mut d = [0u8; 20];
    let digits = decimal(&mut d, n);
    let end = at + digits.len();
    b[at..end].copy_from_slice(digits);
    end
}

/// An address as text: IPv4 dotted, written digit by digit (the list of a
/// million connections formats two million addresses; `Display` took a
/// fifth of its time), IPv6 by `Display`.
fn ip_text(ip: std::net::IpAddr) -> String {
    let std::net::IpAddr::V4(v4) = ip else {
        return ip.to_string();
    };
    let mut s = String::with_capacity(15);
    for (i, o) in v4.octets().into_iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        if o >= 100 {
            s.push((b'0' + o / 100) as char);
        }
        if o >= 10 {
            s.push((b'0' + o / 10 % 10) as char);
        }
        s.push((b'0' + o % 10) as char);
    }
    s
}

/// `A-B`: an address never contains `-` (IPv6 writes `:`), so the first
/// `-` is the split.
fn split_pair(spec: &str) -> Option<(&str, &str)> {
    let mut parts = spec.splitn(2, '-');
    let a = parts.next()?.trim();
    let b = parts.next()?.trim();
    (!a.is_empty() && !b.is_empty()).then_some((a, b))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ipv4_text_is_what_display_writes() {
        for ip in [
            "0.0.0.0",
            "255.255.255.255",
            "10.1.0.100",
            "192.168.9.99",
            "1.20.3.40",
        ] {
            let a: std::net::IpAddr = ip.parse().unwrap();
            assert_eq!(super::ip_text(a), a.to_string());
        }
        let v6: std::net::IpAddr = "fe80::1".parse().unwrap();
        assert_eq!(super::ip_text(v6), "fe80::1");
    }
}

/// One connection explained.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The connection as a trace, for the renderers (origin `capture`): at
    /// most its last [`MAX_DRAWN`] segments (see `window`).
    pub trace: tcpsim::Trace,
    /// What happened, in both languages (read from every segment).
    pub diagnosis: Diagnosis,
    /// The connection's line in the list.
    pub connection: Connection,
    /// When the connection has more segments than a diagram can show, which
    /// ones `trace` keeps; `None` when it keeps them all.
    pub window: Option<Window>,
}

/// The most segments an explanation keeps in its trace: what a diagram can
/// usefully show, the simulator's own cap (`MAX_SEGMENTS`). A connection
/// may hold millions; drawn whole it would take the page down.
pub const MAX_DRAWN: usize = tcpsim::scenarios::MAX_SEGMENTS;

/// The segments an explanation kept: the last ones, since how a connection
/// ended is what a reader asks about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// The first segment kept (0-based, in the connection's time order).
    pub from: usize,
    /// The connection's segments in all.
    pub total: usize,
    /// The capture time of the first segment kept, in the trace's seconds.
    pub at: f64,
}

impl Window {
    /// One line for the reader.
    pub fn note(&self, lang: Lang) -> String {
        // Integer arithmetic: float formatting would add some 10 KB to the wasm.
        let (shown, at) = (self.total - self.from, diagnose::fixed3(self.at));
        match lang {
            Lang::Zh => format!(
                "这条连接共有 {} 个报文段，图里只画最后 {shown} 个（从第 {at} 秒起）；诊断读的是全部报文段。",
                self.total
            ),
            Lang::En => format!(
                "This connection has {} segments; the diagram shows the last {shown} (from {at} s on). The diagnosis reads them all.",
                self.total
            ),
        }
    }
}

/// Keeps the trace's last `max` segments, renumbered from 0, and the events
/// from the first of them on (a kernel note's packet renumbered, or dropped
/// with its packet).
fn keep_last(trace: &mut tcpsim::Trace, max: usize) -> Option<Window> {
    use tcpsim::trace::EventKind;
    let total = trace.packets.len();
    if total <= max {
        return None;
    }
    let from = total - max;
    trace.packets.drain(..from);
    for (i, p) in trace.packets.iter_mut().enumerate() {
        p.id = i;
    }
    let at = trace.packets[0].sent_at;
    trace.events.retain_mut(|e| {
        if let EventKind::Kernel {
            packet: Some(ref mut n),
            ..
        } = e.kind
        {
            if *n < from {
                return false;
            }
            *n -= from;
        }
        e.at >= at
    });
    Some(Window { from, total, at })
}
