#!/usr/bin/env bash
# The binding APIs' tests (the simulator's and the capture analyser's), in headless Chromium. Ends with
# "wasm: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log=$(mktemp)
wasm-pack test --headless --chrome crates/tcpsim-wasm --features tools 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
wasm-pack test --headless --chrome crates/tcpsim-analyse-wasm 2>&1 | tee -a "$log"
rc2=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && rc=$rc2
pass=0
fail=0
while read -r p f; do
  pass=$((pass + p))
  fail=$((fail + f))
done < <(sed -nE 's/^test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' "$log")
rm -f "$log"
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
echo "wasm: $pass passed, $fail failed"
exit $rc
