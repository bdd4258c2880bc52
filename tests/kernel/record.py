#!/usr/bin/env python3
"""Record every TCP Crash Lab scenario on the real Linux kernel.

Run as root:  sudo python3 tests/kernel/record.py [--list] [--only NAME] [--fast] [--out DIR]

Topology (all created here, removed on exit, stale ones removed at start):
  netns tcl-c  (client,   v-c 10.0.0.1, MAC 02:00:00:00:00:01)
  netns tcl-s  (server,   v-s 10.0.0.2, MAC 02:00:00:00:00:02)
  netns tcl-a  (attacker, v-a 10.0.0.3, MAC 02:00:00:00:00:03)
  netns tcl-br (bridge br0 with ports b-c, b-s, b-a; learning OFF on every port,
                flooding on, so every frame reaches every port: the attacker's
                AF_PACKET sniffer sees server->client traffic, like a hub).
The capture is taken by tcpdump on v-s inside tcl-s (the server's interface).

The same file is also the helper run inside each namespace (--role ... --netns NAME: it joins
the namespace itself with setns(2); see enter_netns()).
Python 3.11 stdlib only.

Timing: t0 is the client's first connect() call. Every step of a recording's script is
done at t0 + its offset: the orchestrator's own steps (kill, crash, reboot) by the
orchestrator, the others by a process started before t0 that waits for the step's
absolute time (the reconnecting client, the rebooted host's listener, the attacker; each
makes its sockets only when released), and the server's sends by the server itself, told
the absolute time ahead. No step waits for a process to start. Each step's scheduled
offset and the time it was really carried out are written to the recording (`steps`).

One recorder at a time: the namespace names are fixed, so a second one waits on a lock.
"""
import argparse
import atexit
import ctypes
import datetime
import errno
import fcntl
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SELF = os.path.abspath(__file__)
NS = ["tcl-c", "tcl-s", "tcl-a", "tcl-br"]
IPS = {"client": "10.0.0.1", "server": "10.0.0.2", "attacker": "10.0.0.3"}
MACS = {"client": "02:00:00:00:00:01", "server": "02:00:00:00:00:02", "attacker": "02:00:00:00:00:03"}
SERVER_PORT = 8080
LOCK = "/run/lock/tcp-crash-lab-record.lock" if os.path.isdir("/run/lock") else "/tmp/tcp-crash-lab-record.lock"
RT_PRIORITY = 10  # SCHED_FIFO priority of the recorder and (inherited) every process it starts
TCP_CONGESTION = 13
CLONE_NEWNET = 0x40000000
SYSCTLS = ["tcp_retries2", "tcp_rto_min_us", "tcp_rto_max_ms", "tcp_keepalive_time", "tcp_keepalive_intvl",
           "tcp_keepalive_probes", "tcp_invalid_ratelimit", "tcp_syn_retries", "tcp_syn_linear_timeouts",
           "tcp_early_retrans", "tcp_sack"]


# ---------------------------------------------------------------- helpers (inside namespaces)

def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def app(host, call, result, lport=None, rport=None, t=None, ret=None):
    """Log one call. `t` is when it returned, except for connect(): there `t` is when it was
    called (the client's first connect() is t0) and `t_return` when it returned. `ret`: when
    it returned, for a call logged after the fact (default: now)."""
    now = time.time() if ret is None else ret
    a = {"t": now if t is None else t, "host": host, "call": call, "result": result, "lport": lport, "rport": rport}
    if t is not None:
        a["t_return"] = now
    emit({"app": a})


