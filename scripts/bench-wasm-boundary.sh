#!/usr/bin/env bash
# The wasm boundary, measured (a benchmark, not a test): the parameters and
# the trace crossing between JS and Rust as they do (a hand-walked object,
# the core's JSON text and one JSON.parse) against serde-wasm-bindgen, which
# the design card names. Builds tcpsim-wasm's tools module twice for Node
# (without and with the measurement-only `swb` feature, which reads the
# parameters with serde_wasm_bindgen::from_value and adds
# Inspect::trace_swb), prints the gzipped size of the first-load module
# both ways, and times both in Node (V8, as in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
out=target/bench-wasm-boundary
mkdir -p "$out"
opt() { wasm-opt -Oz --converge --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals "$1" -o "$2"; }
wasm=target/wasm32-unknown-unknown/wasm-release/tcpsim_wasm.wasm
for f in "" swb; do
  cargo build -q -p tcpsim-wasm --target wasm32-unknown-unknown --profile wasm-release ${f:+--features $f}
  wasm-bindgen --target web --out-dir "$out/web-$f" "$wasm"
  opt "$out/web-$f/tcpsim_wasm_bg.wasm" "$out/first-load-$f.wasm"
  printf 'first-load module%s: %d bytes gzipped\n' "${f:+ with serde-wasm-bindgen parameters}" "$(gzip -9 -c "$out/first-load-$f.wasm" | wc -c)"
done
for f in tools tools,swb; do
  cargo build -q -p tcpsim-wasm --target wasm32-unknown-unknown --profile wasm-release --features "$f"
  d="$out/node-${f/,/-}"
  wasm-bindgen --target nodejs --out-dir "$d" "$wasm"
  opt "$d/tcpsim_wasm_bg.wasm" "$d/tcpsim_wasm_bg.wasm"
  echo '{"type": "commonjs"}' >"$d/package.json"
  echo "== tools module, features $f: $(gzip -9 -c "$d/tcpsim_wasm_bg.wasm" | wc -c) bytes gzipped"
  node scripts/bench-wasm-boundary.cjs "$PWD/$d"
done
