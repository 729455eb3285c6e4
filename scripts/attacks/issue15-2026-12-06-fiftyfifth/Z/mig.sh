#!/bin/bash
# focus 2: killed migrate-ebs at many points; check/status sentences; follow them
source /work/attack55/z/lib.sh
N=$(cat /sys/class/zram-control/hot_add); echo 3G > /sys/block/zram$N/disksize
trap 'cleanup; echo 1 > /sys/block/zram$N/reset; echo $N > /sys/class/zram-control/hot_remove' EXIT
for t in ${DELAYS:-0.05 0.1 0.2 0.3 0.5 0.8 1.2 2}; do
  newroot; skel; $D provision --root $R --size 2G >/dev/null 2>&1 || echo SETUPFAIL
  head -c ${MB:-600}M /dev/urandom > $R/var/lib/docker/data; sum0=$(sha256sum < $R/var/lib/docker/data)
  $D check --root $R >/dev/null; c0=$?
  $D migrate-ebs /dev/zram$N --yes --root $R > run/mig.$t.log 2>&1 & p=$!; sleep $t; kill -9 $p; wait $p 2>/dev/null
  sleep 0.3
  ck=$($D check --root $R 2>&1 | cut -d'|' -f1); crc=$?
  st=$($D status --root $R 2>&1); src=$?
  echo "=== t=$t  check-before-rc=$c0 journal=$( [ -e $R/var/lib/dockstore/migration.json ] && echo open || echo none) last-phase=$(grep -o '^\[[a-z-]*\]' run/mig.$t.log | tail -1)"
  echo "CHECK: $ck"
  echo "STATUS: $(echo "$st" | grep -E '^(migration|state|problem|  )' | head -6)"
  cmd=$(echo "$ck" | grep -o 'dockstore migrate-ebs [^ ;,)]*\( --[a-z-]*\)*' | head -1 | sed "s|DEVICE|/dev/zram$N|")
  echo "NAMED: $cmd"
  if [ -n "$cmd" ]; then $D ${cmd#dockstore } --yes --root $R > run/mig.$t.fin 2>&1; echo "FINISH rc=$? :: $(tail -1 run/mig.$t.fin | cut -c1-200)"; fi
  ck2=$($D check --root $R 2>&1 | cut -d'|' -f1 | cut -c1-200); echo "CHECK-AFTER: $ck2"
  sum1=$(sha256sum < $R/var/lib/docker/data 2>/dev/null); [ "$sum0" = "$sum1" ] && echo DATA-OK || echo DATA-LOST
  # reboot: unmount, detach, provision
  umount $R/var/lib/docker 2>/dev/null; sleep 0.3
  $D provision --root $R > run/mig.$t.boot 2>&1; echo "BOOT rc=$? :: $(tail -1 run/mig.$t.boot | cut -c1-250)"
  sum2=$(sha256sum < $R/var/lib/docker/data 2>/dev/null); [ "$sum0" = "$sum2" ] && echo BOOT-DATA-OK || echo BOOT-DATA-LOST
  $D check --root $R 2>&1 | cut -d'|' -f1 | cut -c1-200
  umount $R/var/lib/docker 2>/dev/null; cleanup; sleep 0.5; echo 1 > /sys/block/zram$N/reset; echo 3G > /sys/block/zram$N/disksize
done
