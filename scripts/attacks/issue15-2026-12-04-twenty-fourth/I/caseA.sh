#!/bin/bash
# A: killed mid-replace; image hard-linked then original name removed (one inode, another name)
. /work/attack24/i/lib.sh; setup
ln $I $T/var/lib/link.btrfs; rm $I; echo "--- hard link kept as link.btrfs, name removed"; allcmds
echo "--- follow advice: mv back"; mv $T/var/lib/link.btrfs $I; NL=4 run $BIN migrate-ebs $V --root $T --yes; grep -v '^#' $T/etc/fstab
reboot_ $T.vol; chk $T; down
