#!/bin/bash
# C: killed mid-replace; image renamed; then reboot (shuffled order) before following advice
. /work/attack24/i/lib.sh; setup
mv $I $T/var/lib/moved.btrfs; NL=4 run $BIN provision --root $T; grep -v '^#' $T/etc/fstab
btrfs replace cancel $T/var/lib/docker 2>/dev/null; for i in $(seq 20); do btrfs replace status -1 $T/var/lib/docker 2>&1 | grep -q -i "started\|%" || break; sleep 0.5; done; btrfs replace status -1 $T/var/lib/docker
reboot_ $T.vol $T/var/lib/moved.btrfs; chk $T; NL=4 run $BIN status --root $T
echo "--- follow: mv back, provision"; umount $T/var/lib/docker 2>/dev/null; mv $T/var/lib/moved.btrfs $I 2>&1
reboot_ $T.vol $I; chk $T; NL=4 run $BIN migrate-ebs $V --root $T --yes; down
