#!/bin/bash
# attack.sh - attacker K, attack 25: bytes, readers, confinement, refusals and debris. ./attack.sh [CASE...]
# Cases: A fstab bytes, B legacy fstab lines, C sysconfig bytes/readers, D daemon.json vs real dockerd, E symlink confinement,
#        F refusals hash the tree, G SIGKILL debris, H nasty paths per reader, I paths as given / settings, J daemon.json edits, K the failing cases.
# Every --root is a mktemp -d under run/; every loop device used is recorded in run/loops.rec and only those whose backing
# file is under run/ are detached; the trap unmounts everything under run/, detaches, and removes run/.
set -uo pipefail
cd /work/attack25/k; . ./lib.sh; mkdir -p results
cleanup() { jobs -p | xargs -r kill 2>/dev/null; umount_ours; umount_ours; detach_ours; umount_ours; detach_ours; [ -n "${KEEP:-}" ] || rm -rf $RUN; }
trap cleanup EXIT INT TERM
for c in ${*:-A B C D E F G H I J K}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; umount_ours; detach_ours; done
