#!/bin/bash
# Attack 46 helper P: foreign/hidden mounts in --root trees, provision racing a mount, copies of the store.
# Re-runnable; cleans up all mounts/loop devices it made (trap).
D=/work/attack46/p/dockstore
BASE=$(mktemp -d /tmp/p46run.XXXX)
MYLOOPS=()
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  # unmount everything under BASE, deepest first, repeatedly
  for i in 1 2 3 4 5 6; do
    awk -v b="$BASE" '$5 ~ "^"b {print $5}' /proc/self/mountinfo | sort -r | while read m; do umount -l "$m" 2>/dev/null; done
  done
  # loop devices whose backing file lives under BASE
  losetup -l -n -O NAME,BACK-FILE | awk -v b="$BASE" 'index($2,b)==1 {print $1}' | while read l; do losetup -d "$l"; done
  for l in "${MYLOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
  rm -rf "$BASE"
}
trap cleanup EXIT INT TERM
mkroot() { local r=$BASE/$1; mkdir -p $r/var/lib $r/etc/sysconfig $r/etc/systemd/system; echo $r; }
prov() { $D provision --root $1 --size 1G "${@:2}" >$BASE/prov.out 2>&1; local rc=$?; tail -2 $BASE/prov.out; return $rc; }
run() { echo "\$ $*"; "$@" 2>&1 | cut -c1-600 | head -8; echo "rc=${PIPESTATUS[0]}"; }
case_hdr() { echo; echo "=================== $*"; }

# ---- case file p46c1
case_hdr "C1 btrfs subvolume (SUSE @/var style) mounted at ROOT/var: part of the tree, should be accepted"
R=$(mkroot p46c1-c1)
truncate -s 1G $BASE/sys.img; L=$(losetup -f --show $BASE/sys.img); MYLOOPS+=($L)
mkfs.btrfs -q $L; mkdir $BASE/m; mount $L $BASE/m; btrfs -q subvolume create $BASE/m/@var; mkdir -p $BASE/m/@var/lib; umount $BASE/m
mount -o subvol=@var $L $R/var
grep " $R/var " /proc/self/mountinfo
run prov $R
run $D check --root $R
run $D status --root $R
case_hdr "C2 bind of a subvolume of a btrfs that is mounted in the tree"
R2=$(mkroot p46c1-c2); mkdir -p $R2/fs
mount $L $R2/fs; mkdir -p $R2/fs/@var/lib2
mount --bind $R2/fs/@var/lib2 $R2/var/lib
run prov $R2
run $D check --root $R2

# ---- case file p46c3
case_hdr "C3 overlayfs at ROOT/var/lib whose lowerdir is another root's /var/lib (store of other root mounted)"
O=$(mkroot other_p46c3); prov $O >/dev/null; echo other rc=$?
R=$(mkroot p46c3-c3); mkdir -p $BASE/ovl/u $BASE/ovl/w
mount -t overlay overlay -o lowerdir=$O/var/lib,upperdir=$BASE/ovl/u,workdir=$BASE/ovl/w $R/var/lib
ls -la $R/var/lib
run $D check --root $R
run prov $R
findmnt -n -o TARGET,SOURCE | grep $BASE
losetup -l -n -O NAME,BACK-FILE | grep $BASE
blkid $(losetup -l -n -O NAME,BACK-FILE | grep $BASE | awk '{print $1}')
ls -ls $BASE/ovl/u
case_hdr "C3b same overlay, other root's store not mounted"
umount $O/var/lib/docker; losetup -l -n -O NAME,BACK-FILE | awk -v b="$O" 'index($2,b)==1{print $1}' | xargs -r -n1 losetup -d
run $D check --root $R
run $D status --root $R
run prov $R
findmnt -n -o TARGET,SOURCE | grep $BASE
losetup -l -n -O NAME,BACK-FILE | grep $BASE
ls -lsR $BASE/ovl/u | head -20

