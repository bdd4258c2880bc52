//! The connection list, the file's figures and a diagnosis as JSON text,
//! written by hand like tcpsim's trace (no serde machinery or float
//! formatting in the wasm build). Times are seconds, to the microsecond.

use std::fmt::Write;

use tcpsim::push_json_string as string;

use crate::{Capture, Connection, Diagnosis, Endpoint, Stats};

/// A number of seconds, to the microsecond, as serde_json would print the
/// rounded value (`2.5`, `0.0`, `-1.25`).
pub(crate) fn num(o: &mut String, x: f64) {
    if !x.is_finite() {
        o.push_str("null");
        return;
    }
    let us = (x.abs() * 1e6).round() as u64;
    if x < 0.0 && us != 0 {
        o.push('-');
    }
    let _ = write!(o, "{}", us / 1_000_000);
    let mut frac = us % 1_000_000;
    if frac == 0 {
        o.push_str(".0");
    } else {
        // Six digits, their trailing zeros left out (no `format!`: a list
        // of a million connections writes two million times).
        let mut d = *b".000000";
        for k in (1..7).rev() {
            d[k] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        let n = d.iter().rposition(|&b| b != b'0').map_or(1, |i| i + 1);
        o.extend(d[..n].iter().map(|&c| c as char));
    }
}

fn endpoint(o: &mut String, e: &Endpoint) {
    o.push_str("{\"ip\":");
    string(o, &e.ip);
    let _ = write!(o, ",\"port\":{}}}", e.port);
}

impl Connection {
    /// `{"index": 0, "client": {"ip", "port"}, "server": {...}, "first_at",
    /// "last_at", "packets_from_client", "packets_from_server",
    /// "bytes_from_client", "bytes_from_server", "handshake", "end",
    /// "end_by", "timestamps_backwards"}`.
    pub fn to_json(&self) -> String {
        let mut o = String::with_capacity(320);
        self.push_json(&mut o);
        o
    }

    /// [`Connection::to_json`], appended to `o`.
    pub(crate) fn push_json(&self, o: &mut String) {
        let _ = write!(o, "{{\"index\":{},\"client\":", self.index);
        endpoint(o, &self.client);
        o.push_str(",\"server\":");
        endpoint(o, &self.server);
        o.push_str(",\"first_at\":");
        num(o, self.first_at);
        o.push_str(",\"last_at\":");
        num(o, self.last_at);
        let _ = write!(
            o,
            ",\"packets_from_client\":{},\"packets_from_server\":{},\"bytes_from_client\":{},\"bytes_from_server\":{},\"handshake\":{},\"end\":",
            self.packets_from_client,
            self.packets_from_server,
            self.bytes_from_client,
            self.bytes_from_server,
            self.handshake
        );
        string(o, self.end.as_str());
        o.push_str(",\"end_by\":");
        match self.end.by() {
            Some(s) => string(o, s.as_str()),
            None => o.push_str("null"),
        }
        let _ = write!(
            o,
            ",\"timestamps_backwards\":{}}}",
            self.timestamps_backwards
        );
    }
}

impl Stats {
    /// `{"packets", "segments", "connections", "skipped": {reason: count},
    /// "timestamps_backwards", "start", "duration"}`.
    pub fn to_json(&self) -> String {
        let mut o = String::with_capacity(256);
        let _ = write!(
            o,
            "{{\"packets\":{},\"segments\":{},\"connections\":{},\"skipped\":{{",
            self.packets, self.segments, self.connections
        );
        for (i, (k, v)) in self.skipped.by_reason().iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            string(&mut o, k);
            let _ = write!(o, ":{v}");
        }
        let _ = write!(
            o,
            "}},\"timestamps_backwards\":{},\"start\":",
            self.timestamps_backwards
        );
        match self.start {
            Some(s) => num(&mut o, s),
            None => o.push_str("null"),
        }
        o.push_str(",\"duration\":");
        num(&mut o, self.duration);
        o.push('}');
        o
    }
}

