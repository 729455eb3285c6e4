#!/bin/bash
# DI: while a real migrate-ebs runs, the image's name is given to another btrfs file holding data (unmounted / mounted elsewhere = live); the original renamed away. What does delete-image delete?
. /work/attack28/n/lib.sh
for MODE in foreign-unmounted foreign-live; do
MB=${MB:-600} mk; U=$(blkid -o value -s UUID $I)
truncate -s 300M $T.o; mkfs.btrfs -q $T.o; mkdir -p $T.om; mount -o loop $T.o $T.om; rec; echo precious > $T.om/PRECIOUS; OU=$(blkid -o value -s UUID $T.o); [ $MODE = foreign-unmounted ] && umount $T.om
$BIN migrate-ebs $V --root $T --yes > $RUN/di.out 2>&1 & pid=$!; for i in $(seq 60); do sleep 0.1; [ -e $T/$J ] && break; done; sleep 0.2
mv $I $I.orig; ln $T.o $I 2>/dev/null || cp --sparse=always $T.o $I; echo "=== DI-$MODE: image renamed to .orig mid-move, name given to another btrfs $OU (journal $(jp))"
wait $pid; echo "  migrate-ebs rc=$?"; tail -5 $RUN/di.out | cut -c1-300 | sed 's/^/    /'; ls -li $T/var/lib | grep storage | awk '{print "   ",$1,$3,$NF}'
echo "  name holds: $(blkid -o value -s UUID $I 2>&1) ; fstab: $(fst)"; NC=300 chk $T | grep 'check root'; NL=3 NC=300 run $BIN status --root $T
findmnt $T.om >/dev/null || mount -o loop $I $T.om 2>&1; cat $T.om/PRECIOUS 2>&1; umount $T.om 2>/dev/null; umount $T.om 2>/dev/null; down $T
done
