#!/usr/bin/env bash
# Run every test suite: native Rust (unit, snapshot, property, CLI, kernel
# fixture comparison), wasm in headless Chromium, page tests on the built
# site, a live re-recording of the fast scenarios on this kernel, the
# scripts of `tcpsim reproduce` run on it, and the explorer's presets traced
# on the real software (tests/presets).
# Installs what is missing first (scripts/setup.sh), so it works on a bare
# machine. Ends with one line "N passed, N failed" summing all suites.
set -uo pipefail
cd "$(dirname "$0")/.."

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT
total_pass=0
total_fail=0
status=0

run_suite() {
  # run_suite NAME COMMAND...: runs it, keeps its "NAME: N passed, M failed" line.
  local name=$1
  shift
  echo "=== $name: $*"
  "$@" 2>&1 | tee "$log_dir/$name.log"
  local rc=${PIPESTATUS[0]}
  local line
  line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$log_dir/$name.log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "$name: no summary line (exit $rc); counted as 1 failure"
    total_fail=$((total_fail + 1))
    status=1
    return
  fi
  local p f
  p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$line")
  f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
    status=1
  fi
}

echo "=== setup"
if ! bash scripts/setup.sh; then
  echo "setup failed"
  echo "0 passed, 1 failed"
  exit 1
fi
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

run_suite native bash scripts/test-native.sh
run_suite wasm bash scripts/test-wasm.sh
run_suite page bash scripts/test-page.sh
run_suite kernel-live bash tests/kernel/live.sh
run_suite reproduce bash tests/kernel/reproduce.sh
run_suite presets bash tests/presets/run.sh

echo
echo "summary: native, wasm, page, kernel-live, reproduce and presets suites"
echo "$total_pass passed, $total_fail failed"
exit $status
