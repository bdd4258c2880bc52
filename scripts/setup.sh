#!/usr/bin/env bash
# Install everything the project needs on a bare Debian machine that has
# rustup/cargo, node/npm and python3. Idempotent: each step is skipped in a
# moment when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'setup: %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# 1. Debian packages: a browser and its driver for the wasm and page tests,
#    capture tools and nftables/iproute2 for the real-kernel recordings, a
#    CJK font so screenshots of the Chinese page are legible, shellcheck for
#    the reproduction scripts' test (crates/tcpsim/tests/properties.rs).
pkgs=(tcpdump tshark nftables iproute2 fonts-wqy-zenhei shellcheck)
# The presets' real software, traced by tests/presets/run.sh: strace, and
# Redis, Go, psql/libpq and a JDK as Debian ships them.
pkgs+=(strace redis-server golang-go postgresql-client default-jdk-headless)
# A browser: Debian's Chromium and its driver, unless CHROMIUM names one
# already installed (GitHub's Ubuntu runners have Chrome and chromedriver;
# Ubuntu's chromium package is only a snap wrapper).
if [ -z "${CHROMIUM:-}" ] || [ ! -x "${CHROMIUM}" ]; then
  pkgs+=(chromium chromium-driver)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "Debian packages present"
fi

# 2. Rust target for the browser build.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
else
  say "wasm32 target present"
fi

# 3. wasm-pack, and wasm-bindgen-cli at exactly the version in Cargo.lock
#    (otherwise wasm-pack tries to download one and fails here).
if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack 0.15.1" ]; then
  say "cargo install wasm-pack 0.15.1"
  cargo install wasm-pack --version 0.15.1 --locked
else
  say "wasm-pack 0.15.1 present"
fi
wb=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ -z "$wb" ]; then
  say "cannot read the wasm-bindgen version from Cargo.lock"
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb" ]; then
  say "cargo install wasm-bindgen-cli $wb"
  cargo install wasm-bindgen-cli --version "=$wb"
else
  say "wasm-bindgen-cli $wb present"
fi

# 4. npm tools (playwright-core drives Debian's Chromium; binaryen's wasm-opt;
#    esbuild minifies the page's JS and CSS).
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
else
  say "npm packages present"
fi
# 5. PyPI's grpcio, the gRPC C-core client tests/presets/run.sh traces (the
#    version the presets table names), into target/presets-pydeps: beside the
#    build, not into the system's Python (pip's --target passes PEP 668).
if [ "$(PYTHONPATH=target/presets-pydeps python3 -c 'import grpc; print(grpc.__version__)' 2>/dev/null)" != "1.85.4" ]; then
  say "pip install grpcio 1.85.4 into target/presets-pydeps"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --upgrade --target target/presets-pydeps grpcio==1.85.4
else
  say "grpcio 1.85.4 present (target/presets-pydeps)"
fi
say "done"
