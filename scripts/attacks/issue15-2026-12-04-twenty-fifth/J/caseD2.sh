#!/bin/bash
# D2: add-remove killed mid-remove, image hard-linked as hl.btrfs and its name removed, reboot with the volume only (what a boot attaches): the boot's full message
. /work/attack25/j/lib.sh
METH=DOCKSTORE_MIGRATE_METHOD=add-remove MB=300 setup; btrfs fi show $T/var/lib/docker | grep devid
ln $I $T/var/lib/hl.btrfs; rm $I; echo "--- hard-linked as hl.btrfs, name removed"
for i in $(seq 120); do umount $T/var/lib/docker 2>/dev/null && break; sleep 0.5; done; findmnt $T/var/lib/docker >/dev/null && { echo "still mounted"; down; exit 1; }; btrfs fi show 2>/dev/null | grep -c ffff >/dev/null; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do btrfs device scan --forget $d 2>/dev/null; sdet $d; done
att $VF >/dev/null; echo "--- boot, volume only"; $BIN provision --root $T; echo "[rc=$?]"; fst
echo "--- boot, volume + hl.btrfs attached and scanned"; att $T/var/lib/hl.btrfs >/dev/null; btrfs device scan >/dev/null 2>&1; $BIN provision --root $T; echo "[rc=$?]"
down
