#!/bin/bash
# A3: --device with ext4/xfs: their parsers; a line already mounted; speed of an in-place provision
. /work/attack26/l/lib.sh
for fs in ext4 xfs; do for o in compress=zstd discard=async discard 'data=journal' 'errors=remount-ro' 'inode64' 'logbsize=256k' 'noatime' 'bogusopt' 'usrquota' 'prjquota' 'context=system_u:object_r:container_file_t:s0'; do
  T=$(mkroot); truncate -s 1G $T.dev; D=$(att $T.dev); h1=$(th $T); b1=$(bh $T.dev)
  o2=$(timeout 30 $BIN provision --root $T --device $D --fs $fs --mount-options "$o" --dry-run 2>&1); r=$?
  mkfs.$fs -q $T.dev >/dev/null 2>&1 </dev/null || mkfs.$fs -f -q $T.dev >/dev/null 2>&1; mkdir -p $RUN/m; mount -o "$o" $D $RUN/m 2>/dev/null; k=$?; mountpoint -q $RUN/m && umount $RUN/m
  printf '%-5s %-48s kernel=%-3s dockstore=rc%-3s %s\n' $fs "[$o]" $k $r "$(echo "$o2" | grep -m1 -i -E 'reject|refus|warning' | cut -c1-200)"; losetup -d $D; done; done
echo "=== fstab line already mounted with a bad option added afterwards"; T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; rec
sed -i 's/nofail,/nofail,bogusopt,/' $T/etc/fstab; fst; h1=$(th $T); NL=3 run $BIN provision --root $T; echo "  tree $h1 -> $(th $T)"; chk $T
echo "  -- reboot with that line"; umount $T/var/lib/docker; sleep 0.3; detach_ours; NL=3 run $BIN provision --root $T; findmnt -n $T/var/lib/docker
sed -i 's/bogusopt,//' $T/etc/fstab; $BIN provision --root $T >/dev/null 2>&1; rec
echo "=== speed: in-place provision (boot re-run) x5"; s=$(date +%s.%N); for i in 1 2 3 4 5; do $BIN provision --root $T >/dev/null 2>&1; done; echo "  avg $(echo "($(date +%s.%N)-$s)/5" | bc -l | cut -c1-5) s"
umount $T/var/lib/docker; sleep 0.3; detach_ours; s=$(date +%s.%N); $BIN provision --root $T >/dev/null 2>&1; rec; echo "  boot mount: $(echo "$(date +%s.%N)-$s" | bc -l | cut -c1-5) s"; down $T
