#!/bin/bash
# A6: DOCKSTORE_MOUNT_OPTIONS in etc/sysconfig/dockstore: a store in place, then a rejected option put there; re-run, check, reboot
. /work/attack26/l/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec
echo 'DOCKSTORE_MOUNT_OPTIONS="bogusopt"' > $T/etc/sysconfig/dockstore; h1=$(th $T)
NL=2 NC=300 run $BIN provision --root $T; echo "  fstab now: $(fst)"; NC=200 chk $T; echo "  tree $h1 -> $(th $T)"
echo "  -- reboot"; umount $T/var/lib/docker; sleep 0.3; detach_ours; NL=2 NC=300 run $BIN provision --root $T; rec; findmnt -n -o SOURCE $T/var/lib/docker; NC=200 chk $T
echo "  -- sysconfig emptied again, reboot"; : > $T/etc/sysconfig/dockstore; NL=2 NC=300 run $BIN provision --root $T; rec; echo "  fstab: $(fst)"
echo 'DOCKSTORE_MOUNT_OPTIONS="context=system_u:object_r:container_file_t:s0"' > $T/etc/sysconfig/dockstore; echo "  -- reboot with context= there"; NL=2 NC=300 run $BIN provision --root $T; rec; findmnt -n -o SOURCE $T/var/lib/docker
down $T
