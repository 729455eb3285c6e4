#!/bin/bash
# I: paths used as given or refused (64): trailing slash, //, settings-file values
. ./lib.sh
for a in "--mountpoint /var/lib/docker/" "--mountpoint /var/lib//docker" "--image /var/lib/docker-storage.btrfs/" "--image /var//lib/x.btrfs" "--mountpoint /" "--image /" "--mountpoint /var/lib/docker-storage.btrfs" "--image /var/lib/docker" "--image /var/lib/docker/x.btrfs" "--mountpoint /etc" "--mountpoint /proc/x" "--image /dev/loop0" ; do
  T=$(mkroot); h=$(th $T); o=$($BIN provision --root $T --size 1G $a --dry-run 2>&1); r=$?
  echo "provision $a --dry-run: rc=$r $(echo "$o" | grep -E '^dockstore:' | head -1 | cut -c1-250)"; [ "$h" = "$(th $T)" ] || echo "  !!! tree changed"; down $T; done
for s in 'DOCKSTORE_MOUNTPOINT="/var/lib/d ocker"' 'DOCKSTORE_IMAGE="var/lib/x.btrfs"' 'DOCKSTORE_IMAGE="/var/lib/../x.btrfs"' 'DOCKSTORE_MOUNTPOINT="/var/lib/docker/"' 'DOCKSTORE_IMAGE="/var/lib/x\tb"' 'DOCKSTORE_MOUNTPOINT="/var/lib/\xe2\x80\xaedocker"' 'DOCKSTORE_SIZE="1Q"' 'DOCKSTORE_MOUNTPOINT=/var/lib/docker2' "DOCKSTORE_MOUNTPOINT='/var/lib/\$x'" 'DOCKSTORE_IMAGE="/var/lib/im,age.btrfs"'; do
  T=$(mkroot); printf "$s\n" > $T/etc/sysconfig/dockstore; chmod 644 $T/etc/sysconfig/dockstore; h=$(th $T)
  o=$($BIN provision --root $T --size 1G --dry-run 2>&1); r=$?; echo "settings $(printf "$s" | cat -A): rc=$r lines=$(printf '%s' "$o" | grep -c '') $(echo "$o" | grep -E '^dockstore:' | head -1 | cut -c1-250)"
  [ "$h" = "$(th $T)" ] || echo "  !!! tree changed"; down $T; done
