echo "=== remedy: full device store on a loop device"
T=$(mkroot); M=$T/var/lib/docker; truncate -s 300M $RUN/devR; LR=$(att $RUN/devR); $BIN provision --root $T --device $LR >/dev/null 2>&1; rec
i=0; while dd if=/dev/zero of=$M/fill$i bs=1M count=8 2>/dev/null; do i=$((i+1)); done; sync
$BIN check --root $T | cut -d'|' -f1 | cut -c1-600; echo "  rc=${PIPESTATUS[0]}"
rm -f $RUN/devR; echo "  -- backing file deleted:"; $BIN check --root $T | cut -d'|' -f1 | cut -c1-600
umount $M; losetup -d $LR; T=
echo "=== mig: migrate-ebs messages"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs
echo "--- m1: nothing mounted, no journal, device absent"
s=$(date +%s); run $BIN migrate-ebs --root $T /dev/loop-nosuch --yes --wait 20; echo "    took $(( $(date +%s)-s ))s"
echo "--- m2: open journal (replace failed on a ro store), then store unmounted and target detached"
$BIN provision --root $T --size 200M >/dev/null; rec; echo precious > $M/p; U=$(blkid -o value -s UUID $I); mount -o remount,ro $M
truncate -s 500M $RUN/ebsM; L2=$(att $RUN/ebsM); $BIN migrate-ebs --root $T $L2 --yes --wait 5 >/dev/null 2>&1; echo "    journal: $(cat $T/var/lib/dockstore/migration.json | head -c 400)"
umount $M; sleep 0.3; detach_ours; s=$(date +%s); NL=8 run $BIN migrate-ebs --root $T $L2 --yes --wait 4; echo "    took $(( $(date +%s)-s ))s"
echo "--- m3: same, image reattached with no mount; target attached under another name"
L3=$(att $RUN/ebsM); NL=8 run $BIN migrate-ebs --root $T $L3 --yes --wait 4; NL=6 run $BIN migrate-ebs --root $T --yes --wait 4
echo "--- m4: image now holds ANOTHER btrfs; a stale block copy of the journal's btrfs attached twice"
cp --sparse=always $I $RUN/copy1; cp --sparse=always $I $RUN/copy2; mkfs.btrfs -q -f $I; LC1=$(att $RUN/copy1); LC2=$(att $RUN/copy2)
NL=8 run $BIN migrate-ebs --root $T $L3 --yes --wait 4; NL=8 run $BIN provision --root $T; NL=4 run $BIN migrate-ebs --root $T --abort --yes
echo "    kernel: $(btrfs fi show $U 2>&1 | grep -c devid) devid lines for $U"
losetup -d $LC1 $LC2 $L3 2>/dev/null; detach_ours
