#!/bin/bash
# Attack 50 helper T: device identity of btrfs store members, and commands under racing mounts.
# Run as root. Uses only loop devices over sparse files under fresh mktemp -d roots and
# /dev/ds50t.* folders it creates; cleans everything up on exit (trap).
set -u
DS=${DS:-/work/attack50/t/dockstore}
LOOPS=(); DEVDIRS=(); PIDS=(); ROOTS=(); PASS=0; FAIL=0
say() { printf '%s\n' "$*"; }
result() { # name verdict detail
  if [ "$2" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi
  printf '### %-4s %s  %s\n' "$2" "$1" "$3"
}
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do for i in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done; done
  for r in "${ROOTS[@]}"; do
    for k in 1 2 3 4 5; do
      grep -F " $r" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
    done
  done
  for r in "${ROOTS[@]}"; do losetup -a 2>/dev/null | grep -F "($r/" | cut -d: -f1 | while read -r l; do losetup -d "$l"; done; done
  for l in "${LOOPS[@]}"; do losetup "$l" >/dev/null 2>&1 && losetup "$l" | grep -qF '/tmp/ds50t.' && losetup -d "$l"; done
  for d in "${DEVDIRS[@]}"; do rm -rf "$d"; done
  for r in "${ROOTS[@]}"; do rm -rf "$r"; done
}
trap cleanup EXIT INT TERM
newroot() { local r; r=$(mktemp -d /tmp/ds50t.XXXXXX); ROOTS+=("$r"); mkdir -p "$r/var/lib" "$r/run"; NEWROOT=$r; }
newdevdir() { NEWDEV=$(mktemp -d /dev/ds50t.XXXXXX); DEVDIRS+=("$NEWDEV"); }
newloop() { truncate -s "$2" "$1"; NEWLOOP=$(losetup -f --show "$1"); LOOPS+=("$NEWLOOP"); }
mm() { tr : ' ' < /sys/class/block/$(basename "$1")/dev; }
findings() { sed 's/|.*//' | tr ';' '\n'; }

########## Part 1: which device a member is ##########
newroot; R=$NEWROOT; MP=$R/var/lib/docker
$DS provision --root "$R" --size 3G >/dev/null || { say "provision failed"; exit 1; }
newdevdir; D=$NEWDEV
newloop "$R/extra1" 1G; L1=$NEWLOOP
mknod "$D/byid-extra" b $(mm "$L1")
btrfs device add -K "$D/byid-extra" "$MP" >/dev/null
out=$($DS check --root "$R"); rc=$?
say "$out" | findings | head -3
if [ $rc = 2 ] && say "$out" | grep -q "device 2 .* is $L1, a loop device over $R/extra1"; then
  result A1 PASS "device add through a hand-made node: CRITICAL device_not_attached_at_boot names $L1/extra1"
else result A1 FAIL "rc=$rc"; fi

# A2: a second member, then swap the two hand-made nodes
newloop "$R/extra2" 1G; L2=$NEWLOOP
mknod "$D/n2" b $(mm "$L2"); btrfs device add -K "$D/n2" "$MP" >/dev/null
rm "$D/byid-extra" "$D/n2"; mknod "$D/byid-extra" b $(mm "$L2"); mknod "$D/n2" b $(mm "$L1")
say "btrfs lists: devid 2 = $D/byid-extra (really $L1), devid 3 = $D/n2 (really $L2); nodes now swapped"
out=$($DS check --root "$R"); rc=$?
say "$out" | findings | grep -i 'device [0-9] of\|node' | cut -c1-260
if say "$out" | grep -q "device 2 of the btrfs at $MP is $L2"; then
  result A2 FAIL "swapped paths: check says device 2 is $L2 over extra2 (it is $L1 over extra1), and no device_node_missing [wrong result]"
