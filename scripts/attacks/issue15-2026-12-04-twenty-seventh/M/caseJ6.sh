#!/bin/bash
# J6: --device stores (btrfs, ext4) with a foreign journal: mounted and at boot (nothing mounted, no image)
. /work/attack27/m/lib.sh
FU=11111111-2222-3333-4444-555555555555
mj() { printf '{"device":"%s","filesystemUUID":"%s","image":"/var/lib/docker-storage.btrfs","imageInode":123,"keepImage":false,"method":"replace","phase":"%s"}\n' $1 $FU ${2:-replacing} > $T/$J; chmod 600 $T/$J; }
allc() { local h1 h2 b1 b2; h1=$(th $T); b1=$(bh $T.dev); chk $T; NL=2 run $BIN status --root $T; TO=15 NL=2 run $BIN provision --root $T; NL=2 run $BIN grow --root $T --dry-run; NL=2 run $BIN teardown --root $T --dry-run; NL=2 run $BIN migrate-ebs $V --root $T --dry-run; h2=$(th $T); b2=$(bh $T.dev); echo "  tree $h1 -> $h2  dev $b1 -> $b2"; }
for FS in btrfs ext4; do
  T=$(mkroot); [ -n "$T" ] || exit 99; truncate -s 1G $T.dev; D=$(att $T.dev); NL=1 run $BIN provision --root $T --device $D --fs $FS --force; rec; echo "  fstab: $(cat $T/etc/fstab)"; truncate -s 2G $T.vol; V=$(att $T.vol)
  echo "=== J6-$FS mounted, foreign journal"; mj $V; NC=300 allc
  echo "=== J6-$FS boot (power cut; names shuffled), foreign journal"; pcut $T; btrfs device scan --forget 2>/dev/null; V=$(att $T.vol); D=$(att $T.dev); mj $V; NC=300 allc; findmnt -no SOURCE $T/var/lib/docker
  echo "=== J6-$FS boot, foreign journal phase 'switching fstab'"; pcut $T; V=$(att $T.vol); D=$(att $T.dev); mj $V "switching fstab"; TO=15 NL=3 NC=300 run $BIN provision --root $T; findmnt -no SOURCE $T/var/lib/docker
  rm -f $T/$J; down $T
done
