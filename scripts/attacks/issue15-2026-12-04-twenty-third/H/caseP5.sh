#!/bin/bash
# case P5: power cut mid-replace after "rename image + provision rewrote fstab": frozen copies of both files = the disks at the cut
. /work/attack23/h/lib.sh
T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 3G >/dev/null 2>&1; rec
head -c 900M /dev/urandom > $T/var/lib/docker/BIG; md5sum $T/var/lib/docker/BIG | cut -c1-32 > $T.sum; sync; L=$(losetup -j $I -n -O NAME)
truncate -s 3G $T.vol; V=$(att $T.vol)
timeout -s KILL 0.4 $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; echo "killed rc=$?"
mv $I $T/var/lib/moved.btrfs; $BIN provision --root $T 2>&1 | grep -c fstab; echo "provision rc=${PIPESTATUS[0]}"; grep -v '^#' $T/etc/fstab
fsfreeze -f $T/var/lib/docker; btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1
T2=$(mkroot); cp -a $T/etc $T2/; mkdir -p $T2/var/lib/dockstore; cp -a $T/var/lib/dockstore/. $T2/var/lib/dockstore/
cp --sparse=always $T/var/lib/moved.btrfs $T2/var/lib/moved.btrfs; cp --sparse=always $T.vol $T2.vol; mkdir -p $T2/var/lib/docker
fsfreeze -u $T/var/lib/docker; echo "--- original: cancel and take down"; btrfs replace cancel $T/var/lib/docker; sleep 0.5
for i in 1 2 3 4 5; do umount $T/var/lib/docker 2>/dev/null && break; sleep 1; done; sdet $L; sdet $V
echo "--- boot T2 (copies): volume attached, image renamed"; V2=$(att $T2.vol); echo "vol $V2"
$BIN provision --root $T2 2>&1 | cut -c1-500; echo "rc=${PIPESTATUS[0]}"; rec; findmnt -n $T2/var/lib/docker; dmesg | tail -3 | cut -c1-200
$BIN check --root $T2 | cut -c1-300
echo "--- follow check's advice: mv back; boot again"; umount $T2/var/lib/docker 2>/dev/null
mv $T2/var/lib/moved.btrfs $T2/var/lib/docker-storage.btrfs
$BIN provision --root $T2 2>&1 | cut -c1-500; echo "rc=${PIPESTATUS[0]}"; rec; findmnt -n $T2/var/lib/docker
$BIN status --root $T2 2>&1 | grep -E '^(store|mounted|migration|  -)' | cut -c1-300
echo "--- status's advice: migrate-ebs on the volume; --abort"
$BIN migrate-ebs $V2 --root $T2 --yes 2>&1 | tail -2 | cut -c1-400; echo "rc=${PIPESTATUS[0]}"
$BIN migrate-ebs $V2 --abort --root $T2 2>&1 | tail -2 | cut -c1-400; echo "rc=${PIPESTATUS[0]}"
echo "--- manual: attach the image too, then provision"; LI=$(att $T2/var/lib/docker-storage.btrfs); btrfs device scan $LI >/dev/null 2>&1
$BIN provision --root $T2 2>&1 | tail -3 | cut -c1-400; echo "rc=${PIPESTATUS[0]}"; rec; findmnt -n $T2/var/lib/docker
echo "  data: $(md5sum $T2/var/lib/docker/BIG 2>&1| cut -c1-32) want $(cat $T.sum)"
umount $T2/var/lib/docker 2>/dev/null; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T2" 'index($2,t)==1{print $1}'); do sdet $d; done
