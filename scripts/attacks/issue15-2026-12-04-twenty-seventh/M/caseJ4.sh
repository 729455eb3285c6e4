#!/bin/bash
# J4: another btrfs bind-mounted over the mountpoint, the journal naming that btrfs's UUID: what migrate-ebs advises, and following it (dry run)
. /work/attack27/m/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; truncate -s 2G $T.vol; V=$(att $T.vol)
truncate -s 300M $RUN/o.img; mkfs.btrfs -q $RUN/o.img 2>/dev/null; O=$(att $RUN/o.img); mkdir -p $RUN/omnt; mount $O $RUN/omnt; OU=$(blkid -o value -s UUID $O); echo "  other btrfs $O $OU"
printf '{"device":"%s","filesystemUUID":"%s","image":"/var/lib/docker-storage.btrfs","imageInode":%s,"keepImage":false,"method":"replace","phase":"replacing"}\n' $V $OU $(stat -c %i $I) > $T/$J
mount --bind $RUN/omnt $T/var/lib/docker; h1=$(th $T); ob1=$(bh $RUN/o.img)
NL=3 NC=400 run $BIN migrate-ebs $V --root $T --dry-run; NL=14 NC=300 run $BIN migrate-ebs $O --root $T --dry-run; NL=3 NC=300 run $BIN grow --root $T --dry-run
echo "  tree $h1 -> $(th $T); other $ob1 -> $(bh $RUN/o.img)"; umount $T/var/lib/docker; umount $RUN/omnt; rm -f $T/$J; down $T
echo "=== J2e journal without filesystemUUID (imageInode wrong) at boot: image holds the store"; T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; truncate -s 2G $T.vol; V=$(att $T.vol)
pcut $T; V=$(att $T.vol); printf '{"device":"%s","image":"/var/lib/docker-storage.btrfs","imageInode":123,"keepImage":false,"method":"replace","phase":"replacing"}\n' $V > $T/$J; NL=3 NC=400 run $BIN provision --root $T; NC=300 chk $T | grep 'check root'; rm -f $T/$J; down $T
