. /work/attack33/u/lib.sh
for step in extend-image loop-capacity resize; do
echo "=== C6 grow --to 8G killed at $step"
R=$(mkroot); $D provision --root $R --size 4G >/dev/null 2>&1; dd if=/dev/urandom of=$R/var/lib/docker/d bs=1M count=5 status=none; sync; (cd $R/var/lib/docker; sha256sum d) > $LOG/c6.sha
( DOCKSTORE_FAILPOINT=$step $D grow --root $R --to 8G >/dev/null 2>&1 ); echo "rc=$?"
$D status --root $R 2>&1 | grep -E '^(image|filesystem|state|  -)'; $D check --root $R --format json | grep -E '"message"' | head -2
$D grow --root $R --dry-run 2>&1 | tail -2
echo "-- reboot"; cleanroot $R; $D provision --root $R 2>&1 | tail -1; (cd $R/var/lib/docker; sha256sum -c $LOG/c6.sha)
$D status --root $R 2>&1 | grep -E '^(image|filesystem|state|  -)'
$D grow --root $R --to 8G 2>&1 | tail -1; btrfs fi show $R/var/lib/docker | grep devid
cleanroot $R
done
cleanall
