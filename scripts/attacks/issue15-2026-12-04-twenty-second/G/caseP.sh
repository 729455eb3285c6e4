#!/bin/bash
# case P: provision/status refusal when dockstore's own fstab line names a missing image and settings/--image name another
. /work/attack22/g/lib.sh
h() { (cd $1 && find . -xdev \( -type f -o -type l \) -printf '%p %s %l\n' | sort; find . -xdev -type f -size -20M -exec md5sum {} + 2>/dev/null | sort) | md5sum | cut -c1-12; }
dl() { umount $1/var/lib/docker 2>/dev/null; losetup -j $1/var/lib/docker-storage.btrfs -n -O NAME | xargs -r -n1 losetup -d; }
run() { local T=$1; shift; local b=$(h $T); o=$("$@" 2>&1); r=$?; echo "  \$ ${*#$BIN } -> rc=$r tree $( [ "$b" = "$(h $T)" ] && echo unchanged || echo CHANGED)"; echo "$o" | grep -vE 'EnvironmentFile|^\[folder' | sed 's/^/    /' | cut -c1-400 | head -${N:-6}; }
mk() { T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1 || echo prov-fail; echo D-$1 > $T/var/lib/docker/MARK; dl $T; }
echo "=== P1 image moved away, DOCKSTORE_IMAGE changed"
mk P1; mv $T/var/lib/docker-storage.btrfs $RUN/P1-moved.btrfs; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
N=12 run $T $BIN provision --root $T
run $T $BIN status --root $T
echo "-- advice: put it back, then plain provision (settings still name store2)"
mv $RUN/P1-moved.btrfs $T/var/lib/docker-storage.btrfs
run $T $BIN provision --root $T
echo "-- then take over via --image"
N=12 run $T $BIN provision --root $T --image /var/lib/docker-storage.btrfs; cat $T/var/lib/docker/MARK 2>&1; grep -v '^#' $T/etc/fstab; cat $T/etc/sysconfig/dockstore; dl $T
echo "-- then plain provision"; run $T $BIN provision --root $T; cat $T/var/lib/docker/MARK; dl $T
echo "=== P1b take over with --image while the image is still missing"
mk P1b; mv $T/var/lib/docker-storage.btrfs $RUN/P1b.btrfs; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
N=3 run $T $BIN provision --root $T --image /var/lib/docker-storage.btrfs; dl $T
echo "=== P2 take over with DOCKSTORE_IMAGE=line path (after put back)"
mk P2; mv $T/var/lib/docker-storage.btrfs $RUN/P2.btrfs; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
mv $RUN/P2.btrfs $T/var/lib/docker-storage.btrfs; sed -i 's|^DOCKSTORE_IMAGE=/var/lib/store2.btrfs|DOCKSTORE_IMAGE=/var/lib/docker-storage.btrfs|' $T/etc/sysconfig/dockstore
run $T $BIN provision --root $T; cat $T/var/lib/docker/MARK 2>&1; dl $T
echo "=== P3 advice: remove the line (gives it up)"
mk P3; mv $T/var/lib/docker-storage.btrfs $RUN/P3.btrfs; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
cp $T/etc/fstab $RUN/P3.fstab; grep -v docker-storage $RUN/P3.fstab > $T/etc/fstab
run $T $BIN provision --root $T; grep -v '^#' $T/etc/fstab; ls $T/var/lib/docker; umount $T/var/lib/docker; losetup -j $T/var/lib/store2.btrfs -n -O NAME | xargs -r -n1 losetup -d
echo "=== P4 image moved (renamed) while mounted, then DOCKSTORE_IMAGE changed"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; echo D-P4 > $T/var/lib/docker/MARK
mv $T/var/lib/docker-storage.btrfs $T/var/lib/moved.btrfs; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
N=10 run $T $BIN provision --root $T; run $T $BIN status --root $T; chk $T
umount $T/var/lib/docker; losetup -j $T/var/lib/moved.btrfs -n -O NAME | xargs -r -n1 losetup -d
echo "=== P5 legacy SUSE line (loop), image missing, DOCKSTORE_IMAGE=other"
T=$(mkroot); echo "/var/lib/docker-storage.btrfs /var/lib/docker btrfs loop 0 0" >> $T/etc/fstab; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" > $T/etc/sysconfig/dockstore
N=8 run $T $BIN provision --root $T; run $T $BIN status --root $T
echo "=== P6 line's image path behind a symlink (var/lib/img -> elsewhere), target missing"
mk P6; mkdir -p $T/srv/imgs; mv $T/var/lib/docker-storage.btrfs $T/srv/imgs/; 
sed -i 's|^/var/lib/docker-storage.btrfs |/var/lib/img/docker-storage.btrfs |' $T/etc/fstab; ln -s /srv/imgs $T/var/lib/img; grep -v '^#' $T/etc/fstab
echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore
echo "-- image present behind symlink:"; N=8 run $T $BIN provision --root $T
mv $T/srv/imgs/docker-storage.btrfs $RUN/P6.btrfs; echo "-- image missing behind symlink:"; N=8 run $T $BIN provision --root $T
echo "-- symlink dangling (absolute to /nonexistent):"; rm $T/var/lib/img; ln -s /nonexistent $T/var/lib/img; N=8 run $T $BIN provision --root $T
echo "=== P7 odd bytes in the line's image path (\\040 escaped space, and a backslash), image missing"
T=$(mkroot); printf '/var/lib/docker\\040store.btrfs /var/lib/docker btrfs nofail,discard=async 0 0\n' >> $T/etc/fstab; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" > $T/etc/sysconfig/dockstore
N=8 run $T $BIN provision --root $T
T=$(mkroot); printf '/var/lib/a%%20b.btrfs /var/lib/docker btrfs nofail\r\n' >> $T/etc/fstab; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" > $T/etc/sysconfig/dockstore
N=8 run $T $BIN provision --root $T
echo "=== P8 --mountpoint elsewhere: line mounts missing image at /var/lib/docker; provision --mountpoint /srv/docker --image /var/lib/store2.btrfs"
mk P8; mv $T/var/lib/docker-storage.btrfs $RUN/P8.btrfs; mkdir -p $T/srv
N=8 run $T $BIN provision --root $T --mountpoint /srv/docker --image /var/lib/store2.btrfs
N=8 run $T $BIN status --root $T --mountpoint /srv/docker --image /var/lib/store2.btrfs 2>&1
umount $T/srv/docker 2>/dev/null; losetup -j $T/var/lib/store2.btrfs -n -O NAME | xargs -r -n1 losetup -d
echo "=== P9 provision --device with the line's image missing"
mk P9; mv $T/var/lib/docker-storage.btrfs $RUN/P9.btrfs; truncate -s 2G $RUN/P9-dev.img; D=$(losetup -f --show $RUN/P9-dev.img); h0=$(md5sum < $RUN/P9-dev.img)
N=8 run $T $BIN provision --root $T --device $D
echo "  device bytes $( [ "$h0" = "$(md5sum < $RUN/P9-dev.img)" ] && echo unchanged || echo CHANGED)"; umount $T/var/lib/docker 2>/dev/null; losetup -d $D
