#!/bin/bash
# Outside attack 13, tester X: states, devices, time and Docker's data.
# DOCKSTORE=/path/to/bin ./attack.sh [CASE]   runs all cases or one; exit 1 if any failed.
DS=${DOCKSTORE:-/work/attack13/dockstore}
FAILS=0; PASSES=0
log(){ echo "    $*"; }

# ---- per-case resources, cleaned by cleanup() ----
new_case_env(){
  T=$(mktemp -d /tmp/atk13x.XXXXXX); R=$T/root; mkdir -p $R; LOOPS=(); PIDS=(); DOCKERD=""
}
mkloop(){ # mkloop NAME SIZE -> echoes loop dev
  truncate -s "$2" "$T/$1"; local d; d=$(losetup -f --show "$T/$1") || return 1; LOOPS+=("$d"); echo "$d"; }
cleanup(){
  set +e
  if [ -n "$DOCKERD" ]; then kill "$DOCKERD" 2>/dev/null; for i in $(seq 1 30); do kill -0 "$DOCKERD" 2>/dev/null || break; sleep 0.5; done; kill -9 "$DOCKERD" 2>/dev/null; fi
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  # wait for any btrfs replace child of ours
  sleep 0.3
  # unmount everything under T (deepest first)
  for i in 1 2 3; do
    findmnt -rn -o TARGET | grep "^$T" | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  done
  # detach loops over files in T (ours only)
  for i in 1 2 3; do
    losetup -ln -O NAME,BACK-FILE | while read -r n f; do case "$f" in $T/*) losetup -d "$n" 2>/dev/null;; esac; done
    for d in "${LOOPS[@]}"; do losetup -d "$d" 2>/dev/null; done
    sleep 0.2
  done
  rm -rf "$T"
}
result(){ # result ID PASS|FAIL msg
  if [ "$2" = PASS ]; then PASSES=$((PASSES+1)); else FAILS=$((FAILS+1)); fi
  echo "$1: $2 - $3"; }
# hash of a device's first and last MiB + whole-device md5 for small devices
devhash(){ { dd if="$1" bs=1M count=64 status=none; dd if="$1" bs=1M skip=$(( $(blockdev --getsize64 "$1")/1048576 - 4 )) status=none; } | md5sum | cut -c1-32; }

# ---- docker helpers ----
start_dockerd(){ # data root $1
  local dr=$1; mkdir -p $T/exec $T/rootfs/bin
  dockerd --data-root "$dr" --exec-root $T/exec --pidfile $T/dockerd.pid --host unix://$T/d.sock \
     --iptables=false --bridge=none --storage-driver=btrfs >$T/dockerd.log 2>&1 &
  DOCKERD=$!
  for i in $(seq 1 60); do docker -H unix://$T/d.sock info >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "dockerd did not start"; tail -5 $T/dockerd.log; return 1
}
dk(){ docker -H unix://$T/d.sock "$@"; }
import_busybox(){
  mkdir -p $T/rootfs/bin; cp /usr/bin/busybox $T/rootfs/bin/busybox; ln -sf busybox $T/rootfs/bin/sh
  for c in dd md5sum sleep cat ls sync seq tail mv; do ln -sf busybox $T/rootfs/bin/$c; done
  tar -C $T/rootfs -cf $T/rootfs.tar . && dk import $T/rootfs.tar bb:1 >/dev/null
}
mkroot(){ mkdir -p $R/var/lib $R/etc $R/run; }

# ---- migrate-ebs with a real dockerd and a writing container, SIGKILLed at a random point ----
# setup: 2G image store, dockerd on it, container 'wr' with a 40 MiB random file (md5 kept) and an append log.
mig_setup(){
  mkroot
  $DS provision --root $R --size 2G >$T/prov.log 2>&1 || { echo "provision failed"; cat $T/prov.log; return 1; }
  start_dockerd $R/var/lib/docker && import_busybox || return 1
  dk run -d --name wr bb:1 sh -c '[ -f /big.md5 ] || { dd if=/dev/urandom of=/big bs=1M count=40 2>/dev/null; md5sum /big > /big.tmp; mv /big.tmp /big.md5; }; i=$(tail -n1 /log 2>/dev/null); i=${i:-0}; while true; do i=$((i+1)); echo $i >> /log; sleep 0.02; done' >/dev/null || return 1
  for i in $(seq 1 40); do dk exec wr cat /big.md5 >/dev/null 2>&1 && break; sleep 0.5; done
  BIGMD5=$(dk exec wr cat /big.md5 | cut -c1-32); [ -n "$BIGMD5" ] || return 1
  # a second image layer, committed
  dk commit wr bb:2 >/dev/null
}
mig_verify(){ # prints problems; returns 1 if any
  local bad=0
  local now; now=$(dk exec wr md5sum /big 2>&1 | cut -c1-32)
  [ "$now" = "$BIGMD5" ] || { log "container file /big md5 $now != $BIGMD5"; bad=1; }
  dk exec wr sh -c 'i=0; prev=0; for n in $(cat /log); do [ $n -eq $((prev+1)) ] || { echo "gap $prev->$n"; exit 1; }; prev=$n; done' >/dev/null 2>&1 || { log "log sequence broken near: $(dk exec wr sh -c 'cat /log' 2>&1 | tr '\n' ' ' | tail -c 120)"; bad=1; }
  dk image inspect bb:2 >/dev/null 2>&1 || { log "image bb:2 gone"; bad=1; }
  dk run --rm bb:2 md5sum /big >$T/img2.md5 2>&1; [ "$(cut -c1-32 $T/img2.md5)" = "$BIGMD5" ] || { log "committed image bb:2 /big: $(cat $T/img2.md5)"; bad=1; }
  return $bad
}

case_X1(){ # device store + running dockerd: provision/status must say in place
  new_case_env; trap cleanup RETURN; mkroot
  local D; D=$(mkloop vol 2G)
  $DS provision --root $R --device $D >/dev/null 2>&1 || { result X1 FAIL "setup provision failed"; return; }
  start_dockerd $R/var/lib/docker >/dev/null || { result X1 FAIL "dockerd"; return; }
  local out rc st
  out=$($DS provision --root $R 2>&1); rc=$?
  $DS status --root $R >/dev/null 2>&1; st=$?
  if [ $rc = 0 ] && [ $st = 0 ]; then result X1 PASS "provision rc=$rc status rc=$st"
  else result X1 FAIL "provision rc=$rc status rc=$st: $out"; fi
}
# X2: migrate-ebs with dockerd + container writing, SIGKILL after $delay s, then FOLLOW (rerun|abort-rerun|abort-other)
x2_one(){ # delay follow
  local delay=$1 follow=$2 id="X2[$1,$2${METH:+,$METH}]"
  new_case_env; mig_setup || { result "$id" FAIL "setup"; cleanup; return; }
  local TGT TGT2; TGT=$(mkloop vol 3G); TGT2=$(mkloop vol2 3G)
  local h2; h2=$(devhash $TGT2)
  $DS migrate-ebs --root $R $TGT --yes >$T/m1.log 2>&1 & local P=$!
  sleep $delay; kill -9 $P 2>/dev/null; wait $P; local krc=$?
  local ok=1 out
  case $follow in
    rerun) out=$($DS migrate-ebs --root $R $TGT --yes 2>&1) || { log "rerun rc=$?: $(echo "$out"|tail -2)"; ok=0; } ;;
    abort-rerun) out=$($DS migrate-ebs --root $R $TGT --abort --yes 2>&1); log "abort rc=$?: $(echo "$out"|tail -1)"
                 out=$($DS migrate-ebs --root $R $TGT --yes 2>&1) || { log "rerun after abort rc=$?: $(echo "$out"|tail -2)"; ok=0; } ;;
    abort-other) out=$($DS migrate-ebs --root $R $TGT --abort --yes 2>&1); local arc=$?; log "abort rc=$arc: $(echo "$out"|tail -1)"
                 out=$($DS migrate-ebs --root $R $TGT2 --yes 2>&1); local orc=$?; log "move to other rc=$orc: $(echo "$out"|tail -1|cut -c1-150)"
                 # after a failed abort (the replace had finished) the other volume must be refused (2) and stay untouched
                 if [ $arc != 0 ]; then [ $orc = 2 ] && [ "$(devhash $TGT2)" = "$h2" ] || ok=0; else [ $orc = 0 ] || ok=0; fi ;;
  esac
  mig_verify || ok=0
  # the other volume may only change if it was the target
  if [ $follow != abort-other ] && [ "$(devhash $TGT2)" != "$h2" ]; then log "untouched volume $TGT2 changed"; ok=0; fi
  local st; st=$($DS status --root $R 2>&1); local src
  src=$(findmnt -rn -o SOURCE --target $R/var/lib/docker | head -1)
  [ -e $R/var/lib/docker-storage.btrfs ] && [ "$ok" = 1 ] && echo "$out" | grep -q "on /dev" && { log "image still there after a finished move"; ok=0; }
  log "killed rc=$krc after '$(grep '^\[' $T/m1.log | tail -1 | cut -c1-60)'; now on $src"
  [ $ok = 1 ] && result "$id" PASS "data intact" || result "$id" FAIL "see above"
  cleanup
}
case_X2(){ for f in rerun abort-rerun abort-other; do for d in 0.15 0.35 0.6; do x2_one $d $f; done; done; }
case_X2ar(){ export DOCKSTORE_MIGRATE_METHOD=add-remove METH=add-remove
  for f in rerun abort-rerun abort-other; do for d in 0.3 0.8 1.5; do x2_one $d $f; done; done; unset DOCKSTORE_MIGRATE_METHOD METH; }
case_X3(){ # teardown --wipe-device while the volume is detached must not say done
  new_case_env; trap cleanup RETURN; mkroot
  local D2; D2=$(mkloop d2 2G)
  $DS provision --root $R --device $D2 >/dev/null 2>&1 || { result X3 FAIL "setup"; return; }
  echo data > $R/var/lib/docker/f; umount $R/var/lib/docker; losetup -d $D2; btrfs device scan --forget 2>/dev/null
  local out rc; out=$($DS teardown --root $R --wipe-device 2>&1); rc=$?
  D2=$(losetup -f --show $T/d2); LOOPS+=("$D2")
  local sig; sig=$(blkid -o value -s TYPE $D2)
  if [ $rc = 0 ] && [ "$sig" = btrfs ]; then result X3 FAIL "exit 0, device back with its btrfs intact, fstab line gone: $(echo "$out"|tail -1|cut -c1-160)"
  else result X3 PASS "rc=$rc sig=$sig"; fi
}
case_X4(){ # store moved by hand (btrfs device add/remove), old device reused for ext4 data; settings name the old one
  new_case_env; trap cleanup RETURN; mkroot
  local D1 D2; D1=$(mkloop d1 2G); D2=$(mkloop d2 2G)
  mkdir -p $R/etc/sysconfig; echo "DOCKSTORE_DEVICE=\"$D1\"" > $R/etc/sysconfig/dockstore
  $DS provision --root $R >/dev/null 2>&1 || { result X4 FAIL "setup"; return; }
  local M=$R/var/lib/docker; btrfs device add -f $D2 $M >/dev/null && btrfs device remove $D1 $M || { result X4 FAIL "btrfs"; return; }
  mkfs.ext4 -q -F $D1; mkdir $T/e; mount $D1 $T/e; echo precious > $T/e/data; umount $T/e
  local H1; H1=$(devhash $D1)
  $DS provision --root $R >/dev/null 2>&1; $DS provision --root $R --force >/dev/null 2>&1
  $DS teardown --root $R --wipe-device >$T/td.log 2>&1; local rc=$?
  if [ "$(devhash $D1)" != "$H1" ]; then result X4 FAIL "the reused old device $D1 was written"
  elif [ -n "$(blkid -p -o value -s TYPE $D2 2>/dev/null)" ]; then result X4 FAIL "the store's device $D2 not wiped (rc=$rc)"
  else result X4 PASS "old device kept, store's device wiped (rc=$rc)"; fi
}
# X5: migrate-ebs with dockerd, SIGKILL at $1 s, then a reboot: dockerd stopped, store unmounted, loops detached,
# devices forgotten; the target comes back under a new name and a blank volume takes its old name.
# Boot: provision; dockerd again; data checked; `migrate-ebs OLDNAME` (the command in the shell history) must not touch
# the blank volume; `migrate-ebs NEWNAME` finishes; data checked again; another reboot; data checked.
stop_dockerd(){ [ -n "$DOCKERD" ] && { kill $DOCKERD; for i in $(seq 1 40); do kill -0 $DOCKERD 2>/dev/null || break; sleep 0.5; done; kill -9 $DOCKERD 2>/dev/null; DOCKERD=""; }; }
reboot_sim(){ # unmount everything under $R, detach all our loops, forget btrfs devices
  findmnt -rn -o TARGET | grep "^$R" | sort -r | while read -r m; do umount "$m" || umount -l "$m"; done
  losetup -ln -O NAME,BACK-FILE | while read -r n f; do case "$f" in $T/*) losetup -d "$n";; esac; done
  sleep 0.5; btrfs device scan --forget 2>/dev/null; LOOPS=()
}
x5_one(){
  local delay=$1 id="X5[$1]"
  new_case_env; mig_setup || { result "$id" FAIL "setup"; cleanup; return; }
  local TGT; TGT=$(mkloop vol 3G); truncate -s 3G $T/blank
  $DS migrate-ebs --root $R $TGT --yes >$T/m1.log 2>&1 & local P=$!
  sleep $delay; kill -9 $P 2>/dev/null; wait $P 2>/dev/null
  sleep 2   # the replace child may still run
  log "killed after '$(grep '^\[' $T/m1.log | tail -1 | cut -c1-50)'"
  stop_dockerd; reboot_sim
  # shuffle: blank volume takes the target's old name
  local B NEW; B=$(losetup --show $TGT $T/blank); NEW=$(losetup -f --show $T/vol); LOOPS+=("$B" "$NEW")
  local HB; HB=$(devhash $B); local ok=1 out rc
  out=$($DS provision --root $R 2>&1); rc=$?; log "boot provision rc=$rc: $(echo "$out"|tail -1|cut -c1-200)"
  start_dockerd $R/var/lib/docker >/dev/null || { log "dockerd does not start after boot"; ok=0; }
  dk start wr >/dev/null 2>&1; sleep 1
  mig_verify || ok=0
  out=$($DS migrate-ebs --root $R $TGT --yes 2>&1); rc=$?; log "migrate-ebs OLDNAME($TGT, now blank) rc=$rc: $(echo "$out"|tail -1|cut -c1-200)"
  if grep -q '^\[journal\]' $T/m1.log; then   # before the journal nothing records the first volume: the blank one is a fair target
    [ "$(devhash $B)" = "$HB" ] || { log "the blank volume at the old name was written"; ok=0; }
    [ -n "$(blkid -p -o value -s TYPE $B 2>/dev/null)" ] && { log "blank volume now has a signature"; ok=0; }
  else log "killed before the journal: the blank volume at the old name is a fresh target"; fi
  out=$($DS migrate-ebs --root $R $NEW --yes 2>&1); rc=$?; log "migrate-ebs NEWNAME($NEW) rc=$rc: $(echo "$out"|tail -1|cut -c1-200)"
  mig_verify || ok=0
  stop_dockerd; reboot_sim
  NEW=$(losetup -f --show $T/vol); LOOPS+=("$NEW"); B=$(losetup -f --show $T/blank); LOOPS+=("$B"); [ -e $T/root/var/lib/docker-storage.btrfs ] && { local I; I=$(losetup -f --show $R/var/lib/docker-storage.btrfs 2>/dev/null) && LOOPS+=("$I"); }
  out=$($DS provision --root $R 2>&1); rc=$?; log "2nd boot provision rc=$rc: $(echo "$out"|tail -1|cut -c1-200)"
  start_dockerd $R/var/lib/docker >/dev/null && { dk start wr >/dev/null 2>&1; sleep 1; mig_verify || ok=0; } || { log "dockerd fails on 2nd boot"; ok=0; }
  log "store now: $(findmnt -rn -o SOURCE --target $R/var/lib/docker | head -1); image file: $(ls $R/var/lib/ | tr '\n' ' ')"
  [ $ok = 1 ] && result "$id" PASS "data intact" || result "$id" FAIL "see above"
  cleanup
}
case_X5(){ for d in 0.2 0.4 0.7 1.2; do x5_one $d; done; }
# X6: grow --to killed at a random point, then re-run (and a --thick image); sizes of image, loop, btrfs must agree
x6_one(){
  local delay=$1 thick=$2 id="X6[$1${2:+,thick}]"
  new_case_env; mkroot
  $DS provision --root $R --size 1G $thick >/dev/null 2>&1 || { result "$id" FAIL setup; cleanup; return; }
  local M=$R/var/lib/docker I=$R/var/lib/docker-storage.btrfs
  dd if=/dev/urandom of=$M/f bs=1M count=20 status=none; local H; H=$(md5sum < $M/f)
  $DS grow --root $R --to 3G >$T/g1.log 2>&1 & local P=$!; sleep $delay; kill -9 $P 2>/dev/null; wait $P 2>/dev/null
  local out rc; out=$($DS grow --root $R --to 3G 2>&1); rc=$?
  local isz lsz bsz; isz=$(stat -c %s $I); local L; L=$(losetup -j $I -n -O NAME | head -1); lsz=$(blockdev --getsize64 $L)
  bsz=$(btrfs filesystem show --raw $M | awk '/devid/{print $4}')
  local ck; ck=$($DS check --root $R 2>&1 | cut -c1-60)
  log "after kill at '$(grep '^\[' $T/g1.log|tail -1|cut -c1-50)': rerun rc=$rc; image $isz loop $lsz btrfs $bsz; $ck"
  if [ "$(md5sum < $M/f)" != "$H" ]; then result "$id" FAIL "data changed"
  elif [ $rc = 0 ] && [ "$isz" = 3221225472 ] && [ "$lsz" = 3221225472 ] && [ "$bsz" = 3221225472 ]; then result "$id" PASS "sizes agree"
  else result "$id" FAIL "rerun rc=$rc: $(echo "$out"|tail -1|cut -c1-200)"; fi
  cleanup
}
case_X6(){ for d in 0.02 0.05 0.1 0.2; do x6_one $d; done; for d in 0.05 0.15; do x6_one $d --thick; done; }
# X7: reclaim (room lent by growing the thin image) SIGKILLed at a random point, optionally a reboot, then
# provision (boot) + reclaim; every file's md5, the image size and the btrfs size must come back.
x7_golden(){ # builds $GOLD/root (1G image store, chunks half full, unallocated 1 MiB) and $GOLD/sums
  GOLD=$(mktemp -d /tmp/atk13x.gold.XXXXXX); local T=$GOLD R=$GOLD/root; mkdir -p $R/var/lib $R/etc
  $DS provision --root $R --size 1G >/dev/null 2>&1 || return 1
  local M=$R/var/lib/docker i=0
  while dd if=/dev/urandom of=$M/f$i bs=1M count=1 status=none 2>/dev/null; do i=$((i+1)); done
  for j in $(seq 0 2 $i); do rm -f $M/f$j; done; sync; (cd $M && md5sum f* > $GOLD/sums)
  umount $M; losetup -ln -O NAME,BACK-FILE | while read -r n f; do case "$f" in $GOLD/*) losetup -d $n;; esac; done
  btrfs device scan --forget 2>/dev/null; sleep 0.3
}
x7_one(){ # delay reboot(0/1)
  local id="X7[$1,reboot=$2]"; new_case_env; rmdir $R; cp -a --sparse=always $GOLD/root $R
  local M=$R/var/lib/docker I=$R/var/lib/docker-storage.btrfs
  $DS provision --root $R >/dev/null 2>&1 || { result "$id" FAIL "boot"; cleanup; return; }
  $DS reclaim --root $R >$T/r1.log 2>&1 & local P=$!; sleep $1; kill -9 $P 2>/dev/null; wait $P 2>/dev/null
  sleep 1
  local at; at=$(grep '^\[\|^-dusage' $T/r1.log | tail -1 | cut -c1-40)
  if [ "$2" = 1 ]; then
    findmnt -rn -o TARGET | grep "^$R" | sort -r | while read -r m; do umount "$m"; done
    losetup -ln -O NAME,BACK-FILE | while read -r n f; do case "$f" in $T/*) losetup -d "$n";; esac; done
    btrfs device scan --forget 2>/dev/null; sleep 0.3
    local o; o=$($DS provision --root $R 2>&1) || log "boot provision rc=$?: $(echo "$o"|tail -1|cut -c1-200)"
  fi
  local mid; mid=$($DS check --root $R 2>&1 | cut -c1-120)
  local out rc; out=$($DS reclaim --root $R 2>&1); rc=$?
  local isz bsz; isz=$(stat -c %s $I); bsz=$(btrfs filesystem show --raw $M 2>/dev/null | awk '/devid/{print $4}')
  local sums_ok=1; (cd $M && md5sum --quiet -c $GOLD/sums >/dev/null 2>&1) || sums_ok=0
  log "killed at '$at'; check then: $mid"
  log "reclaim rc=$rc: $(echo "$out"|tail -1|cut -c1-160); image $isz btrfs $bsz sums_ok=$sums_ok; $($DS check --root $R 2>&1|cut -c1-60)"
  if [ $sums_ok = 0 ]; then result "$id" FAIL "files lost or changed"
  elif [ "$isz" != 1073741824 ] || [ "$bsz" != 1073741824 ]; then result "$id" FAIL "sizes not given back (rc=$rc)"
  else result "$id" PASS "rc=$rc"; fi
  cleanup
}
case_X7(){ x7_golden || { result X7 FAIL golden; return; }
  for d in 0.1 0.3 0.6 1.0; do x7_one $d 0; x7_one $d 1; done; rm -rf "$GOLD"; }
case_X6msg(){ # provision --device OLDNAME after a rename, store not attached: message must not say "remove that line"
  local fs; for fs in btrfs ext4; do
  new_case_env; mkroot; local D B; D=$(mkloop vol 2G)
  $DS provision --root $R --device $D --fs $fs >/dev/null 2>&1 || { result "X6msg[$fs]" FAIL setup; cleanup; continue; }
  umount $R/var/lib/docker; losetup -d $D; btrfs device scan --forget 2>/dev/null; truncate -s 2G $T/blank; B=$(losetup --show $D $T/blank); LOOPS+=($B)
  local out rc; out=$($DS provision --root $R --device $D --fs $fs --wait 2 2>&1); rc=$?
  if [ -n "$(blkid -p -o value -s TYPE $B)" ]; then result "X6msg[$fs]" FAIL "blank volume formatted"
  elif echo "$out" | grep -q "remove that line"; then result "X6msg[$fs]" FAIL "rc=$rc, tells to remove the store's fstab line: $out"
  else result "X6msg[$fs]" PASS "rc=$rc"; fi
  cleanup; done
}
case_X8(){ # the target shrinks mid-replace: the store must stay readable (the image intact)
  new_case_env; trap cleanup RETURN; mkroot
  $DS provision --root $R --size 3G >/dev/null 2>&1 || { result X8 FAIL setup; return; }
  local M=$R/var/lib/docker; dd if=/dev/urandom of=$M/big bs=1M count=1200 status=none; sync; local H; H=$(md5sum < $M/big)
  local D; D=$(mkloop vol 4G)
  $DS migrate-ebs --root $R $D --yes > $T/m.log 2>&1 & local P=$!
  for i in $(seq 1 200); do grep -q "replacing:" $T/m.log && break; sleep 0.05; done; sleep 0.3
  truncate -s 1G $T/vol; losetup -c $D; wait $P; local rc=$?
  echo 3 > /proc/sys/vm/drop_caches
  local now; now=$(md5sum < $M/big 2>/dev/null)
  local sig; sig=$(blkid -p -o value -s TYPE $R/var/lib/docker-storage.btrfs 2>/dev/null)
  local st; st=$($DS status --root $R 2>&1 | grep -c "mv $T/vol")
  if [ "$now" != "$H" ] || [ "$sig" != btrfs ]; then result X8 FAIL "migrate rc=$rc; store file readable=$([ "$now" = "$H" ] && echo yes || echo no); image signature='$sig'; status tells to mv the target's file over the image: $st"
  else result X8 PASS "rc=$rc"; fi
}
case_X9(){ # grow while a killed migrate-ebs's replace still runs: must refuse with nothing changed
  new_case_env; trap cleanup RETURN; mkroot
  $DS provision --root $R --size 3G >/dev/null 2>&1 || { result X9 FAIL setup; return; }
  local M=$R/var/lib/docker I=$R/var/lib/docker-storage.btrfs; dd if=/dev/urandom of=$M/big bs=1M count=1200 status=none; sync
  local D; D=$(mkloop vol 4G)
  $DS migrate-ebs --root $R $D --yes > $T/m.log 2>&1 & local P=$!
  for i in $(seq 1 400); do grep -q "^\[journal\]\|replacing:" $T/m.log && break; sleep 0.01; done; kill -9 $P; wait $P 2>/dev/null
  [ -f $I ] || { result X9 FAIL "inconclusive: the move finished before the kill (re-run)"; return; }
  local s0; s0=$(stat -c %s $I); local out rc; out=$($DS grow --root $R --to 5G 2>&1); rc=$?; local s1; s1=$(stat -c %s $I)
  sleep 3; $DS migrate-ebs --root $R $D --abort --yes >/dev/null 2>&1
  if [ $rc != 2 ] || [ "$s0" != "$s1" ]; then result X9 FAIL "grow rc=$rc, image $s0 -> $s1: $(echo "$out"|tail -1|cut -c1-160)"
  else result X9 PASS "refused"; fi
}
case_X10(){ # add+remove killed after add-device, --abort, re-run onto the same volume must work
  new_case_env; trap cleanup RETURN; mkroot
  $DS provision --root $R --size 2G >/dev/null 2>&1 || { result X10 FAIL setup; return; }
  dd if=/dev/urandom of=$R/var/lib/docker/big bs=1M count=300 status=none; sync; local D; D=$(mkloop vol 3G)
  DOCKSTORE_MIGRATE_METHOD=add-remove $DS migrate-ebs --root $R $D --yes > $T/m.log 2>&1 & local P=$!
  for i in $(seq 1 300); do grep -q "^\[add-device\]" $T/m.log && break; sleep 0.02; done; kill -9 $P; wait $P 2>/dev/null
  local a ar; a=$($DS migrate-ebs --root $R $D --abort --yes 2>&1); ar=$?
  local out rc; out=$(DOCKSTORE_MIGRATE_METHOD=add-remove $DS migrate-ebs --root $R $D --yes 2>&1); rc=$?
  if [ $ar = 0 ] && [ $rc != 0 ]; then result X10 FAIL "abort: '$(echo "$a"|tail -1)'; re-run rc=$rc: $(echo "$out"|tail -1|cut -c1-150)"
  else result X10 PASS "abort rc=$ar rerun rc=$rc"; fi
}
# X11: device-store reclaim (room lent as a temporary member over a file in /var/lib/dockstore) killed, reboot with the
# store's device renamed (a blank volume at its old name), provision (boot), reclaim: data, device count and file back.
x11_one(){ # delay
  local id="X11[$1]"; new_case_env; mkroot
  local D; D=$(mkloop vol 1G)
  $DS provision --root $R --device $D >/dev/null 2>&1 || { result "$id" FAIL setup; cleanup; return; }
  local M=$R/var/lib/docker i=0
  while dd if=/dev/urandom of=$M/f$i bs=1M count=1 status=none 2>/dev/null; do i=$((i+1)); done
  for j in $(seq 0 2 $i); do rm -f $M/f$j; done; sync; (cd $M && md5sum f* > $T/sums)
  $DS reclaim --root $R >$T/r1.log 2>&1 & local P=$!
  case $1 in room-*) for i in $(seq 1 600); do grep -q "^\[$1\]" $T/r1.log && break; sleep 0.01; done;; *) sleep $1;; esac
  kill -9 $P 2>/dev/null; wait $P 2>/dev/null; sleep 1
  local at; at=$(grep '^\[\|^-dusage' $T/r1.log | tail -1 | cut -c1-40); local ndev; ndev=$(btrfs fi show $M | grep -c devid)
  findmnt -rn -o TARGET | grep "^$R" | sort -r | while read -r m; do umount "$m"; done
  losetup -ln -O NAME,BACK-FILE | while read -r n f; do case "$f" in $T/*|$R/*) losetup -d "$n";; esac; done
  btrfs device scan --forget 2>/dev/null; sleep 0.3; LOOPS=()
  truncate -s 1G $T/blank; local B N; B=$(losetup --show $D $T/blank); N=$(losetup -f --show $T/vol); LOOPS+=($B $N)
  local o; o=$($DS provision --root $R 2>&1); local prc=$?
  local out rc; out=$($DS reclaim --root $R 2>&1); rc=$?
  local sums_ok=1; (cd $M && md5sum --quiet -c $T/sums >/dev/null 2>&1) || sums_ok=0
  local nd2; nd2=$(btrfs fi show $M 2>/dev/null | grep -c devid); local left; left=$(ls $R/var/lib/dockstore 2>/dev/null | tr '\n' ' ')
  log "killed at '$at' with $ndev device(s); boot provision rc=$prc: $(echo "$o"|tail -1|cut -c1-120)"
  log "reclaim rc=$rc: $(echo "$out"|tail -1|cut -c1-120); devices now $nd2; sums_ok=$sums_ok; /var/lib/dockstore: $left; blank sig='$(blkid -p -o value -s TYPE $B)'"
  if [ $sums_ok = 0 ]; then result "$id" FAIL "files lost"
  elif [ "$nd2" != 1 ] || [ -n "$(blkid -p -o value -s TYPE $B)" ]; then result "$id" FAIL "lent member not given back / blank touched (rc=$rc)"
  else result "$id" PASS "rc=$rc"; fi
  cleanup
}
case_X11(){ for d in 0.2 0.5 1.0; do x11_one $d; done; }
case_X1td(){ # device store + dockerd (pidfile in the root): teardown --stop-docker --wipe-device must stop it and wipe
  new_case_env; trap cleanup RETURN; mkroot
  local D; D=$(mkloop vol 2G); $DS provision --root $R --device $D >/dev/null 2>&1 || { result X1td FAIL setup; return; }
  mkdir -p $T/exec; dockerd --data-root $R/var/lib/docker --exec-root $T/exec --pidfile $R/run/docker.pid --host unix://$R/run/docker.sock \
     --iptables=false --bridge=none --storage-driver=btrfs >$T/dockerd.log 2>&1 & DOCKERD=$!
  for i in $(seq 1 40); do docker -H unix://$R/run/docker.sock info >/dev/null 2>&1 && break; sleep 0.5; done
  local out rc; out=$($DS teardown --root $R --stop-docker --wipe-device 2>&1); rc=$?
  if [ $rc = 0 ] && [ -z "$(blkid -p -o value -s TYPE $D)" ]; then result X1td PASS "wiped"
  else result X1td FAIL "rc=$rc: $(echo "$out"|tail -1|cut -c1-160)"; fi
}
case_X12(){ # device store on a loop device that grew: grow must take the new size
  new_case_env; trap cleanup RETURN; mkroot
  local D; D=$(mkloop vol 2G); $DS provision --root $R --device $D >/dev/null 2>&1 || { result X12 FAIL setup; return; }
  truncate -s 4G $T/vol; losetup -c $D
  local out rc; out=$($DS grow --root $R 2>&1); rc=$?
  local bsz; bsz=$(btrfs filesystem show --raw $R/var/lib/docker | awk '/devid/{print $4}')
  if [ $rc = 0 ] && [ "$bsz" = 4294967296 ]; then result X12 PASS "grown"; else result X12 FAIL "rc=$rc btrfs $bsz: $(echo "$out"|tail -1|cut -c1-140)"; fi
}
case_X13(){ # --abort after a finished move must not say the move is unfinished
  new_case_env; trap cleanup RETURN; mkroot
  $DS provision --root $R --size 1G >/dev/null 2>&1; local D; D=$(mkloop vol 2G); $DS migrate-ebs --root $R $D --yes >/dev/null 2>&1 || { result X13 FAIL setup; return; }
  local out; out=$($DS migrate-ebs --root $R $D --abort --yes 2>&1)
  if echo "$out" | grep -q "finish it"; then result X13 FAIL "$(echo "$out"|tail -1|cut -c1-160)"; else result X13 PASS "$(echo "$out"|tail -1|cut -c1-80)"; fi
}
case_X14(){ # store moved by plain `btrfs replace` onto a loop device: must not be diagnosed as "image moved away" with mv advice
  new_case_env; trap cleanup RETURN; mkroot
  $DS provision --root $R --size 1G >/dev/null 2>&1 || { result X14 FAIL setup; return; }
  local D; D=$(mkloop vol 2G); btrfs replace start -B 1 $D $R/var/lib/docker >/dev/null 2>&1 || { result X14 FAIL "btrfs replace"; return; }
  local out; out=$($DS status --root $R 2>&1)
  if echo "$out" | grep -q "mv $T/vol"; then result X14 FAIL "status tells to mv the volume's file over the image: $(echo "$out" | grep -o 'moved away while mounted[^;]*' | head -1)"
  else result X14 PASS "no mv advice"; fi
}
# ---- main ----
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  ALL=$(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//')
  for c in ${1:-$ALL}; do "case_$c"; done
  echo "cases: $((PASSES+FAILS)) pass: $PASSES fail: $FAILS"
  [ $FAILS = 0 ]
fi
