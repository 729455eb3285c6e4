#!/bin/bash
# case R: the store mounted through a bind-mounted spelling of --root, that bind lazily unmounted while a process
# still works inside the store (the store stays mounted, invisible); then provision --root on the real path.
. /work/attack21/f/lib.sh
unshare -m --propagation private bash -c '
. /work/attack21/f/lib.sh
T=$(mkroot); mkdir -p $RUN/R-bind; mount --bind $T $RUN/R-bind
$BIN provision --root $RUN/R-bind --size 1G > $T.log 2>&1; echo prov-via-bind-rc=$?
L=$(findmnt -no SOURCE $RUN/R-bind/var/lib/docker); echo "loop $L kernel: $(cat /sys/block/${L#/dev/}/loop/backing_file)"
for r in $T "$RUN/../run/$(basename $T)" $RUN/R-bind; do echo "-- check --root $r"; $BIN check --root "$r" | cut -c1-160; done
echo data > $RUN/R-bind/var/lib/docker/file
( cd $RUN/R-bind/var/lib/docker && exec sleep 60 ) & H=$!
sleep 0.5; umount -l $RUN/R-bind; echo "-- bind lazily unmounted; holder $H keeps the store mounted"
echo "kernel now: $(cat /sys/block/${L#/dev/}/loop/backing_file)"; losetup -a | grep $(basename $T)
$BIN check --root $T | cut -c1-300
$BIN status --root $T | grep -E "^(mounted|state)|^  -" | cut -c1-300
$BIN provision --root $T 2>&1 | tail -1 | cut -c1-300; echo prov-rc=${PIPESTATUS[0]}
losetup -a | grep $(basename $T); findmnt -n $T/var/lib/docker
kill $H; wait $H 2>/dev/null; sleep 0.5
umount_ours; umount_ours; detach_ours
'
