#!/bin/bash
# E2: volume = loop over var/lib/vol.img (same folder as image), mid-replace (frozen): no rename, then image renamed
. /work/attack24/i/lib.sh; VFA=var/lib/vol.img midsetup || exit 1
echo "--- not renamed"; TO=20 allcmds
mv $I $T/var/lib/moved.btrfs; echo "--- image renamed"; TO=20 allcmds
mv $T/var/lib/moved.btrfs $I; fsfreeze -u $T/var/lib/docker; NL=5 run $BIN migrate-ebs $V --root $T --yes; reboot_ $T/var/lib/vol.img; chk $T; down
