#!/bin/bash
# DI2: the DI state (store moved to the volume, journal open at delete-image, the journal's image renamed to .orig, a foreign unmounted btrfs with data at the image's name): check vs every command, then a boot, then the advice
. /work/attack28/n/lib.sh
MB=${MB:-300} mk; truncate -s 300M $T.o; mkfs.btrfs -q $T.o 2>/dev/null; mkdir -p $T.om; mount -o loop $T.o $T.om; rec; echo precious > $T.om/PRECIOUS; umount $T.om
$BIN migrate-ebs $V --root $T --yes > $RUN/di.out 2>&1 & pid=$!; for i in $(seq 60); do sleep 0.1; [ -e $T/$J ] && break; done; sleep 0.2
mv $I $I.orig; cp --sparse=always $T.o $I; wait $pid; echo "=== DI2 state: migrate-ebs rc=$? $(tail -1 $RUN/di.out | cut -c1-200)"
h1=$(th $T); vb=$(bh $T.vol); NC=400 chk $T | grep 'check root'; NL=2 NC=400 run $BIN status --root $T; NL=2 NC=400 run $BIN provision --root $T; NL=2 NC=400 run $BIN grow --root $T --dry-run; NL=2 NC=400 run $BIN migrate-ebs $V --root $T --dry-run; echo "  tree $h1 -> $(th $T) vol $vb -> $(bh $T.vol)"
echo "  -- boot in this state"; pcut $T; settle $T; btrfs device scan --forget 2>/dev/null; truncate -s 10M $RUN/pad.$$; P=$(att $RUN/pad.$$); V=$(att $T.vol)
h1=$(th $T); NL=3 NC=500 run $BIN provision --root $T; rec; echo "  mounted: $(findmnt -no SOURCE $T/var/lib/docker)"; NC=300 chk $T | grep 'check root'; echo "  tree $h1 -> $(th $T) vol $vb -> $(bh $T.vol)"
echo "  -- the advice: move the foreign file aside, re-run"; mv $I $RUN/foreign.aside; findmnt $T/var/lib/docker >/dev/null || NL=3 NC=300 run $BIN provision --root $T; rec
NL=4 NC=300 run $BIN migrate-ebs $V --root $T --yes; ls $T/var/lib | grep storage; NC=300 chk $T | grep 'check root'; echo "  data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"
down $T; losetup -d $P 2>/dev/null; rm -f $RUN/pad.$$ $RUN/foreign.aside
