#!/bin/bash
# Attacker X (fourteenth attack): states, devices, time, Docker's data.
# DOCKSTORE=/path/to/bin ./attack.sh [CASE...]   runs all or the named cases; exit 1 if any failed.
DS=${DOCKSTORE:-/work/attack14/dockstore}
PASSN=0; FAILN=0; FAILED=()
R=""; LOOPS=(); DPID=""; BGPIDS=()
log(){ echo "  $*"; }
mkroot(){ R=$(mktemp -d /tmp/x14.XXXXXX); mkdir -p $R/etc $R/var/lib; }
mkdisk(){ # name size -> prints loop dev
  truncate -s "$2" "$R.$1.disk"
  local l; l=$(losetup -f --show "$R.$1.disk"); LOOPS+=("$l"); echo "$l"; }
dk(){ docker -H "unix://$R.sock" "$@"; }
start_dockerd(){ # data root = $R/var/lib/docker
  dockerd --data-root "$R/var/lib/docker" --exec-root "$R.exec" --pidfile "$R.pid" --host "unix://$R.sock" \
    --iptables=false --bridge=none --storage-driver btrfs >"$R.dockerd.log" 2>&1 &
  DPID=$!
  for i in $(seq 60); do dk info >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "dockerd did not start"; tail "$R.dockerd.log"; return 1; }
