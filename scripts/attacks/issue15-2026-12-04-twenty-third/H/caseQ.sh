#!/bin/bash
# case Q: provision --mountpoint OTHER while dockstore's own line's image is missing (not mounted); follow both ways out
. /work/attack23/h/lib.sh
down() { for m in $T/var/lib/docker $T/srv/docker; do umount $m 2>/dev/null; done; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do sdet $d; done; }
fresh() { T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; echo Q-$RANDOM > $T/var/lib/docker/MARK; cp $T/var/lib/docker/MARK $T.mark
  umount $T/var/lib/docker; rec; sdet $(losetup -j $I -n -O NAME); mv $I $T/var/lib/moved.btrfs; mkdir -p $T/srv; }
for v in plain settings-changed renamed-into-srv; do
echo "=== Q-$v: the line's image missing; provision --mountpoint /srv/docker"; fresh
[ $v = settings-changed ] && echo DOCKSTORE_IMAGE=/var/lib/store2.btrfs >> $T/etc/sysconfig/dockstore
[ $v = renamed-into-srv ] && { mkdir -p $T/srv; mv $T/var/lib/moved.btrfs $T/srv/moved.btrfs; }
h0=$(th $T); $BIN provision --root $T --mountpoint /srv/docker 2>&1 | cut -c1-900; echo "rc=${PIPESTATUS[0]} tree $( [ $(th $T) = $h0 ] && echo unchanged || echo CHANGED)"
$BIN status --root $T --mountpoint /srv/docker 2>&1 | grep -E '^(store|image|  -)' | cut -c1-300
done
echo "=== Q way 1: put it back and keep it (mv back, provision as advised)"; fresh
$BIN provision --root $T --mountpoint /srv/docker >/dev/null 2>&1; mv $T/var/lib/moved.btrfs $I
run $BIN provision --root $T; rec; echo "  MARK: $(cat $T/var/lib/docker/MARK 2>&1) want $(cat $T.mark)"
echo "  then the other mountpoint again:"; NL=3 run $BIN provision --root $T --mountpoint /srv/docker; down
echo "=== Q way 2: take the store down (teardown) then provision --mountpoint /srv/docker"; fresh
h0=$(th $T); NL=8 run $BIN teardown --root $T; echo "  tree $( [ $(th $T) = $h0 ] && echo unchanged || echo CHANGED)"; ls $T/var/lib
NL=8 run $BIN teardown --root $T --dry-run
NL=3 run $BIN provision --root $T --mountpoint /srv/docker; rec; grep -v '^#' $T/etc/fstab; ls $T/var/lib; down
echo "=== Q way 2b: teardown --delete-image with the image missing (does it find moved.btrfs? must not)"; fresh
NL=8 run $BIN teardown --root $T --delete-image; ls $T/var/lib; down
echo "=== Q way 2c: teardown --mountpoint /srv/docker (the wrong mountpoint)"; fresh
NL=4 run $BIN teardown --root $T --mountpoint /srv/docker; grep -v '^#' $T/etc/fstab; down
