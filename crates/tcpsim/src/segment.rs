//! A TCP segment as it travels on the simulated wire: addresses, ports,
//! numbers, flags and payload length (RFC 9293 3.1). No options: the
//! simulator models no window scaling, SACK blocks or timestamps.

/// Header flag bits (RFC 9293 3.1).
pub mod flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
}
use flags::*;

/// The receive window every simulated socket advertises (Linux's initial
/// window for a 1460-byte MSS: 44 segments x 1460 = 64240).
pub const WINDOW: u16 = 64240;

/// One segment on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg {
    pub src_ip: u32,
    pub dst_ip: u32,
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    /// Payload bytes.
    pub len: u32,
}

impl Seg {
    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// SEG.LEN counting SYN and FIN (RFC 9293 3.4).
    pub fn seg_len(&self) -> u32 {
        self.len + self.has(SYN) as u32 + self.has(FIN) as u32
    }

    /// The sequence number just past this segment.
    pub fn end_seq(&self) -> u32 {
        self.seq.wrapping_add(self.seg_len())
    }

    /// The same segment seen from the other end: addresses and ports swapped.
    pub fn reply(&self, seq: u32, ack: u32, flags: u8) -> Seg {
        Seg {
            src_ip: self.dst_ip,
            dst_ip: self.src_ip,
            sport: self.dport,
            dport: self.sport,
            seq,
            ack,
            flags,
            len: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syn_and_fin_count_in_the_sequence_space() {
        let s = Seg {
            src_ip: 1,
            dst_ip: 2,
            sport: 3,
            dport: 4,
            seq: u32::MAX,
            ack: 0,
            flags: SYN | FIN,
            len: 10,
        };
        assert_eq!(s.seg_len(), 12);
        assert_eq!(s.end_seq(), 11, "wraps modulo 2^32");
        let r = s.reply(7, 8, RST);
        assert_eq!((r.src_ip, r.dst_ip, r.sport, r.dport), (2, 1, 4, 3));
        assert_eq!((r.seq, r.ack, r.flags, r.len), (7, 8, RST, 0));
    }
}