def enter_netns(name):
    """Join network namespace NAME, as `ip netns exec` does but without its private mount
    namespace: a killed process tears that down (waiting for an RCU grace period) before its
    files are closed, so its FIN or RST left up to 74 ms after SIGKILL on a busy machine
    (median 4 ms; with setns() alone: at most 1.1 ms, in 40 kills each under two CPU hogs)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns(%s): %s" % (name, os.strerror(e)))
    finally:
        os.close(fd)


def wait_until(t):
    """Sleep until the wall clock reads `t` (time.time() seconds)."""
    while True:
        d = t - time.time()
        if d <= 0:
            return
        time.sleep(min(d, 0.05))


def released():
    """A helper started ahead of its step says it is ready, then waits for the orchestrator's
    `go ID AT` (sent once every earlier step has been carried out). Returns ID (the step's
    index, for the `step` message) and AT (the step's absolute time)."""
    emit({"ready": True})
    w = sys.stdin.readline().split()
    if not w or w[0] != "go":
        sys.exit(0)  # the orchestrator went away before this step
    return int(w[1]), float(w[2])


def gate():
    """released(), then wait for the step's time. Returns the step's index."""
    sid, at = released()
    wait_until(at)
    return sid


def ename(e):
    return errno.errorcode.get(e.errno, str(e.errno)) if isinstance(e, OSError) and e.errno else repr(e)


def cubic(s):
    s.setsockopt(socket.IPPROTO_TCP, TCP_CONGESTION, b"cubic")


def role_server(cfg):
    host = "server"
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    cubic(ls)
    if cfg.get("keepalive"):
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, cfg["keepidle"])
        ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, cfg["keepintvl"])
        ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cfg["keepcnt"])
    if cfg.get("user_timeout"):
        ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, cfg["user_timeout"])
    ls.bind((IPS["server"], SERVER_PORT))
    ls.listen(16)
    app(host, "listen", "OK", SERVER_PORT, None)
    conns = []

    def serve(c, rport):
        on_eof = cfg.get("on_eof", "close")
        while True:
            try:
                d = c.recv(65536)
            except OSError as e:
                app(host, "recv", ename(e), SERVER_PORT, rport)
                c.close()
                app(host, "close", "OK", SERVER_PORT, rport)
                return
            if d:
                app(host, "recv", len(d), SERVER_PORT, rport)
                continue
            # EOF: react first, log after. The simulator's server reacts at the FIN's instant;
            # every microsecond spent here first is a chance for the kernel's delayed ACK of
            # the FIN (next timer tick) to go out alone before the write or close.
            eof = time.time()
            done = [("recv", "EOF", eof)]
            if on_eof == "write_twice":
                for i in range(2):
                    if i:
                        for call, res, at in done:
                            app(host, call, res, SERVER_PORT, rport, ret=at)
                        done = []
                        time.sleep(1.0)
                    try:
                        n = c.send(b"x" * cfg["send_bytes"])
                    except OSError as e:
                        n = ename(e)
                    done.append(("send", n, time.time()))
            elif on_eof.startswith("close_after:"):
                app(host, "recv", "EOF", SERVER_PORT, rport, ret=eof)
                done = []
                time.sleep(float(on_eof.split(":")[1]))
            c.close()
            done.append(("close", "OK", time.time()))
            for call, res, at in done:
                app(host, call, res, SERVER_PORT, rport, ret=at)
            return

    def acceptor():
        while True:
            c, addr = ls.accept()
            cubic(c)
            app(host, "accept", "OK", SERVER_PORT, addr[1])
            conns.append((c, addr[1]))
            threading.Thread(target=serve, args=(c, addr[1]), daemon=True).start()

    threading.Thread(target=acceptor, daemon=True).start()
    emit({"ready": True})
    # `send ID AT CONN BYTES`: at the absolute time AT, send BYTES on the CONN-th accepted
    # connection. The orchestrator writes each line ahead of time (as soon as every earlier
    # step is done), so the send does not wait for a pipe round trip at its moment.
    for line in sys.stdin:
        w = line.split()
        if w and w[0] == "send":
            sid, at, ci, nbytes = int(w[1]), float(w[2]), int(w[3]), int(w[4])
            wait_until(at)
            while len(conns) <= ci and time.time() < at + 5:
                time.sleep(0.001)
            c, rport = conns[ci]
            t = time.time()
            try:
                n = c.send(b"x" * nbytes)
                app(host, "send", n, SERVER_PORT, rport)
            except OSError as e:
                app(host, "send", ename(e), SERVER_PORT, rport)
            emit({"step": {"id": sid, "t": t}})
    time.sleep(3600)


def role_client(cfg):
    host = "client"
    # The reconnecting client is started ahead and gated: no socket exists before its time.
    sid = gate() if cfg.get("gated") else None
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    cubic(s)
    s.bind((IPS["client"], cfg["port"]))
    t = time.time()
    try:
        s.connect((IPS["server"], SERVER_PORT))
        app(host, "connect", "OK", cfg["port"], SERVER_PORT, t=t)
    except OSError as e:
        app(host, "connect", ename(e), cfg["port"], SERVER_PORT, t=t)
        if sid is not None:
            emit({"step": {"id": sid, "t": t}})
        time.sleep(3600)
    if sid is not None:
        emit({"step": {"id": sid, "t": t}})
    if not cfg.get("reads", True):
        time.sleep(3600)
    while True:
        try:
            d = s.recv(65536)
        except OSError as e:
            app(host, "recv", ename(e), cfg["port"], SERVER_PORT)
            break
        app(host, "recv", len(d) if d else "EOF", cfg["port"], SERVER_PORT)
        if not d:
            break
    time.sleep(3600)


