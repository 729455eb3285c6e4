#!/bin/bash
# Attack 48 helper R: foreign stores / foreign mounts in a --root tree. Re-runnable; cleans up after itself.
# Only touches mounts and loop devices it creates under its own mktemp -d.
set -u
B=/work/attack48/r/dockstore
W=$(mktemp -d /tmp/a48r.XXXX)
LOOPLIST=$(mktemp /tmp/a48r-loops.XXXX)
umount_all() { findmnt -rn -o TARGET | grep "^$W/" | sort -r | while read -r m; do umount "$m" 2>/dev/null; done; }
cleanup() {
  umount_all
  # loops we attached (newest first: one may hold a file on the filesystem of an older one), then the rest over $W
  tac "$LOOPLIST" | while read -r l; do losetup -d "$l" 2>/dev/null; done
  losetup -l -n -O NAME,BACK-FILE | awk -v w="$W/" 'index($2,w)==1{print $1}' | xargs -r -n1 losetup -d 2>/dev/null
  sleep 1; umount_all
  findmnt -rn -o TARGET | grep "^$W/" && echo "WARNING: mounts left under $W"
  rm -rf "$W" "$LOOPLIST"
}
trap cleanup EXIT INT TERM
PASS=0; FAIL=0
res() { echo "RESULT $1: $2"; [ "$2" = PASS ] && PASS=$((PASS+1)) || FAIL=$((FAIL+1)); }
att() { local l; l=$(losetup -f --show "$1"); echo "$l" >> "$LOOPLIST"; echo "$l"; }

# ---------- C1: --root given through a symlink (image store) ----------
mkdir -p $W/c1/real/etc $W/c1/real/var/lib; ln -s real $W/c1/link
$B provision --root $W/c1/link --size 200M >/dev/null 2>&1; r1=$?
$B check --root $W/c1/link >/dev/null; r2=$?; $B status --root $W/c1/link >/dev/null; r3=$?
echo "C1 provision=$r1 check=$r2 status=$r3"; [ $r1$r2$r3 = 000 ] && res C1 PASS || res C1 FAIL

# ---------- C2: --root is an rbind of the tree (same files, kernel name outside --root) ----------
mkdir $W/c1/bindroot; mount --rbind $W/c1/real $W/c1/bindroot
$B check --root $W/c1/bindroot | cut -c1-200; c=${PIPESTATUS[0]}
$B status --root $W/c1/bindroot >/dev/null; s=$?
$B provision --root $W/c1/bindroot --dry-run >/dev/null 2>&1; p=$?
$B grow --root $W/c1/bindroot --to 300M --dry-run >/dev/null 2>&1; g=$?
echo "C2 check=$c status=$s provision=$p grow=$g"
# expected: one verdict from all (same inode); got check CRITICAL(2)/grow refused(2) vs status/provision in place(0)
[ $c = $s ] && [ $g = $p ] && res C2 PASS || res C2 FAIL
umount -R $W/c1/bindroot

# ---------- C3: store mounted through a loop over a HARD LINK outside the tree ----------
umount $W/c1/real/var/lib/docker; sleep 0.3
ln $W/c1/real/var/lib/docker-storage.btrfs $W/c1/hl.img; L=$(att $W/c1/hl.img); mount $L $W/c1/real/var/lib/docker
$B check --root $W/c1/real | cut -c1-200; c=${PIPESTATUS[0]}
$B status --root $W/c1/real >/dev/null; s=$?
$B teardown --root $W/c1/real --dry-run >/dev/null 2>&1; t=$?
$B grow --root $W/c1/real --to 300M --dry-run >/dev/null 2>&1; g=$?
echo "C3 check=$c status=$s teardown=$t grow=$g"
[ $c = $s ] && [ $t = $g ] && res C3 PASS || res C3 FAIL
umount $W/c1/real/var/lib/docker

