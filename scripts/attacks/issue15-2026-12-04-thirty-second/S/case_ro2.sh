echo "--- ro4b: store mounted ro, blank target: migrate-ebs"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 200M >/dev/null; rec; echo precious > $M/p; mount -o remount,ro $M
truncate -s 500M $RUN/ebs4b; L2=$(att $RUN/ebs4b); a=$(th $T)
run $BIN migrate-ebs --root $T $L2 --dry-run; run $BIN migrate-ebs --root $T $L2 --yes --wait 5
echo "    tree $a -> $(th $T); target blkid: $(blkid -p $L2 2>&1 | cut -c1-120); fs devices: $(btrfs fi show $M 2>/dev/null | grep -c devid); journal files: $(ls $T/var/lib | tr '\n' ' ')"
mount -o remount,rw $M; $BIN teardown --root $T >/dev/null 2>&1; detach_ours
echo "--- ro5: image host fs shut down (ext4 EXT4_IOC_SHUTDOWN via xfs_io): grow"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; truncate -s 600M $RUN/host5; LH=$(att $RUN/host5); mkfs.ext4 -q $LH; mount $LH $T/var/lib
$BIN provision --root $T --size 200M >/dev/null; rec; xfs_io -x -c 'shutdown' $T/var/lib 2>&1 | head -1
run $BIN grow --root $T --to 400M; echo "    loop cap $(blockdev --getsize64 $(losetup -j $I 2>/dev/null| cut -d: -f1 | head -1) 2>/dev/null)"; NL=2 run $BIN check --root $T
umount -l $M; sleep 0.5; detach_ours; umount -l $T/var/lib; losetup -d $LH
