//! Bad input never panics and never hangs: real captures (every kernel
//! recording and every file in tests/captures) cut, flipped, spliced and
//! given absurd length fields, and frames that begin with a tunnel's, a
//! VLAN stack's, PPPoE's, MPLS's, a loopback's or a fragment's headers and
//! go on with random bytes, fed in chunks of random sizes, then every
//! connection explained, written as JSON and drawn. Work is bounded by the
//! input: no more packets than 16-byte records fit in it, no more segments
//! than packets, no more connections than segments.
//!
//! 2,000 cases each by default; `ANALYSE_FUZZ_CASES=N` runs N, and each
//! test prints how its cases ended (`--nocapture`). Then the one-line
//! errors for each kind of bad input.

use std::path::Path;

use proptest::prelude::*;
use tcpsim_analyse::{read, Error, Reader};

fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let mut files: Vec<_> = ["kernel/fixtures", "captures"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{files:?}");
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[derive(Clone, Debug)]
enum Mutation {
    /// Cut the file at a fraction of its length.
    Truncate(f64),
    /// Flip one byte.
    Flip(f64, u8),
    /// Put an absurd or edge value in the 32-bit word at a fraction.
    Word(f64, u32, bool),
    /// Insert bytes at a fraction.
    Insert(f64, Vec<u8>),
    /// Remove up to n bytes at a fraction.
    Remove(f64, usize),
    /// Copy a range of the file elsewhere in it.
    Splice(f64, f64, usize),
}

fn at(len: usize, f: f64) -> usize {
    ((len as f64 * f) as usize).min(len)
}

fn apply(b: &mut Vec<u8>, m: &Mutation) {
    let len = b.len();
    match m {
        Mutation::Truncate(f) => b.truncate(at(len, *f)),
        Mutation::Flip(f, x) => {
            if len > 0 {
                let i = at(len - 1, *f);
                b[i] ^= x | 1;
            }
        }
        Mutation::Word(f, v, be) => {
            if len >= 4 {
                let i = at(len - 4, *f);
                let w = if *be {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                };
                b[i..i + 4].copy_from_slice(&w);
            }
        }
        Mutation::Insert(f, bytes) => {
            let i = at(len, *f);
            b.splice(i..i, bytes.iter().copied());
        }
        Mutation::Remove(f, n) => {
            let i = at(len, *f);
            let j = (i + n).min(len);
            b.drain(i..j);
        }
        Mutation::Splice(from, to, n) => {
            let i = at(len, *from);
            let j = (i + n).min(len);
            let piece = b[i..j].to_vec();
            let k = at(b.len(), *to);
            b.splice(k..k, piece);
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let edge = prop_oneof![
        Just(0u32),
        Just(1),
        Just(4),
        Just(12),
        Just(0xffff),
        Just(0x0001_0000),
        Just(0x00ff_ffff),
        Just(0x7fff_ffff),
        Just(0x8000_0000),
        Just(0xffff_fffc),
        Just(0xffff_ffff),
        any::<u32>(),
    ];
    prop_oneof![
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, any::<u8>()).prop_map(|(f, x)| Mutation::Flip(f, x)),
        (0.0..1.0f64, edge, any::<bool>()).prop_map(|(f, v, be)| Mutation::Word(f, v, be)),
        (0.0..1.0f64, prop::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(f, v)| Mutation::Insert(f, v)),
        (0.0..1.0f64, 1usize..200).prop_map(|(f, n)| Mutation::Remove(f, n)),
        (0.0..1.0f64, 0.0..1.0f64, 1usize..400).prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
    ]
}

/// How a case ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    /// An error (its kind).
    Error(&'static str),
    /// Read, with damage reported as a warning.
    Damaged,
    /// Read without complaint.
    Read,
}

/// Read `bytes` in chunks of `chunk`, then use everything the capture
/// offers.
fn exercise(bytes: &[u8], chunk: usize) -> Verdict {
    let mut r = Reader::with_total(bytes.len() as u64);
    let error = |e: Error| {
        let line = e.to_string();
        assert!(!line.is_empty() && !line.contains('\n'), "{line:?}");
        Verdict::Error(match e {
            Error::Empty => "empty",
            Error::NotACapture { .. } => "not a capture",
            Error::UnknownLinkType { .. } => "unknown link type",
            Error::Corrupt { .. } => "damaged before any packet",
            _ => "other",
        })
    };
    for c in bytes.chunks(chunk.max(1)) {
        if let Err(e) = r.feed(c) {
            return error(e);
        }
    }
    let cap = match r.finish() {
        Ok(c) => c,
        Err(e) => return error(e),
    };
    let st = cap.stats();
    assert!(st.packets as usize <= bytes.len() / 16 + 1, "{st:?}");
    assert!(st.segments + st.skipped.total() <= st.packets, "{st:?}");
    assert!(st.connections as u64 <= st.segments, "{st:?}");
    assert_eq!(st.connections, cap.connections().len());
    let _ = cap.connections_json();
    let _ = st.to_json();
    for c in &cap.connections() {
        let a = cap.explain(c.index).expect("a listed connection explains");
        assert_eq!(a.connection, *c);
        assert!(a.trace.packets.len() as u64 <= st.segments);
        assert!(a.trace.end_at.is_finite());
        let _ = a.trace.to_json();
        let _ = a.diagnosis.to_json();
        let _ = tcpsim_diagram::text(&a.trace, tcpsim_diagram::Lang::Zh);
        let _ = tcpsim_diagram::svg(&a.trace, &Default::default());
    }
    let n = cap.connections().len();
    assert!(cap.explain(n).is_err());
    if cap.warning().is_some() {
        Verdict::Damaged
    } else {
        Verdict::Read
    }
}

fn cases() -> u32 {
    std::env::var("ANALYSE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// Run `cases()` cases of `strategy` through `exercise`, and print how
/// they ended.
fn fuzz<S: Strategy>(name: &str, strategy: S, input: impl Fn(S::Value) -> (Vec<u8>, usize)) {
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let tally = std::cell::RefCell::new(std::collections::BTreeMap::new());
    let result = runner.run(&strategy, |v| {
        let (bytes, chunk) = input(v);
        *tally
            .borrow_mut()
            .entry(exercise(&bytes, chunk))
            .or_insert(0u64) += 1;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    let tally = tally.into_inner();
    let total: u64 = tally.values().sum();
    println!("{name}: {total} cases: {tally:?}");
}

#[test]
fn mutated_captures_never_panic() {
    let corpus = corpus();
    let strategy = (
        any::<prop::sample::Index>(),
        prop::collection::vec(mutation(), 1..8),
        prop_oneof![1usize..64, 64usize..8192],
    );
    fuzz("mutated captures", strategy, |(pick, muts, chunk)| {
        let mut b = corpus[pick.index(corpus.len())].clone();
        for m in &muts {
            apply(&mut b, m);
        }
        (b, chunk)
    });
}

/// Link-layer, tunnel and fragment headers the decoders take apart, each
/// followed by random bytes: a frame's beginning that sends the decoder
/// down one path, then anything.
fn header_prefixes() -> Vec<(u32, Vec<u8>)> {
    let eth = |et: u16| {
        let mut e = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
        e.extend_from_slice(&et.to_be_bytes());
        e
    };
    let ip4 = |proto: u8, frag: u16| {
        let mut h = vec![0x45, 0, 0x05, 0xdc, 0, 7];
        h.extend_from_slice(&frag.to_be_bytes());
        h.extend_from_slice(&[64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        h
    };
    let udp = |port: u16| {
        let mut u = vec![0xc0, 0x00];
        u.extend_from_slice(&port.to_be_bytes());
        u.extend_from_slice(&[0x05, 0xc8, 0, 0]);
        u
    };
    let cat = |parts: &[&[u8]]| parts.concat();
    vec![
        (
            1,
            cat(&[&eth(0x8100), &[0, 1, 0x81, 0x00, 0, 2, 0x88, 0xa8]]),
        ),
        (
            1,
            cat(&[&eth(0x8864), &[0x11, 0, 0, 1, 0x05, 0xdc, 0, 0x21]]),
        ),
        (1, cat(&[&eth(0x8847), &[0, 0, 0, 64]])),
        (1, cat(&[&eth(0x0800), &ip4(17, 0x4000), &udp(4789)])),
        (1, cat(&[&eth(0x0800), &ip4(17, 0x4000), &udp(6081)])),
        (1, cat(&[&eth(0x0800), &ip4(47, 0x4000)])),
        (
            1,
            cat(&[
                &eth(0x0800),
                &ip4(47, 0x4000),
                &[0x10, 0, 0x88, 0xbe, 0, 0, 0, 1],
            ]),
        ),
        (
            1,
            cat(&[
                &eth(0x0800),
                &ip4(47, 0x4000),
                &[0x10, 0, 0x22, 0xeb, 0, 0, 0, 1],
            ]),
        ),
        (1, cat(&[&eth(0x0800), &ip4(6, 0x2000)])),
        (1, cat(&[&eth(0x0800), &ip4(6, 0x0003)])),
        (1, cat(&[&eth(0x0800), &ip4(4, 0x4000)])),
        (
            1,
            cat(&[&eth(0x86dd), &[0x60, 0, 0, 0, 0x05, 0xdc, 44, 64], &[0; 32]]),
        ),
        (0x3000_0001, eth(0x0800)),
        (0, 2u32.to_le_bytes().to_vec()),
        (0, 2u32.to_be_bytes().to_vec()),
        (108, 24u32.to_be_bytes().to_vec()),
        (239, vec![2, 0, 0, 0]),
    ]
}

#[test]
fn random_bytes_behind_tunnel_and_fragment_headers_never_panic() {
    let prefixes = header_prefixes();
    let frame = (
        any::<prop::sample::Index>(),
        prop::collection::vec(any::<u8>(), 0..300),
    );
    let strategy = (
        any::<prop::sample::Index>(),
        prop::collection::vec(frame, 1..24),
        1usize..600,
    );
    fuzz(
        "tunnels and fragments",
        strategy,
        |(link, frames, chunk)| {
            // One capture, of the link type of one of the prefixes; each frame
            // a prefix of that link type (or another's: damage too) and bytes.
            let link = prefixes[link.index(prefixes.len())].0;
            let mut b = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            b.extend_from_slice(&65535u32.to_le_bytes());
            b.extend_from_slice(&link.to_le_bytes());
            for (i, (pick, tail)) in frames.iter().enumerate() {
                let f = [&prefixes[pick.index(prefixes.len())].1[..], tail].concat();
                b.extend_from_slice(&(i as u32).to_le_bytes());
                b.extend_from_slice(&0u32.to_le_bytes());
                b.extend_from_slice(&(f.len() as u32).to_le_bytes());
                b.extend_from_slice(&(f.len() as u32).to_le_bytes());
                b.extend_from_slice(&f);
            }
            (b, chunk)
        },
    );
}

#[test]
fn random_bytes_behind_a_capture_magic_never_panic() {
    let magic = prop_oneof![
        Just(vec![0xd4u8, 0xc3, 0xb2, 0xa1]),
        Just(vec![0xa1u8, 0xb2, 0xc3, 0xd4]),
        Just(vec![0x4du8, 0x3c, 0xb2, 0xa1]),
        Just(vec![0x0au8, 0x0d, 0x0d, 0x0a]),
    ];
    let strategy = (
        magic,
        prop::collection::vec(any::<u8>(), 0..2048),
        1usize..600,
    );
    fuzz("random bytes", strategy, |(mut b, rest, chunk)| {
        b.extend(rest);
        (b, chunk)
    });
}

#[test]
fn each_kind_of_bad_input_has_its_own_line() {
    assert!(matches!(read(b""), Err(Error::Empty)));
    let e = |b: &[u8]| match read(b) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("{b:?} read"),
    };
    assert!(e(b"\x1f\x8b\x08\x00").contains("a gzip file"));
    assert!(e(b"{\"name\": 1}").contains("tcpsim capture"));
    assert!(e(b"12:00:01.000 IP 10.0.0.1 > 10.0.0.2").contains("tcpdump's printed output"));
    assert!(e(b"\x00\x01\x02\x03\x04").contains("it starts with 00 01 02 03"));
    assert!(e(b"\xd4\xc3").contains("it starts with d4 c3"));
    // A pcap header alone: a capture without packets reads, empty.
    let header = &std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/kernel/fixtures/process-crash.pcap"),
    )
    .unwrap()[..24];
    let c = read(header).unwrap();
    assert!(c.connections().is_empty());
    assert_eq!(
        c.explain(0).unwrap_err().to_string(),
        "no connection 0: the capture has no TCP connection"
    );
    // A first record that claims 4 GB.
    let mut huge = header.to_vec();
    huge.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    let line = e(&huge);
    assert!(
        line.starts_with("the capture is damaged at byte 24 before any packet"),
        "{line}"
    );
    assert!(line.contains("corrupt length"), "{line}");
    // A pcapng section header with a bad byte-order mark.
    let line = e(b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x11\x22\x33\x44\x01\x00\x00\x00");
    assert!(line.contains("byte-order mark"), "{line}");
}
