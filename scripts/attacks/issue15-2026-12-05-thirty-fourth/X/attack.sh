#!/bin/bash
# Attack 34 X: re-runnable cases against dockstore (run as root). Cleans up after itself.
# Uses only mktemp -d roots under /tmp, loop devices over sparse files it creates.
set -u
D=${D:-/work/attack34/x/dockstore}
BASE=$(mktemp -d /tmp/a34x-run.XXXX)
LOOPS=()
PASS=0; FAIL=0
cleanup() {
  set +e
  # unmount everything under BASE (deepest first)
  grep " $BASE" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
    umount "$(printf '%b' "$m")" 2>/dev/null
  done
  for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
  # loops that autoclear-bound the images under BASE
  losetup -l -n -O NAME,BACK-FILE | awk -v b="$BASE" 'index($0,b){print $1}' | while read -r l; do losetup -d "$l" 2>/dev/null; done
  [ -n "${EXCL_PID:-}" ] && kill "$EXCL_PID" 2>/dev/null
  rm -rf "$BASE"
}
trap cleanup EXIT
verdict() { # name PASS|FAIL severity note
  if [ "$2" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi
  echo "== $1: $2 ${3:-}"
}
newroot() { local r; r=$(mktemp -d "$BASE/root.XXXX"); mkdir -p "$r/etc"; echo "$r"; }
first() { "$D" check --root "$1" 2>&1 | head -1 | cut -d'|' -f1; }

# ---------- Case 1: odd bytes in a link target -> unit names match systemd-escape, verify clean
R=$(newroot); O="/srv/a b	c\\x2d-é%"$'\x7f'; mkdir -p "$R$O/lib"; ln -s "$O" "$R/var"
"$D" provision --root "$R" --size 1G >/dev/null 2>&1
want=$(systemd-escape --path --suffix=mount "$O/lib/docker")
got=$(sed -n 's/^Wants=//p' "$R/etc/systemd/system/docker.service.d/dockstore.conf")
T=$(mktemp -d "$BASE/sa.XXXX"); cp -r "$R/etc/systemd/system/." "$T/"; printf '[Service]\nExecStart=/bin/true\n' >"$T/docker.service"
printf '[Mount]\nWhat=/x\nWhere=%s\n' "$O/lib/docker" >"$T/$want"
v=$(cd "$T" && SYSTEMD_UNIT_PATH=$T: systemd-analyze verify "$T/docker.service" 2>&1)
if [ "$want" = "$got" ] && [ -d "$R/etc/systemd/system/$want.d" ] && [ -z "$v" ]; then verdict "1 odd-byte link target unit name" PASS; else verdict "1 odd-byte link target unit name" FAIL "wrong result: want=$want got=$got verify=$v"; fi

# ---------- Case 2: link changed while mounted: provision/teardown refuse rc 2, nothing changed; check UNKNOWN
mkdir -p "$R/srv/other/lib"; rm "$R/var"; ln -s /srv/other "$R/var"
h1=$(cd "$R" && find . -path ./srv -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
"$D" provision --root "$R" >/dev/null 2>&1; p=$?; "$D" teardown --root "$R" >/dev/null 2>&1; t=$?
c=$(first "$R"); h2=$(cd "$R" && find . -path ./srv -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
s=$("$D" status --root "$R" 2>&1 | grep '^state:')
echo "   provision=$p teardown=$t check: ${c:0:60}; $s" | cut -c1-200
if [ $p = 2 ] && [ $t = 2 ] && [ "$h1" = "$h2" ] && [[ $c == "DOCKSTORE UNKNOWN"* ]]; then verdict "2 link changed while mounted" PASS; else verdict "2 link changed while mounted" FAIL; fi

# ---------- Case 3: after a "reboot" with the link changed: provision builds a new empty store, old one not named
umount "$R$O/lib/docker"
out=$("$D" provision --root "$R" --size 1G 2>&1); rc=$?
echo "$out" | grep '^dockstore: warning: the image' | cut -c1-300
if [ $rc = 0 ] && echo "$out" | grep -q 'provision makes a new, empty store' && ! echo "$out" | grep -q 'srv/a b'; then
  verdict "3 reboot after link change: new empty store built while the old store's image sits at the old resolved path, which is not named" FAIL "wrong result (Docker comes up empty; old data stranded, intact)"
else verdict "3 reboot after link change" PASS; fi
"$D" teardown --root "$R" --delete-image >/dev/null 2>&1
rm -f "$R$O/lib/docker-storage.btrfs"

# ---------- Case 4: link target making the resolved unit name > 255 bytes (direct --mountpoint is refused with 64)
R=$(newroot); LONG=srv/$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})/$(printf 'f%.0s' {1..60})/$(printf 'g%.0s' {1..60})
mkdir -p "$R/$LONG/lib"; ln -s "/$LONG" "$R/var"
out=$("$D" provision --root "$R" --size 1G 2>&1); rc=$?
echo "$out" | grep '^dockstore:' | cut -c1-160
st=$("$D" status --root "$R" >/dev/null 2>&1; echo $?); ck=$(first "$R")
umount "$R/$LONG/lib/docker" 2>/dev/null
td=$("$D" teardown --root "$R" >/dev/null 2>&1; echo $?)
echo "   provision rc=$rc status rc=$st check='${ck:0:40}' teardown(after umount) rc=$td"
if [ $rc = 64 ] || [ $rc = 2 ]; then verdict "4 long resolved mountpoint" PASS; else
  verdict "4 long resolved mountpoint: docker.service drop-in names an invalid >255-byte unit (systemd hashes it), provision/status/teardown fail with ENAMETOOLONG, check OK" FAIL "wrong result/boot ordering lost, stuck state"; fi

# ---------- Case 5: provision with link changed at mount-drop-in (DOCKSTORE_PAUSE=mount-drop-in:stop)
R=$(newroot); mkdir -p "$R/srv/one/lib" "$R/srv/two/lib"; ln -s srv/one "$R/var"
( DOCKSTORE_PAUSE=mount-drop-in:stop "$D" provision --root "$R" --size 1G >"$BASE/p5.out" 2>&1; echo "rc=$?" >>"$BASE/p5.out" ) &
bg=$!; for i in $(seq 1 100); do pid=$(pgrep -f "dockstore provision --root $R" | head -1); [ -n "$pid" ] && [[ $(ps -o stat= -p "$pid") == T* ]] && break; sleep 0.1; done
rm "$R/var"; ln -s srv/two "$R/var"; kill -CONT "$pid"; wait $bg
grep -q 'rc=2' "$BASE/p5.out" && grep -q 'the steps before this one are done' "$BASE/p5.out" && \
  verdict "5 link changed during provision: refusal says steps are done but exits 2 (documented: refused, nothing changed)" FAIL "unclear message (low)" || verdict "5 pause refusal" PASS
rm "$R/var"; ln -s srv/one "$R/var"; "$D" provision --root "$R" >/dev/null 2>&1 && verdict "5b re-run after pointing link back completes" PASS || verdict "5b re-run" FAIL
"$D" teardown --root "$R" --delete-image >/dev/null 2>&1

# ---------- Case 6: block copies for check
R=$(newroot); mkdir -p "$R/var/lib"; "$D" provision --root "$R" --size 1G >/dev/null 2>&1
IMG=$R/var/lib/docker-storage.btrfs; W=$(mktemp -d "$BASE/w.XXXX")
cp --sparse=always "$IMG" "$W/copy"
L=$(losetup -f --show "$W/copy"); LOOPS+=("$L"); c=$(first "$R"); losetup -d "$L"
[[ $c == *CRITICAL* ]] && verdict "6a plain loop copy" PASS || verdict "6a plain loop copy" FAIL "wrong result: $c"
truncate -s 1M "$W/off"; dd if="$IMG" of="$W/off" bs=1M seek=1 conv=sparse,notrunc status=none
L=$(losetup -f --show -o 1048576 "$W/off"); LOOPS+=("$L"); c=$(first "$R"); losetup -d "$L"
[[ $c == *CRITICAL* ]] && verdict "6b copy at loop offset" PASS || verdict "6b offset" FAIL "$c"
L=$(losetup -f --show --sizelimit 104857600 "$W/copy"); LOOPS+=("$L"); c=$(first "$R"); losetup -d "$L"
[[ $c == *CRITICAL* ]] && verdict "6c copy with sizelimit" PASS || verdict "6c sizelimit" FAIL "$c"
L=$(losetup -f --show -r "$W/copy"); LOOPS+=("$L"); c=$(first "$R"); losetup -d "$L"
[[ $c == *CRITICAL* ]] && verdict "6d read-only loop copy" PASS || verdict "6d ro" FAIL "$c"
# partition (kernel here parses no GPT on loop: add it with BLKPG)
truncate -s 1100M "$W/part"; printf 'label: gpt\nstart=2048, size=2097152\n' | sfdisk -q "$W/part" >/dev/null 2>&1
dd if="$IMG" of="$W/part" bs=1M seek=1 conv=sparse,notrunc status=none
L=$(losetup -f --show "$W/part"); LOOPS+=("$L"); addpart "$L" 1 2048 2097152 2>/dev/null || partx -a "$L" 2>/dev/null; sleep 0.5
c=$(first "$R"); [[ $c == *CRITICAL* ]] && verdict "6e copy on a partition" PASS || verdict "6e partition" FAIL "$c"
# partition whose /dev node is missing (a copy the next boot's udev gives a node and UUID= may mount)
if [ -b "${L}p1" ]; then
  mm=$(stat -c '%t %T' "${L}p1"); rm "${L}p1"
  c=$(first "$R"); echo "   ${L}p1 node removed; /proc/partitions: $(grep "$(basename "$L")p1" /proc/partitions)"; echo "   check: ${c:0:90}"
  [[ $c == *CRITICAL* || $c == *UNKNOWN* ]] && verdict "6f copy on partition without /dev node" PASS || \
    verdict "6f copy on a partition whose /dev node is missing: check says OK" FAIL "wrong result"
  # no node put back: detaching the loop device below removes the partition (devtmpfs would drop the node anyway)
fi
losetup -d "$L"
# copy held O_EXCL by another process, and the copy mounted (temp fsid)
L=$(losetup -f --show "$W/copy"); LOOPS+=("$L")
python3 -c "import os,time; fd=os.open('$L',os.O_RDONLY|os.O_EXCL); time.sleep(20)" & EXCL_PID=$!; sleep 1
c=$(first "$R"); kill $EXCL_PID; wait $EXCL_PID 2>/dev/null; EXCL_PID=
[[ $c == *CRITICAL* ]] && verdict "6g O_EXCL-held copy" PASS || verdict "6g excl" FAIL "$c"
mkdir -p "$W/mnt"; mount -o ro "$L" "$W/mnt" && { c=$(first "$R"); umount "$W/mnt"; [[ $c == *CRITICAL* ]] && verdict "6h mounted copy (temp fsid)" PASS || verdict "6h mounted copy" FAIL "$c"; }
# devices appearing/vanishing during the run
truncate -s 64M "$W/flap"; ( while [ -e "$W/flap" ]; do l=$(losetup -f --show "$W/flap" 2>/dev/null) && losetup -d "$l"; done ) & fp=$!
n=0; for i in $(seq 1 20); do c=$(first "$R"); [[ $c == *CRITICAL* ]] && n=$((n+1)); done; rm "$W/flap"; wait $fp
[ $n = 20 ] && verdict "6i copy seen while other loop devices appear/vanish (20 runs)" PASS || verdict "6i flapping" FAIL "only $n/20 CRITICAL"
losetup -d "$L"
# same file at an offset: can never be mounted as btrfs, yet said to make a second btrfs instance
L=$(losetup -f --show -o 4096 "$IMG"); LOOPS+=("$L"); c=$(first "$R"); b=$(blkid -p "$L"); losetup -d "$L"
echo "   blkid on it: '${b}'; check: ${c:0:200}"
if [[ $c == *"second btrfs instance"* ]] && [ -z "$b" ]; then verdict "6j image on a loop at offset 4096: check says mounting it makes a second btrfs instance (it holds no btrfs; man says such shifted ones are called shifted)" FAIL "unclear message (low)"; else verdict "6j" PASS; fi

# ---------- Case 7: backend's count of containers vs dockerd's Go decoder
M=$R/var/lib/docker; C=$M/containers; mkdir -p "$C/c1" "$C/c2" "$C/c3" "$C/c4" "$C/c5"
echo '{"ID":"c1","Driver":"btrfs"}' >"$C/c1/config.v2.json"
echo 'not json' >"$C/c3/config.v2.json"; ln -s ../c1/config.v2.json "$C/c4/config.v2.json"; mkfifo "$C/c5/config.v2.json"
out=$("$D" backend --root "$R" overlay2 --force --dry-run 2>&1 | head -1)
echo "   ${out:0:300}"
[[ $out == *"1 container(s) of the btrfs driver"* && $out == *"4 more container folder(s)"* ]] && verdict "7a unreadable container folders counted" PASS || verdict "7a" FAIL "$out"
rm -rf "$C"/c*; mkdir -p "$C/d1" "$C/d2"; echo '{"ID":"d1","driver":"btrfs"}' >"$C/d1/config.v2.json"; echo '{"ID":"d2","Driver":"overlay2","Driver":"btrfs"}' >"$C/d2/config.v2.json"
out=$("$D" backend --root "$R" overlay2 --force --dry-run 2>&1 | grep 'warning' | head -1)
[ -z "$out" ] && verdict "7b containers dockerd's Go decoder reads as btrfs (\"driver\" key, duplicate key last wins) not warned about" FAIL "wrong result (low)" || verdict "7b" PASS
rm -rf "$C"

# ---------- Case 8: migrate-ebs journal without deviceIdentity, names shuffled by a reboot
truncate -s 2G "$W/ebs1" "$W/ebs2"; E1=$(losetup -f --show "$W/ebs1"); LOOPS+=("$E1"); E2=$(losetup -f --show "$W/ebs2"); LOOPS+=("$E2")
DOCKSTORE_FAILPOINT=journal "$D" migrate-ebs --root "$R" "$E1" --yes >/dev/null 2>&1
J=$R/var/lib/dockstore/migration.json
python3 -c "import json,sys; j=json.load(open(sys.argv[1])); j.pop('deviceIdentity',None); open(sys.argv[1],'w').write(json.dumps(j))" "$J"
"$D" migrate-ebs --root "$R" "$E1" --yes >/dev/null 2>&1; a=$?; "$D" migrate-ebs --root "$R" "$E2" --yes >/dev/null 2>&1; b=$?
losetup -d "$E1" "$E2"; mkfs.ext4 -q -F "$W/ebs2"; h0=$(sha256sum "$W/ebs1" "$W/ebs2")
E=$(losetup -f --show "$W/ebs2"); LOOPS+=("$E")
"$D" migrate-ebs --root "$R" "$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['device'])" "$J")" --abort --yes >/dev/null 2>&1; ab=$?
h1=$(sha256sum "$W/ebs1" "$W/ebs2")
[ $a = 2 ] && [ $b = 2 ] && [ $ab = 0 ] && [ "$h0" = "$h1" ] && [ ! -e "$J" ] && verdict "8 journal w/o deviceIdentity: both names refused, --abort touches no device" PASS || verdict "8" FAIL "a=$a b=$b abort=$ab"
losetup -d "$E"
"$D" teardown --root "$R" --delete-image >/dev/null 2>&1

# ---------- Case 9: teardown after a link change + reboot, old drop-in edited by the admin
R=$(newroot); mkdir -p "$R/srv/one/lib" "$R/srv/two/lib"; ln -s srv/one "$R/var"
"$D" provision --root "$R" --size 1G >/dev/null 2>&1
echo 'TimeoutSec=5min' >>"$R/etc/systemd/system/srv-one-lib-docker.mount.d/dockstore.conf"
umount "$R/srv/one/lib/docker"; rm "$R/var"; ln -s srv/two "$R/var"
out=$("$D" teardown --root "$R" 2>&1); rc=$?
left=$(cd "$R" && find etc srv/one -mindepth 1 | grep -v docker-storage.btrfs | sort | tr '\n' ' ')
echo "   teardown rc=$rc; left behind: $left"
if echo "$out" | grep -q 'srv-one-lib-docker.mount.d'; then verdict "9 teardown names the kept old drop-in" PASS; else
  verdict "9 teardown after link change: keeps edited old drop-in and provision's folders/record without a word, exit 0" FAIL "unclear message (low)"; fi
rm -f "$R/srv/one/lib/docker-storage.btrfs"

echo "passed=$PASS failed=$FAIL"
