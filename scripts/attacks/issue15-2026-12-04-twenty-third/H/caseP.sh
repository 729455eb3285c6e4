#!/bin/bash
# case P: migrate-ebs killed at random moments, then the image renamed; every command; follow advice; "reboot"
. /work/attack23/h/lib.sh
down() { umount $T/var/lib/docker 2>/dev/null; umount $T/var/lib/docker 2>/dev/null; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T/" 'index($2,t)==1{print $1}'); do grep -qx $d $REC && losetup -d $d; done; }
for k in 0.4 0.8 1.5 2.5; do
echo "=================== P kill after ${k}s"
T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 2G >/dev/null 2>&1; rec
head -c 300M /dev/urandom > $T/var/lib/docker/BIG; md5sum $T/var/lib/docker/BIG | cut -c1-32 > $T.sum; sync; L=$(losetup -j $I -n -O NAME)
truncate -s 2G $T.vol; V=$(att $T.vol)
timeout -s KILL $k $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; echo "killed rc=$?"; sleep 0.3
btrfs filesystem show $T/var/lib/docker 2>/dev/null | grep -E 'devid|path'; btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1
ls $T/var/lib; mv $I $T/var/lib/moved.btrfs 2>/dev/null || mv $I.dockstore-deleted $T/var/lib/moved.btrfs 2>/dev/null; echo "renamed: $(ls $T/var/lib | tr '\n' ' ')"
chk $T; h0=$(th $T); b0=$(bh $T/var/lib/moved.btrfs)
NL=4 run $BIN status --root $T
for c in "provision" "migrate-ebs $V --abort" "migrate-ebs $V --yes" "grow" "teardown" "reclaim" "migrate-ebs $L --yes"; do
  NL=3 run $BIN $c --root $T; h=$(th $T); b=$(bh $T/var/lib/moved.btrfs); [ "$h$b" = "$h0$b0" ] || { echo "    !! CHANGED tree $h0->$h img $b0->$b"; h0=$h; b0=$b; }
  findmnt -n $T/var/lib/docker >/dev/null || echo "    !! store UNMOUNTED"; done
grep -v '^#' $T/etc/fstab
echo "  -- follow: mv back, then migrate-ebs $V --yes (finish), then reboot"
[ -e $T/var/lib/moved.btrfs ] && mv -n $T/var/lib/moved.btrfs $I; chk $T
NL=3 run $BIN migrate-ebs $V --root $T --yes; grep -v '^#' $T/etc/fstab; ls $T/var/lib | tr '\n' ' '; echo
down; run $BIN provision --root $T; rec
echo "  data: $(md5sum $T/var/lib/docker/BIG 2>&1| cut -c1-32) want $(cat $T.sum)"; chk $T
down; sdet $V; rm -f $T.vol
done