def role_listener(cfg):
    sid = gate()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((IPS["client"], cfg["port"]))
    t = time.time()
    s.listen(16)
    app("client", "listen", "OK", cfg["port"], None)
    emit({"step": {"id": sid, "t": t}})
    while True:
        c, addr = s.accept()
        app("client", "accept", "OK", cfg["port"], addr[1])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def forge(src, dst, sport, dport, seq, ack, flags):
    """IPv4+TCP header (no options) with both checksums computed here."""
    sip, dip = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = sip + dip + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.randint(0, 65535), 0, 64,
                     socket.IPPROTO_TCP, 0, sip, dip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def role_attacker(cfg):
    sid, at = released()
    # The sockets are made on release, not at the attack time: binding an AF_PACKET socket
    # takes milliseconds. They touch no TCP state; frames sniffed before the attack are
    # thrown away just before it.
    sn = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sn.bind(("v-a", 0))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    wait_until(at)
    while select.select([sn], [], [], 0)[0]:
        sn.recv(2048)
    cport = cfg["port"]
    seq = random.randint(0, 2**32 - 1)
    t = time.time()
    raw.sendto(forge(IPS["client"], IPS["server"], cport, SERVER_PORT, seq, 0, 0x02), (IPS["server"], 0))
    emit({"forged": {"t": time.time(), "flags": "SYN", "seq": seq}})
    emit({"step": {"id": sid, "t": t}})
    deadline = time.time() + 5
    while time.time() < deadline:
        r, _, _ = select.select([sn], [], [], 0.1)
        if not r:
            continue
        fr = sn.recv(2048)
        if len(fr) < 54 or fr[12:14] != b"\x08\x00":
            continue
        ip = fr[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 6 or ip[12:16] != socket.inet_aton(IPS["server"]) or ip[16:20] != socket.inet_aton(IPS["client"]):
            continue
        tcp = ip[ihl:]
        sport, dport, s_seq, s_ack, off, fl = struct.unpack("!HHIIBB", tcp[:14])
        plen = struct.unpack("!H", ip[2:4])[0] - ihl - (off >> 4) * 4
        if sport == SERVER_PORT and dport == cport and fl == 0x10 and plen == 0:
            emit({"sniffed": {"t": time.time(), "seq": s_seq, "ack": s_ack}})
            raw.sendto(forge(IPS["client"], IPS["server"], cport, SERVER_PORT, s_ack, 0, 0x04), (IPS["server"], 0))
            emit({"forged": {"t": time.time(), "flags": "RST", "seq": s_ack}})
            break
    time.sleep(3600)


# ---------------------------------------------------------------- orchestration (root namespace)

def sh(cmd, check=True, ns=None):
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), r.stderr.strip()))
    return r.stdout


def teardown():
    for ns in NS:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def setup():
    teardown()
    for ns in NS:
        sh(["ip", "netns", "add", ns])
    sh(["ip", "link", "add", "br0", "type", "bridge"], ns="tcl-br")
    sh(["ip", "link", "set", "br0", "up"], ns="tcl-br")
    for role, x in (("client", "c"), ("server", "s"), ("attacker", "a")):
        sh(["ip", "link", "add", "v-" + x, "netns", "tcl-" + x, "address", MACS[role], "type", "veth",
            "peer", "name", "b-" + x, "netns", "tcl-br"])
        sh(["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"], ns="tcl-" + x)
        sh(["ip", "addr", "add", IPS[role] + "/24", "dev", "v-" + x], ns="tcl-" + x)
        sh(["ip", "link", "set", "v-" + x, "up"], ns="tcl-" + x)
        sh(["ip", "link", "set", "lo", "up"], ns="tcl-" + x)
        sh(["ip", "link", "set", "b-" + x, "master", "br0"], ns="tcl-br")
        sh(["bridge", "link", "set", "dev", "b-" + x, "learning", "off", "flood", "on"], ns="tcl-br")
        sh(["ip", "link", "set", "b-" + x, "up"], ns="tcl-br")