# ---------- C4: a truly foreign image (other file outside the tree) at the mountpoint ----------
truncate -s 200M $W/c1/other.img; mkfs.btrfs -q -L docker $W/c1/other.img >/dev/null 2>&1
L=$(att $W/c1/other.img); mount $L $W/c1/real/var/lib/docker
$B check --root $W/c1/real >/dev/null; c=$?
$B provision --root $W/c1/real --dry-run >/dev/null 2>&1; p=$?
$B teardown --root $W/c1/real --dry-run >/dev/null 2>&1; t=$?
$B status --root $W/c1/real | grep -A1 '^state'
echo "C4 check=$c provision=$p teardown=$t"; [ $c = 2 ] && [ $p = 2 ] && [ $t = 2 ] && res C4 PASS || res C4 FAIL
umount $W/c1/real/var/lib/docker

# ---------- C5: device store on a loop over a file outside the tree: provision/check/grow/teardown ----------
mkdir -p $W/c5/root/etc $W/c5/root/var/lib; truncate -s 300M $W/c5/vol.img; L=$(att $W/c5/vol.img)
$B provision --root $W/c5/root --device $L >/dev/null 2>&1; p=$?
$B check --root $W/c5/root >/dev/null; c=$?
truncate -s 400M $W/c5/vol.img; losetup -c $L
$B grow --root $W/c5/root >/dev/null 2>&1; g=$?
$B teardown --root $W/c5/root >/dev/null 2>&1; t=$?
echo "C5 provision=$p check=$c grow=$g teardown=$t"; [ $p$c$g$t = 0000 ] && res C5 PASS || res C5 FAIL

# ---------- C6: migrate-ebs onto a loop volume over a file outside the tree ----------
mkdir -p $W/c6/root/etc $W/c6/root/var/lib
$B provision --root $W/c6/root --size 200M >/dev/null 2>&1
echo hello > $W/c6/root/var/lib/docker/data.txt
truncate -s 400M $W/c6/ebs.img; L=$(att $W/c6/ebs.img)
timeout 300 $B migrate-ebs $L --root $W/c6/root --yes >/dev/null 2>&1; m=$?
[ $m != 0 ] && { timeout 300 $B migrate-ebs $L --root $W/c6/root --yes >/dev/null 2>&1; m=$?; }  # first try may ENOSPC
d=$(cat $W/c6/root/var/lib/docker/data.txt)
$B check --root $W/c6/root >/dev/null; c=$?
$B teardown --root $W/c6/root >/dev/null 2>&1; t=$?
echo "C6 migrate=$m data=$d check=$c teardown=$t"; [ $m$c$t = 000 ] && [ "$d" = hello ] && res C6 PASS || res C6 FAIL

# ---------- C7/C8: another tree's btrfs subvolume brought into tree B ----------
S=$W/sub; mkdir -p $S/top $S/A/etc $S/A/var $S/B/etc $S/B/var
truncate -s 1G $S/host.img; mkfs.btrfs -q $S/host.img >/dev/null 2>&1; HL=$(att $S/host.img)
mount $HL $S/top; btrfs subvolume create $S/top/@varA >/dev/null; umount $S/top
mount -o subvol=@varA $HL $S/A/var; mkdir -p $S/A/var/lib
$B provision --root $S/A --size 200M >/dev/null 2>&1; echo precious > $S/A/var/lib/docker/precious
cp -a $S/A/etc/. $S/B/etc/
umount $S/A/var/lib/docker; sleep 0.3     # A's store is down (A is shut down), A's /var still mounted
# C7: subvol= of A's subvolume at B/var
mount -o subvol=@varA $HL $S/B/var
$B teardown --root $S/B --delete-image --dry-run 2>&1 | grep delete-image; t=${PIPESTATUS[0]}
echo "C7 teardown --delete-image on B (A's subvolume via subvol=) rc=$t (expected 2: another tree's folders)"
[ $t = 2 ] && res C7 PASS || res C7 FAIL
umount $S/B/var
# C8: plain bind of A's /var (a subvolume root) into B/var -- compare C9, the same bind on ext4 is refused
mount --bind $S/A/var $S/B/var
ls -l $S/A/var/lib/docker-storage.btrfs
$B teardown --root $S/B --delete-image 2>&1 | tail -3 | cut -c1-200; t=${PIPESTATUS[0]}
ls -l $S/A/var/lib/docker-storage.btrfs 2>&1
echo "C8 real teardown --delete-image of B through bind of A/var rc=$t"
[ -e $S/A/var/lib/docker-storage.btrfs ] && res C8 PASS || res C8 FAIL
umount $S/B/var
# C9: the same on a non-btrfs folder: refused (control)
mkdir -p $W/c9/X/var/lib $W/c9/C/etc $W/c9/C/var; cp -a $S/A/etc/. $W/c9/C/etc/
truncate -s 200M $W/c9/X/var/lib/docker-storage.btrfs; mkfs.btrfs -q -L docker $W/c9/X/var/lib/docker-storage.btrfs >/dev/null 2>&1
mount --bind $W/c9/X/var $W/c9/C/var
$B teardown --root $W/c9/C --delete-image --dry-run >/dev/null 2>&1; t=$?
echo "C9 bind of a plain folder of another tree: teardown rc=$t"; [ $t = 2 ] && res C9 PASS || res C9 FAIL
umount $W/c9/C/var

