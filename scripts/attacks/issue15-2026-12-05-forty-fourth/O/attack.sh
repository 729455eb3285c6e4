#!/bin/bash
# Attack 44, helper O: hidden stores, device nodes, non-root check, dry-run preflight.
# Re-runnable; cleans up every mount, loop device, /dev node move, namespace sleeper and dockerd it made.
# Usage: sudo ./attack.sh [path-to-dockstore]   (default: ./dockstore next to this script)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
D=${1:-$HERE/dockstore}
W=$(mktemp -d "$HERE/run.XXXXXX"); chmod 755 "$W"
NB="setpriv --reuid=65534 --regid=65534 --clear-groups"
PASS=0; FAIL=0; LOOPS=(); MOVED=(); PIDS=()

cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  for m in "${MOVED[@]}"; do            # m = "/dev/loopN" ; its node was moved to /dev/o44-loopN
    n=${m#/dev/}; [ -e "/dev/o44-$n" ] && { rm -f "$m"; mv "/dev/o44-$n" "$m"; }
  done
  # unmount everything under $W, deepest first, repeatedly (stacked mounts)
  for i in 1 2 3 4 5 6; do
    findmnt -rn -o TARGET | grep -F "$W" | sort -r | while read -r t; do umount "$t" 2>/dev/null || umount -l "$t"; done
  done
  for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
  losetup -a | grep -F "$W" | cut -d: -f1 | while read -r l; do losetup -d "$l"; done
  chattr -R -i -a "$W" 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT INT TERM

verdict() { # verdict PASS|FAIL "case" "severity/notes"
  if [ "$1" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi
  printf '### %s: %s %s\n\n' "$1" "$2" "${3:-}"
}
run() { echo "\$ dockstore ${*}"; OUT=$("$D" "$@" 2>&1); RC=$?; echo "$OUT" | cut -c1-400 | tail -6; echo "rc=$RC"; }
runnb() { echo "\$ (nobody) dockstore ${*}"; OUT=$($NB "$D" "$@" 2>&1); RC=$?; echo "$OUT" | cut -c1-400 | tail -4; echo "rc=$RC"; }
tree() { (cd "$1" && find . -xdev -printf '%p %s %m %i %T@\n' 2>/dev/null | sort; lsattr -Rd "$1" 2>/dev/null) | md5sum; }
newroot() { local r; r=$(mktemp -d "$W/root.XXXXXX"); chmod 755 "$r"; mkdir -p "$r/var/lib" "$r/etc/sysconfig"; echo "$r"; }
attach() { local l; l=$(losetup "$@" -f --show) && LOOPS+=("$l") && echo "$l"; }

echo "== setup: image store R, second store R2"
R=$(newroot); "$D" provision --root "$R" --size 2G >/dev/null 2>&1 || { echo "setup provision failed"; exit 1; }
R2=$(newroot); "$D" provision --root "$R2" --size 1G >/dev/null 2>&1 || { echo "setup provision R2 failed"; exit 1; }

echo "== 1a: bind of ROOT/var/lib over itself: every command refuses, nothing changes"
mount --bind "$R/var/lib" "$R/var/lib"; h0=$(md5sum "$R/etc/sysconfig/docker")
ok=1
for c in "check" "provision" "grow --to 3G" "teardown" "reclaim" "provision --dry-run" "teardown --dry-run"; do
  run $c --root "$R"; echo "$OUT" | grep -q "hidden by a mount at $R/var/lib" || ok=0
done
[ $ok = 1 ] && verdict PASS "1a hidden store: check/provision/grow/teardown/reclaim/dry-runs refuse naming the mount"
run backend --root "$R"
echo "$OUT" | grep -q hidden && verdict PASS "1b backend (show) names hidden store" || \
  verdict FAIL "1b backend (show) on a hidden store says the store 'is on ext4' instead of naming the hiding mount" "(wrong result)"
run backend overlay2 --root "$R"; h1=$(md5sum "$R/etc/sysconfig/docker")
if [ "$RC" = 0 ] && [ "$h0" != "$h1" ]; then
  verdict FAIL "1c backend overlay2 on a hidden btrfs store rewrites DOCKER_OPTS (rc 0) instead of refusing" "(wrong result: config written from the folder under the store; after 'umount once' check goes WARNING)"
else verdict PASS "1c backend DRIVER refuses on hidden store"; fi
umount "$R/var/lib"; "$D" backend btrfs --root "$R" >/dev/null 2>&1
run check --root "$R"; [ "$RC" = 0 ] && verdict PASS "1d following 'umount … once' uncovers the store (check OK)" || verdict FAIL "1d advice did not recover"

echo "== 1e: two stacked binds: advice converges (umount once, twice)"
mount --bind "$R/var/lib" "$R/var/lib"; mount --bind "$R/var/lib" "$R/var/lib"
n=0; while :; do run check --root "$R"; [ "$RC" = 0 ] && break; n=$((n+1)); [ $n -gt 3 ] && break; umount "$R/var/lib"; done
[ $n = 2 ] && verdict PASS "1e stacked binds: advice followed twice reaches OK (each message says 'once'; mildly unclear)" || verdict FAIL "1e stacked binds loop ($n)"

echo "== 1f: rbind of ROOT over itself (store reachable) and plain bind (hidden)"
mount --rbind "$R" "$R"; run check --root "$R"; a=$RC; umount -R "$R"
mount --bind "$R" "$R"; runnb check --root "$R"; b=$RC; umount "$R"
[ $a = 0 ] && [ $b = 3 ] && verdict PASS "1f rbind of root OK (reachable), plain bind of root UNKNOWN as nobody" || verdict FAIL "1f rc rbind=$a bind=$b"

echo "== 1g: ROOT/var/lib replaced by an rbind of another root's var/lib (whose store is mounted)"
mount --rbind "$R2/var/lib" "$R/var/lib"
run check --root "$R"
echo "$OUT" | grep -q "mounted over the store" && \
  verdict FAIL "1g check says R2's store is 'mounted over the store … umount $R/var/lib/docker once, which leaves the store mounted' (first advice misdiagnoses; the real cause is the rbind at var/lib)" "(unclear message)"
run provision --root "$R"
if [ "$RC" = 0 ] && echo "$OUT" | grep -q "in place"; then
  verdict FAIL "1h provision says 'Docker's storage is in place … nothing to do' (rc 0) while R's store is hidden and status says 'provision refuses until resolved'" "(wrong result: OK when not)"
else verdict PASS "1h provision refuses"; fi
run reclaim --root "$R" --dry-run
[ "$RC" = 0 ] && verdict FAIL "1i reclaim plans on the other root's store (outside --root) instead of refusing on the hidden store" "(wrong result)" || verdict PASS "1i reclaim refuses"
umount "$R/var/lib/docker"   # follow the first advice to the letter
run check --root "$R"; echo "$OUT" | grep -q "hidden by a mount at $R/var/lib" && echo "(after the advice: now names the rbind; message says 'reaches $R/var/lib's folder' though it reaches $R2/var/lib's)"
umount -R "$R/var/lib"; run check --root "$R"

echo "== 3: non-root check names a loop device over the image (store unmounted, not torn down)"
umount "$R/var/lib/docker"; sleep 0.5
L=$(attach -r "$R/var/lib/docker-storage.btrfs"); runnb check --root "$R"
echo "$OUT" | grep -q "$L (read-only)" && verdict PASS "3a nobody's check names the read-only loop $L" || verdict FAIL "3a"
losetup -d "$L"
O=$W/other; mkdir -p "$O"; truncate -s 1G "$O/docker-storage.btrfs"
unshare -m --propagation private sh -c "mount --bind '$O' '$R/var/lib' && losetup -f --show '$R/var/lib/docker-storage.btrfs' > '$W/nsloop' && exec sleep 600" &
PIDS+=($!); sleep 1; L=$(cat "$W/nsloop"); LOOPS+=("$L")
runnb check --root "$R"
if echo "$OUT" | grep -q "attached before it grew"; then
  verdict FAIL "3b nobody's check names $L, a 1 GiB loop over ANOTHER file (same name, other mount namespace), asserts it was 'attached before it grew: truncated' and advises losetup -d on it (hedged only by 'only root can tell')" "(unclear message / wrong device named)"
else verdict PASS "3b"; fi
run check --root "$R"; echo "(root: does not name it, correctly)"
kill "${PIDS[-1]}"; losetup -d "$L"

echo "== 3c: a loop over an older deleted copy of the image (same btrfs UUID)"
L=$(attach "$R/var/lib/docker-storage.btrfs"); cp --sparse=always "$R/var/lib/docker-storage.btrfs" "$R/var/lib/x.tmp"; mv "$R/var/lib/x.tmp" "$R/var/lib/docker-storage.btrfs"
rm -f "$R/etc/dockstore.disabled"
run provision --root "$R"; p=$RC; run check --root "$R"; c=$RC; runnb check --root "$R"; n=$RC
if [ $p = 0 ] && [ $c = 2 ]; then
  verdict FAIL "3c provision mounts and says 'ready' (rc 0) with a loop over a deleted copy carrying the same devid/UUID; root check right after is CRITICAL (block copies), nobody's check says OK (rc $n)" "(wrong result)"
else verdict PASS "3c"; fi
"$D" teardown --root "$R" >/dev/null 2>&1; losetup -d "$L"

echo "== 2: device store whose loop node is moved away / replaced by another device's node"
R3=$(newroot); truncate -s 2G "$W/disk3.img"; truncate -s 2G "$W/decoy.img"
L3=$(attach "$W/disk3.img"); LD=$(attach "$W/decoy.img")
mkfs.btrfs -q -f -L docker "$LD" >/dev/null 2>&1; md5sum "$W/decoy.img" > "$W/decoy.md5"
echo "DOCKSTORE_DEVICE=$L3" > "$R3/etc/sysconfig/dockstore"
run provision --root "$R3" --wait 2
N3=${L3#/dev/}; MOVED+=("$L3"); mv "$L3" "/dev/o44-$N3"
run provision --root "$R3" --wait 2; echo "$OUT" | grep -q "mknod $L3 b" && verdict PASS "2a provision names kernel device + mknod" || verdict FAIL "2a"
run status --root "$R3"; echo "$OUT" | grep -q "mknod" && verdict PASS "2b status names mknod" || verdict FAIL "2b"
run check --root "$R3"
[ "$RC" = 0 ] && verdict FAIL "2c check says OK while status lists the missing node as a problem provision refuses on" "(wrong result, low)" || verdict PASS "2c"
run teardown --root "$R3" --wipe-device
echo "$OUT" | grep -q "label is empty" && verdict FAIL "2d teardown --wipe-device with the node missing says the device's 'label is empty, not docker' (false: it is 'docker'); no mention of the missing node or mknod" "(unclear message)" || verdict PASS "2d"
mknod "$L3" b 7 "${LD#/dev/loop}"
run teardown --root "$R3" --wipe-device; run provision --root "$R3" --device "$L3" --force --wait 2
md5sum -c --quiet "$W/decoy.md5" && verdict PASS "2e node replaced by decoy's (7:${LD#/dev/loop}): provision --force refuses, decoy not written" || verdict FAIL "2e decoy written" "(data loss)"
L4=$(truncate -s 3G "$W/disk4.img"; attach "$W/disk4.img")
rm -f "$L3"; mv "/dev/o44-$N3" "$L3"
R5=$(newroot); "$D" provision --root "$R5" --size 1G >/dev/null 2>&1
N4=${L4#/dev/}; MOVED+=("$L4"); mv "$L4" "/dev/o44-$N4"; mknod "$L4" b 7 "${LD#/dev/loop}"
run migrate-ebs --root "$R5" "$L4" --yes --wait 2
md5sum -c --quiet "$W/decoy.md5" && [ "$RC" = 2 ] && verdict PASS "2f migrate-ebs to a replaced node refuses, decoy untouched (advice mentions /dev/block/, absent here without udev)" || verdict FAIL "2f"
rm -f "$L4"; mv "/dev/o44-$N4" "$L4"

echo "== 1j: device store hidden by a bind: status exit code"
mount --bind "$R3/var/lib" "$R3/var/lib"; run status --root "$R3"
[ "$RC" = 1 ] && verdict FAIL "1j status of a hidden DEVICE store exits 1 ('could not be read') with a bare error line, where an image store gets exit 4 and a problem list" "(wrong exit status, low)" || verdict PASS "1j"
umount "$R3/var/lib"

echo "== 4: dry-run preflight"
R4=$(newroot); echo "# fstab" > "$R4/etc/fstab"
t0=$(tree "$R4"); run provision --root "$R4" --dry-run; t1=$(tree "$R4"); [ "$t0" = "$t1" ] && verdict PASS "4a provision --dry-run on a fresh root changes nothing" || verdict FAIL "4a"
chattr +i "$R4/etc"; run provision --root "$R4" --dry-run; chattr -i "$R4/etc"; [ "$RC" = 2 ] && verdict PASS "4b immutable /etc refused by dry run" || verdict FAIL "4b"
mount --bind "$R4/etc/fstab" "$R4/etc/fstab"; run provision --root "$R4" --dry-run; umount "$R4/etc/fstab"; [ "$RC" = 2 ] && verdict PASS "4c fstab bound over itself refused" || verdict FAIL "4c"
mount -t tmpfs -o size=16k t "$R4/etc"; mkdir "$R4/etc/sysconfig"; echo '#' > "$R4/etc/fstab"; dd if=/dev/zero of="$R4/etc/fill" bs=4k 2>/dev/null
run provision --root "$R4" --dry-run; umount "$R4/etc"; [ "$RC" = 2 ] && verdict PASS "4d full /etc refused" || verdict FAIL "4d"
truncate -s 1G "$R4/var/lib/docker-storage.btrfs.dockstore-new"; t0=$(tree "$R4"); run provision --root "$R4" --dry-run; t1=$(tree "$R4")
[ "$t0" = "$t1" ] && verdict PASS "4e dry run leaves an unfinished .dockstore-new image in place" || verdict FAIL "4e"
rm -f "$R4/var/lib/docker-storage.btrfs.dockstore-new"
"$D" provision --root "$R" >/dev/null 2>&1
chattr +i "$R/var/lib"
run teardown --root "$R" --dry-run; d=$RC
run teardown --root "$R"; r=$RC
chattr -i "$R/var/lib"
if [ $d = 0 ] && [ $r != 0 ]; then
  verdict FAIL "4f teardown --dry-run prints a full plan (rc 0) with ROOT/var/lib immutable; the real run unmounts, detaches, removes fstab/drop-ins/sysconfig, then fails (rc $r) at the folders step (migrate-ebs and teardown --delete-image dry runs do check var/lib)" "(wrong result: dry run promises what the real run cannot do)"
else verdict PASS "4f"; fi
run teardown --root "$R"

echo "== hidden store under a running dockerd"
R6=$(newroot); "$D" provision --root "$R6" --size 2G >/dev/null 2>&1; mkdir -p "$R6/run/dexec"
dockerd --data-root "$R6/var/lib/docker" --exec-root "$R6/run/dexec" --pidfile "$R6/run/docker.pid" \
  --host "unix://$R6/run/docker.sock" --iptables=false --bridge=none --storage-driver=btrfs >"$W/dockerd.log" 2>&1 &
PIDS+=($!); for i in $(seq 20); do [ -S "$R6/run/docker.sock" ] && break; sleep 0.5; done
mount --bind "$R6/var/lib" "$R6/var/lib"; runnb check --root "$R6"
[ "$RC" = 2 ] && verdict PASS "5 hidden store + dockerd: CRITICAL (also as nobody)" || verdict FAIL "5 rc=$RC"
umount "$R6/var/lib"; kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null

echo "PASSED=$PASS FAILED=$FAIL"
