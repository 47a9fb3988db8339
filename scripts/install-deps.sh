#!/bin/sh
# Install the Debian bookworm packages xborder needs, only when missing.
# Used by `make test`, `make run` and `make bench`; safe to run repeatedly.
set -eu

PACKAGES="build-essential pkg-config nginx nginx-dev libpcre2-dev libssl-dev
libxml2-dev libhiredis-dev zlib1g-dev redis-server libcmocka-dev python3
python3-pytest wrk curl chromium"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

echo "xborder: installing missing packages:$missing" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "xborder: need root (or sudo) to install:$missing" >&2; exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
# Debian's nginx package starts a system nginx on port 80; xborder runs its
# own instances, so leave the system one stopped if it was just installed.
case " $missing " in
    *" nginx "*) (service nginx stop || true) >/dev/null 2>&1 ;;
esac
