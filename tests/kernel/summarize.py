#!/usr/bin/env python3
"""Print the timings that matter from recorded fixtures.

    python3 tests/kernel/summarize.py [DIR]             every fixture in DIR (default: fixtures/)
    python3 tests/kernel/summarize.py --timeline FILE   segments, ARP/ICMP, faults, results and each change
                                                        in the ss samples, in time order
    python3 tests/kernel/summarize.py --gaps FILE.json  one recording's server data segments against
                                                        the simulator's, gap by gap (the timer wheel's
                                                        lateness); needs the CLI (target/release/tcpsim,
                                                        or $TCPSIM)
"""
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def tcpsim_run(scenario, params):
    exe = os.environ.get("TCPSIM") or os.path.join(HERE, "..", "..", "target", "release", "tcpsim")
    if not os.path.exists(exe):
        sys.exit("no %s: build it with cargo build --release -p tcpsim-cli, or set TCPSIM" % exe)
    args = [exe, "run", scenario, "--format", "json"]
    for k, v in params.items():
        args += ["--set", "%s=%s" % (k, v)]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def gaps(path):
    """Each data segment the server sent (the write, the TLP, each RTO retransmission) in the
    recording and in the simulation: times after t0, the gap from the segment before, the
    difference of the gaps (kernel - simulator) and its running sum; then the error the server's
    application got, in both."""
    x = json.load(open(path))
    t = tcpsim_run(x["scenario"], x["params"])
    kd = [p["t"] for p in x["packets"] if p["src"] == "server" and p["len"] > 0]
    sd = [p["sent_at"] for p in t["packets"] if p["src"] == "server" and p["len"] > 0]
    print("%s (%s, %s)" % (x["name"], x["scenario"], x["kernel"]))
    print("| # | segment | kernel at (s) | kernel gap (s) | simulated at (s) | simulated gap (s) | gap difference (s) "
          "| cumulative (s) |")
    print("|---|---|---|---|---|---|---|---|")
    cum = 0.0
    for i in range(max(len(kd), len(sd))):
        what = "write" if i == 0 else "TLP" if i == 1 else "RTO %d" % (i - 1)
        k = kd[i] if i < len(kd) else None
        s = sd[i] if i < len(sd) else None
        kg = k - kd[i - 1] if i and k is not None else None
        sg = s - sd[i - 1] if i and s is not None else None
        d = kg - sg if kg is not None and sg is not None else None
        if d is not None:
            cum += d
        f = lambda v: "-" if v is None else "%.3f" % v  # noqa: E731
        print("| %d | %s | %s | %s | %s | %s | %s | %s |" % (i, what, f(k), f(kg), f(s), f(sg), f(d),
                                                          f(cum) if d is not None else "-"))
    ke = [a for a in x["app"] if a["host"] == "server" and a["call"] == "recv" and not str(a["result"]).isdigit()]
    se = [e for e in t["events"] if e["type"] == "app" and e["host"] == "server" and e["call"] == "recv"
          and not str(e["result"]).isdigit()]
    if ke and se and kd and sd:
        print("error: kernel %s at %.3f (%.3f s after the write, %.3f after the last retransmission); "
              "simulator %s at %.3f (%.3f s after the write, %.3f after the last); kernel later by %.3f s"
              % (ke[0]["result"], ke[0]["t"], ke[0]["t"] - kd[0], ke[0]["t"] - kd[-1], se[0]["result"], se[0]["at"],
                 se[0]["at"] - sd[0], se[0]["at"] - sd[-1], ke[0]["t"] - se[0]["at"]))


