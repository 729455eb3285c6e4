#!/bin/bash
# attack.sh - attacker H, attack 23: renamed/missing images under every command; non-root check second instances.
# ./attack.sh [CASE...]  (default: all)
set -uo pipefail
H=/work/attack23/h; cd $H; . $H/lib.sh
cleanup() { for p in $RUN/*.pid; do [ -e "$p" ] && kill_holder $(basename $p .pid); done
  umount_ours; umount_ours; detach_ours; umount_ours; detach_ours
  [ -n "${KEEP:-}" ] || rm -rf $RUN; }
trap cleanup EXIT INT TERM
for c in ${*:-M N P P2 P3 P4 P5 Q R S}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; done
exit 0
