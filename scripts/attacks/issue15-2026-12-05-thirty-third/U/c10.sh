. /work/attack33/u/lib.sh
echo "=== C10 provision --device killed by SIGKILL at a random moment, then a different command, then reboot"
for i in 1 2 3; do
R=$(mkroot); A=$(mkdisk A-c10-$i); W=$(mkdisk W-c10-$i); HW=$(devhash $W)
$D provision --root $R --device $A >/dev/null 2>&1 & P=$!; sleep 0.0$((RANDOM%9+1)); kill -9 $P; wait $P 2>/dev/null
ls $R/var/lib/dockstore 2>/dev/null | tr '\n' ' '; blkid -p $A | cut -c1-80; echo
$D status --root $R 2>&1 | grep -E '^state|^  -' | head -2 | cut -c1-300
$D provision --root $R --device $W --dry-run 2>&1 | tail -1 | cut -c1-300
cleanroot $R; losetup -d $A; sleep 0.2; A2=$(losetup -f --show $DISKDIR/A-c10-$i.img)
$D provision --root $R 2>&1 | tail -1 | cut -c1-300; $D provision --root $R --device $A2 2>&1 | tail -1 | cut -c1-200; $D status --root $R | grep '^state'; echo "W $HW $(devhash $W)"
cleanroot $R
done
cleanall