else result A2 PASS "swapped paths told apart"; fi
$DS teardown --root "$R" --dry-run >/dev/null 2>&1; t=$?; $DS reclaim --root "$R" --dry-run >/dev/null 2>&1; c=$?
if [ $t = 2 ] && [ $c = 2 ]; then result A3 PASS "teardown/reclaim refuse with swapped paths"
else result A3 FAIL "teardown --dry-run rc=$t, reclaim --dry-run rc=$c with both listed paths another member's (brief: refuse, exit 2) [wrong result]"; fi
# A4: remove one swapped node -> remedy names the wrong device
rm "$D/n2"
out=$($DS check --root "$R")
say "$out" | findings | grep 'btrfs device scan' | cut -c1-300
if say "$out" | grep -q "device 3 .* is the kernel's $(basename $L1)"; then
  result A4 FAIL "node of devid 3 gone: check says devid 3 is $(basename $L1) and advises btrfs device scan $L1, which re-paths devid 2 instead; a second round is needed [wrong result]"
else result A4 PASS "devid 3 named as $(basename $L2)"; fi
btrfs device scan "$L2" >/dev/null 2>&1; btrfs device scan "$L1" >/dev/null 2>&1
btrfs device remove 2 3 "$MP" >/dev/null 2>&1
losetup -d "$L1" "$L2" 2>/dev/null

########## Part 2: racing mounts (same root, single-device store again) ##########
truncate -s 64M "$R/other.img"; mkfs.ext4 -q "$R/other.img"
mount -o loop "$R/other.img" "$MP"
g=$($DS grow --root "$R" --to 4G --dry-run 2>&1); grc=$?
rcl=$($DS reclaim --root "$R" --dry-run 2>&1); rrc=$?
say "grow: $g"; say "reclaim: $rcl"
if say "$g" | grep -q 'resize2fs'; then
  result B1 FAIL "ext4 mounted over the btrfs store: grow/reclaim say 'is ext4, not btrfs; grow it with resize2fs on its device' (teardown/provision say mounted_over) [unclear message, wrong remedy]"
else result B1 PASS "grow names the mount over the store"; fi
umount "$MP"
mkdir -p "$R/empty"; mount --bind "$R/empty" "$MP"
g=$($DS grow --root "$R" --dry-run 2>&1); say "grow (host folder bound over): $g"
say "$g" | grep -q resize2fs && result B2 FAIL "host folder bind-mounted over the store: grow advises resize2fs on its device, i.e. the host's root disk [unclear message, wrong remedy]" || result B2 PASS "bind over"
umount "$MP"

# B3: bind racer over the mountpoint; check sometimes says the store is not mounted
( while :; do mount --bind "$R/empty" "$MP" 2>/dev/null; umount "$MP" 2>/dev/null; done ) & RP=$!; PIDS+=("$RP")
hit=""; for i in $(seq 1 60); do o=$($DS check --root "$R" 2>&1); [ $? = 3 ] && say "$o" | grep -q 'which is not mounted' && { hit=$o; break; }; done
kill $RP; wait $RP 2>/dev/null; while [ "$(findmnt -n -o FSTYPE "$MP" | tail -1)" != btrfs ]; do umount "$MP"; done
if [ -n "$hit" ]; then say "$hit" | findings | head -2 | cut -c1-400
  result B3 FAIL "bind mount racing over the mountpoint: check UNKNOWN 'the store ... is not mounted ... mount the store (dockstore provision)' while it is mounted (mixed read, not re-read, not 'kept changing') [wrong result]"
else result B3 PASS "no false 'not mounted' in 60 checks"; fi

# B4: bind racer over the parent; a real grow acts on the store and nothing else
( while :; do mount --bind "$R/empty" "$R/var/lib" 2>/dev/null; umount "$R/var/lib" 2>/dev/null; done ) & RP=$!; PIDS+=("$RP")
sleep 0.3; for i in $(seq 1 15); do gout=$($DS grow --root "$R" --to 4G 2>&1); grc=$?; [ $grc = 1 ] && break; [ $grc = 0 ] && break; done; say "grow under parent racer: $(echo "$gout" | tail -2 | cut -c1-300)"
kill $RP; wait $RP 2>/dev/null; while findmnt -n "$R/var/lib" >/dev/null 2>&1; do umount "$R/var/lib"; done
sz=$(btrfs fi show "$MP" | awk '/devid/{print $4}')
if { [ $grc = 0 ] && [ "$sz" = 4.00GiB ]; } || [ $grc = 2 ]; then result B4 PASS "grow under a parent bind racer: rc=$grc, devid 1 size $sz"
else
  isz=$(stat -c %s "$R/var/lib/docker-storage.btrfs"); $DS grow --root "$R" --to 4G >/dev/null 2>&1; g2=$?; sz2=$(btrfs fi show "$MP" | awk '/devid/{print $4}')
  result B4 FAIL "grow under a bind mount racing over the parent: rc=$grc after extending the image (now $isz B) and LOOP_SET_CAPACITY, 'cannot open MP: No such file or directory' at the resize step, btrfs left at $sz (no retry, no 're-run' advice; a re-run gives rc=$g2, $sz2) [half-done operation, unclear message]"
