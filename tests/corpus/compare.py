#!/usr/bin/env python3
"""tcpsim's reading of captures beside tshark's, per segment and per
connection. Fetches nothing: it runs on whatever captures it is given.

    python3 tests/corpus/compare.py [--tshark-cache DIR] [--details FILE] CAPTURE...

For each capture:
  - tshark (`-T fields`, every TCP frame that is not inside an ICMP error)
    gives each frame's four-tuple, sequence number, flags, length and the
    tcp.analysis.* flags it sets; `-z conv,tcp` its conversations;
  - the analyser (target/release/examples/corpus_whys, the library calls of
    `tcpsim explain --conn N` without the diagram's 300-segment window)
    gives each segment's `why` and resend count;
  - segments are matched to frames by four-tuple, sequence number, flags,
    length and time (within 3 microseconds).
Then, over all captures, for each flag of tests/corpus/flags.tsv: the
segments both call so, only tshark, only we, and the Jaccard index
both / (both + only tshark + only we); and per connection, the captures
whose connection count equals tshark's conversation count.

--tshark-cache DIR keeps tshark's answers (NAME.tshark.tsv, NAME.conv.txt)
and reuses them when present, so the comparison can run without tshark.
--details FILE writes every disagreement (capture, frame, our why, tshark's
flags) for the verdict table (tests/corpus/VERDICTS.md).
--verdicts FILE (default tests/corpus/verdicts.tsv) names the disagreements
VERDICTS.md finds tshark wrong or narrower on (capture, frame, flag): the
table's "excl." column is the Jaccard index without them.
"""
import argparse
import collections
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WHYS = os.path.join(ROOT, "target/release/examples/corpus_whys")


def load_flags():
    flags = []
    for line in open(os.path.join(HERE, "flags.tsv")):
        if line.startswith("#") or not line.strip():
            continue
        name, whys = line.rstrip("\n").split("\t")
        terms = [w for w in whys.split(",") if w]
        plain = set(w for w in terms if ":" not in w)
        resent = set(w[len("resend:"):] for w in terms if w.startswith("resend:"))
        answer = set(tuple(w[len("answer:"):].split(">", 1)) for w in terms
                     if w.startswith("answer:"))
        flags.append((name, plain, resent, answer))
    return flags


FLAGS = load_flags()
FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "ipv6.src", "tcp.srcport",
          "ip.dst", "ipv6.dst", "tcp.dstport", "tcp.seq_raw", "tcp.flags", "tcp.len",
          "tcp.stream"] + ["tcp.analysis." + f for f, *_ in FLAGS]


def last(v):
    return v.split(",")[-1] if v else ""


