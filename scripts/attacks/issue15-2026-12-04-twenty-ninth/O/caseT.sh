#!/bin/bash
# T: check --textfile that cannot be written: UNKNOWN must win over WARNING the same way whatever the WARNING is
. /work/attack29/o/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec
o=$($BIN check --root $T --textfile /nonexist 2>/dev/null); echo "OK store, textfile unwritable: rc=$? ${o:0:90}"
o=$($BIN check --root $T --textfile /nonexist -w 100%: -c 0%: 2>/dev/null); echo "data_free WARNING + textfile unwritable: rc=$? ${o:0:90}"
head -c 850M /dev/zero > $T/var/lib/docker/fill; sync; rm $T/var/lib/docker/fill; sync
o=$($BIN check --root $T 2>/dev/null); echo "unallocated WARNING alone: rc=$? ${o:0:90}"
o=$($BIN check --root $T --textfile /nonexist 2>/dev/null); echo "unallocated WARNING + textfile unwritable: rc=$? ${o:0:90}"
$BIN check --root $T --textfile /nonexist --format json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("  json state", d["state"], "reasons", [(r["figure"], r["state"]) for r in d["reasons"]])'
$BIN check --root $T --textfile /nonexist --format prometheus 2>/dev/null | grep '^dockstore_status' | sed 's/^/  prom /'
down $T
