#!/usr/bin/env bash
# Prove the explorer's presets on the real software (tests/presets/trace.py):
# each stack opens a loopback connection under strace, and the socket options
# it sets are compared with its preset in `tcpsim presets`. Needs what
# scripts/setup.sh installs (strace, redis-server, golang-go, psql, a JDK,
# PyPI's grpcio). Ends with `presets: N passed, M failed`; exit 1 on a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo build -q --release -p tcpsim-cli
exec python3 tests/presets/trace.py target/release/tcpsim
