#!/bin/bash
# T: the store's image unmounted; a STALE copy of it (same UUID) mounted at the mountpoint from a file outside the folder (alone / as a second instance under a temporary fsid while the store is also mounted elsewhere); migrate-ebs for real
. /work/attack28/n/lib.sh
for MODE in alone tempfsid; do
MB=100 mk; cp --sparse=always $I $RUN/copy.$$; echo newer > $T/var/lib/docker/NEWER; sync
if [ $MODE = alone ]; then umount $T/var/lib/docker; settle_img=1; else mkdir -p $T.sm; mount --move $T/var/lib/docker $T.sm; fi; sleep 0.3
C=$(att $RUN/copy.$$); mount $C $T/var/lib/docker 2>&1; echo "=== T-$MODE: copy on $C at mountpoint: $(findmnt -no SOURCE,UUID $T/var/lib/docker | tr '\n' ' ') NEWER visible: $(ls $T/var/lib/docker | grep -c NEWER)"
NC=300 chk $T | grep 'check root'; h1=$(th $T); ib=$(bh $I); NL=12 NC=300 run $BIN migrate-ebs $V --root $T --yes; echo "  tree $h1 -> $(th $T) img $ib -> $(bh $I)"; ls -li $T/var/lib | grep storage | awk '{print "   ",$1,$3,$NF}'; fst
umount $T/var/lib/docker 2>/dev/null; umount $T.sm 2>/dev/null; down $T; rm -f $RUN/copy.$$
done
