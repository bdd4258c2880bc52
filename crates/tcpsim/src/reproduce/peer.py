#!/usr/bin/env python3
"""The processes of a TCP Crash Lab reproduction, written by `tcpsim reproduce`.

    python3 peer.py director PLAN.json PREFIX TCPDUMP_PID SCRIPT_PID   (in the host's namespace, as root)
    python3 peer.py ROLE NETNS CONFIG      (started by the director)
    python3 peer.py exec PARENT_PID COMMAND...   (runs COMMAND, which dies with PARENT_PID)

The director starts the server, then every helper a later step needs (the
reconnecting client, the rebooted host's listener, the third party), then the
client, whose connect() call is t0. It carries out each step of the plan at
t0 + its time, in order, and stops at the plan's deadline, or two seconds after
the application it watches has learned how its first connection ended. Then
it stops the capture (SIGINT to tcpdump), and only then the processes: a
killed process's kernel closes its connections, which is no part of the
scenario.

A signal (SIGTERM, SIGINT, SIGHUP) stops the director at once, and it stops
the capture and the processes the same way. Every process dies with its
parent (prctl PR_SET_PDEATHSIG): the director with the script (it then stops
as on SIGTERM), the helpers with the director (SIGKILL), tcpdump with the
script (SIGTERM, through `exec`). No traceback: the helpers ignore SIGINT and
SIGHUP (the director stops them), and output to a terminal that has gone is
dropped.

Each helper joins its network namespace with setns(2) and logs what its calls
return as JSON lines. A simplified form of tests/kernel/record.py in TCP Crash
Lab's repository. Python 3 standard library only.
"""
import ctypes
import errno
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

TCP_CONGESTION = 13
CLONE_NEWNET = 0x40000000
GRACE = 2.0
# A crashed host: nothing in, nothing out (ARP is not in the inet family, so it still answers ARP).
DROP = """table inet tclr_crash {
  chain pre { type filter hook prerouting priority -400; policy drop; }
  chain inp { type filter hook input priority -400; policy drop; }
  chain out { type filter hook output priority -400; policy drop; }
}
"""
# A broken path: the bridge forwards no IPv4 frame (ARP still passes).
PATH = """table bridge tclr_path {
  chain path { type filter hook forward priority -400; policy accept; ether type ip drop; }
}
"""


PR_SET_PDEATHSIG = 1


def emit(obj):
    try:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()
    except (OSError, ValueError):
        os._exit(0)  # the director has gone


def show(line, err=False):
    """A line for the reader; dropped if the terminal has gone (SIGHUP)."""
    try:
        print(line, file=sys.stderr if err else sys.stdout, flush=True)
    except (OSError, ValueError):
        pass


