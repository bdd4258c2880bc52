#!/usr/bin/env python3
"""Prove the explorer's presets on the real software.

Each stack (a real program: Debian's redis-server, Node.js, Python, Go,
psql/libpq, PyPI's grpcio, a JDK) opens one TCP connection on loopback
under `strace -f -e trace=setsockopt`; the socket options it set on that
connection are compared with its preset's idle-case values, read from
`tcpsim presets --format json` (crates/tcpsim-cli/src/presets.rs, the table
the page and the CLI use):

- SO_KEEPALIVE: what the software set (off when it set nothing);
- TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_USER_TIMEOUT: a preset's 0
  means "not set", so the software must not have set it; a value must have
  been set by the software, or be the sysctl's when the software left it
  alone (Go before 1.23 leaves the count at tcp_keepalive_probes).

A failed setsockopt (Node.js's TCP_KEEPIDLE 0 is EINVAL) sets nothing. Every
preset the table calls verified must have its stack here, and every stack
here must be the one its preset names. A stack whose software is missing
fails (scripts/setup.sh installs all of them).

Usage: trace.py TCPSIM   (run by tests/presets/run.sh). Prints one line per
stack, the traced calls under it, and `presets: N passed, M failed`; exits 1
if any failed.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

OPTS = ["SO_KEEPALIVE", "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "TCP_USER_TIMEOUT"]
KNOB = {"SO_KEEPALIVE": "so_keepalive", "TCP_KEEPIDLE": "tcp_keepidle", "TCP_KEEPINTVL": "tcp_keepintvl",
        "TCP_KEEPCNT": "tcp_keepcnt", "TCP_USER_TIMEOUT": "user_timeout"}
SYSCTL = {"TCP_KEEPIDLE": "tcp_keepalive_time", "TCP_KEEPINTVL": "tcp_keepalive_intvl", "TCP_KEEPCNT": "tcp_keepalive_probes"}
LINE = re.compile(
    r"^(?:\d+\s+)?setsockopt\((\d+), (\w+), (\w+), \[(-?\d+)\], \d+\) = (-?\d+)(?: (\w+))?"
)
PY = sys.executable
# grpcio, where scripts/setup.sh puts it (beside the build, not in the system).
PYDEPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "target", "presets-pydeps")
GRPC_ENV = dict(os.environ, PYTHONPATH=os.path.abspath(PYDEPS) + os.pathsep + os.environ.get("PYTHONPATH", ""))
TIMEOUT = 60


def sysctl(name):
    with open(f"/proc/sys/net/ipv4/{name}") as f:
        return int(f.read())


class Listener:
    """A loopback listener that accepts and holds each connection a moment."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        held = []
        while not self.stop:
            try:
                c, _ = self.sock.accept()
                self.accepted += 1
                held.append((time.monotonic(), c))
            except OSError:
                pass
            now = time.monotonic()
            for t, c in list(held):
                if now - t > 0.5:
                    c.close()
                    held.remove((t, c))
        for _, c in held:
            c.close()

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def strace(cmd, out, **kw):
    return ["strace", "-f", "-qq", "-e", "trace=setsockopt", "-o", out] + cmd


def parse(path):
    """The keepalive-related setsockopt calls, per fd: [(opt, value, ok, err)]."""
    per_fd = {}
    raw = []
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m or m.group(3) not in OPTS:
                continue
            fd, _level, opt, val, rc, err = m.groups()
            ok = rc == "0"
            raw.append(line.strip().split(None, 1)[1] if re.match(r"^\d+\s", line) else line.strip())
            per_fd.setdefault(int(fd), []).append((opt, int(val), ok, err))
    return per_fd, raw


def effective(calls):
    """What the calls left set: opt -> value (successful calls only)."""
    out = {}
    for opt, val, ok, _ in calls:
        if ok:
            out[opt] = val
    return out


def compare(expect, got):
    """Problems, comparing a preset's idle values with what was set."""
    bad = []
    ka = got.get("SO_KEEPALIVE", 0)
    if ka != expect["so_keepalive"]:
        bad.append(f"SO_KEEPALIVE {ka}, preset {expect['so_keepalive']}")
    for opt in OPTS[1:]:
        want = expect[KNOB[opt]]
        have = got.get(opt)
        if want == 0:
            if have not in (None, 0) if opt == "TCP_USER_TIMEOUT" else have is not None:
                bad.append(f"{opt} set to {have}, preset: not set")
        elif have is None:
            sys_v = sysctl(SYSCTL[opt]) if opt in SYSCTL else None
            if sys_v != want:
                bad.append(f"{opt} not set (system's {sys_v}), preset {want}")
        elif have != want:
            bad.append(f"{opt} {have}, preset {want}")
    return bad


