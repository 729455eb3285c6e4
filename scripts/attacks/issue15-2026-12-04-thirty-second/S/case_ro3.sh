echo "--- ro4c: migrate-ebs on a ro store: full output and the state after"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 200M >/dev/null; rec; echo precious > $M/p; mount -o remount,ro $M
truncate -s 500M $RUN/ebs4c; L2=$(att $RUN/ebs4c)
$BIN migrate-ebs --root $T $L2 --yes --wait 5 2>&1 | tail -4 | cut -c1-400; echo "    rc=${PIPESTATUS[0]}"
find $T/var/lib/dockstore -type f | head; echo "    target: $(wipefs -n $L2 2>&1 | tail -1 | cut -c1-100)"
NL=3 run $BIN check --root $T; NL=3 run $BIN status --root $T; NL=3 run $BIN teardown --root $T --dry-run
mount -o remount,rw $M; NL=4 run $BIN migrate-ebs --root $T $L2 --yes --wait 5; echo "    devs: $(btrfs fi show $M | grep devid | awk '{print $NF}' | tr '\n' ' '); p=$(cat $M/p)"
$BIN teardown --root $T 2>&1 | tail -2; detach_ours
