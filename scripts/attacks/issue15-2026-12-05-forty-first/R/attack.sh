#!/bin/bash
# Attack 41 / helper R: confinement (strace) and "refused, nothing changed" for dockstore.
# Re-runnable; every root is a fresh mktemp -d under /tmp/a41r.*, every loop device is over a sparse file
# we made; the EXIT trap unmounts, detaches and removes only what this script created.
# Usage: sudo ./attack.sh   (results in out/results.txt, strace logs in out/*.strace)
set -u
cd "$(dirname "$(readlink -f "$0")")"
source ./lib.sh
for p in part1.sh part2.sh part3.sh part4.sh part5.sh part6.sh part7.sh; do source ./$p; done
mkdir -p "$OUT"; : > "$OUT/results.txt"; : > "$OUT/p1.log"; : > "$OUT/p7.log"
part1; part2; part3; part4; part5; part6; part7
echo "passed=$PASS failed=$FAIL"
grep '^FAIL' "$OUT/results.txt"
