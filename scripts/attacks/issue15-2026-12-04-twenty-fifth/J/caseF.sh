#!/bin/bash
# F: --keep-image: killed, renamed, reboot; and after finished --keep-image, renamed kept image
. /work/attack25/j/lib.sh; KEEP_IMG=--keep-image setup
mv $I $T/var/lib/moved.btrfs; allcmds
echo "--- follow: mv back, re-run"; mv $T/var/lib/moved.btrfs $I; NL=4 run $BIN migrate-ebs $V --root $T --yes; grep -v '^#' $T/etc/fstab; ls $T/var/lib
echo "--- kept image renamed after finish"; mv $I $T/var/lib/kept2.btrfs 2>/dev/null; allcmds
reboot_ $T.vol; chk $T; down