fi

# B5: real teardown under an ext4 loop-mount racer: refuses, or completes with no half state
( while :; do mount -o loop "$R/other.img" "$MP" 2>/dev/null; sleep 0.01; umount "$MP" 2>/dev/null; sleep 0.02; done ) & RP=$!; PIDS+=("$RP")
for i in $(seq 1 30); do $DS teardown --root "$R" >/tmp/ds50t.td.$$ 2>&1; trc=$?; [ $trc = 0 ] && break; done
kill $RP; wait $RP 2>/dev/null
for k in 1 2 3; do findmnt -n -o FSTYPE "$MP" 2>/dev/null | grep -q ext4 && umount "$MP"; done
uuid_alive=$(ls /sys/fs/btrfs | grep -c -- -); still=$(findmnt -n "$MP" 2>/dev/null | grep -c btrfs)
if [ $trc = 0 ] && [ "$still" = 0 ] && [ ! -e "$R/etc/fstab" ]; then result B5 PASS "teardown under racer (try $i): store unmounted, config removed, nothing half-done"
else result B5 FAIL "teardown rc=$trc mounted=$still"; cat /tmp/ds50t.td.$$; fi
rm -f /tmp/ds50t.td.$$

########## Part 3: replace onto a hand-made node, node re-made as another btrfs 'docker' ##########
newroot; R=$NEWROOT; MP=$R/var/lib/docker
$DS provision --root "$R" --size 2G >/dev/null
newdevdir; D=$NEWDEV
newloop "$R/tgt.img" 2G; LT=$NEWLOOP; mknod "$D/tgt" b $(mm "$LT")
dd if=/dev/urandom of="$MP/data" bs=1M count=20 status=none; sync
btrfs replace start -B -K 1 "$D/tgt" "$MP"
truncate -s 1G "$R/victim.img"; mkfs.btrfs -q -L docker "$R/victim.img" >/dev/null 2>&1; newloop "$R/victim.img" 1G; LV=$NEWLOOP
h0=$(sha256sum < "$R/victim.img")
rm "$D/tgt"; mknod "$D/tgt" b $(mm "$LV")
ok=1; for c in "migrate-ebs --dry-run $LT" "teardown --dry-run" "grow --dry-run" "reclaim --dry-run"; do $DS $c --root "$R" >/dev/null 2>&1; x=$?; say "$c rc=$x"; [ $x = 2 ] || ok=0; done
[ "$(sha256sum < "$R/victim.img")" = "$h0" ] || ok=0
[ $ok = 1 ] && result C1 PASS "replace target's node re-made as another 'docker' btrfs: all refuse, victim untouched" || result C1 FAIL "see above"
# C2: follow check's advice: migrate-ebs onto the loop device over a plain file
btrfs device scan "$LT" >/dev/null
$DS check --root "$R" | findings | grep -o 'finish the move with[^(]*' | head -1
$DS migrate-ebs --root "$R" --yes "$LT" >/dev/null 2>&1; mrc=$?
out=$($DS check --root "$R"); crc=$?
say "migrate-ebs rc=$mrc; fstab: $(tail -1 "$R/etc/fstab")"; say "$out" | findings | head -1 | cut -c1-120
if [ $mrc = 0 ] && [ $crc = 0 ]; then
  result C2 FAIL "migrate-ebs accepts a loop device over a plain file as the store's device (check's own remedy), fstab goes UUID=, then check says OK though no boot attaches that loop device [wrong result: says OK, store missing at next boot]"
else result C2 PASS "migrate rc=$mrc check rc=$crc"; fi
umount "$MP"; losetup -d "$LT" "$LV" 2>/dev/null

