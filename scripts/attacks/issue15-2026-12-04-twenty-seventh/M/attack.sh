#!/bin/bash
# attack.sh - attacker M, attack 27: migration journal ownership (filesystem UUID), fstab_option_rejected, migrate-ebs delete-image plan line.
# Cases: F  fstab options vs mount(8) (btrfs), variants (several lines, comments, CRLF, other mountpoint), timing, dmesg
#        F2 ext4/xfs device stores' options; dmesg lines per check
#        J  journals on a store with no migration: own UUID uppercased, foreign uppercase, no UUID, "", null, duplicate keys, tmpfs/bind over mountpoint, boot
#        J6 --device btrfs/ext4 store + foreign journal, mounted and at boot     J4 another btrfs bind-mounted over the store + journal naming it
#        J7 another btrfs at the mountpoint, journal naming it with the image's inode: migrate-ebs for real     J7b the same with a wrong inode
#        K  real replace killed, past the point of return, power cut, renamed image / another btrfs at its name; following the advice
#        A  add-remove killed, power cut mid-remove, names shuffled, boot       D  delete-image plan line vs hard links
# ./attack.sh [CASE...]. One run at a time (flock on attack.sh itself); every loop device is recorded in run/loops.rec and
# detached by that record only when its backing file is under run/; the trap unmounts everything under run/ and removes run/.
set -uo pipefail
cd /work/attack27/m || exit 1
exec 9</work/attack27/m/attack.sh; flock -n 9 || { echo "another attack.sh is running"; exit 1; }; mkdir -p run results
. ./lib.sh
[ -n "$RUN" ] && [ "$RUN" = /work/attack27/m/run ] || exit 1
cleanup() { jobs -p | xargs -r kill 2>/dev/null; umount_ours; umount_ours; detach_ours; umount_ours; detach_ours; [ -n "${KEEP:-}" ] || rm -rf "$RUN"; }
trap cleanup EXIT INT TERM
for c in ${*:-F F2 J J6 J4 J7 J7b K A D}; do echo "################ case $c $(date +%T)"; ./case$c.sh 2>&1 | tee results/$c.log; umount_ours; detach_ours; done
