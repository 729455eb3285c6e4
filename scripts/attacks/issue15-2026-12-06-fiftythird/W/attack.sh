#!/bin/bash
# Attack 53 helper W: dockstore on zram (non-loop) block devices, and other-store mounts.
# Re-runnable; cleans up everything it creates (also on failure) via cleanup.sh. Needs root.
W=/work/attack53/w; cd $W; mkdir -p run; . $W/lib.sh
trap '$W/cleanup.sh' EXIT
P=0; F=0
ok(){ echo "PASS: $*"; P=$((P+1)); }
ko(){ echo "FAIL: $*"; F=$((F+1)); }
same(){ [ "$1" = "$2" ]; }
q(){ "$@" >/dev/null 2>&1; }

echo "== Z1 blank zram: provision --dry-run, provision, second run, status, check x3, grow, grow --to, reclaim, reboot, teardown --wipe-device"
mkroot R; zadd Z 2G
$D provision --root $R --device /dev/zram$Z --dry-run >/dev/null; [ $? = 0 ] && ! blkid /dev/zram$Z >/dev/null && ok "Z1 dry-run changes nothing" || ko "Z1 dry-run"
$D provision --root $R --device /dev/zram$Z --wait 2 >/dev/null && ok "Z1 provision" || ko "Z1 provision"
$D provision --root $R --device /dev/zram$Z --wait 2 | grep -q 'nothing to do' && ok "Z1 second run" || ko "Z1 second run"
$D status --root $R >run/s.txt; [ $? = 0 ] && grep -q 'device:      2 GiB' run/s.txt && ok "Z1 status exit 0 on zram" || ko "Z1 status"
for f in nagios json prometheus; do q $D check --root $R --format $f && ok "Z1 check $f" || ko "Z1 check $f"; done
$D grow --root $R | grep -q 'nothing to do' && ok "Z1 grow (zram cannot grow: nothing to do)" || ko "Z1 grow"
H1=$(hashroot $R); q $D grow --root $R --to 3G; rc=$?; [ $rc = 64 ] && same $H1 $(hashroot $R) && ok "Z1 grow --to on device: 64" || ko "Z1 grow --to rc=$rc"
q $D reclaim --root $R && ok "Z1 reclaim" || ko "Z1 reclaim"
umount $R/var/lib/docker; q $D provision --root $R && findmnt $R/var/lib/docker >/dev/null && ok "Z1 reboot" || ko "Z1 reboot"
q $D teardown --root $R --wipe-device && ! blkid /dev/zram$Z >/dev/null && ok "Z1 teardown --wipe-device" || ko "Z1 teardown"

echo "== Z2 zram holding ext4 data / another btrfs: refused unchanged; --force formats"
mkroot R; zadd Z 1G; mkfs.ext4 -q /dev/zram$Z; H1=$(hashroot $R)
$D provision --root $R --device /dev/zram$Z --wait 2 2>run/e.txt; rc=$?; [ $rc = 2 ] && same $H1 $(hashroot $R) && blkid /dev/zram$Z | grep -q ext4 && ok "Z2 ext4 refused: $(cat run/e.txt)" || ko "Z2 ext4 rc=$rc"
mkroot R2; zadd Z2 1G; mkfs.btrfs -q -L other /dev/zram$Z2 >/dev/null 2>&1; H1=$(hashroot $R2)
q $D provision --root $R2 --device /dev/zram$Z2 --wait 2; rc=$?; [ $rc = 2 ] && same $H1 $(hashroot $R2) && ok "Z2 other btrfs refused" || ko "Z2 other btrfs rc=$rc"
q $D provision --root $R --device /dev/zram$Z --wait 2 --force && ok "Z2 --force" || ko "Z2 --force"

echo "== Z3 --fs xfs on zram: status, check, grow/reclaim refused, reboot"
mkroot R; zadd Z 1G
q $D provision --root $R --device /dev/zram$Z --fs xfs --wait 2 && q $D status --root $R && q $D check --root $R && ok "Z3 xfs provision/status/check" || ko "Z3 xfs"
H1=$(hashroot $R); q $D grow --root $R; a=$?; q $D reclaim --root $R; b=$?; [ $a = 2 ] && [ $b = 2 ] && same $H1 $(hashroot $R) && ok "Z3 grow/reclaim refused on xfs" || ko "Z3 grow=$a reclaim=$b"
umount $R/var/lib/docker; q $D provision --root $R && ok "Z3 xfs reboot" || ko "Z3 xfs reboot"