def run_client(cmd, tmp, env=None):
    lis = Listener()
    out = os.path.join(tmp, "strace.out")
    try:
        p = subprocess.run(strace([c.replace("PORT", str(lis.port)) for c in cmd], out),
                           capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=tmp)
    finally:
        time.sleep(0.05)
        lis.close()
    if lis.accepted < 1:
        raise RuntimeError(f"no connection reached the listener (exit {p.returncode}: {p.stderr.strip()[-300:]})")
    return out


def wait_port(port, deadline):
    while time.monotonic() < deadline:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=1)
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def stop(proc):
    """End a process this test started, and everything in its session."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass


def version(cmd, pick=lambda s: s.strip().splitlines()[0]):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    return pick(r.stdout + r.stderr)


# ---- the stacks ---------------------------------------------------------------

def python_stack(tmp):
    out = run_client([PY, "-c", "import socket; s = socket.create_connection(('127.0.0.1', PORT)); s.close()"], tmp)
    return f"Python {sys.version.split()[0]} socket.create_connection", out


def node_stack(delay):
    def go(tmp):
        arg = "true" if delay is None else f"true, {delay}"
        js = f"const s = require('net').connect(PORT, '127.0.0.1', () => {{ s.setKeepAlive({arg}); s.destroy(); }});"
        out = run_client(["node", "-e", js], tmp)
        v = version(["node", "-p", "process.version + ' (libuv ' + process.versions.uv + ')'"])
        return f"Node.js {v.lstrip('v')}, setKeepAlive({arg})", out
    return go


GO_SRC = """package main

import (
	"net"
	"os"
)

