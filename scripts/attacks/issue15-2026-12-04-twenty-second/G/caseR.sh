#!/bin/bash
# case R: follow status's advice in the renamed-while-mounted state; follow Q3's "keep that one" advice
. /work/attack22/g/lib.sh
echo "=== R1 image renamed while mounted + DOCKSTORE_IMAGE changed: status's advice names the store's own loop device"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; echo R1-DATA > $T/var/lib/docker/MARK
L=$(losetup -j $T/var/lib/docker-storage.btrfs -n -O NAME); echo "store's own loop: $L"
mv $T/var/lib/docker-storage.btrfs $T/var/lib/moved.btrfs; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
$BIN status --root $T | grep -E '^(store|device|mounted)|^  -' | cut -c1-500
echo "-- without the DOCKSTORE_IMAGE change (only renamed while mounted):"; sed -i '/store2/d' $T/etc/sysconfig/dockstore
$BIN status --root $T | grep -E '^(store|device|mounted)|^  -' | cut -c1-500
echo "-- following it: migrate-ebs $L --dry-run"; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
$BIN migrate-ebs $L --root $T --dry-run 2>&1 | cut -c1-400 | head -4; echo "rc=${PIPESTATUS[0]}"
$BIN provision --root $T --device $L 2>&1 | cut -c1-400 | head -3; echo "rc=${PIPESTATUS[0]}"
cat $T/var/lib/docker/MARK; umount $T/var/lib/docker; losetup -d $L 2>/dev/null
echo "=== R2 --mountpoint elsewhere, follow 'keep that one' while the line's image is missing"
T=$(mkroot); mkdir -p $T/srv; $BIN provision --root $T --size 1G >/dev/null 2>&1; umount $T/var/lib/docker; losetup -j $T/var/lib/docker-storage.btrfs -n -O NAME | xargs -r -n1 losetup -d; mv $T/var/lib/docker-storage.btrfs $RUN/R2.btrfs
$BIN provision --mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs --root $T 2>&1 | grep -E 'warning: the image|create-image' | cut -c1-200; echo "rc=${PIPESTATUS[0]}"; ls $T/var/lib/docker
umount $T/var/lib/docker; losetup -j $T/var/lib/docker-storage.btrfs -n -O NAME | xargs -r -n1 losetup -d