echo "== Z4 zram by a symlink in a /dev folder"
mkroot R; zadd Z 2G; mkdir -p /dev/a53w; echo /dev/a53w >> run/devdirs; ln -sfn ../zram$Z /dev/a53w/vol
q $D provision --root $R --device /dev/a53w/vol --wait 2 && grep -q '^UUID=' $R/etc/fstab && ok "Z4 symlink device: fstab by UUID" || ko "Z4 symlink"
umount $R/var/lib/docker; rm -rf /dev/a53w; q $D provision --root $R && ok "Z4 reboot without the link" || ko "Z4 reboot"
MP=$R/var/lib/docker

echo "== Z5 two zram devices in one store"
zadd Z6 1G; btrfs device add -f /dev/zram$Z6 $MP >/dev/null 2>&1
q $D check --root $R && q $D status --root $R && ok "Z5 check/status OK with 2 zram" || ko "Z5 check/status"
$D grow --root $R 2>run/e.txt; grep -q 'migration in progress' run/e.txt && ko "Z5 grow on a 2-volume store guesses 'a migration in progress?' though no migration exists: $(cat run/e.txt) [unclear message]" || ok "Z5 grow msg"
$D teardown --root $R --wipe-device --dry-run | grep wipe-device >run/e.txt; grep -q zram$Z6 run/e.txt && ok "Z5 wipe plan names both members" || ko "Z5 teardown --wipe-device plans to wipe only the first member; the second (zram$Z6) keeps a btrfs 'docker' member superblock: $(cat run/e.txt) [wrong result]"

echo "== Z6 loop device over a file beside a zram volume"
mkroot R; zadd Z 1G; q $D provision --root $R --device /dev/zram$Z --wait 2; MP=$R/var/lib/docker
truncate -s 1G $R/extra.img; L=$(losetup -f --show $R/extra.img); btrfs device add -f $L $MP >/dev/null
$D check --root $R | grep -q 'nothing attaches at boot' && $D check --root $R --format json | grep -q device_not_attached_at_boot && ok "Z6 check device_not_attached_at_boot" || ko "Z6 check"
H1=$(hashroot $R); $D provision --root $R 2>run/e.txt; rc=$?
grep -q 'not /dev/loop' run/e.txt && ko "Z6 provision on the mounted device+loop store says the store is the wrong mount: '$(cat run/e.txt)' (rc=$rc) [unclear message: tells to unmount Docker's store]" || ok "Z6 provision msg"
umount $MP; losetup -d $L
$D status --root $R >run/s.txt; grep -q 'kernel has not seen\|devices' run/s.txt && ok "Z6 status names the missing member" || ko "Z6 status after reboot says only 'mount ... is pending', not the missing member [unclear message]"
$D provision --root $R 2>run/e.txt; rc=$?; grep -q "open migration" run/e.txt && ko "Z6 boot with member missing: '$(cat run/e.txt)' (rc=$rc) — no migration exists and there never was an image [unclear message]" || ok "Z6 boot msg: $(cat run/e.txt)"

echo "== Z7 zram volume removed from the store while mounted (btrfs device remove): the store is left on a loop file only"
L=$(losetup -f --show $R/extra.img); btrfs device scan $L >/dev/null; mount /dev/zram$Z $MP; btrfs device remove /dev/zram$Z $MP
$D check --root $R >run/c.txt; rc=$?; [ $rc != 0 ] && ok "Z7 check not OK" || ko "Z7 check says '$(cut -c1-60 run/c.txt)' (rc 0) and status 'in place', provision 'nothing to do', while the store lives only on $L over $R/extra.img which no boot attaches; the next boot: 'device UUID=... does not exist' [wrong result: OK when the next boot loses Docker's store]"
umount $MP; losetup -d $L; q $D provision --root $R; echo "   Z7 reboot provision rc=$?"

