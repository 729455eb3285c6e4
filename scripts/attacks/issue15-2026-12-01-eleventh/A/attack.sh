#!/bin/bash
# Outside attack A on dockstore: states and devices. DOCKSTORE=/path/to/bin ./attack.sh [CASE]
DS=${DOCKSTORE:-/work/attack11/dockstore}
FAILS=0; PASSES=0
ROOTS=(); FILES=()
log(){ echo "    $*"; }
new_root(){ R=$(mktemp -d /tmp/atkA.XXXXXX); mkdir -p $R/etc $R/var/lib $R/run; ROOTS+=("$R"); }
# sparse file outside any root, attached as a loop device; echo dev
new_disk(){ local f; f=$(mktemp /tmp/atkA-disk.XXXXXX); truncate -s ${1:-2G} "$f"; FILES+=("$f"); DISKFILES+=("$f"); DEV=$(losetup -f --show "$f"); DF=$f; }
myloops(){ # loop devices whose backing file is one of ours (roots or disks), deepest first
  local f; for f in "${FILES[@]}" "${ROOTS[@]}"; do losetup -l -n -O NAME,BACK-FILE | awk -v p="$f" 'index($2,p)==1{print $1}'; done | sort -u
}
cleanup(){
  local R m l i
  for R in "${ROOTS[@]}" "${FILES[@]}"; do
    for i in 1 2 3; do
      for m in $(awk -v p="$R" 'index($2,p)==1{print $2}' /proc/self/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
    done
  done
  # also loops over our loops (stacked)
  for i in 1 2 3; do
    for l in $(myloops); do
      for s in $(losetup -l -n -O NAME,BACK-FILE | awk -v p="$l" '$2==p{print $1}'); do losetup -d $s 2>/dev/null; done
      losetup -d $l 2>/dev/null
    done
  done
  for R in "${ROOTS[@]}" "${FILES[@]}"; do [ -e "$R" ] && rm -rf "$R"; done
  ROOTS=(); FILES=()
}
trap cleanup EXIT; trap "cleanup; exit 130" INT TERM
result(){ if [ "$1" = PASS ]; then PASSES=$((PASSES+1)); else FAILS=$((FAILS+1)); fi; echo "$1 $CASE: $2"; }
# simulate a reboot: unmount everything of ours, detach all our loops, re-attach disks in shuffled order
# (kernel names change; fills names with decoy loops first)
reboot_sim(){
  local m l f rr
  for rr in "${ROOTS[@]}"; do for m in $(awk -v p="$rr" 'index($2,p)==1{print $2}' /proc/self/mounts | sort -r); do umount "$m" || umount -l "$m"; done; done
  for l in $(myloops); do losetup -d $l; done
  sleep 0.3
  DECOY=$(mktemp /tmp/atkA-disk.XXXXXX); truncate -s 200M $DECOY; FILES+=("$DECOY"); losetup -f $DECOY
  for l in $BLOCK; do losetup $l $DECOY 2>/dev/null; done   # keep these old names taken so the disks get new ones
  NEWDEVS=()
  for f in $(printf '%s\n' "${DISKFILES[@]}" | shuf); do NEWDEVS+=("$f=$(losetup -f --show $f)"); done
  btrfs device scan >/dev/null 2>&1
}
dev_of(){ losetup -j "$1" -n -O NAME | head -1; }
fill(){ # write files into store and record checksums
  local mp=$1; mkdir -p $mp/data; for i in 1 2 3 4 5; do head -c 3M /dev/urandom > $mp/data/f$i; done; sync; (cd $mp/data && sha256sum f*) > /tmp/atkA-sums.$$; }
verify(){ local mp=$1; (cd $mp/data 2>/dev/null && sha256sum -c --quiet /tmp/atkA-sums.$$ >/dev/null 2>&1); }
# kill dockstore at the K-th call of syscall SC (strace fault injection, SIGKILL on entry): killat SC K args...
killat(){ local sc=$1 k=$2; shift 2; strace -f -qq -o /dev/null -e trace=$sc -e inject=$sc:signal=KILL:when=$k $DS "$@" >/tmp/atkA-kill.$$.out 2>&1; echo $?; }
# after a reboot: is the data anywhere? prints where
find_data(){
  local mp=$1 f l t
  WHERE=mounted; verify $mp && return 0
  reboot_sim
  t=$(mktemp -d /tmp/atkA-mnt.XXXX); ROOTS+=("$t")
  for f in $R/var/lib/docker-storage.btrfs* "${DISKFILES[@]}"; do
    [ -f "$f" ] || continue
    l=$(dev_of $f); [ -z "$l" ] && l=$(losetup -f --show $f)
    if mount -o ro,degraded $l $t 2>/dev/null; then verify $t && { WHERE="on $f"; umount $t; return 0; }; umount $t; fi
  done
  WHERE=LOST; return 1
}

# ---------------------------------------------------------------- cases
# MISSING_MEMBER: the store spans the image and a hand-added device; the device is gone at boot.
case_MISSING_MEMBER(){
  DISKFILES=(); new_root; $DS provision --root $R --size 1G >/dev/null; MP=$R/var/lib/docker
  new_disk 1G; btrfs device add -f $DEV $MP >/dev/null; fill $MP
  umount $MP; losetup -d $DEV; sleep 0.3
  out=$($DS provision --root $R 2>&1); rc=$?
  st=$($DS status --root $R 2>&1)
  log "provision rc=$rc: $out"; log "status: $(echo "$st" | grep -A2 '^state')"
  if [ $rc -ne 0 ] && echo "$out" | grep -q 'No such file or directory' && ! echo "$out" | grep -qi 'missing\|devid\|device.*gone'; then
    result FAIL "provision says 'No such file or directory' for a store whose second member device is missing (no device named)"
  else result PASS "message names the missing member"; fi
  cleanup
}
# CLONE_UUID: a device store and a stale block-level copy of it (same btrfs UUID) both attached at boot;
# the copy gets the lower kernel name. provision must not silently mount the stale copy.
case_CLONE_UUID(){
  DISKFILES=(); new_root; MP=$R/var/lib/docker
  new_disk 1G; D1=$DEV; D1F=$DF
  $DS provision --root $R --device $D1 >/dev/null; fill $MP
  sync; cp --sparse=always $D1F $D1F.clone; FILES+=($D1F.clone)
  echo newer > $MP/data/after-clone; sync
  umount $MP; losetup -d $D1; sleep 0.3
  C=$(losetup -f --show $D1F.clone); D1=$(losetup -f --show $D1F)
  out=$($DS provision --root $R 2>&1); rc=$?; src=$(findmnt -n -o SOURCE $MP)
  st=$($DS status --root $R 2>&1); strc=$?
  log "provision rc=$rc mounted=$src (original $D1, stale copy $C)"; log "$out" | tail -1
  log "status rc=$strc: $(echo "$st" | grep -E '^mounted')"
  if [ $rc -eq 0 ] && [ ! -e $MP/data/after-clone ]; then result FAIL "provision mounted the stale copy $src silently (file written after the copy is gone)"
  elif [ $rc -eq 0 ] && [ $strc -ne 0 ]; then result FAIL "status says not mounted while provision mounted $src"
  else result PASS "rc=$rc"; fi
  cleanup
}
# SIBLING_LOOP: device store on a loop over file F; a second loop over the same F (not stacked) mounted elsewhere
# (kernel 6.7+ temp-fsid makes it a second btrfs instance). teardown must refuse; --wipe-device must never wipe; status must not say in place.
case_SIBLING_LOOP(){
  DISKFILES=(); new_root; MP=$R/var/lib/docker
  new_disk 1G; D1=$DEV; D1F=$DF
  $DS provision --root $R --device $D1 >/dev/null; fill $MP
  sync; btrfs filesystem sync $MP >/dev/null
  L2=$(losetup -f --show $D1F); M2=$(mktemp -d /tmp/atkA.m2XXX); ROOTS+=($M2)
  for i in 1 2 3 4 5; do mount $L2 $M2 2>/dev/null && break; sync; echo 3 > /proc/sys/vm/drop_caches; sleep 1; done
  findmnt -n $M2 >/dev/null || { result PASS "could not mount the sibling (kernel refused temp-fsid mount); not tested"; cleanup; return; }
  ck=$($DS check --mountpoint $MP 2>&1); crc=$?
  $DS status --root $R >/dev/null 2>&1; src=$?
  out=$($DS teardown --root $R --wipe-device 2>&1); trc=$?
  sig=$(blkid -p -o value -s TYPE $D1)
  log "check rc=$crc; status rc=$src; teardown --wipe-device rc=$trc; $D1 signature now: [$sig]"
  if [ "$sig" != btrfs ]; then result FAIL "teardown --wipe-device wiped $D1 while a second instance ($L2 over the same file) is mounted at $M2; status rc=$src"
  elif [ $src -eq 0 ]; then result FAIL "status says in place (exit 0) while check is CRITICAL (second instance mounted)"
  else result PASS ok; fi
  cleanup
}
# CONCURRENT_DEVICE: two provision --device runs on the same blank device from two roots at the same time.
# At most one may format it; the other must refuse (device in use / holds a btrfs).
case_CONCURRENT_DEVICE(){
  local bad=0 i
  for i in 1 2 3 4 5; do
    DISKFILES=(); new_root; R1=$R; new_root; R2=$R; new_disk 1G; D=$DEV
    $DS provision --root $R1 --device $D >/tmp/atkA-c1.out 2>&1 & p1=$!
    $DS provision --root $R2 --device $D >/tmp/atkA-c2.out 2>&1 & p2=$!
    wait $p1; r1=$?; wait $p2; r2=$?
    nf=$(cat /tmp/atkA-c1.out /tmp/atkA-c2.out | grep -c '^\[format-device\]')
    u=$(blkid -p -o value -s UUID $D); f1=$(grep -o 'UUID=[^ ]*' $R1/etc/fstab 2>/dev/null); f2=$(grep -o 'UUID=[^ ]*' $R2/etc/fstab 2>/dev/null)
    log "try $i: rc $r1/$r2, formats=$nf, device UUID=$u, fstab R1 $f1, R2 $f2"
    [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && bad=1
    [ $nf -gt 1 ] && bad=1
    cleanup
  done
  [ $bad = 1 ] && result FAIL "both runs formatted and mounted the same device; one root's fstab names a UUID no device holds" || result PASS ok
}
# HELD_REFUSAL: provision --device on a device another program holds O_EXCL: exit 2 must mean nothing changed.
case_HELD_REFUSAL(){
  DISKFILES=(); new_root; new_disk 2G; T=$DEV
  find $R | sort > /tmp/atkA-before.$$
  rm -f /tmp/atkA-held.$$; python3 -c "import os,time; fd=os.open('$T', os.O_RDONLY|os.O_EXCL); open('/tmp/atkA-held.$$','w'); time.sleep(20)" & HP=$!
  while [ ! -e /tmp/atkA-held.$$ ]; do sleep 0.1; done; rm -f /tmp/atkA-held.$$
  out=$($DS provision --root $R --device $T 2>&1); rc=$?
  kill $HP; wait $HP 2>/dev/null
  find $R | sort > /tmp/atkA-after.$$; d=$(diff /tmp/atkA-before.$$ /tmp/atkA-after.$$ | grep '^>' | tr '\n' ' ')
  log "rc=$rc: $(echo "$out" | tail -1 | cut -c1-160)"; log "new: $d"
  if [ $rc -eq 2 ] && [ -n "$d" ]; then result FAIL "refusal (exit 2) left $d"; else result PASS "rc=$rc"; fi
  rm -f /tmp/atkA-before.$$ /tmp/atkA-after.$$; cleanup
}
# HELD_MIGRATE: migrate-ebs onto a device another program holds O_EXCL: expected a refusal before anything changes.
case_HELD_MIGRATE(){
  DISKFILES=(); new_root; MP=$R/var/lib/docker; $DS provision --root $R --size 1G >/dev/null; fill $MP
  new_disk 2G; T=$DEV
  rm -f /tmp/atkA-held.$$; python3 -c "import os,time; fd=os.open('$T', os.O_RDONLY|os.O_EXCL); open('/tmp/atkA-held.$$','w'); time.sleep(20)" & HP=$!
  while [ ! -e /tmp/atkA-held.$$ ]; do sleep 0.1; done; rm -f /tmp/atkA-held.$$
  out=$($DS migrate-ebs --root $R $T --yes 2>&1); rc=$?
  kill $HP; wait $HP 2>/dev/null
  j=$(ls $R/var/lib/dockstore/ | tr '\n' ' ')
  log "rc=$rc: $(echo "$out" | tail -1 | cut -c1-250)"; log "dockstore state files: $j"
  if [ $rc -ne 2 ] || [ -e $R/var/lib/dockstore/migration.json ]; then result FAIL "held device not refused up front: rc=$rc, migration journal opened, message points at dmesg dev_replace"; else result PASS ok; fi
  cleanup
}
# IMAGE_REPLACED: while mounted, the image is renamed away and a copy put under its name (cp of a backup, an admin's mv/cp).
# check must not say OK; following provision's advice must not mount the stale copy.
case_IMAGE_REPLACED(){
  DISKFILES=(); new_root; MP=$R/var/lib/docker; $DS provision --root $R --size 1G >/dev/null; fill $MP
  I=$R/var/lib/docker-storage.btrfs
  mv $I $I.orig; cp --sparse=always $I.orig $I; echo newer > $MP/data/newer; sync
  ck=$($DS check --mountpoint $MP 2>&1); crc=$?
  st=$($DS status --root $R 2>&1); src=$?
  po=$($DS provision --root $R 2>&1); prc=$?
  log "check rc=$crc: $(echo "$ck" | cut -c1-80)"; log "status rc=$src: $(echo "$st" | grep -A1 '^state' | tail -1 | cut -c1-200)"
  log "provision rc=$prc: $(echo "$po" | tail -1 | cut -c1-200)"
  umount $MP   # the admin follows the advice "unmount it"
  po2=$($DS provision --root $R 2>&1); prc2=$?
  [ -e $MP/data/newer ] && nw=present || nw=GONE
  log "after umount, provision rc=$prc2; file written after the swap: $nw"
  if [ $crc -eq 0 ] || [ $nw = GONE ]; then result FAIL "check OK (rc=$crc) while the image name holds another file; provision's advice leads to mounting the stale copy (newer: $nw)"; else result PASS ok; fi
  cleanup
}
# STATUS_STALE_NAME: migrate-ebs killed after the replace (4th rename), reboot with shuffled loop names, provision.
# status must name the device that holds the store now, not the kernel name from before the reboot.
case_STATUS_STALE_NAME(){
  DISKFILES=(); new_root; MP=$R/var/lib/docker; $DS provision --root $R --size 1G >/dev/null; fill $MP
  new_disk 2G; T=$DEV; TF=$DF
  killat renameat 4 migrate-ebs --root $R $T --yes >/dev/null
  BLOCK=$T reboot_sim; $DS provision --root $R >/dev/null 2>&1
  N=$($DS status --root $R | sed -n 's/^migration: *onto \([^ ]*\) .*/\1/p'); src=$(findmnt -n -o SOURCE $MP)
  log "store mounted from $src ($TF); status says migration onto $N ($(losetup -n -O BACK-FILE $N 2>/dev/null))"
  verify $MP || log "data not verified"
  if [ -n "$N" ] && [ "$N" != "$src" ]; then result FAIL "status names $N (a pre-reboot kernel name, now another device) as the migration target; running its advice is refused"
  else result PASS ok; fi
  cleanup
}
# OFFSET_LOOP_FORCE: file F with a dos partition table; partition 1 attached as a loop with offset/sizelimit and mounted.
# provision --device (loop over all of F) --force must refuse (in use), never wipe.
case_OFFSET_LOOP_FORCE(){
  DISKFILES=(); new_root; new_disk 1G; LF=$DEV; F=$DF
  echo 'start=2048, size=524288, type=83' | sfdisk -q $F >/dev/null 2>&1
  LP=$(losetup -f --show -o 1048576 --sizelimit 268435456 $F); mkfs.ext4 -q $LP; M=$(mktemp -d /tmp/atkA.pXXX); ROOTS+=($M); mount $LP $M; echo precious > $M/p; sync
  out=$($DS provision --root $R --device $LF --force 2>&1); rc=$?
  pt=$(blkid -p -o value -s PTTYPE $LF)
  log "rc=$rc: $(echo "$out" | tail -1 | cut -c1-200)"; log "partition table now: [$pt]"
  if [ "$pt" != dos ]; then result FAIL "--force wiped the partition table while partition 1 ($LP, offset loop over the same file) is mounted; then mkfs failed (exit $rc)"; else result PASS "rc=$rc"; fi
  cleanup
}
# DEGRADED_STATUS: the store spans the image and a hand-added device (raid1); the device is gone; mounted -o degraded.
# check is CRITICAL; status must not say "in place" with exit 0 (it does report a read-only mount as a problem).
case_DEGRADED_STATUS(){
  DISKFILES=(); new_root; MP=$R/var/lib/docker; $DS provision --root $R --size 1G >/dev/null
  new_disk 1G; D=$DEV; btrfs device add -f $D $MP >/dev/null; btrfs balance start -dconvert=raid1 -mconvert=raid1 -sconvert=raid1 -f $MP >/dev/null 2>&1; fill $MP
  umount $MP; losetup -d $D; sleep 0.3
  L=$(dev_of $R/var/lib/docker-storage.btrfs); [ -z "$L" ] && L=$(losetup -f --show $R/var/lib/docker-storage.btrfs)
  mount -o degraded $L $MP
  $DS check --mountpoint $MP >/dev/null 2>&1; crc=$?
  st=$($DS status --root $R 2>&1); src=$?
  go=$($DS grow --mountpoint $MP --to 1200M 2>&1); grc=$?
  log "check rc=$crc; status rc=$src ($(echo "$st" | grep '^state' )); grow rc=$grc: $go"
  if [ $crc -eq 2 ] && [ $src -eq 0 ]; then result FAIL "status exit 0 'in place' on a degraded store with a missing device (check CRITICAL)"; else result PASS ok; fi
  cleanup
}
# KEEP_IMAGE_USELESS: migrate-ebs --keep-image keeps a file whose btrfs superblock the replace erased: it cannot be mounted
# (nothing says so; "Keep the image file after the move" reads like a fallback copy).
case_KEEP_IMAGE_USELESS(){
  DISKFILES=(); new_root; MP=$R/var/lib/docker; $DS provision --root $R --size 1G >/dev/null; fill $MP
  new_disk 2G; T=$DEV
  out=$($DS migrate-ebs --root $R $T --yes --keep-image 2>&1)
  I=$R/var/lib/docker-storage.btrfs; cp --sparse=always $I $DF.kept; FILES+=($DF.kept)
  L=$(losetup -f --show $DF.kept); m=$(mktemp -d /tmp/atkA.kXXX); ROOTS+=($m)
  if mount -o ro $L $m 2>/dev/null; then result PASS "kept image mounts"; umount $m
  elif echo "$out" | grep -qi 'cannot be mounted\|not mountable\|erased\|scratch'; then result PASS "output says the kept image is not mountable"
  else result FAIL "kept image cannot be mounted (superblock magic erased by the replace) and neither the output nor the man page says so"; fi
  cleanup
}
# KILL_MIGRATE: migrate-ebs SIGKILLed at syscall points (strace fault injection), then a different command, then a reboot
# with shuffled loop names and provision: data intact, provision/status/check exit 0, the other volume never written.
case_KILL_MIGRATE(){
  local bad=0 line
  for pt in "renameat 1 abort replace" "renameat 3 other replace" "ioctl 70 teardown replace" "renameat 2 abort add-remove" "ioctl 75 same add-remove" "renameat 4 provision replace"; do
    line=$(kill_migrate_one $pt); log "$line"
    echo "$line" | grep -q 'prc=0 p2rc=0 src=0 crc=0 t2=\[\] data=mounted' || bad=1
  done
  [ $bad = 1 ] && result FAIL "a killed migrate-ebs left a state provision/status/check do not recover" || result PASS ok
}
kill_migrate_one(){ local SC=$1 K=$2 FU=$3 method=$4
  DISKFILES=(); new_root; MP=$R/var/lib/docker; $DS provision --root $R --size 1G >/dev/null 2>&1; fill $MP
  new_disk 2G; T=$DEV; new_disk 2G; T2=$DEV; T2F=$DF
  rc=$(DOCKSTORE_MIGRATE_METHOD=$method killat $SC $K migrate-ebs --root $R $T --yes)
  case $FU in
   same) $DS migrate-ebs --root $R $T --yes >/dev/null 2>&1;; abort) $DS migrate-ebs --root $R $T --abort --yes >/dev/null 2>&1;;
   other) $DS migrate-ebs --root $R $T2 --yes >/dev/null 2>&1;; teardown) $DS teardown --root $R >/dev/null 2>&1;;
   provision) $DS provision --root $R >/dev/null 2>&1;;
  esac
  reboot_sim
  $DS provision --root $R >/dev/null 2>&1; prc=$?; $DS provision --root $R >/dev/null 2>&1; p2rc=$?
  $DS status --root $R >/dev/null 2>&1; src=$?; $DS check --mountpoint $MP >/dev/null 2>&1; crc=$?
  t2sig=$(blkid -p -o value -s TYPE $(dev_of $T2F) 2>/dev/null)
  find_data $MP
  echo "$SC:$K $method then $FU: kill=$rc prc=$prc p2rc=$p2rc src=$src crc=$crc t2=[$t2sig] data=$WHERE"
  cleanup
}

