#!/bin/bash
# case S: follow status's advice "migrate-ebs /dev/loopN" where loopN is the store's own loop over the renamed image
. /work/attack22/g/lib.sh
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; echo S-DATA > $T/var/lib/docker/MARK
L=$(losetup -j $T/var/lib/docker-storage.btrfs -n -O NAME); echo "store's own loop: $L"
mv $T/var/lib/docker-storage.btrfs $T/var/lib/moved.btrfs; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
cp $T/etc/fstab $RUN/S.fstab.before
echo "--- migrate-ebs $L --yes"; timeout 60 $BIN migrate-ebs $L --root $T --yes 2>&1 | cut -c1-300 | tail -6; echo "rc=${PIPESTATUS[0]}"
diff $RUN/S.fstab.before $T/etc/fstab; cat $T/etc/sysconfig/dockstore | grep -v '^#'
$BIN check --root $T | cut -c1-300; $BIN status --root $T | grep -E '^(store|mounted)|^  -' | cut -c1-300
echo "--- 'reboot': umount, detach the loop, provision"; umount $T/var/lib/docker; losetup -d $L
$BIN provision --root $T 2>&1 | cut -c1-300 | tail -4; echo "rc=${PIPESTATUS[0]}"; ls $T/var/lib/; cat $T/var/lib/docker/MARK 2>&1
umount $T/var/lib/docker 2>/dev/null; for f in $T/var/lib/*.btrfs; do losetup -j $f -n -O NAME | xargs -r -n1 losetup -d; done
echo "=== S2 the same without changing DOCKSTORE_IMAGE (check: CRITICAL image_moved): migrate-ebs onto the store's own loop"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; L=$(losetup -j $T/var/lib/docker-storage.btrfs -n -O NAME)
mv $T/var/lib/docker-storage.btrfs $T/var/lib/moved.btrfs; $BIN check --root $T | cut -c1-120
timeout 60 $BIN migrate-ebs $L --root $T --yes 2>&1 | cut -c1-400 | tail -2; echo "rc=${PIPESTATUS[0]}"; grep -v '^#' $T/etc/fstab
umount $T/var/lib/docker 2>/dev/null; losetup -d $L 2>/dev/null
echo "=== S3 image in place (healthy store): migrate-ebs onto the store's own loop device"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; L=$(losetup -j $T/var/lib/docker-storage.btrfs -n -O NAME)
timeout 60 $BIN migrate-ebs $L --root $T --yes 2>&1 | cut -c1-400 | tail -2; echo "rc=${PIPESTATUS[0]}"; grep -v '^#' $T/etc/fstab
umount $T/var/lib/docker 2>/dev/null; losetup -d $L 2>/dev/null
