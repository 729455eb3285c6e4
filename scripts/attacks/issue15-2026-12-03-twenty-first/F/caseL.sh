#!/bin/bash
# case L: another root (A, own mount ns, pivot_root'ed) has its store live on a loop device named
# /var/lib/docker-storage.btrfs; root B (chroot) has its OWN image present but not mounted; B runs `mount /var/lib/docker`.
. /work/attack21/f/lib.sh
A=$RUN/L-A; B=$RUN/L-B; rm -rf $A $B; mkdir -p $A $B
# --- A: holder
unshare -m --propagation private bash -c "
  set -e; $(declare -f ovl); SRC=$SRC; ovl $A; mkdir -p $A/m/usr/local/sbin $A/m/old; cp $BIN $A/m/usr/local/sbin/dockstore
  mount --rbind /dev $A/m/dev; cd $A/m; pivot_root . old; mount -t proc proc /proc; mount -t sysfs sysfs /sys; umount -l /old
  /usr/local/sbin/dockstore provision --size 1G > /prov.log 2>&1; echo A-rc=\$? >> /prov.log
  echo from-A > /var/lib/docker/A-MARK; touch /ready; exec sleep 900" > $RUN/L-A.out 2>&1 &
echo $! > $RUN/L-A.pid
for i in $(seq 30); do [ -e $A/up/ready ] && break; sleep 1; done
tail -2 $A/up/prov.log; losetup -a | grep -v vda | grep docker-storage
# --- B in its own private ns, chroot
unshare -m --propagation private bash -c "
  $(declare -f ovl); SRC=$SRC; BIN=$BIN; ovl $B
  $BIN provision --root $B/m --size 1G > $B/prov.log 2>&1; echo B-rc=\$? ; tail -1 $B/prov.log
  echo from-B > $B/m/var/lib/docker/B-MARK
  umount $B/m/var/lib/docker; losetup -j $B/m/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
  echo '--- B fstab:'; cat $B/m/etc/fstab
  for x in dev proc sys; do mount --rbind /\$x $B/m/\$x; done
  echo '--- losetup -a before'; losetup -a | grep docker-storage
  echo '--- B: mount /var/lib/docker'; chroot $B/m mount -v /var/lib/docker; echo rc=\$?
  chroot $B/m findmnt /var/lib/docker; ls $B/m/var/lib/docker
  echo '--- B status/check'; $BIN status --root $B/m | head -5; $BIN check --root $B/m; echo check-rc=\$?
  chroot $B/m umount /var/lib/docker
  echo '--- B: mount -a'; chroot $B/m mount -av; echo rc=\$?; chroot $B/m findmnt /var/lib/docker; ls $B/m/var/lib/docker
  chroot $B/m umount /var/lib/docker
  umount -R $B/m/dev $B/m/proc $B/m/sys 2>/dev/null
  losetup -j $B/m/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
  umount -R $B/m
"