########## Part 4: device store through a by-id-like node, node re-made as another volume's ##########
newroot; R=$NEWROOT; MP=$R/var/lib/docker; newdevdir; D=$NEWDEV
newloop "$R/ebs.img" 2G; LE=$NEWLOOP; newloop "$R/victim.img" 2G; LV=$NEWLOOP
mkfs.btrfs -q -L docker "$LV" >/dev/null 2>&1; h0=$(sha256sum < "$R/victim.img")
mknod "$D/nvme-Amazon_vol0abc" b $(mm "$LE")
$DS provision --root "$R" --device "$D/nvme-Amazon_vol0abc" >/dev/null 2>&1
rm "$D/nvme-Amazon_vol0abc"; mknod "$D/nvme-Amazon_vol0abc" b $(mm "$LV")
out=$($DS check --root "$R"); crc=$?
ok=1; for c in "teardown --dry-run" "grow --dry-run" "reclaim --dry-run"; do $DS $c --root "$R" >/dev/null 2>&1; x=$?; [ $x = 2 ] || ok=0; done
[ $crc = 1 ] && say "$out" | grep -q "btrfs device scan $LE" || ok=0
[ "$(sha256sum < "$R/victim.img")" = "$h0" ] || ok=0
[ $ok = 1 ] && result D1 PASS "by-id node re-made as another volume's: WARNING with scan remedy, teardown/grow/reclaim refuse, victim untouched" || result D1 FAIL "crc=$crc"
p=$($DS provision --root "$R" 2>&1); prc=$?; say "provision: $p"
if say "$p" | grep -q 'unmount it or give another --mountpoint'; then
  result D2 FAIL "provision (every boot's re-run) says the store's own mount is 'not $LE; unmount it', i.e. advises unmounting the live store instead of btrfs device scan $LE [unclear message]"
else result D2 PASS "provision names the node problem"; fi
umount "$MP"

########## Part 5: live dockerd with containers churning under the mountpoint ##########
if command -v dockerd >/dev/null && [ -x /bin/busybox ]; then
newroot; R=$NEWROOT; MP=$R/var/lib/docker; H="-H unix://$R/run/docker.sock"
$DS provision --root "$R" --size 3G >/dev/null
dockerd --data-root "$MP" --exec-root "$R/run/docker" --pidfile "$R/run/docker.pid" --host "unix://$R/run/docker.sock" \
  --iptables=false --bridge=none --storage-driver=btrfs >"$R/dockerd.log" 2>&1 & PIDS+=($!)
for i in $(seq 1 60); do docker $H info >/dev/null 2>&1 && break; sleep 0.5; done
mkdir -p "$R/rootfs/bin"; cp /bin/busybox "$R/rootfs/bin/"; ln -s busybox "$R/rootfs/bin/true"; ln -s busybox "$R/rootfs/bin/sh"
tar -C "$R/rootfs" -c . | docker $H import - bb:1 >/dev/null
timeit() { local s e; s=$(date +%s%N); $DS "$@" --root "$R" >/dev/null 2>&1; echo $? > "$R/lastrc"; e=$(date +%s%N); echo $(( (e-s)/1000000 )); }
CMDS=("check" "status" "provision --dry-run" "grow --to 4G --dry-run" "reclaim --dry-run")
declare -A base; for c in "${CMDS[@]}"; do base[$c]=$(timeit $c); done
( while :; do docker $H run --rm --network none bb:1 /bin/true >/dev/null 2>&1; done ) & C1=$!; PIDS+=($C1)
( while :; do docker $H run -d --network none bb:1 /bin/sh -c 'sleep 0.3' >/dev/null 2>&1; docker $H container prune -f >/dev/null 2>&1; done ) & C2=$!; PIDS+=($C2)
sleep 2; ok=1
for c in "${CMDS[@]}"; do for k in 1 2 3; do t=$(timeit $c); LASTRC=$(cat "$R/lastrc"); say "$c: base ${base[$c]} ms, churn $t ms rc=$LASTRC"; { [ $LASTRC = 0 ] && [ $t -lt 1000 ]; } || ok=0; done; done
kill $C1 $C2; wait $C1 $C2 2>/dev/null
[ $ok = 1 ] && result E1 PASS "no false refusal, no slow-down under container churn" || result E1 FAIL "see timings"
fi

say ""; say "passed: $PASS failed: $FAIL"
