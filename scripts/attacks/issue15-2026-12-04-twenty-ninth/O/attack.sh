#!/bin/bash
# attack.sh - attacker O, attack 29 (issue 15's ground: bytes, readers, confinement, refusals, debris, monitoring).
# ./attack.sh [CASE...]   cases: B B2 P I F S J R K K2 C M D T (default all). One run at a time (flock on this file).
# Every --root is a mktemp -d under run/; every loop device attached is recorded in run/loops.rec and detached only by
# that record (and only while its backing file is under run/). The EXIT/INT/TERM trap unmounts everything under run/,
# detaches the recorded devices, kills the jobs it started and removes run/ (KEEP=1 keeps run/).
set -uo pipefail
H=/work/attack29/o
cd "$H" || exit 1
exec 9<"$H/attack.sh"; flock -n 9 || { echo "another attack.sh is running"; exit 1; }
mkdir -p results
. ./lib.sh
[ -n "$RUN" ] && [ "$RUN" = "$H/run" ] || exit 1
cleanup() { jobs -p | xargs -r kill 2>/dev/null
  for i in 1 2 3; do umount_ours; sleep 0.3; detach_ours; done
  find "$RUN" -xdev -maxdepth 3 -type f 2>/dev/null | while read -r f; do chattr -ia "$f" 2>/dev/null; done
  find "$RUN" -xdev -maxdepth 4 -type d 2>/dev/null | while read -r f; do chattr -ia "$f" 2>/dev/null; done
  if [ -z "${KEEP:-}" ] && ! grep -q " $RUN" /proc/self/mountinfo; then rm -rf "$RUN"; fi; }
trap cleanup EXIT INT TERM
for c in ${*:-B B2 P I F S J R K K2 C M D T}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; umount_ours; detach_ours; done
