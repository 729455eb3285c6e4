#!/bin/bash
# Attack 33 / helper U: interrupted states followed by a different command, then a "reboot".
# Every case runs in its own private mount namespace (so no other process on the machine gets copies of our mounts),
# under a fresh mktemp -d --root, with loop devices over sparse files in a fresh mktemp -d; each case script cleans up
# (umount, losetup -d) on exit via lib.sh's trap, and this script re-runs the cleanup for every root it recorded.
cd /work/attack33/u || exit 1
mkdir -p logs; : > logs/roots.txt
final(){ . ./lib.sh; trap - EXIT; cleanall; for r in $(sort -u logs/roots.txt); do rm -rf --one-file-system "$r" 2>/dev/null; done; }
trap final EXIT
run_case(){ echo; echo "########## $*"; timeout 400 unshare -m --propagation private bash "$@" 2>&1 | grep -v ' Killed '; }
run_case c1.sh
run_case c3.sh
run_case c11.sh
run_case c10.sh
for s in journal shrink replace resize fstab detach-loop delete-image; do run_case mig.sh $s; done
run_case c5b.sh
for s in unmount detach-loop fstab drop-in sysconfig folders; do run_case td.sh $s --delete-image; done
run_case c6.sh
run_case c7.sh
run_case c12.sh
