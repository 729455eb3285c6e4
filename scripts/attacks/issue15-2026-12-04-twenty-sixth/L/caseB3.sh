#!/bin/bash
# B3: add-remove migrations killed at several points: check (false CRITICAL?) vs provision; then the journal cut short mid-migration (J4 retest) and the boot
. /work/attack26/l/lib.sh
J=var/lib/dockstore/migration.json
for KT in 0.3 0.8 2; do T=$(mkroot); [ -n "$T" ] || exit 99; $BIN provision --root $T --size 2G >/dev/null 2>&1; rec; head -c 500M /dev/urandom > $T/var/lib/docker/BIG; sync; md5=$(md5sum < $T/var/lib/docker/BIG)
  truncate -s 2G $T.vol; V=$(att $T.vol); timeout -s KILL $KT env DOCKSTORE_MIGRATE_METHOD=add-remove $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; rec
  echo "=== B3 add-remove killed at $KT s: journal $(grep -o '"phase"[^,}]*' $T/$J 2>&1); devices $(btrfs fi show $T/var/lib/docker | grep -c devid)"
  NC=250 chk $T; NL=2 NC=250 run $BIN provision --root $T
  for i in $(seq 100); do [ "$(btrfs fi show $T/var/lib/docker 2>/dev/null | grep -c devid)" = 1 ] && break; pgrep -f "btrfs.*$T" >/dev/null || break; sleep 0.3; done
  if [ $KT = 2 ]; then cp $T/$J $RUN/jj; head -c 30 $RUN/jj > $T/$J; echo "  -- journal cut short mid-migration"; NC=250 chk $T; NL=2 NC=250 run $BIN provision --root $T
    echo "  -- reboot"; umount $T/var/lib/docker; sleep 0.5; rec; detach_ours; V=$(att $T.vol); L=$(att $T/var/lib/docker-storage.btrfs 2>/dev/null); NL=3 NC=300 run $BIN provision --root $T
    cp $RUN/jj $T/$J; echo "  -- journal put back, reboot's provision again"; NL=4 NC=300 run $BIN provision --root $T; rec; echo "  data $(md5sum < $T/var/lib/docker/BIG 2>&1 | cut -c1-32) want ${md5:0:32}"; NL=4 NC=300 run $BIN migrate-ebs $V --root $T --yes; NC=200 chk $T; fi
  down $T; done
