#!/bin/bash
# D3: D2 state: the hl.btrfs variant (what is left mounted), then follow the boot message's first remedy (degraded + remove missing) and md5
. /work/attack25/j/lib.sh
METH=DOCKSTORE_MIGRATE_METHOD=add-remove MB=300 setup; btrfs fi show $T/var/lib/docker | grep devid
ln $I $T/var/lib/hl.btrfs; rm $I; echo "--- hard-linked as hl.btrfs, name removed"
for i in $(seq 120); do umount $T/var/lib/docker 2>/dev/null && break; sleep 0.5; done; findmnt $T/var/lib/docker >/dev/null && { echo "still mounted"; down; exit 1; }; btrfs fi show 2>/dev/null | grep -c ffff >/dev/null; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do btrfs device scan --forget $d 2>/dev/null; sdet $d; done
att $VF >/dev/null; echo "--- boot, volume only"; $BIN provision --root $T; echo "[rc=$?]"; fst
echo "--- the hl.btrfs variant: attach + scan, provision, then what is mounted"; att $T/var/lib/hl.btrfs >/dev/null; btrfs device scan >/dev/null 2>&1; $BIN provision --root $T 2>&1 | cut -c1-300; echo "[rc=$?]"; findmnt -rn -o SOURCE,TARGET,OPTIONS $T/var/lib/docker; $BIN check --root $T | cut -c1-300; echo "  data: $(md5sum $T/var/lib/docker/BIG 2>&1 | cut -c1-32) want $(cat $T.sum)"
umount $T/var/lib/docker; sdet $(losetup -j $T/var/lib/hl.btrfs -nO NAME); btrfs device scan --forget 2>/dev/null
echo "--- follow the first advice: mount -o degraded (volume only), btrfs device remove missing"; V=$(losetup -j $VF -nO NAME); mount -o degraded $V $T/var/lib/docker; echo "mount rc=$?"; timeout 120 btrfs device remove missing $T/var/lib/docker; echo "remove rc=$?"; btrfs fi show $T/var/lib/docker | grep -i "devid\|missing"; echo "  data: $(timeout 60 md5sum $T/var/lib/docker/BIG 2>&1 | cut -c1-60) want $(cat $T.sum)"; dmesg | tail -3 | cut -c1-200
down
