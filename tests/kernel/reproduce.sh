#!/usr/bin/env bash
# The scripts `tcpsim reproduce` writes, run on this machine's kernel: for
# each scenario that runs in seconds with short parameters, write its script,
# run it (as root: it creates its own namespaces, tclr-<PID>-*), read the pcap
# with `tcpsim explain FILE --format json`, and check that the analysed
# segments' reasons (why) are the simulation's (`tcpsim run ID --set ...
# --format json`), in order, connection by connection, as seen from the
# interface the script captured on. The wire ambiguities the analyser's own
# tests allow are allowed here too: a listener's RST reads as a closed port's
# (rst_listener as rst_no_socket). One line per scenario; ends with
# "reproduce: N passed, M failed". Not root or no namespaces: SKIP, and
# "reproduce: 0 passed, 0 failed".
#
# It takes tests/kernel/record.py's lock for its whole run, so it never runs
# beside a recorder (whose namespaces, tcl-*, it does not use anyway).
set -uo pipefail
# The whole run is one function, read by bash before it starts: editing this
# file while it runs changes nothing.
main() {
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

skip() {
  echo "SKIP: reproduce: $*"
  echo "reproduce: 0 passed, 0 failed"
  exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root, cannot create network namespaces"
for tool in ip nft tcpdump python3 ss; do
  command -v "$tool" >/dev/null || skip "$tool missing"
done
probe="tclr-probe-$$"
ip netns add "$probe" 2>/dev/null || skip "ip netns add failed (no permission for namespaces here)"
ip netns del "$probe"

cargo build -q --release -p tcpsim-cli || {
  echo "reproduce: the CLI does not build"
  echo "reproduce: 0 passed, 1 failed"
  exit 1
}

lock=/run/lock/tcp-crash-lab-record.lock
[ -d /run/lock ] || lock=/tmp/tcp-crash-lab-record.lock
exec 9>"$lock"
if ! flock -n 9; then
  echo "reproduce: waiting for a kernel recorder to finish ($lock)"
  flock 9
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Its own copy of the CLI: a rebuild while it runs changes nothing here.
cp target/release/tcpsim "$out/tcpsim"
cli="$out/tcpsim"

# Each scenario with parameters that make it last seconds (rtt_ms = 1: the
# veth links, no netem). process-crash is run with unread data (its kernel's
# RST): with the default, the server's ACK of the client's FIN is Linux's
# delayed ACK, which fires at the next timer tick (0-4 ms, README:
# Fidelity); when that is under a millisecond the analyser, which tells a
# delayed ACK by its delay, reads it as an immediate one (seen here in one
# run of two), and the wire cannot say otherwise.
cases=(
  "process-crash crash_at=1 unread_data=1 observe_s=2"
  "host-crash-idle crash_at=1 observe_s=3"
  "keepalive-peer-alive tcp_keepidle=2 tcp_keepintvl=1 tcp_keepcnt=3 observe_s=1"
  "keepalive-peer-dead crash_at=1 tcp_keepalive_time=2 tcp_keepalive_intvl=1 tcp_keepalive_probes=3 observe_s=2"
  "host-crash-data-no-reboot crash_at=1 send_at=1 tcp_user_timeout=5000 observe_s=2"
  "host-crash-reboot-no-listener crash_at=1 send_at=1 reboot_s=5 observe_s=2"
  "host-crash-reboot-listener crash_at=1 send_at=1 reboot_s=5 observe_s=2"
  "syn-established-new-port crash_at=1 reboot_s=5 reconnect_after=1 server_writes=1 send_at=7 observe_s=2"
  "syn-established-same-port crash_at=1 reboot_s=5 reconnect_after=1 observe_s=2"
  "kill-from-outside attack_at=1 observe_s=2"
  "connect-dead-host tcp_syn_retries=2 tcp_syn_linear_timeouts=1 observe_s=2"
  "middlebox-idle-timeout middlebox_idle_s=2 write_at=4 tcp_user_timeout=3000 observe_s=2"
  "partition-heals partition_at=1 partition_s=3 send_at=1 observe_s=2"
)

passed=0
failed=0
for c in "${cases[@]}"; do
  read -r id rest <<<"$c"
  sets=(--set rtt_ms=1)
  for kv in $rest; do sets+=(--set "$kv"); done
  dir="$out/$id"
  mkdir -p "$dir"
  verdict=""
  if ! "$cli" reproduce "$id" "${sets[@]}" -o "$dir/run.sh" 2>"$dir/err"; then
    verdict="FAILED (tcpsim reproduce: $(cat "$dir/err"))"
  elif bash "$dir/run.sh" "$dir/capture.pcap" >"$dir/log" 2>&1; rc=$?; [ "$rc" -ne 0 ]; then
    verdict="FAILED (the script exited $rc: $(tail -n 3 "$dir/log" | tr '\n' ' '))"
  elif ! "$cli" run "$id" "${sets[@]}" --format json >"$dir/sim.json" 2>"$dir/err"; then
    verdict="FAILED (tcpsim run: $(cat "$dir/err"))"
  else
    verdict=$(python3 - "$cli" "$dir" "$id" <<'PY'
import json, subprocess, sys
cli, d, scenario = sys.argv[1:]
sim = json.load(open(d + "/sim.json"))
# The interface the script captured on: the client's for connect-dead-host,
# else the server's. What it sees: what its host sends, and what reaches it.
host = "client" if scenario == "connect-dead-host" else "server"
view = []
for p in sim["packets"]:
    if p["src"] == host:
        view.append((p["sent_at"], p))
    elif p["dst"] == host and p["arrived_at"] is not None:
        view.append((p["arrived_at"], p))
view.sort(key=lambda x: x[0])
# A run the simulation stopped at its horizon has timers left; the kernel
# went on and the script watched a little longer (timer-wheel slack, grace):
# segments past the horizon (plus the comparison's tolerance) are not compared.
horizon = sim["end_at"] if sim["stop"] == "horizon" else None
def client_port(p):
    return p["sport"] if p["dport"] == 8080 else p["dport"]
want = {}
for _, p in view:
    why = "rst_no_socket" if p["why"] == "rst_listener" else p["why"]
    want.setdefault(client_port(p), []).append(why)
explain = lambda *a: json.loads(subprocess.run([cli, "explain", d + "/capture.pcap", "--format", "json", *a],
                                               check=True, capture_output=True, text=True).stdout)
conns = explain()["connections"]
got = {}
for c in conns:
    a = explain("--conn", str(c["index"]))
    whys = []
    for p in a["trace"]["packets"]:
        t = c["first_at"] + p["sent_at"]
        if horizon is not None and t > horizon + 0.015 + horizon / 8:
            continue
        whys.append(p["why"])
    got.setdefault(c["client"]["port"], []).extend(whys)
problems = []
for port in sorted(set(want) | set(got)):
    w, g = want.get(port, []), got.get(port, [])
    if w != g:
        problems.append("port %d: simulated %s; captured %s" % (port, " ".join(w) or "-", " ".join(g) or "-"))
n = sum(len(v) for v in want.values())
print("ok (%d segments in %d connection%s)" % (n, len(want), "" if len(want) == 1 else "s") if not problems
      else "FAILED (" + "; ".join(problems) + ")")
PY
    ) || verdict="FAILED (the comparison crashed)"
  fi
  echo "reproduce: $id: $verdict"
  if [ "${verdict%% *}" = ok ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    sed 's/^/    /' "$dir/log" 2>/dev/null | tail -n 20
  fi
done
echo "reproduce: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
}
main "$@"
exit $?
