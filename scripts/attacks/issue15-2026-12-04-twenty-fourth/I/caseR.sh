#!/bin/bash
# R: mid-replace (held by fsfreeze), image renamed; every command; power cut; boot; follow advice
. /work/attack24/i/lib.sh; midsetup || exit 1
btrfs replace status -1 $T/var/lib/docker
mv $I $T/var/lib/moved.btrfs; echo "--- renamed"; TO=20 allcmds; btrfs replace status -1 $T/var/lib/docker
powercut; boot $T/var/lib/moved.btrfs $VF; chk $T
echo "--- follow: mv back, reboot"; umount $T/var/lib/docker 2>/dev/null; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do btrfs device scan --forget $d 2>/dev/null; sdet $d; done
mv $T/var/lib/moved.btrfs $T/var/lib/docker-storage.btrfs; boot $VF $T/var/lib/docker-storage.btrfs; chk $T; NL=5 run $BIN migrate-ebs $(losetup -j $VF -nO NAME) --root $T --yes; down