echo "== M1 migrate-ebs image -> zram with dockerd + writing container; reboot"
mkroot R; q $D provision --root $R --size 3G; MP=$R/var/lib/docker; mkdir -p $R/exec
dockerd --data-root $MP --exec-root $R/exec --pidfile $R/exec/d.pid --host unix://$R/exec/d.sock --iptables=false --bridge=none --storage-driver=btrfs >run/dockerd.log 2>&1 & echo $! > run/dockerd1.pid
export DOCKER_HOST=unix://$R/exec/d.sock; for i in $(seq 30); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
mkdir -p $R/bb/bin; cp /usr/bin/busybox $R/bb/bin/; (cd $R/bb && tar c .) | docker import - bb:1 >/dev/null
docker run -d --name writer --network none bb:1 /bin/busybox sh -c 'i=0; while true; do i=$((i+1)); echo $i >> /data.txt; /bin/busybox sleep 0.05; done' >/dev/null
docker exec writer /bin/busybox dd if=/dev/urandom of=/big bs=1M count=300 2>/dev/null; sync
zadd Z 4G; $D migrate-ebs /dev/zram$Z --root $R --yes >run/m.txt 2>&1; rc=$?
a=$(docker exec writer /bin/busybox tail -1 /data.txt); sleep 1; b=$(docker exec writer /bin/busybox tail -1 /data.txt)
[ $rc = 0 ] && [ "$b" -gt "$a" ] && grep -q UUID= $R/etc/fstab && ok "M1 migrate-ebs while writing ($a -> $b)" || ko "M1 migrate rc=$rc"
docker rm -f writer >/dev/null; kill $(cat run/dockerd1.pid); sleep 3; grep " $MP" /proc/self/mounts | awk '{print $2}' | sort -r | xargs -r umount
q $D provision --root $R && q $D status --root $R && ok "M1 reboot after migrate" || ko "M1 reboot"

echo "== M2 migrate-ebs killed half way, then --abort, then reboot"
mkroot R; q $D provision --root $R --size 4G; MP=$R/var/lib/docker; dd if=/dev/urandom of=$MP/big bs=1M count=2500 status=none; sync; S=$(md5sum < $MP/big)
zadd Z 5G; $D migrate-ebs /dev/zram$Z --root $R --yes >run/m.txt 2>&1 & PID=$!
for i in $(seq 300); do grep -q 'add-device\|replacing:' run/m.txt && break; sleep 0.01; done; kill -9 $PID; wait $PID 2>/dev/null
q $D migrate-ebs /dev/zram$Z --root $R --abort --yes; rc=$?
[ "$(md5sum < $MP/big)" = "$S" ] && ! blkid /dev/zram$Z >/dev/null && ok "M2 abort (rc=$rc) data intact, zram released" || ko "M2 abort rc=$rc"
umount $MP; for l in $(losetup -nO NAME,BACK-FILE | awk -v r=$R 'index($2,r)==1{print $1}'); do losetup -d $l; done
q $D provision --root $R && [ "$(md5sum < $MP/big)" = "$S" ] && ok "M2 reboot" || ko "M2 reboot"

echo "== O1 unrelated btrfs mounted -o loop at the mountpoint (file inside --root)"
mkroot R; q $D provision --root $R --size 2G; MP=$R/var/lib/docker; IMG=$R/var/lib/docker-storage.btrfs; umount $MP
for l in $(losetup -nO NAME,BACK-FILE | awk -v f=$IMG '$2==f{print $1}'); do losetup -d $l; done
truncate -s 1G $R/other.img; mkfs.btrfs -q $R/other.img >/dev/null 2>&1; mount -o loop $R/other.img $MP
q $D check --root $R; [ $? = 2 ] && ok "O1 check CRITICAL" || ko "O1 check"
H1=$(hashroot $R); q $D status --root $R; q $D provision --root $R; rc=$?; [ $rc = 2 ] && same $H1 $(hashroot $R) && ok "O1 provision refused" || ko "O1 provision rc=$rc"
S0=$(stat -c %s $R/other.img); $D grow --root $R --to 3G >run/g.txt 2>&1; rc=$?; S1=$(stat -c %s $R/other.img)
[ $rc = 2 ] && [ $S0 = $S1 ] && ok "O1 grow refused" || ko "O1 grow --to 3G on the other store: rc=$rc, other.img $S0 -> $S1 bytes and its btrfs resized: '$(head -1 run/g.txt)' [wrong result: grows a filesystem check calls not the store]"

echo "== O2 copy of the image (same UUID) mounted instead of the image"
umount $MP; rm $R/other.img; cp --sparse=always $IMG $R/copy.img; mount -o loop $R/copy.img $MP
H1=$(hashroot $R); q $D check --root $R; a=$?; q $D provision --root $R; b=$?; q $D grow --root $R --to 3G; c=$?
[ $a = 2 ] && [ $b = 2 ] && [ $c = 2 ] && same $H1 $(hashroot $R) && ok "O2 copy: check CRITICAL, provision/grow refused" || ko "O2 $a $b $c"
umount $MP; rm $R/copy.img

