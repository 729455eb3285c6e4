#!/bin/bash
# D: add-remove killed mid-remove (store spans image + volume), image hard-linked as hl.btrfs and its name removed: every command; reboot; follow advice; finish; reboot shuffled
. /work/attack25/j/lib.sh
METH=DOCKSTORE_MIGRATE_METHOD=add-remove MB=300 setup; btrfs fi show $T/var/lib/docker | grep devid
ln $I $T/var/lib/hl.btrfs; rm $I; echo "--- hard-linked as hl.btrfs, name removed; backing: $(losetup -nO BACK-FILE $L)"
TO=30 allcmds
echo "--- reboot without following advice (volume first, then hl.btrfs)"; reboot_ $VF $T/var/lib/hl.btrfs; chk $T
echo "--- follow: mv hl.btrfs back to the name, reboot (other order)"; umount $T/var/lib/docker 2>/dev/null; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do btrfs device scan --forget $d 2>/dev/null; sdet $d; done
mv $T/var/lib/hl.btrfs $I; reboot_ $I $VF; V=$(losetup -j $VF -nO NAME); chk $T
NL=8 run $BIN migrate-ebs $V --root $T --yes; lsl; fst; reboot_ $VF; chk $T; down