# ---------- C10: advice for an image of tree B mounted in tree A names a host path as --mountpoint ----------
mount -o subvol=@varA $HL $S/B/var 2>/dev/null
truncate -s 200M $S/A/var/lib/docker-storage.btrfs; mkfs.btrfs -q -L docker $S/A/var/lib/docker-storage.btrfs >/dev/null 2>&1
mkdir -p $S/A/var/lib/docker; L=$(att $S/A/var/lib/docker-storage.btrfs); mount $L $S/A/var/lib/docker
msg=$($B provision --root $S/B --dry-run 2>&1 | tail -1)
echo "$msg" | cut -c1-400
mp=$(echo "$msg" | grep -o -- "--mountpoint [^ ]*" | head -1 | cut -d' ' -f2)
$B provision --root $S/B --mountpoint "$mp" --dry-run 2>&1 | tail -1 | cut -c1-200; f=${PIPESTATUS[0]}
echo "C10 following the advice: rc=$f"; [ $f = 0 ] && res C10 PASS || res C10 FAIL

# ---------- C11: overlay at var, all layers inside the tree, mounted with relative layer paths (a fine tree) ----------
O=$W/ov; mkdir -p $O/T/etc $O/T/var $O/T/ovl/lower $O/T/ovl/upper $O/T/ovl/work $O/other/lower/lib
(cd $O/T && mount -t overlay overlay -o lowerdir=ovl/lower,upperdir=ovl/upper,workdir=ovl/work $O/T/var); mkdir -p $O/T/var/lib
(cd /; $B provision --root $O/T --size 200M --dry-run 2>&1 | tail -1 | cut -c1-250); p=$?
(cd /; $B provision --root $O/T --size 200M --dry-run >/dev/null 2>&1); p=$?
echo "C11 fine overlay (relative layer paths, all inside) provision rc=$p (expected 0)"; [ $p = 0 ] && res C11 PASS || res C11 FAIL
umount $O/T/var
# ---------- C12: overlay whose layer path is inside the tree but is a bind of another tree's folder ----------
truncate -s 200M $O/other/lower/lib/docker-storage.btrfs; mkfs.btrfs -q -L docker $O/other/lower/lib/docker-storage.btrfs >/dev/null 2>&1
mount --bind $O/other/lower $O/T/ovl/lower
mount -t overlay overlay -o lowerdir=$O/T/ovl/lower,upperdir=$O/T/ovl/upper,workdir=$O/T/ovl/work $O/T/var
$B provision --root $O/T --dry-run 2>&1 | grep '\[mount\]' | cut -c1-200; p=${PIPESTATUS[0]}
umount $O/T/ovl/lower   # the overlay keeps the layer; the tree now looks plain
$B teardown --root $O/T --delete-image --dry-run >/dev/null 2>&1; t=$?
echo "C12 overlay lower = bind of another tree's folder: provision rc=$p teardown rc=$t (expected 2, 2)"
[ $p = 2 ] && [ $t = 2 ] && res C12 PASS || res C12 FAIL
umount $O/T/var

