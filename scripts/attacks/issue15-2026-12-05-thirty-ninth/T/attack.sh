#!/bin/bash
# attack39 helper T: relinked stores, kernel loop names, debris. Re-runnable; cleans up after itself.
D=/work/attack39/t; B=$D/dockstore
ROOTS=(); MOVED=(); MADE=()
cleanup() {
  for m in "${MADE[@]}"; do rm -f "$m"; done
  for p in "${MOVED[@]}"; do src=${p%%|*}; dst=${p##*|}; [ -e "$src" ] && { rm -f "$dst"; mv "$src" "$dst"; }; done
  for r in "${ROOTS[@]}"; do
    for i in 1 2 3; do findmnt -rn -o TARGET | grep "^$r" | sort -r | while read t; do umount -l "$t" 2>/dev/null; done; done
    losetup -a | grep "$r" | cut -d: -f1 | while read l; do losetup -d "$l"; done
    rm -rf "$r"
  done
}
trap cleanup EXIT INT TERM
PASS=0; FAIL=0
newroot() { R=$(mktemp -d); ROOTS+=("$R"); }
ds() { echo "\$ dockstore $*"; "$B" "$@" > /tmp/ds.out.$$ 2>&1; RC=$?; tail -n ${TAILN:-6} /tmp/ds.out.$$; echo "rc=$RC"; OUT=$(cat /tmp/ds.out.$$); }
ok() { echo "PASS: $*"; PASS=$((PASS+1)); }
bad() { echo "FAIL: $*"; FAIL=$((FAIL+1)); }
expect() { # expect DESC COND
  if eval "$2"; then ok "$1"; else bad "$1"; fi; }

# ---- case file c1
echo "### C1 relink of /var"
newroot; mkdir -p $R/srv/va/lib $R/srv/vb/lib $R/etc; ln -s /srv/va $R/var
ds provision --root $R --size 1G
ln -sfn /srv/vb $R/var
ds provision --root $R --size 1G; expect "C1 provision refuses after /var relink" '[ $RC = 2 ] && ! [ -e $R/srv/vb/lib/docker-storage.btrfs ]'
ds teardown --root $R; expect "C1 teardown refuses" '[ $RC = 2 ]'
ds check --root $R; expect "C1 check UNKNOWN naming the store" '[ $RC = 3 ] && grep -q srv/va <<<"$OUT"'
rm $R/etc/systemd/system/docker.service.d/dockstore.conf
ds provision --root $R --size 1G; expect "C1b no drop-in: provision refuses after /var relink" '[ $RC = 2 ] && ! [ -e $R/srv/vb/lib/docker-storage.btrfs ]'
ls $R/srv/vb/lib
ln -sfn /srv/va $R/var
ds provision --root $R --size 1G; expect "C1c link back: provision completes" '[ $RC = 0 ]'
ds teardown --root $R; expect "C1d link back: teardown completes" '[ $RC = 0 ] && ! findmnt $R/srv/va/lib/docker >/dev/null'

# ---- case file c2
echo "### C2 store's /dev/loopN replaced by a node of a decoy loop device"
newroot; mkdir -p $R/etc $R/var/lib
ds provision --root $R --size 1G
S=$(losetup -j $R/var/lib/docker-storage.btrfs | cut -d: -f1); echo store=$S
truncate -s 1G $R/decoy.img; mkfs.ext4 -q $R/decoy.img; DL=$(losetup -f --show $R/decoy.img); echo decoy=$DL
DMIN=$(( 0x$(stat -c %T $DL) )); SMIN=$(( 0x$(stat -c %T $S) )); 
H0=$(md5sum < $DL); SZ0=$(blockdev --getsize64 $DL)
mv $S $S.t39aside; MOVED+=("$S.t39aside|$S"); mknod $S b 7 $DMIN; ls -la $S
ds status --root $R; expect "C2 status ok with replaced node (names loop as kernel's)" '[ $RC = 0 ] || [ $RC = 4 ]'
grep -i -E "ext4|$(basename $R)/decoy" <<<"$OUT" && bad "C2 status reports decoy's data"
ds check --root $R; expect "C2 check not confused" '! grep -qi ext4 <<<"$OUT"'
ds grow --root $R --to 2G; 
expect "C2 grow grows the store's loop, not decoy" '[ $(blockdev --getsize64 $DL) = $SZ0 ] && [ "$(md5sum < $DL)" = "$H0" ]'
echo "store fs size:"; btrfs fi show $R/var/lib/docker | grep devid
ds reclaim --root $R; expect "C2 reclaim leaves decoy alone" '[ "$(md5sum < $DL)" = "$H0" ]'
ds teardown --root $R; expect "C2 teardown detaches store's loop, not decoy" '[ "$(md5sum < $DL)" = "$H0" ] && losetup $DL >/dev/null 2>&1 && ! losetup -j $R/var/lib/docker-storage.btrfs | grep -q .'
losetup -a | grep $R
rm -f $S; mv $S.t39aside $S; MOVED=()

# ---- case file c3
echo "### C3 provision --device /dev/loopT whose node now names a decoy loop device"
newroot; mkdir -p $R/etc $R/var/lib
truncate -s 2G $R/target.img; T=$(losetup -f --show $R/target.img)
truncate -s 2G $R/decoy.img; DL=$(losetup -f --show $R/decoy.img)
# decoy holds data without signatures
dd if=/dev/urandom of=$R/pat bs=1M count=4 status=none; dd if=$R/pat of=$DL bs=1M seek=0 conv=notrunc status=none; sync
H0=$(md5sum < $R/decoy.img); echo target=$T decoy=$DL
DMIN=$(( 0x$(stat -c %T $DL) ))
mv $T $T.t39aside; MOVED+=("$T.t39aside|$T"); mknod $T b 7 $DMIN
TAILN=12 ds provision --root $R --device $T --wait 2
TAILN=20 ds provision --root $R --device $T --wait 2 --force; cat $R/etc/fstab; findmnt -rn -o SOURCE,TARGET,FSTYPE | grep $R
echo "decoy blkid: $(blkid -p $R/decoy.img)"; echo "target blkid: $(blkid -p $R/target.img)"
expect "C3 decoy (node's device) unchanged" '[ "$(md5sum < $R/decoy.img)" = "$H0" ]'
findmnt -rn $R/var/lib/docker
ds teardown --root $R
rm -f $T; mv $T.t39aside $T; MOVED=()

# ---- case file c4
echo "### C4 migrate-ebs onto /dev/loopT whose node names a decoy loop device"
newroot; mkdir -p $R/etc $R/var/lib
ds provision --root $R --size 1G
echo hello > $R/var/lib/docker/keep.txt
truncate -s 2G $R/target.img; T=$(losetup -f --show $R/target.img)
truncate -s 2G $R/decoy.img; DL=$(losetup -f --show $R/decoy.img)
[ -n "$C4DATA" ] && { dd if=/dev/urandom of=$DL bs=1M count=4 status=none; sync; }
H0=$(md5sum < $R/decoy.img); echo target=$T decoy=$DL
DMIN=$(( 0x$(stat -c %T $DL) ))
mv $T $T.t39aside; MOVED+=("$T.t39aside|$T"); mknod $T b 7 $DMIN
TAILN=14 ds migrate-ebs --root $R --yes --wait 2 $T; findmnt -rn -o SOURCE,MAJ:MIN,TARGET $R/var/lib/docker; cat $R/etc/fstab | tail -1
echo "decoy blkid: $(blkid -p $R/decoy.img)"; echo "target blkid: $(blkid -p $R/target.img)"
expect "C4 decoy (node's device) unchanged by migrate-ebs" '[ "$(md5sum < $R/decoy.img)" = "$H0" ]'
btrfs fi show $R/var/lib/docker 2>&1 | grep -E "devid|uuid"; cat $R/var/lib/docker/keep.txt
ds status --root $R
ds teardown --root $R
rm -f $T; mv $T.t39aside $T; MOVED=()

# ---- case file c5
echo "### C5 debris sweep"
newroot; mkdir -p $R/etc/sysconfig $R/var/lib
DOCKSTORE_FAILPOINT=create-image ds provision --root $R --size 1G
ls -la $R/var/lib/
ln $R/var/lib/docker-storage.btrfs.dockstore-new $R/precious; echo "--- D2 hard link"
ds backend --root $R vfs --force; expect "C5a hard-linked .dockstore-new kept" '[ -e $R/var/lib/docker-storage.btrfs.dockstore-new ] && ! grep -q "debris\] removed" <<<"$OUT"'
rm $R/precious
L=$(losetup -f --show $R/var/lib/docker-storage.btrfs.dockstore-new); echo "--- D3 loop holds it ($L)"
ds backend --root $R btrfs --force; expect "C5b loop-held .dockstore-new kept" '[ -e $R/var/lib/docker-storage.btrfs.dockstore-new ]'
losetup -d $L
echo "--- D4 bind mount over it"; echo x > $R/other; mount --bind $R/other $R/var/lib/docker-storage.btrfs.dockstore-new
ds backend --root $R vfs --force; expect "C5c mount-point .dockstore-new kept" 'findmnt $R/var/lib/docker-storage.btrfs.dockstore-new >/dev/null'
umount $R/var/lib/docker-storage.btrfs.dockstore-new
echo "--- D5 plain debris removed by backend"
ds backend --root $R btrfs --force; expect "C5d debris removed with [debris] line" '! [ -e $R/var/lib/docker-storage.btrfs.dockstore-new ] && grep -q "debris\] removed" <<<"$OUT"'
echo "--- D6 provision stopped holding the lock, .dockstore-new present"
DOCKSTORE_PAUSE=format:stop "$B" provision --root $R --size 1G > $R/../t39p.$$ 2>&1 &
P=$!; sleep 2; ps -o pid,stat,cmd -p $P; ls -la $R/var/lib
ds backend --root $R vfs --force --lock-timeout 1; expect "C5e paused provision's file kept while lock held" '[ -e $R/var/lib/docker-storage.btrfs.dockstore-new ]'
echo "--- grow with lock held"; ds grow --root $R --to 2G --lock-timeout 1
kill -9 $P; wait $P 2>/dev/null; rm -f $R/../t39p.$$
ls -la $R/var/lib
ds grow --root $R --to 2G; expect "C5f grow (not set up) sweeps or refuses, debris handled" 'true'
ls -la $R/var/lib
ds reclaim --root $R; ls -la $R/var/lib

# ---- case file c6
echo "### C6 size-limited / stale loop devices over the image"
newroot; mkdir -p $R/etc/sysconfig $R/var/lib
ds provision --root $R --size 1G
ds grow --root $R --to 2G
ds teardown --root $R
IMG=$R/var/lib/docker-storage.btrfs; ls -la $IMG
L=$(losetup -f --show --sizelimit 1073741824 $IMG); echo "stale/limited loop $L size $(blockdev --getsize64 $L)"
TAILN=4 ds provision --root $R --size 1G; expect "C6a provision refuses the truncated loop, naming it" '[ $RC = 2 ] && grep -qi truncat <<<"$OUT"'
findmnt -rn -o SOURCE,TARGET | grep $R
ds check --root $R; expect "C6b check names truncated loop" 'grep -qi truncat <<<"$OUT"'
ds status --root $R; expect "C6c status is not 'in place'" '[ $RC != 0 ]'
losetup -d $L
echo "--- C6d mounted through a size-limited loop, then grow"
L=$(losetup -f --show --sizelimit 2147483648 $IMG)
ds provision --root $R; findmnt -rn -o SOURCE,TARGET | grep $R
TAILN=4 ds provision --root $R
umount $R/var/lib/docker 2>/dev/null; losetup -d $L 2>/dev/null
ds provision --root $R; 
S=$(losetup -j $IMG | cut -d: -f1); echo store=$S
ds grow --root $R --to 3G
echo "--- C6e mount by hand through loop with sizelimit=3G over image, then grow to 4G"
umount $R/var/lib/docker; L=$(losetup -f --show --sizelimit 3221225472 $IMG); mount $L $R/var/lib/docker
TAILN=8 ds grow --root $R --to 4G; expect "C6e grow refuses/fails before resize when loop stays short" '[ $RC != 0 ] && btrfs fi show $R/var/lib/docker | grep -q "size 3.00GiB"'
btrfs fi show $R/var/lib/docker | grep devid; ls -la $IMG
ds check --root $R
ds status --root $R
umount $R/var/lib/docker; losetup -d $L
ds teardown --root $R --delete-image

# ---- case file c7
echo "### C7 stale loop attached before a grow (no size limit) over the image, store not mounted (reboot-like)"
newroot; mkdir -p $R/etc/sysconfig $R/var/lib
ds provision --root $R --size 1G
IMG=$R/var/lib/docker-storage.btrfs
L=$(losetup -f --show $IMG); echo "stale loop $L (1 GiB)"
ds grow --root $R --to 2G; expect "C7a grow with a second loop over the image: refuses or warns" '[ $RC != 0 ] || grep -qi "$L\|loop" <<<"$OUT"'
blockdev --getsize64 $L
umount $R/var/lib/docker   # a reboot-like state: nothing mounted, fstab in place, stale loop left
TAILN=4 ds provision --root $R; expect "C7b provision refuses the stale shorter loop saying truncated" '[ $RC = 2 ] && grep -qi truncat <<<"$OUT"'
findmnt -rn -o SOURCE,TARGET | grep $R
ds check --root $R; expect "C7c check names the truncated loop" 'grep -qi truncat <<<"$OUT"'
echo "--- mount the stale loop by hand (what a tired admin does)"; mount $L $R/var/lib/docker; echo mount rc=$?; dmesg | tail -3
if findmnt $R/var/lib/docker >/dev/null; then
 ds check --root $R; expect "C7d check on store mounted through truncated loop is not OK" '[ $RC != 0 ] && grep -qi truncat <<<"$OUT"'
 ds status --root $R; expect "C7e status flags truncated loop" '[ $RC != 0 ]'
 TAILN=4 ds provision --root $R; expect "C7f provision flags truncated loop" '[ $RC != 0 ] && grep -qi truncat <<<"$OUT"'
 umount $R/var/lib/docker
fi
losetup -d $L 2>/dev/null
ds provision --root $R; expect "C7g after detaching, provision mounts" '[ $RC = 0 ]'
ds teardown --root $R --delete-image

# ---- case file c8
echo "### C8 false refusals from nested trees (R without drop-in: killed at fstab failpoint, then reboot)"
newroot; mkdir -p $R/etc/sysconfig $R/srv/b; mkdir -p $R/var; ln -s /srv/b $R/var/lib
DOCKSTORE_FAILPOINT=fstab TAILN=2 ds provision --root $R --size 1G
umount $R/srv/b/docker   # reboot: nothing mounted (autoclear detaches)
ls $R/etc/systemd/system/docker.service.d 2>&1
N=$R/mnt/image; mkdir -p $N/etc/sysconfig $N/srv/q $N/var; ln -s /srv/q $N/var/lib
TAILN=1 ds provision --root $N --size 1G
findmnt -rn -o SOURCE,TARGET | grep $R
TAILN=4 ds provision --root $R; expect "C8a nested tree with linked /var/lib (store at N/srv/q/docker) does not stop R" '[ $RC = 0 ] && findmnt $R/srv/b/docker >/dev/null'
ds status --root $R; expect "C8a2 status of R in place" '[ $RC = 0 ]'
ds check --root $R; expect "C8a3 check of R not UNKNOWN" '[ $RC = 0 ]'
TAILN=2 ds teardown --root $N
echo "--- C8b nested tree with other names but same basenames: --mountpoint /opt/docker --image /opt/docker-storage.btrfs"
TAILN=2 ds teardown --root $R; TAILN=2 ds provision --root $R --size 1G; rm -f $R/etc/systemd/system/docker.service.d/dockstore.conf; umount $R/srv/b/docker
N2=$R/mnt/two; mkdir -p $N2/etc/sysconfig $N2/opt
TAILN=1 ds provision --root $N2 --size 1G --mountpoint /opt/docker --image /opt/docker-storage.btrfs
TAILN=4 ds provision --root $R; expect "C8b nested tree with other path but same names does not stop R" '[ $RC = 0 ] && findmnt $R/srv/b/docker >/dev/null'
TAILN=2 ds teardown --root $N2 --mountpoint /opt/docker --image /opt/docker-storage.btrfs
echo "--- C8c same root, second configuration elsewhere (--mountpoint /data/docker --image /data/docker-storage.btrfs)"
mkdir -p $R/data
TAILN=2 ds provision --root $R --size 1G --mountpoint /data/docker --image /data/docker-storage.btrfs
TAILN=3 ds provision --root $R; expect "C8c default config not refused because of second config" '[ $RC = 0 ]'
TAILN=3 ds check --root $R; expect "C8c2 check default not UNKNOWN" '[ $RC = 0 ]'
TAILN=2 ds teardown --root $R --mountpoint /data/docker --image /data/docker-storage.btrfs
TAILN=2 ds teardown --root $R --delete-image

# ---- case file c9
echo "### C9 another, unrelated root's store (outside R) matching the layout"
newroot; R1=$R; mkdir -p $R1/etc/sysconfig $R1/srv/b $R1/var; ln -s /srv/b $R1/var/lib
DOCKSTORE_FAILPOINT=fstab TAILN=1 ds provision --root $R1 --size 1G; umount $R1/srv/b/docker
newroot; R2=$R; mkdir -p $R2/etc/sysconfig $R2/srv/q $R2/var; ln -s /srv/q $R2/var/lib
TAILN=1 ds provision --root $R2 --size 1G
TAILN=3 ds provision --root $R1; expect "C9 a store of another root outside R does not stop R" '[ $RC = 0 ]'
TAILN=1 ds teardown --root $R2 --delete-image; TAILN=1 ds teardown --root $R1 --delete-image
echo "### C10 missed refusal: image outside the linked folder (settings), drop-in removed, /var/lib relinked"
newroot; mkdir -p $R/etc/sysconfig $R/srv/a $R/srv/b $R/images $R/var; ln -s /srv/a $R/var/lib
printf 'DOCKSTORE_IMAGE=/images/docker.btrfs\n' > $R/etc/sysconfig/dockstore
TAILN=2 ds provision --root $R --size 1G
rm -f $R/etc/systemd/system/docker.service.d/dockstore.conf; ln -sfn /srv/b $R/var/lib
TAILN=3 ds provision --root $R; expect "C10 provision refuses (no second store / no double mount)" '[ $RC = 2 ] && ! findmnt $R/srv/b/docker >/dev/null'
findmnt -rn -o SOURCE,TARGET | grep $R
TAILN=3 ds check --root $R; expect "C10b check not OK" '[ $RC != 0 ]'
TAILN=3 ds teardown --root $R; expect "C10c teardown refuses" '[ $RC = 2 ]'
findmnt -rn -o SOURCE,TARGET | grep $R
ln -sfn /srv/a $R/var/lib; TAILN=2 ds teardown --root $R --delete-image; findmnt -rn -o SOURCE,TARGET | grep $R

# ---- case file c11
echo "### C11 device store on loop T; a spare loop's node X re-made with T's numbers (copy scan)"
newroot; mkdir -p $R/etc/sysconfig $R/var/lib
truncate -s 2G $R/target.img; T=$(losetup -f --show $R/target.img)
truncate -s 1G $R/spare.img; X=$(losetup -f --show $R/spare.img)
TAILN=1 ds provision --root $R --device $T --wait 2
TMIN=$(( 0x$(stat -c %T $T) ))
mv $X $X.t39aside; MOVED+=("$X.t39aside|$X"); mknod $X b 7 $TMIN; echo "T=$T X=$X (node now 7:$TMIN)"
TAILN=4 ds status --root $R; expect "C11a status: no false 'block copies' from a second node of the same device" '[ $RC = 0 ]'
TAILN=2 ds check --root $R; expect "C11b check: no false copy finding" '[ $RC = 0 ]'
TAILN=3 ds provision --root $R; expect "C11c provision: nothing to do" '[ $RC = 0 ]'
rm -f $X; mv $X.t39aside $X; MOVED=()
echo "### C11d teardown --wipe-device with T's node re-made as a decoy's"
truncate -s 1G $R/decoy.img; mkfs.ext4 -q -L keepme $R/decoy.img; DL=$(losetup -f --show $R/decoy.img); H0=$(md5sum < $R/decoy.img)
DMIN=$(( 0x$(stat -c %T $DL) ))
mv $T $T.t39aside; MOVED+=("$T.t39aside|$T"); mknod $T b 7 $DMIN
TAILN=8 ds teardown --root $R --wipe-device
expect "C11d decoy not wiped" '[ "$(md5sum < $R/decoy.img)" = "$H0" ]'
echo "target: $(blkid -p $R/target.img)"; echo "decoy: $(blkid -p $R/decoy.img)"
findmnt -rn -o SOURCE,TARGET | grep $R
rm -f $T; mv $T.t39aside $T; MOVED=()

# ---- case file c12
echo "### C12 mountpoint itself a link (/var/lib/docker -> /srv/a/docker), relinked to /srv/b/docker"
newroot; mkdir -p $R/etc/sysconfig $R/var/lib $R/srv/a/docker $R/srv/b/docker; ln -s /srv/a/docker $R/var/lib/docker
TAILN=3 ds provision --root $R --size 1G
findmnt -rn -o SOURCE,TARGET | grep $R
ln -sfn /srv/b/docker $R/var/lib/docker
TAILN=3 ds provision --root $R; expect "C12 provision after mountpoint relink refuses or stays consistent (no second store)" '[ $(findmnt -rn -o TARGET | grep -c "^$R") -le 1 ]'
findmnt -rn -o SOURCE,TARGET | grep $R
TAILN=3 ds check --root $R
ln -sfn /srv/a/docker $R/var/lib/docker; TAILN=2 ds teardown --root $R --delete-image
echo "### C13 store's loop node missing (moved aside)"
newroot; mkdir -p $R/etc/sysconfig $R/var/lib
TAILN=1 ds provision --root $R --size 1G
S=$(losetup -j $R/var/lib/docker-storage.btrfs | cut -d: -f1)
mv $S $S.t39aside; MOVED+=("$S.t39aside|$S")
TAILN=3 ds status --root $R; expect "C13a status in place without the node" '[ $RC = 0 ]'
TAILN=1 ds check --root $R; expect "C13b check OK without the node" '[ $RC = 0 ]'
TAILN=3 ds grow --root $R --to 2G; expect "C13c grow works without the node" '[ $RC = 0 ] && btrfs fi show $R/var/lib/docker | grep -q "size 2.00GiB"'
TAILN=3 ds provision --root $R; expect "C13d provision nothing to do" '[ $RC = 0 ]'
TAILN=3 ds teardown --root $R; expect "C13e teardown detaches" '[ $RC = 0 ] && ! findmnt $R/var/lib/docker >/dev/null'
ls -la $S 2>&1; mv $S.t39aside $S; MOVED=(); losetup $S 2>&1

# ---- case file c13
newroot; mkdir -p $R/etc/sysconfig $R/var/lib
TAILN=1 ds provision --root $R --size 1G
S=$(losetup -j $R/var/lib/docker-storage.btrfs | cut -d: -f1); echo S=$S
mv $S $S.t39aside; MOVED+=("$S.t39aside|$S")
TAILN=10 ds grow --root $R --to 2G
ls -la $R/var/lib/docker-storage.btrfs; cat /sys/block/$(basename $S)/size
TAILN=10 ds grow --root $R --to 2G --dry-run
TAILN=4 ds status --root $R
TAILN=3 ds reclaim --root $R
mv $S.t39aside $S; MOVED=()
TAILN=5 ds grow --root $R --to 2G

# ---- case file c14
echo "### C14 grow: store mounted through a size-limited loop L (1G); /dev/L re-made as a 2G decoy loop's node"
newroot; mkdir -p $R/etc/sysconfig $R/var/lib
TAILN=1 ds provision --root $R --size 1G
IMG=$R/var/lib/docker-storage.btrfs
umount $R/var/lib/docker; L=$(losetup -f --show --sizelimit 1073741824 $IMG); mount $L $R/var/lib/docker
truncate -s 2G $R/decoy.img; DL=$(losetup -f --show $R/decoy.img); H0=$(md5sum < $R/decoy.img)
DMIN=$(( 0x$(stat -c %T $DL) )); echo "L=$L decoy=$DL"
mv $L $L.t39aside; MOVED+=("$L.t39aside|$L"); mknod $L b 7 $DMIN
TAILN=8 ds grow --root $R --to 2G; expect "C14 grow notices the kernel's loop stayed 1G (exit!=0, fs not resized)" '[ $RC != 0 ] && btrfs fi show $R/var/lib/docker | grep -q "size 1.00GiB"'
btrfs fi show $R/var/lib/docker | grep devid; expect "C14b decoy untouched" '[ "$(md5sum < $R/decoy.img)" = "$H0" ]'
rm -f $L; mv $L.t39aside $L; MOVED=()
umount $R/var/lib/docker; losetup -d $L

echo; echo "TOTAL: PASS=$PASS FAIL=$FAIL"
