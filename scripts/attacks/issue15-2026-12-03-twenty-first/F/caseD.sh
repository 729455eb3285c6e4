#!/bin/bash
# case D: a device store whose device is a loop device attached in another mount namespace (LXD/nspawn style: the host
# attached a loop over its own file and passed the device in). Needs A (caseL) alive.
. /work/attack21/f/lib.sh
A=$RUN/L-A; AP=$(cat $RUN/L-A.pid)
truncate -s 2G $A/up/ebs-D.img
DL=$(nsenter -t $AP -m -r losetup -f --show /ebs-D.img); echo "device: $DL backing_file=$(cat /sys/block/${DL#/dev/}/loop/backing_file)"
echo $DL > $RUN/D.dev
T=$(mkroot); echo "root $T"
unshare -m --propagation private bash -c "
  $BIN provision --root $T --device $DL > $T.prov 2>&1; echo prov-rc=\$?; tail -2 $T.prov | cut -c1-300
  findmnt -n $T/var/lib/docker
  $BIN status --root $T | grep -E '^(store|mounted|state)|^  -' | cut -c1-300; echo status-rc=\${PIPESTATUS[0]}
  $BIN check --root $T | cut -c1-300
  echo '--- re-run provision'; $BIN provision --root $T 2>&1 | tail -1 | cut -c1-300
  echo '--- grow'; $BIN grow --root $T 2>&1 | tail -1 | cut -c1-300
  echo '--- reclaim'; $BIN reclaim --root $T 2>&1 | tail -1 | cut -c1-300
  umount $T/var/lib/docker
"
nsenter -t $AP -m -r losetup -d $DL