# ---------- C13: racer with its own loop device over the image mounting/unmounting at the mountpoint ----------
R=$W/race; mkdir -p $R/T/etc $R/T/var/lib; $B provision --root $R/T --size 200M >/dev/null 2>&1
L2=$(att $R/T/var/lib/docker-storage.btrfs)
( end=$((SECONDS+20)); while [ $SECONDS -lt $end ]; do mount $L2 $R/T/var/lib/docker 2>/dev/null; sleep 0.0$((RANDOM%5)); umount $R/T/var/lib/docker 2>/dev/null; sleep 0.0$((RANDOM%5)); done ) & RP=$!
for i in $(seq 60); do $B provision --root $R/T --dry-run 2>&1; $B status --root $R/T 2>&1; $B check --root $R/T 2>&1; done > $R/race.log; wait $RP
grep -o 'another filesystem ([^)]*) is mounted over the store ([^)]*)' $R/race.log | sort | uniq -c
bad=$(grep -c "mounted where this mount namespace does not show" $R/race.log)
grep -m1 -o "also attached to /dev/loop[0-9]*, mounted where this mount namespace does not show[^;]*" $R/race.log
wrongorder=$(grep -o 'another filesystem ([^,]*, btrfs) is mounted over the store ([^,]*' $R/race.log | grep -vc "($L2, btrfs) is mounted over")
echo "C13 racer $L2: cover/hidden swapped=$wrongorder, false 'mount namespace does not show' claims=$bad (all mounts are in this namespace)"
[ "$wrongorder" = 0 ] && res C13a PASS || res C13a FAIL
[ "$bad" = 0 ] && res C13b PASS || res C13b FAIL
umount $R/T/var/lib/docker 2>/dev/null; losetup -d $L2; $B teardown --root $R/T --delete-image >/dev/null 2>&1

# ---------- C14: var/lib an absolute symlink inside the tree (/data/lib) ----------
E=$W/e; mkdir -p $E/T/etc $E/T/data/lib $E/T/var; ln -s /data/lib $E/T/var/lib
$B provision --root $E/T --size 200M >/dev/null 2>&1; p=$?; $B check --root $E/T >/dev/null; c=$?; $B status --root $E/T >/dev/null; st=$?
$B grow --root $E/T --to 300M >/dev/null 2>&1; g=$?; $B teardown --root $E/T --delete-image > $E/td.log 2>&1; t=$?; [ $t = 0 ] || grep '^dockstore' $E/td.log | cut -c1-400
echo "C14 provision=$p check=$c status=$st grow=$g teardown=$t"; [ $p$c$st$g$t = 00000 ] && res C14 PASS || res C14 FAIL
# ---------- C15: --root and --image with odd (UTF-8) bytes: space, backslash, \134, %, e-acute; and a 250-char root ----------
RT="$W/r \\134 é x%"; mkdir -p "$RT/etc" "$RT/var/lib"; IMG='/var/lib/dé%\x.btrfs'
$B provision --root "$RT" --size 200M --image "$IMG" >/dev/null 2>&1; p=$?; $B check --root "$RT" >/dev/null; c=$?; $B status --root "$RT" >/dev/null; st=$?
$B grow --root "$RT" --to 300M >/dev/null 2>&1; g=$?; $B teardown --root "$RT" --delete-image >/dev/null 2>&1; t=$?
LR="$W/$(printf 'a%.0s' $(seq 120))/$(printf 'b%.0s' $(seq 120))"; mkdir -p "$LR/etc" "$LR/var/lib"
$B provision --root "$LR" --size 200M >/dev/null 2>&1; p2=$?; $B check --root "$LR" >/dev/null; c2=$?; $B teardown --root "$LR" --delete-image >/dev/null 2>&1; t2=$?
echo "C15 odd: provision=$p check=$c status=$st grow=$g teardown=$t; long: $p2 $c2 $t2"; [ $p$c$st$g$t$p2$c2$t2 = 00000000 ] && res C15 PASS || res C15 FAIL
# ---------- C16: tree B's /var is a btrfs SNAPSHOT of tree A's mounted /var subvolume (image = block copy of A's store) ----------
S=$W/sub2; mkdir -p $S/top $S/A/etc $S/A/var $S/B/etc $S/B/var; truncate -s 1G $S/host.img; mkfs.btrfs -q $S/host.img >/dev/null 2>&1; HL=$(att $S/host.img)
mount $HL $S/top; btrfs subvolume create $S/top/@varA >/dev/null; mount -o subvol=@varA $HL $S/A/var; mkdir -p $S/A/var/lib
$B provision --root $S/A --size 200M >/dev/null 2>&1; sync; btrfs subvolume snapshot $S/top/@varA $S/top/@varB >/dev/null
mount -o subvol=@varB $HL $S/B/var; cp -a $S/A/etc/. $S/B/etc/
$B provision --root $S/B --dry-run >/dev/null 2>&1; p=$?; echo "C16 provision of B over a snapshot copy of A's store: rc=$p (expected 2)"; [ $p = 2 ] && res C16 PASS || res C16 FAIL
umount $S/B/var; $B teardown --root $S/A --delete-image >/dev/null 2>&1
# ---------- C17: migrate-ebs killed mid-way (journal open), volume a loop over a file outside; --abort; re-run ----------
M=$W/mig; mkdir -p $M/root/etc $M/root/var/lib; $B provision --root $M/root --size 2G >/dev/null 2>&1
head -c 900M /dev/urandom > $M/root/var/lib/docker/blob; sync; sha=$(sha256sum < $M/root/var/lib/docker/blob)
truncate -s 3G $M/ebs.img; L=$(att $M/ebs.img)
$B migrate-ebs $L --root $M/root --yes > $M/mig.log 2>&1 & MP=$!; sleep 0.4; kill -9 $MP; wait $MP 2>/dev/null
$B status --root $M/root | grep -E '^migration'; $B check --root $M/root >/dev/null; c=$?
$B teardown --root $M/root --dry-run >/dev/null 2>&1; td=$?
timeout 300 $B migrate-ebs $L --root $M/root --abort --yes >/dev/null 2>&1; a=$?; s1=$(sha256sum < $M/root/var/lib/docker/blob)
timeout 300 $B migrate-ebs $L --root $M/root --yes >/dev/null 2>&1; m=$?; s2=$(sha256sum < $M/root/var/lib/docker/blob)
echo "C17 check(mid)=$c teardown(mid, expect 2)=$td abort=$a rerun=$m data-after-abort=$([ "$s1" = "$sha" ] && echo same) data-after-move=$([ "$s2" = "$sha" ] && echo same)"
[ $c != 2 ] && [ $td = 2 ] && [ $a$m = 00 ] && [ "$s1" = "$sha" ] && [ "$s2" = "$sha" ] && res C17 PASS || res C17 FAIL
$B teardown --root $M/root >/dev/null 2>&1

