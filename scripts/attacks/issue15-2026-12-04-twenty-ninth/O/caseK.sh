#!/bin/bash
# K: killed at every failpoint of provision (and at timed moments of backend/teardown), then a *different* command; debris check
. /work/attack29/o/lib.sh
debris() { local T=$1; find $T -xdev \( -path $T/var/lib/docker -prune \) -o \( -name '*dockstore-new*' -o -name '.*tmp*' -o -name '*.tmp' -o -name '.dockstore*' -o -name '*~' \) -print | sed "s#$T#  DEBRIS #"
  find $T -xdev -path $T/var/lib/docker -prune -o -name '*.dockstore.bak' -print | while read -r b; do [ -e "${b%.dockstore.bak}" ] || echo "  orphan backup $b"; done; }
for fp in $($BIN provision --list-failpoints); do
  T=$(mkroot); [ -n "$T" ] || exit 99; printf '# admin\nDOCKER_OPTS="--log-level=info"\n' > $T/etc/sysconfig/docker; echo '{"debug":true}' > $T/etc/docker/daemon.json; echo '# fstab' > $T/etc/fstab
  DOCKSTORE_FAILPOINT=$fp timeout 60 $BIN provision --root $T --size 1G >/dev/null 2>&1; r=$?; rec
  echo "=== provision killed at $fp (rc=$r)"; debris $T
  o=$(timeout 60 $BIN teardown --root $T --delete-image 2>&1); r2=$?; echo "  teardown rc=$r2: $(echo "$o" | grep -v '^\[' | tail -1 | cut -c1-220)"; rec; debris $T
  o=$(timeout 60 $BIN provision --root $T --size 1G 2>&1); r3=$?; echo "  provision rc=$r3: $(echo "$o" | tail -1 | cut -c1-200)"; rec; debris $T
  o=$(timeout 60 $BIN teardown --root $T --delete-image 2>&1); r4=$?; rec; debris $T; echo "  teardown rc=$r4; left: $(cd $T && find . -newer etc/fstab -not -name dockstore.lock -not -name run -not -name dockstore.disabled -not -name . | tr '\n' ' ')"
  grep -q '^[^#]' $T/etc/fstab && echo "  !!! fstab still has: $(grep '^[^#]' $T/etc/fstab | cut -c1-100)"; diff <(printf '# admin\nDOCKER_OPTS="--log-level=info"\n') $T/etc/sysconfig/docker >/dev/null || echo "  !!! sysconfig/docker not back: $(cat $T/etc/sysconfig/docker | tr '\n' '|')"
  down $T
done
