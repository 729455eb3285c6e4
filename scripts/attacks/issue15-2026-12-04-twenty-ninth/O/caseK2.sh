#!/bin/bash
# K2: SIGKILL at timed moments of backend / teardown / grow (DOCKSTORE_PAUSE=atomic-write widens the windows); next run must clean up; files always whole
. /work/attack29/o/lib.sh
debris() { local T=$1; find $T -xdev \( -path $T/var/lib/docker -prune \) -o \( -name '*dockstore-new*' -o -name '.*tmp*' -o -name '*.tmp' -o -name '.dockstore*' \) -print | sed "s#$T#  DEBRIS #"; }
whole() { local T=$1; bash -n $T/etc/sysconfig/docker 2>/dev/null || echo "  !!! sysconfig/docker not whole"; python3 -c 'import json,sys;json.load(open(sys.argv[1]))' $T/etc/docker/daemon.json 2>/dev/null || echo "  !!! daemon.json not whole"; findmnt --tab-file $T/etc/fstab >/dev/null 2>&1 || [ ! -s $T/etc/fstab ] || echo "  !!! fstab unreadable"; }
T=$(mkroot); [ -n "$T" ] || exit 99; printf '# admin\nDOCKER_OPTS="--log-level=info"\n' > $T/etc/sysconfig/docker; echo '{"debug":true,"storage-driver":"btrfs"}' > $T/etc/docker/daemon.json
$BIN backend btrfs --root $T >/dev/null 2>&1; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec
i=0; for d in 0.02 0.05 0.1 0.2 0.4 0.7 1.0 1.3 1.6 2.2 2.8; do for drv in overlay2 btrfs; do i=$((i+1))
  DOCKSTORE_PAUSE=atomic-write timeout -s KILL $d $BIN backend $drv --root $T --force >/dev/null 2>&1
  o=$(debris $T; whole $T); [ -n "$o" ] && echo "backend $drv killed at $d: $o"
done; done
o=$($BIN backend btrfs --root $T --force 2>&1); echo "after: backend btrfs rc=$?"; debris $T; whole $T
for d in 0.05 0.2 0.5 1 1.5 2.5; do DOCKSTORE_PAUSE=atomic-write timeout -s KILL $d $BIN teardown --root $T >/dev/null 2>&1; rec; o=$(debris $T; whole $T); echo "teardown killed at $d: $(findmnt -n -o SOURCE $T/var/lib/docker) $o"
  o=$(timeout 60 $BIN provision --root $T 2>&1); echo "  provision rc=$?: $(echo "$o" | tail -1 | cut -c1-160)"; rec; debris $T; whole $T; done
for d in 0.05 0.3 1; do DOCKSTORE_PAUSE=atomic-write timeout -s KILL $d $BIN grow --root $T --to $((2+RANDOM%3))G >/dev/null 2>&1; o=$(debris $T; whole $T); echo "grow killed at $d: $o $(stat -c %s $T/var/lib/docker-storage.btrfs)"; done
o=$(timeout 60 $BIN grow --root $T --to 5G 2>&1); echo "grow rc=$?: $(echo "$o"|tail -1|cut -c1-200)"; debris $T
o=$(timeout 60 $BIN check --root $T 2>&1); echo "check rc=$?: ${o:0:150}"
ls -la $T/etc $T/etc/sysconfig $T/etc/docker | grep -v '^total\|^d'
o=$(timeout 60 $BIN teardown --root $T --delete-image 2>&1); echo "teardown rc=$?"; debris $T; cat $T/etc/sysconfig/docker; cat $T/etc/docker/daemon.json
down $T
