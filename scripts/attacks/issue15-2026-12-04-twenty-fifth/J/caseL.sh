#!/bin/bash
# L: check and the journal: volume = loop over var/lib/vol.img beside the image; journal intact/corrupt/unreadable/old/left after finish
. /work/attack25/j/lib.sh
J() { echo "  journal: $(cat $T/var/lib/dockstore/migration.json 2>&1 | head -c 300) ($(stat -c %A $T/var/lib/dockstore/migration.json 2>&1))"; }
echo "=== L0 mid-replace (frozen), volume beside image, journal intact"
VFA=var/lib/vol.img midsetup || exit 1; J; TOc=20
timeout 20 $BIN check --root $T 2>&1 | cut -c1-300; timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups $BIN check --root $T 2>&1 | cut -c1-300
cp $T/var/lib/dockstore/migration.json $T.j0; printf 'garbage{' > $T/var/lib/dockstore/migration.json; echo "  -- corrupt journal, frozen mid-replace"; timeout 20 $BIN check --root $T 2>&1 | cut -c1-300; timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups $BIN check --root $T 2>&1 | cut -c1-300
cp $T.j0 $T/var/lib/dockstore/migration.json; fsfreeze -u $T/var/lib/docker; waitrep; lsl
for st in intact corrupt dir old newer empty; do
  cp $T.j0 $T/var/lib/dockstore/migration.json
  case $st in corrupt) printf 'garbage{' > $T/var/lib/dockstore/migration.json;; dir) rm $T/var/lib/dockstore/migration.json; mkdir $T/var/lib/dockstore/migration.json;;
    old) sed -i 's/,"imageInode":[0-9]*//; s/,"method":"[a-z-]*"//' $T/var/lib/dockstore/migration.json;;
    newer) sed -i 's/^{/{"version":99,"format":"future",/; s/"phase":"replacing"/"phase":"teleporting"/' $T/var/lib/dockstore/migration.json;; empty) : > $T/var/lib/dockstore/migration.json;; esac
  echo "=== L1-$st: replace finished onto vol.img beside the image; journal $st"; J
  h1=$(th $T); b1=$(bh $VF); chk $T; NL=3 run $BIN status --root $T; NL=3 run $BIN provision --root $T; NL=3 run $BIN teardown --root $T --dry-run; echo "  tree $h1 -> $(th $T)  vol $b1 -> $(bh $VF)"; fst
  rm -rf $T/var/lib/dockstore/migration.json
done
cp $T.j0 $T/var/lib/dockstore/migration.json
echo "=== L2 finish the migration"; NL=8 run $BIN migrate-ebs $V --root $T --yes; sleep 1; lsl; fst; chk $T
echo "=== L3 the journal put back after the finished migration (stale)"; cp $T.j0 $T/var/lib/dockstore/migration.json; J
h1=$(th $T); chk $T; NL=4 run $BIN status --root $T; NL=4 run $BIN provision --root $T; NL=4 run $BIN migrate-ebs $V --root $T --yes; NL=4 run $BIN migrate-ebs $V --abort --root $T --yes; NL=3 run $BIN teardown --root $T --dry-run; echo "  tree $h1 -> $(th $T)"; fst
echo "=== L3 reboot with stale journal"; reboot_ $VF; chk $T; down
