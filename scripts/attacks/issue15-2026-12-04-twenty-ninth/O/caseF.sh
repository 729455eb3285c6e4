#!/bin/bash
# F: the same odd paths given through /etc/sysconfig/dockstore (DOCKSTORE_IMAGE / DOCKSTORE_MOUNTPOINT / DOCKSTORE_MOUNT_OPTIONS): validated like the command line?
. /work/attack29/o/lib.sh
one() { local T; T=$(mkroot); [ -n "$T" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker; printf '%s\n' "$1" > $T/etc/sysconfig/dockstore; local a; a=$(th $T)
  local o r; o=$(timeout 60 $BIN provision --root $T --size 1G 2>&1); r=$?; rec; echo "=== $(printf %s "$1" | cat -v) rc=$r: $(echo "$o" | tail -1 | cut -c1-200)"
  [ $r -eq 0 ] && echo "    fstab: $(grep -v '^#' $T/etc/fstab | cut -c1-120 | cat -v)"; [ $r -ne 0 ] && { [ "$a" = "$(th $T)" ] && echo "    tree unchanged" || echo "    !!! tree changed"; }
  down $T; }
one 'DOCKSTORE_IMAGE="/var/lib/my img.btrfs"'
one 'DOCKSTORE_IMAGE="/var/lib/../lib/x.btrfs"'
one 'DOCKSTORE_IMAGE="/var/lib/x.btrfs/"'
one 'DOCKSTORE_IMAGE="var/lib/x.btrfs"'
one $'DOCKSTORE_IMAGE="/var/lib/\xc2\x85.btrfs"'
one 'DOCKSTORE_MOUNTPOINT="/var/lib/dock er"'
one 'DOCKSTORE_MOUNTPOINT="/var/lib/d%ocker"'
one 'DOCKSTORE_MOUNTPOINT="/etc"'
one 'DOCKSTORE_MOUNT_OPTIONS="compress=zstd,x-a=%41"'
one 'DOCKSTORE_MOUNT_OPTIONS="compress=zstd x-a"'
one 'DOCKSTORE_IMAGE='"'"'/var/lib/a$b.btrfs'"'"
