#!/usr/bin/env bash
# Page tests on the built site in headless Chromium. Builds dist/ when it is
# missing or older than its sources. Ends with "page: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
wasm=dist/pkg/tcpsim_wasm_bg.wasm
if [ ! -f "$wasm" ] || [ -n "$(find web crates tests/kernel/fixtures -newer "$wasm" -type f -print -quit)" ]; then
  if ! bash scripts/build-web.sh; then
    echo "page: 0 passed, 1 failed"
    exit 1
  fi
fi
[ -x target/release/tcpsim ] || cargo build -q --release -p tcpsim-cli
log=$(mktemp)
node --test --test-concurrency=1 tests/web/ 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
pass=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$log" | tail -n 1)
fail=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$log" | tail -n 1)
rm -f "$log"
if [ -z "$pass" ]; then
  echo "page: 0 passed, 1 failed"
  exit 1
fi
echo "page: $pass passed, ${fail:-0} failed"
exit $rc
