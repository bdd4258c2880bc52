#!/usr/bin/env bash
# Build the static site into dist/: the release wasm (optimized with
# binaryen's wasm-opt from npm), the page (web/), and every scenario's
# diagram pre-rendered by the CLI for readers without JavaScript.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

out=dist
pkg_tmp=target/wasm-pkg
rm -rf "$out"
mkdir -p "$out/pkg" "$out/prerendered" "$out/pcap" target

echo "build-web: wasm (release)"
wasm-pack build crates/tcpsim-wasm --profile wasm-release --target web --out-dir "$PWD/$pkg_tmp" --no-pack >/dev/null 2>"$pkg_tmp.log" || {
  cat "$pkg_tmp.log"
  exit 1
}
cp "$pkg_tmp/tcpsim_wasm.js" "$out/pkg/"
if command -v wasm-opt >/dev/null && wasm-opt --version | grep -q "version 1[2-9][0-9]"; then
  wasm-opt -Oz --converge --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    "$pkg_tmp/tcpsim_wasm_bg.wasm" -o "$out/pkg/tcpsim_wasm_bg.wasm"
else
  echo "build-web: binaryen from npm not found (run scripts/setup.sh); wasm left unoptimized"
  cp "$pkg_tmp/tcpsim_wasm_bg.wasm" "$out/pkg/"
fi

echo "build-web: page"
cp -r web/. "$out/"
if command -v esbuild >/dev/null; then
  # Minify each file on its own (no bundling: the modules stay as they are).
  for f in "$out"/*.js "$out/pkg/tcpsim_wasm.js" "$out/style.css"; do
    esbuild "$f" --minify --charset=utf8 --log-level=warning --allow-overwrite --outfile="$f"
  done
else
  echo "build-web: esbuild from npm not found (run scripts/setup.sh); JS and CSS left as they are"
fi

echo "build-web: pre-rendered diagrams and captures"
cargo build -q --release -p tcpsim-cli
cli=target/release/tcpsim
for id in $("$cli" list | awk '{print $1}'); do
  "$cli" run "$id" --format svg --lang zh -o "$out/prerendered/$id.zh.svg"
  "$cli" run "$id" --format svg --lang en -o "$out/prerendered/$id.en.svg"
  "$cli" run "$id" --format pcap -o "$out/pcap/$id.pcap"
done
echo "build-web: Linux captures (tests/kernel/fixtures)"
mkdir -p "$out/kernel"
index="["
sep=""
for f in tests/kernel/fixtures/*.json; do
  name=$(basename "$f" .json)
  "$cli" capture "$f" --format svg --lang zh -o "$out/kernel/$name.zh.svg"
  "$cli" capture "$f" --format svg --lang en -o "$out/kernel/$name.en.svg"
  cp "tests/kernel/fixtures/$name.pcap" "$out/kernel/$name.pcap"
  index="$index$sep$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({k: d[k] for k in ("name","scenario","kernel","recorded_at","params")}, ensure_ascii=False))' "$f")"
  sep=","
done
printf '%s]\n' "$index" >"$out/kernel/index.json"
touch "$out/.nojekyll"

gz() { gzip -9 -c "$1" | wc -c; }
wasm_raw=$(wc -c <"$out/pkg/tcpsim_wasm_bg.wasm")
wasm_gz=$(gz "$out/pkg/tcpsim_wasm_bg.wasm")
page_gz=0
for f in index.html style.css app.js common.js i18n.js pkg/tcpsim_wasm.js pkg/tcpsim_wasm_bg.wasm; do
  page_gz=$((page_gz + $(gz "$out/$f")))
done
printf 'build-web: wasm %d bytes (%d gzipped); index.html with everything it loads: %d bytes gzipped\n' \
  "$wasm_raw" "$wasm_gz" "$page_gz"