# ---- case file p46c4
O=$(mkroot other_p46c4); prov $O >/dev/null; echo other rc=$?
case_hdr "C4 ROOT itself a bind of another root"
R=$(mkroot p46c4-c4); mount --bind $O $R
run $D check --root $R
case_hdr "C5 ROOT/var bind of other root's /var"
R=$(mkroot p46c4-c5); mkdir -p $R/var; mount --bind $O/var $R/var
run $D check --root $R
case_hdr "C6 --image in a folder of the tree that is a bind of a host folder, reached via a symlink"
R=$(mkroot p46c4-c6); mkdir -p $BASE/hostdir $R/mnt/data; mount --bind $BASE/hostdir $R/mnt/data; ln -s /mnt/data $R/data
run $D provision --root $R --size 1G --image /data/img.btrfs
case_hdr "C7 tmpfs on ROOT/var/lib (whole fs, should be accepted)"
R=$(mkroot p46c4-c7); mount -t tmpfs tmpfs $R/var/lib
run prov $R
case_hdr "C8 bind of the tree's own folder onto ROOT/var/lib (should be accepted)"
R=$(mkroot p46c4-c8); mkdir -p $R/srv/vl; mount --bind $R/srv/vl $R/var/lib
run prov $R
run $D check --root $R
case_hdr "C9 unshare -m: foreign bind inside a private namespace"
R=$(mkroot p46c4-c9)
run unshare -m --propagation private sh -c "mount --bind $O/var/lib $R/var/lib && $D check --root $R; echo inner rc=\$?"

# ---- case file p46c10
O=$(mkroot other_p46c10); prov $O >/dev/null; echo other rc=$?
case_hdr "C4b provision in ROOT that is itself a (non-recursive) bind of another root whose store is mounted"
R=$(mkroot p46c10-c4); mount --bind $O $R
run prov $R
findmnt -n -o TARGET,SOURCE | grep $BASE; losetup -l -n -O NAME,BACK-FILE | grep $BASE
umount -R $R
case_hdr "C10 store hidden by a bind of ROOT/var/lib over itself (non-recursive)"
mount --bind $O/var/lib $O/var/lib
run $D check --root $O
run $D teardown --root $O --dry-run
run prov $O
umount $O/var/lib
case_hdr "C11 rbind of ROOT/var/lib over itself (copy of the store), teardown and follow advice"
mount --rbind $O/var/lib $O/var/lib
findmnt -n -o TARGET,SOURCE,PROPAGATION | grep $BASE
run $D check --root $O
run $D teardown --root $O

# ---- case file p46c12
case_hdr "C12 provision racing a loop: 'mount -o loop IMAGE MP' / umount in a tight loop"
R=$(mkroot p46c12-c12); prov $R >/dev/null; echo first rc=$?
IMG=$R/var/lib/docker-storage.btrfs; MP=$R/var/lib/docker
umount $MP; losetup -l -n -O NAME,BACK-FILE | awk -v b="$R" 'index($2,b)==1{print $1}' | xargs -r -n1 losetup -d
( while :; do mount -o loop $IMG $MP 2>/dev/null; umount $MP 2>/dev/null; done ) & PIDS+=($!)
for i in $(seq 1 15); do $D provision --root $R --size 1G >$BASE/p.$i 2>&1; echo "run $i rc=$? $(tail -1 $BASE/p.$i | cut -c1-300)"; done
kill ${PIDS[-1]}; wait ${PIDS[-1]} 2>/dev/null; sleep 0.5
echo "--- after:"; grep " $MP " /proc/self/mountinfo | awk '{print $5,$9,$10}'
losetup -l -n -O NAME,BACK-FILE | grep $BASE
run $D check --root $R