echo "== O3 the image's name holds a btrfs cut short, another btrfs mounted"
cp --sparse=always $IMG $R/img.bak; truncate -s 100M $IMG; truncate -s 1G $R/other.img; mkfs.btrfs -q $R/other.img >/dev/null 2>&1; mount -o loop $R/other.img $MP
H1=$(hashroot $R); q $D check --root $R; a=$?; q $D provision --root $R; b=$?; [ $a = 2 ] && [ $b = 2 ] && same $H1 $(hashroot $R) && ok "O3" || ko "O3 $a $b"
$D grow --root $R 2>&1 | grep -q "the store is the image $R/other.img" && ko "O3 bare grow calls the mounted other.img 'the store ... the image' [unclear message]" || ok "O3 grow msg"
umount $MP; rm $R/other.img; mv $R/img.bak $IMG; q $D provision --root $R

echo "== O4 real rename of the image while mounted (nothing at the name): image_moved"
mv $IMG $R/var/lib/renamed.img; $D check --root $R | grep -q 'moved away' && ok "O4 image_moved" || ko "O4"
echo "== O5 real rename, then a new btrfs put at the image's name: must still be image_moved"
truncate -s 1G $IMG; mkfs.btrfs -q -L docker $IMG >/dev/null 2>&1
$D check --root $R >run/c.txt; grep -q 'moved away' run/c.txt && ok "O5 image_moved" || ko "O5 check calls the renamed live store 'a btrfs other than the image' and says 'copy off what you need, unmount it and run dockstore provision, which mounts the image' (the new empty btrfs) [wrong result: the next boot runs Docker on an empty store]"
S0=$(stat -c %s $R/var/lib/renamed.img); q $D grow --root $R --to 3G; rc=$?; S1=$(stat -c %s $R/var/lib/renamed.img)
[ $rc = 2 ] && ok "O5 grow refused" || ko "O5 grow --to 3G extended the renamed image ($S0 -> $S1, rc=$rc); grow(8) says an image renamed away while mounted is refused [wrong result]"
echo "== O6 same, multi-device store (image + zram)"
rm $IMG; mv $R/var/lib/renamed.img $IMG; zadd Z 1G; btrfs device add -f /dev/zram$Z $MP >/dev/null
mv $IMG $R/var/lib/renamed.img; truncate -s 1G $IMG; mkfs.btrfs -q -L docker $IMG >/dev/null 2>&1
$D check --root $R >run/c.txt; grep -q 'moved away' run/c.txt && ok "O6 image_moved" || ko "O6 two-device store, image renamed and replaced: check says '$(cut -c1-200 run/c.txt)…' (move the data back onto the image = the unrelated btrfs) instead of image_moved [wrong result]"
rm $IMG; mv $R/var/lib/renamed.img $IMG; btrfs device remove /dev/zram$Z $MP

echo "== O7 store left its image by btrfs replace onto a tmpfs file (inside, then outside --root)"
mkdir $R/tfs; mount -t tmpfs -o size=5G a53wtmpfs $R/tfs; truncate -s 4G $R/tfs/t.img; LT=$(losetup -f --show $R/tfs/t.img)
btrfs replace start -B 1 $LT $MP >/dev/null; H1=$(hashroot $R)
$D check --root $R | grep -q 'left its image' && ! q $D provision --root $R && ! q $D grow --root $R --to 3G && same $H1 $(hashroot $R) && ok "O7 inside root: left its image" || ko "O7 inside"
LI=$(losetup -f --show $IMG); btrfs replace start -f -B 1 $LI $MP >/dev/null; losetup -d $LT
mkdir -p /tmp/a53w-tfs; echo /tmp/a53w-tfs >> run/roots; mount -t tmpfs -o size=5G a53wtmpfs2 /tmp/a53w-tfs; truncate -s 4G /tmp/a53w-tfs/t.img; LT=$(losetup -f --show /tmp/a53w-tfs/t.img)
btrfs replace start -B 1 $LT $MP >/dev/null
$D check --root $R >run/c.txt; grep -q 'left its image' run/c.txt && ok "O7 outside" || ko "O7 store replaced onto a file outside --root: check says foreign_store 'stop Docker and unmount it here; do not move or change that file' though the image's superblock was erased (the only copy is in tmpfs) [unclear message; only with a test --root]"
LI=$(losetup -f --show $IMG); btrfs replace start -f -B 1 $LI $MP >/dev/null; losetup -d $LT; umount /tmp/a53w-tfs; umount $R/tfs

echo; echo "passed=$P failed=$F"
