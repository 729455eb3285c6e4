. /work/attack33/u/lib.sh
echo "=== C7 killed run, lock then held by another process"
R=$(mkroot); ( DOCKSTORE_FAILPOINT=format $D provision --root $R >/dev/null 2>&1 ); ls $R/var/lib $R/run
flock $R/run/dockstore.lock sleep 8 & FL=$!; sleep 0.5; H0=$(treehash $R)
t0=$(date +%s.%N); $D provision --root $R --lock-timeout 2 2>&1; echo "provision rc=$? after $(echo "$(date +%s.%N)-$t0"|bc)s"
$D teardown --root $R --delete-image --lock-timeout 1 2>&1; echo "teardown rc=$?"
$D status --root $R 2>&1 | grep -E '^state|^  -' | head -3; echo "status rc=${PIPESTATUS[0]}"
echo "tree $H0 $(treehash $R)"; ls $R/var/lib
kill $FL; wait $FL 2>/dev/null
echo "=== C8 two provisions at the same moment on a fresh root"
R2=$(mkroot); ( $D provision --root $R2 >$LOG/c8a.out 2>&1; echo "A rc=$?" ) & ( $D provision --root $R2 >$LOG/c8b.out 2>&1; echo "B rc=$?" ) & wait
tail -1 $LOG/c8a.out $LOG/c8b.out | grep -v filesystem; losetup -a | grep -c "$R2/"; findmnt -rn -o SOURCE,TARGET | grep $R2; grep -c docker-storage $R2/etc/fstab
echo "=== C8b provision and teardown at the same moment"
( $D provision --root $R2 >$LOG/c8c.out 2>&1; echo "prov rc=$?" ) & ( $D teardown --root $R2 >$LOG/c8d.out 2>&1; echo "teardown rc=$?" ) & wait
tail -1 $LOG/c8c.out $LOG/c8d.out; $D status --root $R2 2>&1 | grep '^state'
echo "=== C9 second store under another --root, same relative paths"
R3=$(mkroot); R4=$(mkroot); $D provision --root $R3 >/dev/null 2>&1; echo one > $R3/var/lib/docker/who; $D provision --root $R4 >/dev/null 2>&1; echo "R4 rc=$?"; echo two > $R4/var/lib/docker/who
findmnt -rn -o SOURCE,TARGET | grep -E "$R3|$R4"; 
( DOCKSTORE_FAILPOINT=detach-loop $D teardown --root $R4 >/dev/null 2>&1 ); $D status --root $R3 | grep '^state'; cat $R3/var/lib/docker/who
$D teardown --root $R4 2>&1 | tail -1; $D check --root $R3; cat $R3/var/lib/docker/who
cleanroot $R3; cleanroot $R4; $D provision --root $R4 >/dev/null 2>&1; $D provision --root $R3 >/dev/null 2>&1; echo "after reboot R3=$(cat $R3/var/lib/docker/who) R4=$(cat $R4/var/lib/docker/who 2>&1)"
cleanall