# ---- case file p46c13
case_hdr "C13 provision racing 'losetup -f + mount + umount + losetup -d' (a fresh loop device each time)"
R=$(mkroot p46c13-c13); prov $R >/dev/null; echo first rc=$?
IMG=$R/var/lib/docker-storage.btrfs; MP=$R/var/lib/docker
umount $MP; losetup -l -n -O NAME,BACK-FILE | awk -v b="$R" 'index($2,b)==1{print $1}' | xargs -r -n1 losetup -d
( while :; do l=$(losetup -f --show $IMG) || continue; mount $l $MP 2>/dev/null; sleep 0.0$((RANDOM%5)); umount $MP 2>/dev/null; losetup -d $l; done ) & RP=$!; PIDS+=($RP)
bad=0
for i in $(seq 1 25); do $D provision --root $R --size 1G >$BASE/p.$i 2>&1; rc=$?
  n=$(grep -c " $MP " /proc/self/mountinfo); nl=$(losetup -l -n -O BACK-FILE | grep -c "^$IMG")
  echo "run $i rc=$rc mounts=$n loops=$nl $(tail -1 $BASE/p.$i | cut -c1-250)"; done
kill $RP; wait $RP 2>/dev/null; sleep 1
echo "--- after racer stopped:"; grep " $MP " /proc/self/mountinfo | awk '{print $5,$10}'
losetup -l -n -O NAME,BACK-FILE | grep $BASE
run $D check --root $R
dmesg | tail -5

# ---- case file p46c14
case_hdr "C14 check/provision/teardown --dry-run racing mount/umount of the store: advice names umount /"
R=$(mkroot p46c14-c14); prov $R >/dev/null; echo first rc=$?
IMG=$R/var/lib/docker-storage.btrfs; MP=$R/var/lib/docker
umount $MP; L=$(losetup -f --show $IMG); MYLOOPS+=($L)

( while :; do mount $L $MP 2>/dev/null; umount $MP 2>/dev/null; done ) & RP=$!; PIDS+=($RP)
for cmd in "check" "provision" "teardown --dry-run" "status" "grow --dry-run --to 2G" "reclaim --dry-run"; do
  for i in $(seq 1 40); do $D $cmd --root $R >$BASE/o 2>&1; if grep -q -E "umount / |hidden by a mount at / " $BASE/o; then echo "[$cmd] try $i:"; grep -o -E ".{0,200}hidden by a mount at / .{0,200}" $BASE/o | head -1; break; fi; done
done
kill $RP; wait $RP 2>/dev/null; mountpoint -q $MP || mount $L $MP

# ---- case file p46c15
mk() { local R=$(mkroot $1); prov $R >/dev/null; umount $R/var/lib/docker; sleep 0.3; echo $R; }
case_hdr "C15 leftover loop device over the file a copy replaced (should refuse)"
R=$(mk p46c15-c15); IMG=$R/var/lib/docker-storage.btrfs
cp --sparse=always $IMG $IMG.copy; L=$(losetup -f --show $IMG); MYLOOPS+=($L); rm $IMG; mv $IMG.copy $IMG
run prov $R; grep -c " $R/var/lib/docker " /proc/self/mountinfo
case_hdr "C16 copy on a partition of a loop device (losetup -P), old image deleted"
R=$(mk p46c15-c16); IMG=$R/var/lib/docker-storage.btrfs
truncate -s 1100M $BASE/disk16; sfdisk -q $BASE/disk16 >/dev/null 2>&1 <<< $'label: gpt\nstart=2048, size=2150000'
dd if=$IMG of=$BASE/disk16 bs=1M seek=1 conv=sparse,notrunc status=none
L=$(losetup -f --show -P $BASE/disk16); MYLOOPS+=($L); ls ${L}p* 2>/dev/null || echo "(no partition nodes: partition scan unavailable; case not applicable)"; blkid ${L}p1
run prov $R; grep -c " $R/var/lib/docker " /proc/self/mountinfo; umount $R/var/lib/docker 2>/dev/null
case_hdr "C17 copy behind a loop device with an --offset (no partition table)"
R=$(mk p46c15-c17); IMG=$R/var/lib/docker-storage.btrfs
truncate -s 1100M $BASE/disk17; dd if=$IMG of=$BASE/disk17 bs=1M seek=4 conv=sparse,notrunc status=none
L=$(losetup -f --show -o $((4*1048576)) $BASE/disk17); MYLOOPS+=($L); blkid $L
run prov $R; grep -c " $R/var/lib/docker " /proc/self/mountinfo; umount $R/var/lib/docker 2>/dev/null
case_hdr "C18 dm-linear over a leftover loop device of the copy"
R=$(mk p46c15-c18); IMG=$R/var/lib/docker-storage.btrfs
cp --sparse=always $IMG $BASE/copy18; L=$(losetup -f --show $BASE/copy18); MYLOOPS+=($L)
if dmsetup create p46dm18 --table "0 $(blockdev --getsz $L) linear $L 0" 2>/dev/null; then blkid /dev/mapper/p46dm18; else echo "(device-mapper unavailable here: only the leftover loop device is tested)"; fi
run prov $R; grep -c " $R/var/lib/docker " /proc/self/mountinfo; umount $R/var/lib/docker 2>/dev/null
dmsetup remove p46dm18 2>/dev/null
case_hdr "C19 loop device over a hard link of the image itself (same inode: not a copy; should not be refused as a copy)"
R=$(mk p46c15-c19); IMG=$R/var/lib/docker-storage.btrfs
ln $IMG $R/var/lib/hardlink.btrfs; L=$(losetup -f --show $R/var/lib/hardlink.btrfs); MYLOOPS+=($L)
run prov $R; grep " $R/var/lib/docker " /proc/self/mountinfo | awk '{print $10}'; losetup -l -n -O NAME,BACK-FILE | grep $R

