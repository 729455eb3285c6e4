#!/bin/bash
# case P4: migrate-ebs killed mid-replace, image renamed, provision rewrites fstab to UUID; real "reboot" (no cancel); follow advice
. /work/attack23/h/lib.sh
down() { umount $T/var/lib/docker 2>/dev/null; umount $T/var/lib/docker 2>/dev/null; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do grep -qx $d $REC && sdet $d; done; }
T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 2G >/dev/null 2>&1; rec
head -c 600M /dev/urandom > $T/var/lib/docker/BIG; md5sum $T/var/lib/docker/BIG | cut -c1-32 > $T.sum; sync; L=$(losetup -j $I -n -O NAME)
truncate -s 2G $T.vol; V=$(att $T.vol); echo "image loop $L, volume $V"
timeout -s KILL 0.4 $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; echo "killed rc=$?"; btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1
mv $I $T/var/lib/moved.btrfs
$BIN provision --root $T 2>&1 | cut -c1-600; echo "provision rc=${PIPESTATUS[0]}"; grep -v '^#' $T/etc/fstab; btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1
echo "--- reboot (umount while replace runs; detach both; attach volume only)"; for i in 1 2 3 4 5 6; do umount $T/var/lib/docker 2>/dev/null && break; sleep 1; done; echo "umount: $(findmnt -n $T/var/lib/docker || echo gone)"; sleep 0.5; down
V=$(att $T.vol); echo "volume now $V"; blkid -p $V
$BIN provision --root $T 2>&1 | cut -c1-500; echo "rc=${PIPESTATUS[0]}"; findmnt -n $T/var/lib/docker
echo "--- check's advice was: mv moved back; do it and boot again"; down; mv $T/var/lib/moved.btrfs $I; V=$(att $T.vol)
$BIN provision --root $T 2>&1 | cut -c1-500; echo "rc=${PIPESTATUS[0]}"; rec; findmnt -n $T/var/lib/docker
$BIN status --root $T 2>&1 | grep -E '^(store|mounted|migration|fstab|  -)' | cut -c1-300
echo "--- abort?"; $BIN migrate-ebs $V --abort --root $T 2>&1 | cut -c1-400; echo "rc=${PIPESTATUS[0]}"
echo "  data: $(md5sum $T/var/lib/docker/BIG 2>&1| cut -c1-32) want $(cat $T.sum)"
down; sdet $V
