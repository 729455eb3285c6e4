#!/bin/bash
# Attack 49, helper S: re-runnable cases for dockstore check's per-entry attributes,
# device_node_missing, and lock/option/path messages.  Run as root.  Cleans up after itself.
# Uses: a real dockerd (20.10) on the store, loop devices over sparse files, nodes in /dev it
# creates itself (removed in the trap), and moves only the nodes of loop devices it attached.
set -u
HERE=$(cd "$(dirname "$0")" && pwd); DS=$HERE/dockstore
T=$(mktemp -d /tmp/a49s-run.XXXX); R=$T/root; D=$R/var/lib/docker
PASS=0; FAIL=0; MOVED=(); MADE=()
NOB="setpriv --reuid=65534 --regid=65534 --clear-groups"
export DOCKER_HOST=unix://$T/docker.sock

cleanup() {
  set +e
  for m in "${MOVED[@]}"; do orig=${m%%=*}; aside=${m#*=}; if [ -e "$aside" ] || [ -L "$aside" ]; then rm -f "$orig"; mv "$aside" "$orig"; fi; done
  for n in "${MADE[@]}"; do rm -f "$n" 2>/dev/null; rmdir "$n" 2>/dev/null; done
  if [ -S "$T/docker.sock" ]; then docker rm -f $(docker ps -aq) >/dev/null 2>&1; fi
  [ -f "$T/dockerd.pid" ] && kill "$(cat "$T/dockerd.pid")" 2>/dev/null && sleep 3
  find "$T" -xdev -maxdepth 6 \( -type d -o -type f \) -print0 2>/dev/null | xargs -0 -r chattr -i -a 2>/dev/null
  for mp in $(findmnt -rn -o TARGET | grep "^$T" | sort -r); do
    lsattr -d "$mp" >/dev/null 2>&1; find "$mp" -xdev -print0 2>/dev/null | xargs -0 -r chattr -i -a 2>/dev/null; umount "$mp"; done
  for l in $(losetup -a | grep "$T" | cut -d: -f1); do losetup -d "$l"; done
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

res() { # res ID SEVERITY(or -) PASS|FAIL text
  if [ "$3" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi
  echo "RESULT $1 $3 [$2] $4"; }
chk() { "$DS" check --root "$1" "${@:2}" 2>&1 | cut -d'|' -f1; }
state() { "$DS" check --root "$1" --format json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["state"], " ".join(r["figure"] for r in d["reasons"]))'; }

# ---------- setup: provisioned store + real dockerd ----------
mkdir -p $R/var/lib $R/etc/sysconfig $R/etc/systemd/system; touch $R/etc/fstab
"$DS" provision --root $R --size 2G >/dev/null || { echo "provision failed"; exit 1; }
L1=$(losetup -j $R/var/lib/docker-storage.btrfs -O NAME -n | head -1)
mkdir -p $T/exec $T/img/bin; cp /usr/bin/busybox $T/img/bin/; for b in sh sleep true; do ln -s busybox $T/img/bin/$b; done
dockerd --data-root $D --exec-root $T/exec --pidfile $T/dockerd.pid --host unix://$T/docker.sock \
  --iptables=false --bridge=none --storage-driver=btrfs >$T/dockerd.log 2>&1 &
for i in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
tar -C $T/img -c . | docker import - bb:1 >/dev/null
docker volume create vol2 >/dev/null

# ---------- 1. per-entry attributes ----------
C=$(docker create --network none bb:1 true)
chattr +i $D/containers/$C; s=$(state $R); o=$(docker rm $C 2>&1); chattr -i $D/containers/$C
[[ $s == "2 data_root_attribute" ]] && res A1 - PASS "containers/<id> +i: CRITICAL; docker rm fails: ${o:0:120}" || res A1 "wrong result" FAIL "got '$s'"

C=$(docker create --network none bb:1 true)
chattr +i $D/containers/$C/config.v2.json; s=$(state $R); o=$(docker rm $C 2>&1); chattr -i $D/containers/$C/config.v2.json; docker rm -f $C >/dev/null 2>&1
[[ $s == "0 " && $o == *"operation not permitted"* ]] && res A2 "wrong result" FAIL "containers/<id>/config.v2.json +i: check OK ($s) but docker rm: ${o:0:200}" || res A2 - PASS "$s / $o"

chattr +i $D/volumes/vol2/_data; s=$(state $R); o=$(docker volume rm vol2 2>&1); chattr -i $D/volumes/vol2/_data
[[ $s == "0 " && $o == *"not permitted"* ]] && res A3 "wrong result" FAIL "volumes/vol2/_data +i: check OK but docker volume rm: ${o:0:200}" || res A3 - PASS "$s / $o"
docker volume create vol2 >/dev/null 2>&1

C=$(docker create --network none bb:1 true); M=$(cat $D/image/btrfs/layerdb/mounts/$C/mount-id)
chattr +i $D/btrfs/subvolumes/$M; s=$(state $R); o=$(docker rm $C 2>&1); chattr -i $D/btrfs/subvolumes/$M; docker rm -f $C >/dev/null 2>&1
[[ $s == "2 data_root_attribute" ]] && res A6 - PASS "layer subvolume +i: CRITICAL; docker rm: ${o:0:100}" || res A6 "wrong result" FAIL "$s"

C=$(docker create --network none bb:1 true); M=$(cat $D/image/btrfs/layerdb/mounts/$C/mount-id)
chattr +i $D/btrfs/subvolumes/$M/bin; s=$(state $R); o=$(docker rm $C 2>&1); rc=$?
[[ $s == "0 " && $rc == 0 ]] && res A8 - PASS "+i inside a layer: OK and docker rm works (subvolume destroy ignores it)" || res A8 "wrong result" FAIL "$s / $o"

C=$(docker create --network none bb:1 true); chattr +i $D/containers/$C; chmod o+x $T
s=$($NOB "$DS" check --root $R | cut -c1-60); chattr -i $D/containers/$C; docker rm -f $C >/dev/null
[[ $s == "DOCKSTORE OK"* ]] && res A9 "wrong result" FAIL "containers/<id> +i, check as nobody: '$s' (not UNKNOWN: the part it cannot read is silently skipped)" || res A9 - PASS "$s"
chattr +i $D/containers; s=$($NOB "$DS" check --root $R | cut -c1-60); chattr -i $D/containers
[[ $s == "DOCKSTORE OK"* ]] && res A10 "wrong result" FAIL "containers/ itself +i, check as nobody: '$s'" || res A10 - PASS "$s"

mkdir $T/outside; chattr +i $T/outside; ln -s $T/outside $D/containers/zzlink; s=$(state $R); rm $D/containers/zzlink; chattr -i $T/outside
[[ $s == "0 " ]] && res A12 - PASS "symlink entry to an immutable folder outside: not followed" || res A12 "wrong result" FAIL "$s"

mkdir "$D/volumes/"$'a\nb|c' $D/volumes/zz2; chattr +i "$D/volumes/"$'a\nb|c' $D/volumes/zz2
o=$(chk $R); chattr -i "$D/volumes/"$'a\nb|c' $D/volumes/zz2; rmdir "$D/volumes/"$'a\nb|c' $D/volumes/zz2
[[ $o == *'a\nb\x7Cc and 1 more entry'* ]] && res A13 - PASS "control chars escaped, others counted" || res A13 "unclear message" FAIL "$o"

mkdir -p $D/overlay2/stale1; chattr +i $D/overlay2/stale1; s=$(state $R); docker run --rm --network none bb:1 true; rc=$?; chattr -i $D/overlay2/stale1; rmdir $D/overlay2/stale1
[[ $s == "2 data_root_attribute" && $rc == 0 ]] && res A14 "wrong result" FAIL "stale overlay2 entry +i on a btrfs-driver store: CRITICAL while dockerd (btrfs) never touches overlay2; docker run rc=$rc" || res A14 - PASS "$s"

mount -t tmpfs a49s $D/volumes/vol2/_data; s=$(state $R); o=$(docker volume rm vol2 2>&1); umount $D/volumes/vol2/_data
[[ $s == "0 " && $o == *busy* ]] && res A16 "wrong result" FAIL "foreign tmpfs on volumes/vol2/_data (no container uses vol2): OK but docker volume rm: ${o:0:160}" || res A16 - PASS "$s / $o"

seq 1 300 | xargs -P 16 -I{} docker create --network none --name k{} bb:1 true >/dev/null 2>&1
LAST=$(ls -U $D/containers | tail -1); chattr +a $D/containers/$LAST
t0=$(date +%s%N); s=$(state $R); t1=$(date +%s%N); chattr -a $D/containers/$LAST; ms=$(( (t1-t0)/1000000 ))
[[ $s == "2 data_root_attribute" && $ms -lt 2000 ]] && res A18 - PASS "301 containers, 600+ subvolumes: last entry found, ${ms} ms" || res A18 "wrong result" FAIL "$s ${ms}ms"

# ---------- 2. device_node_missing ----------
n=${L1#/dev/}; mv $L1 /dev/.a49s-$n; MOVED+=("$L1=/dev/.a49s-$n")
o=$(chk $R); [[ $o == *"WARNING"*"mknod $L1 b 7 ${n#loop}"* ]] && res B1 - PASS "node missing: WARNING with right mknod" || res B1 "wrong result" FAIL "$o"
[[ $o == *"there is no $L1"*"mv the node that is there aside"* ]] && res B1m "unclear message" FAIL "says 'there is no $L1' and then 'mv the node that is there aside'"
ln -s /dev/.a49s-$n $L1; o=$(chk $R); rm $L1; [[ $o == "DOCKSTORE OK"* ]] && res B2 - PASS "symlink to right node: OK" || res B2 x FAIL "$o"
OM=$(( ${n#loop} == 0 ? 1 : 0 )); mknod $L1 b 7 $OM; o=$(chk $R); rm $L1; [[ $o == *"is the block device 7:$OM"* ]] && res B4 - PASS "node of another device: WARNING" || res B4 x FAIL "$o"
ln -s /dev/nonexist-a49s $L1; o=$(chk $R); rm $L1
[[ $o == *"there is no $L1"* ]] && res B7 "unclear message" FAIL "dangling symlink at $L1 reported as 'there is no $L1'; the advised mknod then fails with EEXIST" || res B7 - PASS "$o"
rm -f $L1; mv /dev/.a49s-$n $L1; MOVED=()

# second member through a node in a subfolder
truncate -s 1G $T/second.img; L2=$(losetup -f --show $T/second.img); MM=$(cat /sys/class/block/${L2#/dev/}/dev)
mkdir /dev/a49s-sub; MADE+=(/dev/a49s-sub/d2 /dev/a49s-sub/$n /dev/a49s-sub)
mknod /dev/a49s-sub/d2 b ${MM%:*} ${MM#*:}; btrfs device add -K /dev/a49s-sub/d2 $D >/dev/null
s=$(state $R); [[ $s == "0 " ]] && res B8 "wrong result" FAIL "second member $L2 over $T/second.img added as /dev/a49s-sub/d2: check OK, no device_not_attached_at_boot (the next boot's mount fails)" || res B8 - PASS "$s"
rm /dev/a49s-sub/d2; o=$(chk $R); [[ $o == *UNKNOWN*"/sys/class/block/d2/size is not there"* ]] && res B9 "wrong result" FAIL "its node removed: UNKNOWN '${o:0:200}' instead of device_node_missing (and still no device_not_attached_at_boot)" || res B9 - PASS "$o"
mknod /dev/a49s-sub/d2 b 7 ${n#loop}; s=$(state $R); rm /dev/a49s-sub/d2
[[ $s == "0 " ]] && res B10 "wrong result" FAIL "node at member 2's path is member 1's device ($L1): check OK" || res B10 - PASS "$s"
mknod /dev/a49s-sub/$n b ${MM%:*} ${MM#*:}; btrfs device scan /dev/a49s-sub/$n >/dev/null; rm /dev/a49s-sub/$n; mknod /dev/a49s-sub/$n b 7 ${n#loop}
s=$(state $R); rm /dev/a49s-sub/$n
[[ $s == "0 " ]] && res B15 "wrong result" FAIL "member 2 named /dev/a49s-sub/$n (basename = member 1's kernel name), node = member 1's numbers: check OK" || res B15 - PASS "$s"
btrfs device scan $L2 >/dev/null 2>&1; o=$(chk $R)
[[ $o == *device*"$L2, a loop device over $T/second.img, which nothing attaches at boot"* ]] && res B11 - PASS "same member under its kernel name: CRITICAL device_not_attached_at_boot" || res B11 x FAIL "$o"
btrfs device remove 2 $D; losetup -d $L2; rmdir /dev/a49s-sub

# ---------- 3. lock / options / paths ----------
LK=$R/run/dockstore.lock; t3() { timeout 15 "$DS" "$@" 2>&1 | tail -1; echo "rc=${PIPESTATUS[0]}"; }
rm -f $LK; ln -s $T/outside-lock $LK; o=$(t3 provision --root $R --lock-timeout 1); rm $LK
[[ $o == *"is a symbolic link"*rc=2 ]] && res C1 - PASS "symlink lock refused, exit 2" || res C1 x FAIL "$o"
mkdir $LK; o=$(t3 provision --root $R --lock-timeout 1); rmdir $LK; [[ $o == *"is a folder"*rc=2 ]] && res C2 - PASS "folder lock refused" || res C2 x FAIL "$o"
mkfifo $LK; python3 -c "
import os,fcntl,time; fd=os.open('$LK',os.O_RDWR|os.O_NONBLOCK); fcntl.flock(fd,fcntl.LOCK_EX); time.sleep(4)" & FP=$!; sleep 0.7
o=$(t3 backend --root $R btrfs --storage-opt btrfs.min_space=3G --lock-timeout 1); wait $FP; rm $LK
[[ $o == *rc=3 ]] && res C3 - PASS "FIFO at the lock still excludes (exit 3)" || res C3 "data loss" FAIL "$o"
mv $R/run $R/run.real
touch $R/run; o=$(t3 backend --root $R btrfs --storage-opt btrfs.min_space=2G --lock-timeout 1); rm $R/run
[[ $o == *"Not a directory"*rc=1 ]] && res C9 "unclear message" FAIL "run is a regular file: '$o' (bare errno, exit 1, not a refusal)" || res C9 - PASS "$o"
touch $R/runfile; ln -s runfile $R/run; o=$(t3 backend --root $R btrfs --storage-opt btrfs.min_space=2G --lock-timeout 1); rm $R/run $R/runfile
[[ $o == *"Not a directory"*rc=1 ]] && res C13 "unclear message" FAIL "run is a link to a file: '$o'" || res C13 - PASS "$o"
mkfifo $R/run; o=$(t3 backend --root $R btrfs --storage-opt btrfs.min_space=2G --lock-timeout 1); rm $R/run
[[ $o == *"Not a directory"*rc=1 ]] && res C14 "unclear message" FAIL "run is a FIFO: '$o'" || res C14 - PASS "$o"
ln -s run $R/run; o=$(t3 backend --root $R btrfs --lock-timeout 1); rm $R/run
[[ $o == *rc=2 ]] && res C12 - PASS "run link loop: exit 2 naming it" || res C12 x FAIL "$o"
mv $R/run.real $R/run

S=$R/etc/sysconfig/docker; cp $S $T/sys.bak; mkdir -p $R/etc/docker; chmod o+x $R $R/etc
printf 'DOCKER_OPTS="--storage-driver=btrfs --config-file=/etc/docker/d.json"\n' > $S; printf '{}' > $R/etc/docker/d.json; chmod 600 $R/etc/docker/d.json
o=$($NOB "$DS" backend --root $R 2>&1 | tail -1); rc=$($NOB "$DS" backend --root $R >/dev/null 2>&1; echo $?)
[[ $rc == 1 && $o == *"Permission denied" ]] && res F7 "unclear message" FAIL "backend as nobody, --config-file 0600: '$o' exit 1 (no 'run as root', unlike status)" || res F7 - PASS "$o rc=$rc"
chmod 700 $R/etc/sysconfig; o=$($NOB "$DS" backend --root $R 2>&1 | tail -1); chmod 755 $R/etc/sysconfig
[[ $o == *"Permission denied" ]] && res F11 "unclear message" FAIL "backend as nobody, /etc/sysconfig 0700: '$o'" || res F11 - PASS "$o"
printf 'DOCKER_OPTS="--storage-driver=btrfs --config-file=/etc/docker/../docker/daemon.json"\n' > $S
o=$(t3 backend --root $R); [[ $o == *rc=2 ]] && res F1 - PASS "--config-file with .. exit 2" || res F1 x FAIL "$o"
cp $T/sys.bak $S

F=$T/fresh; mkdir -p $F/var/lib $F/etc/sysconfig $F/etc/systemd/system; touch $F/etc/fstab
"$DS" provision --root $F --size 1G --mount-options 'context="a,b",rw=@' >/dev/null 2>&1; rc=$?
o=$(findmnt --fstab -F $F/etc/fstab -n -o OPTIONS); mkdir -p $T/gen/{n,e,l}
SYSTEMD_FSTAB=$F/etc/fstab /lib/systemd/system-generators/systemd-fstab-generator $T/gen/n $T/gen/e $T/gen/l 2>/dev/null
g=$(grep ^Options= $T/gen/n/var-lib-docker.mount)
[[ $rc == 0 && $o == *'context="a,b",rw=@' && $g == *'context="a,b",rw=@' ]] && res D1 - PASS "quoted value and @ read back by findmnt and fstab-generator" || res D1 x FAIL "rc=$rc $o / $g"
o=$(t3 provision --root $F --size 1G --mount-options 'x="a,compress=zstd' --dry-run)
[[ $o == *"not closed"*rc=64 ]] && res D2 - PASS "unclosed quote refused" || res D2 x FAIL "$o"

echo "passed=$PASS failed=$FAIL"