# ABORT_THEN_REBOOT: migrate-ebs interrupted (SIGINT/SIGKILL) during the kernel's replace, then migrate-ebs --abort
# ("Docker's storage is back on the image"), then a reboot: the store must mount again.
case_ABORT_THEN_REBOOT(){
  DISKFILES=(); new_root; MP=$R/var/lib/docker; $DS provision --root $R --size 2G >/dev/null; fill $MP
  dd if=/dev/urandom of=$MP/big bs=1M count=400 status=none; sync
  I=$R/var/lib/docker-storage.btrfs; new_disk 3G; T=$DEV
  timeout -s ${SIG:-INT} 0.5 $DS migrate-ebs --root $R $T --yes > /tmp/atkA-mig.out 2>&1; krc=$?
  ao=$($DS migrate-ebs --root $R $T --abort --yes 2>&1); arc=$?
  sleep 1; reboot_sim
  po=$($DS provision --root $R 2>&1); prc=$?
  log "interrupted rc=$krc; abort rc=$arc: $(echo "$ao" | tail -1)"; log "provision after reboot rc=$prc: $(echo "$po" | tail -1)"
  dmesg | grep -q 'device replace operation is ongoing' && log "kernel: cannot mount because device replace operation is ongoing (tgtdev devid 0 missing)"
  if [ $arc -eq 0 ] && ! verify $MP; then result FAIL "after a successful --abort the store does not mount at the next boot (replace still recorded on disk); provision exit $prc"
  else result PASS "abort rc=$arc prc=$prc"; fi
  cleanup
}

