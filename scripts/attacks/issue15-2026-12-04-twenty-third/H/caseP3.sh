#!/bin/bash
# case P3: (a) control: killed mid-replace, image NOT renamed, provision; (b) renamed: follow status's advice "migrate-ebs <image's loop>";
# (c) after P2's dead end: try recovery: migrate-ebs --abort, provision --image
. /work/attack23/h/lib.sh
down() { umount $T/var/lib/docker 2>/dev/null; umount $T/var/lib/docker 2>/dev/null; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do grep -qx $d $REC && losetup -d $d; done; }
setup() { T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 2G >/dev/null 2>&1; rec
head -c 300M /dev/urandom > $T/var/lib/docker/BIG; md5sum $T/var/lib/docker/BIG | cut -c1-32 > $T.sum; sync; L=$(losetup -j $I -n -O NAME)
truncate -s 2G $T.vol; V=$(att $T.vol); echo "image loop $L, volume $V"
timeout -s KILL 0.4 $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; echo "killed rc=$?"; btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1; }
echo "=== P3a control: no rename"; setup
$BIN status --root $T | grep -E '^(store|migration)'; $BIN provision --root $T 2>&1 | cut -c1-300; echo "rc=$?"; grep -v '^#' $T/etc/fstab
btrfs replace cancel $T/var/lib/docker 2>/dev/null; down; sdet $V; rm -f $T.vol
echo "=== P3b renamed: status's advice, migrate-ebs onto the loop it names"; setup; mv $I $T/var/lib/moved.btrfs
adv=$($BIN status --root $T | grep '^migration'); echo "$adv"; D=$(echo "$adv" | grep -o 'migrate-ebs /dev/loop[0-9]*' | awk '{print $2}')
$BIN migrate-ebs $D --root $T --yes 2>&1 | cut -c1-400; echo "rc=$?"; grep -v '^#' $T/etc/fstab
echo "=== P3c: provision rewrote fstab; reboot; mv back; try abort / provision --image"
$BIN provision --root $T >/dev/null 2>&1; btrfs replace cancel $T/var/lib/docker; sleep 0.3; umount $T/var/lib/docker; sdet $L; losetup -d $V
V=$(att $T.vol); mv $T/var/lib/moved.btrfs $I; echo "volume now $V"
$BIN migrate-ebs $V --abort --root $T 2>&1 | cut -c1-400; echo "abort rc=$?"
$BIN provision --root $T --image /var/lib/docker-storage.btrfs 2>&1 | cut -c1-400; echo "rc=$?"
$BIN status --root $T 2>&1 | grep -E '^(store|mounted|migration|fstab)' | cut -c1-300
rec; echo "  data: $(md5sum $T/var/lib/docker/BIG 2>&1| cut -c1-32) want $(cat $T.sum)"
down; sdet $V
