#!/bin/bash
# case U: are the filesystem UUIDs of new stores unique? (device and image stores, several roots)
. /work/attack21/f/lib.sh
unshare -m --propagation private bash -c '
. /work/attack21/f/lib.sh
for i in 1 2 3; do truncate -s 1G $RUN/U$i.img; D=$(losetup -f --show $RUN/U$i.img); T=$(mkroot)
  $BIN provision --root $T --device $D > $T.log 2>&1; echo "device root $i rc=$? $(grep -o "^UUID=[^ ]*" $T/etc/fstab) blkid=$(blkid -s UUID -o value $D)"; umount $T/var/lib/docker; losetup -d $D; done
for i in 1 2; do T=$(mkroot); $BIN provision --root $T --size 1G > $T.log 2>&1; echo "image root $i rc=$? blkid=$(blkid -s UUID -o value $T/var/lib/docker-storage.btrfs)"; done
umount_ours; umount_ours; detach_ours
'