# KILL_PROVISION: provision (image and --device) SIGKILLed at syscall points, then another command
# (provision --device of a volume holding ext4 data, teardown, provision of another mountpoint), then a reboot with
# shuffled names and provision again: the ext4 volume is never written, provision/status/check end at 0.
case_KILL_PROVISION(){
  local bad=0 line
  for pt in "device renameat 2 otherdev" "device pwrite64 10 same" "device mount 1 teardown" "image renameat 3 same" "image pwrite64 10 teardown" "image fsync 1 otherdev"; do
    line=$(kill_provision_one $pt); log "$line"
    echo "$line" | grep -q 'ext4vol=intact' || bad=1
    echo "$line" | grep -q 'prc=0 p2rc=0 src=0 crc=0' || { echo "$line" | grep -q 'FU=teardown' || bad=1; }
  done
  [ $bad = 1 ] && result FAIL "a killed provision left a state provision does not recover, or wrote the ext4 volume" || result PASS ok
}
kill_provision_one(){ local mode=$1 SC=$2 K=$3 FU=$4 x nd
  DISKFILES=(); new_root; MP=$R/var/lib/docker
  new_disk 1G; D=$DEV; DF1=$DF
  new_disk 1G; D2=$DEV; DF2=$DF; mkfs.ext4 -q $D2; h2=$(head -c 64M $DF2 | sha256sum)
  if [ $mode = image ]; then A=(provision --root $R --size 1G); else A=(provision --root $R --device $D); fi
  rc=$(killat $SC $K "${A[@]}")
  case $FU in
   same) $DS "${A[@]}" >/dev/null 2>&1;; otherdev) $DS provision --root $R --device $D2 >/dev/null 2>&1;;
   teardown) if [ $mode = image ]; then $DS teardown --root $R --delete-image >/dev/null 2>&1; else $DS teardown --root $R --wipe-device >/dev/null 2>&1; fi;;
  esac
  reboot_sim
  for x in "${NEWDEVS[@]}"; do [ "${x%%=*}" = "$DF1" ] && nd=${x#*=}; done
  if [ $mode = image ]; then B=(provision --root $R --size 1G); else B=(provision --root $R --device $nd); fi
  $DS "${B[@]}" >/dev/null 2>&1; prc=$?; $DS "${B[@]}" >/dev/null 2>&1; p2rc=$?
  $DS status --root $R >/dev/null 2>&1; src=$?; $DS check --mountpoint $MP >/dev/null 2>&1; crc=$?
  sync; [ "$h2" = "$(head -c 64M $DF2 | sha256sum)" ] && d2=intact || d2=CHANGED
  echo "$mode $SC:$K FU=$FU kill=$rc prc=$prc p2rc=$p2rc src=$src crc=$crc ext4vol=$d2"
  cleanup
}
# GROW_DELETED: the image deleted while mounted; grow --to calls it a device store and exits 64 (bad usage).
case_GROW_DELETED(){
  new_root; MP=$R/var/lib/docker; $DS provision --root $R --size 1G >/dev/null
  rm $R/var/lib/docker-storage.btrfs
  out=$($DS grow --root $R --to 1500M 2>&1); rc=$?
  log "grow rc=$rc: $out"
  if echo "$out" | grep -q 'device store'; then result FAIL "grow calls an image store whose image was deleted 'a device store' (exit $rc)"; else result PASS "rc=$rc"; fi
  cleanup
}

