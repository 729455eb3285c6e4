#!/bin/bash
# attack.sh - attacker J, attack 25: open migrations, hard links, --keep-image, check without root.  ./attack.sh [CASE...]
# Cases: F (--keep-image, from attack 24), H (I1 retest: hard link mid-replace), K (finishing delete: copy/hard link/add-remove/keep),
#        X (race: exchange image and decoy during the delete), X2 (the race's refusal state, reboot, follow advice),
#        L (check vs journal: volume beside the image; journal corrupt/dir/old/newer/empty/stale), C (corrupt journal after a finished move; boot),
#        M (hard link outside the folder mid-replace; every command; power cut; boot; follow advice), S (stale journal after a finished move),
#        D (add-remove killed mid-remove + hard link; every command; reboot; follow advice), D2/D3 (that state's boot message; its first remedy followed).
# Run one attack.sh at a time: the trap removes run/. Every loop device is recorded in run/loops.rec and detached by that record only.
set -uo pipefail
cd /work/attack25/j; . ./lib.sh
[ -e $RUN/.busy ] && { echo "another attack.sh is running"; exit 1; }; touch $RUN/.busy
cleanup() { for p in $RUN/*.pid; do [ -e "$p" ] && kill_holder $(basename $p .pid); done
  umount_ours; umount_ours; detach_ours; umount_ours; detach_ours; [ -n "${KEEP:-}" ] || rm -rf $RUN; }
trap cleanup EXIT INT TERM
for c in ${*:-F H K X X2 L C M S D D2 D3}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; done
