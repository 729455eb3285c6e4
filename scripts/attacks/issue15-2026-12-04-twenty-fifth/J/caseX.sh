#!/bin/bash
# X: race: exchange the image with a decoy (renameat2 RENAME_EXCHANGE in a tight loop) from the fstab switch to the end of migrate-ebs
. /work/attack25/j/lib.sh
for m in "" DOCKSTORE_MIGRATE_METHOD=add-remove "" ""; do
echo "=== X method=${m:-replace}"
MB=300 SZ=2G T=$(mkroot); [ -d "$T" ] && [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 2G >/dev/null; head -c 300M /dev/urandom > $T/var/lib/docker/BIG; md5sum $T/var/lib/docker/BIG | cut -c1-32 > $T.sum
head -c 8M /dev/urandom > $T/var/lib/decoy.btrfs; dsum=$(md5sum < $T/var/lib/decoy.btrfs); dino=$(stat -c %i $T/var/lib/decoy.btrfs); ino=$(stat -c %i $I)
VF=$T.vol; truncate -s 2G $VF; V=$(att $VF); rec
env $m $BIN migrate-ebs $V --root $T --yes > $T.mig 2>&1 & mp=$!
./xchg.py $I $T/var/lib/decoy.btrfs $T/etc/fstab $mp & xp=$!
wait $mp; echo "  migrate rc=$?"; wait $xp; sleep 1; tail -4 $T.mig | cut -c1-400 | sed 's/^/    /'
echo "  image inode $ino, decoy inode $dino"; lsl
f=$(find $T/var/lib -maxdepth 1 -inum $dino); if [ -n "$f" ] && [ "$(md5sum < $f)" = "$dsum" ]; then echo "  decoy survives at $f"; else echo "  DECOY LOST"; fi
fst; chk $T; reboot_ $VF; down
done
