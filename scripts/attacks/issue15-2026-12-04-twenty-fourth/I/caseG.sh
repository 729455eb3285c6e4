#!/bin/bash
# G: no migration. G1 hard link of image attached ro (not mounted) -> check root vs nobody. G2 image replaced by copy while mounted -> teardown.
# G3 provision --mountpoint other while fstab image missing.
. /work/attack24/i/lib.sh
T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 2G >/dev/null 2>&1; rec; echo MARK > $T/var/lib/docker/MARK; sync
ln $I $T/var/lib/hl.btrfs; HL=$(att -r $T/var/lib/hl.btrfs); echo "--- G1 hard link attached ro as $HL"; chk $T; sdet $HL
mkdir -p $T/var/lib/sub; ln $I $T/var/lib/sub/hl2.btrfs; rm $T/var/lib/hl.btrfs; HL=$(att -r -o 0 --sizelimit 1073741824 $T/var/lib/sub/hl2.btrfs); echo "--- G1b hard link in subfolder, sizelimit, as $HL"; chk $T; sdet $HL; rm $T/var/lib/sub/hl2.btrfs
echo "--- G2 image replaced by a copy while mounted"; mv $I $T/var/lib/orig.btrfs; cp --sparse=always $T/var/lib/orig.btrfs $I; h1=$(th $T); b1=$(bh $I); b1o=$(bh $T/var/lib/orig.btrfs)
chk $T; NL=3 run $BIN teardown --root $T --dry-run; NL=3 run $BIN teardown --root $T; NL=3 run $BIN teardown --root $T --delete-image; echo "  tree $h1 -> $(th $T) img $b1 -> $(bh $I) orig $b1o -> $(bh $T/var/lib/orig.btrfs)"; findmnt -n $T/var/lib/docker | cut -c1-100
echo "--- G3 rm copy; provision --mountpoint /srv/docker while fstab's image missing"; rm $I; mkdir -p $T/srv; h1=$(th $T)
NL=4 run $BIN provision --root $T --mountpoint /srv/docker; echo "  tree $h1 -> $(th $T)"
echo "--- follow: mv back; provision"; mv $T/var/lib/orig.btrfs $I; NL=3 run $BIN provision --root $T; ls $T/var/lib/docker; chk $T; down
