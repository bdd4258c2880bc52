#!/usr/bin/env bash
# The analyser at scale, natively: writes synthetic captures (a SYN flood of
# a million connections, a port scan, one four-tuple with 200,000 SYNs of
# distinct ISNs, one 65,160-byte segment resent 2,000 and 20,000 times;
# crates/tcpsim-analyse/examples/gen_capture.rs, into target/scale/, not
# committed) and prints, for each `tcpsim explain` run, the wall-clock and
# CPU time and the peak RSS (/usr/bin/time -v). Figures only; asserts
# nothing. The machine's load moves the wall-clock time: the CPU time is the
# steadier figure, and the load average is printed before and after.
#
#   bash scripts/bench-scale.sh [CONNECTIONS]     (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
n=${1:-1000000}
out=target/scale
mkdir -p "$out"
cargo build -q --release -p tcpsim-cli
cargo build -q --release -p tcpsim-analyse --examples
gen=target/release/examples/gen_capture
[ -f "$out/synflood-$n.pcap" ] || $gen "$out/synflood-$n.pcap" --synflood "$n"
[ -f "$out/scan-$n.pcap" ] || $gen "$out/scan-$n.pcap" --scan "$n"
[ -f "$out/isns-200000.pcap" ] || $gen "$out/isns-200000.pcap" --isns 200000
[ -f "$out/resend-2000.pcap" ] || $gen "$out/resend-2000.pcap" --resend 2000
[ -f "$out/resend-20000.pcap" ] || $gen "$out/resend-20000.pcap" --resend 20000

run() {
    local what=$1
    shift
    /usr/bin/time -v target/release/tcpsim "$@" >/dev/null 2>"$out/time.txt" || true
    awk -v what="$what" '
        /User time/ {u = $NF} /System time/ {s = $NF}
        /Elapsed \(wall clock\)/ {e = $NF} /Maximum resident/ {m = $NF}
        END {printf "%-44s %9s wall  %6.2f s CPU  %7.1f MB peak RSS\n", what, e, u + s, m / 1024}' "$out/time.txt"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; $(nproc) cores)"
run "list $n connections (SYN flood), text" explain "$out/synflood-$n.pcap"
run "list $n connections (SYN flood), json" explain "$out/synflood-$n.pcap" --format json
run "list $n connections (port scan), text" explain "$out/scan-$n.pcap"
run "explain one of $n (SYN flood)" explain "$out/synflood-$n.pcap" --conn 5
run "explain 200,000 SYNs on one four-tuple" explain "$out/isns-200000.pcap" --conn 0
run "explain one segment resent 2,000 times" explain "$out/resend-2000.pcap" --conn 0
run "explain one segment resent 20,000 times" explain "$out/resend-20000.pcap" --conn 0
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
