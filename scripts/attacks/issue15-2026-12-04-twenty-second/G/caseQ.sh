#!/bin/bash
# case Q: full refusal texts, and own lines with odd bytes / CRLF / --device
. /work/attack22/g/lib.sh
dl() { umount $1/var/lib/docker 2>/dev/null; losetup -j $1/$2 -n -O NAME | xargs -r -n1 losetup -d; }
echo "=== Q1 (P9) provision --device, own line's image missing, full text"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; dl $T var/lib/docker-storage.btrfs; mv $T/var/lib/docker-storage.btrfs $RUN/Q1.btrfs
truncate -s 2G $RUN/Q1-dev.img; D=$(losetup -f --show $RUN/Q1-dev.img)
$BIN provision --root $T --device $D; echo "rc=$?"
echo "-- same with DOCKSTORE_IMAGE=/var/lib/store2.btrfs and no --device:"; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore; $BIN provision --root $T 2>&1 | cut -c1-900; echo "rc=$?"
echo "-- --device with that setting:"; $BIN provision --root $T --device $D; echo "rc=$?"; losetup -d $D
echo "=== Q2 (P4) renamed while mounted: full text"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; mv $T/var/lib/docker-storage.btrfs $T/var/lib/moved.btrfs; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
$BIN provision --root $T; echo "rc=$?"; $BIN status --root $T | grep -iE 'warning|^  -|problem' | cut -c1-700
echo "-- follow advice: put it back (rename while mounted) and --image"; mv $T/var/lib/moved.btrfs $T/var/lib/docker-storage.btrfs; $BIN provision --root $T --image /var/lib/docker-storage.btrfs 2>&1 | tail -2 | cut -c1-300; echo "rc=$?"
dl $T var/lib/docker-storage.btrfs
echo "=== Q3 (P8) --mountpoint elsewhere: full text"
T=$(mkroot); mkdir -p $T/srv; $BIN provision --root $T --size 1G >/dev/null 2>&1; dl $T var/lib/docker-storage.btrfs; mv $T/var/lib/docker-storage.btrfs $RUN/Q3.btrfs
$BIN provision --root $T --mountpoint /srv/docker --image /var/lib/store2.btrfs; echo "rc=$?"
echo "=== Q4 own line with a %20 and a backslash in the image name, moved away, DOCKSTORE_IMAGE changed"
T=$(mkroot); $BIN provision --root $T --size 1G --image '/var/lib/a%20b\c.btrfs' >/dev/null 2>&1; echo "prov rc=$?"; grep -v '^#' $T/etc/fstab; cat $T/etc/sysconfig/dockstore
dl $T 'var/lib/a%20b\c.btrfs'; mv "$T/var/lib/a%20b\\c.btrfs" $RUN/Q4.btrfs; sed -i 's|^DOCKSTORE_IMAGE=.*|DOCKSTORE_IMAGE=/var/lib/store2.btrfs|' $T/etc/sysconfig/dockstore; grep -q store2 $T/etc/sysconfig/dockstore || echo 'DOCKSTORE_IMAGE=/var/lib/store2.btrfs' >> $T/etc/sysconfig/dockstore
$BIN provision --root $T 2>&1 | cut -c1-700; echo "rc=${PIPESTATUS[0]}"
echo "=== Q5 own line with CRLF, moved away, DOCKSTORE_IMAGE changed"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; dl $T var/lib/docker-storage.btrfs; mv $T/var/lib/docker-storage.btrfs $RUN/Q5.btrfs
sed -i '/^\/var\/lib\/docker-storage/s/$/\r/' $T/etc/fstab; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
$BIN provision --root $T 2>&1 | cut -c1-400; echo "rc=${PIPESTATUS[0]}"
echo "=== Q6 legacy line at default name, image missing, DOCKSTORE_IMAGE other: then follow 'remove that line'"
T=$(mkroot); echo "/var/lib/docker-storage.btrfs /var/lib/docker btrfs loop 0 0" >> $T/etc/fstab; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" > $T/etc/sysconfig/dockstore
$BIN provision --root $T --dry-run 2>&1 | cut -c1-400; echo "-- without the DOCKSTORE_IMAGE setting:"; : > $T/etc/sysconfig/dockstore; $BIN provision --root $T --dry-run 2>&1 | grep -i warn | cut -c1-300
