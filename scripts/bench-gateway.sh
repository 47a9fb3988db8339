#!/bin/bash
# bench-gateway.sh - the gateway benchmark: plain nginx proxying, nginx with
# the xborder module (bench/xborder.frag: full default catalogs,
# config/policy.xml) and, when the Debian connector can be installed,
# ModSecurity, side by side in one run of the shared harness
# (../shared/bench/run.sh: alternated rounds, one worker pinned to one core,
# realistic JSON exports of 1 KiB, 16 KiB and 256 KiB).
#
# The harness's markdown report goes to build/bench/gateway-report.md; the
# figures are printed as
#   bench gateway_cpu_ratio_<size> <x> x     worker CPU per request / plain
#   bench gateway_rps_ratio_<size> <x> x     req/s / plain
#   bench gateway_p99_ms_<size> <ms> ms      xborder's p99 latency
# (and the same with a modsec_ prefix for the ModSecurity anchor).
#
# Environment: XB_BENCH_ARGS adds harness options (e.g. "--quick");
# XB_BENCH_NO_MODSEC=1 leaves ModSecurity out; XB_BENCH_HARNESS points at
# another copy of run.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARNESS=${XB_BENCH_HARNESS:-$ROOT/../shared/bench/run.sh}
REPORT=$ROOT/build/bench/gateway-report.md

[ -x "$HARNESS" ] || { echo "bench-gateway: harness $HARNESS not found" >&2; exit 1; }

# What the harness needs beyond `make deps` - installed here only, never
# for `make test`. ModSecurity is an anchor, not a requirement.
install_pkgs() {
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" \
        >/dev/null 2>&1
}
missing=()
for p in wrk pcre2-utils curl gcc; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "bench-gateway: installing ${missing[*]}" >&2
    install_pkgs "${missing[@]}" || { echo "bench-gateway: cannot install ${missing[*]}" >&2; exit 1; }
fi

modsec_so() {
    for d in /usr/share/nginx/modules /usr/lib/nginx/modules; do
        [ -f "$d/ngx_http_modsecurity_module.so" ] && { echo "$d/ngx_http_modsecurity_module.so"; return 0; }
    done
    return 1
}
GATEWAYS="plain"
if [ "${XB_BENCH_NO_MODSEC:-0}" != 1 ]; then
    if ! modsec_so >/dev/null; then
        echo "bench-gateway: installing libnginx-mod-http-modsecurity (ModSecurity anchor)" >&2
        install_pkgs libnginx-mod-http-modsecurity || true
    fi
    if modsec_so >/dev/null; then
        GATEWAYS="plain modsec"
    else
        echo "bench-gateway: ModSecurity not available, measuring plain and xborder only" >&2
    fi
fi

# the module, against the current library
make -s -C "$ROOT" build/libxborder.a build/xborder
bash "$ROOT/scripts/build-module.sh" >/dev/null

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$ROOT/build/xborder" keygen "$WORK/keys" >/dev/null

export XBORDER_MODULE=$ROOT/build/ngx_http_xborder_module.so
export XBORDER_ROOT=$ROOT
export XBORDER_WM_KEY=$WORK/keys/watermark.key

mkdir -p "$(dirname "$REPORT")"
# shellcheck disable=SC2086
"$HARNESS" --gateways "$GATEWAYS" --extra "xborder=$ROOT/bench/xborder.frag" \
    --report "$REPORT" ${XB_BENCH_ARGS:-} >/dev/null
echo "bench-gateway: report in ${REPORT#"$ROOT"/}" >&2

# the medians table of the report -> bench lines
/usr/bin/python3 - "$REPORT" <<'EOF'
import re
import sys

rows = {}
section = False
for line in open(sys.argv[1], encoding="utf-8"):
    if re.match(r"^#+ Results", line):
        section = True
        continue
    if section and line.startswith("<details>"):
        break
    if not section or not line.startswith("| ") or line.startswith("| size"):
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) < 11 or not re.match(r"^\d+k", cells[0]):
        continue
    size = cells[0].split()[0]
    num = lambda s: float(s.replace(",", ""))
    rows[(size, cells[1])] = {"rps": num(cells[2]), "p99": num(cells[5]),
                              "cpu": num(cells[6]), "rps_ratio": num(cells[9]),
                              "cpu_ratio": num(cells[10])}

if not rows:
    sys.exit("bench-gateway: no results table in " + sys.argv[1])


def f(x):
    return ("%.0f" % x) if x >= 100 else ("%.3g" % x)


for prefix, gw in (("gateway", "xborder"), ("gateway_modsec", "modsec")):
    for size in ("1k", "16k", "256k"):
        r = rows.get((size, gw))
        if not r:
            continue
        print("bench %s_cpu_ratio_%s %s x" % (prefix, size, f(r["cpu_ratio"])))
        print("bench %s_rps_ratio_%s %s x" % (prefix, size, f(r["rps_ratio"])))
        print("bench %s_p99_ms_%s %s ms" % (prefix, size, f(r["p99"])))
        print("bench %s_cpu_us_%s %s us" % (prefix, size, f(r["cpu"])))
for size in ("1k", "16k", "256k"):
    r = rows.get((size, "plain"))
    if r:
        print("bench gateway_plain_cpu_us_%s %s us" % (size, f(r["cpu"])))
        print("bench gateway_plain_p99_ms_%s %s ms" % (size, f(r["p99"])))
EOF