# STATUS_AFTER_KILLED_WIPE: teardown --wipe-device killed after its wipe (before the fstab step); status must point at
# finishing the teardown, not at AWS volume attachment and provision.
case_STATUS_AFTER_KILLED_WIPE(){
  DISKFILES=(); new_root; MP=$R/var/lib/docker; new_disk 2G; D=$DEV
  $DS provision --root $R --device $D >/dev/null; fill $MP
  killat unlinkat 1 teardown --root $R --wipe-device >/dev/null
  st=$($DS status --root $R 2>&1); src=$?
  log "status rc=$src: $(echo "$st" | grep -A2 '^state' | tr '\n' ' ' | cut -c1-300)"
  if echo "$st" | grep -q 'teardown'; then result PASS ok; else result FAIL "status after a killed teardown --wipe-device says the volume is not attached (aws ec2 describe-volumes) and 'provision fixes what it can'; teardown is what finishes it"; fi
  cleanup
}

# CONCURRENT_MIGRATE_PROVISION: root R1 migrates its image onto T while root R2 provisions --device T at the same time.
# Exactly one may take T; never both (R2 formatting/mounting T while R1's replace writes R1's store onto it).
case_CONCURRENT_MIGRATE_PROVISION(){
  local bad=0 n
  for n in 1 2 3 4 5 6 7 8; do
    DISKFILES=(); new_root; R1=$R; MP1=$R1/var/lib/docker; $DS provision --root $R1 --size 1G >/dev/null; fill $MP1
    new_root; R2=$R; new_disk 2G; T=$DEV
    $DS migrate-ebs --root $R1 $T --yes >/tmp/atkA-c1.$$ 2>&1 & p1=$!
    $DS provision --root $R2 --device $T >/tmp/atkA-c2.$$ 2>&1 & p2=$!
    wait $p1; r1=$?; wait $p2; r2=$?
    nf=$(grep -c '^\[format-device\]' /tmp/atkA-c2.$$)
    log "try $n: migrate rc=$r1, provision rc=$r2, provision formatted: $nf, R2 mounted: $(findmnt -n -o SOURCE $R2/var/lib/docker), T now UUID $(blkid -p -o value -s UUID $T)"
    [ $r1 -eq 0 ] && [ $nf -gt 0 ] && bad=1
    cleanup
  done
  rm -f /tmp/atkA-c1.$$ /tmp/atkA-c2.$$
  [ $bad = 1 ] && result FAIL "provision formatted T (and mounted it) while the other root's migrate-ebs replaced its store onto T" || result PASS ok
}

