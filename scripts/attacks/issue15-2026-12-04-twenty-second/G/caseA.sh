#!/bin/bash
# case A: non-root check vs other loop devices named like this root's image (--root tree T)
. /work/attack22/g/lib.sh
T=$(mkroot); I=$T/var/lib/docker-storage.btrfs
$BIN provision --root $T --size 1G > $RUN/A-prov.log 2>&1; echo "provision rc=$?"
BL=$(losetup -j $I -n -O NAME | head -1); echo "B's loop: $BL"; echo B-DATA > $T/var/lib/docker/B-MARK; sync
MIN=$(( $(stat -Lc '%T' $BL | xargs -I{} printf '%d' 0x{}) ))
fsid() { for d in /sys/fs/btrfs/*/devices/${1#/dev/}; do [ -e $d ] && { u=${d%/devices/*}; echo "fsid=${u##*/} meta=$(cat $u/metadata_uuid)"; }; done; }
echo "B: $(fsid $BL)"
echo "=== A0 baseline"; chk $T
aloop() { losetup -n -O NAME,BACK-INO | awk -v i=$(stat -c %i $1) '$2==i{print $1}'; }
echo "=== A1 another root's store (own mkfs), same kernel name $I, mounted in its ns"
mkdir -p $RUN/A1var $RUN/A1mnt
truncate -s 1G $RUN/A1var/docker-storage.btrfs; mkfs.btrfs -q $RUN/A1var/docker-storage.btrfs >/dev/null
holder "mount --bind $RUN/A1var $T/var/lib; L=\$(losetup -f --show $I); mount \$L $RUN/A1mnt; echo A-MARK > $RUN/A1mnt/A" A1
AL=$(aloop $RUN/A1var/docker-storage.btrfs); echo "A's loop $AL name=$(cat /sys/block/${AL#/dev/}/loop/backing_file) $(fsid $AL)"
chk $T
echo "=== A2 the same, A's store unmounted but attached"
nsenter -t $(cat $RUN/A1.pid) -m umount $RUN/A1mnt; chk $T
kill_holder A1; losetup -d $AL
echo "=== A3 another root's store that is a COPY of this image (cloned container), same name, mounted"
mkdir -p $RUN/A3var $RUN/A3mnt; btrfs filesystem sync $T/var/lib/docker; cp --sparse=always $I $RUN/A3var/docker-storage.btrfs
holder "mount --bind $RUN/A3var $T/var/lib; L=\$(losetup -f --show $I); mount \$L $RUN/A3mnt" A3
AL=$(aloop $RUN/A3var/docker-storage.btrfs); echo "A's loop $AL $(fsid $AL)"; tail -2 $RUN/A3.out
chk $T
nsenter -t $(cat $RUN/A3.pid) -m umount $RUN/A3mnt; echo "-- unmounted:"; chk $T
kill_holder A3; losetup -d $AL
echo "=== A4 real second instance through a hard link name (ro mount)"
ln $I $RUN/hl.btrfs; L2=$(losetup -r -f --show $RUN/hl.btrfs); mkdir -p $RUN/A4mnt; mount -o ro $L2 $RUN/A4mnt; echo "$L2 $(fsid $L2)"; ls $RUN/A4mnt
chk $T; umount $RUN/A4mnt; echo "-- unmounted:"; chk $T; losetup -d $L2; rm $RUN/hl.btrfs
echo "=== A5 loop stacked on B's loop through a mknod name (ro mount)"
mknod $RUN/sn b $(stat -c '%Hr %Lr' $BL); L3=$(losetup -r -f --show $RUN/sn); mkdir -p $RUN/A5mnt
mount -o ro $L3 $RUN/A5mnt; echo "$L3 name=$(cat /sys/block/${L3#/dev/}/loop/backing_file) $(fsid $L3)"
chk $T; umount $RUN/A5mnt; echo "-- unmounted:"; chk $T; losetup -d $L3; rm $RUN/sn
echo "=== A5c loop stacked on B's loop through a mknod name on a tmpfs of another namespace (ro mount)"
holder "mkdir -p $RUN/A5c; mount -t tmpfs t $RUN/A5c; mknod $RUN/A5c/sn b $(stat -c '%Hr %Lr' $BL); L=\$(losetup -r -f --show $RUN/A5c/sn); mount -o ro \$L $RUN/A5mnt" A5c
L3=$(losetup -n -O NAME,BACK-FILE | awk '$2=="'$RUN/A5c/sn'"{print $1}'); echo "$L3 $(fsid $L3)"
chk $T; kill_holder A5c; losetup -d $L3
echo "=== A5b loop stacked via $BL (ro mount) - control"
L3=$(losetup -r -f --show $BL); mount -o ro $L3 $RUN/A5mnt; chk $T; umount $RUN/A5mnt; losetup -d $L3
echo "=== A6 real second instance, same name, attached+mounted in another namespace (ro)"
mkdir -p $RUN/A6mnt; holder "L=\$(losetup -r -f --show $I); mount -o ro \$L $RUN/A6mnt" A6
L6=$(losetup -n -O NAME,BACK-FILE | awk -v f=$I '$2==f && $1!="'$BL'"{print $1}'); echo "$L6 $(fsid $L6)"
chk $T; kill_holder A6; losetup -d $L6
echo "=== A7 store given a metadata_uuid (btrfstune -m, as check's man page advises for copies), then a second instance"
umount $T/var/lib/docker; losetup -d $BL; btrfstune -f -m $I 2>&1 | tail -1; btrfs inspect-internal dump-super $I | grep -E '^(fsid|metadata_uuid)'
$BIN provision --root $T > $RUN/A7-prov.log 2>&1; echo "provision rc=$?"; BL=$(losetup -j $I -n -O NAME | head -1); echo "B: $BL $(fsid $BL)"
chk $T
L7=$(losetup -r -f --show $I); mount -o ro $L7 $RUN/A4mnt; echo "mount rc=$? $L7 $(fsid $L7)"; dmesg | tail -2
chk $T; umount $RUN/A4mnt 2>/dev/null; losetup -d $L7
echo "=== A8 after btrfstune -m: another root's COPY mounted with the same name"
btrfs filesystem sync $T/var/lib/docker; mkdir -p $RUN/A8var $RUN/A8mnt; cp --sparse=always $I $RUN/A8var/docker-storage.btrfs
holder "mount --bind $RUN/A8var $T/var/lib; L=\$(losetup -f --show $I); mount \$L $RUN/A8mnt; echo mount-rc=\$?" A8
AL=$(aloop $RUN/A8var/docker-storage.btrfs); echo "A's loop $AL $(fsid $AL)"; cat $RUN/A8.out
chk $T; kill_holder A8; losetup -d $AL
echo "--- B-MARK: $(cat $T/var/lib/docker/B-MARK)"
umount $T/var/lib/docker; losetup -j $I -n -O NAME | xargs -r -n1 losetup -d
