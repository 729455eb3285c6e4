#!/bin/bash
# K: real replace migration killed at several delays (optionally --keep-image), power cut mid-move, names shuffled, boot; then finish. Any false refusal?
. /work/attack28/n/lib.sh
for D in ${DELAYS:-0.3 1.2 2.5 5}; do for KI in "" --keep-image; do
MB=${MB:-300} mk; U=$(blkid -o value -s UUID $I); timeout -s KILL $D $BIN migrate-ebs $V --root $T --yes $KI >/dev/null 2>&1; rec
echo "=== K d=$D $KI killed: $(jp); replace: $(btrfs replace status -1 $T/var/lib/docker 2>&1| head -1)"; NC=200 chk $T | grep 'check root'
pcut $T; btrfs device scan --forget 2>/dev/null; truncate -s 10M $RUN/pad.$$; P=$(att $RUN/pad.$$); V=$(att $T.vol); echo "  volume now $V; image UUID '$(blkid -o value -s UUID $I)' vol UUID '$(blkid -o value -s UUID $V)'"
h1=$(th $T); NL=3 NC=300 run $BIN provision --root $T; rec; echo "  mounted: $(findmnt -no SOURCE,UUID $T/var/lib/docker|tr '\n' ' ') data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"; NC=200 chk $T | grep 'check root'
NL=3 NC=300 run $BIN migrate-ebs $V --root $T --yes $KI; NC=200 chk $T | grep 'check root'; echo "  data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5; image: $(ls $T/var/lib | grep storage)"
down $T; losetup -d $P 2>/dev/null; rm -f $RUN/pad.$$
done; done
