echo "=== td: teardown vs the store mounted elsewhere / mounts inside"
decoy=$RUN/decoy; mkdir -p $decoy; echo keep > $decoy/f
# prep: provision a fresh image store; sets T M I MM L
prep() { T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; [ -n "$1" ] && { T=$1; M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; }
  $BIN provision --root $T --size 200M >/dev/null 2>&1 || echo "  provision failed"; rec; echo precious > $M/p
  MM=$(awk -v m=$M '$5==m{print $3}' /proc/self/mountinfo); L=$(losetup -j $I | cut -d: -f1); }
td() { local a b d0; a=$(th $T); d0=$(th $decoy); NL=${NL:-4} run $BIN teardown --root $T "$@"; b=$(th $T)
  echo "    tree $a -> $b; decoy $d0 -> $(th $decoy); store dev $MM still mounted here at: $(awk -v d=$MM '$3==d{printf "%s ",$5}' /proc/self/mountinfo); loop: $(losetup -j $I | cut -d: -f1)"; }
fin() { umount_ours 2>/dev/null; $BIN teardown --root $T >/dev/null 2>&1; detach_ours; }

echo "--- td1: store kept mounted in ANOTHER mount namespace (unshare -m holder)"
prep; unshare -m --propagation private sleep 600 & nsp=$!; echo $nsp >> $NSP; sleep 0.5
td; echo "    other ns ($nsp) still has: $(awk -v d=$MM '$3==d{printf "%s ",$5}' /proc/$nsp/mountinfo)"
echo "    writable there? $(nsenter -t $nsp -m sh -c "echo x > $M/written-after-teardown && cat $M/p" 2>&1)"
kill $nsp; sleep 0.5; fin

echo "--- td2: bind mount of a folder in the store"
prep; mkdir -p $M/sub $RUN/b2; mount --bind $M/sub $RUN/b2; td; umount $RUN/b2; fin
echo "--- td3: same btrfs mounted again at a second place"
prep; mkdir -p $RUN/m3; mount $L $RUN/m3 && td; umount $RUN/m3; fin
echo "--- td4a: root under a SHARED mount, nothing else (no false refusal?)"
mkdir -p $RUN/sh; mount --bind $RUN/sh $RUN/sh; mount --make-shared $RUN/sh; T0=$(mktemp -d -p $RUN/sh); mkdir -p $T0/etc/sysconfig $T0/var/lib $T0/etc/systemd/system $T0/etc/docker $T0/run; touch $T0/etc/fstab
prep $T0; td; fin
echo "--- td4b: shared parent + a SLAVE rbind copy made before provision (systemd-style); umount propagates to the slave"
mkdir -p $RUN/sl; mount --rbind $RUN/sh $RUN/sl; mount --make-rslave $RUN/sl
prep $T0; echo "    store seen at: $(awk -v d=$MM '$3==d{printf "%s ",$5}' /proc/self/mountinfo)"; td; fin
echo "--- td4c: shared parent + a PEER rbind copy (shared); umount propagates to the peer"
umount -R $RUN/sl; mkdir -p $RUN/pe; mount --rbind $RUN/sh $RUN/pe
prep $T0; echo "    store seen at: $(awk -v d=$MM '$3==d{printf "%s ",$5}' /proc/self/mountinfo)"; td; fin; umount -R $RUN/pe 2>/dev/null
echo "--- td5: rbind of \$T/var/lib to another place (the store under it)"
prep; mkdir -p $RUN/rb; mount --rbind $T/var/lib $RUN/rb; td; umount -R $RUN/rb; fin
echo "--- td6: overlay with lowerdir inside the store, mounted outside"
prep; mkdir -p $M/low $RUN/ovu $RUN/ovw $RUN/ov; echo l > $M/low/f; mount -t overlay ov -o lowerdir=$M/low,upperdir=$RUN/ovu,workdir=$RUN/ovw $RUN/ov && td; umount $RUN/ov; fin
echo "--- td7: loop device over a file inside the store, ext4 mounted outside"
prep; truncate -s 40M $M/inner.img; L7=$(att $M/inner.img); mkfs.ext4 -q $L7; mkdir -p $RUN/in7; mount $L7 $RUN/in7 && td; umount $RUN/in7; losetup -d $L7; fin
echo "--- td8: tmpfs mounted inside the store only in another namespace"
prep; unshare -m --propagation private sh -c "mount -t tmpfs t $M/p 2>/dev/null; mkdir -p $M/vol; mount -t tmpfs t $M/vol; exec sleep 600" & nsp=$!; echo $nsp >> $NSP; sleep 0.5
td; kill $nsp; sleep 0.5; fin
echo "--- td9: a process with cwd in the store (store busy, not mounted elsewhere)"
prep; (cd $M && exec sleep 600) & bp=$!; echo $bp >> $NSP; sleep 0.3; td; kill $bp; sleep 0.3; fin
umount $RUN/sh 2>/dev/null
