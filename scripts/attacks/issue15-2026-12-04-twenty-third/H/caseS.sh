#!/bin/bash
# case S: reclaim on a store whose image was renamed while mounted, with work to do (full, fragmented chunks)
. /work/attack23/h/lib.sh
T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; L=$(losetup -j $I -n -O NAME)
D=$T/var/lib/docker; mkdir $D/f; i=0; while head -c 4M /dev/urandom > $D/f/$i 2>/dev/null; do i=$((i+1)); [ $i -gt 400 ] && break; done; sync
for j in $(seq 0 3 $i); do rm -f $D/f/$j $D/f/$((j+1)); done; sync; btrfs filesystem sync $D
$BIN check --root $T | cut -c1-200
mv $I $T/var/lib/moved.btrfs; h0=$(th $T); ls -ls $T/var/lib/
for c in "reclaim --dry-run" "reclaim"; do NL=12 run $BIN $c --root $T; echo "  tree $( [ $(th $T) = $h0 ] && echo unchanged || echo CHANGED)"; ls -ls $T/var/lib/; done
$BIN check --root $T | cut -c1-300
umount $D; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do sdet $d; done
