#!/usr/bin/env python3
"""Print the timings that matter from recorded fixtures: python3 tests/kernel/summarize.py [DIR]"""
import glob
import json
import os
import sys

d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
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
            print("  RST %s->%s at %.3f flags %s seq %s ack %s" % (p["src"], p["dst"], p["t"], ",".join(p["flags"]),
                                                             p["seq"], p["ack"]))
    syns = [p for p in P if p["flags"] == ["SYN"]]
    if len(syns) > 1:
        print("  SYNs at %s" % ", ".join("%.4f %s:%d" % (p["t"], p["src"], p["sport"]) for p in syns))
    chal = [p for p in P if p["src"] == "server" and p["flags"] == ["ACK"] and p["len"] == 0 and p["t"] > 0.5
            and not ka.count(p)]
    for p in chal:
        print("  server pure ACK at %.4f seq %d ack %d (abs %d/%d)" % (p["t"], p["seq"], p["ack"], p["abs_seq"],
                                                                     p["abs_ack"]))
    print("  app: " + "; ".join("%s %s %s@%.3f" % (a["host"], a["call"], a["result"], a["t"]) for a in A
                               if a["call"] not in ("listen",)))
