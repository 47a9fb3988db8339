#!/bin/bash
# Build ngx_module/ as a dynamic module for Debian's nginx, with nginx's own
# configure (the flags Debian built nginx with, from nginx-dev's conf_flags)
# and `make -f objs/Makefile modules` (the nginx-dev tree has no top Makefile).
# Output: build/ngx_http_xborder_module.so
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=/usr/share/nginx/src
OUT=$ROOT/build/nginx
if [ ! -f "$SRC/configure" ]; then
    echo "xborder: $SRC missing; install nginx-dev (make deps)" >&2
    exit 1
fi
if [ ! -f "$OUT/objs/Makefile" ] || [ "$ROOT/ngx_module/config" -nt "$OUT/objs/Makefile" ]; then
    rm -rf "$OUT"
    mkdir -p "$OUT"
    cp -r "$SRC/." "$OUT/"
    cd "$OUT"
    # shellcheck disable=SC1091
    source ./conf_flags
    XBORDER_ROOT="$ROOT" ./configure "${NGX_CONF_FLAGS[@]}" \
        --with-cc-opt="-I$ROOT -Wall -Wextra -Werror -Wno-unused-parameter" \
        --add-dynamic-module="$ROOT/ngx_module" > "$OUT/configure.log" 2>&1 || {
        cat "$OUT/configure.log" >&2; exit 1; }
fi
cd "$OUT"
# The module links build/libxborder.a; relink whenever it changed.
rm -f objs/ngx_http_xborder_module.so
make -s -f objs/Makefile modules
# Replace atomically: a running nginx maps the old file, and overwriting it
# in place crashes its workers.
cp objs/ngx_http_xborder_module.so "$ROOT/build/.ngx_http_xborder_module.so.new"
mv -f "$ROOT/build/.ngx_http_xborder_module.so.new" "$ROOT/build/ngx_http_xborder_module.so"
echo "built build/ngx_http_xborder_module.so"
