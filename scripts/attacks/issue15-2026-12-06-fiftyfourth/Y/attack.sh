#!/bin/bash
# Attack 54 helper Y: re-runnable. Usage: sudo ./attack.sh [A B C D E F G]  (default: all)
# Every case works under fresh mktemp -d roots (/tmp/atk54y.*), cleans its mounts/loops on exit.
cd "$(dirname "$0")"
export OUT=${OUT:-$PWD/out}; mkdir -p "$OUT"; : > "$OUT/results.txt"; rm -f "$OUT"/*.log
. ./lib.sh
for c in ${@:-A B C D E F G}; do . ./case$c.sh; case$c; done
echo "passed=$PASS failed=$FAIL"