# ---- case file p46c20
case_hdr "C20 shared propagation: tree on a shared mount, rbind of ROOT/var/lib over itself; follow teardown's advice literally"
mkdir -p $BASE/sh; mount --bind $BASE/sh $BASE/sh; mount --make-shared $BASE/sh
R=$BASE/sh/r; mkdir -p $R/var/lib $R/etc/sysconfig $R/etc/systemd/system; prov $R >/dev/null; echo prov rc=$?
mount --rbind $R/var/lib $R/var/lib
findmnt -n -o TARGET,SOURCE,PROPAGATION | grep $BASE
run $D check --root $R
run $D teardown --root $R
ADV=$($D teardown --root $R 2>&1 | grep -o "umount -R [^)]*")
echo "following advice: $ADV"; $ADV; echo rc=$?
findmnt -n -o TARGET,SOURCE,PROPAGATION | grep $BASE
run $D check --root $R
run $D teardown --root $R
findmnt -n -o TARGET,SOURCE,PROPAGATION | grep $BASE; losetup -l -n -O NAME,BACK-FILE | grep $BASE

# ---- case file p46c21
case_hdr "C21 teardown / provision while a cover (bind of ROOT/var/lib over itself) comes and goes"
R=$(mkroot p46c21-c21); prov $R >/dev/null; echo prov rc=$?
IMG=$R/var/lib/docker-storage.btrfs; MP=$R/var/lib/docker
( while :; do mount --bind $R/var/lib $R/var/lib 2>/dev/null; sleep 0.0$((RANDOM%3)); umount $R/var/lib 2>/dev/null; done ) & RP=$!; PIDS+=($RP)
for i in $(seq 1 12); do
  $D teardown --root $R >$BASE/t 2>&1; trc=$?
  $D provision --root $R --size 1G >$BASE/p 2>&1; prc=$?
  echo "iter $i teardown rc=$trc: $(tail -1 $BASE/t|cut -c1-160)"; [ $trc = 1 ] && cut -c1-900 $BASE/t; echo "        provision rc=$prc: $(tail -1 $BASE/p|cut -c1-160)"
done
kill $RP; wait $RP 2>/dev/null; sleep 0.3
while grep -q " $R/var/lib " /proc/self/mountinfo; do umount $R/var/lib; done
echo "--- final:"; grep " $MP " /proc/self/mountinfo | awk '{print $5,$10}'; losetup -l -n -O NAME,BACK-FILE | grep $BASE
ls -la $R/var/lib $R/etc; cat $R/etc/fstab
run $D check --root $R
run $D status --root $R

