#!/bin/bash
# D: what migrate-ebs says it left of the image once finished
. /work/attack26/l/lib.sh
mk() { T=$(mkroot); [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 2G >/dev/null 2>&1; rec; head -c ${MB:-50}M /dev/urandom > $T/var/lib/docker/BIG; sync
  md5=$(md5sum < $T/var/lib/docker/BIG); truncate -s 2G $T.vol; V=$(att $T.vol); }
kill_mid() { timeout -s KILL 0.4 $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; rec; echo "  killed: $(grep -o '"phase"[^,}]*' $T/var/lib/dockstore/migration.json) $(btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1)"
  for i in $(seq 100); do btrfs replace status -1 $T/var/lib/docker 2>&1 | grep -q '% done' || break; sleep 0.3; done; }
fin() { NL=14 NC=330 run $BIN migrate-ebs $V --root $T --yes ${KI:-} | grep -v -e '^\s*[0-9]\. \[\(replace\|resize\|fstab\|detach-loop\|journal\)' ; sleep 1; echo "  left:"; ls -li $T/var/lib $T/var/lib/other 2>/dev/null | awk 'NF>5{print "   ",$1,$3,$6,$NF}'; chk $T; }
echo "=== D1 plain"; mk; fin; down $T
echo "=== D2 hard link keep.btrfs in the folder, made before the migration"; mk; ln $I $T/var/lib/keep.btrfs; fin; down $T
echo "=== D3 hard link other/keep in another folder"; mk; mkdir $T/var/lib/other; ln $I $T/var/lib/other/keep; fin; down $T
echo "=== D4 --keep-image"; mk; KI=--keep-image fin; down $T
echo "=== D5 killed mid-replace, image renamed to moved.btrfs, finished"; MB=400 mk; kill_mid; mv $I $T/var/lib/moved.btrfs; fin; down $T
echo "=== D6 killed mid-replace, image renamed, a copy put at its name, finished"; MB=400 mk; kill_mid; mv $I $T/var/lib/moved.btrfs; cp --sparse=always $T/var/lib/moved.btrfs $I; fin; down $T
echo "=== D7 killed mid-replace, hard link hl.btrfs made (name kept), finished"; MB=400 mk; kill_mid; ln $I $T/var/lib/hl.btrfs; fin; down $T
echo "=== D8 killed mid-replace, hard link hl.btrfs, name removed, mv back per advice, finished"; MB=400 mk; kill_mid; ln $I $T/var/lib/hl.btrfs; rm $I; NC=300 chk $T; mv $T/var/lib/hl.btrfs $I; fin; down $T
