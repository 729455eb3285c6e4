#!/bin/bash
# Attack 36 helper W: re-runnable; each case uses a fresh mktemp -d root and cleans up after itself.
D=${D:-/work/attack36/w/dockstore}
PASS=0; FAIL=0
LOG=${LOG:-/tmp/w36-attack.log}; : > "$LOG"
ROOTS=(); PIDS=(); EXTRA_LOOPS=(); DMS=()
say(){ echo "$*" | tee -a "$LOG"; }
res(){ if [ "$1" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi; say "RESULT $1 $2"; }
newroot(){ R=$(mktemp -d /tmp/w36.XXXXXX); ROOTS+=("$R"); mkdir -p "$R/var/lib" "$R/etc"
  "$D" provision --root "$R" --size ${1:-2G} >/dev/null 2>&1 || say "provision failed in $R"
  IMG=$R/var/lib/docker-storage.btrfs; MP=$R/var/lib/docker; L1=$(losetup -j "$IMG" | head -1 | cut -d: -f1); }
cleanup(){
  for p in "${PIDS[@]}"; do pkill -KILL -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done; sleep 0.5
  for d in "${DMS[@]}"; do dmsetup remove "$d" 2>/dev/null; done
  for l in $(printf '%s\n' "${EXTRA_LOOPS[@]}" | tac); do losetup -d "$l" 2>/dev/null; done
  for r in "${ROOTS[@]}"; do
    for m in $(findmnt -rn -o TARGET | grep "^$r" | sort -r); do umount -l "$m" 2>/dev/null; done
    for l in $(losetup -j "$r/var/lib/docker-storage.btrfs" 2>/dev/null | cut -d: -f1); do
      for s in $(losetup -j "$l" | cut -d: -f1); do losetup -d "$s"; done; losetup -d "$l"; done
    for l in $(losetup -a | grep "$r" | cut -d: -f1); do losetup -d "$l"; done
    rm -rf --one-file-system "$r"
  done
  rm -rf /dev/.dockstore-nodes.w36test* 2>/dev/null
  ROOTS=(); PIDS=(); EXTRA_LOOPS=(); DMS=()
}
trap cleanup EXIT INT TERM

# ---- area 3: check, second views of the store
case_check_offsets(){
  newroot
  for spec in "-o 4096" "-o $((64*1024*1024-65536))" "--sizelimit 512" "--sizelimit 1048576"; do
    L=$(losetup -f --show $spec "$IMG"); EXTRA_LOOPS+=("$L")
    out=$("$D" check --root "$R" 2>&1 | head -1 | cut -d'|' -f1)
    mkdir -p "$R/m2"; if mount -o ro "$L" "$R/m2" 2>/dev/null; then mnt=yes; umount "$R/m2"; else mnt=no; fi
    say "check with extra loop ($spec): $out  [mountable: $mnt]"
    case "$spec" in
      "-o 4096") echo "$out" | grep -q shifted && res PASS "3a offset 4096 said shifted" || res FAIL "3a offset 4096";;
      "-o 670"*) { echo "$out" | grep -q shifted && ! echo "$out" | grep -q "block copies"; } && res PASS "3b offset 64MiB-64KiB said shifted" || res FAIL "3b offset 64MiB-64KiB (mirror at 64KiB): CRITICAL block copies of one volume / restored snapshot / btrfstune -u THE-COPY, beside the true shifted line [wrong result]";;
      *) if [ $mnt = no ] && echo "$out" | grep -q "mounting it would make a second btrfs instance"; then res FAIL "3c $spec: unmountable truncated loop said 'mounting it would make a second btrfs instance' [unclear message]"; else res PASS "3c $spec"; fi;;
    esac
    losetup -d "$L"
  done
  cleanup
}

