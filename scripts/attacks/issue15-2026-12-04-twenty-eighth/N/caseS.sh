#!/bin/bash
# S: open replace migration cut by a power cut; at boot the journal's image is renamed in its folder and a STALE copy (taken before NEWER was written) has its name
. /work/attack28/n/lib.sh
MB=${MB:-600} mk; cp --sparse=always $I $RUN/stale; echo newer > $T/var/lib/docker/NEWER; sync
$BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1 & pid=$!; for i in $(seq 60); do sleep 0.05; [ -e $T/$J ] && break; done
snap $T; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; echo "=== S: cut at $(jp) $(btrfs replace status -1 $T/var/lib/docker 2>&1|head -1)"
pcut $T; settle $T; btrfs device scan --forget 2>/dev/null; restore $T; mv $I $I.old; cp --sparse=always $RUN/stale $I; rm -f $RUN/stale
echo "  image.old UUID '$(blkid -o value -s UUID $I.old)' name (stale copy) '$(blkid -o value -s UUID $I)' vol '$(blkid -o value -s UUID $T.vol)'"
echo "  NEWER in the fs tree of the journal's image (.old): $(btrfs inspect-internal dump-tree -t fs $I.old 2>/dev/null | grep -c "name: NEWER"); of the stale copy at the name: $(btrfs inspect-internal dump-tree -t fs $I 2>/dev/null | grep -c "name: NEWER")"
V=$(att $T.vol); h1=$(th $T); NL=4 NC=600 run $BIN provision --root $T; rec; echo "  mounted: $(findmnt -no SOURCE $T/var/lib/docker|tr '\n' ' ') NEWER: $(cat $T/var/lib/docker/NEWER 2>&1)"; NC=300 chk $T | grep 'check root'
NL=2 NC=300 run $BIN status --root $T; echo "  tree $h1 -> $(th $T)"
NL=8 NC=300 run $BIN migrate-ebs $V --root $T --yes; echo "  NEWER: $(cat $T/var/lib/docker/NEWER 2>&1)"; ls -li $T/var/lib | grep storage | awk '{print "   ",$1,$3,$NF}'; NC=300 chk $T | grep 'check root'; down $T
