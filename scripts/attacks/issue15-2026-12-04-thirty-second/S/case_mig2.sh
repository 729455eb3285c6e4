T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs
$BIN provision --root $T --size 200M >/dev/null; rec; echo precious > $M/p; U=$(blkid -o value -s UUID $I); mount -o remount,ro $M
truncate -s 500M $RUN/ebsM; L2=$(att $RUN/ebsM); $BIN migrate-ebs --root $T $L2 --yes --wait 5 >/dev/null 2>&1
umount $M; sleep 0.3; detach_ours
echo "--- m2b: journal open (replace failed), image not attached: provision's and migrate-ebs's messages, full"
L2=$(att $RUN/ebsM); $BIN migrate-ebs --root $T $L2 --yes --wait 4 2>&1 | fold -w 200; $BIN migrate-ebs --root $T $L2 --abort --yes 2>&1 | fold -w 200| head -5
echo "--- m4b: image holds another btrfs; two stale copies of the journal's btrfs attached"
cp --sparse=always $I $RUN/copy1; cp --sparse=always $I $RUN/copy2; mkfs.btrfs -q -f $I >/dev/null 2>&1; LC1=$(att $RUN/copy1); LC2=$(att $RUN/copy2)
$BIN migrate-ebs --root $T $L2 --yes --wait 4 2>&1 | fold -w 200; echo "rc=${PIPESTATUS[0]}"
losetup -d $LC2; echo "-- one copy only:"; $BIN provision --root $T 2>&1 | fold -w 200
losetup -d $LC1; echo "-- no copy:"; $BIN provision --root $T 2>&1 | fold -w 200; detach_ours
