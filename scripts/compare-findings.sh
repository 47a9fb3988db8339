#!/bin/sh
# compare-findings.sh - do two xborder binaries report the same findings?
#
#   scripts/compare-findings.sh OLD_XBORDER NEW_XBORDER
#
# For performance work: a faster classifier must report exactly what the
# slower one did. Scans the benchmark bodies (build/bench/bodies), the
# shared gateway harness payloads, the accuracy corpus (generated with the
# fixed seed into build/compare/acc) and the files under tests/ with both
# binaries (`scan --format jsonl --show-values`) and prints every body whose
# findings differ, with a diff. Exit 0 when all agree, 1 otherwise.
set -eu
OLD=$1
NEW=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/build/compare
mkdir -p "$WORK"
[ -d "$WORK/acc" ] || python3 "$ROOT/tests/accuracy/gen_corpus.py" --out "$WORK/acc" >/dev/null
[ -d "$WORK/harness" ] || python3 "$ROOT/../shared/bench/payloads/gen_payloads.py" \
    --out "$WORK/harness" --sizes 1k,16k,256k >/dev/null 2>&1 || true
[ -d "$ROOT/build/bench/bodies" ] || make -C "$ROOT" build/bench/bodies >/dev/null 2>&1 || true

status=0
n=0
for f in "$ROOT"/build/bench/bodies/* "$WORK"/harness/*.json \
         $(find "$WORK/acc" "$ROOT/tests" -type f \( -name '*.json' -o -name '*.xml' \
              -o -name '*.csv' -o -name '*.txt' -o -name '*.form' \) 2>/dev/null | sort); do
    [ -f "$f" ] || continue
    n=$((n + 1))
    "$OLD" scan --format jsonl --show-values "$f" >"$WORK/old.jsonl" 2>&1 || true
    "$NEW" scan --format jsonl --show-values "$f" >"$WORK/new.jsonl" 2>&1 || true
    if ! cmp -s "$WORK/old.jsonl" "$WORK/new.jsonl"; then
        echo "DIFFERENT: $f"
        diff "$WORK/old.jsonl" "$WORK/new.jsonl" | head -20
        status=1
    fi
done
echo "compared $n bodies: $([ $status = 0 ] && echo all the same || echo differences above)"
exit $status
