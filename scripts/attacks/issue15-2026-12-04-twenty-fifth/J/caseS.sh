#!/bin/bash
# S: a stale journal (saved while the migration was open) put back after the move finished and the image was deleted: --abort, status, check, boot
. /work/attack25/j/lib.sh
MB=300 KT=0.3 setup; waitrep; cp $T/var/lib/dockstore/migration.json $T.j0; NL=2 run $BIN migrate-ebs $V --root $T --yes; sleep 1; lsl
cp $T.j0 $T/var/lib/dockstore/migration.json; h1=$(th $T); b1=$(bh $VF)
chk $T; NL=4 run $BIN status --root $T; NL=4 run $BIN migrate-ebs $V --abort --root $T --yes; echo "  tree $h1 -> $(th $T) vol $b1 -> $(bh $VF)"; fst
reboot_ $VF; chk $T; NL=4 run $BIN migrate-ebs $(losetup -j $VF -nO NAME) --abort --root $T --yes; down
