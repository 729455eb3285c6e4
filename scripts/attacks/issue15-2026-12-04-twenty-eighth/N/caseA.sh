#!/bin/bash
# A: add+remove migration killed at several delays, power cut, names shuffled, boot, finish
. /work/attack28/n/lib.sh
for D in ${DELAYS:-0.3 0.8 2 4}; do
MB=${MB:-300} mk; timeout -s KILL $D env DOCKSTORE_MIGRATE_METHOD=add-remove $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; rec
echo "=== A d=$D killed: $(jp); devices $(btrfs fi show $T/var/lib/docker 2>/dev/null| grep -c devid)"; NC=200 chk $T | grep 'check root'
pcut $T; btrfs device scan --forget 2>/dev/null; truncate -s 10M $RUN/pad.$$; P=$(att $RUN/pad.$$); V=$(att $T.vol); echo "  volume now $V; image UUID '$(blkid -o value -s UUID $I)' vol '$(blkid -o value -s UUID $V)'"
NL=3 NC=300 run $BIN provision --root $T; rec; echo "  mounted: $(findmnt -no SOURCE $T/var/lib/docker|tr '\n' ' ') data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"; NC=200 chk $T | grep 'check root'
NL=3 NC=300 run $BIN migrate-ebs $V --root $T --yes; NC=200 chk $T | grep 'check root'; echo "  data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"
down $T; losetup -d $P 2>/dev/null; rm -f $RUN/pad.$$
done
