decoy=$RUN/decoy; mkdir -p $decoy; echo keep > $decoy/f
prep() { T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; [ -n "$1" ] && { T=$1; M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; }
  $BIN provision --root $T --size 200M >/dev/null 2>&1 || echo "  provision failed"; rec; echo precious > $M/p
  MM=$(awk -v m=$M '$5==m{print $3}' /proc/self/mountinfo); L=$(losetup -j $I | cut -d: -f1); }
td() { local a b d0; a=$(th $T); d0=$(th $decoy); NL=${NL:-4} run $BIN teardown --root $T "$@"; b=$(th $T)
  echo "    tree $a -> $b; decoy $d0 -> $(th $decoy); store dev $MM still mounted here at: $(awk -v d=$MM '$3==d{printf "%s ",$5}' /proc/self/mountinfo); loop: $(losetup -j $I | cut -d: -f1)"; }
echo "--- td4b: shared parent + SLAVE rbind copy (systemd-style)"
mkdir -p $RUN/sh $RUN/sl; mount --bind $RUN/sh $RUN/sh; mount --make-shared $RUN/sh; T0=$(mktemp -d -p $RUN/sh); mkdir -p $T0/etc/sysconfig $T0/var/lib $T0/etc/systemd/system $T0/etc/docker $T0/run; touch $T0/etc/fstab
mount --rbind $RUN/sh $RUN/sl; mount --make-rslave $RUN/sl
prep $T0; echo "    store seen at: $(awk -v d=$MM '$3==d{printf "%s ",$5}' /proc/self/mountinfo)"; td
umount -R $RUN/sl; $BIN teardown --root $T0 >/dev/null 2>&1
echo "--- td4c: shared parent + PEER rbind copy"
mkdir -p $RUN/pe; mount --rbind $RUN/sh $RUN/pe; prep $T0; echo "    store seen at: $(awk -v d=$MM '$3==d{printf "%s ",$5}' /proc/self/mountinfo)"; td
umount -R $RUN/pe; $BIN teardown --root $T0 >/dev/null 2>&1; umount $RUN/sh
echo "--- td6b: overlay lowerdir in store; teardown ok; then provision again -> two loops on one image?"
prep; mkdir -p $M/low $RUN/ovu $RUN/ovw $RUN/ov; echo l > $M/low/f; mount -t overlay ov -o lowerdir=$M/low,upperdir=$RUN/ovu,workdir=$RUN/ovw $RUN/ov
td; run $BIN provision --root $T; rec; echo "    loops on image now: $(losetup -j $I | cut -d: -f1 | tr '\n' ' ')"; NL=3 run $BIN status --root $T; NL=2 run $BIN check --root $T
umount $RUN/ov; $BIN teardown --root $T >/dev/null 2>&1; sleep 0.5; echo "    after: loops on image: $(losetup -j $I | cut -d: -f1 | tr '\n' ' ')"; detach_ours
echo "--- td7b: what fuser -vm shows for the loop-over-inner-file case"
prep; truncate -s 40M $M/inner.img; L7=$(att $M/inner.img); fuser -vm $M 2>&1 | head -4; losetup -d $L7; $BIN teardown --root $T >/dev/null 2>&1; detach_ours
