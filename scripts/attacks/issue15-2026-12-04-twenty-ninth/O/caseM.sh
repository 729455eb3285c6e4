#!/bin/bash
# M: --mountpoint over folders dockstore or the boot needs (/etc, /etc/docker, /etc/sysconfig, /etc/systemd/system, /run, /var, /usr, /boot, /var/lib/dockstore/x, /home)
. /work/attack29/o/lib.sh
for mp in /etc /etc/docker /etc/sysconfig /etc/systemd/system /etc/systemd /run /var /usr /boot /var/lib/dockstore/x /home /var/log /tmp /proc /sys /dev; do
  T=$(mkroot); [ -n "$T" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker; echo '{"log-level":"info"}' > $T/etc/docker/daemon.json; mkdir -p $T$mp 2>/dev/null
  a=$(th $T); o=$(timeout 60 $BIN provision --root $T --size 1G --mountpoint $mp 2>&1); r=$?; rec
  echo "=== --mountpoint $mp rc=$r: $(echo "$o" | tail -1 | cut -c1-230)"
  [ $r -eq 0 ] && { echo "   mounted: $(findmnt -n -o SOURCE,TARGET $T$mp)  fstab: $(grep -v '^#' $T/etc/fstab | cut -c1-80)"; ls $T$mp | head -3 | tr '\n' ' '; echo; o=$(timeout 60 $BIN teardown --root $T --mountpoint $mp --delete-image 2>&1); echo "   teardown rc=$?: $(echo "$o"|tail -1|cut -c1-150)"; }
  down $T; done
