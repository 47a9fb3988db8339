#!/bin/sh
# Run a pytest suite with Debian's python3 (python3-pytest).
set -u
cd "$(dirname "$0")/.."
/usr/bin/python3 -m pytest -q -p no:cacheprovider "$@"
rc=$?
# Exit code 5 means no tests were collected: an empty suite is an error here.
if [ "$rc" -eq 5 ]; then echo "no tests collected in $*" >&2; fi
exit $rc