# ---- case file p46c22
case_hdr "C22 rbind of the tree's own ROOT/var/lib onto ROOT/srv (the store mounted twice inside the tree)"
R=$(mkroot p46c22-c22); prov $R >/dev/null; echo prov rc=$?
mkdir -p $R/srv/copy; mount --rbind $R/var/lib $R/srv/copy
run $D check --root $R
run $D teardown --root $R --dry-run
umount -R $R/srv/copy
case_hdr "C23 propagation: ROOT/var/lib a shared self-bind, peered with a host folder; another root's store mounted at HOST/docker propagates to ROOT's mountpoint"
O=$(mkroot other23); prov $O >/dev/null; echo other rc=$?
OL=$(losetup -l -n -O NAME,BACK-FILE | awk -v b="$O/" 'index($2,b)==1{print $1}')
R=$(mkroot p46c22-c23); prov $R >/dev/null; echo prov rc=$?
# take R's store down so its mountpoint is free
umount $R/var/lib/docker; sleep 0.3
mount --bind $R/var/lib $R/var/lib; mount --make-shared $R/var/lib
mkdir -p $BASE/hostpeer; mount --bind $R/var/lib $BASE/hostpeer   # peer outside the tree
mount $OL $BASE/hostpeer/docker                                     # other root's store, mounted outside
findmnt -n -o TARGET,SOURCE,PROPAGATION | grep $BASE
run $D check --root $R
run $D status --root $R
run $D provision --root $R --size 1G
run $D teardown --root $R --dry-run
umount $BASE/hostpeer/docker 2>/dev/null; umount $BASE/hostpeer/docker 2>/dev/null

# ---- case file p46c24
case_hdr "C24 another root's store (loop over a file outside the tree) mounted directly at ROOT's mountpoint; ROOT has its own image"
O=$(mkroot other24); prov $O >/dev/null; echo other rc=$?
OL=$(losetup -l -n -O NAME,BACK-FILE | awk -v b="$O/" 'index($2,b)==1{print $1}')
R=$(mkroot p46c24-c24); prov $R >/dev/null; echo prov rc=$?; umount $R/var/lib/docker; sleep 0.3
mount $OL $R/var/lib/docker
sha256sum $O/var/lib/docker-storage.btrfs $R/var/lib/docker-storage.btrfs > $BASE/h1
run $D check --root $R
run $D teardown --root $R --dry-run
run $D grow --root $R --to 2G --dry-run
run $D reclaim --root $R --dry-run
case_hdr "C24b same, but ROOT has no image of its own (fresh tree)"
R2=$(mkroot p46c24-c24b); mkdir -p $R2/var/lib/docker; mount $OL $R2/var/lib/docker
run $D check --root $R2
run $D status --root $R2
run $D provision --root $R2 --size 1G
run $D teardown --root $R2
findmnt -n -o TARGET,SOURCE | grep $BASE; ls $R2/etc $R2/var/lib

# ---- case file p46c25
case_hdr "C25 stacked covers: bind of ROOT/var/lib over itself, then a tmpfs over ROOT/var; follow the advice literally until check is OK"
R=$(mkroot p46c25-c25); prov $R >/dev/null; echo prov rc=$?
mount --bind $R/var/lib $R/var/lib; mount -t tmpfs tmpfs $R/var
for i in 1 2 3 4; do
  out=$($D check --root $R 2>&1); echo "check: $(echo "$out" | cut -c1-330)"
  adv=$(echo "$out" | grep -o -E "umount (-R )?/[^ ]+ once|umount -R [^)]*|umount [^ ]+ once" | head -1 | sed 's/ once$//')
  [ -z "$adv" ] && break; echo "  following: $adv"; $adv || break
