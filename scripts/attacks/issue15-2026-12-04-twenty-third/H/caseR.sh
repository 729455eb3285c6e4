#!/bin/bash
# case R: non-root check vs second instances not reached before (root's answer beside it)
. /work/attack23/h/lib.sh
down() { umount $T/var/lib/docker 2>/dev/null; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do sdet $d; done; }
fs() { local u; for d in /sys/fs/btrfs/*/devices/${1#/dev/}; do [ -e $d ] && { u=${d%/devices/*}; echo "fsid=${u##*/} meta=$(cat $u/metadata_uuid)"; }; done; }
T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; L=$(losetup -j $I -n -O NAME)
echo R > $T/var/lib/docker/MARK; sync; mkdir -p $RUN/m2; echo "store $L $(fs $L)"
echo "=== R1 hard link attached read-only, NOT mounted"; ln $I $RUN/hl.btrfs; L2=$(att -r $RUN/hl.btrfs); chk $T
echo "=== R1b ... mounted ro (control, G2 fix)"; mount -o ro $L2 $RUN/m2; echo "$L2 $(fs $L2)"; chk $T; umount $RUN/m2; sdet $L2
echo "=== R2 hard link attached with --sizelimit (whole size) ro, mounted"; L2=$(att -r --sizelimit $(stat -c %s $I) $RUN/hl.btrfs); mount -o ro $L2 $RUN/m2; echo "mount rc=$? $(fs $L2)"; chk $T; umount $RUN/m2 2>/dev/null; sdet $L2
echo "=== R2b hard link attached with --offset 0 --sizelimit 512M (smaller than the fs) ro, mount"; L2=$(att -r -o 0 --sizelimit 512M $RUN/hl.btrfs); mount -o ro $L2 $RUN/m2 2>&1; echo "mount rc=$? $(fs $L2)"; chk $T; umount $RUN/m2 2>/dev/null; sdet $L2
echo "=== R2c stacked on the store's loop with --sizelimit, through a mknod name, ro mounted"; mknod $RUN/sn b $(stat -c '%Hr %Lr' $L); L2=$(att -r --sizelimit $(stat -c %s $I) $RUN/sn); mount -o ro $L2 $RUN/m2; echo "mount rc=$? $(fs $L2)"; chk $T; umount $RUN/m2; sdet $L2; rm $RUN/sn
echo "=== R2d wrapper file: 1 MiB header + the image's bytes via a stacked loop with --offset 1M over a dm-less concat? (loop over a file holding header+hardlink impossible) -> --offset on the store loop's mknod node"
mknod $RUN/sn b $(stat -c '%Hr %Lr' $L); L2=$(att -r --offset 65536 $RUN/sn); mount -o ro $L2 $RUN/m2 2>&1 | tail -1; echo "mount rc=$? (expected to fail: shifted)"; chk $T | head -2; sdet $L2; rm $RUN/sn
rm $RUN/hl.btrfs
echo "=== R3 plain copy (cp --sparse) of the image, attached ro and mounted (store_copy as root; nobody?)"; btrfs filesystem sync $T/var/lib/docker
cp --sparse=always $I $RUN/copy.btrfs; L3=$(att -r $RUN/copy.btrfs); mount -o ro $L3 $RUN/m2; echo "mount rc=$? $(fs $L3)"; chk $T; umount $RUN/m2; sdet $L3
echo "=== R4 btrfstune -u on the copy (new fsid), mounted rw: not the store any more"; btrfstune -f -u $RUN/copy.btrfs >/dev/null 2>&1; echo "tune rc=$?"
L3=$(att $RUN/copy.btrfs); mount $L3 $RUN/m2; echo "mount rc=$? $(fs $L3)"; chk $T; umount $RUN/m2; sdet $L3; rm $RUN/copy.btrfs
echo "=== R5 copy with btrfstune -m (metadata_uuid kept = store's fsid), mounted"; cp --sparse=always $I $RUN/copy.btrfs; btrfstune -f -m $RUN/copy.btrfs >/dev/null 2>&1; echo "tune rc=$?"
L3=$(att $RUN/copy.btrfs); mount $L3 $RUN/m2; echo "mount rc=$? $(fs $L3)"; chk $T; umount $RUN/m2; sdet $L3
echo "=== R5b the same copy attached, not mounted"; L3=$(att $RUN/copy.btrfs); chk $T; sdet $L3; rm $RUN/copy.btrfs
echo "=== R6 reflink copy on a btrfs host fs"; truncate -s 3G $RUN/host.img; mkfs.btrfs -q $RUN/host.img; HL=$(att $RUN/host.img); mkdir -p $RUN/host; mount $HL $RUN/host
cp --sparse=always $I $RUN/host/a.btrfs; cp --reflink=always $RUN/host/a.btrfs $RUN/host/b.btrfs; echo "reflink rc=$?"
L4=$(att -r $RUN/host/b.btrfs); mount -o ro $L4 $RUN/m2; echo "mount rc=$? $(fs $L4)"; chk $T; umount $RUN/m2; sdet $L4; rm -f $RUN/host/*.btrfs; umount $RUN/host; sdet $HL
down
