#!/bin/sh
# `make bench`: the classifier benchmark (MB/s on one core, peak memory) and,
# once the nginx module exists, the gateway benchmark against plain nginx.
# Every figure is also printed as a line `bench <name> <value> <unit>`.
set -eu
cd "$(dirname "$0")/.."
BODIES=build/bench/bodies
python3 bench/gen_bodies.py --out "$BODIES"
echo "== classifier =="
# Pinned to one core when taskset is available.
PIN=""
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"
$PIN build/bench/bench_classify --seconds "${XB_BENCH_SECONDS:-1}" \
    "$BODIES"/export-1k.json "$BODIES"/export-16k.json "$BODIES"/export-256k.json "$BODIES"/export-4m.json \
    "$BODIES"/export-1k.xml "$BODIES"/export-16k.xml "$BODIES"/export-256k.xml "$BODIES"/export-4m.xml \
    "$BODIES"/export-1k.csv "$BODIES"/export-16k.csv "$BODIES"/export-256k.csv "$BODIES"/export-4m.csv
if [ -x scripts/bench-gateway.sh ] && [ -f build/ngx_http_xborder_module.so ]; then
    echo "== gateway =="
    scripts/bench-gateway.sh
    echo "== filing =="
    scripts/bench-filing.sh
    XB_BENCH_FSYNC=everysec scripts/bench-filing.sh | sed 's/^bench filing_/bench filing_everysec_/'
fi