# ---------- C18: tmpfs over var/lib coming and going while provision (real runs) and teardown --dry-run loop ----------
R=$W/tr; mkdir -p $R/T/etc $R/T/var/lib; $B provision --root $R/T --size 200M > $R/prov.log 2>&1; echo "C18 initial provision rc=$?"; echo data > $R/T/var/lib/docker/d; findmnt -rn -o TARGET,FSTYPE | grep "$R/"
( end=$((SECONDS+15)); while [ $SECONDS -lt $end ]; do mount -t tmpfs tmpfs $R/T/var/lib 2>/dev/null; sleep 0.0$((RANDOM%4)); umount $R/T/var/lib 2>/dev/null; sleep 0.0$((RANDOM%4)); done ) & RP=$!
for i in $(seq 40); do $B provision --root $R/T 2>&1 | grep -v '^\s*[0-9]*\. '; $B teardown --root $R/T --dry-run 2>&1 | grep '^dockstore'; done > $R/race.log 2>&1; wait $RP
sed -E 's#/dev/loop[0-9]+#LOOP#g' $R/race.log | cut -c1-200 | sort | uniq -c | sort -rn | head
findmnt -rn -o TARGET,FSTYPE | grep "$R/"; ok=$(cat $R/T/var/lib/docker/d 2>/dev/null); made=$(grep -c '\[create-image\]\|\[format\]' $R/race.log)
echo "C18 data=$ok create/format steps run under the racer=$made"; [ "$ok" = data ] && [ "$made" = 0 ] && res C18 PASS || res C18 FAIL
selfc=$(grep -cE 'is mounted at ([^ ]+), not at \1, ' $R/race.log); grep -m1 -E 'is mounted at ([^ ]+), not at \1, ' $R/race.log | cut -c1-300
echo "C18b self-contradicting 'mounted at X, not at X' lines=$selfc (flaky: a race)"; [ "$selfc" = 0 ] && res C18b PASS || res C18b FAIL
$B teardown --root $R/T --delete-image >/dev/null 2>&1

echo "passed=$PASS failed=$FAIL"
