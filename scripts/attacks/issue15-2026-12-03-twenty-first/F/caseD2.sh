#!/bin/bash
# case D2: exit codes of every command on a device store on a loop device attached in another namespace (needs A alive)
. /work/attack21/f/lib.sh
A=$RUN/L-A; AP=$(cat $RUN/L-A.pid)
truncate -s 2G $A/up/ebs-D2.img
DL=$(nsenter -t $AP -m -r losetup -f --show /ebs-D2.img); echo "device: $DL backing_file=$(cat /sys/block/${DL#/dev/}/loop/backing_file)"
T=$(mkroot)
unshare -m --propagation private bash -c "
  $BIN provision --root $T --device $DL > $T.prov 2>&1; echo first-provision-rc=\$?
  grep -v '^#' $T/etc/fstab
  $BIN provision --root $T > /dev/null 2>&1; echo re-provision-rc=\$?
  umount $T/var/lib/docker; mount $DL $T/var/lib/docker   # as the fstab line would at boot
  $BIN provision --root $T > /dev/null 2>&1; echo boot-provision-rc=\$?
  $BIN status --root $T >/dev/null 2>&1; echo status-rc=\$?
  $BIN check --root $T >/dev/null 2>&1; echo check-rc=\$?
  $BIN migrate-ebs --help 2>&1 | grep -E '^  --' | head -3
  $BIN teardown --root $T > $T.td 2>&1; echo teardown-rc=\$?; tail -1 $T.td | cut -c1-120
  umount $T/var/lib/docker
"
nsenter -t $AP -m -r losetup -d $DL