# ---- area 2: teardown holders
state(){ { findmnt -rn -o TARGET,SOURCE | grep "$R"; losetup -a | grep "$R"; find "$R/etc" "$R/var/lib/dockstore" -type f -exec md5sum {} + 2>/dev/null | sort; ls -la "$R/etc" ; } | md5sum; }
teardown_expect_refuse(){ # $1 label, $2 needle that must be in the message, rest: extra args
  local label=$1 needle=$2; shift 2
  local before=$(state); out=$("$D" teardown --root "$R" "$@" 2>&1); rc=$?; local after=$(state)
  say "[$label] teardown $* rc=$rc: $(echo "$out" | tail -3)"
  if [ $rc = 2 ] && [ "$before" = "$after" ] && echo "$out" | grep -q -- "$needle"; then res PASS "$label"; else res FAIL "$label (rc=$rc, changed=$([ "$before" = "$after" ] && echo no || echo YES))"; fi
}
case_td_mmap(){
  newroot
  python3 -c "
import mmap,os,sys,time
fd=os.open('$L1',os.O_RDONLY); m=mmap.mmap(fd,4096,prot=mmap.PROT_READ); os.close(fd)
open('/tmp/w36.mmap.ready','w').close(); time.sleep(600)" </dev/null >/dev/null 2>&1 & PIDS+=($!); sleep 1
  say "mmap holder pid ${PIDS[0]}; fuser: $(fuser -vm $L1 2>&1 | tr '\n' ' ')"
  teardown_expect_refuse "2a mmap of loop device (fd closed) refuses" "${PIDS[0]}"
  cleanup
}
case_td_pidns(){
  newroot
  unshare -pmf --mount-proc bash -c "exec 7<$L1; sleep 600" </dev/null >/dev/null 2>&1 & PIDS+=($!); sleep 1
  local inner=$(pgrep -P ${PIDS[0]} -x unshare; pgrep -f "sleep 600" | tail -1)
  say "pidns holder: $(ls -l /proc/*/fd 2>/dev/null | grep -c "$L1") fds on $L1"
  teardown_expect_refuse "2b holder in another pid+mount namespace refuses" "open"
  cleanup
}
case_td_dm(){
  newroot
  local n=w36dm$$; if ! dmsetup create $n --table "0 2048 linear $L1 0" 2>/dev/null; then say "2c skipped: no device-mapper in this kernel"; cleanup; return; fi; DMS+=($n)
  teardown_expect_refuse "2c dm-linear (kernel holder) on the image loop refuses" "$n\|dm-"
  cleanup
}
case_td_stack2(){
  newroot
  local A=$(losetup -f --show "$L1"); EXTRA_LOOPS+=("$A"); local B=$(losetup -f --show "$A"); EXTRA_LOOPS+=("$B")
  teardown_expect_refuse "2d loop stacked two deep ($A on $L1, $B on $A) refuses and names $B that holds $A" "$B"
  cleanup
}
case_td_stack2_open(){
  newroot
  local A=$(losetup -f --show "$L1"); EXTRA_LOOPS+=("$A"); local B=$(losetup -f --show "$A"); EXTRA_LOOPS+=("$B")
  losetup -d "$A"  # autoclear: A stays while B holds it
  say "after losetup -d $A: $(losetup -a | grep -c "$L1\|$A") entries; A backing: $(cat /sys/block/${A#/dev/}/loop/backing_file 2>&1)"
  teardown_expect_refuse "2e loop stacked two deep, middle one already losetup -d'ed (autoclear), refusal names $B, not 'losetup -d $A' again" "$B"
  cleanup
}
case_td_second_loop_ro_open(){
  newroot
  local A=$(losetup -f --show -r "$IMG"); EXTRA_LOOPS+=("$A")
  bash -c "exec 7<$A; sleep 600" </dev/null >/dev/null 2>&1 & PIDS+=($!); sleep 0.5
  teardown_expect_refuse "2f read-only 2nd loop over image held open by a reader refuses naming it" "${PIDS[0]}"
  cleanup
}
case_td_opath(){
  newroot
  python3 -c "
import os,time
fd=os.open('$L1',os.O_PATH); time.sleep(600)" </dev/null >/dev/null 2>&1 & PIDS+=($!); sleep 0.5
  local out; out=$("$D" teardown --root "$R" --dry-run 2>&1); rc=$?
  say "[2g] O_PATH holder, teardown --dry-run rc=$rc: $(echo "$out" | tail -1 | cut -c1-300)"
  [ $rc = 0 ] && res PASS "2g O_PATH descriptor does not count" || res FAIL "2g O_PATH descriptor counted"
  cleanup
}

