#!/usr/bin/env bash
# Run the simulator and renderer benchmarks (criterion, short settings) and
# print a table.
# Usage: scripts/bench-native.sh [criterion filter]
# Full criterion output is kept in target/bench-native.log.
set -euo pipefail
cd "$(dirname "$0")/.."

log=target/bench-native.log
mkdir -p target
{
  cargo bench -p tcpsim --bench sim -- --warm-up-time 1 --measurement-time 3 "$@"
  cargo bench -p tcpsim-diagram --bench render -- --warm-up-time 1 --measurement-time 3 "$@"
} 2>&1 | tee "$log" >/dev/null

echo
echo "Setup notes (what each benchmark simulates):"
grep '^# ' "$log" | sed 's/^# /  /' | sort -u
echo
printf '%-45s %14s %18s\n' "benchmark" "median time" "events/s (K=1e3)"
printf '%-45s %14s %18s\n' "---------" "-----------" "----------"
# Criterion prints "Benchmarking NAME: Analyzing", then "time: [lo mid hi]"
# and, with a throughput set, "thrpt: [lo mid hi]".
awk '
  /^Benchmarking .*: Analyzing$/ { name = $0; sub(/^Benchmarking /, "", name); sub(/: Analyzing$/, "", name) }
  /%/ { next }  # the "change:" block compares with the previous run
  /time:  *\[/ {
    s = $0; sub(/.*time: *\[/, "", s); split(s, a, " ")
    if (!(name in times)) order[++n] = name
    times[name] = a[3] " " a[4]
  }
  /thrpt:  *\[/ {
    s = $0; sub(/.*thrpt: *\[/, "", s); split(s, a, " "); thr[name] = a[3] " " a[4]
  }
  END { for (i = 1; i <= n; i++) { k = order[i]; printf "%-45s %14s %18s\n", k, times[k], (k in thr ? thr[k] : "") } }
' "$log"
