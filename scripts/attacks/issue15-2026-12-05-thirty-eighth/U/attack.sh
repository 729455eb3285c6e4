#!/bin/bash
# Attack 38/U on dockstore. Re-runnable; cleans up all mounts/loops/nodes it made.
D=/work/attack38/u/dockstore
PASS=0; FAIL=0
ROOTS=(); LOOPS=(); MOVED=()   # MOVED entries: "orig:saved:fake"
pass(){ echo "PASS $*"; PASS=$((PASS+1)); }
fail(){ echo "FAIL $*"; FAIL=$((FAIL+1)); }
cleanup(){
  for m in "${MOVED[@]}"; do o=${m%%:*}; r=${m#*:}; s=${r%%:*}; f=${r#*:}
    [ -n "$f" ] && [ -b "$o" ] && [ "$f" = 1 ] && rm -f "$o"
    [ -e "$s" ] && mv "$s" "$o"; done
  MOVED=()
  for r in "${ROOTS[@]}"; do
    findmnt -rn -o TARGET | grep "^$r" | sort -r | while read t; do umount -l "$t"; done
  done
  for l in $(printf '%s\n' "${LOOPS[@]}" | tac); do losetup -d "$l" 2>/dev/null; done
  for r in "${ROOTS[@]}"; do losetup -j "$r" 2>/dev/null; losetup -l -n -O NAME,BACK-FILE | awk -v r="$r" 'index($2,r)==1{print $1}' | xargs -r -n1 losetup -d; done
  for r in "${ROOTS[@]}"; do rm -rf "$r"; done
  ls -a /dev | grep -i 'dockstore\|a38u' && echo "DEBRIS IN /dev"
}
trap cleanup EXIT
newroot(){ R=$(mktemp -d /tmp/a38u.XXXXXX); ROOTS+=("$R"); mkdir -p $R/var/lib $R/etc $R/run; IMG=$R/var/lib/docker-storage.btrfs; }
prov(){ $D provision --root $R --size ${1:-1G} >/dev/null 2>&1 || echo "provision failed"; STORE=$(findmnt -rn -o SOURCE $R/var/lib/docker); }
att(){ local l; l=$(losetup -f --show "$@"); LOOPS+=("$l"); echo $l; }
# move node $1 away inside /dev; optional $2 = minor of another loop to fake there
hide(){ local o=$1 s=/dev/.a38u-$(basename $1); mv $o $s; if [ -n "$2" ]; then mknod $o b 7 $2; MOVED+=("$o:$s:1"); else MOVED+=("$o:$s:"); fi; }
unhide(){ cleanup_nodes; }
cleanup_nodes(){ for m in "${MOVED[@]}"; do o=${m%%:*}; r=${m#*:}; s=${r%%:*}; f=${r#*:}; [ "$f" = 1 ] && rm -f "$o"; [ -e "$s" ] && mv "$s" "$o"; done; MOVED=(); }

echo "### A1 grow while the store's /dev/loopN node is replaced by a node of another loop device"
newroot; prov 1G; N=${STORE#/dev/loop}
truncate -s 1G $R/other.img; mkfs.btrfs -q $R/other.img >/dev/null 2>&1; O=$(att $R/other.img)
hide $STORE ${O#/dev/loop}
out=$($D grow --root $R --to 2G 2>&1); rc=$?; echo "$out"; echo rc=$rc
cleanup_nodes
sz=$(cat /sys/block/loop$N/size); fs=$(btrfs fi show $R/var/lib/docker | awk '/devid/{print $4}')
echo "kernel loop$N sectors=$sz btrfs devid1 size=$fs"
if [ $rc = 0 ] && [ "$sz" != 4194304 ]; then fail "A1 grow exit 0 but loop$N still $((sz/2048)) MiB, btrfs $fs (LOOP_SET_CAPACITY went through the replaced node) [wrong result]"; else pass A1; fi
$D grow --root $R --to 2G >/dev/null 2>&1

echo "### A2 check/status with the node missing, then replaced"
hide $STORE
o1=$($D check --root $R 2>&1); r1=$?; echo "${o1:0:160} rc=$r1"
cleanup_nodes; hide $STORE ${O#/dev/loop}
o2=$($D check --root $R 2>&1); r2=$?; echo "${o2:0:160} rc=$r2"
s2=$($D status --root $R 2>&1); echo "$s2" | sed -n 3,4p
cleanup_nodes
[ $r1 = 0 ] && pass "A2a check OK with node missing (store healthy)" || fail "A2a check rc $r1 with node missing [wrong result]"
[ $r2 = 0 ] && pass "A2b check OK with node replaced" || fail "A2b check rc $r2 with /dev/loop$N replaced by a node of $O: false CRITICAL, device size read through the replaced node [wrong result]"

echo "### A3 teardown with the node replaced: must detach loop$N, not ${O}"
hide $STORE ${O#/dev/loop}
$D teardown --root $R; rc=$?
cleanup_nodes
if [ -e /sys/block/loop$N/loop/backing_file ] && grep -q "$IMG" /sys/block/loop$N/loop/backing_file; then fail "A3 store loop still attached"; 
elif ! losetup $O >/dev/null 2>&1; then fail "A3 detached the other loop $O [data loss]"; else pass "A3 teardown detached loop$N, kept $O (rc=$rc)"; fi

echo "### D debris sweep of IMAGE.dockstore-new"
newroot; prov 1G; NEW=$IMG.dockstore-new
echo outside-data > $R/outside.txt
# D1 symlink at the debris name -> must be kept, target untouched
ln -s $R/outside.txt $NEW
out=$($D grow --root $R --to 1200M 2>&1); echo "$out"
if [ -L $NEW ] && [ -f $R/outside.txt ]; then pass "D1 symlink at debris name kept"; else fail "D1 symlink/target removed [data loss]"; fi
rm -f $NEW
# D2 hard link (two names) -> kept
cp $R/outside.txt $R/hl.txt; ln $R/hl.txt $NEW
out=$($D grow --root $R --to 1300M 2>&1); echo "$out"
[ -f $NEW ] && pass "D2 hard-linked debris kept" || fail "D2 hard-linked file removed [data loss]"
rm -f $NEW
# D3 file a loop device holds -> kept
truncate -s 64M $NEW; L=$(att $NEW)
out=$($D grow --root $R --to 1400M 2>&1); echo "$out"
[ -f $NEW ] && pass "D3 loop-held debris kept" || fail "D3 file held by $L removed"
losetup -d $L; rm -f $NEW
# D4 a plain unfinished image -> removed, with a line
truncate -s 1G $NEW
out=$($D grow --root $R --to 1500M 2>&1); echo "$out"
if [ ! -e $NEW ] && echo "$out" | grep -q '\[debris\]'; then pass "D4 debris removed with [debris] line"; else fail "D4 debris not removed/announced"; fi
# D5 dry run says it would, removes nothing
truncate -s 1G $NEW
out=$($D grow --root $R --to 1600M --dry-run 2>&1); echo "$out"
if [ -e $NEW ] && echo "$out" | grep -qi 'debris'; then pass "D5 dry run names debris, keeps it"; else fail "D5 dry run: exists=$([ -e $NEW ] && echo y) out lacks debris"; fi
# D6 nothing-to-do run (reclaim) with debris present
out=$($D reclaim --root $R 2>&1); rc=$?; echo "$out rc=$rc"; echo "D6 debris after reclaim nothing-to-do: $([ -e $NEW ] && echo kept || echo removed)"
# D7 a mountpoint (tmpfs file bind mount) at the debris name
rm -f $NEW; truncate -s 1M $NEW; echo precious > $R/bindsrc; mount --bind $R/bindsrc $NEW
out=$($D grow --root $R --to 1700M 2>&1); rc=$?; echo "$out rc=$rc"
umount $NEW 2>/dev/null; grep -q precious $R/bindsrc || fail "D7 bind source lost [data loss]"
if echo "$out" | grep -q 'umount'; then pass "D7 mount point at debris name refused naming the umount"; else fail "D7 a file bind-mounted at IMAGE.dockstore-new is called 'an image a killed provision left unfinished', unlink fails EBUSY, run goes on exit $rc; no umount named as dockstore(8) promises for mount points [unclear message]"; fi
# D8 a file a process holds open (e.g. a running mkfs from another provision): sweep while open
rm -f $NEW; truncate -s 1G $NEW; exec 9<>$NEW
out=$($D grow --root $R --to 1800M 2>&1); echo "$out"
echo "D8 open file at debris name: $([ -e $NEW ] && echo kept || echo removed)"; exec 9>&-

echo "### D9 provision's remove-unfinished-image: a different file swapped in at the name while the run is stopped before the step"
newroot; NEW=$IMG.dockstore-new; truncate -s 1G $NEW
echo "admin data" > $R/var/lib/adminfile
DOCKSTORE_PAUSE=remove-unfinished-image:stop $D provision --root $R --size 1G > $R/prov.out 2>&1 &
P=$!; for i in $(seq 50); do [ "$(ps -o stat= -p $P 2>/dev/null | cut -c1)" = T ] && break; sleep 0.1; done
ps -o stat= -p $P
mv $NEW $R/var/lib/orig-debris; mv $R/var/lib/adminfile $NEW
kill -CONT $P; wait $P; rc=$?; cat $R/prov.out; echo rc=$rc
ls -la $R/var/lib
if [ -f $NEW ] && grep -q "admin data" $NEW; then pass "D9 swapped-in file kept"; 
elif grep -rq "admin data" $R/var/lib 2>/dev/null; then pass "D9 admin data still somewhere"; else fail "D9 file swapped in at IMAGE.dockstore-new while stopped before [remove-unfinished-image] was deleted (rc=$rc) [data loss, needs a race]"; fi

echo "### S sizelimit wording (check/provision) at the edges"
newroot; prov 1G
DEV=$(btrfs fi show --raw $R/var/lib/docker | awk '/devid/{print $4}'); echo "btrfs device size $DEV"
s_case(){ # name expect(truncated|second|other) losetup-args...
  local name=$1 exp=$2; shift 2; local L; L=$(att "$@"); echo "-- $name: $L $* size=$(blockdev --getsize64 $L)"
  local c p; c=$($D check --root $R 2>&1 | cut -d'|' -f1); p=$($D provision --root $R --size 1G 2>&1)
  echo "check: $c"; echo "provision: $(echo "$p" | tail -2)"
  local got=other; echo "$c" | grep -qi truncated && got=truncated; [ $got = other ] && echo "$c" | grep -qi 'second btrfs instance' && got=second; [ $got = other ] && echo "$c" | grep -qi 'shifted, it cannot be mounted' && got=shifted
  [ "$got" = "$exp" ] && pass "$name check says $got" || fail "$name: expected '$exp', check says '$got': $c [unclear message]"
  losetup -d $L
}
s_case S1-limit=size second $IMG --sizelimit $DEV
s_case S2-limit=size-1 truncated $IMG --sizelimit $((DEV-1))
s_case S3-limit=size-512 truncated $IMG --sizelimit $((DEV-512))
s_case S4-offset512+limit=size-512 shifted $IMG --offset 512 --sizelimit $((DEV-512))
s_case S5-stacked-limit=size second $STORE --sizelimit $DEV
s_case S6-stacked-limit=size-1 truncated $STORE --sizelimit $((DEV-1))
# S7: second loop with limit=size made before grow; after grow it is below the device size
L=$(att $IMG --sizelimit $DEV)
$D grow --root $R --to 2G 2>&1 | tail -3
DEV2=$(btrfs fi show --raw $R/var/lib/docker | awk '/devid/{print $4}'); echo "after grow btrfs size $DEV2"
c=$($D check --root $R 2>&1 | cut -d'|' -f1); echo "S7 check: $c"
echo "$c" | grep -qi truncated && pass "S7 after grow old-limit loop called truncated" || fail "S7 after grow, $L (limit $DEV < $DEV2) not called truncated: $c [unclear message]"
losetup -d $L
# S8: second loop without a limit, attached before grow: the kernel keeps its old 2 GiB size after grow to 3G
L=$(att $IMG); echo "S8 $L size $(blockdev --getsize64 $L)"
$D grow --root $R --to 3G 2>&1 | tail -1
DEV3=$(btrfs fi show --raw $R/var/lib/docker | awk '/devid/{print $4}'); echo "S8 btrfs $DEV3, $L kernel size $(blockdev --getsize64 $L)"
c=$($D check --root $R 2>&1 | cut -d'|' -f1); echo "S8 check: $c"
if [ "$(blockdev --getsize64 $L)" -lt "$DEV3" ] && echo "$c" | grep -qi 'second btrfs instance'; then fail "S8 stale-capacity loop $L ($(blockdev --getsize64 $L) B < store $DEV3 B) called 'second btrfs instance' though it cannot mount as the store [unclear message]"; else pass "S8 stale-capacity loop wording: $(echo "$c" | grep -o 'truncated\|second btrfs instance' | head -1)"; fi
losetup -d $L

echo "### T teardown with loop devices stacked on the store's loop device"
# follow the advice in the message literally and re-run until done (max 4 rounds)
follow(){ local i out rc; for i in 1 2 3 4; do out=$($D teardown --root $R "$@" 2>&1); rc=$?; echo "round $i rc=$rc: $(echo "$out" | grep -v '^\[' | head -3)"; [ $rc = 0 ] && return 0
  cmds=$(echo "$out" | grep -o 'losetup -d /dev/loop[0-9]*\|umount [^ ,;)]*' ); [ -z "$cmds" ] && return $rc
  echo "$cmds" | while read c; do echo "  run: $c"; eval "$c" || echo "  FAILED: $c"; done; done; return 9; }
# T1 chain of three: store <- M <- T
newroot; prov 1G; M=$(att $STORE); T=$(att $M); echo "store $STORE middle $M top $T"
follow; rc=$?
[ $rc = 0 ] && ! losetup $STORE >/dev/null 2>&1 && pass "T1 two-deep chain: advice worked" || fail "T1 chain: rc=$rc [unclear message]"
# T2 branch: two tops on one middle, top mounted ro, middle read-only, with --delete-image
newroot; prov 1G; M=$(att -r $STORE); T1=$(att -r $M); T2=$(att -r $M); X=$(att -r $T1); mkdir $R/mnt; mount -o ro $T2 $R/mnt 2>&1 | tail -1
echo "store $STORE ro-middle $M tops $T1(<-$X) $T2(mounted: $(findmnt -rn -o SOURCE $R/mnt))"
follow --delete-image; rc=$?
[ $rc = 0 ] && [ ! -e $IMG ] && pass "T2 branched chain with mounted top: advice worked, image deleted" || fail "T2 branched chain: rc=$rc image=$([ -e $IMG ] && echo kept) [unclear message]"
losetup -a | grep "$R" && fail "T2 left loop devices over the image"

echo "### A4 provision re-run / reclaim / status with the node replaced; then teardown --delete-image"
newroot; prov 1G; N=${STORE#/dev/loop}
truncate -s 1G $R/other.img; mkfs.btrfs -q -L docker $R/other.img >/dev/null 2>&1; O=$(att $R/other.img); OS=$(md5sum < $R/other.img)
hide $STORE ${O#/dev/loop}
p=$($D provision --root $R --size 1G 2>&1); prc=$?; echo "provision rc=$prc: $(echo "$p"|tail -2)"
rc_=$($D reclaim --root $R 2>&1); rrc=$?; echo "reclaim rc=$rrc: $rc_"
st=$($D status --root $R 2>&1); src=$?; echo "status rc=$src: $(echo "$st" | grep -E 'mounted|filesystem')"
t=$($D teardown --root $R --delete-image 2>&1); trc=$?; echo "teardown rc=$trc"; echo "$t" | grep -v '^\[folders\]'
ls -a /dev | grep -q dockstore-nodes && fail "A4 debris left in /dev: $(ls -a /dev | grep dockstore)"
cleanup_nodes
[ $prc = 0 ] && pass "A4a provision nothing to do with node replaced" || fail "A4a provision rc=$prc with node replaced: $(echo "$p"|tail -1)"
[ $rrc = 0 ] && pass "A4b reclaim" || fail "A4b reclaim rc=$rrc: $rc_"
if [ $trc = 0 ] && [ ! -e $IMG ] && losetup $O >/dev/null 2>&1 && [ "$(md5sum < $R/other.img)" = "$OS" ] && [ ! -e /sys/block/loop$N/loop ]; then pass "A4c teardown --delete-image: store gone, $O and its file intact"; else fail "A4c teardown --delete-image rc=$trc img=$([ -e $IMG ]&&echo kept) other=$(losetup $O >/dev/null 2>&1 && echo attached) [wrong result]"; fi

echo "### A5 partitioned loop (losetup -P) holding a copy of the store in p1; its node hidden"
newroot; prov 1G
truncate -s 1100M $R/disk.img; printf 'label: gpt\nstart=2048, size=2097152\n' | sfdisk -q $R/disk.img
dd if=$IMG of=$R/disk.img bs=1M seek=1 conv=notrunc,sparse status=none
P=$(att -P $R/disk.img); sleep 0.5; [ -e /sys/block/$(basename $P)/$(basename $P)p1 ] || partx -a $P; sleep 0.3; ls -l ${P}p1; cat /sys/block/$(basename $P)/$(basename $P)p1/dev
c1=$($D check --root $R 2>&1 | cut -d'|' -f1); echo "node present: $c1"
hide ${P}p1
c2=$($D check --root $R 2>&1 | cut -d'|' -f1); r2=$?; echo "node hidden: $c2"
ls -a /dev | grep -q dockstore-nodes && fail "A5 debris left in /dev"
cleanup_nodes
echo "$c1" | grep -q "${P}p1" && pass "A5a copy in ${P}p1 named" || fail "A5a copy in ${P}p1 not named: $c1 [wrong result]"
echo "$c2" | grep -q "CRITICAL" && pass "A5b copy still seen with node hidden" || fail "A5b with ${P}p1 node hidden check says: $c2 [wrong result]"

echo "### A6 the store's /dev/loopN node replaced by the node of another loop's partition (259:x); grow, check, teardown"
newroot; prov 1G; N=${STORE#/dev/loop}
truncate -s 1100M $R/disk.img; printf 'label: gpt\nstart=2048, size=2097152\n' | sfdisk -q $R/disk.img
truncate -s 1G $R/p.img; mkfs.btrfs -q $R/p.img >/dev/null 2>&1; dd if=$R/p.img of=$R/disk.img bs=1M seek=1 conv=notrunc,sparse status=none; rm $R/p.img
P=$(att -P $R/disk.img); sleep 0.5; [ -e /sys/block/$(basename $P)/$(basename $P)p1 ] || partx -a $P; sleep 0.3
PD=$(cat /sys/block/$(basename $P)/$(basename $P)p1/dev); echo "partition ${P}p1 = $PD"; DS=$(md5sum < $R/disk.img)
mv $STORE /dev/.a38u-$(basename $STORE); mknod $STORE b ${PD%:*} ${PD#*:}; MOVED+=("$STORE:/dev/.a38u-$(basename $STORE):1")
g=$($D grow --root $R --to 2G 2>&1); grc=$?; echo "grow rc=$grc: $g"; sz=$(cat /sys/block/loop$N/size); echo "store loop$N now $sz sectors; btrfs $(btrfs fi show $R/var/lib/docker | awk '/devid/{print $4}')"
c=$($D check --root $R 2>&1 | cut -d'|' -f1); crc=$?; echo "check: $c"
t=$($D teardown --root $R 2>&1); trc=$?; echo "teardown rc=$trc: $(echo "$t" | head -3)"
cleanup_nodes
[ $grc = 0 ] && [ "$sz" != 4194304 ] && fail "A6a grow exit 0 with node = partition of another loop, store loop still $sz sectors [wrong result]" || pass "A6a grow rc=$grc"
losetup $P >/dev/null 2>&1 && pass "A6b partitioned loop $P still attached" || fail "A6b teardown detached $P (the other loop device, through its partition node) [data loss]"
[ "$(md5sum < $R/disk.img)" = "$DS" ] && pass "A6c disk.img untouched" || fail "A6c disk.img changed [data loss]"

echo "### A7 migrate-ebs while the store's node is replaced by a node of another loop device"
newroot; prov 1G; N=${STORE#/dev/loop}; echo keep > $R/var/lib/docker/marker; sync
truncate -s 1G $R/other.img; mkfs.btrfs -q -L docker $R/other.img >/dev/null 2>&1; O=$(att $R/other.img); OS=$(md5sum < $R/other.img)
truncate -s 2G $R/ebs.img; E=$(att $R/ebs.img)
hide $STORE ${O#/dev/loop}
m=$($D migrate-ebs $E --root $R --yes 2>&1); mrc=$?; echo "migrate rc=$mrc"; echo "$m" | tail -8
ls -a /dev | grep -q dockstore-nodes && fail "A7 debris in /dev"
cleanup_nodes
echo "store now: $(findmnt -rn -o SOURCE $R/var/lib/docker); marker: $(cat $R/var/lib/docker/marker 2>&1)"
losetup $O >/dev/null 2>&1 && [ "$(md5sum < $R/other.img)" = "$OS" ] && pass "A7a other loop $O and its file intact" || fail "A7a other loop $O detached or its file changed [data loss]"
[ "$(cat $R/var/lib/docker/marker 2>/dev/null)" = keep ] && pass "A7b data kept (rc=$mrc)" || fail "A7b marker lost after migrate-ebs rc=$mrc [data loss]"
[ -e /sys/block/loop$N/loop ] && echo "note: store's old loop$N still attached: $(cat /sys/block/loop$N/loop/backing_file)"
c=$($D check --root $R 2>&1 | cut -d'|' -f1); echo "check after: $c"

echo "### D10 teardown keeps IMAGE.dockstore-new without --delete-image, removes it with"
newroot; prov 1G; NEW=$IMG.dockstore-new; truncate -s 1G $NEW
t=$($D teardown --root $R 2>&1); echo "rc=$?: $(echo "$t" | grep -i 'debris\|dockstore-new\|kept')"
[ -e $NEW ] && pass "D10a teardown kept debris" || fail "D10a teardown without --delete-image removed $NEW"
t=$($D teardown --root $R --delete-image 2>&1); echo "rc=$?: $t"
[ ! -e $NEW ] && pass "D10b teardown --delete-image removed debris" || fail "D10b teardown --delete-image left $NEW: $t [wrong result]"
