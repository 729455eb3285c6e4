. /work/attack33/u/lib.sh
for step in shrink fstab; do
echo "=== C12 migrate-ebs V killed at $step; reboot gives V's old name to W (data in its middle, zero ends); admin runs migrate-ebs OLDNAME as printed before the reboot"
R=$(mkroot); $D provision --root $R >/dev/null 2>&1; dd if=/dev/urandom of=$R/var/lib/docker/data.bin bs=1M count=5 status=none; sync; (cd $R/var/lib/docker; sha256sum data.bin) > $LOG/c12.sha
V=$(mkdisk V-c12-$step 8G); W=$(mkdisk W-c12-$step 8G); dd if=/dev/urandom of=$W bs=1M seek=100 count=8 conv=notrunc status=none; dd if=$W bs=1M skip=100 count=8 status=none | md5sum > $LOG/c12w.md5
( DOCKSTORE_FAILPOINT=$step $D migrate-ebs $V --root $R --yes >/dev/null 2>&1 ); echo "killed rc=$? V=$V W=$W"
cleanroot $R; losetup -d $V $W; sleep 0.3; losetup $V $DISKDIR/W-c12-$step.img && W2=$V; V2=$(losetup -f --show $DISKDIR/V-c12-$step.img); echo "after reboot V.img=$V2 W.img=$W2"
$D provision --root $R 2>&1 | grep -v 'filesystem holding' | tail -2
echo "--- migrate-ebs $V (old name, now W)"; $D migrate-ebs $V --root $R --yes 2>&1 | tail -2; echo "rc=${PIPESTATUS[0]}"
if dd if=$W2 bs=1M skip=100 count=8 status=none | md5sum | diff -q - $LOG/c12w.md5 >/dev/null; then echo "W middle bytes still there"; else echo "W middle bytes OVERWRITTEN"; fi; blkid -o export $W2 | grep -q "^UUID=" && echo "W (the device the journal does not name) now holds: $(blkid $W2 | cut -c1-80)"
echo "--- migrate-ebs $V2 (new name)"; $D migrate-ebs $V2 --root $R --yes 2>&1 | tail -1; echo "rc=${PIPESTATUS[0]}"
(cd $R/var/lib/docker; sha256sum -c $LOG/c12.sha); $D status --root $R | grep -E '^state|^migration'
cleanroot $R
done
cleanall