def tshark_frames(path, cache):
    """[(frame, time_us, src, sport, dst, dport, seq, flags, len, stream, {flag})]"""
    name = os.path.basename(path)
    cached = cache and os.path.join(cache, name + ".tshark.tsv")
    if cached and os.path.exists(cached):
        text = open(cached).read()
    else:
        cmd = ["tshark", "-n", "-r", path, "-Y", "tcp && !icmp && !icmpv6", "-T", "fields",
               "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for f in FIELDS:
            cmd += ["-e", f]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
        lines = []
        for line in out.splitlines():
            c = line.split("\t")
            if len(c) < len(FIELDS):
                continue
            src = last(c[3]) or last(c[2])
            dst = last(c[6]) or last(c[5])
            try:
                t = round(float(c[1]) * 1e6)
                flags = int(last(c[9]), 16) & 0x1F
            except ValueError:
                continue
            set_ = [f for (f, *_), v in zip(FLAGS, c[12:]) if v != ""]
            lines.append("\t".join([c[0], str(t), src, last(c[4]), dst, last(c[7]), last(c[8]),
                                    str(flags), last(c[10]), last(c[11]), ",".join(set_)]))
        text = "\n".join(lines) + ("\n" if lines else "")
        if cached:
            open(cached, "w").write(text)
    frames = []
    for line in text.splitlines():
        c = line.split("\t")
        frames.append((int(c[0]), int(c[1]), c[2], c[3], c[4], c[5], c[6], int(c[7]), c[8], c[9],
                       set(x for x in c[10].split(",") if x)))
    return frames


def tshark_conversations(path, cache):
    name = os.path.basename(path)
    cached = cache and os.path.join(cache, name + ".conv.txt")
    if cached and os.path.exists(cached):
        text = open(cached).read()
    else:
        text = subprocess.run(["tshark", "-n", "-r", path, "-q", "-z", "conv,tcp"],
                              capture_output=True, text=True, timeout=600).stdout
        if cached:
            open(cached, "w").write(text)
    return sum(1 for l in text.splitlines() if "<->" in l)


LETTERS = {"F": 1, "S": 2, "R": 4, "P": 8, ".": 16}


def our_segments(path):
    r = subprocess.run([WHYS, path], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        return None, r.stderr.strip()
    segs, conns = [], 0
    last_why = {}  # (conn, src, sport) -> the why of that side's last segment
    for line in r.stdout.splitlines():
        if line.startswith("#"):
            conns = int(line.split()[2])
            continue
        c = line.split("\t")
        flags = sum(LETTERS.get(ch, 0) for ch in c[8])
        # The why of the other side's last segment before this one: what
        # this one answers (flags.tsv's answer: terms).
        answers = last_why.get((c[0], c[4], c[5]), "")
        last_why[(c[0], c[2], c[3])] = c[10]
        segs.append((int(c[0]), int(c[1]), c[2], c[3], c[4], c[5], c[6], flags, c[9], c[10],
                     int(c[11]), answers))
    return (segs, conns), ""


def ours_say(flag, why, resend, answers):
    """Whether our segment means tshark's flag, by flags.tsv's terms."""
    is_answer = any((why, answers) in a for _, _, _, a in FLAGS)
    for name, plain, resent, answer in FLAGS:
        if name == flag:
            if is_answer:
                return (why, answers) in answer
            return why in plain or (resend > 0 and why in resent)
    return False


def match(ours, theirs):
    """Pairs (our segment, tshark frame), and tshark frames left over."""
    by_key = collections.defaultdict(list)
    for f in theirs:
        by_key[(f[2], f[3], f[4], f[5], f[6], f[7], f[8])].append(f)
    used = set()
    pairs = []
    for s in ours:
        cands = by_key.get((s[2], s[3], s[4], s[5], s[6], s[7], s[8]), [])
        best = None
        for f in cands:
            if f[0] in used or abs(f[1] - s[1]) > 3:
                continue
            if best is None or abs(f[1] - s[1]) < abs(best[1] - s[1]):
                best = f
        if best is not None:
            used.add(best[0])
            pairs.append((s, best))
    return pairs, [f for f in theirs if f[0] not in used]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tshark-cache")
    ap.add_argument("--details")
    ap.add_argument("--verdicts", default=os.path.join(HERE, "verdicts.tsv"))
    ap.add_argument("captures", nargs="+")
    a = ap.parse_args()
    if not os.path.exists(WHYS):
        sys.exit("build it first: cargo build --release -p tcpsim-analyse --examples")
    if a.tshark_cache:
        os.makedirs(a.tshark_cache, exist_ok=True)
    counts = {f: [0, 0, 0] for f, *_ in FLAGS}  # both, only tshark, only ours
    # The same without the disagreements VERDICTS.md settles against tshark.
    verdicted = set()
    if a.verdicts and os.path.exists(a.verdicts):
        for line in open(a.verdicts):
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            verdicted.add((c[0], int(c[1]), c[2]))
    excl = {f: [0, 0, 0] for f, *_ in FLAGS}
    unmatched_flags = collections.Counter()
    files = readable = conv_equal = 0
    ours_conns = tshark_conns = 0
    matched = frames_total = segs_total = 0
    unreadable = []
    cross = collections.Counter()
    details = open(a.details, "w") if a.details else None
    for path in a.captures:
        # (A glob over a cache directory also names the caches.)
        if path.endswith((".tshark.tsv", ".conv.txt")):
            continue
        files += 1
        theirs = tshark_frames(path, a.tshark_cache)
        conv = tshark_conversations(path, a.tshark_cache)
        got, err = our_segments(path)
        if got is None:
            unreadable.append((os.path.basename(path), err.split(": ", 1)[-1][:100], len(theirs)))
            continue
        ours, nconn = got
        readable += 1
        ours_conns += nconn
        tshark_conns += conv
        conv_equal += nconn == conv
        pairs, left = match(ours, theirs)
        matched += len(pairs)
        frames_total += len(theirs)
        segs_total += len(ours)
        for f in left:
            for x in f[10]:
                unmatched_flags[x] += 1
        for s, f in pairs:
            why, resend, answers = s[9], s[10], s[11]
            for flag, *_ in FLAGS:
                o, t = ours_say(flag, why, resend, answers), flag in f[10]
                if o != t and (os.path.basename(path), f[0], flag) in verdicted:
                    pass
                elif o and t:
                    excl[flag][0] += 1
                elif t:
                    excl[flag][1] += 1
                elif o:
                    excl[flag][2] += 1
                if o and t:
                    counts[flag][0] += 1
                elif t:
                    counts[flag][1] += 1
                    cross[(flag, "tshark only", why)] += 1
                elif o:
                    counts[flag][2] += 1
                    cross[(flag, "ours only", why)] += 1
                if (o != t) and details:
                    details.write(f"{os.path.basename(path)}\tframe {f[0]}\tconn {s[0]}\t{flag}\t"
                                  f"{'tshark' if t else 'ours'}\twhy={why} resend={resend} answers={answers or '-'}\ttshark={','.join(sorted(f[10])) or '-'}\n")
    print(f"captures: {files}; read by tcpsim: {readable}; connection count equal to tshark's "
          f"conversations in {conv_equal} of {readable} ({ours_conns} connections, tshark {tshark_conns})")
    print(f"segments: tcpsim {segs_total}, tshark TCP frames {frames_total}, matched {matched}")
    print()
    print(f"{'flag':24} {'both':>7} {'tshark':>7} {'ours':>7} {'jaccard':>8} {'excl.':>6}")
    for flag, *_ in FLAGS:
        b, t, o = counts[flag]
        j = f"{b / (b + t + o):.2f}" if b + t + o else "-"
        eb, et, eo = excl[flag]
        e = f"{eb / (eb + et + eo):.2f}" if eb + et + eo else "-"
        print(f"{flag:24} {b:7} {t:7} {o:7} {j:>8} {e:>6}")
    print()
    print("(both: segments we and tshark flag; tshark: only tshark; ours: only we;")
    print(f" excl.: the Jaccard index without the {len(verdicted)} disagreements of "
          f"{os.path.basename(a.verdicts or '-')} that VERDICTS.md settles against tshark)")
    if unmatched_flags:
        print("tshark flags on frames we did not use (duplicates, unread link types...): "
              + ", ".join(f"{k} {v}" for k, v in unmatched_flags.most_common()))
    if unreadable:
        print(f"not read by tcpsim ({len(unreadable)}):")
        for n, e, k in unreadable:
            print(f"  {n}: {e} (tshark: {k} TCP frames)")
    print()
    print("largest disagreements (flag, who, our why): count")
    for (flag, who, why), n in cross.most_common(25):
        print(f"  {flag:22} {who:12} {why:22} {n}")


if __name__ == "__main__":
    main()
