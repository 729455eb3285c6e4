#!/bin/bash
# case X2: after caseX (A's image deleted, A's store mounted in A). Put an orphan-form subvolume (and an empty layer store)
# in A's store, mount A's loop at B's mountpoint, run reclaim --orphans in B.
. /work/attack21/f/lib.sh
A=$RUN/L-A; AP=$(cat $RUN/L-A.pid); B=$RUN/X2-B; rm -rf $B; mkdir -p $B
AL=$(losetup -n -O NAME,BACK-FILE | awk '$2=="/var/lib/docker-storage.btrfs" && $3=="(deleted)"{print $1}' | head -1)
echo "A's loop: $AL ($(cat /sys/block/${AL#/dev/}/loop/backing_file))"; [ -n "$AL" ] || exit 1
ID=$(printf 'a%.0s' $(seq 64))
nsenter -t $AP -m -r sh -c "mkdir -p /var/lib/docker/btrfs/subvolumes /var/lib/docker/image/btrfs/layerdb/sha256 /var/lib/docker/image/btrfs/layerdb/mounts && btrfs -q subvolume create /var/lib/docker/btrfs/subvolumes/$ID && echo A-LAYER-DATA > /var/lib/docker/btrfs/subvolumes/$ID/file"
nsenter -t $AP -m -r btrfs subvolume list /var/lib/docker
unshare -m --propagation private bash -c "
  $(declare -f ovl); SRC=$SRC; BIN=$BIN; ovl $B; mkdir -p $B/m/usr/local/sbin; cp $BIN $B/m/usr/local/sbin/dockstore
  for x in dev proc sys; do mount --rbind /\$x $B/m/\$x; done
  chroot $B/m dockstore provision --size 1G > $B/prov.log 2>&1; echo B-prov-rc=\$?
  chroot $B/m umount /var/lib/docker; losetup -j $B/up/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
  mount $AL $B/m/var/lib/docker
  echo '=== reclaim --orphans --dry-run (in B)'; chroot $B/m dockstore reclaim --orphans --dry-run 2>&1 | cut -c1-250; echo rc=\${PIPESTATUS[0]}
  echo '=== reclaim --orphans (in B)'; chroot $B/m dockstore reclaim --orphans 2>&1 | cut -c1-250; echo rc=\${PIPESTATUS[0]}
  umount $B/m/var/lib/docker
  umount -R $B/m/dev $B/m/proc $B/m/sys 2>/dev/null
  losetup -j $B/up/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d; umount -R $B/m
"
echo "--- A's store afterwards (seen in A):"; nsenter -t $AP -m -r btrfs subvolume list /var/lib/docker; nsenter -t $AP -m -r ls /var/lib/docker/btrfs/subvolumes