def timeline(path):
    """One recording or observation as a timeline: segments, ARP and ICMP (observations), faults,
    application results, and each change in what ss showed (state, timer kind and count, backoff,
    rto; the neighbour entry where it was sampled)."""
    x = json.load(open(path))
    ev = []
    for p in x["packets"]:
        ev.append((p["t"], "tcp  %s>%s %s seq %s ack %s len %d" % (p["src"], p["dst"], ",".join(p["flags"]), p["seq"],
                                                                   p["ack"], p["len"])))
    for p in x.get("other_packets", []):
        if p["proto"] == "arp":
            ev.append((p["t"], "arp  %s %s -> %s (from %s)" % (p["op"], p["sender"], p["target"], p["smac"])))
        elif p["proto"] == "icmp":
            ab = p.get("about") or {}
            ev.append((p["t"], "icmp type %d code %d %s>%s about %s:%s>%s:%s seq %s" % (
                p["type"], p["code"], p["sip"], p["dip"], ab.get("sip"), ab.get("sport"), ab.get("dip"),
                ab.get("dport"), ab.get("seq"))))
    for f in x["faults"]:
        ev.append((f["t"], "fault %s" % f["what"]))
    for a in x["app"]:
        ev.append((a.get("t_return", a["t"]), "app  %s %s -> %s" % (a["host"], a["call"], a["result"])))
    last = None
    for smp in x.get("ss", []):
        socks = tuple((s["state"], s["timer"]["kind"] if s["timer"] else None,
                       s["timer"]["count"] if s["timer"] else None, s["backoff"], s["rto_ms"])
                      for s in smp["sockets"])
        key = (socks, smp.get("neigh"))
        if key != last:
            shown = "; ".join("%s timer %s/%s backoff %d rto %s" % s for s in socks) or "(no connection)"
            ev.append((smp["t"], "ss   %s%s" % (shown, " | neigh " + smp["neigh"] if smp.get("neigh") else "")))
            last = key
    print("%s: %s" % (x["name"], x["fault_method"]))
    for t, what in sorted(ev, key=lambda e: e[0]):
        print("%10.3f  %s" % (t, what))


def summary(d):
    for f in sorted(glob.glob(os.path.join(d, "*.json"))):
        x = json.load(open(f))
        P, A = x["packets"], x["app"]
        print("== %s (rtt %.3f ms)" % (x["name"], x["rtt_measured_ms"] or 0))
        data = [p for p in P if p["src"] == "server" and p["len"] > 0 and p["dport"] == 40000]
        if len(data) > 1:
            t = [p["t"] for p in data]
            print("  data at %.3f; retransmissions at %s" % (t[0], ", ".join("%.3f" % v for v in t[1:])))
            print("  gaps: %s" % ", ".join("%.3f" % (b - a) for a, b in zip(t, t[1:])))
            print("  first retransmission (TLP) %.3f s after the data" % (t[1] - t[0]))
            if len(t) > 2:
                for a in A:
                    if a["host"] == "server" and a["call"] == "recv" and a["result"] in ("ETIMEDOUT", "ECONNRESET"):
                        print("  %s at %.3f = %.3f s after the TLP, %.3f s after the first RTO retransmission, "
                              "%.3f s after the last retransmission"
                              % (a["result"], a["t"], a["t"] - t[1], a["t"] - t[2], a["t"] - t[-1]))
        ka = [p for p in P if p["src"] == "server" and p["len"] == 0 and p["flags"] == ["ACK"] and p["seq"] == 0]
        if ka:
            t = [p["t"] for p in ka]
            print("  keepalive probes at %s (gaps %s)" % (", ".join("%.3f" % v for v in t),
                  ", ".join("%.3f" % (b - a) for a, b in zip(t, t[1:]))))
        for p in P:
            if "RST" in p["flags"]:
                print("  RST %s->%s at %.3f flags %s seq %s ack %s" % (p["src"], p["dst"], p["t"],
                                                                 ",".join(p["flags"]), p["seq"], p["ack"]))
        syns = [p for p in P if p["flags"] == ["SYN"]]
        if len(syns) > 1:
            print("  SYNs at %s" % ", ".join("%.4f %s:%d" % (p["t"], p["src"], p["sport"]) for p in syns))
        chal = [p for p in P if p["src"] == "server" and p["flags"] == ["ACK"] and p["len"] == 0 and p["t"] > 0.5
                and not ka.count(p)]
        for p in chal:
            print("  server pure ACK at %.4f seq %d ack %d (abs %d/%d)" % (p["t"], p["seq"], p["ack"], p["abs_seq"],
                                                                         p["abs_ack"]))
        print("  app: " + "; ".join("%s %s %s@%.3f" % (a["host"], a["call"], a["result"], a.get("t_return", a["t"]))
                                   for a in A if a["call"] not in ("listen",)))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--gaps":
        for p in sys.argv[2:]:
            gaps(p)
    elif len(sys.argv) > 2 and sys.argv[1] == "--timeline":
        for p in sys.argv[2:]:
            timeline(p)
    else:
        summary(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "fixtures"))
