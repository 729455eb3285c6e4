#!/bin/bash
# M: mid-replace (frozen), image hard-linked OUTSIDE its folder (T/other/hl.btrfs), own name removed: every command; power cut; boot; follow advice; finish; reboot shuffled
. /work/attack25/j/lib.sh; midsetup || exit 1
mkdir -p $T/other; ln $I $T/other/hl.btrfs; rm $I; echo "--- hard-linked as other/hl.btrfs, name removed; backing: $(losetup -nO BACK-FILE $L)"
# watchdog: never leave it frozen for more than 60 s even if a command blocks
( sleep 60; fsfreeze -u $T/var/lib/docker 2>/dev/null ) & wd=$!
TO=15 allcmds; kill $wd 2>/dev/null
OT=$T; powercut; I=$T/var/lib/docker-storage.btrfs; mkdir -p $T/other; cp --sparse=always $OT/other/hl.btrfs $T/other/
boot $VF $T/other/hl.btrfs; chk $T; V=$(losetup -j $VF -nO NAME); NL=3 run $BIN migrate-ebs $V --root $T --yes; NL=3 run $BIN migrate-ebs $V --abort --root $T --yes
echo "--- follow: put the image back under its name, reboot (devices in the other order)"; umount $T/var/lib/docker 2>/dev/null; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do btrfs device scan --forget $d 2>/dev/null; sdet $d; done
mv $T/other/hl.btrfs $I; reboot_ $VF; V=$(losetup -j $VF -nO NAME); chk $T
echo "--- finish the migration with the volume's new name $V"; NL=6 run $BIN migrate-ebs $V --root $T --yes; lsl; fst
reboot_ $VF; chk $T; down
