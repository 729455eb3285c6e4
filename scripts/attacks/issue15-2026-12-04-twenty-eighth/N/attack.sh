#!/bin/bash
# attack.sh - attacker N, attack 28. Cases: P (true power cut: plain, rename, link, copy, add+remove), S (stale copy at the image name at boot), DI/DI2 (delete-image vs another btrfs at the name), J7, T (stale copy at the mountpoint, temp fsid), Q/Q2 (quoted options, mount failure after format), K/A (kills at delays).
# ./attack.sh [CASE...]; one run at a time (flock); loop devices recorded in run/loops.rec, detached by that record only.
set -uo pipefail
cd /work/attack28/n || exit 1
exec 9</work/attack28/n/attack.sh; flock -n 9 || { echo "another attack.sh is running"; exit 1; }; mkdir -p run results
. ./lib.sh
[ -n "$RUN" ] && [ "$RUN" = /work/attack28/n/run ] || exit 1
cleanup() { jobs -p | xargs -r kill 2>/dev/null; umount_ours; umount_ours; detach_ours; umount_ours; detach_ours; [ -n "${KEEP:-}" ] || rm -rf "$RUN" /work/attack28/n/run.*; }
trap cleanup EXIT INT TERM
for c in ${*:-P S M DI DI2 J7 T Q Q2 K A}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; umount_ours; detach_ours; done
