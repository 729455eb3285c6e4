#!/bin/bash
# Attack 35 helper Z: re-runnable cases against this morning's fixes. Run as root.
B=${B:-/work/attack35/z/dockstore}
PASS=0; FAIL=0; ROOTS=(); PIDS=(); EXTRA_LOOPS=(); EXTRA_MNTS=(); DEVNODES=()
res() { if [ "$1" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi; echo "== $2: $1 ${3:-}"; }
newroot() { R=$(mktemp -d); ROOTS+=("$R"); mkdir -p "$R/var/lib" "$R/etc" "$R/run"; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; sleep 2
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  for m in "${EXTRA_MNTS[@]}"; do umount -l "$m" 2>/dev/null; done
  for n in "${DEVNODES[@]}"; do rm -rf "$n"; done
  for d in "${ROOTS[@]}"; do
    for m in $(findmnt -rn -o TARGET | grep "^$d" | sort -r); do umount -l "$m" 2>/dev/null; done
    for l in $(losetup -nO NAME,BACK-FILE | awk -v d="$d" 'index($2,d)==1{print $1}'); do losetup -d "$l" 2>/dev/null; done
  done
  for l in "${EXTRA_LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
  for d in "${ROOTS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT
provision() { "$B" provision --root "$1" --size "${2:-1G}" >/dev/null 2>&1 || { echo "provision failed in $1"; return 1; }; }
startd() { # root datadir [prefix cmd...]
  local d=$1 dr=$2; shift 2; cp /usr/sbin/dockerd "$d/run/notadaemon"
  setsid "$@" "$d/run/notadaemon" --data-root "$dr" --exec-root "$d/run/ex" --pidfile "$d/run/d.pid" \
    --host "unix://$d/run/d.sock" --iptables=false --bridge=none --storage-driver btrfs >"$d/run/d.log" 2>&1 &
  for i in $(seq 50); do [ -S "$d/run/d.sock" ] && break; sleep 0.2; done
  PIDS+=("$(cat "$d/run/d.pid")")
}
stopd() { local p; p=$(cat "$1/run/d.pid"); kill "$p"; for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done; }

young() { btrfs subvolume create "$1/btrfs/subvolumes/$(printf "$2%.0s" $(seq 64))" >/dev/null; }
# R1 baseline: renamed dockerd; young orphan kept
newroot; MP=$R/var/lib/docker; provision "$R"; startd "$R" "$MP"
mkdir -p "$R/rootfs/bin"; cp /usr/bin/busybox "$R/rootfs/bin/"; tar -C "$R/rootfs" -c . | docker -H "unix://$R/run/d.sock" import - bb >/dev/null
young "$MP" a; out=$("$B" reclaim --orphans --dry-run --root "$R" 2>&1); rc=$?; echo "$out"
[ $rc = 2 ] && grep -q "kept .*aaaa.*created after dockerd" <<<"$out" && res PASS R1-renamed-daemon || res FAIL R1-renamed-daemon
# R2 metadata.db renamed while the daemon holds it
mv "$MP/volumes/metadata.db" "$MP/volumes/metadata.db.moved"
out=$("$B" reclaim --orphans --dry-run --root "$R" 2>&1); rc=$?; echo "$out"
mv "$MP/volumes/metadata.db.moved" "$MP/volumes/metadata.db"
grep -q "would delete .*aaaa" <<<"$out" && res FAIL R2-db-renamed "(data loss: young subvolume of a live daemon would be deleted, rc=$rc)" || res PASS R2-db-renamed
# R3 metadata.db unlinked while held (kept under a hard link), then a real run
ln "$MP/volumes/metadata.db" "$MP/volumes/keep.db"; rm "$MP/volumes/metadata.db"
out=$("$B" reclaim --orphans --root "$R" 2>&1); rc=$?; echo "$out"
ln "$MP/volumes/keep.db" "$MP/volumes/metadata.db"; rm "$MP/volumes/keep.db"
[ -d "$MP/btrfs/subvolumes/$(printf 'a%.0s' $(seq 64))" ] && res PASS R3-db-unlinked || res FAIL R3-db-unlinked "(data loss: young subvolume of live dockerd pid $(cat $R/run/d.pid) deleted, rc=$rc)"
stopd "$R"
# R4 daemon in its own mount namespace, data root a bind mount only it sees
mkdir -p "$R/alt"; rm -f "$R/run/d.sock"
setsid unshare -m --propagation private sh -c "mount --bind '$MP' '$R/alt' && exec '$R/run/notadaemon' --data-root '$R/alt' --exec-root '$R/run/ex' --pidfile '$R/run/d.pid' --host 'unix://$R/run/d.sock' --iptables=false --bridge=none --storage-driver btrfs" >"$R/run/d.log" 2>&1 &
for i in $(seq 50); do [ -S "$R/run/d.sock" ] && break; sleep 0.2; done; PIDS+=("$(cat "$R/run/d.pid")")
young "$MP" b; out=$("$B" reclaim --orphans --dry-run --root "$R" 2>&1); rc=$?; echo "$out"
[ $rc = 2 ] && grep -q "kept .*bbbb" <<<"$out" && res PASS R4-mountns-daemon || res FAIL R4-mountns-daemon
stopd "$R"
# R5 a harmless flock on a volumes/metadata.db elsewhere does not keep anything
mkdir -p "$R/other/volumes"; touch "$R/other/volumes/metadata.db"; flock -x "$R/other/volumes/metadata.db" sleep 30 & FP=$!; PIDS+=($FP); sleep 0.5
out=$("$B" reclaim --orphans --dry-run --root "$R" 2>&1); rc=$?; echo "$out"; kill $FP
[ $rc = 0 ] && grep -q "would delete .*bbbb" <<<"$out" && res PASS R5-harmless-flock || res FAIL R5-harmless-flock
"$B" teardown --root "$R" --delete-image >/dev/null 2>&1

# ---- teardown while something holds the loop device
snap() { (cd "$1" && find . -path ./run -prune -o -print0 | sort -z | xargs -0 stat -c '%n %s %a' ; losetup -nO NAME,BACK-FILE | grep "$1"; findmnt -rn -o TARGET,SOURCE | grep "$1") 2>/dev/null | md5sum; }
newroot; provision "$R"; L=$(losetup -nO NAME -j "$R/var/lib/docker-storage.btrfs")
# T1 O_PATH descriptor: the kernel lets the loop device go anyway (it is not an open of the block device)
python3 -c "import os,time; fd=os.open('$L', os.O_PATH); time.sleep(30)" & HP=$!; PIDS+=($HP); sleep 0.3
h1=$(snap "$R"); out=$("$B" teardown --root "$R" --dry-run 2>&1); rc=$?; echo "$out"; kill $HP
if [ $rc = 2 ] && grep -q "is open in process $HP" <<<"$out"; then res FAIL T1-opath "(wrong result/unclear message, low: O_PATH fd blocks nothing, yet teardown refuses with 'the kernel lets one go only once nothing holds it open')"; else res PASS T1-opath; fi
# T2 a holder in another mount namespace
setsid unshare -m --propagation private sleep 60 & NP=$!; PIDS+=($NP); sleep 0.5
h1=$(snap "$R"); out=$("$B" teardown --root "$R" 2>&1); rc=$?; echo "$out"; h2=$(snap "$R"); kill $NP; sleep 0.3
[ $rc = 2 ] && [ "$h1" = "$h2" ] && grep -q "another mount namespace (pid $NP" <<<"$out" && res PASS T2-mountns || res FAIL T2-mountns
# T3 a device node made elsewhere with mknod for the same number
mm=$(stat -c '%t %T' "$L"); mkdir "$R/nodes"; mknod "$R/nodes/x" b $((16#${mm% *})) $((16#${mm#* })); sleep 60 <"$R/nodes/x" & HP=$!; PIDS+=($HP); sleep 0.3
h1=$(snap "$R"); out=$("$B" teardown --root "$R" 2>&1); rc=$?; echo "$out"; h2=$(snap "$R"); kill $HP; rm -rf "$R/nodes"
[ $rc = 2 ] && [ "$h1" = "$h2" ] && grep -q "open in process $HP" <<<"$out" && res PASS T3-mknod-node || res FAIL T3-mknod-node
# T4 a second loop device over the image mounted elsewhere
L2=$(losetup -f --show "$R/var/lib/docker-storage.btrfs"); EXTRA_LOOPS+=($L2); mkdir -p "$R/m2"; mount -o ro "$L2" "$R/m2"; EXTRA_MNTS+=("$R/m2")
h1=$(snap "$R"); out=$("$B" teardown --root "$R" 2>&1); rc=$?; echo "$out"; h2=$(snap "$R"); umount "$R/m2"; losetup -d "$L2"
[ $rc = 2 ] && [ "$h1" = "$h2" ] && grep -q "$L2 (a second loop device" <<<"$out" && res PASS T4-second-loop-mounted || res FAIL T4-second-loop-mounted
# T5 a loop device stacked on the store's loop device (no process holds it: the kernel does)
S=$(losetup -f --show -r "$L"); EXTRA_LOOPS+=($S)
d=$("$B" teardown --root "$R" --dry-run 2>&1); drc=$?
h1=$(snap "$R"); out=$("$B" teardown --root "$R" 2>&1); rc=$?; echo "dry rc=$drc"; echo "$out"; h2=$(snap "$R")
if [ $rc = 2 ] && [ "$h1" = "$h2" ] && grep -q "$S" <<<"$out"; then res PASS T5-stacked-loop
else res FAIL T5-stacked-loop "(wrong result + unclear message: dry run rc=$drc plans it, the run unmounts the store then exits $rc without naming $S; fuser -v $L shows nothing)"; fi
losetup -d "$S"; sleep 0.5; "$B" teardown --root "$R" >/dev/null 2>&1; echo "after detaching $S: teardown rc=$?"

# ---- size limits of the image's filesystem
probe() { python3 -c "
import os,sys
fd=os.open(sys.argv[1], os.O_TMPFILE|os.O_RDWR, 0o600); lo,hi=0,1<<63
while lo<hi:
    m=(lo+hi+1)//2
    try: os.ftruncate(fd,m); lo=m
    except OSError: hi=m-1
print(lo)" "$1"; }
newroot; truncate -s 300M "$R/h.img"
for fs in ext4 ext2-1k ext3; do
  case $fs in ext4) mkfs.ext4 -q -F -b 4096 "$R/h.img";; ext2-1k) mkfs.ext2 -q -F -b 1024 "$R/h.img";; ext3) mkfs.ext3 -q -F -b 4096 "$R/h.img";; esac
  mount -o loop "$R/h.img" "$R/var/lib"; EXTRA_MNTS+=("$R/var/lib"); real=$(probe "$R/var/lib")
  out=$("$B" provision --root "$R" --size 100T --dry-run 2>&1 | grep -v warning); rc=$?; echo "$fs real limit $real: $out"
  said=$(grep -o '([0-9]* bytes)' <<<"$out" | tr -dc 0-9)
  [ "$said" = "$real" ] && res PASS "S1-limit-named-$fs" || res FAIL "S1-limit-named-$fs" "(unclear message, low: refusal says the filesystem allows no file larger than $said bytes; it allows $real)"
  # a size just above the limit, not a multiple of 4096
  out=$("$B" provision --root "$R" --size $((real+1)) --dry-run 2>&1 | grep -v warning); echo "$out"
  said=$(grep -o '([0-9]* bytes)' <<<"$out" | tr -dc 0-9)
  [ "$said" = "$real" ] && res PASS "S2-limit-for-size-limit+1-$fs" || res FAIL "S2-limit-for-size-limit+1-$fs" "(unclear message, low: --size $((real+1)) refused naming the limit as $said bytes; it is $real)"
  # the exact limit fits: dry run and run agree, nothing left behind
  "$B" provision --root "$R" --size "$real" --dry-run >/dev/null 2>&1; drc=$?
  "$B" provision --root "$R" --size "$real" >/dev/null 2>&1; prc=$?
  [ $drc = 0 ] && [ $prc = 0 ] && [ "$(stat -c %s "$R/var/lib/docker-storage.btrfs")" = "$real" ] && res PASS "S3-exact-limit-fits-$fs" || res FAIL "S3-exact-limit-fits-$fs" "(dry $drc run $prc)"
  "$B" teardown --root "$R" --delete-image >/dev/null 2>&1
  left=$(ls -A "$R/var/lib" | grep -v lost+found); [ -z "$left" ] && res PASS "S4-no-debris-$fs" || res FAIL "S4-no-debris-$fs" "($left)"
  umount "$R/var/lib"
done
rm -f "$R/h.img"

# ---- check's device-node folders in /dev
newroot; provision "$R"; truncate -s 50M "$R/extra.img"; X=$(losetup -f --show "$R/extra.img"); EXTRA_LOOPS+=($X)
HID=/dev/.zattack35-hidden-${X#/dev/}; mv "$X" "$HID"; DEVNODES+=("$HID")
mkdir -p "$R/victim2"; mknod "$R/victim2/7:201" b 7 201
DM=/dev/.dockstore-nodes.zattack35mnt; mkdir "$DM"; DEVNODES+=("$DM"); mount --bind "$R/victim2" "$DM"; EXTRA_MNTS+=("$DM")
DL=/dev/.dockstore-nodes.zattack35link; mkdir -p "$R/victim"; mknod "$R/victim/7:200" b 7 200; ln -s "$R/victim" "$DL"; DEVNODES+=("$DL")
DC=/dev/.dockstore-nodes.zattack35chr; mkdir "$DC"; DEVNODES+=("$DC"); mknod "$DC/7:202" c 7 202
DX=/dev/.dockstore-nodes.zattack35mix; mkdir "$DX"; DEVNODES+=("$DX"); mknod "$DX/7:203" b 7 203; echo hi >"$DX/notes"
DOCKSTORE_PAUSE=device-node:stop "$B" check --root "$R" >/dev/null 2>&1 & CP=$!; sleep 1
made=$(ls -d /dev/.dockstore-nodes.* | grep -v zattack35); echo "folder of the stopped check: $made"; kill -9 $CP; wait $CP 2>/dev/null
out=$("$B" check --root "$R" 2>&1); echo "${out:0:80}"
[ ! -e "$made" ] && res PASS C1-killed-check-folder-removed || res FAIL C1-killed-check-folder-removed "($made left)"
[ -e "$R/victim2/7:201" ] && res PASS C2-bind-mounted-folder || res FAIL C2-bind-mounted-folder "(deletes outside /dev: $R/victim2/7:201, on another filesystem bind-mounted at $DM, was unlinked)"
[ -e "$R/victim/7:200" ] && [ -L "$DL" ] && res PASS C3-symlink-folder || res FAIL C3-symlink-folder
[ -e "$DC/7:202" ] && [ -e "$DX/notes" ] && res PASS C4-foreign-folders-kept || res FAIL C4-foreign-folders-kept
umount "$DM"; mv "$HID" "$X"; rm -rf "$DM" "$DL" "$DC" "$DX"
# C5 the store's own loop device without a node in /dev
L=$(losetup -nO NAME -j "$R/var/lib/docker-storage.btrfs"); HL=/dev/.zattack35-hidden-${L#/dev/}; mv "$L" "$HL"; DEVNODES+=("$HL")
out=$("$B" check --root "$R" 2>&1); rc=$?; mv "$HL" "$L"; echo "${out%%|*}"
[ $rc = 0 ] && res PASS C5-own-loop-no-node || res FAIL C5-own-loop-no-node "(wrong result, low: rc=$rc UNKNOWN 'cannot open $L' although check makes nodes for devices without one)"
"$B" teardown --root "$R" --delete-image >/dev/null 2>&1

# ---- teardown after a link on the mountpoint's path moved, and "a reboot"
for variant in plain delete-image-first; do
  newroot; rmdir "$R/var/lib"; mkdir -p "$R/srv/a" "$R/srv/b"; ln -s ../srv/a "$R/var/lib"; provision "$R"
  echo precious >"$R/srv/a/docker/precious"; h=$(md5sum <"$R/srv/a/docker/precious")
  umount "$R/srv/a/docker"; ln -sfn ../srv/b "$R/var/lib"
  if [ $variant = plain ]; then out=$("$B" teardown --root "$R" 2>&1); else out=$("$B" teardown --root "$R" --delete-image 2>&1); fi; rc=$?; echo "$out"
  [ -f "$R/srv/a/docker-storage.btrfs" ] && grep -q "point the link back" <<<"$out" && res PASS "F1-moved-link-said-$variant" || res FAIL "F1-moved-link-said-$variant" "(rc=$rc)"
  ln -sfn ../srv/a "$R/var/lib"
  L=$(losetup -f --show "$R/srv/a/docker-storage.btrfs"); mkdir -p "$R/chk"; mount -o ro "$L" "$R/chk"; h2=$(md5sum <"$R/chk/precious" 2>/dev/null); umount "$R/chk"; losetup -d "$L"; rmdir "$R/chk"
  [ "$h" = "$h2" ] && res PASS "F2-old-store-data-kept-$variant" || res FAIL "F2-old-store-data-kept-$variant"
  out=$("$B" teardown --root "$R" --delete-image 2>&1); rc=$?; echo "$out"
  left=$(cd "$R" && find . -mindepth 1 | grep -v -e '^./run' -e '^./etc$' -e '^./etc/dockstore.disabled$' -e '^./srv$' -e '^./srv/a$' -e '^./srv/b$' -e '^./var$' -e '^./var/lib$')
  [ $rc = 0 ] && [ -z "$left" ] && res PASS "F3-advice-works-$variant" || res FAIL "F3-advice-works-$variant" "(rc=$rc left: $left)"
done

# ---- a loop device over the image attached and held open after the plan (the store's own one is gone with the
# unmount: autoclear), the stop after the detach names it
newroot; provision "$R"
DOCKSTORE_PAUSE=detach-loop:stop "$B" teardown --root "$R" >"$R/run/td.out" 2>&1 & TP=$!; sleep 1
L2=$(losetup -f --show "$R/var/lib/docker-storage.btrfs"); EXTRA_LOOPS+=($L2); sleep 60 <"$L2" & HP=$!; PIDS+=($HP); sleep 0.3
kill -CONT $TP; wait $TP; rc=$?; out=$(cat "$R/run/td.out"); echo "$out"
[ $rc = 1 ] && grep -q "$L2 is open in process $HP" <<<"$out" && [ -f "$R/etc/fstab" ] && res PASS "P1-holder-after-plan-named" || res FAIL "P1-holder-after-plan-named" "(rc=$rc)"
kill $HP; sleep 0.5; losetup -d "$L2" 2>/dev/null; "$B" teardown --root "$R" --delete-image >/dev/null 2>&1; echo "re-run rc=$?"
# ---- a device store (--device over a loop device), teardown --wipe-device while a process holds the device open
newroot; truncate -s 2G "$R/ebs.img"; LD=$(losetup -f --show "$R/ebs.img"); EXTRA_LOOPS+=($LD)
"$B" provision --root "$R" --device "$LD" >/dev/null 2>&1; sleep 60 <"$LD" & HP=$!; PIDS+=($HP); sleep 0.3
out=$("$B" teardown --root "$R" --wipe-device 2>&1); rc=$?; echo "$out"; kill $HP
if [ $rc = 2 ] || grep -q "process $HP" <<<"$out"; then res PASS W1-wipe-device-held-open
else res FAIL W1-wipe-device-held-open "(wrong result, medium: rc=$rc, the device was wiped (blkid: $(blkid -p "$LD" >/dev/null 2>&1 && echo signature || echo none)) while sleep pid $HP held it open, not a word; an image store's teardown refuses the same holder)"; fi
echo; echo "passed $PASS failed $FAIL"
