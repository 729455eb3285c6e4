#!/bin/bash
# attack.sh - attacker P, attack 30. ./attack.sh [CASE...] (cases: 1 2 3 4). One run at a time (flock on this file).
# Roots are mktemp -d under run/; loop devices are recorded in run/loops.rec and detached only by that record.
# The EXIT/INT/TERM trap unmounts everything under run/, detaches recorded devices, kills its jobs, removes run/.
set -uo pipefail
H=/work/attack30/p
cd "$H" || exit 1
exec 9<"$H/attack.sh"; flock -n 9 || { echo "another attack.sh is running"; exit 1; }
mkdir -p results
. ./lib.sh
[ -n "$RUN" ] && [ "$RUN" = "$H/run" ] || exit 1
cleanup() { jobs -p | xargs -r kill 2>/dev/null
  for i in 1 2 3; do umount_ours; sleep 0.3; detach_ours; done
  find "$RUN" -xdev -maxdepth 4 2>/dev/null | while read -r f; do chattr -ia "$f" 2>/dev/null; done
  if [ -z "${KEEP:-}" ] && ! grep -q " $RUN" /proc/self/mountinfo; then rm -rf "$RUN"; fi; }
trap cleanup EXIT INT TERM
for c in ${*:-1 2 3 4}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; umount_ours; detach_ours; done
