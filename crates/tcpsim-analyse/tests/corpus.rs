//! The analyser beside tshark on a small committed part of the corpus
//! (tests/corpus/subset: public captures, a few hundred KB): each segment's
//! `why` against the tcp.analysis.* flags tshark set on the same frame
//! (tshark's answers are committed beside each capture, NAME.tshark.tsv, so
//! this test needs no tshark and does not move with its version), counted
//! per flag as in tests/corpus/compare.py, and every connection's
//! diagnosis. Both are pinned in tests/corpus/subset.pinned.txt.
//!
//! The figures change whenever the classifier or the diagnosis does: read
//! the difference, then re-pin with
//!
//!     UPDATE_SNAPSHOTS=1 cargo test -p tcpsim-analyse --test corpus
//!
//! The whole corpus (246 captures, not committed) is compared by
//! `bash tests/corpus/run.sh`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus")
}

/// One line of tests/corpus/flags.tsv: the flag and its three kinds of term
/// (that file's header says what each means).
struct FlagTerms {
    name: String,
    /// `W`: a segment whose why is W.
    plain: HashSet<String>,
    /// `resend:W`: a segment whose why is W, sent again.
    resent: HashSet<String>,
    /// `answer:W>V`: a segment whose why is W answering the other side's V.
    answer: HashSet<(String, String)>,
}

fn flags() -> Vec<FlagTerms> {
    let text = std::fs::read_to_string(corpus_dir().join("flags.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, whys) = l.split_once('\t').unwrap();
            let mut f = FlagTerms {
                name: name.to_string(),
                plain: HashSet::new(),
                resent: HashSet::new(),
                answer: HashSet::new(),
            };
            for w in whys.split(',').filter(|w| !w.is_empty()) {
                if let Some(r) = w.strip_prefix("resend:") {
                    f.resent.insert(r.to_string());
                } else if let Some(a) = w.strip_prefix("answer:") {
                    let (why, answers) = a.split_once('>').unwrap();
                    f.answer.insert((why.to_string(), answers.to_string()));
                } else {
                    f.plain.insert(w.to_string());
                }
            }
            f
        })
        .collect()
}

/// A segment or frame: four-tuple, sequence number, flag bits, length.
type Key = (String, String, String, String, u32, u8, u32);

struct Frame {
    number: u64,
    time_us: i64,
    key: Key,
    flags: HashSet<String>,
}

fn tshark_frames(path: &Path) -> Vec<Frame> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Frame {
                number: c[0].parse().unwrap(),
                time_us: c[1].parse().unwrap(),
                key: (
                    c[2].to_string(),
                    c[3].to_string(),
                    c[4].to_string(),
                    c[5].to_string(),
                    c[6].parse().unwrap(),
                    c[7].parse().unwrap(),
                    c[8].parse().unwrap(),
                ),
                flags: c
                    .get(10)
                    .unwrap_or(&"")
                    .split(',')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        })
        .collect()
}

fn bits(flags: &[tcpsim::trace::Flag]) -> u8 {
    use tcpsim::trace::Flag;
    flags
        .iter()
        .map(|f| match f {
            Flag::Fin => 1,
            Flag::Syn => 2,
            Flag::Rst => 4,
            Flag::Psh => 8,
            Flag::Ack => 16,
        })
        .sum()
}

