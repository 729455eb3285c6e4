#!/bin/bash
# case X: A deletes its image while its store stays mounted (kernel: "... (deleted)"); A's loop then mounted at B's
# mountpoint; B's own image present and unmounted. Is it still "another root's store"? (destroys A's image: run last)
. /work/attack21/f/lib.sh
A=$RUN/L-A; AP=$(cat $RUN/L-A.pid); B=$RUN/X-B; rm -rf $B; mkdir -p $B
AL=$(losetup -n -O NAME,BACK-INO,BACK-FILE | awk -v i=$(stat -c %i $A/up/var/lib/docker-storage.btrfs) '$2==i && $3=="/var/lib/docker-storage.btrfs"{print $1}')
echo "A's loop: $AL"; [ -n "$AL" ] || exit 1
nsenter -t $AP -m -r rm /var/lib/docker-storage.btrfs; cat /sys/block/${AL#/dev/}/loop/backing_file
unshare -m --propagation private bash -c "
  $(declare -f ovl); SRC=$SRC; BIN=$BIN; ovl $B; mkdir -p $B/m/usr/local/sbin; cp $BIN $B/m/usr/local/sbin/dockstore
  for x in dev proc sys; do mount --rbind /\$x $B/m/\$x; done
  chroot $B/m dockstore provision --size 1G > $B/prov.log 2>&1; echo B-prov-rc=\$?; echo B-DATA > $B/m/var/lib/docker/B-DATA
  chroot $B/m umount /var/lib/docker; losetup -j $B/up/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
  mount $AL $B/m/var/lib/docker; ls $B/m/var/lib/docker
  b0=\$(sha1sum < $B/up/var/lib/docker-storage.btrfs); a0=\$(ls -la --time-style=full-iso $B/m/var/lib/docker | sha1sum)
  echo '--- check (in B, root)'; chroot $B/m dockstore check | cut -c1-400
  echo '--- status'; chroot $B/m dockstore status | grep -E '^(store|image|mounted|state)|^  -|^warning' | cut -c1-300
  for c in provision 'grow --to 2G' reclaim 'reclaim --orphans' teardown; do echo \"=== \$c\"; chroot $B/m dockstore \$c 2>&1 | tail -2 | cut -c1-300; echo rc=\${PIPESTATUS[0]}; done
  b1=\$(sha1sum < $B/up/var/lib/docker-storage.btrfs 2>/dev/null); a1=\$(ls -la --time-style=full-iso $B/m/var/lib/docker | sha1sum)
  [ \"\$b0\" = \"\$b1\" ] && echo B-IMAGE-UNCHANGED || echo B-IMAGE-CHANGED; [ \"\$a0\" = \"\$a1\" ] && echo A-STORE-UNCHANGED || echo A-STORE-CHANGED
  findmnt -n $B/m/var/lib/docker; losetup $AL
  echo '=== teardown --delete-image'; chroot $B/m dockstore teardown --delete-image 2>&1 | tail -3 | cut -c1-300; echo rc=\${PIPESTATUS[0]}
  ls -la $B/up/var/lib/ | grep btrfs; findmnt -n $B/m/var/lib/docker; losetup $AL
  umount $B/m/var/lib/docker 2>/dev/null
  umount -R $B/m/dev $B/m/proc $B/m/sys 2>/dev/null
  losetup -j $B/up/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d; umount -R $B/m
"
