#!/bin/bash
# case M: image renamed while mounted; every command and flag; hashes around refusals
. /work/attack23/h/lib.sh
T=$(mkroot); I=$T/var/lib/docker-storage.btrfs
$BIN provision --root $T --size 1G >/dev/null 2>&1; echo "provision rc=$?"; rec
echo M-DATA > $T/var/lib/docker/MARK; sync; L=$(losetup -j $I -n -O NAME); echo "loop $L"
mv $I $T/var/lib/moved.btrfs
M=$T/var/lib/moved.btrfs
truncate -s 1G $RUN/vol; V=$(att $RUN/vol)
echo "=== M1 every command, settings unchanged"; chk $T
h0=$(th $T); b0=$(bh $M)
for c in "status" "provision" "provision --size 2G" "grow" "grow --to 2G" "reclaim" "reclaim --orphans" "reclaim --dry-run" "backend" "backend btrfs" "backend overlay2 --dry-run" "migrate-ebs $V --yes" "migrate-ebs $V --yes --keep-image" "migrate-ebs --abort" "migrate-ebs $L --yes" "teardown --dry-run" "teardown" "teardown --wipe-device" "teardown --delete-image"; do
  run $BIN $c --root $T; h=$(th $T); b=$(bh $M); [ "$h$b" = "$h0$b0" ] || { echo "    !! CHANGED tree $h0->$h img $b0->$b"; h0=$h; b0=$b; }
  findmnt -n $T/var/lib/docker >/dev/null || echo "    !! store UNMOUNTED"; done
echo "vol bytes: $(bh $RUN/vol)"; grep -v '^#' $T/etc/fstab
echo "=== M2 the same with --image $M / --image other"
for c in "provision --image /var/lib/moved.btrfs" "grow --image /var/lib/moved.btrfs --to 2G" "teardown --image /var/lib/moved.btrfs --dry-run" "teardown --image /var/lib/moved.btrfs" "migrate-ebs $V --yes --image /var/lib/moved.btrfs" "reclaim --image /var/lib/moved.btrfs" "provision --image /var/lib/new.btrfs" "teardown --image /var/lib/new.btrfs"; do
  run $BIN $c --root $T; h=$(th $T); b=$(bh $M); [ "$h$b" = "$h0$b0" ] || { echo "    !! CHANGED tree $h0->$h img $b0->$b"; h0=$h; b0=$b; }
  findmnt -n $T/var/lib/docker >/dev/null || echo "    !! store UNMOUNTED"; done; rec
echo "=== M3 settings changed: DOCKSTORE_IMAGE=/var/lib/store2.btrfs"
echo DOCKSTORE_IMAGE=/var/lib/store2.btrfs >> $T/etc/sysconfig/dockstore; h0=$(th $T)
for c in "status" "provision" "grow --to 2G" "reclaim" "reclaim --orphans" "migrate-ebs $V --yes" "migrate-ebs $L --yes" "migrate-ebs --abort" "teardown" "teardown --wipe-device"; do
  run $BIN $c --root $T; h=$(th $T); b=$(bh $M); [ "$h$b" = "$h0$b0" ] || { echo "    !! CHANGED tree $h0->$h img $b0->$b"; h0=$h; b0=$b; }
  findmnt -n $T/var/lib/docker >/dev/null || echo "    !! store UNMOUNTED"; done; rec
ls $T/var/lib; chk $T
echo "=== M4 follow the advice: mv back, umount (reboot), provision"
sed -i '/store2/d' $T/etc/sysconfig/dockstore
mv $M $I; chk $T; umount $T/var/lib/docker; sdet $L
run $BIN provision --root $T; rec; cat $T/var/lib/docker/MARK
umount $T/var/lib/docker; detach_ours
