#!/bin/bash
# case P: false positives - this root's own store on unusual hosts and names
. /work/attack21/f/lib.sh
unshare -m --propagation private bash -c '
. /work/attack21/f/lib.sh
try() { # $1 label, $2 root, rest: extra provision args
  local l=$1 t=$2; shift 2
  echo "=== $l"; $BIN provision --root $t --size 1G "$@" >$t.prov 2>&1; echo prov-rc=$?; tail -1 $t.prov
  $BIN status --root $t "$@" 2>&1 | grep -E "^(mounted|state)|not this|foreign|deleted|moved" | head -4
  $BIN check --root $t "$@" 2>&1 | cut -c1-250; echo check-rc=$?
  setpriv --reuid=65534 --regid=65534 --clear-groups $BIN check --root $t "$@" 2>&1 | cut -c1-250
}
# P1 btrfs subvolume host
truncate -s 3G $RUN/P-btrfs.img; mkfs.btrfs -q $RUN/P-btrfs.img; mkdir -p $RUN/P1; mount -o loop $RUN/P-btrfs.img $RUN/P1
btrfs -q subvolume create $RUN/P1/@; btrfs -q subvolume create $RUN/P1/@/var 2>/dev/null || true
T=$RUN/P1/@; mkdir -p $T/etc/sysconfig $T/var/lib $T/etc/systemd/system; touch $T/etc/fstab
try P1-btrfs-subvol $T
# P1b: the tree mounted as a subvolume (subvol=@) elsewhere
mkdir -p $RUN/P1b; mount -o loop,subvol=@ $RUN/P-btrfs.img $RUN/P1b 2>&1 | head -1
$BIN status --root $RUN/P1b 2>&1 | grep -E "^(mounted|state)|not this" | head -3; $BIN check --root $RUN/P1b | cut -c1-200
# P2 xfs host
if which mkfs.xfs >/dev/null; then truncate -s 3G $RUN/P-xfs.img; mkfs.xfs -q $RUN/P-xfs.img; mkdir -p $RUN/P2; mount -o loop $RUN/P-xfs.img $RUN/P2
T=$RUN/P2; mkdir -p $T/etc/sysconfig $T/var/lib $T/etc/systemd/system; touch $T/etc/fstab; try P2-xfs $T; fi
# P3 odd names
for n in "sp ace.btrfs" "x.btrfs (deleted)" "nl
ine.btrfs" "back\\slash.btrfs" "tab	x.btrfs"; do T=$(mkroot); try "P3-name[$n]" $T --image "/var/lib/$n"; done
# P4 --root through a symlink
T=$(mkroot); ln -s $T $RUN/P4-link; try P4-root-symlink $RUN/P4-link
$BIN status --root $T | grep -E "^(mounted|state)|not this" ; $BIN check --root $T | cut -c1-150
# P5 non-root check, image folder unreadable for nobody
T=$(mkroot); try P5 $T; chmod 700 $T/var/lib; echo "-- after chmod 700 var/lib:"; setpriv --reuid=65534 --regid=65534 --clear-groups $BIN check --root $T | cut -c1-250; chmod 755 $T/var/lib
# P6 image folder symlinked (var/lib -> data, absolute inside tree) 
T=$(mktemp -d -p $RUN); mkdir -p $T/etc/sysconfig $T/data/lib $T/var $T/etc/systemd/system; touch $T/etc/fstab; ln -s /data/lib $T/var/lib; try P6-varlib-abs-symlink $T
# P7 image folder bind-mounted after attach (same folder reached twice)
T=$(mkroot); try P7 $T; mkdir -p $RUN/P7b; mount --bind $T/var/lib $RUN/P7b; $BIN check --root $T | cut -c1-150; umount $RUN/P7b
# P8 hard link to the image, original name removed (kernel still names the old one? no: dentry)
T=$(mkroot); try P8 $T; ln $T/var/lib/docker-storage.btrfs $T/var/lib/hl.btrfs; $BIN check --root $T | cut -c1-200
echo "-- P8b rm hardlink-original while mounted (file lives as hl.btrfs)"; mv $T/var/lib/docker-storage.btrfs $T/var/lib/old.btrfs; ln $T/var/lib/hl.btrfs $T/var/lib/docker-storage.btrfs; rm $T/var/lib/old.btrfs; cat /sys/block/$(basename $(findmnt -no SOURCE $T/var/lib/docker))/loop/backing_file; $BIN check --root $T | cut -c1-250; $BIN status --root $T | grep -E "^(mounted|state)|not this|  -" | cut -c1-250
# cleanup inside ns
umount_ours; umount_ours; detach_ours
'
detach_ours
