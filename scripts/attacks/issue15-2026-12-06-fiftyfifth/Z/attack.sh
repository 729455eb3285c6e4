#!/bin/bash
# Attack 55 helper Z -- re-runnable; cleans up after itself (mounts, loops, zram, temp dirs it made).
# Needs root. Uses lib.sh (helpers), bind.sh (focus 3 sweep), mig.sh (focus 2 kill sweep) in this folder.
cd /work/attack55/z; source ./lib.sh
echo "## F1a: provision --device over loop on tmpfs/ramfs/symlink/bind/renamed/stacked (expect exit 2, tree unchanged)"
for kind in tmpfs ramfs symlink bind renamed stacked; do
  newroot; skel; mktmpfs T $( [ $kind = ramfs ] && echo ramfs || echo tmpfs )
  case $kind in
    tmpfs|ramfs) mkloop L $T/disk 1G;;
    symlink) ln -s $T /tmp/a55zsym; CLEAN+=("rm /tmp/a55zsym"); mkloop L /tmp/a55zsym/disk 1G;;
    bind) B=$(mktemp -d); mount --bind $T $B; CLEAN+=("rmdir $B" "umount $B"); mkloop L $B/disk 1G;;
    renamed) mkloop L $T/disk 1G; mv $T/disk $T/disk2;;
    stacked) mkloop L0 $T/disk 1G; L=$(losetup -f --show $L0); CLEAN+=("losetup -d $L");;
  esac
  h1=$(hashtree $R); $D provision --root $R --device $L >/dev/null 2>&1; rc=$?; h2=$(hashtree $R)
  echo "$kind rc=$rc $([ $rc = 2 ] && [ $h1 = $h2 ] && echo PASS || echo FAIL)"; cleanup
done
echo "## F1b (FAIL): loop over a tmpfs file deleted after losetup is accepted by provision --device"
newroot; skel; mktmpfs T; mkloop L $T/disk 2G; rm $T/disk
$D provision --root $R --device $L; echo "provision rc=$? (expected 2)"
$D check --root $R | cut -d'|' -f1; echo "check rc=${PIPESTATUS[0]}"
$D status --root $R | grep state; cleanup
echo "## F1c (FAIL): image on ext4 that lives on a loop over a tmpfs file (nested): provision OK, check OK"
newroot; skel; mktmpfs T; mkloop LE $T/ext.img 3G; mkfs.ext4 -q $LE; mkdir -p $R/srv; mount $LE $R/srv
$D provision --root $R --image /srv/img --size 1G >/dev/null 2>&1; echo "provision rc=$? (expected 2)"
$D check --root $R | cut -d'|' -f1
umount $R/var/lib/docker; umount $R/srv; cleanup
echo "## F1d (FAIL): device store on a loop over a file on that nested ext4"
newroot; skel; mktmpfs T; mkloop LE $T/ext.img 3G; mkfs.ext4 -q $LE; X=$(mktemp -d); mount $LE $X
truncate -s 1500M $X/dev.img; LD=$(losetup -f --show $X/dev.img)
$D provision --root $R --device $LD >/dev/null 2>&1; echo "provision rc=$? (expected 2)"; $D check --root $R | cut -d'|' -f1
umount $R/var/lib/docker; losetup -d $LD; umount $X; rmdir $X; cleanup
echo "## F1e: member added by hand over tmpfs file -> CRITICAL device_in_memory, remedy works"
newroot; skel; $D provision --root $R --size 2G >/dev/null 2>&1; mktmpfs T; mkloop LT $T/m 2G
btrfs device add $LT $R/var/lib/docker >/dev/null; $D check --root $R | cut -d'|' -f1 | cut -c1-300
su nobody -s /bin/sh -c "$D check --root $R" | cut -d'|' -f1 | cut -c1-120
DEVID=$(btrfs fi show $R/var/lib/docker | awk -v l=$LT '$NF==l{print $2}'); btrfs device remove $DEVID $R/var/lib/docker
$D check --root $R | cut -c1-40; cleanup
echo "## F1f: zram device store (healthy) -> OK, no false CRITICAL"
N=$(cat /sys/class/zram-control/hot_add); echo 2G > /sys/block/zram$N/disksize
newroot; skel; $D provision --root $R --device /dev/zram$N >/dev/null 2>&1; $D check --root $R | cut -c1-40
umount $R/var/lib/docker; cleanup; echo 1 > /sys/block/zram$N/reset; echo $N > /sys/class/zram-control/hot_remove
[ -z "$SKIP_LONG" ] && { echo "## F2: killed migrate-ebs sweep"; ./mig.sh; }
[ -z "$SKIP_LONG" ] && { echo "## F3: bind sweep"; ./bind.sh; }
echo "## F5 (FAIL): outside folder with an existing dockstore.lock bound on \$R/run is not refused"
newroot; skel; $D provision --root $R --size 2G >/dev/null 2>&1; O=$(mktemp -d /tmp/a55zo.XXXX); CLEAN+=("rm -rf $O")
cp -a $R/run/. $O/; mount --bind $O $R/run; CLEAN+=("umount $R/run")
for c in "reclaim" "grow --to 3G" "backend btrfs --storage-opt btrfs.min_space=1G" "teardown --dry-run"; do
  $D $c --root $R >/dev/null 2>&1; echo "$c rc=$? (expected 2)"; done
umount $R/run; rm -f $O/dockstore.lock; mount --bind $O $R/run
$D reclaim --root $R >/dev/null 2>&1; echo "empty outside run: reclaim rc=$? (2 = refused, as expected)"
umount $R/var/lib/docker; cleanup
echo "## F3b: binds of the tree's own folders keep working"
newroot; skel; $D provision --root $R --size 2G >/dev/null 2>&1; mount --bind $R/etc $R/etc; CLEAN+=("umount $R/etc")
$D backend btrfs --storage-opt btrfs.min_space=1G --root $R >/dev/null 2>&1; echo "self-bind backend rc=$? (expected 0)"; cleanup