# ---- area 5: size limits of the image's filesystem
case_limits(){
  R=$(mktemp -d /tmp/w36.XXXXXX); ROOTS+=("$R"); mkdir -p $R/var/lib $R/etc $R/fs
  truncate -s 300M $R/e2.img; mkfs.ext2 -q -b 1024 $R/e2.img; mount -o loop $R/e2.img $R/fs
  out=$("$D" provision --root $R --image /fs/img --size 17G --dry-run 2>&1); rc=$?
  say "[5a] ext2-1k provision --size 17G --dry-run rc=$rc: $(echo "$out"|tail -1)"
  [ $rc = 2 ] && echo "$out" | grep -q 17247252480 && res PASS "5a ext2 1KiB provision beyond limit refused in dry run" || res FAIL "5a rc=$rc"
  "$D" provision --root $R --image /fs/img --size 2G >/dev/null 2>&1; say "provisioned: $(findmnt -n -o SOURCE $R/var/lib/docker)"
  out=$("$D" grow --root $R --to 17G --dry-run 2>&1); rc=$?
  say "[5b] grow --to 17G --dry-run rc=$rc: $(echo "$out"|tail -1)"
  [ $rc = 2 ] && echo "$out" | grep -q 17247252480 && res PASS "5b grow --to beyond ext2-1k limit refused in dry run" || res FAIL "5b grow beyond limit rc=$rc"
  out=$("$D" grow --root $R --allow-overcommit --to 17247252480 --dry-run 2>&1); rc=$?
  say "[5c] grow --to exactly the limit --dry-run rc=$rc: $(echo "$out"|tail -1)"
  [ $rc = 0 ] && res PASS "5c grow --to exactly the limit accepted" || res FAIL "5c grow --to exactly the named limit (17247252480) refused rc=$rc [wrong result]"
  out=$("$D" grow --root $R --allow-overcommit --to 17247252480 2>&1); rc=$?
  say "[5d] grow --to exactly the limit rc=$rc: $(echo "$out"|tail -1); image $(stat -c %s $R/fs/img)"
  [ $rc = 0 ] && res PASS "5d real grow to the limit" || res FAIL "5d real grow to the limit rc=$rc"
  "$D" teardown --root $R --image /fs/img --delete-image >/dev/null 2>&1
  umount $R/fs; cleanup
}

# ---- area 1: reclaim --orphans and daemons known by their bolt flock
cat > /tmp/w36bolt.py <<'PY'
import fcntl,os,sys,time
p=sys.argv[1]; mode=sys.argv[2]
fd=os.open(p,os.O_RDWR); fcntl.flock(fd,fcntl.LOCK_EX)
if mode=='unlink': os.unlink(p)
if mode=='fork':
    if os.fork()==0:
        time.sleep(600); os._exit(0)
    os._exit(0)
time.sleep(600)
PY
orphan_root(){ newroot; mkdir -p $MP/image/btrfs/layerdb/sha256 $MP/image/btrfs/layerdb/mounts $MP/btrfs/subvolumes $MP/volumes
  python3 -c "import struct; b=bytearray(4096); b[16:20]=struct.pack('<I',0xED0CDAED); open('$MP/volumes/metadata.db','wb').write(b)"
  cp "$(python3 -c 'import sys,os;print(os.path.realpath(sys.executable))')" /tmp/w36-vendord; }
young_sub(){ H=$(printf 'a%.0s' {1..64}); sleep 3; btrfs subvolume create $MP/btrfs/subvolumes/$H >/dev/null; }
case_orph_plain(){
  orphan_root; /tmp/w36-vendord /tmp/w36bolt.py $MP/volumes/metadata.db unlink & PIDS+=($!); young_sub
  out=$("$D" reclaim --orphans --root $R 2>&1); rc=$?; say "[1a] renamed-binary holder of an unlinked bolt db, young subvolume: rc=$rc $(echo "$out"|tail -2)"
  [ -d $MP/btrfs/subvolumes/$H ] && res PASS "1a young subvolume of live unlinked-db holder kept" || res FAIL "1a young subvolume deleted [data loss]"
  cleanup
}
case_orph_fork(){
  orphan_root; /tmp/w36-vendord /tmp/w36bolt.py $MP/volumes/metadata.db fork </dev/null >/dev/null 2>&1; sleep 0.5; PIDS+=($(pgrep -f "w36bolt.py $MP"))
  young_sub; ino=$(stat -c %i $MP/volumes/metadata.db)
  say "[1b] /proc/locks: $(grep ":$ino " /proc/locks); live holder pid ${PIDS[*]} (child of the exited locker)"
  out=$("$D" reclaim --orphans --root $R 2>&1); rc=$?; say "[1b] reclaim --orphans rc=$rc: $(echo "$out"|tail -2)"
  [ -d $MP/btrfs/subvolumes/$H ] && res PASS "1b daemon that took its bolt lock then forked: young subvolume kept" || res FAIL "1b daemon that took its bolt flock before forking (the /proc/locks pid exited, its child holds the lock): subvolume younger than the live daemon deleted, exit 0 [data loss]"
  cleanup
}
case_orph_fifo(){
  orphan_root; mkfifo $MP/volumes/fifo.db
  python3 -c "
import fcntl,os,time
fd=os.open('$MP/volumes/fifo.db',os.O_RDWR); fcntl.flock(fd,fcntl.LOCK_EX); time.sleep(600)" </dev/null >/dev/null 2>&1 & PIDS+=($!); young_sub
  out=$(timeout 30 "$D" reclaim --orphans --dry-run --root $R 2>&1); rc=$?; say "[1c] FIFO on the store held flocked: rc=$rc $(echo "$out"|tail -1)"
  [ $rc != 124 ] && res PASS "1c flocked FIFO does not hang reclaim" || res FAIL "1c reclaim hangs on a flocked FIFO"
  cleanup
}

