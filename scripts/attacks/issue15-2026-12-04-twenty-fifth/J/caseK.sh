#!/bin/bash
# K: the finishing migrate-ebs's image delete: copy at name (I4 retest), hard link, add-remove, --keep-image
. /work/attack25/j/lib.sh
echo "=== K1 replace finished after a kill; image renamed to moved.btrfs, a copy put at its name; re-run"
MB=200 setup; waitrep; ino=$(stat -c %i $I); mv $I $T/var/lib/moved.btrfs; cp --sparse=always $T/var/lib/moved.btrfs $I; cino=$(stat -c %i $I)
echo "  journal inode $ino, copy inode $cino"; chk $T
NL=12 run $BIN migrate-ebs $V --root $T --yes; sleep 1; lsl; fst; chk $T; reboot_ $T.vol; down
echo "=== K2 replace finished; image hard-linked as hl.btrfs (name kept); re-run"
MB=200 setup; waitrep; ln $I $T/var/lib/hl.btrfs; chk $T
NL=12 run $BIN migrate-ebs $V --root $T --yes; sleep 1; lsl; fst; reboot_ $T.vol; chk $T; down
echo "=== K3 add-remove, finished remove; renamed + copy at name; re-run"
METH=DOCKSTORE_MIGRATE_METHOD=add-remove MB=200 setup; waitrm; mv $I $T/var/lib/moved.btrfs; cp --sparse=always $T/var/lib/moved.btrfs $I; echo "  copy inode $(stat -c %i $I)"; chk $T
NL=12 run $BIN migrate-ebs $V --root $T --yes; sleep 1; lsl; fst; reboot_ $T.vol; chk $T; down
echo "=== K4 --keep-image, finished; copy at name; re-run (keep is recorded)"
KEEP_IMG=--keep-image MB=200 setup; waitrep; mv $I $T/var/lib/moved.btrfs; cp --sparse=always $T/var/lib/moved.btrfs $I
NL=12 run $BIN migrate-ebs $V --root $T --yes; sleep 1; lsl; fst; reboot_ $T.vol; chk $T; down