# RECLAIM_KILLED_TEARDOWN: reclaim on a device store that needs lent room, SIGKILLed right after its run journal
# (before any room is lent); teardown must not claim room was lent. (Builds the ENOSPC state: ~2-4 min.)
case_RECLAIM_KILLED_TEARDOWN(){
  DISKFILES=(); new_disk 1G; D=$DEV; new_root; MP=$R/var/lib/docker; $DS provision --root $R --device $D >/dev/null
  mkdir $MP/d; local i=0 j k=0; while head -c 1M /dev/urandom > $MP/d/f$i 2>/dev/null; do i=$((i+1)); [ $i -gt 2000 ] && break; done
  for j in $(seq 0 2 $i); do rm -f $MP/d/f$j; done; sync
  mkdir $MP/m; while (echo x > $MP/m/$k) 2>/dev/null; do k=$((k+1)); [ $k -gt 400000 ] && break; done; sync
  if ! $DS reclaim --root $R --dry-run 2>&1 | grep -q 'temporary'; then result PASS "state does not need lent room here; not tested"; cleanup; return; fi
  killat renameat 2 reclaim --root $R >/dev/null
  room=$(ls $R/var/lib/dockstore/ | grep -c reclaim-room)
  out=$($DS teardown --root $R 2>&1); rc=$?
  log "reclaim killed after [reclaim-begin]; room files: $room; teardown rc=$rc: $(echo "$out" | tail -1 | cut -c1-200)"
  if [ $room -eq 0 ] && echo "$out" | grep -q 'lent the store temporary room'; then result FAIL "teardown says a reclaim lent the store room when none was lent (killed before room-journal)"; else result PASS ok; fi
  $DS reclaim --root $R >/dev/null 2>&1
  cleanup
}

# ---------------------------------------------------------------- main (keep last)
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
ALL="ABORT_THEN_REBOOT MISSING_MEMBER CLONE_UUID SIBLING_LOOP CONCURRENT_DEVICE CONCURRENT_MIGRATE_PROVISION HELD_REFUSAL HELD_MIGRATE IMAGE_REPLACED STATUS_STALE_NAME OFFSET_LOOP_FORCE DEGRADED_STATUS KEEP_IMAGE_USELESS GROW_DELETED STATUS_AFTER_KILLED_WIPE KILL_MIGRATE KILL_PROVISION RECLAIM_KILLED_TEARDOWN"
[ "$(id -u)" = 0 ] || { echo "run as root"; exit 2; }
for CASE in ${@:-$ALL}; do
  echo "== $CASE"; case_$CASE
done
echo "cases: $((PASSES+FAILS)) pass: $PASSES fail: $FAILS"
exit $([ $FAILS -eq 0 ] && echo 0 || echo 1)
fi
