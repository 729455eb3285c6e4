#!/bin/bash
# Attack 45 helper N: re-runnable cases. Run as root. Cleans up after itself (trap).
# Uses only: mktemp -d roots, sparse images made by dockstore, loop devices it attaches itself, a private dockerd.
set -u
HERE=$(cd "$(dirname "$0")" && pwd); D=$HERE/dockstore
R=$(mktemp -d); R2=$(mktemp -d); chmod 755 "$R" "$R2"
mkdir -p "$R/var/lib" "$R/etc" "$R/run/x" "$R2/var/lib" "$R2/etc"
DR=$R/var/lib/docker; MYLOOPS=(); DPID=; PASS=0; FAIL=0
export DOCKER_HOST=unix://$R/run/docker.sock
cleanup() {
  [ -n "$DPID" ] && kill "$DPID" 2>/dev/null && sleep 3
  for d in $DR/tmp $DR/image/btrfs $DR/network $DR/containers; do mountpoint -q "$d" && umount "$d"; done
  chattr -i "$DR/volumes" 2>/dev/null; [ -n "${CID:-}" ] && chattr -i "$DR/containers/$CID" 2>/dev/null
  for r in "$R" "$R2"; do umount -R "$r/var" 2>/dev/null; umount -R "$r/var/lib" 2>/dev/null; done
  for l in "${MYLOOPS[@]}"; do losetup "$l" >/dev/null 2>&1 && losetup -d "$l" 2>/dev/null; done
  "$D" teardown --root "$R" --delete-image >/dev/null 2>&1; "$D" teardown --root "$R2" --delete-image >/dev/null 2>&1
  rm -rf "$R" "$R2"
}
trap cleanup EXIT
res() { if [ "$1" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi; echo "RESULT $2: $1 $3"; }
chk() { "$D" check --root "$R" 2>&1 | cut -c1-260; return "${PIPESTATUS[0]}"; }
mnt() { findmnt -n -o TARGET,SOURCE | grep -F -e "$R" -e "$R2"; }

"$D" provision --root "$R" --size 2G >/dev/null || exit 1
"$D" provision --root "$R2" --size 1G >/dev/null || exit 1
dockerd --data-root "$DR" --exec-root "$R/run/x" --pidfile "$R/run/dockerd.pid" --host "$DOCKER_HOST" \
  --iptables=false --bridge=none --storage-driver=btrfs >"$R/run/dockerd.log" 2>&1 & DPID=$!
sleep 5
T=$(mktemp -d); mkdir "$T/bin"; cp /bin/busybox "$T/bin/"; tar c -C "$T" . | docker import - bb:latest >/dev/null; rm -rf "$T"
docker create --name c1 bb:latest /bin/busybox true >/dev/null; CID=$(docker inspect -f '{{.Id}}' c1)

echo "=== A: read-only tmpfs on DATAROOT/image/btrfs (dockerd's image store)"
mount -t tmpfs -o ro tmpfs "$DR/image/btrfs"; chk; rc=$?
T=$(mktemp -d); echo x >"$T/f"; out=$(tar c -C "$T" . | docker import - bb:a 2>&1); rm -rf "$T"; echo "import: $out"
umount "$DR/image/btrfs"
[ $rc = 0 ] && echo "$out" | grep -q 'read-only' && res FAIL A "check OK, docker import fails (wrong result)" || res PASS A ""

echo "=== C: read-only bind on DATAROOT/network"
mount --bind "$DR/network" "$DR/network"; mount -o remount,bind,ro "$DR/network"; chk; rc=$?
out=$(docker network create n1 2>&1); echo "network create: $out"; docker network rm n1 >/dev/null 2>&1; umount "$DR/network"
[ $rc = 0 ] && echo "$out" | grep -q 'read-only' && res FAIL C "check OK, docker network create fails (wrong result)" || res PASS C ""

echo "=== D: chattr +i DATAROOT/containers/<id>"
chattr +i "$DR/containers/$CID"; chk; rc=$?; out=$(docker rm c1 2>&1); echo "rm: $out"; chattr -i "$DR/containers/$CID"
[ $rc = 0 ] && echo "$out" | grep -q 'not permitted' && res FAIL D "check OK, docker rm fails (wrong result)" || res PASS D ""
docker rm c1 >/dev/null 2>&1

echo "=== L: rw tmpfs on DATAROOT/tmp (Docker works)"
mount -t tmpfs tmpfs "$DR/tmp"; chk; rc=$?
T=$(mktemp -d); echo y >"$T/f"; out=$(tar c -C "$T" . | docker import - bb:l 2>&1); rm -rf "$T"; echo "import: $out"
docker create --name cl bb:latest /bin/busybox true >/dev/null && docker rm cl >/dev/null && echo "create+rm OK"
umount "$DR/tmp"
[ $rc = 2 ] && echo "$out" | grep -q sha256 && res FAIL L "check CRITICAL, Docker works (false alarm; design question)" || res PASS L ""

echo "=== N: chattr +i DATAROOT/volumes, check as uid 65534"
chattr +i "$DR/volumes"; echo "as root:"; chk
echo "as 65534:"; out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$D" check --root "$R" 2>&1); rc=$?; echo "${out:0:200}"
v=$(docker volume create vN 2>&1); echo "volume create: $v"; chattr -i "$DR/volumes"
[ $rc = 0 ] && res FAIL N "non-root check OK (no hint that data_root_attribute was not checked), volume create fails" || res PASS N ""

kill "$DPID"; sleep 3; DPID=

echo "=== F: R's store mounted, rbind of R2/var/lib over R/var/lib: every command refuses"
mount --rbind "$R2/var/lib" "$R/var/lib"; ok=1
for c in check status provision teardown reclaim backend "grow --to 3G"; do
  o=$("$D" $c --root "$R" 2>&1); rc=$?; echo "$c rc=$rc ${o:0:120}"; [ $rc = 0 ] && ok=0; done
umount -R "$R/var/lib"; [ $ok = 1 ] && res PASS F "" || res FAIL F "a command acted under the cover"

echo "=== E: rbind of R's own var/lib over itself (a copy of this very store)"
mount --rbind "$R/var/lib" "$R/var/lib"; mnt
o=$("$D" teardown --dry-run --root "$R" 2>&1); echo "teardown: $o"
umount "$DR"; o2=$("$D" check --root "$R" 2>&1); echo "after following the advice (umount $DR): ${o2:0:300}"
umount -R "$R/var/lib"; echo "$o" | grep -q '(/dev/loop[0-9]*, /dev/loop[0-9]*)' && res FAIL E "unclear message: 'unmount the others' when both are the same device; which one?" || res PASS E ""

echo "=== G: R's store NOT mounted, rbind of R2/var/lib over R/var/lib (nothing of R is hidden)"
umount "$DR"; sleep 1; mnt
echo r2-data >"$R2/var/lib/docker/r2-marker"; ls "$R2/var/lib/dockstore"
mount --rbind "$R2/var/lib" "$R/var/lib"
for c in check status "provision --dry-run" "teardown --dry-run"; do echo "-- $c"; "$D" $c --root "$R" 2>&1 | cut -c1-400 | head -3; done
echo "-- follow teardown's advice: umount $R2/var/lib/docker (R2's own store!)"; umount "$R2/var/lib/docker"
echo "-- teardown --root R"; "$D" teardown --root "$R" 2>&1 | cut -c1-200; rcT=${PIPESTATUS[0]}
umount -R "$R/var/lib"; echo "R2 after R's teardown:"; ls -la "$R2/var/lib" "$R2/var/lib/dockstore"; losetup -j "$R2/var/lib/docker-storage.btrfs"
[ -d "$R2/var/lib/docker" ] && [ -e "$R2/var/lib/dockstore/provision-folders" ] && res PASS G "" || \
  res FAIL G "check/status/provision report R2's store as R's; teardown --root R (rc=$rcT) detached R2's loop and deleted R2's mountpoint folder and provision-folders record"
"$D" provision --root "$R2" >/dev/null 2>&1 || { mkdir -p "$R2/var/lib/docker"; "$D" provision --root "$R2" >/dev/null 2>&1; }

echo "=== J: a loop device over R's image at offset 1M (not a btrfs member), R not mounted"
L=$(losetup -f --show -o $((1024*1024)) "$R/var/lib/docker-storage.btrfs"); MYLOOPS+=("$L"); losetup -l "$L"
"$D" provision --root "$R" 2>&1 | tail -1
"$D" teardown --root "$R" 2>&1 | grep -E 'detach|kept'
losetup "$L" >/dev/null 2>&1 && res PASS J "" || res FAIL J "teardown detached $L, a loop device at an offset it did not create (wrong result)"

echo "=== K: a loop device over a block copy of the image: provision refuses"
C=$(mktemp /tmp/copyXXXX.img); cp --sparse=always "$R/var/lib/docker-storage.btrfs" "$C"; L=$(losetup -f --show "$C"); MYLOOPS+=("$L")
o=$("$D" provision --root "$R" 2>&1); rc=$?; echo "rc=$rc ${o:0:250}"; [ $rc = 2 ] && res PASS K "" || res FAIL K "mounted beside a copy"
losetup -d "$L"; rm -f "$C"

echo "=== T: teardown preflight: chattr on files it removes, ro bind on ROOT/etc"
"$D" provision --root "$R" >/dev/null 2>&1
for f in etc/sysconfig/docker etc/fstab var/lib/dockstore/provision-folders; do
  h1=$(cd "$R" && find . -xdev | sort | md5sum); chattr +i "$R/$f"; "$D" teardown --root "$R" >/dev/null 2>&1; rc=$?; chattr -i "$R/$f"
  h2=$(cd "$R" && find . -xdev | sort | md5sum); [ $rc = 2 ] && [ "$h1" = "$h2" ] && res PASS "T($f)" "" || res FAIL "T($f)" "rc=$rc changed"; done
mount --bind "$R/etc" "$R/etc"; mount -o remount,bind,ro "$R/etc"; "$D" teardown --root "$R" 2>&1 | tail -1; rc=${PIPESTATUS[0]}; umount "$R/etc"
[ $rc = 2 ] && res PASS "T(ro etc)" "" || res FAIL "T(ro etc)" "rc=$rc"

echo "TOTAL: $PASS passed, $FAIL failed"
