#!/usr/bin/env python3
"""How far a steady reader's run (peer-hung with read_bytes, read_every_ms) keeps from its
race edges, read off the simulator (`tcpsim run peer-hung --format json`).

  python3 tests/kernel/reader_margins.py [--tcpsim PATH] [--set NAME=VALUE]... [--sweep]

For each run it prints:
- probe: for each time the window closed, how long before the persist timer's probe the
  window reopened (the reopening ACK's arrival at the sender against the persist timer's
  expiry; negative: a probe went out first). The smallest over the run is `probe margin`.
  On the kernel the probe fires on a 4 ms timer-wheel jiffy and the recorder's reader (a
  Python loop) drifts by up to about a millisecond per read, so a reopening a few ms
  before the probe is a race; one tens of ms before is not.
- recv: the smallest distance between one of the reader's recv() calls and an event that
  recv() did not cause but whose order with it decides which bytes share an skb and when
  an ACK leaves: a data segment's arrival at the client, or the client's delayed ACK. A
  data segment that the recv()'s own ACK or window update let out (it arrives one rtt
  later here, within the recv() on veth) is its consequence, not a race.
- tlp: the smallest distance between a tail loss probe and a delayed ACK (both about
  40 ms after a flight: in one jiffy, Linux fires either first).
- the windows at the reopenings, the probe count and the sender's throughput.
With --sweep it runs the combinations below (each reader from t0 + 2 s: resume_at=2) and
prints one line each.
"""
import argparse
import itertools
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# What every peer-hung recording fixes (record.py's PH, rtt 1 ms as on veth).
BASE = ["rtt_ms=1", "so_sndbuf=16384", "so_rcvbuf=16384", "write_at=1", "observe_s=4"]


def run(tcpsim, sets):
    out = subprocess.run([tcpsim, "run", "peer-hung", "--format", "json"]
                         + [a for s in BASE + sets for a in ("--set", s)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def margins(d):
    p = d["packets"]
    rtt = d["params"]["rtt_ms"] / 1000
    # What reached its destination before the run ended.
    p = [x for x in p if x["arrived_at"] is not None]
    acks = [x for x in p if x["src"] == "client" and "SYN" not in x["flags"]]
    data = [x for x in p if x["src"] == "server" and x["len"] > 0]
    probes = [x for x in p if x["why"] == "zero_window_probe"]
    persist = [e for e in d["events"] if e.get("timer") == "persist" and e["action"] == "armed"]
    reads = [e for e in d["events"] if e["type"] == "app" and e["host"] == "client" and e["call"] == "recv"]
    # Each reopening: an ACK offering a window after one offering 0.
    reopen, prev = [], None
    for a in acks:
        if prev == 0 and a["win"] > 0:
            reopen.append(a)
        prev = a["win"]
    probe_m = []
    for a in reopen:
        armed = [e for e in persist if e["at"] <= a["arrived_at"]]
        if armed:
            probe_m.append(armed[-1]["expires_at"] - a["arrived_at"])
    # What a recv() let out: the ACK or window update it sent at its own instant, the data
    # that ACK released, the quick ACKs of that data, the data they released, and so on
    # (on veth all of it happens within the recv(), in the softirq its ACK raised).
    caused = set()
    eps = 1e-7
    for r in reads:
        frontier = [a["sent_at"] for a in acks if abs(a["sent_at"] - r["at"]) < eps]
        while frontier:
            t = frontier.pop()
            for x in data:
                if x["id"] not in caused and abs(x["sent_at"] - (t + rtt / 2)) < eps:
                    caused.add(x["id"])
                    frontier += [a["sent_at"] for a in acks
                                 if a["why"] != "delayed_ack" and abs(a["sent_at"] - x["arrived_at"]) < eps]
    events = [x["arrived_at"] for x in data if x["id"] not in caused and x["arrived_at"] is not None]
    events += [a["sent_at"] for a in acks if a["why"] == "delayed_ack"]
    # A recv() that blocked returns at the arrival that woke it: no race there.
    near = min(((abs(r["at"] - t), r["at"], t) for r in reads if r["since"] is None for t in events),
               default=(float("inf"), None, None))
    recv_m = near[0]
    # The sender's tail loss probe against the receiver's delayed ACK: both wait about
    # 40 ms after a flight (the PTO is 2 x srtt + 2 jiffies, and srtt takes in the delayed
    # ACKs), and when they fall in the same jiffy Linux fires either first: the probe
    # first draws an immediate duplicate ACK where the simulator has the delayed ACK.
    tlps = [e["at"] for e in d["events"] if e.get("timer") == "loss_probe" and e["action"] == "fired"]
    dacks = [a["sent_at"] for a in acks if a["why"] == "delayed_ack"]
    tlp_m = min((abs(a - b) for a in tlps for b in dacks), default=float("inf"))
    t0 = min(x["sent_at"] for x in data)
    t1 = max(x["sent_at"] for x in data)
    end = max(x["seq"] + x["len"] for x in data)
    return dict(
        reopenings=len(reopen),
        windows=[a["win"] for a in reopen],
        probe_margins_ms=[round(m * 1000, 1) for m in probe_m],
        probe_margin_ms=round(min(probe_m) * 1000, 1) if probe_m else None,
        recv_margin_ms=round(recv_m * 1000, 1),
        recv_nearest=near[1:],
        tlp_margin_ms=round(tlp_m * 1000, 1),
        probes=len(probes),
        zero_windows=sum(1 for a in acks if a["win"] == 0),
        rate=round((end - 1) / max(t1 - t0, 1e-9)),
        first_reopen=round(reopen[0]["arrived_at"], 4) if reopen else None,
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tcpsim", default=os.path.join(ROOT, "target", "debug", "tcpsim"))
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--sweep", action="store_true")
    a = ap.parse_args()
    if not a.sweep:
        print(json.dumps(margins(run(a.tcpsim, a.set)), indent=1))
        return
    print("read_bytes read_every_ms write_bytes | reopenings probes | probe margin (min, ms) | "
          "recv margin (ms) | tlp margin (ms) | windows")
    for rb, ev, wb in itertools.product([4096, 8192, 12288, 16384], [40, 50, 60, 65, 70, 75, 100],
                                        [200000]):
        m = margins(run(a.tcpsim, a.set + ["resume_at=2", "read_bytes=%d" % rb, "read_every_ms=%d" % ev,
                                           "write_bytes=%d" % wb]))
        print("%6d %4d %7d | %2d %2d | %7s | %5s | %5s | %s" % (rb, ev, wb, m["reopenings"], m["probes"],
                                                                 m["probe_margin_ms"], m["recv_margin_ms"],
                                                                 m["tlp_margin_ms"], m["windows"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