class Helper:
    def __init__(self, rec, ns, role, cfg):
        self.rec, self.role = rec, role
        self.p = subprocess.Popen([sys.executable, SELF, "--role", role, "--netns", ns, "--cfg", json.dumps(cfg)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.ready = threading.Event()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.p.stdout:
            try:
                m = json.loads(line)
            except ValueError:
                continue
            if m.get("ready"):
                self.ready.set()
            self.rec.on_msg(m)

    def cmd(self, s):
        self.p.stdin.write(s + "\n")
        self.p.stdin.flush()

    def kill(self, sig=signal.SIGKILL):
        if self.p.poll() is None:
            os.kill(self.p.pid, sig)
            self.p.wait()


DROP = """table inet tcl_crash {
  chain pre { type filter hook prerouting priority -400; policy drop; }
  chain inp { type filter hook input priority -400; policy drop; }
  chain out { type filter hook output priority -400; policy drop; }
}"""


class Recording:
    def __init__(self, spec, out, log):
        self.spec, self.out, self.log = spec, out, log
        self.lock = threading.Lock()
        self.apps, self.forged, self.sniffed, self.faults = [], [], [], []
        self.t0 = None
        self.stop = float("inf")
        self.t0_evt = threading.Event()
        self.helpers = []
        self.steps = []  # per scheduled step: what, at (scheduled, s after t0), t (observed, absolute)

    def on_msg(self, m):
        with self.lock:
            if "app" in m:
                a = m["app"]
                self.apps.append(a)
                if a["host"] == "client" and a["call"] == "connect" and self.t0 is None:
                    self.t0 = a["t"]
                    self.t0_evt.set()
            if "forged" in m:
                self.forged.append(m["forged"])
            if "sniffed" in m:
                self.sniffed.append(m["sniffed"])
            if "step" in m:
                self.steps[m["step"]["id"]]["t"] = m["step"]["t"]

    def spawn(self, ns, role, cfg):
        h = Helper(self, ns, role, cfg)
        self.helpers.append(h)
        return h

    def fault(self, what):
        t = time.time()
        self.faults.append({"t": t, "what": what})
        return t

    def crash(self, client):
        p = subprocess.run(["ip", "netns", "exec", "tcl-c", "nft", "-f", "-"], input=DROP, text=True,
                           capture_output=True)
        if p.returncode:
            raise RuntimeError("nft: " + p.stderr)
        t = self.fault("host crash: nft drop-all in tcl-c; client process SIGKILLed (its FIN is dropped)")
        client.kill()
        return t

    def reboot(self):
        sh(["ss", "-K", "-tan"], ns="tcl-c", check=False)
        left = [l for l in sh(["ss", "-tanH"], ns="tcl-c").splitlines() if l.strip()]
        if left:
            raise RuntimeError("sockets survived ss -K: %r" % left)
        sh(["nft", "delete", "table", "inet", "tcl_crash"], ns="tcl-c")
        return self.fault("reboot done: ss -K destroyed every client socket under the drop, then the drop was removed")

    def run(self):
        s = self.spec
        setup()
        for k, v in s.get("sysctls", {}).items():
            sh(["sysctl", "-qw", "net.ipv4.%s=%s" % (k, v)], ns="tcl-s")
        sysctls = {k: int(sh(["cat", "/proc/sys/net/ipv4/" + k], ns="tcl-s").strip()) for k in SYSCTLS}
        pcap = os.path.join(self.out, s["name"] + ".pcap")
        tcpd = subprocess.Popen(["ip", "netns", "exec", "tcl-s", "tcpdump", "-i", "v-s", "-n", "-U", "-w", pcap,
                                 "tcp"], stderr=subprocess.PIPE, text=True)
        line = tcpd.stderr.readline()  # "listening on v-s ..."
        if "listening" not in line:
            raise RuntimeError("tcpdump: " + line)
        time.sleep(0.3)
        try:
            # Every process a step needs is started now, before t0, and waits (gate()) for
            # its absolute time: a Python start-up (60-150 ms, more on a busy machine) never
            # delays a step. Server sends are scheduled on the running server the same way.
            srv = self.spawn("tcl-s", "server", s["server"])
            sched = sorted(s["steps"], key=lambda x: x[0])
            ahead = {}
            for i, (at, what, *arg) in enumerate(sched):
                if what == "listen":
                    ahead[i] = self.spawn("tcl-c", "listener", {"port": 40000})
                elif what == "connect":
                    ahead[i] = self.spawn("tcl-c", "client", {"port": arg[0], "reads": True, "gated": True})
                elif what == "attack":
                    ahead[i] = self.spawn("tcl-a", "attacker", {"port": 40000})
            for h in [srv] + list(ahead.values()):
                if not h.ready.wait(30):
                    raise RuntimeError("the %s helper did not start" % h.role)
            time.sleep(0.2)
            cli = self.spawn("tcl-c", "client", {"port": 40000, "reads": s.get("client_reads", True)})
            if not self.t0_evt.wait(10):
                raise RuntimeError("client never connected")
            t0 = self.t0
            self.steps = [{"what": what, "at": at, "t": None} for at, what, *_ in sched]
            # In order: the orchestrator's own steps (kill, crash, reboot) at their time; a
            # helper's step is released ("go"/"send" with its absolute time) once every earlier
            # step is done, so e.g. the listener never listens before the reboot has happened.
            for i, (at, what, *arg) in enumerate(sched):
                when = t0 + at
                if what in ("kill", "crash", "reboot"):
                    wait_until(when)
                    if what == "kill":
                        t = self.fault("process crash: client process SIGKILLed")
                        cli.kill()
                    elif what == "crash":
                        t = self.crash(cli)
                    else:
                        t = self.reboot()
                    with self.lock:
                        self.steps[i]["t"] = t
                elif what == "send":
                    srv.cmd("send %d %r %d %d" % (i, when, arg[0], arg[1]))
                else:
                    ahead[i].cmd("go %d %r" % (i, when))
            end = t0 + s["end"]
            while time.time() < end:
                if s.get("until") and self.until(s["until"]):
                    end = min(end, time.time() + s.get("grace", 1.0))
                time.sleep(0.02)
            time.sleep(0.1)
        finally:
            self.stop = time.time()
            tcpd.send_signal(signal.SIGINT)
            try:
                tcpd.wait(5)
            except subprocess.TimeoutExpired:
                tcpd.kill()
            for h in self.helpers:
                h.kill()
            teardown()
        return self.write(pcap, sysctls)

    def until(self, cond):
        host, call, results = cond
        with self.lock:
            return any(a["host"] == host and a["call"] == call and a["result"] in results for a in self.apps)

    def write(self, pcap, sysctls):
        s, t0 = self.spec, self.t0
        pkts = read_pcap(pcap)
        # Forged segments carry the client's IP but the attacker's MAC.
        bases = {}
        out = []
        names = {v: k for k, v in IPS.items()}
        for p in pkts:
            fwd = (p["sip"], p["sport"], p["dip"], p["dport"])
            rev = (p["dip"], p["dport"], p["sip"], p["sport"])
            if "SYN" in p["flags"]:
                v = bases.setdefault(fwd, [])
                if p["seq"] not in v:
                    v.append(p["seq"])

            def rel(key, x):
                v = bases.get(key)
                return min((x - b) % 2**32 for b in v) if v else x

            spoofed = p["smac"] == MACS["attacker"] and p["sip"] != IPS["attacker"]
            has_ack = "ACK" in p["flags"]
            out.append({
                "t": round(p["ts"] - t0, 6),
                "src": "attacker" if spoofed else names.get(p["sip"], p["sip"]),
                "dst": names.get(p["dip"], p["dip"]),
                "spoofed": spoofed,
                "sport": p["sport"], "dport": p["dport"], "flags": p["flags"],
                "abs_seq": p["seq"], "abs_ack": p["ack"] if has_ack else None,
                "seq": rel(fwd, p["seq"]), "ack": rel(rev, p["ack"]) if has_ack else None,
                "len": p["len"],
            })
        # RTT: server's SYN-ACK out -> client's ACK in, first handshake.
        rtt = None
        for i, p in enumerate(out):
            if p["src"] == "server" and p["flags"] == ["SYN", "ACK"]:
                for q in out[i + 1:]:
                    if q["src"] == "client" and "SYN" not in q["flags"]:
                        rtt = round((q["t"] - p["t"]) * 1000, 3)
                        break
                break
        # Calls logged after the capture stopped (teardown kills the helpers) are not part of the recording.
        apps = []
        for a in self.apps:
            if a["t"] > self.stop:
                continue
            a = dict(a, t=round(a["t"] - t0, 6))
            if "t_return" in a:
                a["t_return"] = round(a["t_return"] - t0, 6)
            apps.append(a)
        apps.sort(key=lambda a: a["t"])
        doc = {
            "name": s["name"], "scenario": s["scenario"], "params": s["params"],
            "kernel": os.uname().release,
            "recorded_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "rtt_measured_ms": rtt, "sysctls": sysctls, "fault_method": s["fault_method"],
            "capture_point": "server", "t0": t0,
            "faults": [{**f, "t": round(f["t"] - t0, 6)} for f in self.faults],
            "steps": [{**x, "t": None if x["t"] is None else round(x["t"] - t0, 6)} for x in self.steps],
            "attacker": {"forged": [{**f, "t": round(f["t"] - t0, 6)} for f in self.forged],
                         "sniffed": [{**f, "t": round(f["t"] - t0, 6)} for f in self.sniffed]} if self.forged else None,
            "packets": out, "app": apps,
        }
        if doc["attacker"] is None:
            del doc["attacker"]
        path = os.path.join(self.out, s["name"] + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        return doc


FLAGS = [(0x02, "SYN"), (0x01, "FIN"), (0x04, "RST"), (0x08, "PSH"), (0x10, "ACK")]


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic == 0xA1B2C3D4:
        e, div = "<", 1e6
    elif magic == 0xA1B23C4D:
        e, div = "<", 1e9
    else:
        e = ">"
        div = 1e9 if struct.unpack(">I", data[:4])[0] == 0xA1B23C4D else 1e6
    link = struct.unpack(e + "I", data[20:24])[0]
    off, res = 24, []
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        fr = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if link == 1:
            if fr[12:14] != b"\x08\x00":
                continue
            smac = ":".join("%02x" % b for b in fr[6:12])
            ip = fr[14:]
        else:
            continue
        ihl = (ip[0] & 15) * 4
        if ip[9] != 6:
            continue
        tot = struct.unpack("!H", ip[2:4])[0]
        tcp = ip[ihl:]
        sport, dport, seq, ack, doff, fl = struct.unpack("!HHIIBB", tcp[:14])
        res.append({"ts": sec + frac / div, "smac": smac, "sip": socket.inet_ntoa(ip[12:16]),
                    "dip": socket.inet_ntoa(ip[16:20]), "sport": sport, "dport": dport, "seq": seq, "ack": ack,
                    "flags": [n for b, n in FLAGS if fl & b], "len": tot - ihl - (doff >> 4) * 4})
    return res


# ---------------------------------------------------------------- the recordings

BASE = {"rtt_ms": 1, "loss_pct": 0}
KA = {"keepalive": True, "keepidle": 2, "keepintvl": 1, "keepcnt": 3}
KAP = {"so_keepalive": 1, "tcp_keepidle": 2, "tcp_keepintvl": 1, "tcp_keepcnt": 3}
SRV_ERR = ("server", "recv", ["ETIMEDOUT", "ECONNRESET", "EPIPE"])
CRASH = "host crash: nftables drop-all table (inet, hooks prerouting/input/output, priority -400) in tcl-c, " \
        "client process SIGKILLed under the drop"
REBOOT = CRASH + "; reboot: `ss -K` in tcl-c under the drop (its RSTs never leave), `ss -tan` checked empty, " \
                 "then the drop table deleted (= reboot done)"


def recordings():
    pc = dict(BASE, crash_at=1, unread_data=0, server_writes=0, close_delay_ms=0, send_bytes=100, observe_s=2)
    R = [
        dict(name="process-crash", scenario="process-crash", fast=True, params=pc,
             server={"on_eof": "close"}, steps=[(1, "kill")], end=3,
             fault_method="process crash: SIGKILL of the client process (its kernel closes the socket)"),
        dict(name="process-crash-linger", scenario="process-crash", fast=True,
             params=dict(pc, close_delay_ms=200), server={"on_eof": "close_after:0.2"}, steps=[(1, "kill")], end=3,
             fault_method="process crash: SIGKILL of the client process; server closes 200 ms after EOF"),
        dict(name="process-crash-unread", scenario="process-crash", fast=True, params=dict(pc, unread_data=1),
             server={"on_eof": "close"}, client_reads=False, steps=[(0.5, "send", 0, 100), (1, "kill")], end=3,
             fault_method="process crash: SIGKILL of a client process that never read the 100 bytes the "
                          "server sent at crash_at/2"),
        dict(name="process-crash-server-writes", scenario="process-crash", fast=True,
             params=dict(pc, server_writes=1, observe_s=3),
             server={"on_eof": "write_twice", "send_bytes": 100}, steps=[(1, "kill")], end=4,
             fault_method="process crash: SIGKILL of the client process; on EOF the server writes 100 bytes at "
                          "once and again 1 s later, then closes"),
        dict(name="keepalive-peer-alive", scenario="keepalive-peer-alive", fast=True,
             params=dict(BASE, **KAP, observe_s=3), server=KA, steps=[], end=7,
             fault_method="none (healthy peer)"),
        dict(name="keepalive-peer-dead", scenario="keepalive-peer-dead", fast=True,
             params=dict(BASE, **KAP, crash_at=1, observe_s=2), server=KA, steps=[(1, "crash")], end=12,
             until=SRV_ERR, grace=1.5, fault_method=CRASH),
        dict(name="host-crash-idle", scenario="host-crash-idle", fast=True,
             params=dict(BASE, crash_at=1, so_keepalive=0, observe_s=10), server={}, steps=[(1, "crash")], end=11,
             fault_method=CRASH),
        dict(name="host-crash-data-no-reboot", scenario="host-crash-data-no-reboot", fast=False,
             params=dict(BASE, crash_at=1, send_at=1, send_bytes=100, tcp_retries2=5, observe_s=2),
             sysctls={"tcp_retries2": 5}, server={}, steps=[(1, "crash"), (2, "send", 0, 100)], end=40,
             until=SRV_ERR, grace=1.5, fault_method=CRASH),
        dict(name="host-crash-data-rto-min", scenario="host-crash-data-no-reboot", fast=False,
             params=dict(BASE, crash_at=1, send_at=1, send_bytes=100, tcp_retries2=5, tcp_rto_min=1000,
                         observe_s=2),
             sysctls={"tcp_retries2": 5, "tcp_rto_min_us": 1000000}, server={},
             steps=[(1, "crash"), (2, "send", 0, 100)], end=45, until=SRV_ERR, grace=1.5, fault_method=CRASH),
        dict(name="host-crash-data-user-timeout", scenario="host-crash-data-no-reboot", fast=True,
             params=dict(BASE, crash_at=1, send_at=1, send_bytes=100, tcp_user_timeout=5000, observe_s=2),
             server={"user_timeout": 5000}, steps=[(1, "crash"), (2, "send", 0, 100)], end=15,
             until=SRV_ERR, grace=1.5, fault_method=CRASH + "; TCP_USER_TIMEOUT 5000 ms on the server socket"),
        dict(name="host-crash-reboot-no-listener", scenario="host-crash-reboot-no-listener", fast=True,
             params=dict(BASE, crash_at=1, send_at=1, send_bytes=100, reboot_s=5, observe_s=2), server={},
             steps=[(1, "crash"), (2, "send", 0, 100), (6, "reboot")], end=16, until=SRV_ERR, grace=1.5,
             fault_method=REBOOT),
        dict(name="host-crash-reboot-listener", scenario="host-crash-reboot-listener", fast=True,
             params=dict(BASE, crash_at=1, send_at=1, send_bytes=100, reboot_s=5, observe_s=2), server={},
             steps=[(1, "crash"), (2, "send", 0, 100), (6, "reboot"), (6.001, "listen")], end=16, until=SRV_ERR,
             grace=1.5, fault_method=REBOOT + "; then a process in tcl-c listens on 10.0.0.1:40000"),
        dict(name="syn-established-new-port", scenario="syn-established-new-port", fast=True,
             params=dict(BASE, crash_at=1, reboot_s=5, reconnect_after=1, server_writes=1, send_at=7,
                         send_bytes=100, so_keepalive=0, observe_s=2),
             server={}, steps=[(1, "crash"), (6, "reboot"), (7, "connect", 40001), (8, "send", 0, 100)], end=10,
             fault_method=REBOOT + "; reconnect from 10.0.0.1:40001; server writes on the old connection"),
        dict(name="syn-established-same-port", scenario="syn-established-same-port", fast=True,
             params=dict(BASE, crash_at=1, reboot_s=5, reconnect_after=1, observe_s=2),
             server={}, steps=[(1, "crash"), (6, "reboot"), (7, "connect", 40000)], end=9,
             fault_method=REBOOT + "; reconnect from the same 10.0.0.1:40000"),
        dict(name="kill-from-outside", scenario="kill-from-outside", fast=True,
             params=dict(BASE, attack_at=1, observe_s=2), server={}, steps=[(1, "attack")], end=3,
             fault_method="attacker in tcl-a (bridge floods, learning off): raw IP_HDRINCL socket forges a SYN "
                          "10.0.0.1:40000->10.0.0.2:8080 with a random seq, an AF_PACKET sniffer catches the "
                          "server's challenge ACK, a forged RST with seq = its ack number follows"),
    ]
    for r in R:
        r["params"] = {k: int(v) for k, v in r["params"].items()}
    return R


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--role")
    ap.add_argument("--cfg")
    ap.add_argument("--netns", help="(helpers) the network namespace to join first")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--only", action="append")
    ap.add_argument("--fast", action="store_true", help="only recordings that take under ~20 s (total < 2 min)")
    ap.add_argument("--out", default=os.path.join(HERE, "fixtures"))
    a = ap.parse_args()
    if a.role:
        if a.netns:
            enter_netns(a.netns)
        {"server": role_server, "client": role_client, "listener": role_listener,
         "attacker": role_attacker}[a.role](json.loads(a.cfg))
        return 0
    recs = recordings()
    if a.only:
        known = {r["name"] for r in recs}
        bad = [n for n in a.only if n not in known]
        if bad:
            print("unknown recording(s): %s (see --list)" % ", ".join(bad), file=sys.stderr)
            return 2
        recs = [r for r in recs if r["name"] in a.only]
    if a.fast:
        recs = [r for r in recs if r["fast"]]
    if a.list:
        for r in recs:
            print("%-32s %-30s %s" % (r["name"], r["scenario"], "fast" if r["fast"] else "slow"))
        return 0
    if os.geteuid() != 0:
        print("SKIP: record.py needs root (network namespaces, nftables, tcpdump)")
        return 0
    # The namespace names are fixed: a second recorder would tear this one's down.
    lock = open(LOCK, "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("waiting for another record.py to finish (%s)" % LOCK, flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    # The simulator's applications react at once. On a busy machine ours would not: under two
    # CPU hogs the server woke 4 ms after the client's FIN to write on EOF, so the FIN's
    # delayed ACK went out alone first. Real-time scheduling, inherited by every helper,
    # tcpdump, nft and ss, makes them run as soon as they wake. None of them spins: they
    # sleep, block or wait on timers. (A killed client's late FIN was another cause: see
    # enter_netns().)
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(RT_PRIORITY))
    except (OSError, AttributeError) as e:
        print("note: no real-time scheduling (%s): on a busy machine the processes may react late" % e)
    try:
        setup()
    except Exception as e:  # noqa: BLE001
        teardown()
        print("SKIP: cannot create network namespaces: %s" % e)
        return 0
    teardown()
    atexit.register(teardown)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(1))
    os.makedirs(a.out, exist_ok=True)
    failed = []
    for r in recs:
        t = time.time()
        try:
            doc = Recording(r, a.out, print).run()
        except Exception as e:  # noqa: BLE001 -- one recording failing does not stop the others
            failed.append(r["name"])
            print("%-32s FAILED: %s" % (r["name"], e))
            continue
        # Each step as carried out: how late, in ms, after its scheduled time.
        late = " ".join("%s%+.1f" % (x["what"], (x["t"] - x["at"]) * 1000) for x in doc["steps"]
                        if x["t"] is not None)
        print("%-32s %5.1f s  %3d packets  steps (ms late): %s  app: %s" % (
            r["name"], time.time() - t, len(doc["packets"]), late or "-",
            ", ".join("%s %s %s@%.3f" % (x["host"], x["call"], x["result"], x["t"]) for x in doc["app"])))
        missed = [x["what"] for x in doc["steps"] if x["t"] is None]
        if missed:
            failed.append(r["name"])
            print("%-32s FAILED: step(s) not carried out: %s" % (r["name"], ", ".join(missed)))
            path = os.path.join(a.out, r["name"] + ".json")
            os.replace(path, path + ".incomplete")  # kept for a look, not compared
    if failed:
        print("recorder: %d of %d recordings failed: %s" % (len(failed), len(recs), ", ".join(failed)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
