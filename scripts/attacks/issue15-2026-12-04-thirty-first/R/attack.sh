#!/bin/bash
# Attack 31 (R): live store states. Re-runnable; cleans up everything it made, also on failure.
H=/work/attack31/r; [ -n "$H" ] || exit 99
exec 9>$H/attack.lock; flock -n 9 || { echo "another run of attack.sh is going"; exit 1; }
. $H/lib.sh; [ -n "$RUN" ] && [ -d "$RUN" ] || exit 99
cleanup() { set +e; for p in $(cat $PIDS 2>/dev/null); do [ "$(cat /proc/$p/comm 2>/dev/null)" = dockerd ] && kill $p; done; sleep 3
  for p in $(cat $PIDS 2>/dev/null); do [ "$(cat /proc/$p/comm 2>/dev/null)" = dockerd ] && kill -9 $p; done
  umount_ours; sleep 0.5; detach_ours; [ -n "$RUN" ] && rm -rf --one-file-system "$RUN"; }
trap cleanup EXIT; trap 'exit 1' INT TERM
cleanup; mkdir -p $RUN; touch $REC $PIDS; trap cleanup EXIT
fillup() { local i=0; while dd if=/dev/zero of=$1/fill$i bs=1M count=8 2>/dev/null; do i=$((i+1)); done; sync; }

echo "=== A: qgroup limit hit: check CRITICAL, reclaim says healthy by check's rules"
T=$(mkroot); M=$T/var/lib/docker; $BIN provision --root $T --size 200M >/dev/null
btrfs quota enable $M; btrfs qgroup limit 50M $M; dd if=/dev/zero of=$M/fill bs=1M count=60 2>/dev/null; sync
$BIN check --root $T | cut -c1-160; echo "  rc=${PIPESTATUS[0]}"; run $BIN reclaim --root $T --budget 5s

echo "=== B: device store full: check's remedy names 'grow --to' which grow refuses for a device"
T=$(mkroot); M=$T/var/lib/docker; truncate -s 400M $RUN/devB; L=$(att $RUN/devB)
$BIN provision --root $T --device $L >/dev/null; fillup $M
$BIN check --root $T | cut -d'|' -f1 | grep -o 'grow the image ([^)]*)'; run $BIN grow --root $T --to 2G

echo "=== C: image store mounted ro: grow --to extends the image, then fails EROFS (rc 1)"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 200M >/dev/null
mount -o remount,ro $M; s0=$(stat -c %s $I); a=$(th $T)
run $BIN grow --root $T --to 400M; echo "  image $s0 -> $(stat -c %s $I) bytes; tree $a -> $(th $T)"
echo "=== D: same ro store: reclaim's remedy 'dockstore check PATH' is refused by check"
run $BIN reclaim --root $T --budget 5s; run $BIN check $M

echo "=== E: store also bind-mounted elsewhere (same namespace): teardown reports detach, rc 0, store still mounted"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 200M >/dev/null
echo precious > $M/p; mkdir -p $RUN/bindE; mount --bind $M $RUN/bindE
NL=3 run $BIN teardown --root $T; echo "  still: $(grep -c " $RUN/bindE " /proc/self/mountinfo) mount(s) at bindE; $(losetup -j $I | cut -c1-60)"
umount $RUN/bindE; sleep 0.3; detach_ours
echo "=== E2: same with --delete-image: 7 steps applied, then exit 2 ('refused: nothing was changed')"
T=$(mkroot); M=$T/var/lib/docker; $BIN provision --root $T --size 200M >/dev/null; mkdir -p $RUN/bindE2; mount --bind $M $RUN/bindE2
NL=10 run $BIN teardown --root $T --delete-image; ls $T/etc $T/etc/systemd/system | tr '\n' ' '; echo
umount $RUN/bindE2

echo "=== F: tmpfs (a docker volume) mounted inside the store: dry-run plans, run fails EBUSY pointing at fuser"
T=$(mkroot); M=$T/var/lib/docker; $BIN provision --root $T --size 200M >/dev/null; mkdir -p $M/volumes/tv/_data; mount -t tmpfs tmpfs $M/volumes/tv/_data
NL=2 run $BIN teardown --root $T --dry-run; run $BIN teardown --root $T; umount $M/volumes/tv/_data

echo "=== G: dockerd ENOSPC leaves an empty mount-id: reclaim --orphans refuses (no remedy) for good"
T=$(mkroot); M=$T/var/lib/docker; $BIN provision --root $T --size 300M >/dev/null
if dk_start $T && mkimg $T; then dk $T run -d --name filler bb:1 sh -c 'i=0; while dd if=/dev/zero of=/data/f$i bs=1M count=8 2>/dev/null; do i=$((i+1)); done; sleep 100000' >/dev/null
  sleep 8; for i in 1 2 3; do dk $T run --rm bb:1 ls >/dev/null 2>&1; done
  find $M/image/btrfs/layerdb/mounts -name mount-id -empty | head -2
  run $BIN reclaim --root $T --orphans --dry-run; dk_stop $T; fi

echo "=== passes (sketch): device-store full -> CRITICAL before docker fails, grow rescues; migrate-ebs under a writing container keeps every layer file; teardown --stop-docker + provision keeps images; degraded/deleted image refusals"
