. /work/attack33/u/lib.sh
step=$1
R=$(mkroot); $D provision --root $R >/dev/null 2>&1 || echo "provision failed"
dd if=/dev/urandom of=$R/var/lib/docker/data.bin bs=1M count=20 status=none; sync
( cd $R/var/lib/docker && sha256sum data.bin ) > $LOG/mig-$step.sha
V=$(mkdisk V-$step 8G); echo "step=$step R=$R V=$V"
( DOCKSTORE_FAILPOINT=$step $D migrate-ebs $V --root $R --yes >$LOG/mig-$step.out 2>&1 ); echo "migrate rc=$?"; tail -2 $LOG/mig-$step.out
echo "--- status"; $D status --root $R 2>&1 | grep -v '^warning: the filesystem holding' | tail -4
echo "--- check"; $D check --root $R --format json 2>&1 | grep -m2 '"message"'
echo "--- provision --dry-run (different command)"; $D provision --root $R --dry-run 2>&1 | tail -2; 
echo "--- reboot: unmount, detach, reattach V at another name"
cleanroot $R; losetup -d $V 2>/dev/null; sleep 0.3; truncate -s 10M $DISKDIR/f1-$step $DISKDIR/f2-$step; F1=$(losetup -f --show $DISKDIR/f1-$step); V2=$(losetup -f --show $DISKDIR/V-$step.img); [ "$V2" = "$V" ] && { losetup -d $V2; sleep 0.2; F2=$(losetup -f --show $DISKDIR/f2-$step); V2=$(losetup -f --show $DISKDIR/V-$step.img); }; losetup -d $F1 $F2 2>/dev/null; echo "V now $V2 (was $V)"
$D provision --root $R >$LOG/mig-$step.boot 2>&1; echo "boot provision rc=$?"; grep -v 'warning: the filesystem holding' $LOG/mig-$step.boot | tail -3
( cd $R/var/lib/docker 2>/dev/null && sha256sum -c $LOG/mig-$step.sha ) || echo "DATA CHECK FAILED"
$D status --root $R 2>&1 | grep '^state' 
findmnt -rn -o SOURCE,TARGET | grep $R
cleanall
