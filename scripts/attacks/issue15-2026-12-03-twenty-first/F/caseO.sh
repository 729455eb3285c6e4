#!/bin/bash
# case O: odd bytes in the image name (accepted ones), check as root and as nobody; a non-UTF-8 byte
. /work/attack21/f/lib.sh
unshare -m --propagation private bash -c '
. /work/attack21/f/lib.sh
for n in "back\\slash.btrfs" "pct%20x.btrfs" "q\"uote.btrfs" $(printf "lat\xe9.btrfs") "co,mma.btrfs" "hash#x.btrfs"; do
  T=$(mkroot); chmod 755 $T $T/etc $T/etc/sysconfig; echo "=== [$n]"
  $BIN provision --root $T --size 1G --image "/var/lib/$n" > $T.log 2>&1; rc=$?; echo prov-rc=$rc; [ $rc = 0 ] || { tail -1 $T.log | cut -c1-200; continue; }
  chmod 644 $T/etc/sysconfig/dockstore 2>/dev/null; grep -v "^#" $T/etc/sysconfig/dockstore | head -3
  L=$(findmnt -no SOURCE $T/var/lib/docker); echo "kernel: $(cat /sys/block/${L#/dev/}/loop/backing_file | od -c | head -2 | tail -1 | cut -c1-60)"
  $BIN check --root $T | cut -c1-160
  setpriv --reuid=65534 --regid=65534 --clear-groups $BIN check --root $T | cut -c1-160
  $BIN status --root $T | grep -E "^(mounted|state)" | cut -c1-160
done
umount_ours; umount_ours; detach_ours
'
