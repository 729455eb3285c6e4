T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs
$BIN provision --root $T --size 200M >/dev/null; rec; echo precious > $M/p; mount -o remount,ro $M
truncate -s 500M $RUN/ebsM; L2=$(att $RUN/ebsM); $BIN migrate-ebs --root $T $L2 --yes --wait 5 >/dev/null 2>&1
umount $M; sleep 0.3; detach_ours
echo "--- m5: follow m4b's advice: two stale copies attached (copy2 older: lacks 'newer'), image moved aside, re-run"
cp --sparse=always $I $RUN/copy1; LX=$(att $I); mount $LX $M; echo newer > $M/newer; umount $M; losetup -d $LX; cp --sparse=always $I $RUN/copy2
mkfs.btrfs -q -f $I >/dev/null 2>&1; LC1=$(att $RUN/copy1); LC2=$(att $RUN/copy2); L2=$(att $RUN/ebsM)
echo "    copy1=$LC1 (older) copy2=$LC2 (newer) target=$L2"
mv $I $I.aside; NL=8 run $BIN migrate-ebs --root $T $L2 --yes --wait 4; NL=8 run $BIN provision --root $T
echo "    mounted: $(awk -v m=$M '$5==m{print $10}' /proc/self/mountinfo); files: $(ls $M 2>&1 | tr '\n' ' '); devs: $(btrfs fi show $M 2>/dev/null | grep devid | awk '{print $NF}' | tr '\n' ' ')"
umount $M 2>/dev/null; losetup -d $LC1 $LC2 $L2 2>/dev/null; detach_ours
