#!/bin/bash
# K: real migration killed mid-replace, replace left to finish (image scratched, past the point of return), power cut, names shuffled; then the image's name holds: nothing / another btrfs
. /work/attack27/m/lib.sh
MB=700 mk; U=$(btrfs fi show $T/var/lib/docker | grep -o 'uuid: [0-9a-f-]*' | cut -c7-); timeout -s KILL 0.4 $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; rec
for i in $(seq 100); do btrfs replace status -1 $T/var/lib/docker 2>&1 | grep -q '% done' || break; sleep 0.3; done
echo "=== K state: $(jp); replace: $(btrfs replace status -1 $T/var/lib/docker | head -1)"; cp $T/$J $RUN/kj; cp $T/etc/fstab $RUN/kfstab
pcut $T; btrfs device scan --forget 2>/dev/null; truncate -s 10M $RUN/pad; P=$(att $RUN/pad)
echo "=== K1 another btrfs file at the image's name (image renamed away), volume attached under a new name"; mv $I $I.orig; truncate -s 1G $I; mkfs.btrfs -q $I; V=$(att $T.vol); echo "  volume now $V"
h1=$(th $T); vb1=$(bh $T.vol); NL=3 NC=400 run $BIN provision --root $T; NL=2 NC=400 run $BIN migrate-ebs $V --root $T --dry-run; NL=2 NC=300 run $BIN status --root $T; echo "  tree $h1 -> $(th $T); vol $vb1 -> $(bh $T.vol)"
echo "  -- following the advice: remove the journal, then boot"; mv $T/$J $RUN/kj.removed; NL=3 NC=300 run $BIN provision --root $T; rec; findmnt -no SOURCE,UUID $T/var/lib/docker; ls $T/var/lib/docker; chk $T; pcut $T
echo "=== K2 image renamed away, nothing at its name"; rm -f $I; cp $RUN/kj $T/$J; cp $RUN/kfstab $T/etc/fstab; V=$(att $T.vol); NL=3 NC=400 run $BIN provision --root $T; rec; echo "  data: $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-12) want $md5"; chk $T
NL=4 NC=300 run $BIN migrate-ebs $V --root $T --yes; chk $T; down $T
