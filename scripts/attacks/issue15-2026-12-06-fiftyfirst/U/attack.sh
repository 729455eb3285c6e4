#!/bin/bash
# Attack 51 / helper U: re-runnable cases against dockstore. Cleans up after itself (trap).
# Usage: bash attack.sh   (root; creates only /tmp/a51u.* roots, loop devices over sparse files, /dev/a51u.* nodes)
set -u
D=/work/attack51/u/dockstore
REG=$(mktemp /tmp/a51u-reg.XXXX); PIDS=(); PASS=0; FAIL=0
res() { if [ "$1" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi; echo "== $1 $2"; }
mkroot() { local R; R=$(mktemp -d /tmp/a51u.XXXX); chmod 755 $R; mkdir -p $R/var/lib $R/etc; echo "root $R" >> $REG; echo $R; }
lo() { local L; L=$(losetup -f --show "$1"); echo "loop $L" >> $REG; echo $L; }
snap() { local R=$1
  ( cd $R && find . -xdev -printf '%p %y %m %u %g %s %l\n' | grep -v '^./race' | sort
    find $R -xdev -type f ! -name '*.btrfs*' ! -name '*.img' -print0 | sort -z | xargs -0 -r sha256sum
    getfattr -R -d -m - -h $R 2>/dev/null | grep -v '^$' | sort
    findmnt -rn -o TARGET,SOURCE,FSTYPE,OPTIONS | grep -F "$R" | grep -v /race | sort
    losetup -l -n -O NAME,BACK-FILE,RO | grep -F "$R" | tr -s ' ' | sort ) | sha256sum | cut -c1-16; }
racer() { mkdir -p $1/race; ( while :; do mount -t tmpfs r $1/race 2>/dev/null; umount $1/race 2>/dev/null; done ) & PIDS+=($!); }
cleanup() {
  for p in "${PIDS[@]}"; do kill $p 2>/dev/null; done; sleep 0.5
  for R in $(awk '$1=="root"{print $2}' $REG); do
    for m in $(findmnt -rn -o TARGET | grep -F "$R" | sort -r); do umount "$m" 2>/dev/null || umount -l "$m"; done; done
  for L in $(awk '$1=="loop"{print $2}' $REG); do losetup -d $L 2>/dev/null; done
  for R in $(awk '$1=="root"{print $2}' $REG); do
    for l in $(losetup -l -n -O NAME,BACK-FILE | grep -F "$R/" | awk '{print $1}'); do losetup -d $l 2>/dev/null; done
    rm -rf --one-file-system "$R"; done
  for d in $(awk '$1=="dev"{print $2}' $REG); do rm -rf "$d"; done; rm -f $REG
}
trap cleanup EXIT
tm() { local s=$(date +%s.%N); "$@" >/tmp/a51u-out.$$ 2>&1; RC=$?; T=$(echo "$(date +%s.%N)-$s" | bc); OUT=$(head -c 300 /tmp/a51u-out.$$); rm -f /tmp/a51u-out.$$; }

# --- 1a: store also mounted in another mount namespace; unrelated tmpfs churn under --root
R=$(mkroot); $D provision --root $R --size 2G >/dev/null 2>&1; echo data > $R/var/lib/docker/keep
unshare -m --propagation private sh -c "cd $R/var/lib/docker && exec sleep 900" & PIDS+=($!); sleep 0.5
tm $D teardown --root $R --delete-image; echo "quiet: rc=$RC t=$T"; Q=$T
racer $R; sleep 0.2; H0=$(snap $R); tm $D teardown --root $R --delete-image; H1=$(snap $R)
echo "racer: rc=$RC t=$T :: $OUT"
[ $RC = 2 ] && [ $H0 = $H1 ] && res PASS "1a teardown refuses namespace copy, nothing changed" || res FAIL "1a teardown acted"
[ $(echo "$T < 1" | bc) = 1 ] && res PASS "1a no needless wait" || res FAIL "1a [low] namespace refusal (needs no hidden-instance wait) waits ${T}s under unrelated mount churn vs ${Q}s quiet"
kill ${PIDS[-1]} ${PIDS[-2]} 2>/dev/null; sleep 0.3; umount $R/race 2>/dev/null

# --- 1b: hidden instance (second loop device, mounted, cwd holder, umount -l) + churn
$D teardown --root $R >/dev/null 2>&1
L2=$(lo $R/var/lib/docker-storage.btrfs); mkdir -p $R/hid; mount $L2 $R/hid; (cd $R/hid && exec sleep 900) & PIDS+=($!); sleep 0.2; umount -l $R/hid
racer $R
for c in "teardown --delete-image" "provision" "grow --to 4G" "reclaim"; do
  H0=$(snap $R); tm $D $c --root $R; H1=$(snap $R); echo "1b $c rc=$RC t=$T :: $OUT"
  [ $RC = 2 ] && [ $H0 = $H1 ] && [ -f $R/var/lib/docker-storage.btrfs ] && res PASS "1b $c refused, nothing changed" || res FAIL "1b $c"
done
kill ${PIDS[-1]} ${PIDS[-2]} 2>/dev/null; sleep 0.3; umount $R/race 2>/dev/null; losetup -d $L2

# --- 2: check on a nearly full / read-only store under mount churn
R=$(mkroot); $D provision --root $R --size 1G >/dev/null 2>&1; dd if=/dev/zero of=$R/var/lib/docker/fill bs=1M count=780 status=none; sync
racer $R; V=$(for i in $(seq 30); do $D check --root $R | cut -c1-30; done | sort | uniq -c); echo "$V"
echo "$V" | grep -q 'kept changing\|OK' && res FAIL "2 full store verdict" || res PASS "2 full store always CRITICAL under churn"
mount -o remount,ro $R/var/lib/docker; V=$(for i in $(seq 30); do $D check --root $R | cut -c1-30; done | sort | uniq -c); echo "$V"
echo "$V" | grep -q 'kept changing\|OK' && res FAIL "2 ro store verdict" || res PASS "2 ro store always CRITICAL under churn"
mount -o remount,rw $R/var/lib/docker; kill ${PIDS[-1]}; sleep 0.2; umount $R/race 2>/dev/null

# --- 3: member added through a hand-made node, node removed, then re-made onto another device
R=$(mkroot); $D provision --root $R --size 2G >/dev/null 2>&1; MP=$R/var/lib/docker
truncate -s 2G $R/m2.img $R/e.img; L3=$(lo $R/m2.img); E=$(lo $R/e.img)
ND=$(mktemp -d /dev/a51u.XXXX); echo "dev $ND" >> $REG; mm=$(stat -c '%t %T' $L3); mknod $ND/node b $((0x${mm% *})) $((0x${mm#* }))
btrfs device add $ND/node $MP >/dev/null; rm -f $ND/node
tm $D status --root $R; echo "status rc=$RC"
[ $RC = 0 ] && res FAIL "3 [wrong result] status exits 0 ('Everything is in place') for a store with a member over another file that no boot attaches (check: CRITICAL, next boot's mount fails)" || res PASS "3 status rc"
for c in teardown grow reclaim "migrate-ebs $E --yes"; do H0=$(snap $R); tm $D $c --root $R; H1=$(snap $R)
  [ $RC = 2 ] && [ $H0 = $H1 ] && res PASS "3 $c refused (node gone)" || res FAIL "3 $c rc=$RC"; done
mm=$(stat -c '%t %T' $E); mknod $ND/node b $((0x${mm% *})) $((0x${mm#* }))
for c in teardown grow reclaim "migrate-ebs $E --yes"; do H0=$(snap $R); tm $D $c --root $R; H1=$(snap $R)
  [ $RC = 2 ] && [ $H0 = $H1 ] && ! wipefs $E | grep -q . && res PASS "3 $c refused (node re-made onto other dev)" || res FAIL "3 $c rc=$RC"; done
rm -rf $ND; btrfs device scan $L3 >/dev/null

# --- 4a: replace onto a larger loop, device 1 grown: advice is conditional with no way forward; repeated advice binds more loops
R=$(mkroot); $D provision --root $R --size 1G >/dev/null 2>&1; MP=$R/var/lib/docker
truncate -s 3G $R/other.img; L4=$(lo $R/other.img); btrfs replace start -B 1 $L4 $MP >/dev/null; btrfs filesystem resize 1:max $MP >/dev/null
dd if=/dev/urandom of=$MP/big bs=1M count=1100 status=none; sync
A=$($D check --root $R | cut -d'|' -f1); echo "$A"
LI=$(lo $R/var/lib/docker-storage.btrfs); btrfs replace start -B 1 $LI $MP; echo "replace rc=$?"
A2=$($D check --root $R | cut -d'|' -f1)
[ "$A" = "$A2" ] && res FAIL "4a [unclear message] device 1 larger than the image: advice only says 'when device 1 is no larger than the image', gives no way to grow the image, and repeats 'losetup -f --show IMAGE' though the image is already bound" || res PASS "4a"

# --- 4b: image replaced by another file after the replace; advice mv IMAGE IMAGE.aside overwrites an existing .aside
R=$(mkroot); $D provision --root $R --size 1G >/dev/null 2>&1; MP=$R/var/lib/docker; echo hello > $MP/keep
truncate -s 1G $R/o2.img; L=$(lo $R/o2.img); btrfs replace start -B 1 $L $MP >/dev/null
truncate -s 1G $R/x.btrfs; mkfs.btrfs -q -L precious $R/x.btrfs >/dev/null 2>&1; mv $R/x.btrfs $R/var/lib/docker-storage.btrfs
echo IMPORTANT > $R/var/lib/docker-storage.btrfs.aside
A=$($D check --root $R | cut -d'|' -f1); echo "$A"
echo "$A" | grep -q "mv $R/var/lib/docker-storage.btrfs $R/var/lib/docker-storage.btrfs.aside" && res FAIL "4b [data loss] advice 'mv IMAGE IMAGE.aside' overwrites an existing IMAGE.aside (printed unchanged while it exists)" || res PASS "4b"

# --- 4c: off-image device 1 plus a second member: advice says 'btrfs device remove 1' and 'remove 2' though the image is no member
R=$(mkroot); $D provision --root $R --size 1G >/dev/null 2>&1; MP=$R/var/lib/docker; dd if=/dev/urandom of=$MP/d bs=1M count=100 status=none
truncate -s 1G $R/b.img $R/c.img; LB=$(lo $R/b.img); LC=$(lo $R/c.img); btrfs replace start -B 1 $LC $MP >/dev/null; btrfs device add $LB $MP >/dev/null
A=$($D check --root $R | cut -d'|' -f1); echo "$A" | grep -o 'then btrfs device remove [0-9]'
echo "$A" | grep -q 'attach the image' && res PASS "4c" || res FAIL "4c [unclear message] store off its image with two members: advice is 'btrfs device remove 1' and 'remove 2' (data can never reach the image, which is no member); the attach-and-replace advice is missing"

# --- 5: refusals on odd trees change nothing, write nothing outside
VD=$(mkroot); echo 'DOCKER_OPTS="--foo"' > $VD/victim; cp $VD/victim $VD/victim.orig
for case in 'rm -f $R/etc/sysconfig/docker; ln -s $VD/victim $R/etc/sysconfig/docker' \
            'echo "/dev/sdz9 /var/lib/docker ext4 defaults 0 0" >> $R/etc/fstab' \
            'sed -n "/btrfs/p" $R/etc/fstab >> $R/etc/fstab' \
            'mkdir -p $R/etc/docker/daemon.json' \
            'rm -rf $R/etc/systemd/system/docker.service.d; echo x > $R/etc/systemd/system/docker.service.d'; do
  for c in provision "provision --dry-run" teardown "backend overlay2" "grow --to 2G" reclaim "teardown --bogus"; do
    R=$(mkroot); $D provision --root $R --size 1G >/dev/null 2>&1; eval "$case"
    H0=$(snap $R); tm $D $c --root $R; H1=$(snap $R)
    if [ $RC = 2 -o $RC = 64 ]; then [ $H0 = $H1 ] && cmp -s $VD/victim $VD/victim.orig && res PASS "5 [$case] $c rc=$RC unchanged" || res FAIL "5 [$case] $c rc=$RC changed"; fi
    $D teardown --root $R >/dev/null 2>&1
  done
done
echo "passed=$PASS failed=$FAIL"