# ---- area 4: leftover /dev/.dockstore-nodes.* (in a private mount namespace with our own tmpfs /dev,
# so a block copy has no /dev node without touching the host's /dev)
case_nodes(){
  newroot; cp --sparse=always "$IMG" "$R/copy.img"; local C=$(losetup -f --show "$R/copy.img"); EXTRA_LOOPS+=("$C"); local CN=${C#/dev/loop}
  mkdir -p $R/ext; echo precious > $R/ext/7:9
  cat > $R/ns.sh <<NS
mount --make-rprivate /; mount -t tmpfs w36dev /dev
mknod /dev/null c 1 3; mknod /dev/zero c 1 5; mknod /dev/urandom c 1 9; mknod /dev/btrfs-control c 10 234
for l in \$(awk '\$1==7{print \$2}' /proc/partitions); do [ \$l = $CN ] || mknod /dev/loop\$l b 7 \$l; done
mkdir /dev/.dockstore-nodes.good; mknod /dev/.dockstore-nodes.good/7:$CN b 7 $CN
mkdir /dev/.dockstore-nodes.file; echo keep > /dev/.dockstore-nodes.file/7:5
mkdir /dev/.dockstore-nodes.chr; mknod /dev/.dockstore-nodes.chr/1:3 c 1 3
mkdir /dev/.dockstore-nodes.sub; mkdir /dev/.dockstore-nodes.sub/7:1
ln -s $R/ext /dev/.dockstore-nodes.link
mkdir /dev/.dockstore-nodes.user; mknod /dev/.dockstore-nodes.user/7:3 b 7 3; chown 1000 /dev/.dockstore-nodes.user
mkdir /dev/.dockstore-nodes.mnt; mount -t tmpfs w36m /dev/.dockstore-nodes.mnt; mknod /dev/.dockstore-nodes.mnt/7:2 b 7 2
mkdir /dev/.dockstore-nodes.badname; mknod /dev/.dockstore-nodes.badname/loop7 b 7 7
$D check --root $R 2>&1 | cut -d'|' -f1 | cut -c1-300
echo LEFT: \$(cd /dev && ls -d .dockstore-nodes.* | tr '\n' ' ')
umount /dev/.dockstore-nodes.mnt
NS
  out=$(unshare -m bash $R/ns.sh 2>&1); say "[4] $out"
  local left=$(echo "$out" | grep LEFT:)
  if [ "$left" = "LEFT: .dockstore-nodes.badname .dockstore-nodes.chr .dockstore-nodes.file .dockstore-nodes.link .dockstore-nodes.mnt .dockstore-nodes.sub .dockstore-nodes.user" ] && [ "$(cat $R/ext/7:9)" = precious ]; then
    res PASS "4 only the valid leftover folder removed; file/char/subfolder/link/non-root/mountpoint/bad-name kept; no debris of its own"
  else res FAIL "4 leftover nodes folders: $left"; fi
  cleanup
}

# ---- area 2: --wipe-device with a process holding the device (mmap, fd closed), in the plan and at the re-check
case_wipe_holder(){
  R=$(mktemp -d /tmp/w36.XXXXXX); ROOTS+=("$R"); mkdir -p $R/var/lib $R/etc; truncate -s 2G $R/disk; local DV=$(losetup -f --show $R/disk); EXTRA_LOOPS+=("$DV")
  "$D" provision --root $R --device $DV >/dev/null 2>&1
  local mm="import mmap,os,time
fd=os.open('$DV',os.O_RDONLY); m=mmap.mmap(fd,4096,prot=mmap.PROT_READ); os.close(fd); time.sleep(600)"
  python3 -c "$mm" </dev/null >/dev/null 2>&1 & local P=$!; PIDS+=($P); sleep 0.5
  out=$("$D" teardown --root $R --wipe-device 2>&1); rc=$?; say "[2h] plan, mmap holder: rc=$rc $(echo "$out"|tail -1)"
  [ $rc = 2 ] && echo "$out" | grep -q "$P" && findmnt -n $R/var/lib/docker >/dev/null && res PASS "2h --wipe-device refuses in the plan for an mmap holder" || res FAIL "2h rc=$rc"
  kill $P; sleep 0.3
  DOCKSTORE_PAUSE=wipe-device:stop "$D" teardown --root $R --wipe-device > $R/td.out 2>&1 & local T=$!
  for i in $(seq 50); do [ "$(awk '{print $3}' /proc/$T/stat 2>/dev/null)" = T ] && break; sleep 0.2; done
  python3 -c "$mm" </dev/null >/dev/null 2>&1 & P=$!; PIDS+=($P); sleep 0.5; kill -CONT $T; wait $T; rc=$?
  say "[2i] re-check, holder appears while paused before [wipe-device]: rc=$rc $(tail -1 $R/td.out)"
  [ $rc = 2 ] && blkid -p $DV | grep -q btrfs && grep -q "$P" $R/td.out && res PASS "2i re-check before the wipe sees the new holder, nothing wiped" || res FAIL "2i rc=$rc"
  kill $P; sleep 0.3; "$D" teardown --root $R --wipe-device >/dev/null 2>&1
  cleanup
}

# ---- area 2: the stop after an unfinished detach names the opener that came after the plan
case_td_late_opener(){
  newroot
  DOCKSTORE_PAUSE=detach-loop:stop "$D" teardown --root $R > $R/../w36-td-$$.out 2>&1 & local T=$!
  for i in $(seq 50); do [ "$(awk '{print $3}' /proc/$T/stat 2>/dev/null)" = T ] && break; sleep 0.2; done
  bash -c "exec 7<$L1; sleep 600" & local P=$!; PIDS+=($P); sleep 0.5
  local cpid=$(pgrep -P $P sleep || echo $P)
  kill -CONT $T; wait $T; rc=$?; local out=$(cat $R/../w36-td-$$.out); rm -f $R/../w36-td-$$.out
  say "[2j] opener after the plan, paused before [detach-loop]: rc=$rc: $(echo "$out" | tail -2)"
  local bound=$(cat /sys/block/${L1#/dev/}/loop/backing_file 2>/dev/null)
  say "[2j] after teardown: $L1 backing file now: '${bound}'"
  if [ $rc = 1 ] && echo "$out" | grep -q "$P\|$cpid"; then res PASS "2j unfinished detach stops exit 1 naming the opener"
  elif [ $rc = 0 ] && [ -z "$bound" ]; then res PASS "2j late opener did not keep the loop bound (kernel freed it); teardown done and true"
  else res FAIL "2j rc=$rc, loop still bound to '$bound', opener $P not named"; fi
  kill $P; sleep 0.5
  out=$("$D" teardown --root $R 2>&1); rc=$?; say "[2k] re-run after the opener ended: rc=$rc $(echo "$out"|tail -1|cut -c1-200); loops over image: $(losetup -j $IMG | wc -l)"
  [ $rc = 0 ] && [ "$(losetup -j $IMG | wc -l)" = 0 ] && res PASS "2k re-run finishes" || res FAIL "2k re-run rc=$rc"
  cleanup
}
case_orph_pidns(){
  orphan_root
  unshare -pf --mount-proc /tmp/w36-vendord /tmp/w36bolt.py $MP/volumes/metadata.db plain </dev/null >/dev/null 2>&1 & PIDS+=($!); young_sub
  PIDS+=($(pgrep -f "w36bolt.py $MP")); out=$("$D" reclaim --orphans --root $R 2>&1); rc=$?; say "[1d] bolt holder in another pid namespace: rc=$rc $(echo "$out"|tail -2)"
  [ -d $MP/btrfs/subvolumes/$H ] && res PASS "1d young subvolume of a holder in another pid namespace kept" || res FAIL "1d deleted [data loss]"
  cleanup
}

ALL="case_check_offsets case_td_mmap case_td_pidns case_td_dm case_td_stack2 case_td_stack2_open case_td_second_loop_ro_open case_td_opath case_td_late_opener case_wipe_holder case_nodes case_limits case_orph_plain case_orph_fork case_orph_fifo case_orph_pidns"
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ $(id -u) = 0 ] || { echo "run as root"; exit 64; }
  for c in ${@:-$ALL}; do $c; done
  say "passed $PASS failed $FAIL"
fi
