#!/bin/bash
# P: a true power cut mid-replace / mid-add+remove (commits frozen, bytes of image and volume copied, written back in place after teardown), names shuffled, boot; + image renamed/linked/copy at boot
. /work/attack28/n/lib.sh
for MODE in ${MODES:-plain rename link copy ar ar-rename}; do
MB=${MB:-600} mk; INO=$(stat -c %i $I); E=""; case $MODE in ar*) E="DOCKSTORE_MIGRATE_METHOD=add-remove";; esac
env $E $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1 & pid=$!; for i in $(seq 60); do sleep 0.1; [ -e $T/$J ] && btrfs fi show $T/var/lib/docker 2>/dev/null | grep -q $V && break; done; sleep ${D:-0.3}
snap $T; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; echo "=== P-$MODE: cut at $(jp) $(btrfs replace status -1 $T/var/lib/docker 2>&1|head -1)"
pcut $T; settle $T; btrfs device scan --forget 2>/dev/null; restore $T; echo "  ino $INO -> $(stat -c %i $I); image UUID '$(blkid -o value -s UUID $I)' vol '$(blkid -o value -s UUID $T.vol)'"
case $MODE in *rename) mv $I $I.old;; link) ln $I $I.old; rm $I;; copy) mv $I $I.old; cp --sparse=always $I.old $I;; esac
truncate -s 10M $RUN/pad.$$; P=$(att $RUN/pad.$$); V=$(att $T.vol); echo "  volume now $V"
h1=$(th $T); vb=$(bh $T.vol); NL=4 NC=500 run $BIN provision --root $T; rec; echo "  mounted: $(findmnt -no SOURCE $T/var/lib/docker|tr '\n' ' ')"; NL=2 NC=300 run $BIN status --root $T; NC=300 chk $T | grep 'check root'
echo "  tree $h1 -> $(th $T) vol $vb -> $(bh $T.vol)"; findmnt $T/var/lib/docker >/dev/null && echo "  data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"
if [ -e $I.old ]; then echo "  -- put back"; pcut $T; btrfs device scan --forget 2>/dev/null; [ $MODE = copy ] && rm -f $I; mv $I.old $I; V=$(att $T.vol)
  NL=3 NC=300 run $BIN provision --root $T; rec; echo "  data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"; NC=200 chk $T | grep 'check root'; fi
NL=3 NC=300 run $BIN migrate-ebs $V --root $T --yes; echo "  data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"; NC=200 chk $T | grep 'check root'
down $T; losetup -d $P 2>/dev/null; rm -f $RUN/pad.$$
done
