#!/usr/bin/env bash
@HEADER@
set -euo pipefail

id=@ID@
out=${1:-"$PWD/tcpsim-$id-$(date +%Y%m%d-%H%M%S).pcap"}
case $out in /*) ;; *) out="$PWD/$out" ;; esac

if [ "$(id -u)" -ne 0 ]; then
  echo "$id: needs root (network namespaces, nftables, tcpdump): sudo bash $0 ${1:-}" >&2
  exit 1
fi
for tool in ip nft tcpdump python3@TOOLS@; do
  if ! command -v "$tool" >/dev/null; then
    echo "$id: '$tool' is missing (Debian and Ubuntu packages: iproute2, nftables, tcpdump, python3)" >&2
    exit 1
  fi
done

P=tclr-$$
# A run killed with SIGKILL cannot clean up: its namespaces (tclr-PID-*) and
# temporary directory (tclr-PID.*) stay, its processes die with it. Those
# of runs whose PID is gone are removed here, nothing else (as `tcpsim
# reproduce --cleanup` does).
sweep_dead_runs() {
  local ns d pid p
  for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
    pid=${ns#tclr-}
    pid=${pid%-?}
    case $ns in tclr-*-?) ;; *) continue ;; esac
    case $pid in '' | *[!0-9]*) continue ;; esac
    [ -e "/proc/$pid" ] && continue
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null && echo "$id: removed namespace $ns, left by a run that was killed"
  done
  for d in "${TMPDIR:-/tmp}"/tclr-*.*; do
    if [ ! -d "$d" ] || [ -L "$d" ]; then continue; fi
    pid=${d##*/tclr-}
    pid=${pid%%.*}
    case $pid in '' | *[!0-9]*) continue ;; esac
    [ -e "/proc/$pid" ] && continue
    rm -rf -- "$d" && echo "$id: removed $d, left by a run that was killed"
  done
  return 0
}
sweep_dead_runs
work=$(mktemp -d "${TMPDIR:-/tmp}/tclr-$$.XXXXXX")
tcpdump_pid=
director_pid=
stopped=
cleanup() {
  set +e
  trap '' INT TERM HUP
  # The director stops the capture, then its processes.
  if [ -n "$director_pid" ]; then kill -TERM "$director_pid" 2>/dev/null; wait "$director_pid" 2>/dev/null; fi
  if [ -n "$tcpdump_pid" ]; then kill -INT "$tcpdump_pid" 2>/dev/null; wait "$tcpdump_pid" 2>/dev/null; fi
  if [ -n "$stopped" ]; then
    if [ -s "$work/capture.pcap" ] && mv "$work/capture.pcap" "$out"; then
      if [ -n "${SUDO_UID:-}" ]; then chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$out"; fi
      echo "$id: stopped by SIG$stopped; the capture so far is in $out" >&2
    else
      echo "$id: stopped by SIG$stopped before the capture began; nothing written" >&2
    fi
  fi
  for ns in @NAMESPACES@; do
    for pid in $(ip netns pids "$P-$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$P-$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
# A signal stops the run at once (bash runs a trap when `wait` returns: the
# director runs in the background for that) and keeps the capture so far.
trap 'stopped=INT; exit 130' INT
trap 'stopped=TERM; exit 143' TERM
trap 'stopped=HUP; exit 129' HUP
echo "$id: run $P: namespaces $P-*, files in $work"
in_ns() { local ns=$1; shift; ip netns exec "$P-$ns" "$@"; }
mk_ns() {
  ip netns add "$P-$1"
  in_ns "$1" ip link set lo up
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

# ---- namespaces and links
@TOPOLOGY@
# ---- sysctls, the same in both hosts' namespaces (as in the simulation)
set_sysctl() { # NAME VALUE [what a kernel without it does]
  local ns
  for ns in c s; do
    if in_ns "$ns" test -e "/proc/sys/net/ipv4/$1"; then
      in_ns "$ns" sysctl -qw "net.ipv4.$1=$2"
    elif [ -n "${3:-}" ]; then
      echo "note: this kernel has no net.ipv4.$1: $3"
      return
    fi
  done
}
@SYSCTLS@
# ---- the link
@NETEM@
# ---- the processes (Python, standard library only) and their plan
cat >"$work/peer.py" <<'PEER_PY'
@PEER@PEER_PY
cat >"$work/plan.json" <<'PLAN_JSON'
@PLAN@
PLAN_JSON

echo "$id: Linux $(uname -r); capturing on the @WATCH@'s interface; at most @DEADLINE@ after the client's connect()"
# tcpdump (through peer.py's `exec`) dies with this script (PR_SET_PDEATHSIG).
ip netns exec "$P-@CAPTURE@" python3 "$work/peer.py" exec $$ tcpdump -i v-@CAPTURE@ -n -U -Z root -w "$work/capture.pcap" tcp 2>"$work/tcpdump.log" &
tcpdump_pid=$!
for _ in $(seq 100); do
  grep -q listening "$work/tcpdump.log" && break
  sleep 0.05
done
if ! grep -q listening "$work/tcpdump.log"; then
  echo "$id: tcpdump did not start: $(cat "$work/tcpdump.log")" >&2
  exit 1
fi
sleep 0.2

# The director stops tcpdump itself, before it stops the processes. It runs
# in the background so that a signal's trap runs at once, and dies with
# this script, as its processes die with it.
python3 "$work/peer.py" director "$work/plan.json" "$P" "$tcpdump_pid" $$ &
director_pid=$!
rc=0
wait "$director_pid" || rc=$?
director_pid=
if [ "$rc" -ne 0 ]; then exit "$rc"; fi
kill -INT "$tcpdump_pid" 2>/dev/null || true
wait "$tcpdump_pid" || true
tcpdump_pid=
mv "$work/capture.pcap" "$out"
if [ -n "${SUDO_UID:-}" ]; then chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$out" || true; fi
echo "$id: Linux $(uname -r); $(grep -Eo '[0-9]+ packets? captured' "$work/tcpdump.log" || echo 'tcpdump said nothing')"
echo "$id: capture written to $out"
echo "$id: explain it with: tcpsim explain '$out' --conn 0, or drop it on the page's section 'Explain your own capture', which shows it beside the simulation of $id (keep the file name)"
