#!/bin/bash
# case F: needs A from caseL alive. B1: image renamed away -> mount -a / mount by hand / provision warning.
# B2: A's live loop device mounted at B's mountpoint, B's own image present -> foreign_store everywhere.
. /work/attack21/f/lib.sh
A=$RUN/L-A; B=$RUN/F-B; rm -rf $B; mkdir -p $B
AL=$(losetup -n -O NAME,BACK-INO,BACK-FILE | awk -v i=$(stat -c %i $A/up/var/lib/docker-storage.btrfs) '$2==i && $3=="/var/lib/docker-storage.btrfs"{print $1}')
echo "A's loop: $AL"; [ -n "$AL" ] || exit 1
unshare -m --propagation private bash -c "
  $(declare -f ovl); SRC=$SRC; BIN=$BIN; ovl $B
  $BIN provision --root $B/m --size 1G > $B/prov.log 2>&1; echo B-rc=\$?
  echo from-B > $B/m/var/lib/docker/B-MARK
  umount $B/m/var/lib/docker; losetup -j $B/m/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
  for x in dev proc sys; do mount --rbind /\$x $B/m/\$x; done
  mv $B/m/var/lib/docker-storage.btrfs $B/m/var/lib/docker-storage.btrfs.moved
  echo '=== F3: image missing, mount -a'; chroot $B/m mount -av 2>&1; echo rc=\$?; chroot $B/m findmnt /var/lib/docker; echo '=== mount /var/lib/docker'; chroot $B/m mount /var/lib/docker 2>&1; echo rc=\$?; chroot $B/m findmnt /var/lib/docker
  echo '=== F6: status with image missing'; $BIN status --root $B/m; echo rc=\$?
  echo '=== F6: check'; $BIN check --root $B/m; echo rc=\$?
  echo '=== F6: provision'; $BIN provision --root $B/m --size 1G 2>&1 | grep -iv '^\[folder' ; echo rc=\$?
  echo '=== status after'; $BIN status --root $B/m | head -4
  umount $B/m/var/lib/docker; losetup -j $B/m/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
  echo '=== F4: A loop mounted at B mountpoint (B own new image present)'
  mount $AL $B/m/var/lib/docker; ls $B/m/var/lib/docker
  h0=\$(cd $B/up && find . -type f ! -name '*.btrfs*' -print0 | sort -z | xargs -0 sha1sum | sha1sum); a0=\$(ls -la --time-style=full-iso $B/m/var/lib/docker | sha1sum)
  $BIN status --root $B/m; echo status-rc=\$?
  $BIN check --root $B/m; echo check-rc=\$?
  setpriv --reuid=65534 --regid=65534 --clear-groups $BIN check --root $B/m; echo check-nonroot-rc=\$?
  for c in 'provision' 'teardown' 'teardown --delete-image' 'grow --to 2G' 'reclaim' 'reclaim --orphans' 'migrate-ebs --device /dev/null' 'backend btrfs'; do echo \"=== \$c\"; $BIN \$c --root $B/m 2>&1 | tail -3; echo rc=\${PIPESTATUS[0]}; done
  h1=\$(cd $B/up && find . -type f ! -name '*.btrfs*' -print0 | sort -z | xargs -0 sha1sum | sha1sum); a1=\$(ls -la --time-style=full-iso $B/m/var/lib/docker | sha1sum)
  [ \"\$h0\" = \"\$h1\" ] && echo TREE-UNCHANGED || echo TREE-CHANGED; [ \"\$a0\" = \"\$a1\" ] && echo A-STORE-UNCHANGED || echo A-STORE-CHANGED
  findmnt -R $B/m/var/lib/docker; losetup -a | grep -E 'F-B|docker-storage'
  umount $B/m/var/lib/docker
  umount -R $B/m/dev $B/m/proc $B/m/sys 2>/dev/null
  losetup -j $B/m/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
  losetup -j $B/m/var/lib/docker-storage.btrfs.moved | cut -d: -f1 | xargs -r -n1 losetup -d
  umount -R $B/m
"
