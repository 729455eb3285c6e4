#!/bin/bash
# case C: root B's own healthy store, run INSIDE B (chroot), while root A's store with the same image name is live
# on the same kernel (needs A alive). check as root and as nobody; teardown --delete-image in B.
. /work/attack21/f/lib.sh
A=$RUN/L-A; B=$RUN/C-B; rm -rf $B; mkdir -p $B
AL=$(losetup -n -O NAME,BACK-INO,BACK-FILE | awk -v i=$(stat -c %i $A/up/var/lib/docker-storage.btrfs) '$2==i && $3=="/var/lib/docker-storage.btrfs"{print $1}')
echo "A's loop: $AL"; [ -n "$AL" ] || exit 1
unshare -m --propagation private bash -c "
  $(declare -f ovl); SRC=$SRC; BIN=$BIN; ovl $B; mkdir -p $B/m/usr/local/sbin; cp $BIN $B/m/usr/local/sbin/dockstore
  for x in dev proc sys; do mount --rbind /\$x $B/m/\$x; done
  chroot $B/m dockstore provision --size 1G > $B/prov.log 2>&1; echo B-prov-rc=\$?
  chroot $B/m chmod 755 /var/lib /etc/sysconfig 2>/dev/null
  chroot $B/m losetup -a | grep docker-storage
  echo '--- root check in B'; chroot $B/m dockstore check | cut -c1-300
  echo '--- nobody check in B'; chroot $B/m setpriv --reuid=65534 --regid=65534 --clear-groups dockstore check | cut -c1-400
  echo '--- root status'; chroot $B/m dockstore status | grep -E '^(mounted|state)|^  -|^warning' | cut -c1-300
  echo '--- B umount; status; provision again'; chroot $B/m umount /var/lib/docker; losetup -j $B/m/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
  chroot $B/m dockstore status | grep -E '^(mounted|state)|^  -|^warning' | cut -c1-300
  chroot $B/m dockstore provision 2>&1 | tail -2 | cut -c1-300; chroot $B/m findmnt -n /var/lib/docker
  echo '--- B teardown --delete-image'; chroot $B/m dockstore teardown --delete-image 2>&1 | grep -E 'detach|unmount|delete|refus|loop' | cut -c1-300
  echo \"--- A's loop still there?\"; losetup $AL
  umount -R $B/m/dev $B/m/proc $B/m/sys 2>/dev/null
  losetup -j $B/up/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d; umount -R $B/m
"
