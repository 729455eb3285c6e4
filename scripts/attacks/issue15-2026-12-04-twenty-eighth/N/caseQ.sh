#!/bin/bash
# Q: --device store whose mount fails after this run formatted it (a context= option on a kernel without SELinux / a bad quoted value); the message, the device, the tree
. /work/attack28/n/lib.sh
for O in 'context="system_u:object_r:container_file_t:s0:c1,c2"' 'compress=zstd,context="a:b:c:s0:c1,c2"' 'x-foo="a,b"'; do for FS in btrfs ext4; do
T=$(mkroot); [ -n "$T" ] || exit 99; truncate -s 1G $T.dev; D=$(att $T.dev); h1=$(th $T)
echo "=== Q $FS opts: $O"; NL=6 NC=500 run $BIN provision --root $T --device $D --fs $FS --force --mount-options "$O"; echo "  blkid: $(blkid -o export $D | grep -E '^(TYPE|UUID)=' | tr '\n' ' ') mounted: $(findmnt -no SOURCE,OPTIONS $T/var/lib/docker)"; echo "  fstab: $(fst)"; echo "  tree $h1 -> $(th $T)"
findmnt $T/var/lib/docker >/dev/null && { NC=200 chk $T | grep 'check root'; grep context /proc/self/mountinfo | grep -c $T; }
NL=3 NC=300 run $BIN provision --root $T --device $D --fs $FS --mount-options "$O"
down $T
done; done
