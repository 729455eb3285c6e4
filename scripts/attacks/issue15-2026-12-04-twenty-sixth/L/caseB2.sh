#!/bin/bash
# B2: a valid journal from ANOTHER store (another filesystem UUID) put in a store with no migration: check vs the rest, migrate-ebs, --abort, reboot
. /work/attack26/l/lib.sh
J=var/lib/dockstore/migration.json
T1=$(mkroot); [ -n "$T1" ] || exit 99; $BIN provision --root $T1 --size 2G >/dev/null 2>&1; rec; head -c 500M /dev/urandom > $T1/var/lib/docker/BIG; sync
truncate -s 2G $T1.vol; V1=$(att $T1.vol); timeout -s KILL 0.4 $BIN migrate-ebs $V1 --root $T1 --yes >/dev/null 2>&1; rec; cp $T1/$J $RUN/jforeign; echo "foreign journal: $(head -c 400 $RUN/jforeign)"
for i in $(seq 100); do btrfs replace status -1 $T1/var/lib/docker 2>&1 | grep -q '% done' || break; sleep 0.3; done; $BIN migrate-ebs $V1 --root $T1 --yes >/dev/null 2>&1; down $T1
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; echo hello > $T/var/lib/docker/f; sync; md5=$(md5sum < $T/var/lib/docker/f)
cp $RUN/jforeign $T/$J; chmod 600 $T/$J; truncate -s 1G $T.vol2; V2=$(att $T.vol2)
echo "=== B2 foreign journal (store $(btrfs fi show $T/var/lib/docker | grep -o 'uuid: .*'))"; h1=$(th $T); b1=$(bh $T.vol2)
chk $T; NL=3 run $BIN status --root $T; NL=3 run $BIN provision --root $T; NL=3 run $BIN grow --root $T --dry-run; NL=3 run $BIN teardown --root $T --dry-run
NL=6 run $BIN migrate-ebs $V2 --root $T --dry-run; NL=4 run $BIN migrate-ebs $V1 --root $T --dry-run; NL=4 run $BIN migrate-ebs $V2 --abort --root $T --dry-run
echo "  tree $h1 -> $(th $T)  vol2 $b1 -> $(bh $T.vol2)"
echo "=== B2 reboot with the foreign journal"; umount $T/var/lib/docker; sleep 0.5; rec; detach_ours; V2=$(att $T.vol2)
h1=$(th $T); NL=6 run $BIN provision --root $T; rec; echo "  mounted: $(findmnt -n -o SOURCE $T/var/lib/docker) data: $(md5sum < $T/var/lib/docker/f 2>&1) want $md5"; chk $T; echo "  tree $h1 -> $(th $T)"
down $T
