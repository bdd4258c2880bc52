#!/usr/bin/env python3
"""The two ends of the connections recorded by tests/captures/record.sh.

    peer.py server ADDR PORT MODE
    peer.py client ADDR PORT MODE

MODE:
  short      the client sends 100 bytes, the server answers 100 bytes, the
             client closes, the server reads EOF and closes.
  keepalive  the client turns keepalive on (idle 1 s, interval 1 s), sends
             10 bytes, the server answers; both stay idle for 3.5 s (the
             client's kernel probes, the server's answers), then the client
             closes and the server follows.
  refused    (client only) nothing listens: the connect() is refused.
  blackhole  the server writes 100 bytes 0.5 s after accepting, into a peer
             that record.sh has just cut off with nftables: the server's
             kernel retransmits until record.sh stops everything.

Python standard library only. Every wait is bounded; nothing loops forever.
"""

import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv_exactly(s, n, limit=10.0):
    s.settimeout(limit)
    got = b""
    while len(got) < n:
        chunk = s.recv(n - len(got))
        if not chunk:
            break
        got += chunk
    return got


def server(addr, port, mode):
    ls = socket.socket(family(addr), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    ls.settimeout(10.0)
    c, _ = ls.accept()
    if mode == "short":
        recv_exactly(c, 100)
        c.sendall(b"s" * 100)
        c.settimeout(10.0)
        c.recv(1)  # EOF
        c.close()
    elif mode == "keepalive":
        recv_exactly(c, 10)
        c.sendall(b"k" * 10)
        c.settimeout(10.0)
        c.recv(1)  # EOF, after the idle time
        c.close()
    elif mode == "blackhole":
        time.sleep(0.5)
        c.sendall(b"b" * 100)
        time.sleep(10.0)  # record.sh ends it first
    ls.close()


def client(addr, port, mode):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    if mode == "keepalive":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 5)
    s.settimeout(10.0)
    if mode == "refused":
        try:
            s.connect((addr, port))
        except ConnectionRefusedError:
            pass
        s.close()
        return
    s.connect((addr, port))
    if mode == "short":
        s.sendall(b"c" * 100)
        recv_exactly(s, 100)
        s.close()
    elif mode == "keepalive":
        s.sendall(b"c" * 10)
        recv_exactly(s, 10)
        time.sleep(3.5)
        s.close()
    elif mode == "blackhole":
        time.sleep(10.0)  # record.sh ends it first


if __name__ == "__main__":
    role, addr, port, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    {"server": server, "client": client}[role](addr, port, mode)
