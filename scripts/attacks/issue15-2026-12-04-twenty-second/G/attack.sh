#!/bin/bash
# attack.sh - attacker G, attack 22: non-root check vs loop devices of the same name (metadata_uuid), and
# provision's "line's image is missing" refusal. ./attack.sh [CASE...]  (default: A P Q R S)
set -uo pipefail
G=/work/attack22/g; cd $G; . $G/lib.sh
cleanup() { for p in $RUN/*.pid; do [ -e "$p" ] && kill_holder $(basename $p .pid); done
  umount_ours; umount_ours; detach_ours; detach_ours; umount_ours
  [ -n "${KEEP:-}" ] || rm -rf $RUN; }
trap cleanup EXIT INT TERM
for c in ${*:-A P Q R S}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | grep -v '^detach' | tee results/$c.log; done
exit 0
