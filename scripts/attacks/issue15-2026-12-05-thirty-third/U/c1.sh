. /work/attack33/u/lib.sh
echo "=== C1 provision killed after mount, then provision with another --mountpoint/--image, then reboot"
R=$(mkroot); ( DOCKSTORE_FAILPOINT=mount $D provision --root $R >/dev/null 2>&1 ); echo "killed rc=$?"
dd if=/dev/urandom of=$R/var/lib/docker/data.bin bs=1M count=4 status=none; (cd $R/var/lib/docker; sha256sum data.bin) > $LOG/c1.sha; mkdir -p $R/srv
H0=$(treehash $R); $D provision --root $R --mountpoint /srv/other --image /srv/other.img; echo "rc=$? tree $H0 $(treehash $R)"
$D teardown --root $R --mountpoint /srv/other --image /srv/other.img --dry-run; echo "rc=$?"
$D status --root $R 2>&1 | grep -E '^state|^  -'; $D check --root $R --format json | grep -m1 '"state"'
cleanroot $R; $D provision --root $R 2>&1 | tail -1; (cd $R/var/lib/docker; sha256sum -c $LOG/c1.sha); $D status --root $R | grep '^state'
cleanall
