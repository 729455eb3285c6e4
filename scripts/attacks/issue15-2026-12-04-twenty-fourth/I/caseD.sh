#!/bin/bash
# D: add-remove method killed mid-remove; image renamed
. /work/attack24/i/lib.sh; METH=DOCKSTORE_MIGRATE_METHOD=add-remove KT=${KT:-0.6} MB=900 SZ=3G setup
mv $I $T/var/lib/moved.btrfs; allcmds
echo "--- follow: mv back, re-run"; mv $T/var/lib/moved.btrfs $I; NL=4 run $BIN migrate-ebs $V --root $T --yes; grep -v '^#' $T/etc/fstab
reboot_ $T.vol; chk $T; down
