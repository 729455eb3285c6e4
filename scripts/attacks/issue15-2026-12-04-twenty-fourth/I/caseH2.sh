#!/bin/bash
# H2: mid-replace (frozen), image hard-linked then name removed: what every command says (no provision first); follow advice
. /work/attack24/i/lib.sh; midsetup || exit 1
ln $I $T/var/lib/link.btrfs; rm $I; echo "--- hard-linked, name removed"; TO=20 chk $T; TO=20 NL=3 run $BIN migrate-ebs $V --abort --root $T --yes; TO=20 NL=3 run $BIN teardown --root $T --dry-run
echo "--- follow: ln back (mv link to name), --abort"; mv $T/var/lib/link.btrfs $I; fsfreeze -u $T/var/lib/docker; TO=60 NL=4 run $BIN migrate-ebs $V --abort --root $T --yes; grep -v '^#' $T/etc/fstab; reboot_ $I $T.vol; chk $T; down
