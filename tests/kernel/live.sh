#!/usr/bin/env bash
# Live mode: re-record the fast scenarios on this machine's kernel and
# compare the simulator with them. Skips (visibly) where network namespaces
# are not available. Ends with "kernel-live: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

skip() {
  echo "SKIP: kernel-live: $*"
  echo "kernel-live: 0 passed, 0 failed"
  exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root, cannot create network namespaces"
command -v ip >/dev/null || skip "iproute2 missing"
command -v tcpdump >/dev/null || skip "tcpdump missing"
command -v nft >/dev/null || skip "nftables missing"
probe="tcl-probe-$$"
if ! ip netns add "$probe" 2>/dev/null; then
  skip "ip netns add failed (no permission for namespaces here)"
fi
ip netns del "$probe"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "kernel-live: recording the fast scenarios into $out"
if ! python3 tests/kernel/record.py --fast --out "$out"; then
  echo "kernel-live: the recorder failed"
  echo "kernel-live: 0 passed, 1 failed"
  exit 1
fi
n=$(ls "$out"/*.json 2>/dev/null | wc -l)
if [ "$n" -eq 0 ]; then
  echo "kernel-live: the recorder wrote no recording"
  echo "kernel-live: 0 passed, 1 failed"
  exit 1
fi
echo "kernel-live: comparing $n fresh recordings with the simulator"
if TCPSIM_KERNEL_FIXTURES="$out" cargo test -q -p tcpsim --test kernel_fixtures -- --nocapture; then
  echo "kernel-live: $n passed, 0 failed"
else
  echo "kernel-live: 0 passed, $n failed"
  exit 1
fi
