echo "--- prop: does a plain umount at the store propagate to slave/peer copies? (is the refusal false?)"
mkdir -p $RUN/sh $RUN/sl; mount --bind $RUN/sh $RUN/sh; mount --make-shared $RUN/sh; T0=$(mktemp -d -p $RUN/sh); mkdir -p $T0/etc/sysconfig $T0/var/lib $T0/etc/systemd/system $T0/etc/docker $T0/run; touch $T0/etc/fstab
mount --rbind $RUN/sh $RUN/sl; mount --make-rslave $RUN/sl
$BIN provision --root $T0 --size 200M >/dev/null; rec; I=$T0/var/lib/docker-storage.btrfs
umount $T0/var/lib/docker; echo "    rc=$? after umount: store mounts: $(grep -c "$(basename $T0)/var/lib/docker " /proc/self/mountinfo); loop: $(losetup -j $I | cut -d: -f1)"
umount -R $RUN/sl; $BIN teardown --root $T0 | head -2; umount $RUN/sh; detach_ours
echo "--- fuser -vm for a loop over a file inside the store"
T=$(mkroot); M=$T/var/lib/docker; $BIN provision --root $T --size 200M >/dev/null; rec; truncate -s 40M $M/inner.img; L7=$(att $M/inner.img); fuser -vm $M 2>/dev/null | head -4; echo "    (fuser rc=$?)"; losetup -d $L7; $BIN teardown --root $T >/dev/null 2>&1; detach_ours
