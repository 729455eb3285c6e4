#!/bin/bash
# A: add-remove migration killed during the remove, power cut mid-remove, names shuffled, boot: any false refusal of the real journal?
. /work/attack27/m/lib.sh
MB=400 mk; timeout -s KILL 0.7 env DOCKSTORE_MIGRATE_METHOD=add-remove $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; rec
echo "=== A1 killed: $(jp); devices $(btrfs fi show $T/var/lib/docker | grep -c devid)"; NC=250 chk $T | grep 'check root'
sleep 0.3; echo "  -- power cut while the remove may run"; pcut $T; btrfs device scan --forget 2>/dev/null; truncate -s 10M $RUN/pad2; P=$(att $RUN/pad2); V=$(att $T.vol); echo "  volume now $V; image blkid: $(blkid -o value -s UUID $I)"
h1=$(th $T); NL=4 NC=400 run $BIN provision --root $T; rec; echo "  tree $h1 -> $(th $T)"; findmnt -no SOURCE $T/var/lib/docker; echo "  data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"; NC=250 chk $T | grep 'check root'
NL=4 NC=300 run $BIN migrate-ebs $V --root $T --yes; NC=250 chk $T | grep 'check root'; echo "  data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"; down $T
down $T
