#!/bin/bash
# A4: context= really mounts through mount(8) (libmount drops SELinux options on a kernel without SELinux); xfs pquota real run (quota-less kernel)
. /work/attack26/l/lib.sh
S=$RUN/s.img; truncate -s 300M $S; mkfs.btrfs -q -f $S >/dev/null; SL=$(att $S); mkdir -p $RUN/m
strace -f -e trace=mount,fsconfig -o $RUN/st mount -o noatime,context=system_u:object_r:container_file_t:s0 $SL $RUN/m; echo "mount rc=$?"; grep -E 'mount\(|fsconfig' $RUN/st | cut -c1-200; umount $RUN/m; losetup -d $SL
echo "=== xfs --device, --mount-options pquota, real run (the remedy backend names)"; T=$(mkroot); truncate -s 1G $T.dev; D=$(att $T.dev)
h1=$(th $T); NL=3 NC=600 run $BIN provision --root $T --device $D --fs xfs --mount-options pquota; echo "  tree $h1 -> $(th $T); signature now: $(blkid -p -o value -s TYPE $D)"; findmnt -n $T/var/lib/docker; fst
NL=2 run $BIN provision --root $T --device $D --fs xfs; fst; down $T
