#!/bin/bash
# case W: provision's "the store it held is not there" warning in other states
. /work/attack21/f/lib.sh
unshare -m --propagation private bash -c '
. /work/attack21/f/lib.sh
show() { local T=$1; shift; echo "--- status"; $BIN status --root $T "$@" 2>&1 | grep -E "^(store|image|mounted|warning)|^  -" | cut -c1-330
  echo "--- provision --dry-run"; $BIN provision --root $T --size 1G --dry-run "$@" 2>&1 | grep -vE "EnvironmentFile|^\[folder" | cut -c1-330 | head -8; }
echo "=== W1 device store, device gone"
truncate -s 2G $RUN/W1.img; D=$(losetup -f --show $RUN/W1.img); T=$(mkroot)
$BIN provision --root $T --device $D >/dev/null 2>&1; echo prov-rc=$?; umount $T/var/lib/docker; losetup -d $D; grep UUID $T/etc/fstab
show $T
echo "=== W2 SUSE legacy line, image missing"
T=$(mkroot); echo "/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0" >> $T/etc/fstab; show $T
echo "=== W3 legacy line with CRLF, image missing"
T=$(mkroot); printf "/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0\r\n" >> $T/etc/fstab; show $T
echo "=== W4 own line mounts the image at another mountpoint (/srv/docker), image missing; run with default mountpoint"
T=$(mkroot); mkdir -p $T/srv; $BIN provision --root $T --size 1G --mountpoint /srv/docker >/dev/null 2>&1; echo prov-rc=$?; umount $T/srv/docker; for l in $(losetup -j $T/var/lib/docker-storage.btrfs | cut -d: -f1); do losetup -d $l; done
rm $T/var/lib/docker-storage.btrfs; grep -v "^#" $T/etc/fstab; show $T; echo "-- with --mountpoint /srv/docker:"; show $T --mountpoint /srv/docker
echo "=== W5 DOCKSTORE_IMAGE changed in sysconfig; old image missing"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; umount $T/var/lib/docker; for l in $(losetup -j $T/var/lib/docker-storage.btrfs | cut -d: -f1); do losetup -d $l; done
mv $T/var/lib/docker-storage.btrfs $RUN/W5-moved.btrfs; echo "DOCKSTORE_IMAGE=/var/lib/store2.btrfs" >> $T/etc/sysconfig/dockstore; show $T
echo "=== W6 image replaced by a symlink to nowhere"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; umount $T/var/lib/docker; for l in $(losetup -j $T/var/lib/docker-storage.btrfs | cut -d: -f1); do losetup -d $l; done
mv $T/var/lib/docker-storage.btrfs $RUN/W6-moved.btrfs; ln -s /nonexistent/img $T/var/lib/docker-storage.btrfs; show $T
echo "=== W7 image is an empty file (truncated to 0)"
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; umount $T/var/lib/docker; for l in $(losetup -j $T/var/lib/docker-storage.btrfs | cut -d: -f1); do losetup -d $l; done
: > $T/var/lib/docker-storage.btrfs; show $T
umount_ours; umount_ours; detach_ours
'