#[test]
fn the_subset_agrees_with_tshark_as_pinned() {
    let dir = corpus_dir().join("subset");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    let flags = flags();
    let mut counts: BTreeMap<&str, [u64; 3]> = BTreeMap::new();
    let mut diagnoses = String::new();
    let (mut segments, mut frames_total, mut matched) = (0, 0, 0);
    for name in &names {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let cap = tcpsim_analyse::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let frames = tshark_frames(&dir.join(format!("{name}.tshark.tsv")));
        frames_total += frames.len();
        let mut by_key: HashMap<&Key, Vec<&Frame>> = HashMap::new();
        for f in &frames {
            by_key.entry(&f.key).or_default().push(f);
        }
        let mut used = HashSet::new();
        let start_us = (cap.stats().start.unwrap_or(0.0) * 1e6).round() as i64;
        for i in 0..cap.connection_count() {
            let a = cap.explain_whole(i).unwrap();
            let _ = writeln!(
                diagnoses,
                "{name} #{i} {}: {}",
                a.diagnosis.ending.kind(),
                a.diagnosis.en
            );
            let ip = |n: &str| {
                a.trace
                    .hosts
                    .iter()
                    .find(|h| h.name == n)
                    .map_or(String::new(), |h| h.ip.clone())
            };
            let (cip, sip) = (ip("client"), ip("server"));
            let first_us = (a.connection.first_at * 1e6).round() as i64;
            // Each side's last why: what the other side's next segment answers.
            let mut last_why: HashMap<&str, &str> = HashMap::new();
            for p in &a.trace.packets {
                segments += 1;
                let from = p.spoofed_as.as_deref().unwrap_or(&p.src);
                let to = if from == "server" { "client" } else { "server" };
                let answers = last_why.get(to).copied().unwrap_or("");
                last_why.insert(from, p.why.as_str());
                let (src, dst) = if from == "server" {
                    (&sip, &cip)
                } else {
                    (&cip, &sip)
                };
                let key: Key = (
                    src.clone(),
                    p.sport.to_string(),
                    dst.clone(),
                    p.dport.to_string(),
                    p.abs_seq,
                    bits(&p.flags),
                    p.len,
                );
                let t = start_us + first_us + (p.sent_at * 1e6).round() as i64;
                let Some(f) = by_key
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .filter(|f| !used.contains(&f.number) && (f.time_us - t).abs() <= 3)
                    .min_by_key(|f| (f.time_us - t).abs())
                else {
                    continue;
                };
                used.insert(f.number);
                matched += 1;
                let why = p.why.as_str();
                let resend = p.resend.unwrap_or(0);
                let pair = (why.to_string(), answers.to_string());
                let is_answer = flags.iter().any(|t| t.answer.contains(&pair));
                for t in &flags {
                    let ours = if is_answer {
                        t.answer.contains(&pair)
                    } else {
                        t.plain.contains(why) || (resend > 0 && t.resent.contains(why))
                    };
                    let theirs = f.flags.contains(&t.name);
                    let c = counts.entry(t.name.as_str()).or_default();
                    match (ours, theirs) {
                        (true, true) => c[0] += 1,
                        (false, true) => c[1] += 1,
                        (true, false) => c[2] += 1,
                        _ => {}
                    }
                }
            }
        }
    }
    let mut got = format!(
        "# {} captures of tests/corpus/subset: {segments} segments, {frames_total} tshark TCP frames, {matched} matched\n",
        names.len()
    );
    got.push_str("# flag: both, only tshark, only tcpsim, Jaccard\n");
    for FlagTerms { name: flag, .. } in &flags {
        let [b, t, o] = counts.get(flag.as_str()).copied().unwrap_or_default();
        let j = if b + t + o > 0 {
            format!("{:.2}", b as f64 / (b + t + o) as f64)
        } else {
            "-".to_string()
        };
        let _ = writeln!(got, "{flag}: {b} {t} {o} {j}");
    }
    got.push_str("# diagnoses\n");
    got.push_str(&diagnoses);
    let pinned = corpus_dir().join("subset.pinned.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&pinned, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&pinned).unwrap_or_default();
    if want != got {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines())
            .filter(|(w, g)| w != g)
            .take(20)
            .map(|(w, g)| format!("- {w}\n+ {g}"))
            .collect();
        panic!(
            "the subset's agreement or diagnoses changed (review, then rerun with UPDATE_SNAPSHOTS=1):\n{}\n(lines pinned {}, now {})",
            diff.join("\n"),
            want.lines().count(),
            got.lines().count()
        );
    }
}
