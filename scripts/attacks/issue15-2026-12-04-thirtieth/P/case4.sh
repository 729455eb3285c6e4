#!/bin/bash
# 4: write-time refusals before the lock: does a refusal leave run/dockstore.lock?
. /work/attack30/p/lib.sh
one() { local what=$1 fl=$2; shift 2; local T; T=$(mkroot); [ -n "$T" ] || exit 99; [ "$PROV" = 1 ] && { $BIN provision --root $T --size 1G >/dev/null 2>&1; rm -rf $T/run; }
  chattr $fl $T/$what; local a b o r; a=$(th $T); o=$(timeout 60 $BIN "$@" --root $T 2>&1); r=$?; rec; b=$(th $T); chattr ${fl/+/-} $T/$what
  local s="PASS"; [ $r -ne 0 ] && [ -e $T/run ] && s="FAIL run/ left"; [ $r -ne 0 ] && [ "$a" != "$b" ] && s="$s tree-changed"; [ $r -eq 0 ] && s="(succeeded)"
  printf '  %-8s %-26s %-28s rc=%s %s | %s\n' "$fl" "$what" "$*" $r "$s" "$(echo "$o" | tail -1 | cut -c1-150)"; down $T; }
PROV=0 one etc/fstab +i provision --size 1G
PROV=0 one etc/sysconfig +i provision --size 1G
PROV=1 one etc/fstab +i teardown
PROV=1 one etc/sysconfig/docker +i teardown --delete-image
PROV=1 one etc +i teardown
PROV=1 one var/lib/dockstore +i reclaim
PROV=1 one etc/fstab +i grow --to 2G
PROV=1 one etc/sysconfig/docker +i grow --to 2G
PROV=1 one var/lib/dockstore +i grow --to 2G
PROV=1 one etc/sysconfig/docker +a backend overlay2 --force
