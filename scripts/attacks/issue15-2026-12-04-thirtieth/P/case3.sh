#!/bin/bash
# 3: check's storage_driver_elsewhere against what dockerd 20.10 does
. /work/attack30/p/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99; $BIN provision --root $T --size 1G >/dev/null 2>&1; S=$T/etc/sysconfig/docker; cp $S $RUN/sc.orig
t() { cp $RUN/sc.orig $S; sed -i '/^DOCKER_OPTS=/d' $S; printf '%s\n' "$1" >> $S; rm -f $T/etc/docker/daemon.json; [ -n "$2" ] && printf '%s' "$2" > $T/etc/docker/daemon.json
  printf '%-62s %-26s => %s\n' "$1" "$2" "$($BIN check --root $T 2>&1 | cut -d'|' -f1 | cut -c1-150)"; }
for o in '"--storage-driver=btrfs"' '"--storage-driver=vfs"' '"-s vfs"' '"-svfs"' '"-Ds vfs"' '"--storage-driver=btrfs --storage-driver=vfs"' '"--storage-driver=vfs --storage-driver=btrfs"' '"--storage-opt -s"' '"--storage-driver=BTRFS"' '"--storage-driver="' '"-s="'; do t "DOCKER_OPTS=$o" ''; done
t 'DOCKER_OPTS=""' '{"storage-driver":"vfs"}'; t 'DOCKER_OPTS=""' '{"storage-driver":""}'; t 'DOCKER_OPTS=""' '{"storage-driver":"btrfs"}'
echo "--- real dockerd 20.10 with an empty driver on the store"
D=$RUN/dd; mkdir -p $D
for v in flag cfg; do if [ $v = cfg ]; then echo '{"storage-driver":""}' > $D/c.json; a=(); else echo '{}' > $D/c.json; a=(--storage-driver=); fi
 timeout 20 dockerd --config-file $D/c.json --data-root $T/var/lib/docker --exec-root $D/exec --pidfile $D/pid --host unix://$D/sock --iptables=false --bridge=none "${a[@]}" > $D/log 2>&1 & p=$!
 for i in $(seq 30); do grep -q 'API listen\|level=fatal\|failed to start' $D/log && break; sleep 0.5; done
 echo "  $v: $(grep -o 'graphdriver(s)=[a-z0-9]*\|level=fatal.*' $D/log | head -1)"; kill $p 2>/dev/null; wait $p 2>/dev/null; done
$BIN teardown --root $T --delete-image >/dev/null 2>&1; down $T
