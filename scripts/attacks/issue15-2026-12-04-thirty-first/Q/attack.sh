#!/bin/bash
# attack.sh - attacker Q, attack 31. ./attack.sh [CASE...] (cases: A B C D E F). One run at a time (flock).
set -uo pipefail
H=/work/attack31/q
cd "$H" || exit 1
exec 9<"$H/attack.sh"; flock -n 9 || { echo "another attack.sh is running"; exit 1; }
mkdir -p results
. ./lib.sh
[ -n "$RUN" ] && [ "$RUN" = "$H/run" ] || exit 1
cleanup() { jobs -p | xargs -r kill 2>/dev/null
  for i in 1 2 3; do umount_ours; sleep 0.3; detach_ours; done
  if [ -z "${KEEP:-}" ] && ! grep -q " $RUN" /proc/self/mountinfo; then rm -rf "$RUN"; fi; }
trap cleanup EXIT INT TERM
for c in ${*:-A B C D E F}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; umount_ours; detach_ours; done
