#!/usr/bin/env bash
# The analyser on a large capture, natively and in wasm (Node), and the
# wasm module's size. Prints figures; asserts nothing.
#
#   bash crates/tcpsim-analyse/bench.sh [PACKETS]     (default 1,000,000)
#
# The capture (about 100 bytes a packet, ~100 MB for a million) is written
# by examples/gen_capture.rs to target/, not committed. Needs /usr/bin/time
# (Debian's time), wasm-pack and npm's binaryen (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
packets=${1:-1000000}
capture=target/bench-capture.pcap
pkg=target/analyse-pkg

cargo build -q --release -p tcpsim-analyse --examples
target/release/examples/gen_capture "$capture" "$packets"

echo "== native (release), 1 MiB chunks"
/usr/bin/time -v target/release/examples/bench_capture "$capture" 2>"$capture.time"
grep -E "Maximum resident|Elapsed" "$capture.time"

echo "== wasm (wasm-release profile, wasm-opt -Oz), in Node"
wasm-pack build crates/tcpsim-analyse-wasm --profile wasm-release --target web \
  --out-dir "$PWD/$pkg" --no-pack >/dev/null 2>"$pkg.log" || {
  cat "$pkg.log"
  exit 1
}
if command -v wasm-opt >/dev/null && wasm-opt --version | grep -q "version 1[2-9][0-9]"; then
  wasm-opt -Oz --converge --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals "$pkg/tcpsim_analyse_wasm_bg.wasm" -o "$pkg/opt.wasm"
  mv "$pkg/opt.wasm" "$pkg/tcpsim_analyse_wasm_bg.wasm"
else
  echo "bench: binaryen from npm not found (run scripts/setup.sh); wasm left unoptimized"
fi
printf 'wasm module: %d bytes, %d gzipped (-9)\n' \
  "$(wc -c <"$pkg/tcpsim_analyse_wasm_bg.wasm")" "$(gzip -9 -c "$pkg/tcpsim_analyse_wasm_bg.wasm" | wc -c)"
/usr/bin/time -v node crates/tcpsim-analyse-wasm/bench.mjs "$pkg" "$capture" 2>"$capture.time"
grep -E "Maximum resident|Elapsed" "$capture.time"
rm -f "$capture.time"
