#!/bin/bash
# case N: dockstore run INSIDE root B (chroot, no --root), B's own image present, A's live loop mounted at B's mountpoint.
. /work/attack21/f/lib.sh
A=$RUN/L-A; B=$RUN/N-B; rm -rf $B; mkdir -p $B
AL=$(losetup -n -O NAME,BACK-INO,BACK-FILE | awk -v i=$(stat -c %i $A/up/var/lib/docker-storage.btrfs) '$2==i && $3=="/var/lib/docker-storage.btrfs"{print $1}')
echo "A's loop: $AL"; [ -n "$AL" ] || exit 1
unshare -m --propagation private bash -c "
  $(declare -f ovl); SRC=$SRC; BIN=$BIN; ovl $B; mkdir -p $B/m/usr/local/sbin; cp $BIN $B/m/usr/local/sbin/dockstore
  for x in dev proc sys; do mount --rbind /\$x $B/m/\$x; done
  chroot $B/m dockstore provision --size 1G > $B/prov.log 2>&1; echo B-rc=\$?
  chroot $B/m umount /var/lib/docker; losetup -j $B/m/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
  chroot $B/m chmod 755 /var/lib
  mount $AL $B/m/var/lib/docker
  echo '--- root check in B'; chroot $B/m dockstore check | cut -c1-300; echo rc=\$?
  echo '--- nobody check in B'; chroot $B/m setpriv --reuid=65534 --regid=65534 --clear-groups dockstore check | cut -c1-300; echo rc=\${PIPESTATUS[0]}
  echo '--- nobody status in B'; chroot $B/m setpriv --reuid=65534 --regid=65534 --clear-groups dockstore status | head -4
  echo '--- root status in B'; chroot $B/m dockstore status | grep -E '^mounted|not this' | cut -c1-300
  echo '--- teardown in B'; chroot $B/m dockstore teardown --delete-image 2>&1 | tail -2; echo rc=\$?; ls -la $B/m/var/lib/docker-storage.btrfs
  umount $B/m/var/lib/docker
  umount -R $B/m/dev $B/m/proc $B/m/sys 2>/dev/null; umount -R $B/m
"