done
case_hdr "C26 two provisions at once while a racer mounts/unmounts the image with its own loop device"
R=$(mkroot p46c25-c26); prov $R >/dev/null; IMG=$R/var/lib/docker-storage.btrfs; MP=$R/var/lib/docker; umount $MP; sleep 0.3
L=$(losetup -f --show $IMG); MYLOOPS+=($L)
( while :; do mount $L $MP 2>/dev/null; umount $MP 2>/dev/null; done ) & RP=$!; PIDS+=($RP)
for i in $(seq 1 10); do
  $D provision --root $R --size 1G --lock-timeout 5 >$BASE/a 2>&1 & A=$!
  $D provision --root $R --size 1G --lock-timeout 5 >$BASE/b 2>&1; rb=$?; wait $A; ra=$?
  n=$(grep -c " $MP " /proc/self/mountinfo); nl=$(losetup -l -n -O BACK-FILE | grep -c "^$IMG")
  echo "iter $i rcA=$ra rcB=$rb mounts=$n loops=$nl | $(tail -1 $BASE/a | cut -c1-120) | $(tail -1 $BASE/b | cut -c1-120)"
done
kill $RP; wait $RP 2>/dev/null; sleep 0.3
echo "after racer stops: mounts=$(grep -c " $MP " /proc/self/mountinfo) loops=$(losetup -l -n -O BACK-FILE | grep -c "^$IMG")"
run $D provision --root $R --size 1G
echo "final: mounts=$(grep -c " $MP " /proc/self/mountinfo) loops=$(losetup -l -n -O BACK-FILE | grep -c "^$IMG")"; losetup -l -n -O NAME,BACK-FILE | grep $BASE
run $D check --root $R

# ---- case file p46c27
case_hdr "C27 every command under a foreign bind appearing by propagation (ROOT/var shared self-bind peered with a host folder)"
O=$(mkroot other27); prov $O >/dev/null; echo other rc=$?
R=$(mkroot c27); mount --bind $R/var $R/var; mount --make-shared $R/var
mkdir -p $BASE/h27; mount --bind $R/var $BASE/h27
mount --rbind $O/var/lib $BASE/h27/lib          # appears at ROOT/var/lib by propagation
sha256sum $O/etc/fstab $O/etc/sysconfig/docker > $BASE/h.before
truncate -s 2G $BASE/ebs27; EL=$(losetup -f --show $BASE/ebs27); MYLOOPS+=($EL)
for c in "check" "status" "backend" "backend overlay2 --dry-run" "provision --size 1G" "grow --to 2G --dry-run" "reclaim --dry-run" "teardown --dry-run" "migrate-ebs $EL --dry-run --yes"; do
  echo "\$ dockstore $c --root ROOT"; $D $c --root $R 2>&1 | cut -c1-260 | head -2; echo "rc=${PIPESTATUS[0]}"; done
sha256sum -c --quiet $BASE/h.before && echo "OTHER's files unchanged"

# ---- case file p46c28
case_hdr "C28 ROOT itself a btrfs subvolume mount (SUSE root: subvol=@/.snapshots/1/snapshot), /var a subvolume too"
truncate -s 3G $BASE/sys28.img; L=$(losetup -f --show $BASE/sys28.img); MYLOOPS+=($L); mkfs.btrfs -q $L >/dev/null 2>&1
mkdir $BASE/m28; mount $L $BASE/m28; btrfs -q subvolume create $BASE/m28/@; mkdir -p $BASE/m28/@/.snapshots/1
btrfs -q subvolume create $BASE/m28/@/.snapshots/1/snapshot; btrfs -q subvolume create $BASE/m28/@/var
umount $BASE/m28
R=$BASE/r28; mkdir -p $R; mount -o subvol=@/.snapshots/1/snapshot $L $R
mkdir -p $R/var/lib $R/etc/sysconfig $R/etc/systemd/system
run $D provision --root $R --size 1G
run $D check --root $R
case_hdr "C28b follow F1's advice literally: umount -R ROOT/var, provision, then the @var subvolume is mounted again (as at boot)"
R=$(mkroot c28b); mkdir -p $BASE/m28b; mount $L $BASE/m28b; mkdir -p $BASE/m28b/@/var/lib; umount $BASE/m28b
mount -o subvol=@/var $L $R/var
$D provision --root $R --size 1G 2>&1 | grep -o "unmount it (umount -R [^)]*)"
umount -R $R/var; run prov $R
umount $R/var/lib/docker; sleep 0.3
mount -o subvol=@/var $L $R/var; ls -la $R/var/lib
echo; echo "=== attack.sh done"
