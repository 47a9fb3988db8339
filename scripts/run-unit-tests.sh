#!/bin/sh
# Run every cmocka unit-test binary in a directory; fail if any fails.
set -u
dir="$1"
failed=0
total=0
for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *.d) continue ;; esac
    total=$((total + 1))
    if ! (cd "$(dirname "$0")/.." && "$t"); then
        echo "FAILED: $t" >&2
        failed=$((failed + 1))
    fi
done
echo "unit test binaries: $total run, $failed failed"
[ "$failed" -eq 0 ]
