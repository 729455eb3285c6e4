#!/bin/bash
# B: killed mid-replace; image renamed and a copy put at its name
. /work/attack24/i/lib.sh; setup
mv $I $T/var/lib/moved.btrfs; cp --sparse=always $T/var/lib/moved.btrfs $I; echo "--- renamed + copy at name"; allcmds
echo "--- follow advice: rm copy, mv back, --abort"; rm $I; mv $T/var/lib/moved.btrfs $I; NL=4 run $BIN migrate-ebs $V --abort --root $T --yes; grep -v '^#' $T/etc/fstab
reboot_ $T.vol $I; chk $T; down
