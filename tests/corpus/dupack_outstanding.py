#!/usr/bin/env python3
"""For each duplicate_ack disagreement of compare.py's --details file: how
many bytes (SYN and FIN counted) the ACK's receiver had sent and not yet had
acknowledged when the ACK was sent, read from the capture with tshark. 0
means RFC 5681 2 (a) fails ("the receiver of the ACK has outstanding data"):
not a duplicate ACK, whatever tshark says (tests/corpus/VERDICTS.md).

    python3 tests/corpus/dupack_outstanding.py DETAILS.tsv CAPTURE_DIR
"""
import collections
import os
import subprocess
import sys

dis = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
want=collections.defaultdict(list)
for d in dis:
    if d[3] in ("duplicate_ack",) :
        want[d[0]].append((int(d[1].split()[1]),d[4],d[5]))
for cap,frames in want.items():
    out=subprocess.run(["tshark","-n","-r",os.path.join(sys.argv[2],cap),"-Y","tcp","-T","fields","-e","frame.number","-e","tcp.stream","-e","ip.src","-e","ipv6.src","-e","tcp.srcport","-e","tcp.seq_raw","-e","tcp.nxtseq","-e","tcp.ack_raw","-e","tcp.len","-e","tcp.analysis.retransmission","-e","tcp.flags.str"],capture_output=True,text=True).stdout
    hi={}  # (stream, side) -> max nxtseq raw
    fr={}
    for line in out.splitlines():
        c=line.split("\t")
        n=int(c[0]); st=c[1]; side=(c[2] or c[3])+":"+c[4]
        try: seq=int(c[5].split(",")[-1]); nxt=int(c[6] or 0); ack=int(c[7].split(",")[-1] or 0); ln=int(c[8] or 0)
        except: continue
        fl=c[10]
        end=seq+ln+("S" in fl)+("F" in fl)
        other=[v for (s,sd),v in hi.items() if s==st and sd!=side]
        fr[n]=(st,side,ack,other[0] if other else None)
        k=(st,side); hi[k]=max(hi.get(k,0),end) if k in hi else end
    for n,who,why in frames:
        st,side,ack,oh=fr.get(n,(None,None,None,None))
        outst = None if oh is None else (oh-ack)%2**32
        print(f"{cap}\tframe {n}\t{who} only\t{why}\toutstanding={outst}")
