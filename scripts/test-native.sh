#!/usr/bin/env bash
# Native checks: rustfmt, clippy (warnings are errors) and every test in the
# workspace. Ends with exactly one line `native: N passed, M failed`, where N
# and M sum cargo's "test result:" lines; a check that fails without test
# results (fmt, clippy, a test build that does not compile) counts as one
# failure. Exits non-zero if anything failed. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
step_failures=0

step() {
    local name=$1
    shift
    echo "== $name: $*"
    if ! "$@"; then
        echo "== $name FAILED"
        step_failures=$((step_failures + 1))
    fi
}

step fmt cargo fmt --all -- --check
step clippy cargo clippy --workspace --all-targets -- -D warnings

echo "== test: cargo test --workspace --no-fail-fast"
test_rc=0
cargo test --workspace --no-fail-fast 2>&1 | tee "$log" || test_rc=$?

# "test result: ok. 14 passed; 0 failed; 0 ignored; ..."
read -r passed failed < <(
    awk '/^test result:/ {
            for (i = 1; i <= NF; i++) {
                if ($(i) ~ /^passed;?$/) p += $(i - 1)
                if ($(i) ~ /^failed;?$/) f += $(i - 1)
            }
         }
         END { print p + 0, f + 0 }' "$log"
)
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "== test FAILED (exit $test_rc) without a failing test: build error?"
    step_failures=$((step_failures + 1))
fi
failed=$((failed + step_failures))

echo "native: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
