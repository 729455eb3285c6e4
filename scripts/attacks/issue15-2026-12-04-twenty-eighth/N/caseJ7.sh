#!/bin/bash
# J7: another btrfs (not the store) mounted at the mountpoint while the store's image is not mounted; a journal naming that btrfs: migrate-ebs onto its device, for real
. /work/attack28/n/lib.sh
for MODE in alone bind; do
T=$(mkroot); [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; echo precious > $T/var/lib/docker/DATA; sync; INO=$(stat -c %i $I)
truncate -s 300M $T.o; mkfs.btrfs -q $T.o 2>/dev/null; O=$(att $T.o); OU=$(blkid -o value -s UUID $O); mkdir -p $T.om; mount $O $T.om
if [ $MODE = alone ]; then umount $T/var/lib/docker; rec; detach_ours; O=$(losetup -j $T.o | cut -d: -f1); mount --bind $T.om $T/var/lib/docker; else mount --bind $T.om $T/var/lib/docker; fi
printf '{"device":"%s","filesystemUUID":"%s","image":"/var/lib/docker-storage.btrfs","imageInode":%s,"keepImage":false,"method":"replace","phase":"replacing"}\n' $O $OU $INO > $T/$J
echo "=== J7-$MODE: other btrfs $O at the mountpoint; image holds the store (DATA), journal names the other btrfs"; NC=250 chk $T | grep 'check root'
h1=$(th $T); NL=12 NC=260 run $BIN migrate-ebs $O --root $T --yes; echo "  tree $h1 -> $(th $T)"; ls -la $T/var/lib | awk '{print "   ",$NF}'; cat $T/etc/fstab
umount $T/var/lib/docker 2>/dev/null; umount $T/var/lib/docker 2>/dev/null; umount $T.om; L=$(att $T/var/lib/docker-storage.btrfs* 2>/dev/null | head -1); echo "  image still there? $(ls $T/var/lib | grep storage)"; down $T
done
