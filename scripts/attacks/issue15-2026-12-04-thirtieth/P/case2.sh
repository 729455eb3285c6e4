#!/bin/bash
# 2: a btrfs file of another UUID at the image's name after migrate-ebs
. /work/attack30/p/lib.sh
setup() { T=$(mkroot); [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; truncate -s 2G $RUN/ebs.$1; E=$(att $RUN/ebs.$1)
  $BIN provision --root $T --size 1G >/dev/null 2>&1; $BIN migrate-ebs $E --root $T --yes >/dev/null 2>&1; echo "  setup: migrate-ebs rc=$? fstab: $(grep -v '^#' $T/etc/fstab)"
  truncate -s 1G $I; mkfs.btrfs -q -L docker $I >/dev/null 2>&1; echo precious > $RUN/p.txt; H0=$(md5sum < $I | cut -c1-10); echo "  foreign file $(blkid -o value -s UUID $I) h=$H0"; }
img() { echo "img=$( [ -e $I ] && md5sum < $I | cut -c1-10 || echo DELETED) mnt=$(findmnt -n -o SOURCE,UUID $T/var/lib/docker | tr '\n' ' ')"; }
r() { local o rc; o=$(timeout 60 $BIN "$@" --root $T 2>&1); rc=$?; rec; echo "## $* rc=$rc $(img)"; echo "$o" | grep -i 'image\|warn\|refus\|delete\|remove' | head -4 | cut -c1-280 | sed 's/^/    /'; }
echo "--- 2a volume mounted: teardown --delete-image"
setup a; r status; r teardown --delete-image; down $T
echo "--- 2b volume unmounted (reboot, systemd mount not yet run): teardown --delete-image"
setup b; umount $T/var/lib/docker; r status; r teardown --delete-image; down $T
echo "--- 2c volume unmounted: provision (boot), then teardown --delete-image"
setup c; umount $T/var/lib/docker; r provision; r teardown --delete-image; down $T
echo "--- 2d volume detached: provision, status, teardown --delete-image"
setup d; umount $T/var/lib/docker; btrfs device scan --forget $E 2>/dev/null; losetup -d $E; sleep 0.5; r provision; r status; r check; r teardown --delete-image; down $T
echo "--- 2e copy of the store (same UUID) at the image's name, volume unmounted"
setup e; umount $T/var/lib/docker; rm -f $I; dd if=$E of=$I bs=1M count=1100 status=none conv=sparse; echo "  copy uuid $(blkid -o value -s UUID $I)"; btrfs device scan --forget 2>/dev/null; r provision; r status; r teardown --delete-image; down $T
