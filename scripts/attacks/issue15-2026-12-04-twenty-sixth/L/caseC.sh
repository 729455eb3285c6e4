#!/bin/bash
# C: image hard-linked, its own name removed, while mounted: several links, a link in another folder, a link then replaced, advice followed then reboot
. /work/attack26/l/lib.sh
allc() { local h1 b1; h1=$(th $T); chk $T; NL=2 run $BIN status --root $T; NL=2 run $BIN provision --root $T; NL=2 run $BIN grow --root $T; NL=2 run $BIN reclaim --root $T
  NL=2 run $BIN migrate-ebs $V --root $T --yes; NL=2 run $BIN teardown --root $T --dry-run; echo "  tree $h1 -> $(th $T) vol $(bh $T.vol)"; }
mk() { T=$(mkroot); [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; head -c 50M /dev/urandom > $T/var/lib/docker/BIG; sync
  md5=$(md5sum < $T/var/lib/docker/BIG); truncate -s 1G $T.vol; V=$(att $T.vol); }
boot() { umount $T/var/lib/docker; sleep 0.5; rec; detach_ours; V=$(att $T.vol); NL=4 run $BIN provision --root $T; rec; echo "  after reboot: mounted $(findmnt -n -o SOURCE $T/var/lib/docker) data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-32) want ${md5:0:32}"; }
echo "=== C1 two links in the folder (L1, L2), name removed"; mk; ln $I $T/var/lib/L1; ln $I $T/var/lib/L2; rm $I; NC=330 allc
echo "  -- follow the advice it gave (mv L1 IMAGE) and reboot"; mv $T/var/lib/L1 $I; chk $T; boot; chk $T; ls -li $T/var/lib | awk '{print "   ",$1,$3,$NF}'; down $T
echo "=== C2 link in another folder (other/L), name removed"; mk; mkdir $T/var/lib/other; ln $I $T/var/lib/other/L; rm $I; NC=330 allc; down $T
echo "=== C3 link L, name removed, then L replaced by a copy (the running inode has no name left)"; mk; ln $I $T/var/lib/L; rm $I; cp --sparse=always $T/var/lib/L $T/var/lib/L.new; mv $T/var/lib/L.new $T/var/lib/L; NC=330 allc
echo "  -- follow whatever it says: mv L IMAGE? (that is the stale copy)"; down $T
echo "=== C4 link L, name removed, then a tmpfs mounted over the folder's 'sub' holding a file 'L' (other fs)"; mk; ln $I $T/var/lib/L; rm $I; mkdir $T/var/lib/sub; mount -t tmpfs tmpfs $T/var/lib/sub; ln $T/var/lib/L $T/var/lib/sub/x 2>&1; head -c 1M /dev/zero > $T/var/lib/sub/L; NC=330 allc; umount $T/var/lib/sub; down $T
echo "=== C5 link L, name removed, then the folder bind-mounted at var/lib/bm (the link reachable twice)"; mk; ln $I $T/var/lib/L; rm $I; mkdir $T/var/lib/bm; mount --bind $T/var/lib $T/var/lib/bm; NC=330 allc; umount -l $T/var/lib/bm; down $T
