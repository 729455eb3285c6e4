#!/bin/bash
# A5: quoted option values in the fstab line: what provision asks/mounts vs what mount(8) (the boot's systemd) does with the same line
. /work/attack26/l/lib.sh
for o in 'subvol="/"' 'context="system_u:object_r:container_file_t:s0"' 'compress="bogus"' '"bogusopt"'; do T=$(mkroot); [ -n "$T" ] || exit 99
  printf '/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,%s 0 0\n' "$o" > $T/etc/fstab; echo "=== fstab option [$o]"
  NL=2 NC=300 run $BIN provision --root $T --size 1G | tail -2; rec; echo "  mounted: $(findmnt -n -o SOURCE,OPTIONS $T/var/lib/docker)"
  if mountpoint -q $T/var/lib/docker; then umount $T/var/lib/docker; sleep 0.3; detach_ours; L=$(att $T/var/lib/docker-storage.btrfs)
    mount -o "nofail,$o" $L $T/var/lib/docker 2>&1 | cut -c1-150; echo "  mount(8) with the line's options: rc=${PIPESTATUS[0]}"; down $T; fi; done
