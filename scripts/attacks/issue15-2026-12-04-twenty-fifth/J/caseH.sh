#!/bin/bash
# H: mid-replace (held by fsfreeze), image hard-linked then name removed; provision; power cut; boot; follow advice
. /work/attack25/j/lib.sh; midsetup || exit 1
btrfs replace status -1 $T/var/lib/docker
ln $I $T/var/lib/link.btrfs; rm $I; echo "--- hard-linked as link.btrfs, name removed"
h1=$(th $T); TO=20 NL=4 run $BIN provision --root $T; TO=20 NL=3 run $BIN status --root $T; h2=$(th $T); echo "  tree $h1 -> $h2"; grep -v '^#' $T/etc/fstab
powercut; boot $VF $T/var/lib/link.btrfs; chk $T; NL=4 run $BIN migrate-ebs $(losetup -j $VF -nO NAME) --abort --root $T --yes
echo "--- follow: mv link back to the name, reboot"; umount $T/var/lib/docker 2>/dev/null; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do btrfs device scan --forget $d 2>/dev/null; sdet $d; done
mv $T/var/lib/link.btrfs $T/var/lib/docker-storage.btrfs; boot $VF; chk $T; down