impl Diagnosis {
    /// `{"ending": kind, "zh": "...", "en": "...", "facts": {"zh": [...],
    /// "en": [...]}, "readings": {"zh": [...], "en": [...]}}`: `zh` and
    /// `en` are the facts then the readings as one text.
    pub fn to_json(&self) -> String {
        let mut o = String::with_capacity(2 * (self.zh.len() + self.en.len()) + 128);
        o.push_str("{\"ending\":");
        string(&mut o, self.ending.kind());
        o.push_str(",\"zh\":");
        string(&mut o, &self.zh);
        o.push_str(",\"en\":");
        string(&mut o, &self.en);
        for (key, lines) in [("facts", &self.facts), ("readings", &self.readings)] {
            o.push_str(",\"");
            o.push_str(key);
            o.push_str("\":{");
            for (k, lang) in ["zh", "en"].into_iter().enumerate() {
                if k > 0 {
                    o.push(',');
                }
                o.push('"');
                o.push_str(lang);
                o.push_str("\":[");
                for (i, l) in lines.iter().enumerate() {
                    if i > 0 {
                        o.push(',');
                    }
                    string(&mut o, &l[k]);
                }
                o.push(']');
            }
            o.push('}');
        }
        o.push('}');
        o
    }
}

impl Capture {
    /// Every connection, as a JSON array of [`Connection::to_json`].
    pub fn connections_json(&self) -> String {
        let mut o = String::with_capacity(self.connection_count().min(1 << 16) * 320 + 2);
        o.push('[');
        self.each_connection(|c| {
            if o.len() > 1 {
                o.push(',');
            }
            c.push_json(&mut o);
        });
        o.push(']');
        o
    }

    /// The list as one document, in pieces handed to `out` as they are made
    /// (a million connections are never one string): `{"stats": {...},
    /// "warning": null or "...", "skipped": [{"reason", "count", "what"}],
    /// "connections": [...]}`. `skipped` names each reason packets were
    /// not used for, with its count and a line saying what it means, as the
    /// text list does; `stats.skipped` has every count by reason.
    pub fn list_json(&self, mut out: impl FnMut(&str)) {
        let mut o = String::with_capacity(4096);
        o.push_str("{\"stats\":");
        o.push_str(&self.stats().to_json());
        o.push_str(",\"warning\":");
        match self.warning() {
            Some(w) => string(&mut o, w),
            None => o.push_str("null"),
        }
        o.push_str(",\"skipped\":[");
        let mut first = true;
        for (k, n) in self.stats().skipped.by_reason() {
            if n == 0 {
                continue;
            }
            if !first {
                o.push(',');
            }
            first = false;
            o.push_str("{\"reason\":");
            string(&mut o, k);
            let _ = write!(o, ",\"count\":{n},\"what\":");
            string(&mut o, crate::Skipped::what(k));
            o.push('}');
        }
        o.push_str("],\"connections\":[");
        let mut first = true;
        self.each_connection(|c| {
            if !first {
                o.push(',');
            }
            first = false;
            c.push_json(&mut o);
            if o.len() >= 1 << 16 {
                out(&o);
                o.clear();
            }
        });
        o.push_str("]}");
        out(&o);
    }
}

#[cfg(test)]
mod tests {
    /// `num` writes the fraction's digits itself: the same text as it did
    /// with `format!("{frac:06}")` and its trailing zeros trimmed.
    #[test]
    fn seconds_are_written_as_before() {
        let old = |x: f64| {
            let us = (x.abs() * 1e6).round() as u64;
            let sign = if x < 0.0 && us != 0 { "-" } else { "" };
            let frac = us % 1_000_000;
            let f = if frac == 0 {
                ".0".to_string()
            } else {
                format!(".{}", format!("{frac:06}").trim_end_matches('0'))
            };
            format!("{sign}{}{f}", us / 1_000_000)
        };
        let mut v = vec![
            0.0,
            -0.0,
            2.5,
            -1.25,
            0.000_001,
            0.1,
            1.000_01,
            123.456_789,
            -0.000_000_4,
        ];
        v.extend((0..5000).map(|k| k as f64 * 0.000_137 - 0.3));
        for x in v {
            let mut o = String::new();
            super::num(&mut o, x);
            assert_eq!(o, old(x), "{x}");
        }
    }
}
