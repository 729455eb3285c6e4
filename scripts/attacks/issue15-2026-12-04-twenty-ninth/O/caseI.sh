#!/bin/bash
# I: --image naming a file dockstore itself owns (fstab, sysconfig/docker, the lock file): formatted as the store
. /work/attack29/o/lib.sh
one() { local img=$1 prep=$2 T; T=$(mkroot); [ -n "$T" ] || exit 99; mkdir -p $T/run; eval "$prep"; local a; a=$(th $T)
  echo "=== --image $img  (prep: $prep)"; NL=40 NC=250 run $BIN provision --root $T --size 1G --image $img | tail -4; rec
  echo "    $img now: $(stat -c '%s bytes mode %a' $T$img 2>&1) $(blkid -o value -s TYPE $T$img 2>/dev/null)"; echo "    mounted: $(findmnt -n -o SOURCE $T/var/lib/docker)"
  echo "    fstab: $(head -c 200 $T/etc/fstab | tr -dc '[:print:]' | cut -c1-150)"
  NL=2 NC=250 run $BIN status --root $T; NL=2 NC=250 run $BIN teardown --root $T --delete-image; down $T; }
one /etc/fstab 'rm $T/etc/fstab'
one /etc/fstab ': > $T/etc/fstab'
one /etc/sysconfig/docker ': > $T/etc/sysconfig/docker'
one /run/dockstore.lock ': > $T/run/dockstore.lock'
one /etc/docker/daemon.json ': > $T/etc/docker/daemon.json'
one /etc/dockstore.disabled ': > $T/etc/dockstore.disabled'
one /etc/machine-id ': > $T/etc/machine-id'
