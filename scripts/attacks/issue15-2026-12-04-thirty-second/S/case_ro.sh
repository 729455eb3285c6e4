echo "=== ro: read-only states"
st() { echo "    image $(stat -c %s $I 2>/dev/null) bytes, loop cap $(blockdev --getsize64 $(losetup -j $I | cut -d: -f1 | head -1) 2>/dev/null), fs size $(btrfs fi show --raw $M 2>/dev/null | awk '/devid/{print $4}' | tr '\n' ' '), tree $(th $T)"; }
echo "--- ro1: the image's host filesystem (separate ext4 at \$T/var/lib) read-only"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; truncate -s 600M $RUN/host1; LH=$(att $RUN/host1); mkfs.ext4 -q $LH; mount $LH $T/var/lib
$BIN provision --root $T --size 200M >/dev/null; rec
mount -o remount,ro $T/var/lib 2>&1 | head -1 || true; grep -q " $T/var/lib .* ro," /proc/self/mountinfo || { echo "    (sb remount ro refused; using a per-mount ro bind remount)"; mount -o bind,remount,ro $T/var/lib; }
echo "    host mount: $(awk -v m=$T/var/lib '$5==m{print $6}' /proc/self/mountinfo)"; st
run $BIN grow --root $T --to 400M --dry-run; run $BIN grow --root $T --to 400M; st
NL=2 run $BIN check --root $T
mount -o bind,remount,rw $T/var/lib 2>/dev/null; mount -o remount,rw $T/var/lib 2>/dev/null; $BIN teardown --root $T >/dev/null 2>&1; detach_ours; umount $T/var/lib; losetup -d $LH
echo "--- ro2: store on a READ-ONLY loop device (losetup -r)"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 200M >/dev/null; rec; umount $M; sleep 0.3; detach_ours
LR=$(att -r $I); mount $LR $M; echo "    mount opts: $(awk -v m=$M '$5==m{print $6}' /proc/self/mountinfo)"; st
run $BIN grow --root $T --to 400M; st; NL=2 run $BIN check --root $T
echo "--- ro3: rw-mounted store, loop set read-only with blockdev --setro"
umount $M; losetup -d $LR; $BIN provision --root $T >/dev/null 2>&1; rec; L=$(losetup -j $I | cut -d: -f1); blockdev --setro $L; echo "    ro=$(blockdev --getro $L)"; st
run $BIN grow --root $T --to 400M; st; NL=2 run $BIN check --root $T; blockdev --setrw $L
echo "--- ro4: store mounted ro: other changing commands"
mount -o remount,ro $M; truncate -s 500M $RUN/ebs4; L2=$(att $RUN/ebs4); dd if=/dev/urandom of=$L2 bs=1M count=2 conv=notrunc 2>/dev/null; h2=$(head -c 4M $L2 | md5sum | cut -c1-10)
run $BIN migrate-ebs --root $T $L2 --yes --wait 5; echo "    target first 4M $h2 -> $(head -c 4M $L2 | md5sum | cut -c1-10); blkid: $(blkid -p $L2 2>&1 | cut -c1-100)"; st
run $BIN provision --root $T; st; echo "    mount opts: $(awk -v m=$M '$5==m{print $6}' /proc/self/mountinfo)"
run $BIN reclaim --root $T --orphans; run $BIN reclaim --root $T --orphans --dry-run; run $BIN backend --root $T overlay2 --dry-run; run $BIN backend --root $T btrfs; st
run $BIN teardown --root $T --dry-run; st
mount -o remount,rw $M; $BIN teardown --root $T >/dev/null 2>&1; detach_ours
