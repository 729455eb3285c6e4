#!/bin/bash
# Hostile QA of dockstore reclaim / migrate-ebs. Run as root:  D=/path/to/dockstore bash attack.sh [NAME...]
# The fourth outside attack (2026-11-30, ATTACK.md brief: man pages, README and the binary only).
# Templates (a 1 GiB exhausted store, a busybox image) are built once into $ATTACK_WORK (default
# /var/tmp/dockstore-attack17); D defaults to this checkout's debug build.
HERE=$(cd "$(dirname "$0")" && pwd)
source $HERE/lib.sh
trap cleanup_all EXIT

snap() { # R: one-line state summary
  local R=$1
  echo "img=$(imgsize $R) dev=[$(devsize $R/var/lib/docker)] journal=$(test -e $R/var/lib/dockstore/reclaim.json && echo yes || echo no) room=$(ls $R/var/lib/dockstore/reclaim-room.img 2>/dev/null)"
}

# reclaim of a full image store killed right after each step, then status/check, then a re-run must give the room back
case_reclaim_kill_each_step() {
  CASE=reclaim_kill_each_step; local bad=() fp
  for fp in reclaim-begin room-journal room-extend room-loop room-resize balance-running balance-round balance room-shrink room-truncate reclaim-finish; do
    mkroot; tpl_store $R || { bad+=("$fp:setup"); cleanup_root $R; continue; }
    DOCKSTORE_FAILPOINT=$fp $D reclaim --root $R >$R/out1 2>&1; local rc1=$?
    local st; st=$($D status --root $R 2>&1); local ck; ck=$($D check --root $R 2>&1); local ckrc=$?
    local s1; s1=$(snap $R)
    $D reclaim --root $R >$R/out2 2>&1; local rc2=$?
    local s2; s2=$(snap $R)
    local why=""
    [ $rc1 = 137 ] || why+=" first-run-rc=$rc1"
    [ $rc2 = 0 ] || why+=" rerun-rc=$rc2($(tail -1 $R/out2))"
    [ "$(imgsize $R)" = 1073741824 ] || why+=" image-size=$(imgsize $R)"
    [[ "$(devsize $R/var/lib/docker)" == "1=1073741824 " ]] || why+=" btrfs-dev=$(devsize $R/var/lib/docker)"
    [ -e $R/var/lib/dockstore/reclaim.json ] && why+=" journal-left"
    verify_sums $R || why+=" DATA-CHANGED"
    if [ "$fp" != reclaim-begin ] && [ "$fp" != reclaim-finish ] && echo "$s1" | grep -q journal=yes; then
       echo "$st" | grep -qi reclaim || why+=" status-silent-about-open-reclaim"
       echo "$ck" | grep -qi reclaim || why+=" check-silent-about-open-reclaim"
    fi
    echo "  [$fp] after kill: $s1 | check rc=$ckrc: $(echo "$ck" | cut -c1-110) | after rerun: $s2 rc=$rc2"
    [ -n "$why" ] && bad+=("$fp:$why")
    cleanup_root $R
  done
  if [ ${#bad[@]} = 0 ]; then pass "every kill point finished by the next reclaim: image 1 GiB, btrfs 1 GiB, no journal, files intact"; else fail "${bad[*]}"; fi
}

# room lent, reclaim killed; admin follows the remedy and grows the image to 3 GiB; the next reclaim must not shrink it back to 1 GiB
case_reclaim_grow_while_lent() {
  CASE=reclaim_grow_while_lent; mkroot; tpl_store $R || { fail "setup"; cleanup_root $R; return; }
  local M=$R/var/lib/docker
  DOCKSTORE_FAILPOINT=balance $D reclaim --root $R >/dev/null 2>&1
  local g; g=$($D grow --to 3G --root $R 2>&1); local grc=$?
  local after_grow="img=$(imgsize $R) dev=$(devsize $M)"
  $D reclaim --root $R >$R/out 2>&1; local rc=$?
  local after="img=$(imgsize $R) dev=$(devsize $M)"
  if [ $grc = 0 ] && [ "$(imgsize $R)" != 3221225472 ]; then
    fail "grow --to 3G exit 0 ($after_grow), then reclaim (exit $rc) shrank the store the admin grew: $after; grow said nothing about the open reclaim journal"
  elif [ $grc != 0 ]; then pass "grow refused while the room is lent: $(echo "$g"|tail -1)"
  else pass "store kept the grown size: $after"; fi
  cleanup_root $R
}

# room lent and reclaim killed; then Docker fills the lent room beyond the old size; reclaim must keep the data and the room
case_reclaim_lent_room_filled() {
  CASE=reclaim_lent_room_filled; mkroot; tpl_store $R || { fail "setup"; cleanup_root $R; return; }
  local M=$R/var/lib/docker i=0
  DOCKSTORE_FAILPOINT=room-resize $D reclaim --root $R >/dev/null 2>&1
  while dd if=/dev/urandom of=$M/big$i bs=1M count=50 status=none 2>/dev/null; do i=$((i+1)); done; sync
  (cd $M && sha256sum big* > $R/bigsums)
  $D reclaim --root $R >$R/out 2>&1; local rc=$?
  local why=""
  (cd $M && sha256sum -c --quiet $R/bigsums >/dev/null 2>&1) || why+=" NEW-DATA-LOST"
  verify_sums $R || why+=" OLD-DATA-LOST"
  [ "$(imgsize $R)" -ge 1610612736 ] || why+=" image-cut-to-$(imgsize $R)"
  [ $rc = 1 ] || why+=" rc=$rc"
  if [ -z "$why" ]; then pass "rc=1, data intact, room kept: $(tail -1 $R/out | cut -c1-160)"; else fail "$why"; fi
  cleanup_root $R
}

# device store: reclaim killed after adding the temporary member, then a power cut (umount, detach, forget, loop names shuffled);
# provision at boot must bring the store up with its member and the next reclaim must remove it
case_reclaim_device_powercut() {
  CASE=reclaim_device_powercut; mkroot; dev_store $R || { fail "setup"; cleanup_root $R; return; }
  local M=$R/var/lib/docker
  DOCKSTORE_FAILPOINT=room-record $D reclaim --root $R >/dev/null 2>&1
  local room; room=$(loops_of $R/var/lib/dockstore/reclaim-room.img)
  umount $M; for l in $room $L; do btrfs device scan --forget $l; losetup -d $l; done
  local filler; filler=$(losetup -f --show $R/vol1.img.filler 2>/dev/null || { truncate -s 1M $R/filler; losetup -f --show $R/filler; })
  L=$(losetup -f --show $R/vol1.img); MYLOOPS+=($L)
  local st; st=$($D status --root $R 2>&1)
  $D provision --root $R >$R/prov 2>&1; local prc=$?
  local nd; nd=$(btrfs fi show $M 2>/dev/null | grep -c devid)
  $D reclaim --root $R >$R/out 2>&1; local rc=$?
  local why=""
  [ $prc = 0 ] || why+=" provision rc=$prc: $(tail -1 $R/prov)"
  [ "$nd" = 2 ] || why+=" after provision $nd devices"
  [ $rc = 0 ] || why+=" reclaim rc=$rc: $(tail -1 $R/out)"
  [ "$(btrfs fi show $M | grep -c devid)" = 1 ] || why+=" member left"
  [ -e $R/var/lib/dockstore/reclaim-room.img ] && why+=" room file left"
  [ -e $R/var/lib/dockstore/reclaim.json ] && why+=" journal left"
  [[ "$(devsize $M)" == "1=1073741824 " ]] || why+=" size $(devsize $M)"
  verify_sums $R || why+=" DATA-CHANGED"
  if [ -z "$why" ]; then pass "provision attached the room member after a shuffled power cut; reclaim removed it; 1 device, 1 GiB, data intact"; else fail "$why"; fi
  cleanup_root $R
}

# status of an unmounted device store whose own reclaim journal is open: it calls it "not of the store mounted here"
case_status_unmounted_own_journal() {
  CASE=status_unmounted_own_journal; mkroot; dev_store $R || { fail "setup"; cleanup_root $R; return; }
  local M=$R/var/lib/docker
  DOCKSTORE_FAILPOINT=room-record $D reclaim --root $R >/dev/null 2>&1
  local room; room=$(loops_of $R/var/lib/dockstore/reclaim-room.img)
  umount $M; for l in $room; do btrfs device scan --forget $l; losetup -d $l; done
  local st; st=$($D status --root $R 2>&1)
  if echo "$st" | grep -q "not of the store mounted here"; then
    fail "nothing is mounted and the journal is the store's own (same UUID as fstab), yet status says: $(echo "$st" | grep reclaim: | cut -c1-200)"
  else pass "$(echo "$st" | grep reclaim: | cut -c1-200)"; fi
  cleanup_root $R
}

# device store with an interrupted reclaim's member: the remedy must not talk about a migration that does not exist
case_reclaim_remedy_no_migration() {
  CASE=reclaim_remedy_no_migration; mkroot; dev_store $R || { fail "setup"; cleanup_root $R; return; }
  DOCKSTORE_FAILPOINT=room-record $D reclaim --root $R >/dev/null 2>&1
  local out; out=$($D reclaim --root $R --dry-run 2>&1); local ck; ck=$($D check --root $R 2>&1)
  if echo "$out$ck" | grep -q "finish the migration"; then
    fail "no migration was ever begun (no migration.json), yet reclaim/check advise: '$(echo "$out$ck" | grep -o '(or finish the migration[^)]*)[^)]*)' | head -1)'"
  else pass "no talk of a migration"; fi
  cleanup_root $R
}

case_reclaim_bad_budgets() {
  CASE=reclaim_bad_budgets; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  local bad=() a rc; rm -f $R/run/dockstore.lock
  for a in "--budget 0" "--budget 25h" "--budget -5" "--budget 1x" "--budget ''" "--io-budget 0" "--io-budget -1G" "--io-budget 1.5.G" "--budget 24h1s"; do
    eval $D reclaim --root $R $a >$R/o 2>&1; rc=$?
    [ $rc = 64 ] || bad+=("'$a' rc=$rc $(tail -1 $R/o | cut -c1-80)")
  done
  [ -e $R/run/dockstore.lock ] && bad+=("lock file created by a refused run")
  [ -e $R/var/lib/dockstore/reclaim.json ] && bad+=("journal created")
  if [ ${#bad[@]} = 0 ]; then pass "all bad budgets exit 64, nothing created"; else fail "${bad[*]}"; fi
  cleanup_root $R
}

case_reclaim_json() {
  CASE=reclaim_json; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  $D reclaim --root $R --json >$R/j 2>$R/e; local rc=$?
  local why=""
  jq -e . $R/j >/dev/null 2>&1 || why+=" not-JSON($(head -c 100 $R/j))"
  for k in outcome message chunksRelocated bytesRelocated budgetSeconds ioBudget rounds; do jq -e "has(\"$k\")" $R/j >/dev/null 2>&1 || why+=" missing-$k"; done
  [ "$(jq -r .outcome $R/j 2>/dev/null)" = healthy ] || why+=" outcome=$(jq -r .outcome $R/j 2>/dev/null)"
  [ "$(imgsize $R)" = 1073741824 ] || why+=" size"
  if [ -z "$why" ]; then pass "valid JSON, rc=$rc, outcome healthy, room given back"; else fail "$why"; fi
  cleanup_root $R
}

# a journal edited to name a file outside --root (and a room file that is a symlink out of the root) must be refused; nothing outside changes
case_reclaim_journal_outside_root() {
  CASE=reclaim_journal_outside_root; mkroot; dev_store $R || { fail setup; cleanup_root $R; return; }
  local O; O=$(mktemp -d $BASE/outside.XXXX); ROOTS+=($O); truncate -s 600M $O/victim.img; echo precious > $O/victim.txt
  local h0; h0=$(sha256sum $O/victim.txt)
  DOCKSTORE_FAILPOINT=room-journal $D reclaim --root $R >/dev/null 2>&1
  local J=$R/var/lib/dockstore/reclaim.json
  jq --arg f "$O/victim.img" '.room.file=$f' $J > $J.new && mv $J.new $J
  $D reclaim --root $R >$R/o1 2>&1; local rc1=$?
  # variant: the journal's path is right but the file is a symlink out of the root
  jq '.room.file="/var/lib/dockstore/reclaim-room.img"' $J > $J.new && mv $J.new $J
  ln -sf $O/victim.txt $R/var/lib/dockstore/reclaim-room.img
  $D reclaim --root $R >$R/o2 2>&1; local rc2=$?
  local why=""
  [ "$(sha256sum $O/victim.txt)" = "$h0" ] || why+=" OUTSIDE-FILE-CHANGED"
  [ "$(stat -c %s $O/victim.img)" = 629145600 ] || why+=" outside image resized"
  losetup -l | grep -q "$O" && why+=" OUTSIDE-FILE-ATTACHED"
  [ $rc1 = 2 ] || why+=" foreign-journal rc=$rc1 ($(tail -1 $R/o1|cut -c1-120))"
  if [ -z "$why" ]; then pass "foreign journal refused (rc=$rc1: $(tail -1 $R/o1 | cut -c1-120)); symlinked room rc=$rc2; nothing outside changed"; else fail "$why"; fi
  cleanup_root $R
}

# migrate-ebs of a store whose metadata is exhausted: the replace fails with ENOSPC after the kernel wrote the store's
# (scratched) superblock on the volume; status says "migrate-ebs finishes it", but every re-run refuses the volume
case_migrate_enospc_stuck() {
  CASE=migrate_enospc_stuck; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  truncate -s 2G $R/ebs.img; local T; T=$(losetup -f --show $R/ebs.img); MYLOOPS+=($T)
  $D migrate-ebs $T --root $R --yes >$R/m1 2>&1; local rc1=$?
  local st; st=$($D status --root $R 2>&1 | grep migration:)
  $D migrate-ebs $T --root $R --yes >$R/m2 2>&1; local rc2=$?
  $D migrate-ebs $T --root $R --abort --yes >$R/a 2>&1; local rca=$?
  $D reclaim --root $R >/dev/null 2>&1
  $D migrate-ebs $T --root $R --yes >$R/m3 2>&1; local rc3=$?
  if [ $rc1 != 2 ] && { [ $rc2 != 0 ] || [ $rc3 != 0 ]; }; then
    fail "1st migrate rc=$rc1 ($(tail -1 $R/m1|cut -c1-110)); status: '$(echo $st|cut -c1-90)'; re-run rc=$rc2: $(tail -1 $R/m2|cut -c1-100); --abort rc=$rca: '$(tail -1 $R/a)'; after reclaim made room, migrate onto the same volume rc=$rc3: $(tail -1 $R/m3|cut -c1-60) -- the volume now carries the store's scratched superblock (blkid finds nothing) and no command of dockstore will use it again"
  else pass "rc1=$rc1 rc2=$rc2 rc3=$rc3"; fi
  cleanup_root $R
}

healthy_store() { tpl_store $1 && $D reclaim --root $1 >/dev/null 2>&1; }
# image store (1 GiB, ~340 MiB allocated) -> 768 MiB volume (so the shrink phase runs); killed after each step; then --abort
case_migrate_kill_each_step_abort() {
  CASE=migrate_kill_each_step_abort; local bad=() fp
  for fp in journal shrink replace resize fstab detach-loop delete-image; do
    mkroot; healthy_store $R || { bad+=("$fp:setup"); cleanup_root $R; continue; }
    local M=$R/var/lib/docker
    truncate -s 768M $R/ebs.img; local T; T=$(losetup -f --show $R/ebs.img); MYLOOPS+=($T)
    DOCKSTORE_FAILPOINT=$fp $D migrate-ebs $T --root $R --yes >$R/m1 2>&1; local rc1=$?
    local ck; ck=$($D check --root $R 2>&1 | cut -c1-100); local st; st=$($D status --root $R 2>&1 | grep -E "migration:|store:" | tr '\n' ' ')
    $D migrate-ebs $T --root $R --abort --yes >$R/a 2>&1; local rca=$?
    local where; where=$(findmnt -no SOURCE $M)
    local why=""
    case $fp in
      journal|shrink)
        [ $rca = 0 ] || why+=" abort rc=$rca($(tail -1 $R/a|cut -c1-100))"
        [ "$(imgsize $R)" = 1073741824 ] || why+=" image=$(imgsize $R)"
        [[ "$(devsize $M)" == "1=1073741824 " ]] || why+=" btrfs-dev-not-restored=$(devsize $M)"
        ;;
      replace)
        # the replace finished: past the point of return, abort must refuse and say finish
        [ $rca = 2 ] || why+=" abort-after-replace rc=$rca($(tail -1 $R/a|cut -c1-100))"
        ;;
      *) [ $rca = 2 ] || why+=" abort rc=$rca($(tail -1 $R/a|cut -c1-100))";;
    esac
    verify_sums $R || why+=" DATA-CHANGED-after-abort"
    # then finish: migrate again onto the same volume
    $D migrate-ebs $T --root $R --yes >$R/m2 2>&1; local rc2=$?
    [ $rc2 = 0 ] || why+=" re-migrate rc=$rc2($(tail -1 $R/m2|cut -c1-120))"
    [ "$(findmnt -no SOURCE $M)" = "$T" ] || why+=" store-not-on-volume($(findmnt -no SOURCE $M))"
    grep -q "^UUID=" $R/etc/fstab || why+=" fstab-not-UUID"
    verify_sums $R || why+=" DATA-CHANGED"
    [ -e $R/var/lib/docker-storage.btrfs ] && why+=" image-left"
    [ -e $R/var/lib/dockstore/migration.json ] && why+=" journal-left"
    echo "  [$fp] rc1=$rc1 status: $st| check: $ck | abort rc=$rca: $(tail -1 $R/a | cut -c1-100) | re-migrate rc=$rc2"
    [ -n "$why" ] && bad+=("[$fp]$why")
    cleanup_root $R
  done
  if [ ${#bad[@]} = 0 ]; then pass "every kill point: abort restored the image (1 GiB) or refused past the point of return; a re-run moved the store; data intact"; else fail "${bad[*]}"; fi
}

# while a migration is open: another device (blank) is refused naming the one in the migration; also for --abort
case_migrate_other_device_refused() {
  CASE=migrate_other_device_refused; mkroot; healthy_store $R || { fail setup; cleanup_root $R; return; }
  truncate -s 2G $R/ebs.img $R/other.img; local T O; T=$(losetup -f --show $R/ebs.img); O=$(losetup -f --show $R/other.img); MYLOOPS+=($T $O)
  DOCKSTORE_FAILPOINT=journal $D migrate-ebs $T --root $R --yes >/dev/null 2>&1
  local h0; h0=$(head -c 4M $O | sha256sum)
  $D migrate-ebs $O --root $R --yes >$R/o1 2>&1; local rc1=$?
  $D migrate-ebs $O --root $R --abort --yes >$R/o2 2>&1; local rc2=$?
  local why=""
  [ $rc1 = 2 ] || why+=" other-device rc=$rc1"
  [ $rc2 = 2 ] || why+=" abort-with-other rc=$rc2"
  grep -q "$T" $R/o1 || why+=" message does not name $T: $(tail -1 $R/o1)"
  [ "$(head -c 4M $O | sha256sum)" = "$h0" ] || why+=" OTHER-DEVICE-WRITTEN"
  if [ -z "$why" ]; then pass "refused (2/2): $(tail -1 $R/o1|cut -c1-140)"; else fail "$why"; fi
  cleanup_root $R
}

# "power cut" after a step (kill -9 at the failpoint, unmount, forget, detach; re-attach with names shuffled and a blank
# volume at the volume's old name). Then status, check, provision (boot), migrate-ebs onto the blank one (refused),
# onto the real one by its new name. (A cut *inside* the replace cannot be simulated with loop files: the replace
# ioctl keeps the filesystem busy, umount fails.)
case_migrate_powercut_shuffled() {
  CASE=migrate_powercut_shuffled; local bad=() fp
  for fp in replace resize fstab detach-loop; do
  mkroot; healthy_store $R || { bad+=("$fp:setup"); cleanup_root $R; continue; }
  local M=$R/var/lib/docker
  truncate -s 2G $R/ebs.img $R/blank.img $R/filler.img; local T; T=$(losetup -f --show $R/ebs.img)
  DOCKSTORE_FAILPOINT=$fp $D migrate-ebs $T --root $R --yes >$R/m1 2>&1
  local srcs; srcs=$(btrfs fi show $M 2>/dev/null | awk '/devid/{print $NF}')
  umount $M; local urc=$?
  for l in $srcs $T; do btrfs device scan --forget $l 2>/dev/null; done
  for l in $srcs $T; do losetup -d $l 2>/dev/null; done
  sleep 0.3
  local B F T2; B=$(losetup -f --show $R/blank.img); F=$(losetup -f --show $R/filler.img); T2=$(losetup -f --show $R/ebs.img); MYLOOPS+=($B $F $T2)
  local hb; hb=$(head -c 4M $R/blank.img | sha256sum; tail -c 4M $R/blank.img | sha256sum)
  local st; st=$($D status --root $R 2>&1 | grep -E "migration|mounted|store:" | tr '\n' ' ' | tr -s ' ')
  local ck; ck=$($D check --root $R 2>&1 | cut -c1-120)
  $D provision --root $R >$R/p 2>&1; local prc=$?
  local src; src=$(findmnt -no SOURCE $M)
  $D migrate-ebs $B --root $R --yes >$R/mb 2>&1; local rcb=$?
  $D migrate-ebs $T2 --root $R --yes >$R/m2 2>&1; local rc2=$?
  local why=""
  [ $urc = 0 ] || why+=" umount-failed"
  [ $prc = 0 ] || why+=" provision rc=$prc($(tail -1 $R/p|cut -c1-150))"
  [ $rcb = 2 ] || why+=" blank-other-volume rc=$rcb($(tail -1 $R/mb|cut -c1-100))"
  [ "$(head -c 4M $R/blank.img | sha256sum; tail -c 4M $R/blank.img | sha256sum)" = "$hb" ] || why+=" BLANK-VOLUME-WRITTEN"
  [ $rc2 = 0 ] || why+=" migrate onto renamed volume rc=$rc2($(tail -1 $R/m2|cut -c1-150))"
  [ "$(findmnt -no SOURCE $M)" = "$T2" ] || why+=" store on '$(findmnt -no SOURCE $M)'"
  grep -q "^UUID=" $R/etc/fstab || why+=" fstab not by UUID"
  [ -e $R/var/lib/docker-storage.btrfs ] && why+=" image-left"
  [ -e $R/var/lib/dockstore/migration.json ] && why+=" journal-left"
  verify_sums $R || why+=" DATA-CHANGED"
  echo "  [$fp] status: $st; check: $ck; provision rc=$prc: $(tail -1 $R/p | cut -c1-120) [mounted from $src]; blank volume: rc=$rcb $(tail -1 $R/mb|cut -c1-100); finish rc=$rc2"
  [ -n "$why" ] && bad+=("[$fp]$why")
  cleanup_root $R
  done
  if [ ${#bad[@]} = 0 ]; then pass "after each cut: provision brought the store up, the blank volume at the old name untouched and refused, migrate by the new name finished; data intact"; else fail "${bad[*]}"; fi
}

# a budget spent in the middle (1 byte of I/O, or 1 s) must still give the lent room back
case_reclaim_tiny_budgets() {
  CASE=reclaim_tiny_budgets; local bad=() a
  for a in "--io-budget 1" "--budget 1"; do
    mkroot; tpl_store $R || { bad+=("$a:setup"); cleanup_root $R; continue; }
    $D reclaim --root $R $a --json >$R/j 2>$R/e; local rc=$?
    local oc; oc=$(jq -r .outcome $R/j 2>/dev/null)
    [ $rc = 0 ] || [ $rc = 1 ] || bad+=("$a rc=$rc")
    [ "$(imgsize $R)" = 1073741824 ] || bad+=("$a image=$(imgsize $R)")
    [[ "$(devsize $R/var/lib/docker)" == "1=1073741824 " ]] || bad+=("$a dev=$(devsize $R/var/lib/docker)")
    [ -e $R/var/lib/dockstore/reclaim.json ] && bad+=("$a journal-left")
    verify_sums $R || bad+=("$a DATA")
    echo "  [$a] rc=$rc outcome=$oc relocated=$(jq -r .bytesRelocated $R/j 2>/dev/null) last=$(cat $R/var/lib/dockstore/last-reclaim.json 2>/dev/null | cut -c1-100)"
    cleanup_root $R
  done
  if [ ${#bad[@]} = 0 ]; then pass "budget spent mid-run: room given back, 1 GiB, data intact"; else fail "${bad[*]}"; fi
}

orphan_store() { # R: store with docker layers and one container made by a real dockerd, then dockerd stopped
  local R=$1; $D provision --root $R --size 2G >/dev/null 2>&1 || return 1
  start_dockerd $R || return 1
  dk import ${ATTACK_WORK:-/var/tmp/dockstore-attack17}/tpl/bb.tar bb:1 >/dev/null && dk run -d --name c1 --network none bb:1 /bin/sleep 1000 >/dev/null || return 1
  dk create --name c2 --network none bb:1 /bin/echo c2 >/dev/null || return 1
  stop_dockerd
}
# real dockerd: an old orphan (with a nested subvolume and a quota file) is deleted, a young one kept, layers and containers kept
case_orphans_real_dockerd() {
  CASE=orphans_real_dockerd; mkroot; orphan_store $R || { fail "setup: $(tail -2 $E/dockerd.log)"; cleanup_all; return; }
  local M=$R/var/lib/docker S=$R/var/lib/docker/btrfs/subvolumes
  local old; old=$(newid); btrfs subvolume create $S/$old >/dev/null; btrfs subvolume create $S/$old/inner >/dev/null; mkdir -p $M/btrfs/quotas; echo 100 > $M/btrfs/quotas/$old
  local odd=buildkit-snap-1; btrfs subvolume create $S/$odd >/dev/null
  local before; before=$(ls $S | grep -v -e $old -e $odd | sort)
  sleep 3; start_dockerd $R || { fail "dockerd restart"; cleanup_all; return; }
  dk start c1 >/dev/null
  sleep 3; local young; young=$(newid); btrfs subvolume create $S/$young >/dev/null
  $D reclaim --orphans --dry-run --root $R >$R/dry 2>&1; local drc=$?
  local ls0; ls0=$(ls $S | sort)
  $D reclaim --orphans --root $R >$R/out 2>&1; local rc=$?
  local why=""
  [ "$ls0" = "$(ls $S | grep -v $old | sort; echo $old)" ] 2>/dev/null
  [ -e $S/$old ] && why+=" old-orphan-kept"
  [ -e $M/btrfs/quotas/$old ] && why+=" quota-file-left"
  [ -e $S/$young ] || why+=" YOUNG-DELETED"
  [ -e $S/$odd ] || why+=" NON-DOCKER-NAME-DELETED"
  for s in $before; do [ -e $S/$s ] || why+=" IN-USE-$s-DELETED"; done
  [ $rc = 2 ] || why+=" rc=$rc(young kept should give 2)"
  dk run --rm --network none bb:1 /bin/echo ok >/dev/null 2>&1 || why+=" docker-run-broken"
  dk restart c1 >/dev/null 2>&1 || why+=" c1-restart-broken"
  dk start -a c2 >/dev/null 2>&1 || why+=" c2-start-broken"
  if [ -z "$why" ]; then pass "old orphan (+nested, +quota) deleted, young kept (rc=$rc), $(echo $before | wc -w) in-use and a non-docker name kept, docker run/restart work"; else fail "$why; out: $(cat $R/out | tr '\n' ' ' | cut -c1-300)"; fi
  cleanup_all
}

# a dockerd for this store that runs in its own mount namespace (data root = a bind mount of the store visible only
# there, as with a dockerd in a container or a unit with PrivateMounts=) is not seen: a subvolume created 3 s after it
# started -- a pull in progress -- is deleted
case_orphans_dockerd_other_mountns() {
  CASE=orphans_dockerd_other_mountns; mkroot; orphan_store $R || { fail "setup"; cleanup_all; return; }
  local M=$R/var/lib/docker S=$R/var/lib/docker/btrfs/subvolumes
  start_dockerd $R mountns || { fail "dockerd in a mount namespace did not start"; cleanup_all; return; }
  local root; root=$(dk info -f '{{.DockerRootDir}}')
  sleep 3; local young; young=$(newid); btrfs subvolume create $S/$young >/dev/null
  $D reclaim --orphans --root $R >$R/out 2>&1; local rc=$?
  if [ ! -e $S/$young ]; then
    fail "dockerd (pid $(cat $E/docker.pid), Docker Root Dir $root = this store, own mount namespace) running; a subvolume created 3 s after it started was deleted (rc=$rc): $(grep deleted $R/out | head -1 | cut -c1-160)"
  else pass "young subvolume kept: $(grep kept $R/out | head -1 | cut -c1-160)"; fi
  cleanup_all
}

# layer store with a symlinked cache-id: refuse, name the file, delete nothing
case_orphans_symlink_cacheid() {
  CASE=orphans_symlink_cacheid; mkroot; orphan_store $R || { fail "setup"; cleanup_all; return; }
  local M=$R/var/lib/docker S=$R/var/lib/docker/btrfs/subvolumes
  local old; old=$(newid); btrfs subvolume create $S/$old >/dev/null
  local c; c=$(ls -d $M/image/btrfs/layerdb/sha256/*/cache-id | head -1); local v; v=$(cat $c)
  echo -n "$v" > $R/cid; rm $c; ln -s $R/cid $c
  local n0; n0=$(ls $S | wc -l); rm -f $R/run/dockstore.lock
  $D reclaim --orphans --root $R >$R/out 2>&1; local rc=$?
  local why=""
  [ $rc = 2 ] || why+=" rc=$rc"
  [ "$(ls $S | wc -l)" = $n0 ] || why+=" SOMETHING-DELETED"
  grep -q cache-id $R/out || why+=" message does not name the file: $(tail -1 $R/out)"
  [ -e $R/run/dockstore.lock ] && why+=" lock-created"
  if [ -z "$why" ]; then pass "refused rc=2: $(tail -1 $R/out | cut -c1-160)"; else fail "$why"; fi
  cleanup_all
}

# the folder of reclaim's records (/var/lib/dockstore) is on a filesystem that fills up while the balance runs
# (DOCKSTORE_PAUSE=balance gives the second to fill it). The balance and the give-back complete; what is reported?
case_reclaim_host_full_at_record() {
  CASE=reclaim_host_full_at_record; mkroot; dev_store $R || { fail setup; cleanup_root $R; return; }
  mkdir -p $R/var/lib/dockstore; truncate -s 800M $R/host.img; mkfs.ext4 -q $R/host.img
  mount -o loop $R/host.img $R/var/lib/dockstore
  (DOCKSTORE_PAUSE=balance $D reclaim --root $R > $R/rec.out 2>&1; echo $? > $R/rec.rc) &
  for i in $(seq 200); do losetup -l | grep -q "$R/var/lib/dockstore/reclaim-room" && break; sleep 0.05; done
  fallocate -l $(( $(df -B1 --output=avail $R/var/lib/dockstore | tail -1) - 4096 )) $R/var/lib/dockstore/hog
  wait
  local rc; rc=$(cat $R/rec.rc)
  local rec; rec=$(cat $R/var/lib/dockstore/last-reclaim.json 2>/dev/null)
  local ndev; ndev=$(btrfs fi show $R/var/lib/docker | grep -c devid)
  local unalloc; unalloc=$(btrfs fi usage -b $R/var/lib/docker | awk '/Device unallocated/{print $3}')
  local ck; ck=$($D check --root $R 2>&1 | cut -c1-160)
  local why=""
  verify_sums $R || why+=" DATA-CHANGED"
  [ "$ndev" = 1 ] || why+=" room member left"
  if [ "$rc" = 2 ] && grep -q "chunks relocated\|\[balance\] done" $R/rec.out; then why+=" exit 2 ('refused, nothing changed') after the balance relocated chunks and the room was given back: '$(tail -1 $R/rec.out | cut -c1-200)'"; fi
  if echo "$rec" | grep -q '"outcome":"failed"' && echo "$rec" | grep -q '"chunksRelocated":0' && [ "$unalloc" -gt 100000000 ]; then why+=" last-reclaim.json says $rec although the store now has $unalloc bytes unallocated; check: $ck"; fi
  umount $R/var/lib/dockstore
  if [ -z "$why" ]; then pass "rc=$rc record=$rec"; else fail "$why"; fi
  cleanup_root $R
}

# migrate-ebs while dockerd runs a container that keeps writing; afterwards every file it wrote is there and docker works
case_migrate_with_docker_writing() {
  CASE=migrate_with_docker_writing; mkroot; orphan_store $R || { fail "setup"; cleanup_all; return; }
  local M=$R/var/lib/docker
  start_dockerd $R || { fail dockerd; cleanup_all; return; }
  dk run -d --name writer --network none bb:1 /bin/sh -c 'i=0; while :; do echo $i > /f$i; echo $i >> /log; i=$((i+1)); done' >/dev/null
  sleep 2
  truncate -s 3G $R/ebs.img; local T; T=$(losetup -f --show $R/ebs.img); MYLOOPS+=($T)
  $D migrate-ebs $T --root $R --yes >$R/m 2>&1; local rc=$?
  sleep 1; dk stop -t 1 writer >/dev/null
  local n; n=$(dk start writer >/dev/null; sleep 1; dk exec writer /bin/sh -c 'c=0; for f in /f*; do c=$((c+1)); done; echo $c' 2>/dev/null)
  local lines; lines=$(dk exec writer /bin/sh -c 'cat /log' 2>/dev/null | wc -l)
  dk stop -t 1 writer >/dev/null
  local why=""
  [ $rc = 0 ] || why+=" migrate rc=$rc: $(tail -1 $R/m)"
  [ "$(findmnt -no SOURCE $M)" = "$T" ] || why+=" store on $(findmnt -no SOURCE $M)"
  dk run --rm --network none bb:1 /bin/echo ok >/dev/null 2>&1 || why+=" docker-run-broken"
  [ -n "$n" ] && [ "$n" -gt 100 ] || why+=" files=$n"
  grep -q "replacing:" $R/m || why+=" no progress lines"
  if [ -z "$why" ]; then pass "moved while writing (rc=0); container has $n files, log $lines lines; docker works; progress: $(grep -m1 'replacing:' $R/m | cut -c1-60)"; else fail "$why"; fi
  cleanup_all
}

# the image deleted while mounted: reclaim must refuse (exit 2) and lend nothing
case_reclaim_deleted_image() {
  CASE=reclaim_deleted_image; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  rm $R/var/lib/docker-storage.btrfs
  $D reclaim --root $R >$R/o 2>&1; local rc=$?
  local why=""
  [ $rc = 2 ] || why+=" rc=$rc"
  [ -e $R/var/lib/docker-storage.btrfs ] && why+=" a new image file was created"
  [ -e $R/var/lib/dockstore/reclaim.json ] && why+=" journal created"
  [[ "$(devsize $R/var/lib/docker)" == "1=1073741824 " ]] || why+=" btrfs resized $(devsize $R/var/lib/docker)"
  if [ -z "$why" ]; then pass "refused: $(tail -1 $R/o | cut -c1-160)"; else fail "$why: $(tail -1 $R/o|cut -c1-160)"; fi
  cleanup_root $R
}

# between the plan and room-extend (DOCKSTORE_PAUSE=room-extend), /var/lib is swapped for a symlink to a folder outside
# --root that holds another docker-storage.btrfs: that file must not be extended; the next run gives the room back
case_reclaim_swap_folder_during_pause() {
  CASE=reclaim_swap_folder_during_pause; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  local O; O=$(mktemp -d $BASE/outside.XXXX); ROOTS+=($O); truncate -s 10M $O/docker-storage.btrfs; mkdir -p $O/dockstore
  (DOCKSTORE_PAUSE=room-extend $D reclaim --root $R >$R/o 2>&1; echo $? > $R/rc) &
  for i in $(seq 200); do grep -q "room-journal\] done" $R/o 2>/dev/null && break; sleep 0.02; done
  mv $R/var/lib $R/var/lib.real && ln -s $O $R/var/lib
  wait
  local rc; rc=$(cat $R/rc)
  local osz; osz=$(stat -c %s $O/docker-storage.btrfs)
  rm $R/var/lib && mv $R/var/lib.real $R/var/lib
  $D reclaim --root $R >$R/o2 2>&1; local rc2=$?
  local why=""
  [ "$osz" = 10485760 ] || why+=" OUTSIDE-FILE-RESIZED-to-$osz"
  [ "$(ls $O | sort | tr '\n' ' ')" = "docker-storage.btrfs dockstore " ] || why+=" outside folder got: $(ls $O | tr '\n' ' ')"
  [ "$rc" = 2 ] || why+=" swapped run rc=$rc ($(tail -1 $R/o|cut -c1-120))"
  [ $rc2 = 0 ] || why+=" rerun rc=$rc2"
  [ "$(imgsize $R)" = 1073741824 ] || why+=" image=$(imgsize $R)"
  verify_sums $R || why+=" DATA"
  if [ -z "$why" ]; then pass "swap refused (rc=$rc: $(tail -1 $R/o | cut -c1-120)); outside untouched; re-run healthy, 1 GiB"; else fail "$why"; fi
  cleanup_root $R
}

# /var/lib/dockstore an absolute symlink (device store: where the room file goes): it means the path inside the root
case_reclaim_room_dir_symlink() {
  CASE=reclaim_room_dir_symlink; mkroot; dev_store $R || { fail setup; cleanup_root $R; return; }
  local O; O=$(mktemp -d /tmp/a17out.XXXX); ROOTS+=($O)
  rm -rf $R/var/lib/dockstore; ln -s $O $R/var/lib/dockstore
  $D reclaim --root $R >$R/o 2>&1; local rc=$?
  local why=""
  [ -z "$(ls -A $O)" ] || why+=" WROTE-OUTSIDE-ROOT: $(ls $O | tr '\n' ' ')"
  losetup -l | grep -q "$O" && why+=" OUTSIDE-FILE-ATTACHED"
  [ "$(btrfs fi show $R/var/lib/docker | grep -c devid)" = 1 ] || why+=" member left"
  verify_sums $R || why+=" DATA"
  if [ -z "$why" ]; then pass "rc=$rc, nothing written to $O: $(tail -1 $R/o | cut -c1-120); files inside: $(ls $R$O 2>/dev/null | tr '\n' ' ')"; else fail "$why"; fi
  cleanup_root $R
}

# a reclaim killed with the room lent 3 hours ago: check must WARN (interrupted), not OK
case_check_stale_lent_room() {
  CASE=check_stale_lent_room; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  DOCKSTORE_FAILPOINT=balance $D reclaim --root $R >/dev/null 2>&1
  local J=$R/var/lib/dockstore/reclaim.json t=$(( $(date +%s) - 10800 ))
  jq --argjson t $t '.started=$t | .running=$t' $J > $J.n && mv $J.n $J
  $D check --root $R >$R/c 2>&1; local rc=$?
  $D check --root $R --format prometheus >$R/p 2>&1
  local why=""
  [ $rc = 1 ] || why+=" check rc=$rc"
  grep -qi "reclaim" $R/c || why+=" no word of the reclaim"
  grep -qE '^dockstore_reclaim_interrupted(\{[^}]*\})? 1$' $R/p || why+=" prometheus: $(grep reclaim_interrupted $R/p | head -1)"
  $D reclaim --root $R >/dev/null 2>&1
  if [ -z "$why" ]; then pass "WARNING: $(head -c 160 $R/c)"; else fail "$why: $(head -c 200 $R/c)"; fi
  cleanup_root $R
}

# teardown while a killed reclaim still has the room lent: refuse (so the store is not left 1.5 GiB), re-provision + reclaim give it back
case_teardown_while_lent() {
  CASE=teardown_while_lent; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  DOCKSTORE_FAILPOINT=balance $D reclaim --root $R >/dev/null 2>&1
  local h; h=$(sha256sum $R/etc/fstab $R/etc/sysconfig/docker)
  $D teardown --root $R --delete-image >$R/t 2>&1; local rc=$?
  local why=""
  [ $rc = 2 ] || why+=" teardown rc=$rc"
  [ -e $R/var/lib/docker-storage.btrfs ] || why+=" IMAGE-DELETED"
  [ "$(sha256sum $R/etc/fstab $R/etc/sysconfig/docker)" = "$h" ] || why+=" files changed"
  findmnt $R/var/lib/docker >/dev/null || why+=" unmounted"
  $D reclaim --root $R >/dev/null 2>&1; [ "$(imgsize $R)" = 1073741824 ] || why+=" image=$(imgsize $R)"
  if [ -z "$why" ]; then pass "teardown refused (2): $(tail -1 $R/t | cut -c1-150); reclaim then gave the room back"; else fail "$why"; fi
  cleanup_root $R
}

# someone else's balance paused on an unhealthy store: reclaim refuses (2), changes nothing, does not resume or cancel it,
# and tells how to get out (a paused balance never finishes by itself: resume or cancel)
case_reclaim_foreign_balance() {
  CASE=reclaim_foreign_balance; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  local M=$R/var/lib/docker
  local try
  for try in 1 2 3 4 5 6; do
    (btrfs balance start -dusage=30 $M >/dev/null 2>&1 &); sleep 0.$((try*3%10)); btrfs balance pause $M >/dev/null 2>&1
    btrfs balance status $M | grep -q paused && break
  done
  local st0; st0=$(btrfs balance status $M | head -1)
  $D reclaim --root $R >$R/o 2>&1; local rc=$?
  local st1; st1=$(btrfs balance status $M | head -1)
  btrfs balance cancel $M >/dev/null 2>&1
  local why=""
  echo "$st0" | grep -q paused || { pass "inconclusive: the foreign balance ended before it could be paused ($st0)"; cleanup_root $R; return; }
  [ $rc = 2 ] || why+=" rc=$rc"
  [ "$st0" = "$st1" ] || why+=" balance state changed: '$st0' -> '$st1'"
  [ -e $R/var/lib/dockstore/reclaim.json ] && why+=" journal created"
  grep -qiE "resume|cancel" $R/o || why+=" the message tells to wait for a paused balance to finish (it never will; resume or cancel): '$(tail -1 $R/o | cut -c1-200)'"
  if [ -z "$why" ]; then pass "refused (2): $(tail -1 $R/o | cut -c1-150) [$st0]"; else fail "$why"; fi
  cleanup_root $R
}

# read-only store: reclaim refuses (2); orphans too
case_reclaim_readonly() {
  CASE=reclaim_readonly; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  mount -o remount,ro $R/var/lib/docker
  $D reclaim --root $R >$R/o 2>&1; local rc=$?
  $D reclaim --orphans --root $R >$R/o2 2>&1; local rc2=$?
  local why=""; [ $rc = 2 ] || why+=" reclaim rc=$rc"; [ "$(imgsize $R)" = 1073741824 ] || why+=" image=$(imgsize $R)"
  [ -e $R/var/lib/dockstore/reclaim.json ] && why+=" journal created"
  if [ -z "$why" ]; then pass "refused (2): $(tail -1 $R/o | cut -c1-140); --orphans rc=$rc2"; else fail "$why: $(tail -1 $R/o|cut -c1-150)"; fi
  cleanup_root $R
}

# migrate-ebs refusals: a loop device over a file inside the store, the image's own loop device, a too-small volume
case_migrate_refusals() {
  CASE=migrate_refusals; mkroot; healthy_store $R || { fail setup; cleanup_root $R; return; }
  local M=$R/var/lib/docker bad=()
  truncate -s 2G $M/inner.img; local I S; I=$(losetup -f --show $M/inner.img); truncate -s 300M $R/small.img; S=$(losetup -f --show $R/small.img); MYLOOPS+=($I $S)
  local own; own=$(findmnt -no SOURCE $M)
  local d rc
  for d in $I $own $S; do
    local h; h=$(head -c 1M $d | sha256sum)
    $D migrate-ebs $d --root $R --yes >$R/o 2>&1; rc=$?
    [ $rc = 2 ] || bad+=("$d rc=$rc")
    [ "$(head -c 1M $d | sha256sum)" = "$h" ] || bad+=("$d WRITTEN")
    echo "  $d: rc=$rc $(tail -1 $R/o | cut -c1-160)"
  done
  [ -e $R/var/lib/dockstore/migration.json ] && bad+=("journal created")
  losetup -d $I; rm -f $M/inner.img
  verify_sums $R || bad+=("DATA")
  if [ ${#bad[@]} = 0 ]; then pass "loop over a file on the store, the image's own loop, a 300 MiB volume: all refused (2), nothing written"; else fail "${bad[*]}"; fi
  cleanup_root $R
}

# during DOCKSTORE_PAUSE=room-resize another btrfs (its own image, 1 GiB, with a spare 1 GiB beyond its fs size) is mounted
# over the mountpoint: it must not be resized, and the next run (after the unmount) gives the room back
case_reclaim_overmount_during_pause() {
  CASE=reclaim_overmount_during_pause; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  local M=$R/var/lib/docker
  truncate -s 2G $R/other.img; mkfs.btrfs -q -b 1G $R/other.img; local OL; OL=$(losetup -f --show $R/other.img); MYLOOPS+=($OL)
  (DOCKSTORE_PAUSE=room-resize $D reclaim --root $R >$R/o 2>&1; echo $? > $R/rc) &
  for i in $(seq 300); do grep -q "room-loop\] done" $R/o 2>/dev/null && break; sleep 0.01; done
  mount $OL $M
  wait
  local rc; rc=$(cat $R/rc); local osz; osz=$(btrfs fi show --raw $M | awk '/devid/{print $4}')
  umount $M
  $D reclaim --root $R >$R/o2 2>&1; local rc2=$?
  local why=""
  [ "$osz" = 1073741824 ] || why+=" OTHER-BTRFS-RESIZED-to-$osz"
  [ "$rc" = 2 ] || why+=" rc=$rc($(tail -1 $R/o|cut -c1-120))"
  [ $rc2 = 0 ] || why+=" rerun rc=$rc2 ($(tail -1 $R/o2|cut -c1-120))"
  [ "$(imgsize $R)" = 1073741824 ] || why+=" image=$(imgsize $R)"
  [[ "$(devsize $M)" == "1=1073741824 " ]] || why+=" dev=$(devsize $M)"
  verify_sums $R || why+=" DATA"
  if [ -z "$why" ]; then pass "refused (2): $(tail -1 $R/o | cut -c1-140); the other btrfs untouched; re-run gave the room back"; else fail "$why"; fi
  cleanup_root $R
}

# a reclaim killed with the image's room lent; migrate-ebs then moves the store onto a 2 GiB volume (it does not refuse);
# the next reclaim "gives back" the room by shrinking the btrfs on the volume to the image's old 1 GiB
case_migrate_while_reclaim_lent() {
  CASE=migrate_while_reclaim_lent; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  local M=$R/var/lib/docker
  DOCKSTORE_FAILPOINT=balance $D reclaim --root $R >/dev/null 2>&1
  truncate -s 2G $R/ebs.img; local T; T=$(losetup -f --show $R/ebs.img); MYLOOPS+=($T)
  $D migrate-ebs $T --root $R --yes >$R/m 2>&1; local mrc=$?
  if [ $mrc = 2 ]; then pass "migrate-ebs refused while the reclaim room is lent: $(tail -1 $R/m | cut -c1-150)"; cleanup_root $R; return; fi
  local d1; d1=$(devsize $M)
  local st; st=$($D status --root $R 2>&1 | grep reclaim: | cut -c1-160)
  $D reclaim --root $R >$R/o 2>&1; local rc=$?
  local d2; d2=$(devsize $M)
  verify_sums $R || d2+=" DATA-CHANGED"
  if [[ "$d2" != "1=2147483648 "* ]]; then
    fail "migrate-ebs rc=$mrc with the journal open (store now [$d1] on the 2 GiB volume; status: '$st'); then reclaim rc=$rc printed '[room-shrink] done' and shrank the btrfs on the volume to [$d2], then: '$(tail -1 $R/o | cut -c1-200)'"
  else pass "volume kept its 2 GiB (reclaim rc=$rc)"; fi
  cleanup_root $R
}

# device store whose /var/lib/dockstore is a relative symlink into the store itself: the temporary member must not be
# a file on the store (a btrfs lent room on itself)
case_reclaim_room_on_store() {
  CASE=reclaim_room_on_store; mkroot; dev_store $R || { fail setup; cleanup_root $R; return; }
  local M=$R/var/lib/docker
  rm -rf $R/var/lib/dockstore; ln -s docker/fill $R/var/lib/dockstore
  timeout 120 $D reclaim --root $R >$R/o 2>&1; local rc=$?
  local why=""
  [ "$(btrfs fi show $M | grep -c devid)" = 1 ] || why+=" MEMBER-ADDED"
  ls $M/fill | grep -q reclaim-room && why+=" room file created on the store"
  [ $rc = 124 ] && why+=" HUNG"
  if [ -z "$why" ]; then pass "rc=$rc: $(grep -m1 'lies on the store' $R/o | cut -c1-150) $(tail -1 $R/o | cut -c1-120)"; else fail "$why"; fi
  rm -f $R/var/lib/dockstore
  cleanup_root $R
}

# image store: reclaim killed while the room is lent, then a power cut (unmount, forget; loop names shuffled);
# provision at boot mounts the 1.5 GiB image; status/check say a reclaim is open; the next reclaim gives the room back
case_reclaim_image_powercut() {
  CASE=reclaim_image_powercut; mkroot; tpl_store $R || { fail setup; cleanup_root $R; return; }
  local M=$R/var/lib/docker
  DOCKSTORE_FAILPOINT=balance $D reclaim --root $R >/dev/null 2>&1
  local src; src=$(findmnt -no SOURCE $M)
  umount $M; btrfs device scan --forget $src 2>/dev/null; losetup -d $src 2>/dev/null
  truncate -s 1M $R/filler; local F; F=$(losetup -f --show $R/filler); MYLOOPS+=($F)
  $D provision --root $R >$R/p 2>&1; local prc=$?
  local st; st=$($D status --root $R 2>&1 | grep -c "reclaim:")
  $D reclaim --root $R >$R/o 2>&1; local rc=$?
  local why=""
  [ $prc = 0 ] || why+=" provision rc=$prc"
  [ "$st" = 1 ] || why+=" status silent about the open reclaim"
  [ $rc = 0 ] || why+=" reclaim rc=$rc($(tail -1 $R/o|cut -c1-120))"
  [ "$(imgsize $R)" = 1073741824 ] || why+=" image=$(imgsize $R)"
  [[ "$(devsize $M)" == "1=1073741824 " ]] || why+=" dev=$(devsize $M)"
  [ -e $R/var/lib/dockstore/reclaim.json ] && why+=" journal-left"
  verify_sums $R || why+=" DATA"
  if [ -z "$why" ]; then pass "after the cut: provision mounted it, status showed the reclaim, reclaim gave back to 1 GiB, data intact"; else fail "$why"; fi
  cleanup_root $R
}

# a store dockstore check calls OK (4 GiB image, 2.5 GiB of files, 650 MiB unallocated, 30% data free) cannot be moved:
# the kernel's replace fails with ENOSPC onto a 4 GiB and an 8 GiB volume; each volume is left with the store's scratched
# superblock, the journal stays open, and every later migrate-ebs refuses that volume (also after --abort)
case_migrate_enospc_healthy_store() {
  CASE=migrate_enospc_healthy_store; mkroot
  $D provision --root $R --size 4G >/dev/null 2>&1 || { fail setup; cleanup_root $R; return; }
  local M=$R/var/lib/docker i
  for i in $(seq 0 24); do dd if=/dev/urandom of=$M/f$i bs=1M count=100 status=none; done; sync
  (cd $M && sha256sum f* > $R/bsums)
  local ck; ck=$($D check --root $R 2>&1 | cut -c1-110); local ckrc=$?
  truncate -s 8G $R/ebs8.img; local T; T=$(losetup -f --show $R/ebs8.img); MYLOOPS+=($T)
  $D migrate-ebs $T --root $R --yes >$R/m1 2>&1; local rc1=$?
  local st; st=$($D status --root $R 2>&1 | grep migration: | cut -c1-100)
  $D migrate-ebs $T --root $R --yes >$R/m2 2>&1; local rc2=$?
  $D migrate-ebs $T --root $R --abort --yes >$R/a 2>&1; local rca=$?
  $D migrate-ebs $T --root $R --yes >$R/m3 2>&1; local rc3=$?
  local why=""
  (cd $M && sha256sum -c --quiet $R/bsums >/dev/null 2>&1) || why+=" DATA-CHANGED"
  if [ $rc1 = 0 ] || [ $rc1 = 2 -a $rc3 = 2 -a -z "$(grep -i 'holds data' $R/m3)" ]; then pass "rc1=$rc1 rc3=$rc3 $why"
  else fail "check said '$ck'; migrate-ebs onto an 8 GiB blank volume rc=$rc1: $(tail -1 $R/m1 | cut -c1-140); status: '$st'; re-run rc=$rc2: $(tail -1 $R/m2 | cut -c1-110); --abort rc=$rca ('$(tail -1 $R/a)'); migrate again rc=$rc3: $(tail -1 $R/m3 | cut -c1-80)$why"; fi
  cleanup_root $R
}

ALL=()
main() {
  [ "$(id -u)" = 0 ] || { echo "run as root"; exit 1; }
  ensure_tpl
  local names=("$@")
  [ ${#names[@]} = 0 ] && names=($(declare -F | awk '{print $3}' | sed -n 's/^case_//p'))
  for n in "${names[@]}"; do "case_$n"; done
}
main "$@"
