#!/bin/bash
# attack.sh - attacker L, attack 26: mount options asked of the kernel, migration journal, hard-linked images, migrate-ebs statements.
# Cases: A options vs mount(8); A2 slip-throughs, real runs; A3 ext4/xfs, mounted line, speed; A4 context= strace, xfs pquota; A5 quoted values;
#        A6 DOCKSTORE_MOUNT_OPTIONS on a mounted store; B bad journals + real replace; B2 foreign journal; B3 add-remove phases, cut journal;
#        C hard-linked image, name removed; D/D2 what migrate-ebs says it left.
# ./attack.sh [CASE...]. One run at a time (flock on attack.sh itself); every loop device is recorded in run/loops.rec and
# detached by that record only when its backing file is under run/; the trap unmounts everything under run/ and removes run/.
set -uo pipefail
cd /work/attack26/l || exit 1
exec 9</work/attack26/l/attack.sh; flock -n 9 || { echo "another attack.sh is running"; exit 1; }; mkdir -p run results
. ./lib.sh
cleanup() { jobs -p | xargs -r kill 2>/dev/null; for p in $RUN/*.pid; do [ -e "$p" ] && kill "$(cat $p)" 2>/dev/null; done
  umount_ours; umount_ours; detach_ours; umount_ours; detach_ours; [ -n "${KEEP:-}" ] || rm -rf $RUN; }
trap cleanup EXIT INT TERM
for c in ${*:-A A2 A3 A4 A5 A6 B B2 B3 C D D2}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; umount_ours; detach_ours; done