// A default net.Dialer, as most Go programs dial.
func main() {
	c, err := (&net.Dialer{}).Dial("tcp", os.Args[1])
	if err != nil {
		panic(err)
	}
	c.Close()
}
"""


def go_stack(tmp):
    src = os.path.join(tmp, "dial.go")
    with open(src, "w") as f:
        f.write(GO_SRC)
    env = dict(os.environ, GOPROXY="off", GO111MODULE="off", GOTOOLCHAIN="local")
    b = subprocess.run(["go", "build", "-o", os.path.join(tmp, "dial"), src], capture_output=True, text=True,
                       timeout=300, env=env, cwd=tmp)
    if b.returncode != 0:
        raise RuntimeError(f"go build: {b.stderr.strip()}")
    out = run_client([os.path.join(tmp, "dial"), "127.0.0.1:PORT"], tmp)
    v = version(["go", "env", "GOVERSION"]).replace("go", "Go ", 1)
    return f"{v}, a default net.Dialer", out


def libpq_stack(tmp):
    # libpq sets its socket options before connect(): a listener that
    # accepts and closes is enough (psql then reports the closed connection).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(HOME=tmp, PGPASSFILE=os.devnull, PGSERVICEFILE=os.devnull, PGSYSCONFDIR=tmp)
    out = run_client(["psql", "host=127.0.0.1 port=PORT user=presets dbname=presets connect_timeout=5",
                      "-w", "-X", "-c", "select 1"], tmp, env=env)
    return version(["psql", "--version"]).replace("psql (PostgreSQL) ", "psql/libpq "), out


JAVA_SRC = """public class Dial {
    // A plain java.net.Socket, nothing set.
    public static void main(String[] a) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", Integer.parseInt(a[0]))) {
        }
    }
}
"""


def java_stack(tmp):
    with open(os.path.join(tmp, "Dial.java"), "w") as f:
        f.write(JAVA_SRC)
    c = subprocess.run(["javac", "-d", tmp, os.path.join(tmp, "Dial.java")], capture_output=True, text=True, timeout=TIMEOUT)
    if c.returncode != 0:
        raise RuntimeError(f"javac: {c.stderr.strip()}")
    out = run_client(["java", "-cp", tmp, "Dial", "PORT"], tmp)
    v = version(["java", "-version"], lambda s: re.search(r'version "([^"]+)"', s).group(1))
    return f"OpenJDK {v}, new Socket(host, port)", out


GRPC_SERVER = """
import sys, time, grpc
from concurrent import futures
s = grpc.server(futures.ThreadPoolExecutor(1))
port = s.add_insecure_port('127.0.0.1:0')
s.start()
print(port, flush=True)
sys.stdin.read()
"""
GRPC_CLIENT = """
import grpc
ch = grpc.insecure_channel('127.0.0.1:PORT', options=[('grpc.keepalive_time_ms', 10000)])
grpc.channel_ready_future(ch).result(timeout=20)
ch.close()
"""


def grpc_stack(tmp):
    srv = subprocess.Popen([PY, "-c", GRPC_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=GRPC_ENV,
                           start_new_session=True)
    try:
        port = int(srv.stdout.readline())
        out = os.path.join(tmp, "strace.out")
        p = subprocess.run(strace([PY, "-c", GRPC_CLIENT.replace("PORT", str(port))], out),
                           capture_output=True, text=True, timeout=TIMEOUT, env=GRPC_ENV)
        if p.returncode != 0:
            raise RuntimeError(f"grpc client: {p.stderr.strip()[-300:]}")
    finally:
        srv.stdin.close()
        try:
            srv.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        stop(srv)
    v = subprocess.run([PY, "-c", "import grpc; print(grpc.__version__)"], capture_output=True, text=True,
                       env=GRPC_ENV).stdout.strip()
    return f"grpcio {v}, grpc.keepalive_time_ms 10000", out


def redis_stack(tmp):
    # Its built-in defaults (no config file): tcp-keepalive is 300.
    port = free_port()
    out = os.path.join(tmp, "strace.out")
    srv = subprocess.Popen(strace(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no", "--dir", tmp, "--daemonize", "no"], out),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        c = wait_port(port, time.monotonic() + 20)
        c.settimeout(5)
        c.sendall(b"CONFIG GET tcp-keepalive\r\n")
        reply = b""
        while reply.count(b"\r\n") < 5:
            chunk = c.recv(4096)
            if not chunk:
                break
            reply += chunk
        conf = reply.split(b"\r\n")
        if len(conf) < 5 or conf[4] != b"300":
            raise RuntimeError(f"CONFIG GET tcp-keepalive: {reply!r}")
        # Redis ends itself (strace, its parent, then exits too).
        c.sendall(b"SHUTDOWN NOSAVE\r\n")
        c.close()
        srv.wait(timeout=TIMEOUT)
    finally:
        stop(srv)
    v = version(["redis-server", "--version"], lambda s: re.search(r"v=(\S+)", s).group(1))
    return f"redis-server {v}, built-in tcp-keepalive 300", out


# stack name, its preset, the tool it needs, how to run it
STACKS = [
    ("python", "linux", None, python_stack),
    ("go", "go", "go", go_stack),
    ("libpq", "libpq", "psql", libpq_stack),
    ("redis", "redis", "redis-server", redis_stack),
    ("node-default", "node", "node", node_stack(None)),
    ("node-30s", "node-30s", "node", node_stack(30000)),
    ("java", "java", "javac", java_stack),
    ("grpcio", "grpc", None, grpc_stack),
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: trace.py TCPSIM")
    presets = json.loads(subprocess.run([sys.argv[1], "presets", "--format", "json"], check=True,
                                        capture_output=True, text=True).stdout)
    by_id = {p["id"]: p for p in presets}
    passed = failed = 0
    t0 = time.monotonic()

    def fail(msg):
        nonlocal failed
        failed += 1
        print(msg)

    # The table and this list agree: each verified preset has its stack.
    names = {s[0] for s in STACKS}
    for p in presets:
        v = p.get("verified")
        if v and v["stack"] not in names:
            fail(f"FAIL  table: preset {p['id']} says verified by stack {v['stack']}, which this test does not run")
    if shutil.which("strace") is None:
        fail("FAIL  strace is not installed (scripts/setup.sh installs it)")
        print(f"presets: {passed} passed, {failed} failed")
        sys.exit(1)

    for name, pid, tool, fn in STACKS:
        p = by_id.get(pid)
        if p is None or not p.get("verified") or p["verified"]["stack"] != name:
            fail(f"FAIL  {name:<13} preset {pid} does not name this stack as its verification")
            continue
        if tool and shutil.which(tool) is None:
            fail(f"FAIL  {name:<13} {tool} is not installed (scripts/setup.sh installs it)")
            continue
        t = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="tcl-presets-") as tmp:
            try:
                software, out = fn(tmp)
                per_fd, raw = parse(out)
            except Exception as e:  # a stack that cannot run fails, named
                fail(f"FAIL  {name:<13} could not run: {e}")
                continue
        # The connection's socket: the one fd with keepalive options, if any.
        fds = [fd for fd, calls in per_fd.items()]
        if len(fds) > 1:
            fail(f"FAIL  {name:<13} keepalive options on {len(fds)} sockets: {raw}")
            continue
        got = effective(per_fd[fds[0]]) if fds else {}
        expect = p["values"]["idle"]
        bad = compare(expect, got)
        shown = ", ".join(f"{k}={v}" for k, v in got.items()) or "none of the five options set"
        line = f"{name:<13} {software} [{time.monotonic() - t:.1f} s]: {shown}; preset {pid}: " + \
            "/".join(str(expect[KNOB[o]]) for o in OPTS)
        if bad:
            fail(f"FAIL  {line}: " + "; ".join(bad))
        else:
            passed += 1
            print(f"pass  {line}")
        for r in raw:
            print(f"        {r}")
        if p["verified"]["software"].split(",")[0].split(" (")[0] not in software:
            print(f"        note: the table says it was verified on {p['verified']['software']}")
    print(f"presets: {passed} passed, {failed} failed (in {time.monotonic() - t0:.1f} s)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
