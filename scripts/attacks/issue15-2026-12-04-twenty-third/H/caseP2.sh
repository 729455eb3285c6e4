#!/bin/bash
# case P2: migrate-ebs killed mid-replace, image renamed, provision (no refusal?), then reboot; follow the advice
. /work/attack23/h/lib.sh
down() { umount $T/var/lib/docker 2>/dev/null; umount $T/var/lib/docker 2>/dev/null; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do grep -qx $d $REC && losetup -d $d; done; }
T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 2G >/dev/null 2>&1; rec
head -c 300M /dev/urandom > $T/var/lib/docker/BIG; md5sum $T/var/lib/docker/BIG | cut -c1-32 > $T.sum; sync; L=$(losetup -j $I -n -O NAME)
truncate -s 2G $T.vol; V=$(att $T.vol); echo "image loop $L, volume $V"
timeout -s KILL 0.4 $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; echo "killed rc=$?"
btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1
mv $I $T/var/lib/moved.btrfs; echo "--- check (full)"; $BIN check --root $T | cut -d'|' -f1; nob $BIN check --root $T | cut -d'|' -f1
echo "--- status (full)"; $BIN status --root $T; echo "rc=$?"
echo "--- provision"; $BIN provision --root $T; echo "rc=$?"; grep -v '^#' $T/etc/fstab
btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1
echo "--- abort"; $BIN migrate-ebs $V --abort --root $T; echo "rc=$?"
echo "--- reboot now (mid-replace, image renamed, fstab by UUID): umount, detach both, reattach volume only"
btrfs replace cancel $T/var/lib/docker 2>/dev/null; sleep 0.5
umount $T/var/lib/docker; sdet $L; sdet $V; V=$(att $T.vol); echo "volume now $V"
$BIN provision --root $T; echo "rc=$?"; ls $T/var/lib
echo "--- follow: mv back, provision"; mv $T/var/lib/moved.btrfs $I; $BIN provision --root $T; echo "rc=$?"; rec
echo "  data: $(md5sum $T/var/lib/docker/BIG 2>&1| cut -c1-32) want $(cat $T.sum)"; $BIN check --root $T | cut -d'|' -f1
down; sdet $V