def die_with_parent(sig, parent):
    """The kernel sends `sig` to this process when its parent dies (prctl
    PR_SET_PDEATHSIG); if the parent has died already, it comes now."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "prctl(PR_SET_PDEATHSIG): %s" % os.strerror(e))
    if os.getppid() != parent:
        os.kill(os.getpid(), sig)


def ename(e):
    return errno.errorcode.get(e.errno, str(e.errno)) if isinstance(e, OSError) and e.errno else repr(e)


def enter_netns(name):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns(%s): %s" % (name, os.strerror(e)))
    finally:
        os.close(fd)


def wait_until(t):
    while True:
        d = t - time.time()
        if d <= 0:
            return
        time.sleep(min(d, 0.05))


def app(host, call, result, lport, rport, t=None):
    emit({"app": {"t": time.time() if t is None else t, "host": host, "call": call, "result": result,
                  "lport": lport, "rport": rport}})


def offloads_off(dev):
    """`ethtool -K DEV tso off gso off gro off` with the SIOCETHTOOL ioctl (no ethtool needed):
    the capture then shows each segment as the stack sent it."""
    import array
    import fcntl
    import struct
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for name, cmd in (("tso", 0x1f), ("gso", 0x24), ("gro", 0x2c)):
            val = array.array("B", struct.pack("II", cmd, 0))
            try:
                fcntl.ioctl(s.fileno(), 0x8946, struct.pack("16sP", dev.encode(), val.buffer_info()[0]))
            except OSError as e:
                emit({"note": "cannot turn %s off on %s (%s): the capture may show merged segments"
                              % (name, dev, ename(e))})


def tune(s, cfg):
    """Cubic, as the simulator assumes (many kernels default to bbr), and the socket options."""
    try:
        s.setsockopt(socket.IPPROTO_TCP, TCP_CONGESTION, b"cubic")
    except OSError as e:
        emit({"note": "cannot set cubic on a socket (%s): the kernel's default congestion control is used" % ename(e)})
    if cfg.get("keepalive"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for opt, key in ((socket.TCP_KEEPIDLE, "keepidle"), (socket.TCP_KEEPINTVL, "keepintvl"),
                     (socket.TCP_KEEPCNT, "keepcnt"), (socket.TCP_USER_TIMEOUT, "user_timeout_ms")):
        if cfg.get(key):
            s.setsockopt(socket.IPPROTO_TCP, opt, cfg[key])
    # Fixed buffers (the kernel doubles the value and stops tuning it).
    if cfg.get("sndbuf"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, cfg["sndbuf"])
    if cfg.get("rcvbuf"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, cfg["rcvbuf"])
    if cfg.get("offloads_off"):
        offloads_off(cfg["offloads_off"])


def released():
    """A helper started ahead says it is ready, then waits for `go AT`."""
    emit({"ready": True})
    w = sys.stdin.readline().split()
    if not w or w[0] != "go":
        sys.exit(0)
    return float(w[1])


# ---------------------------------------------------------------- the helpers

def role_server(cfg):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tune(ls, cfg)
    ls.bind((cfg["ip"], cfg["port"]))
    ls.listen(16)
    app("server", "listen", "OK", cfg["port"], 0)
    conns = {}

    def serve(c, rport):
        on_eof = cfg["on_eof"]
        while True:
            try:
                d = c.recv(65536)
            except OSError as e:
                app("server", "recv", ename(e), cfg["port"], rport)
                break
            if d:
                app("server", "recv", len(d), cfg["port"], rport)
                continue
            app("server", "recv", "EOF", cfg["port"], rport)
            if on_eof.startswith("close_after:"):
                time.sleep(int(on_eof.split(":")[1]) / 1000.0)
            elif on_eof.startswith("write_twice:"):
                for i in range(2):
                    if i:
                        time.sleep(1.0)
                    try:
                        app("server", "send", c.send(b"x" * int(on_eof.split(":")[1])), cfg["port"], rport)
                    except OSError as e:
                        app("server", "send", ename(e), cfg["port"], rport)
            break
        c.close()
        app("server", "close", "OK", cfg["port"], rport)

    def acceptor():
        while True:
            c, addr = ls.accept()
            app("server", "accept", "OK", cfg["port"], addr[1])
            conns[addr[1]] = c
            # A writer that never reads learns of an error from its send().
            if cfg.get("reads", True):
                threading.Thread(target=serve, args=(c, addr[1]), daemon=True).start()

    threading.Thread(target=acceptor, daemon=True).start()
    emit({"ready": True})
    # `send AT PORT BYTES`, written ahead: at AT, write on the connection from PORT.
    for line in sys.stdin:
        w = line.split()
        if not w or w[0] != "send":
            continue
        at, port, nbytes = float(w[1]), int(w[2]), int(w[3])
        wait_until(at)
        c = conns.get(port)
        if c is None:
            emit({"note": "no connection from port %d to write on" % port})
            continue
        if cfg.get("send_all"):
            # A write loop: a send() that blocks returns what it copied only when the
            # connection dies, and the next one gets the error.
            data, off = memoryview(b"x" * nbytes), 0
            while off < nbytes:
                try:
                    n = c.send(data[off:])
                except OSError as e:
                    app("server", "send", ename(e), cfg["port"], port)
                    break
                app("server", "send", n, cfg["port"], port)
                off += n
            continue
        try:
            app("server", "send", c.send(b"x" * nbytes), cfg["port"], port)
        except OSError as e:
            app("server", "send", ename(e), cfg["port"], port)
    time.sleep(1e6)


def role_client(cfg):
    if cfg.get("gated"):
        wait_until(released())
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tune(s, cfg)
    s.bind((cfg["ip"], cfg["port"]))
    t0 = time.time()
    if not cfg.get("gated"):
        emit({"t0": t0})
    # connect() is logged when it returns, as the simulation shows it: to a
    # dead host it blocks for seconds (3 s for ARP, 131 s for SYN retries).
    try:
        s.connect((cfg["server_ip"], cfg["server_port"]))
        app("client", "connect", "OK", cfg["port"], cfg["server_port"])
    except OSError as e:
        app("client", "connect", ename(e), cfg["port"], cfg["server_port"])
        time.sleep(1e6)
    if not cfg.get("reads", True) and cfg.get("resume_at"):
        # A reader that stopped (a GC pause, SIGSTOP) reads again at t0 + resume_at.
        wait_until(t0 + cfg["resume_at"])
        cfg["reads"] = True
    every = cfg.get("read_every_ms")
    due = time.time()
    while cfg.get("reads", True):
        # A recv() that finds nothing to read waits for data.
        waits = every and not select.select([s], [], [], 0)[0]
        try:
            d = s.recv(cfg.get("read_bytes") or 65536)
        except OSError as e:
            app("client", "recv", ename(e), cfg["port"], cfg["server_port"])
            break
        app("client", "recv", len(d) if d else "EOF", cfg["port"], cfg["server_port"])
        if not d:
            break
        if every:
            # A reader at a steady rate works on what it read before its next recv(),
            # which comes read_every_ms after the one before (after the return of one
            # that waited for data), on a grid: a sleep that starts at each return
            # would drift by its overshoot, a read at a time.
            due = (time.time() if waits else due) + every / 1000
            wait_until(due)
    time.sleep(1e6)


def role_listener(cfg):
    wait_until(released())
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((cfg["ip"], cfg["port"]))
    s.listen(16)
    app("client", "listen", "OK", cfg["port"], 0)
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


def forge(src, dst, sport, dport, seq, flags):
    """An IPv4 + TCP header (no options), checksums computed here."""
    sip, dip = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0)
    pseudo = sip + dip + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.randint(0, 65535), 0, 64,
                     socket.IPPROTO_TCP, 0, sip, dip)
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + tcp


def role_attacker(cfg):
    """Forge a SYN with the client's four-tuple, read the numbers off the server's challenge ACK
    (seen on the bridge, which floods every frame to every port), forge a RST at exactly its ack."""
    at = released()
    sn = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sn.bind((cfg["dev"], 0))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    wait_until(at)
    while select.select([sn], [], [], 0)[0]:
        sn.recv(2048)
    cip, sip, cport, sport = cfg["client_ip"], cfg["server_ip"], cfg["client_port"], cfg["server_port"]
    raw.sendto(forge(cip, sip, cport, sport, random.randint(0, 2**32 - 1), 0x02), (sip, 0))
    emit({"forged": {"t": time.time(), "flags": "SYN"}})
    deadline = time.time() + 5
    while time.time() < deadline:
        if not select.select([sn], [], [], 0.1)[0]:
            continue
        fr = sn.recv(2048)
        if len(fr) < 54 or fr[12:14] != b"\x08\x00":
            continue
        ip = fr[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 6 or ip[12:16] != socket.inet_aton(sip) or ip[16:20] != socket.inet_aton(cip):
            continue
        tcp = ip[ihl:]
        sp, dp, _, ack, off, fl = struct.unpack("!HHIIBB", tcp[:14])
        plen = struct.unpack("!H", ip[2:4])[0] - ihl - (off >> 4) * 4
        if sp == sport and dp == cport and fl == 0x10 and plen == 0:
            raw.sendto(forge(cip, sip, cport, sport, ack, 0x04), (sip, 0))
            emit({"forged": {"t": time.time(), "flags": "RST"}})
            break
    else:
        emit({"note": "the third party saw no challenge ACK within 5 s"})
    time.sleep(1e6)


# ---------------------------------------------------------------- the director

class Director:
    def __init__(self, plan, prefix):
        self.plan = plan
        self.ns = {k: prefix + "-" + v for k, v in
                   (("client", "c"), ("server", "s"), ("bridge", "b"), ("attacker", "a"))}
        self.lock = threading.Lock()
        self.t0 = None
        self.t0_seen = threading.Event()
        self.ended = None  # when the watched application learned how its connection ended
        self.helpers = []
        self.stopping = False

    def say(self, t, who, what):
        if self.stopping:
            return  # what the processes' own kill does is no part of the run
        at = "%9.3f s" % (t - self.t0) if self.t0 is not None else "   before t0"
        show("%s  %-8s %s" % (at, who, what))

    def on_msg(self, role, m):
        with self.lock:
            if "t0" in m:
                self.t0 = m["t0"]
                self.t0_seen.set()
            if "app" in m:
                a = m["app"]
                res = a["result"]
                self.say(a["t"], a["host"], "%s() -> %s" % (a["call"], res))
                w = self.plan["watch"]
                mine = (a["host"] == w["host"] and
                        (a["rport"] if w["host"] == "server" else a["lport"]) == w["port"])
                bad = isinstance(res, str) and res not in ("OK", "EOF")
                if mine and self.ended is None and (a["call"] == "close" or bad):
                    self.ended = time.time()
            if "forged" in m:
                self.say(m["forged"]["t"], "3rd party", "forged %s sent" % m["forged"]["flags"])
            if "note" in m and not self.stopping:
                show("note (%s): %s" % (role, m["note"]))

    def spawn(self, ns, role, cfg):
        p = subprocess.Popen([sys.executable, os.path.abspath(__file__), role, ns, json.dumps(cfg)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, TCLR_DIRECTOR=str(os.getpid())))
        ready = threading.Event()

        def read():
            for line in p.stdout:
                try:
                    m = json.loads(line)
                except ValueError:
                    continue
                if m.get("ready"):
                    ready.set()
                self.on_msg(role, m)

        threading.Thread(target=read, daemon=True).start()
        h = {"p": p, "ready": ready, "role": role}
        self.helpers.append(h)
        return h

    def cmd(self, h, line):
        h["p"].stdin.write(line + "\n")
        h["p"].stdin.flush()

    def nft(self, ns, text):
        r = subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", "-"], input=text, text=True,
                           capture_output=True)
        if r.returncode:
            raise RuntimeError("nft in %s: %s" % (ns, r.stderr.strip()))

    def ns_run(self, ns, *cmd):
        return subprocess.run(["ip", "netns", "exec", ns] + list(cmd), capture_output=True, text=True)

    def step(self, what, client):
        if what == "kill":
            client["p"].kill()
            return "the client process is killed (SIGKILL); its kernel closes its socket"
        if what == "crash":
            self.nft(self.ns["client"], DROP)
            client["p"].kill()
            return "host crash: nothing leaves or reaches the client's namespace any more (nftables " \
                   "drop-all at priority -400); its process is killed under the drop"
        if what == "reboot":
            self.ns_run(self.ns["client"], "ss", "-K", "-tan")
            left = [l for l in self.ns_run(self.ns["client"], "ss", "-tanH").stdout.splitlines() if l.strip()]
            if left:
                raise RuntimeError("sockets survived `ss -K` (is the kernel built without "
                                   "CONFIG_INET_DIAG_DESTROY?): %s" % "; ".join(left))
            self.ns_run(self.ns["client"], "nft", "delete", "table", "inet", "tclr_crash")
            return "reboot done: `ss -K` destroyed every client socket under the drop (its RSTs never " \
                   "left), then the drop was removed"
        if what == "path_down":
            self.nft(self.ns["bridge"], PATH)
            return "the path drops every IP packet (nftables on the bridge; ARP still passes)"
        if what == "path_up":
            self.ns_run(self.ns["bridge"], "nft", "delete", "table", "bridge", "tclr_path")
            return "the path is back"
        raise RuntimeError("unknown step " + what)

    def run(self):
        p = self.plan
        if p.get("server_unplugged"):
            r = self.ns_run(self.ns["bridge"], "ip", "link", "set", "b-s", "down")
            if r.returncode != 0:
                raise RuntimeError("unplugging the server: %s" % r.stderr.strip())
            self.say(time.time(), "step", "the server's host is unplugged: its bridge port is down (no frame "
                                          "reaches it, ARP included)")
        elif p.get("server_down"):
            self.nft(self.ns["server"], DROP)
            self.say(time.time(), "step", "the server's host is down: nothing leaves or reaches its namespace "
                                          "(nftables drop-all at priority -400)")
        srv = self.spawn(self.ns["server"], "server", p["server"])
        ahead = {}
        for i, (at, what, *arg) in enumerate(p["steps"]):
            if what == "listen":
                ahead[i] = self.spawn(self.ns["client"], "listener", dict(p["client"], port=arg[0]))
            elif what == "connect":
                ahead[i] = self.spawn(self.ns["client"], "client", dict(p["client"], port=arg[0], gated=True,
                                                                        reads=True))
            elif what == "attack":
                ahead[i] = self.spawn(self.ns["attacker"], "attacker", p["attacker"])
        for h in [srv] + list(ahead.values()):
            if not h["ready"].wait(30):
                raise RuntimeError("the %s process did not start" % h["role"])
        time.sleep(0.2)
        client = self.spawn(self.ns["client"], "client", p["client"])
        if not self.t0_seen.wait(10):
            raise RuntimeError("the client never called connect()")
        t0 = self.t0
        for i, (at, what, *arg) in enumerate(p["steps"]):
            when = t0 + at / 1e6
            if what == "send":
                self.cmd(srv, "send %r %d %d" % (when, arg[0], arg[1]))
            elif i in ahead:
                self.cmd(ahead[i], "go %r" % when)
            else:
                wait_until(when)
                done = self.step(what, client)
                self.say(time.time(), "step", done)
        deadline = t0 + p["deadline_us"] / 1e6
        while time.time() < deadline:
            with self.lock:
                if self.ended is not None:
                    deadline = min(deadline, self.ended + GRACE)
            time.sleep(0.02)
        self.say(time.time(), "end", "stopped watching")

    def stop_capture(self, pid):
        """SIGINT to tcpdump, and wait (up to 5 s) until it has written its file and exited."""
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            return
        for _ in range(250):
            try:
                with open("/proc/%d/stat" % pid) as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        return
            except OSError:
                return
            time.sleep(0.02)

    def stop(self):
        self.stopping = True
        for h in self.helpers:
            if h["p"].poll() is None:
                h["p"].kill()
                h["p"].wait()


class Stopped(BaseException):
    """A signal asked the director to stop."""


def main():
    role = sys.argv[1]
    if role == "exec":
        # tcpdump cannot ask for PR_SET_PDEATHSIG itself; it keeps it across
        # execve (it is not set-user-ID, and -Z root changes no user ID).
        die_with_parent(signal.SIGTERM, int(sys.argv[2]))
        os.execvp(sys.argv[3], sys.argv[3:])
    if role == "director":
        # The first signal stops the run; later ones (Ctrl-C reaches the
        # director, then the script's trap sends SIGTERM) change nothing.
        # The handler stays: one set to SIG_IGN while a signal is pending
        # makes Python raise "Signal 15 ignored due to race condition".
        first = []

        def on_signal(signum, _frame):
            if not first:
                first.append(signum)
                raise Stopped(signal.Signals(signum).name)

        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, on_signal)
        code, d = 0, None
        try:
            die_with_parent(signal.SIGTERM, int(sys.argv[5]))
            with open(sys.argv[2]) as f:
                d = Director(json.load(f), sys.argv[3])
            d.run()
        except RuntimeError as e:
            show("stopped: %s" % e, err=True)
            code = 1
        except Stopped as e:
            show("director: stopped by %s" % e, err=True)
            code = 128 + int(getattr(signal, str(e)))
        finally:
            first.append(0)  # stopping: signals from now on change nothing
            if d is not None:
                time.sleep(0.2)
                d.stop_capture(int(sys.argv[4]))
                d.stop()
        return code
    # A helper: the director stops it (SIGKILL), or its death does.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    die_with_parent(signal.SIGKILL, int(os.environ["TCLR_DIRECTOR"]))
    enter_netns(sys.argv[2])
    cfg = json.loads(sys.argv[3])
    {"server": role_server, "client": role_client, "listener": role_listener, "attacker": role_attacker}[role](cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
