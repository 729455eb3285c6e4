#!/bin/bash
# C: finished migration, then the journal corrupt/empty; check OK? then the boot
. /work/attack25/j/lib.sh
for st in corrupt empty; do
echo "=== C-$st"; MB=200 setup; waitrep; NL=3 run $BIN migrate-ebs $V --root $T --yes; ls $T/var/lib/dockstore
case $st in corrupt) printf '{"device":"/dev/lo' > $T/var/lib/dockstore/migration.json;; empty) : > $T/var/lib/dockstore/migration.json; chmod 600 $T/var/lib/dockstore/migration.json;; esac
h1=$(th $T); chk $T; NL=2 run $BIN status --root $T; NL=2 run $BIN provision --root $T; NL=2 run $BIN grow --root $T; NL=2 run $BIN reclaim --root $T; echo "  tree $h1 -> $(th $T)"
reboot_ $T.vol; chk $T; down
done
echo "=== C-follow: corrupt journal after a finished move, reboot, follow the advice (remove the file), provision again"
MB=200 setup; waitrep; NL=2 run $BIN migrate-ebs $V --root $T --yes; printf 'garbage' > $T/var/lib/dockstore/migration.json; chmod 600 $T/var/lib/dockstore/migration.json
nob $BIN check --root $T >/dev/null; echo "  nobody check rc=$?"; reboot_ $T.vol; rm $T/var/lib/dockstore/migration.json; NL=3 run $BIN provision --root $T; echo "  data: $(md5sum $T/var/lib/docker/BIG 2>&1| cut -c1-32) want $(cat $T.sum)"; chk $T; down