stop_dockerd(){ [ -n "$DPID" ] && { dk ps -q 2>/dev/null | xargs -r docker -H unix://$R.sock kill >/dev/null 2>&1; kill "$DPID" 2>/dev/null; for i in $(seq 40); do kill -0 $DPID 2>/dev/null || break; sleep 0.5; done; kill -9 $DPID 2>/dev/null; wait $DPID 2>/dev/null; }; DPID=""; }
mkbbimage(){ local t=$R.bbroot; mkdir -p $t/bin $t/data $t/tmp; cp /usr/bin/busybox $t/bin/; for c in sh cat echo sleep dd sha256sum ls sync seq tail wc; do ln -sf busybox $t/bin/$c; done
  tar -C $t -c . | dk import - bb:1 >/dev/null; }
cleanup(){
  for p in "${BGPIDS[@]}"; do kill -9 $p 2>/dev/null; wait $p 2>/dev/null; done; BGPIDS=()
  [ -n "$R" ] || return 0
  if [ -n "$DPID" ]; then dk ps -q 2>/dev/null | xargs -r docker -H unix://$R.sock kill >/dev/null 2>&1; stop_dockerd; fi
  powercut_docker
  # unmount everything under our root and exec root, deepest first
  for m in $(awk -v r="$R" '{ if (index($2, r)==1) print $2 }' /proc/self/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
  # loop devices over our files
  for f in /sys/block/loop*/loop/backing_file; do grep -q "^$R" "$f" 2>/dev/null && losetup -d /dev/$(basename $(dirname $(dirname $f))) 2>/dev/null; done
  for l in "${LOOPS[@]}"; do losetup "$l" 2>/dev/null | grep -q "$R" && losetup -d "$l"; done
  LOOPS=()
  sleep 0.3
  for m in $(awk -v r="$R" '{ if (index($2, r)==1) print $2 }' /proc/self/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
  rm -rf "$R" "$R".* 2>/dev/null
  R=""
}
trap cleanup EXIT INT TERM
pass(){ echo "PASS $CASE"; PASSN=$((PASSN+1)); }
fail(){ echo "FAIL $CASE: $*"; FAILN=$((FAILN+1)); FAILED+=("$CASE"); }

# ---- shared setup: image store with dockerd, a container writing, 300 MiB of random data + checksum
setup_store_with_docker(){ # $1 image size
  mkroot; $DS provision --root $R --size ${1:-3G} > $R.prov.out 2>&1 || { echo "provision failed"; cat $R.prov.out; return 1; }
  start_dockerd || return 1; mkbbimage || return 1
  dk run -d --name wr bb:1 sh -c '[ -s /data/big.sum ] || { dd if=/dev/urandom of=/data/big bs=1M count='${MB:-300}' 2>/dev/null; sha256sum /data/big > /data/big.sum; }; i=0; [ -s /data/log ] && i=$(tail -1 /data/log); while true; do echo $i >> /data/log; i=$((i+1)); done' >/dev/null || return 1
  for i in $(seq 120); do dk exec wr sh -c 'test -s /data/big.sum' 2>/dev/null && break; sleep 0.5; done
  dk commit wr bb:snap >/dev/null || return 1
  SUM=$(dk exec wr cat /data/big.sum | cut -d' ' -f1)
  IMGID=$(dk image inspect -f '{{.Id}}' bb:snap)
}
verify_docker_data(){ # checks the live container and the committed image still read back
  local s; s=$(dk exec wr sha256sum /data/big 2>&1 | cut -d' ' -f1)
  [ "$s" = "$SUM" ] || { echo "container file checksum $s != $SUM"; return 1; }
  local s2; s2=$(dk run --rm bb:snap sha256sum /data/big 2>&1 | cut -d' ' -f1)
  [ "$s2" = "$SUM" ] || { echo "image bb:snap file checksum $s2 != $SUM"; return 1; }
  local n1 n2; n1=$(dk exec wr sh -c 'tail -1 /data/log'); sleep 1; n2=$(dk exec wr sh -c 'tail -1 /data/log')
  [ "$n2" -gt "$n1" ] 2>/dev/null || { echo "container no longer writing ($n1 -> $n2)"; return 1; }
  return 0
}

# ---- M1: migrate-ebs (replace) with dockerd and a container writing, SIGKILL at a random point, re-run; data intact?
case_M1(){ local delay=${1:-$(awk 'BEGIN{srand(); printf "%.1f", rand()*4}')}
  setup_store_with_docker 3G || { fail "setup"; return; }
  local T; T=$(mkdisk t1 4G)
  ( exec $DS migrate-ebs $T --root $R --yes > $R.mig1.out 2>&1 ) & local MP=$!
  sleep $delay; kill -9 $MP 2>/dev/null; wait $MP; log "killed after ${delay}s: $(grep -o '^\[[a-z-]*\]' $R.mig1.out | tail -1)"
  $DS migrate-ebs $T --root $R --yes > $R.mig2.out 2>&1; local rc=$?
  log "re-run rc=$rc: $(tail -1 $R.mig2.out)"
  local e; e=$(verify_docker_data) || { fail "after kill at ${delay}s + re-run: $e"; return; }
  [ $rc = 0 ] || { fail "re-run exit $rc: $(tail -2 $R.mig2.out)"; return; }
  btrfs filesystem show $R/var/lib/docker 2>/dev/null | grep -q "$T" || { fail "store not on $T after re-run"; return; }
  [ -e $R/var/lib/docker-storage.btrfs ] && { fail "image still there"; return; }
  # after dockerd restart (the boot): the store from the volume
  stop_dockerd; umount $R/var/lib/docker || { fail "umount"; return; }
  $DS provision --root $R > $R.prov2.out 2>&1 || { fail "provision after move: $(tail -2 $R.prov2.out)"; return; }
  start_dockerd || { fail "dockerd after move"; return; }
  dk start wr >/dev/null; e=$(verify_docker_data) || { fail "after remount: $e"; return; }
  pass
}

# simulated reboot: dockerd down, store unmounted, every loop device over our files detached, btrfs forgets them
powercut_docker(){ # SIGKILL dockerd, its containerd, shims and containers, by pid
  local pids; pids=$(pgrep -f "$R.exec"; [ -n "$DPID" ] && echo $DPID)
  local all="$pids"; for p in $pids; do all="$all $(cat /proc/$p/task/*/children 2>/dev/null)"; done
  local kids=""; for p in $pids; do kids="$kids $(cat /proc/$p/task/*/children 2>/dev/null)"; done
  for p in $kids; do kill -9 $p 2>/dev/null; done; for p in $pids; do kill -9 $p 2>/dev/null; done; [ -n "$DPID" ] && wait $DPID 2>/dev/null; DPID=""; sleep 0.5; }
reboot_sim(){ local f d m devs
  if [ "$1" = cut ]; then powercut_docker; else stop_dockerd; fi
  for m in $(awk -v r="$R" '{ if (index($2, r)==1) print $2 }' /proc/self/mounts | sort -r); do umount "$m" 2>/dev/null || umount -l "$m"; done
  local devs=""
  for f in /sys/block/loop*/loop/backing_file; do grep -q "^$R" "$f" 2>/dev/null && devs="$devs /dev/$(basename $(dirname $(dirname $f)))"; done
  for d in $devs; do btrfs device scan --forget $d 2>/dev/null; losetup -d $d; done
  sleep 0.5; LOOPS=()
}
attach(){ local l; l=$(losetup -f --show "$1"); LOOPS+=("$l"); echo $l; }
# attach FILE at exactly DEV when free (to hand an old name to another disk)
attach_at(){ losetup "$2" "$1" 2>/dev/null && { LOOPS+=("$2"); echo "$2"; } || attach "$1"; }

# ---- M3: migrate-ebs killed mid-replace, reboot that renames the target (a blank disk takes its old name),
#          --abort with the new name, then boot provision; data intact, blank disk untouched
case_M3(){ local delay=${1:-0.3}
  MB=900 setup_store_with_docker 3G || { fail "setup"; return; }
  local T; T=$(mkdisk t1 4G); truncate -s 4G $R.blank.disk
  ( exec $DS migrate-ebs $T --root $R --yes > $R.mig1.out 2>&1 ) & local MP=$!
  for i in $(seq 200); do grep -q '^\[journal\]' $R.mig1.out && break; sleep 0.05; done
  sleep $delay; kill -9 $MP 2>/dev/null; wait $MP 2>/dev/null; log "killed ${delay}s into the replace: $(tail -1 $R.mig1.out)"
  reboot_sim cut
  local B T2; B=$(attach_at $R.blank.disk $T); T2=$(attach $R.t1.disk); log "blank now $B, target now $T2"
  local bsum; bsum=$(sha256sum < $B)
  $DS provision --root $R > $R.boot1.out 2>&1; log "boot provision rc=$?: $(tail -1 $R.boot1.out)"
  $DS migrate-ebs $T2 --abort --root $R --yes > $R.abort.out 2>&1; local rc=$?
  log "abort rc=$rc: $(tail -1 $R.abort.out)"
  [ "$(sha256sum < $B)" = "$bsum" ] || { fail "the blank disk $B (old name of the target) was written"; return; }
  # second reboot, names swapped back
  reboot_sim; T2=$(attach $R.t1.disk); B=$(attach $R.blank.disk)
  $DS provision --root $R > $R.boot2.out 2>&1 || { fail "second boot provision: $(tail -2 $R.boot2.out)"; return; }
  start_dockerd || { fail "dockerd after abort"; return; }
  dk start wr >/dev/null; local e; e=$(verify_docker_data) || { fail "after abort+reboot: $e"; return; }
  [ -e $R/var/lib/dockstore/migration.json ] && { fail "journal still open after abort rc=$rc: $(tail -1 $R.abort.out)"; return; }
  [ $rc = 0 ] || { fail "abort exit $rc: $(tail -1 $R.abort.out)"; return; }
  # the target can be used again: re-run the migration onto it
  $DS migrate-ebs $T2 --root $R --yes > $R.mig3.out 2>&1 || { fail "migrate after abort: $(tail -1 $R.mig3.out)"; return; }
  e=$(verify_docker_data) || { fail "after migrate following abort: $e"; return; }
  pass
}

# data file check on a store file (image or device file) after everything is down: mounted read-only by us
check_file_in(){ # $1 backing file -> 0 if DATA sha matches
  reboot_sim; mkdir -p $R.chk; local l; l=$(attach "$1")
  btrfs device scan $l >/dev/null 2>&1
  mount -o ro $l $R.chk 2>/dev/null || { echo "cannot mount $1"; losetup -d $l; return 1; }
  local s; s=$(sha256sum < $R.chk/datafile 2>/dev/null | cut -d' ' -f1); umount $R.chk; btrfs device scan --forget $l 2>/dev/null; losetup -d $l
  [ "$s" = "$DSUM" ] || { echo "datafile in $1: $s != $DSUM"; return 1; }; }

# ---- T2: teardown (no --delete-image, no --wipe-device) killed at each failpoint, then provision: the data stays
case_T2(){ local kind=$1 fp=$2 targs=$3 dev="" file
  mkroot
  if [ "$kind" = device ]; then dev=$(mkdisk d1 2G); file=$R.d1.disk
    $DS provision --root $R --device $dev > $R.p.out 2>&1 || { fail "provision --device: $(tail -1 $R.p.out)"; return; }
  else file=$R/var/lib/docker-storage.btrfs
    $DS provision --root $R --size 2G > $R.p.out 2>&1 || { fail "provision: $(tail -1 $R.p.out)"; return; }; fi
  head -c 50M /dev/urandom > $R/var/lib/docker/datafile ; sync -f $R/var/lib/docker; DSUM=$(sha256sum < $R/var/lib/docker/datafile | cut -d' ' -f1)
  DOCKSTORE_FAILPOINT=$fp $DS teardown --root $R $targs > $R.t.out 2>&1; local rc=$?
  log "teardown killed at $fp: rc=$rc $(tail -1 $R.t.out)"
  if [ "$kind" = device ]; then $DS provision --root $R --device $dev > $R.p2.out 2>&1; else $DS provision --root $R > $R.p2.out 2>&1; fi
  local prc=$?; log "provision after: rc=$prc $(tail -1 $R.p2.out)"
  if mountpoint -q $R/var/lib/docker; then
    local s; s=$(sha256sum < $R/var/lib/docker/datafile 2>/dev/null | cut -d' ' -f1)
    [ "$s" = "$DSUM" ] || { fail "provision after teardown killed at $fp mounted a store without the data ($s)"; return; }
  fi
  local e; e=$(check_file_in $file) || { fail "kill at $fp then provision: $e"; return; }
  pass
}

# data somewhere: in the device file or the image, whichever mounts
data_somewhere(){ local f; for f in "$@"; do [ -e "$f" ] || continue; check_file_in "$f" >/dev/null 2>&1 && { echo "$f"; return 0; }; done; return 1; }

# ---- C: two commands at once on one store: migrate-ebs + teardown[args], teardown started DELAY s after
case_C1(){ local delay=$1 targs=$2
  mkroot; $DS provision --root $R --size 3G > $R.p.out 2>&1 || { fail "provision"; return; }
  head -c 600M /dev/urandom > $R/var/lib/docker/datafile ; sync -f $R/var/lib/docker; DSUM=$(sha256sum < $R/var/lib/docker/datafile | cut -d' ' -f1)
  local T; T=$(mkdisk t1 4G)
  ( exec $DS migrate-ebs $T --root $R --yes > $R.m.out 2>&1 ) & local MP=$!; BGPIDS+=($MP)
  sleep $delay
  $DS teardown --root $R $targs > $R.t.out 2>&1; local trc=$?
  wait $MP; local mrc=$?
  log "migrate rc=$mrc: $(tail -1 $R.m.out)"; log "teardown rc=$trc: $(tail -1 $R.t.out)"
  # teardown --delete-image that got the lock first deletes the image as asked, and migrate-ebs then refuses: no defect
  if [ "$targs" = --delete-image ] && [ $mrc = 2 ] && [ $trc = 0 ]; then log "teardown --delete-image ran first (as asked); migrate-ebs refused"; pass; return; fi
  local where; where=$(data_somewhere $R.t1.disk $R/var/lib/docker-storage.btrfs $R/var/lib/docker-storage.btrfs.dockstore-deleted) || { fail "datafile found nowhere (migrate rc=$mrc, teardown rc=$trc)"; return; }
  log "data in $where"
  pass
}
case_C2(){ local delay=$1 # teardown first, migrate-ebs DELAY s after
  mkroot; $DS provision --root $R --size 3G > $R.p.out 2>&1 || { fail "provision"; return; }
  head -c 600M /dev/urandom > $R/var/lib/docker/datafile ; sync -f $R/var/lib/docker; DSUM=$(sha256sum < $R/var/lib/docker/datafile | cut -d' ' -f1)
  local T; T=$(mkdisk t1 4G)
  ( exec $DS teardown --root $R > $R.t.out 2>&1 ) & local TP=$!; BGPIDS+=($TP)
  sleep $delay; $DS migrate-ebs $T --root $R --yes > $R.m.out 2>&1; local mrc=$?; wait $TP; local trc=$?
  log "migrate rc=$mrc: $(tail -1 $R.m.out)"; log "teardown rc=$trc: $(tail -1 $R.t.out)"
  local where; where=$(data_somewhere $R.t1.disk $R/var/lib/docker-storage.btrfs) || { fail "datafile found nowhere"; return; }
  log "data in $where"; pass
}

# ---- M4: migrate-ebs while dockerd creates and deletes containers (subvolumes come and go during the move)
case_M4(){ local method=${1:-replace}
  MB=400 setup_store_with_docker 3G || { fail "setup"; return; }
  local T; T=$(mkdisk t1 4G)
  ( while true; do docker -H unix://$R.sock run --rm bb:1 sh -c 'echo x > /tmp/x' >/dev/null 2>&1; done ) & local CP=$!; BGPIDS+=($CP)
  sleep 1
  DOCKSTORE_MIGRATE_METHOD=$method $DS migrate-ebs $T --root $R --yes > $R.m.out 2>&1; local rc=$?
  kill $CP 2>/dev/null; wait $CP 2>/dev/null
  log "migrate ($method) rc=$rc: $(tail -2 $R.m.out | tr '\n' ' ')"
  local e; e=$(verify_docker_data) || { fail "$e"; return; }
  [ $rc = 0 ] || { fail "migrate-ebs with containers coming and going: exit $rc: $(tail -1 $R.m.out)"; return; }
  pass
}

# ---- P1: provision --device OLDNAME after a reboot that gave OLDNAME to another docker-labelled btrfs (a backup volume)
case_P1(){
  mkroot; local A B; A=$(mkdisk a 2G)
  $DS provision --root $R --device $A > $R.p.out 2>&1 || { fail "provision --device: $(tail -1 $R.p.out)"; return; }
  echo mine > $R/var/lib/docker/which ; sync -f $R/var/lib/docker
  local UA; UA=$(blkid -o value -s UUID $A)
  truncate -s 2G $R.b.disk
  reboot_sim
  # the other volume: a docker-labelled btrfs from elsewhere, now at the old name
  B=$(attach_at $R.b.disk $A); mkfs.btrfs -q -L docker $B; mkdir -p $R.bm; mount $B $R.bm; echo other > $R.bm/which; umount $R.bm; btrfs device scan --forget $B
  local A2; A2=$(attach $R.a.disk); btrfs device scan $A2 >/dev/null
  log "store now $A2, other volume at the old name $B"
  local bsum; bsum=$(sha256sum < $B)
  $DS provision --root $R --device $A > $R.p2.out 2>&1; local rc=$?
  log "provision --device $A rc=$rc: $(tail -1 $R.p2.out)"
  [ "$(sha256sum < $B)" = "$bsum" ] || { fail "the other volume at $A was written"; return; }
  if mountpoint -q $R/var/lib/docker; then
    [ "$(cat $R/var/lib/docker/which)" = mine ] || { fail "provision --device $A (rc=$rc) mounted the other docker volume as the store: $(tail -1 $R.p2.out)"; return; }
  fi
  grep -q "UUID=$UA" $R/etc/fstab || { fail "fstab no longer names the store: $(grep docker $R/etc/fstab)"; return; }
  pass
}

# ---- P1b: provision --device OLDNAME after a reboot gave OLDNAME to a blank volume: the message must not name a
#           UUID nobody holds nor ask to attach the attached store
case_P1b(){
  mkroot; local A A2 B; A=$(mkdisk a 2G)
  $DS provision --root $R --device $A > $R.p.out 2>&1 || { fail "provision --device"; return; }
  truncate -s 2G $R.b.disk; reboot_sim
  B=$(attach_at $R.b.disk $A); A2=$(attach $R.a.disk); btrfs device scan $A2 >/dev/null
  local bsum; bsum=$(sha256sum < $B)
  $DS provision --root $R --device $A > $R.p2.out 2>&1; local rc=$?
  log "rc=$rc: $(tail -1 $R.p2.out)"
  [ "$(sha256sum < $B)" = "$bsum" ] || { fail "blank volume written"; return; }
  local u; for u in $(grep -o 'UUID=[0-9a-f-]*' $R.p2.out | sort -u | cut -d= -f2); do
    blkid -U $u >/dev/null 2>&1 || btrfs filesystem show $u >/dev/null 2>&1 || { fail "message names UUID=$u, which no device holds: $(tail -1 $R.p2.out)"; return; }; done
  if [ $rc != 0 ] && ! grep -q "$A2" $R.p2.out; then fail "refusal does not say the store is on $A2: $(tail -1 $R.p2.out)"; return; fi
  pass
}

# ---- M6: add+remove migration killed while moving, power cut + rename, boot provision, --abort killed while moving
#          back, power cut + rename again, boot provision, --abort again: data intact, blank disks untouched
case_M6(){ local d1=${1:-0.5} d2=${2:-0.5}
  mkroot; $DS provision --root $R --size 3G > $R.p.out 2>&1 || { fail "provision"; return; }
  head -c 700M /dev/urandom > $R/var/lib/docker/datafile ; sync -f $R/var/lib/docker; DSUM=$(sha256sum < $R/var/lib/docker/datafile | cut -d' ' -f1)
  local T; T=$(mkdisk t1 4G); truncate -s 4G $R.blank1.disk $R.blank2.disk
  ( DOCKSTORE_MIGRATE_METHOD=add-remove exec $DS migrate-ebs $T --root $R --yes > $R.m1.out 2>&1 ) & local MP=$!
  for i in $(seq 200); do grep -q '^\[add-device\]' $R.m1.out && break; sleep 0.05; done
  sleep $d1; kill -9 $MP; wait $MP 2>/dev/null; log "migrate killed: $(tail -1 $R.m1.out)"
  reboot_sim cut
  local B1 T2; B1=$(attach_at $R.blank1.disk $T); T2=$(attach $R.t1.disk); local b1=$(sha256sum < $B1)
  $DS provision --root $R > $R.b1.out 2>&1; log "boot1 rc=$?: $(tail -1 $R.b1.out)"
  ( exec $DS migrate-ebs $T2 --abort --root $R --yes > $R.a1.out 2>&1 ) & MP=$!
  sleep $d2; kill -9 $MP; wait $MP 2>/dev/null; log "abort killed: $(tail -1 $R.a1.out)"
  reboot_sim cut
  local B2 T3; B2=$(attach_at $R.blank2.disk $T2); T3=$(attach $R.t1.disk); B1=$(attach $R.blank1.disk); local b2=$(sha256sum < $B2)
  $DS provision --root $R > $R.b2.out 2>&1; log "boot2 rc=$?: $(tail -1 $R.b2.out)"
  $DS migrate-ebs $T3 --abort --root $R --yes > $R.a2.out 2>&1; local rc=$?; log "abort again ($T3) rc=$rc: $(tail -1 $R.a2.out)"
  [ "$(sha256sum < $B1)" = "$b1" ] || { fail "blank disk 1 written"; return; }
  [ "$(sha256sum < $B2)" = "$b2" ] || { fail "blank disk 2 written"; return; }
  local s; s=$(sha256sum < $R/var/lib/docker/datafile 2>&1 | cut -d' ' -f1)
  [ "$s" = "$DSUM" ] || { fail "datafile after abort: $s"; return; }
  [ $rc = 0 ] || { fail "second abort exit $rc: $(tail -1 $R.a2.out)"; return; }
  btrfs filesystem show $R/var/lib/docker | grep -q "$T3" && { fail "target still a member after abort"; return; }
  # the target can be migrated onto again
  $DS migrate-ebs $T3 --root $R --yes > $R.m3.out 2>&1 || { fail "migrate after aborts: $(tail -1 $R.m3.out)"; return; }
  s=$(sha256sum < $R/var/lib/docker/datafile 2>&1 | cut -d' ' -f1); [ "$s" = "$DSUM" ] || { fail "datafile after final move: $s"; return; }
  pass
}

# ---- G1: grow --to and reclaim at once on an image store whose chunks are half empty; then both re-run:
#          the image and btrfs end at the grown size, data intact
case_G1(){ local delay=${1:-0.2}
  mkroot; $DS provision --root $R --size 1G > $R.p.out 2>&1 || { fail "provision"; return; }
  local M=$R/var/lib/docker i=0; while head -c 8M /dev/urandom > $M/f$i 2>/dev/null; do i=$((i+1)); done
  for j in $(seq 0 2 $i); do rm -f $M/f$j; done ; sync -f $R/var/lib/docker; (cd $M; sha256sum f* > $R.sums)
  ( exec $DS reclaim --root $R > $R.r.out 2>&1 ) & local RP=$!; BGPIDS+=($RP)
  sleep $delay; $DS grow --root $R --to 2G > $R.g.out 2>&1; local grc=$?; wait $RP; local rrc=$?
  log "reclaim rc=$rrc: $(tail -1 $R.r.out)"; log "grow rc=$grc: $(tail -1 $R.g.out)"
  [ $grc = 0 ] || { $DS grow --root $R --to 2G > $R.g2.out 2>&1; grc=$?; log "grow again rc=$grc: $(tail -1 $R.g2.out)"; }
  local isz bsz; isz=$(stat -c %s $R/var/lib/docker-storage.btrfs); bsz=$(btrfs filesystem show --raw $M | awk '/devid/{print $4}')
  (cd $M; sha256sum -c --quiet $R.sums) || { fail "files changed"; return; }
  [ $grc = 0 ] && { [ "$isz" = 2147483648 ] && [ "$bsz" = 2147483648 ] || { fail "grow said done but image $isz, btrfs $bsz"; return; }; }
  pass
}

# ---- O1: reclaim --orphans while dockerd imports an image (a young layer subvolume nothing names yet)
case_O1(){
  MB=50 setup_store_with_docker 3G || { fail "setup"; return; }
  local t=$R.big; mkdir -p $t/bin; cp /usr/bin/busybox $t/bin/; ln -sf busybox $t/bin/sh; ln -sf busybox $t/bin/sha256sum; head -c 400M /dev/urandom > $t/blob
  local bsum; bsum=$(sha256sum < $t/blob | cut -d' ' -f1)
  ( tar -C $t -c . | docker -H unix://$R.sock import - big:1 > $R.imp.out 2>&1; echo $? > $R.imp.rc ) &
  local IP=$!; BGPIDS+=($IP)
  local n=0; for i in $(seq 40); do sleep 0.25; $DS reclaim --orphans --root $R >> $R.r.out 2>&1; echo "rc=$?" >> $R.r.out; done
  wait $IP; log "import rc=$(cat $R.imp.rc): $(tail -1 $R.imp.out)"; log "reclaim: $(grep -c 'rc=0' $R.r.out) runs rc 0, deleted: $(grep -ci delete $R.r.out)"
  local s; s=$(dk run --rm big:1 sha256sum /blob 2>&1 | cut -d' ' -f1)
  [ "$s" = "$bsum" ] || { fail "imported image broken after reclaim --orphans: $s; $(grep -i delet $R.r.out | head -2)"; return; }
  local e; e=$(verify_docker_data) || { fail "$e"; return; }
  pass
}
# ---- O2: dockerd SIGKILLed (containers go on under their shims), reclaim --orphans, dockerd again: all there
case_O2(){
  MB=50 setup_store_with_docker 3G || { fail "setup"; return; }
  dk create --name cr bb:snap sh -c 'exit 0' >/dev/null
  local cpid; cpid=$(pgrep -P $DPID -x containerd)
  kill -9 $DPID; wait $DPID 2>/dev/null; DPID=""; [ -n "$cpid" ] && kill -9 $cpid; sleep 1
  log "shims left running: $(pgrep -f "$R.exec" | wc -l)"
  $DS reclaim --orphans --root $R > $R.r.out 2>&1; local rc=$?; log "reclaim --orphans rc=$rc: $(tail -1 $R.r.out)"
  powercut_docker; start_dockerd || { fail "dockerd restart"; return; }
  dk start wr >/dev/null 2>&1; local e; e=$(verify_docker_data) || { fail "after reclaim --orphans with dockerd killed: $e"; return; }
  dk start -a cr >/dev/null 2>&1 || { fail "created container cr no longer starts: $(dk start -a cr 2>&1 | tail -1)"; return; }
  pass
}

# ---- G2: reclaim SIGKILLed mid-balance, then grow, then reclaim, then grow: ends grown, files intact, journal closed
case_G2(){ local fp=${1:-}
  mkroot; $DS provision --root $R --size 1G > $R.p.out 2>&1 || { fail "provision"; return; }
  local M=$R/var/lib/docker i=0; while head -c 8M /dev/urandom > $M/f$i 2>/dev/null; do i=$((i+1)); done
  for j in $(seq 0 2 $i); do rm -f $M/f$j; done ; sync -f $R/var/lib/docker; (cd $M; sha256sum f* > $R.sums)
  if [ -n "$fp" ]; then DOCKSTORE_FAILPOINT=$fp $DS reclaim --root $R > $R.r.out 2>&1
  else ( exec $DS reclaim --root $R > $R.r.out 2>&1 ) & local RP=$!; sleep 0.4; kill -9 $RP; wait $RP 2>/dev/null; fi
  log "reclaim killed: $(tail -1 $R.r.out)"
  $DS grow --root $R --to 2G > $R.g.out 2>&1; log "grow rc=$?: $(tail -1 $R.g.out)"
  $DS reclaim --root $R > $R.r2.out 2>&1; log "reclaim rc=$?: $(tail -1 $R.r2.out)"
  $DS grow --root $R --to 2G > $R.g2.out 2>&1; local grc=$?; log "grow rc=$grc: $(tail -1 $R.g2.out)"
  local isz bsz; isz=$(stat -c %s $R/var/lib/docker-storage.btrfs); bsz=$(btrfs filesystem show --raw $M | awk '/devid/{print $4}')
  (cd $M; sha256sum -c --quiet $R.sums) || { fail "files changed"; return; }
  [ -e $R/var/lib/dockstore/reclaim.json ] && { fail "reclaim journal still open"; return; }
  [ $grc = 0 ] && [ "$isz" = 2147483648 ] && [ "$bsz" = 2147483648 ] || { fail "grow rc=$grc image $isz btrfs $bsz"; return; }
  pass
}
# ---- C3: provision and teardown at once on a fresh tree: the end state is one of the two, status agrees
case_C3(){ local delay=${1:-0.02}
  mkroot
  ( exec $DS provision --root $R --size 2G > $R.p.out 2>&1 ) & local PP=$!; BGPIDS+=($PP)
  sleep $delay; $DS teardown --root $R --delete-image > $R.t.out 2>&1; local trc=$?; wait $PP; local prc=$?
  log "provision rc=$prc: $(tail -1 $R.p.out)"; log "teardown rc=$trc: $(tail -1 $R.t.out)"
  $DS status --root $R > $R.s.out 2>&1; local src=$?; log "status rc=$src: $(grep state: $R.s.out)"
  local mounted=no; mountpoint -q $R/var/lib/docker 2>/dev/null && mounted=yes
  if [ $mounted = yes ]; then [ $src = 0 ] || { fail "store mounted but status rc=$src: $(grep -i -e problem -e state $R.s.out | head -2)"; return; }
  else grep -q docker-storage $R/etc/fstab 2>/dev/null && { fail "not mounted but fstab still has the line; status rc=$src"; return; }
       [ -e $R/var/lib/docker-storage.btrfs ] && ! losetup -j $R/var/lib/docker-storage.btrfs | grep -q . && [ $trc = 0 ] && grep -q 'delete' $R.t.out && { fail "teardown --delete-image rc=0 but the image is still there"; return; }
  fi
  pass
}

# ---- G3: a reclaim killed before it lent room: grow / migrate-ebs must not say room was lent
case_G3(){
  mkroot; $DS provision --root $R --size 1G > $R.p.out 2>&1 || { fail "provision"; return; }
  local M=$R/var/lib/docker i=0; while head -c 8M /dev/urandom > $M/f$i 2>/dev/null; do i=$((i+1)); done
  for j in $(seq 0 2 $i); do rm -f $M/f$j; done ; sync -f $R/var/lib/docker
  DOCKSTORE_FAILPOINT=reclaim-begin $DS reclaim --root $R > $R.r.out 2>&1
  grep -q -e room -e image -e member $R/var/lib/dockstore/reclaim.json && { log "journal records room"; }
  $DS grow --root $R --to 2G > $R.g.out 2>&1; local T; T=$(mkdisk t 2G); $DS migrate-ebs $T --root $R --yes > $R.m.out 2>&1
  local bad=""; grep -q 'lent the store .*temporary room and has not given it back' $R.g.out && bad="grow: $(tail -1 $R.g.out)"
  grep -q 'lent the store .*temporary room and has not given it back' $R.m.out && bad="$bad; migrate-ebs: $(tail -1 $R.m.out)"
  [ -z "$bad" ] || { fail "says room was lent, none was: $bad"; return; }
  pass
}

# ---- P2: at boot the store's device comes back read-only: provision must not say "ready" of a store Docker cannot write
case_P2(){
  mkroot; local A; A=$(mkdisk a 2G)
  $DS provision --root $R --device $A > $R.p.out 2>&1 || { fail "provision --device"; return; }
  reboot_sim; local A2; A2=$(losetup -r -f --show $R.a.disk); LOOPS+=($A2); btrfs device scan $A2 >/dev/null 2>&1
  $DS provision --root $R > $R.p2.out 2>&1; local rc=$?; log "provision rc=$rc: $(tail -1 $R.p2.out)"
  $DS check --root $R > $R.c.out 2>&1; local crc=$?; log "check rc=$crc: $(cut -c1-150 $R.c.out | head -1)"
  if [ $rc = 0 ] && ! touch $R/var/lib/docker/w 2>/dev/null; then fail "provision exit 0 ('$(tail -1 $R.p2.out)') but the store cannot be written"; return; fi
  [ $crc = 0 ] && ! touch $R/var/lib/docker/w 2>/dev/null && { fail "check OK on a read-only store"; return; }
  pass
}
# ---- P3: at boot the image is immutable (chattr +i): loop attach falls back to read-only?
case_P3(){
  mkroot; $DS provision --root $R --size 1G > $R.p.out 2>&1 || { fail "provision"; return; }
  reboot_sim; chattr +i $R/var/lib/docker-storage.btrfs
  $DS provision --root $R > $R.p2.out 2>&1; local rc=$?; log "provision rc=$rc: $(tail -1 $R.p2.out)"
  local w=yes; touch $R/var/lib/docker/w 2>/dev/null || w=no
  $DS check --root $R > $R.c.out 2>&1; local crc=$?; log "check rc=$crc: $(cut -c1-150 $R.c.out | head -1)"
  chattr -i $R/var/lib/docker-storage.btrfs
  [ $rc = 0 ] && [ $w = no ] && { fail "provision exit 0 ('$(tail -1 $R.p2.out)') but the store cannot be written"; return; }
  [ $crc = 0 ] && [ $w = no ] && { fail "check OK on a read-only store"; return; }
  pass
}


# ---- M5: migrate-ebs killed mid-replace, then the volume is enlarged (Elastic Volumes) before the re-run:
#          the move finishes onto the whole enlarged volume
case_M5(){ local fp=$1
  mkroot; $DS provision --root $R --size 3G > $R.p.out 2>&1 || { fail "provision"; return; }
  head -c 600M /dev/urandom > $R/var/lib/docker/datafile ; sync -f $R/var/lib/docker; DSUM=$(sha256sum < $R/var/lib/docker/datafile | cut -d' ' -f1)
  local T; T=$(mkdisk t1 2G)
  if [ -n "$fp" ]; then DOCKSTORE_FAILPOINT=$fp $DS migrate-ebs $T --root $R --yes > $R.m1.out 2>&1
  else ( exec $DS migrate-ebs $T --root $R --yes > $R.m1.out 2>&1 ) & local MP=$!
    for i in $(seq 200); do grep -q '^\[journal\]' $R.m1.out && break; sleep 0.05; done; sleep 0.3; kill -9 $MP; wait $MP 2>/dev/null; fi
  log "killed: $(tail -1 $R.m1.out)"
  truncate -s 3G $R.t1.disk; losetup -c $T
  $DS migrate-ebs $T --root $R --yes > $R.m2.out 2>&1; local rc=$?; log "re-run rc=$rc: $(tail -1 $R.m2.out)"
  local s; s=$(sha256sum < $R/var/lib/docker/datafile | cut -d' ' -f1); [ "$s" = "$DSUM" ] || { fail "datafile $s"; return; }
  [ $rc = 0 ] || { fail "re-run exit $rc: $(tail -1 $R.m2.out)"; return; }
  local bsz; bsz=$(btrfs filesystem show --raw $R/var/lib/docker | awk '/devid/{print $4}')
  if [ "$bsz" != 3221225472 ]; then
    $DS check --root $R > $R.c.out 2>&1
    fail "move done (exit 0) but btrfs is $bsz bytes on the 3 GiB volume; check says: $(cut -c1-200 $R.c.out | head -1)"; return; fi
  pass
}

# ---- T3: teardown --wipe-device on a store another tool made (mkfs.btrfs -L docker by hand, the admin's own fstab
#          line without nofail): never wipe a device whose fstab line stays (the next boot would stop in emergency mode)
case_T3(){ local line=$1
  mkroot; local A; A=$(mkdisk a 2G); mkfs.btrfs -q -L docker $A; mkdir -p $R/var/lib/docker; mount $A $R/var/lib/docker
  echo data > $R/var/lib/docker/datafile
  local U; U=$(blkid -o value -s UUID $A)
  printf '# admin\n%s\n' "$(echo "$line" | sed "s/@U@/$U/")" > $R/etc/fstab; cp $R/etc/fstab $R.fstab.before
  local bsum; bsum=$(head -c 1M $A | sha256sum)
  $DS teardown --root $R --wipe-device > $R.t.out 2>&1; local rc=$?
  log "teardown --wipe-device rc=$rc: $(tail -1 $R.t.out)"
  local wiped=no; blkid -p $A >/dev/null 2>&1 || wiped=yes
  [ $wiped = yes ] && { fail "wiped $A, a btrfs dockstore never set up (fstab line '$(tail -1 $R.fstab.before)', no record names it); rc=$rc"; return; }
  if [ $wiped = yes ] && grep -q "$U\|LABEL=docker\|$A" $R/etc/fstab; then fail "wiped $A but kept the fstab line '$(tail -1 $R/etc/fstab)' (no nofail: the next boot fails)"; return; fi
  if [ $wiped = no ] && [ $rc = 0 ] && ! grep -qi -e 'not wiped\|nothing to wipe\|keep\|kept\|not dockstore' $R.t.out; then fail "exit 0 and the device not wiped, without saying so: $(tail -2 $R.t.out | tr '\n' ' ')"; return; fi
  pass
}


# ---- M7: migrate-ebs (METHOD) with dockerd and a container writing, SIGKILL at DELAY, then --abort, then re-run the
#          move to the end; the container's file and the committed image read back at every stage
case_M7(){ local method=$1 delay=$2
  setup_store_with_docker 3G || { fail "setup"; return; }
  local T; T=$(mkdisk t1 4G)
  ( DOCKSTORE_MIGRATE_METHOD=$method exec $DS migrate-ebs $T --root $R --yes > $R.m1.out 2>&1 ) & local MP=$!
  for i in $(seq 200); do grep -q '^\[journal\]' $R.m1.out && break; sleep 0.05; done
  sleep $delay; kill -9 $MP 2>/dev/null; wait $MP 2>/dev/null; log "killed: $(tail -1 $R.m1.out)"
  $DS migrate-ebs $T --abort --root $R --yes > $R.a.out 2>&1; local arc=$?; log "abort rc=$arc: $(tail -1 $R.a.out)"
  local e; e=$(verify_docker_data) || { fail "after kill + abort: $e"; return; }
  DOCKSTORE_MIGRATE_METHOD=$method $DS migrate-ebs $T --root $R --yes > $R.m2.out 2>&1; local rc=$?; log "move again rc=$rc: $(tail -1 $R.m2.out)"
  e=$(verify_docker_data) || { fail "after abort + move: $e"; return; }
  btrfs filesystem show $R/var/lib/docker | grep -q "$T" || { fail "store not on $T (move rc=$rc: $(tail -1 $R.m2.out))"; return; }
  pass
}


# ---- C4: reclaim (balancing) and migrate-ebs at once; files intact, the store ends on exactly one of the two
case_C4(){ local delay=${1:-0.1} first=${2:-reclaim}
  mkroot; $DS provision --root $R --size 1G > $R.p.out 2>&1 || { fail "provision"; return; }
  local M=$R/var/lib/docker i=0; while head -c 8M /dev/urandom > $M/f$i 2>/dev/null; do i=$((i+1)); done
  for j in $(seq 0 2 $i); do rm -f $M/f$j; done ; sync -f $R/var/lib/docker; (cd $M; sha256sum f* > $R.sums)
  local T BP; T=$(mkdisk t1 2G)
  if [ $first = reclaim ]; then
    ( exec $DS reclaim --root $R > $R.r.out 2>&1 ) & BP=$!; sleep $delay; $DS migrate-ebs $T --root $R --yes > $R.m.out 2>&1; local mrc=$?; wait $BP; local rrc=$?
  else
    ( exec $DS migrate-ebs $T --root $R --yes > $R.m.out 2>&1 ) & BP=$!; sleep $delay; $DS reclaim --root $R > $R.r.out 2>&1; local rrc=$?; wait $BP; local mrc=$?
  fi
  log "reclaim rc=$rrc: $(tail -1 $R.r.out)"; log "migrate rc=$mrc: $(tail -1 $R.m.out)"
  (cd $M; sha256sum -c --quiet $R.sums) || { fail "files changed"; return; }
  local n; n=$(btrfs filesystem show $M | grep -c devid); [ "$n" = 1 ] || { fail "store spans $n devices at the end"; return; }
  [ -e $R/var/lib/dockstore/reclaim.json ] && { fail "reclaim journal left open (reclaim rc=$rrc)"; return; }
  [ -e $R/var/lib/dockstore/migration.json ] && { fail "migration journal left open (migrate rc=$mrc)"; return; }
  pass
}

# ---------------------------------------------------------------- dispatcher
ALL_CASES=(C4-reclaim-first C4-migrate-first M1 M1-late M7-replace-early M7-replace-mid M7-addremove-mid M3 M5 M5-replace M5-resize T3-uuid T3-label M4-replace M4-addremove M6 M6-abortkill P1 P1b P2 P3 C1 C1-late C1-delete C2 C3 G1 G2 G3 O1 O2
  T2-image-unmount T2-image-detach-loop T2-image-disable-boot T2-image-fstab
  T2-device-unmount T2-device-disable-boot T2-device-fstab T2-device-drop-in T2-device-sysconfig T2-device-folders
  T2-device-wipe-unmount T2-device-wipe-disable-boot)
run_case(){ CASE=$1
  case $1 in
    M1) case_M1 0.8;; M1-late) case_M1 2.5;; M3) case_M3 0.3;;
    M4-replace) case_M4 replace;; M4-addremove) case_M4 add-remove;;
    M6) case_M6 0.5 0.5;; M6-abortkill) case_M6 1.5 0.15;;
    P1) case_P1;; P1b) case_P1b;; P2) case_P2;; P3) case_P3;;
    C1) case_C1 0.3;; C1-late) case_C1 1.5;; C1-delete) case_C1 0.5 --delete-image;; C2) case_C2 0.05;; C3) case_C3 0.05;;
    M5) case_M5;; M5-replace) case_M5 replace;; M5-resize) case_M5 resize;;
    T3-uuid) case_T3 'UUID=@U@ /var/lib/docker btrfs defaults 0 0';; T3-label) case_T3 'LABEL=docker /var/lib/docker btrfs defaults 0 0';;
    M7-replace-early) case_M7 replace 0.2;; M7-replace-mid) case_M7 replace 1.0;; M7-addremove-mid) case_M7 add-remove 1.0;;
    C4-reclaim-first) case_C4 0.1 reclaim;; C4-migrate-first) case_C4 0.2 migrate;;
    G1) case_G1 0.2;; G2) case_G2;; G3) case_G3;; O1) case_O1;; O2) case_O2;;
    T2-device-wipe-*) case_T2 device ${1#T2-device-wipe-} --wipe-device;;
    T2-device-*) case_T2 device ${1#T2-device-};;
    T2-image-*) case_T2 image ${1#T2-image-};;
    *) echo "unknown case $1"; FAILN=$((FAILN+1)); return;;
  esac
  cleanup
}
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root"; exit 64; }
  [ $# -gt 0 ] && CASES=("$@") || CASES=("${ALL_CASES[@]}")
  for c in "${CASES[@]}"; do run_case "$c"; done
  echo "cases: $((PASSN+FAILN)) pass: $PASSN fail: $FAILN ${FAILED[*]}"
  [ $FAILN = 0 ] || exit 1
fi
