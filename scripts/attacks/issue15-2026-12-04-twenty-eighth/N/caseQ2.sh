#!/bin/bash
# Q2: --device store whose mount fails after this run formatted it (an option the parser takes but the mount rejects), then the re-run
. /work/attack28/n/lib.sh
for O in subvol=nonexist 'subvol=nonexist,context="a:b:c:s0:c1,c2"' device=/dev/loop99; do
T=$(mkroot); [ -n "$T" ] || exit 99; truncate -s 1G $T.dev; D=$(att $T.dev); h1=$(th $T)
echo "=== Q2 btrfs opts: $O"; NL=12 NC=700 run $BIN provision --root $T --device $D --fs btrfs --force --mount-options "$O" | grep -v 'folder-record\|format-record'; echo "  blkid: $(blkid -o export $D | grep -E '^(TYPE|UUID)=' | tr '\n' ' ') mounted: $(findmnt -no SOURCE $T/var/lib/docker)"; echo "  fstab: $(fst)"; echo "  tree $h1 -> $(th $T)"; ls -R $T/var/lib | head -5
NL=3 NC=400 run $BIN provision --root $T --device $D --fs btrfs; echo "  blkid: $(blkid -o export $D | grep -E '^(UUID)=')"; down $T
done
