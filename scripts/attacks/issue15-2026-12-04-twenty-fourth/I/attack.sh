#!/bin/bash
# attack.sh - attacker I, attack 24: open migrations and image renamed/hard-linked; ./attack.sh [CASE...]
# cases run: A B C D E G H R (default). E2/H2/F written but not completed in the time limit (E2 hangs: migrate-ebs blocks on the frozen store; the trap now thaws before unmounting).
set -uo pipefail
cd /work/attack24/i; . ./lib.sh
cleanup() { for p in $RUN/*.pid; do [ -e "$p" ] && kill_holder $(basename $p .pid); done
  umount_ours; umount_ours; detach_ours; umount_ours; detach_ours; [ -n "${KEEP:-}" ] || rm -rf $RUN; }
trap cleanup EXIT INT TERM
for c in ${*:-A B C D E G H R}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; done
