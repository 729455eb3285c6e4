#!/bin/bash
# X2: the race's refusal state (journal open at "releasing the image", another file at the image's name): reboot, then follow the boot's advice (--abort), then the refusal's advice (move aside, re-run)
. /work/attack25/j/lib.sh
for try in 1 2 3 4 5 6; do
T=$(mkroot); [ -d "$T" ] && [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 2G >/dev/null; head -c 300M /dev/urandom > $T/var/lib/docker/BIG; sync; md5sum $T/var/lib/docker/BIG | cut -c1-32 > $T.sum
head -c 8M /dev/urandom > $T/var/lib/decoy.btrfs; VF=$T.vol; truncate -s 2G $VF; V=$(att $VF); rec
$BIN migrate-ebs $V --root $T --yes > $T.mig 2>&1 & mp=$!; ./xchg.py $I $T/var/lib/decoy.btrfs $T/etc/fstab $mp & xp=$!; wait $mp; r=$?; wait $xp
[ $r = 2 ] && break; echo "(race not hit, rc=$r; retry)"; down
done
tail -1 $T.mig | cut -c1-300; lsl; grep -o '"phase":"[^"]*"' $T/var/lib/dockstore/migration.json
echo "--- reboot (volume only), boot provision"; reboot_ $VF; V=$(losetup -j $VF -nO NAME)
h1=$(th $T); NL=5 run $BIN migrate-ebs $V --abort --root $T --yes; echo "  tree $h1 -> $(th $T)"; fst; chk $T
echo "--- follow the refusal: move the file at the name aside, re-run"; mv $I $T/var/lib/aside.btrfs; NL=10 run $BIN migrate-ebs $V --root $T --yes; lsl; fst
ls $T/var/lib/dockstore; reboot_ $VF; chk $T; down
