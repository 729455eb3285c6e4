#!/bin/bash
# D: --device given through odd names (links outside --root with space, comma, %, backslash, non-UTF-8, trailing slash, doubled slashes)
. /work/attack29/o/lib.sh
truncate -s 1G $RUN/dev.img; L=$(att $RUN/dev.img); [ -n "$L" ] || exit 99
for n in "$RUN/d ev" "$RUN/d,ev" "$RUN/d%ev" "$RUN/d\\ev" $'$RUN/d\xe9v' "$L/" "/${L}" "/dev/../$L" "/dev/./${L#/dev/}"; do
  n=${n//\$RUN/$RUN}; case "$n" in $RUN/*) ln -sfn $L "$n";; esac
  T=$(mkroot); [ -n "$T" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker; a=$(th $T)
  o=$(timeout 60 $BIN provision --root $T --device "$n" --force 2>&1); r=$?; rec
  echo "=== --device $(printf %q "$n") rc=$r: $(echo "$o" | tail -1 | cut -c1-200)"
  if [ $r -eq 0 ]; then echo "   fstab: $(grep -v '^#' $T/etc/fstab | cut -c1-110 | cat -v)"; echo "   sysconfig/dockstore: $(grep -v '^#' $T/etc/sysconfig/dockstore 2>/dev/null | tr '\n' ' ' | cat -v)"
    (set -a; . $T/etc/sysconfig/dockstore 2>&1 | head -1; echo "   bash reads DOCKSTORE_DEVICE=$(printf %q "${DOCKSTORE_DEVICE:-}")")
    o=$(timeout 60 $BIN status --root $T 2>&1); echo "   status rc=$?: $(echo "$o" | grep -m1 -i 'problem\|state' | cut -c1-150)"
    o=$(timeout 60 $BIN teardown --root $T --wipe-device 2>&1); echo "   teardown rc=$?: $(echo "$o" | tail -1 | cut -c1-150)"
  else [ "$a" = "$(th $T)" ] && echo "   tree unchanged" || echo "   !!! tree changed"; fi
  down $T; wipefs -aq $L; case "$n" in $RUN/*) rm -f "$n";; esac; done
