#!/bin/bash
# C: check nagios / json / prometheus / status agree, in several states
. /work/attack29/o/lib.sh
st() { local T=$1 n j p s rn rj rp rs; n=$(timeout 30 $BIN check --root $T 2>&1); rn=$?; j=$(timeout 30 $BIN check --root $T --format json 2>&1); rj=$?; p=$(timeout 30 $BIN check --root $T --format prometheus 2>&1); rp=$?; s=$(timeout 30 $BIN status --root $T 2>&1); rs=$?
  echo "  nagios rc=$rn: $(echo "$n" | head -1 | cut -c1-170)"
  echo "  json   rc=$rj: $(echo "$j" | python3 -c 'import json,sys
try:
  d=json.load(sys.stdin); print({k:d[k] for k in d if k in ("status","state","exitCode","summary","message")})
except Exception as e: print("NOT JSON",e)' 2>&1 | cut -c1-200)"
  echo "  prom   rc=$rp: $(echo "$p" | grep -v '^#' | grep -i 'status\|state\|up\|ok\|mounted' | head -4 | tr '\n' ' ' | cut -c1-250)"
  echo "  status rc=$rs: $(echo "$s" | grep -i 'problem\|mounted\|state' | head -3 | tr '\n' ' ' | cut -c1-200)"; }
T=$(mkroot); [ -n "$T" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec
echo "=== C1 healthy"; st $T
echo "=== C2 read-only remount"; mount -o remount,ro $T/var/lib/docker; st $T; mount -o remount,rw $T/var/lib/docker
echo "=== C3 fstab line removed"; cp $T/etc/fstab $RUN/fs.sv; : > $T/etc/fstab; st $T; cp $RUN/fs.sv $T/etc/fstab
echo "=== C4 drop-in removed"; mv $T/etc/systemd/system/docker.service.d/dockstore.conf $RUN/di.sv; st $T; mv $RUN/di.sv $T/etc/systemd/system/docker.service.d/dockstore.conf
echo "=== C5 DOCKER_OPTS changed to overlay2"; cp $T/etc/sysconfig/docker $RUN/sc.sv; sed -i 's/btrfs/overlay2/' $T/etc/sysconfig/docker; st $T; cp $RUN/sc.sv $T/etc/sysconfig/docker
echo "=== C6 filled to 95%"; fallocate -l 850M $T/var/lib/docker/fill 2>/dev/null || head -c 850M /dev/zero > $T/var/lib/docker/fill; sync; st $T; rm $T/var/lib/docker/fill; sync
echo "=== C7 image deleted while mounted"; ln $T/var/lib/docker-storage.btrfs $RUN/keep.img; rm $T/var/lib/docker-storage.btrfs; st $T; ln $RUN/keep.img $T/var/lib/docker-storage.btrfs; rm $RUN/keep.img
echo "=== C8 stdout closed"; timeout 20 $BIN check --root $T >&-; echo "  nagios, stdout closed rc=$?"; timeout 20 $BIN check --root $T > /dev/full; echo "  nagios >/dev/full rc=$?"; timeout 20 $BIN status --root $T > /dev/full; echo "  status >/dev/full rc=$?"
echo "=== C9 textfile dir unwritable (ro bind)"; mkdir -p $RUN/tf; mount --bind -o ro $RUN/tf $RUN/tf; o=$(timeout 20 $BIN check --root $T --textfile $RUN/tf 2>&1); echo "  rc=$?: ${o:0:200}"; umount $RUN/tf
echo "=== C10 unmounted"; umount $T/var/lib/docker; st $T
down $T
