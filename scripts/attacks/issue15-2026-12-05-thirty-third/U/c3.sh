. /work/attack33/u/lib.sh
echo "=== C3 provision --device A killed at format-record; reboot gives A's old name to B (data in its middle, zero ends); admin runs the command the pre-reboot refusal printed"
R=$(mkroot); A=$(mkdisk A-c3); B=$(mkdisk B-c3); echo "A=$A B=$B"
dd if=/dev/urandom of=$B bs=1M seek=100 count=8 conv=notrunc status=none; dd if=$B bs=1M skip=100 count=8 status=none | md5sum > $LOG/c3b.md5
( DOCKSTORE_FAILPOINT=format-record $D provision --root $R --device $A >/dev/null 2>&1 ); echo "killed rc=$?"
$D provision --root $R 2>&1; echo "plain provision before reboot rc=$?"
losetup -d $A $B; sleep 0.3; losetup $A $DISKDIR/B-c3.img && B2=$A; A2=$(losetup -f --show $DISKDIR/A-c3.img); echo "after reboot: A.img=$A2 B.img=$B2"
$D provision --root $R 2>&1; echo "boot provision rc=$?"
echo "--- admin runs: dockstore provision --device $A (the name the earlier refusal gave)"
$D provision --root $R --device $A 2>&1 | tail -2; echo "rc=${PIPESTATUS[0]}"
if dd if=$B2 bs=1M skip=100 count=8 status=none | md5sum | diff -q - $LOG/c3b.md5 >/dev/null; then echo "B middle intact: PASS"; else echo "B's data OVERWRITTEN: FAIL"; fi
blkid $A2 $B2; ls $R/var/lib/dockstore/
cleanall
