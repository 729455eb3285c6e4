. /work/attack33/u/lib.sh
R=$(mkroot); $D provision --root $R >/dev/null 2>&1
dd if=/dev/urandom of=$R/var/lib/docker/data.bin bs=1M count=20 status=none; sync; ( cd $R/var/lib/docker && sha256sum data.bin ) > $LOG/c5b.sha
V=$(mkdisk V-c5b 8G); W=$(mkdisk W-c5b 8G); echo "R=$R V=$V W=$W"
( DOCKSTORE_FAILPOINT=shrink $D migrate-ebs $V --root $R --yes >/dev/null 2>&1 ); echo "killed at shrink rc=$?"
echo "--- full status"; $D status --root $R 2>&1 | grep -v 'filesystem holding'; echo "rc=$?"
echo "--- check prometheus (non-comment lines mentioning migrat)"; $D check --root $R --format prometheus 2>&1 | grep -i migrat | grep -v '^#' | head -5; $D check --root $R; echo "check rc=$?"
HW=$(devhash $W); H0=$(treehash $R)
echo "--- migrate-ebs to ANOTHER device W"; $D migrate-ebs $W --root $R --yes 2>&1 | tail -3; echo "rc=${PIPESTATUS[0]} W $HW $(devhash $W) tree $H0 $(treehash $R)"
echo "--- teardown --dry-run during open migration"; $D teardown --root $R --dry-run 2>&1 | tail -3
echo "--- grow --dry-run during open migration"; $D grow --root $R --dry-run 2>&1 | tail -3
echo "--- abort"; $D migrate-ebs $V --root $R --abort --yes 2>&1 | tail -3; echo "rc=${PIPESTATUS[0]}"
btrfs filesystem show $R/var/lib/docker | grep devid
$D status --root $R 2>&1 | grep '^state'
( cd $R/var/lib/docker && sha256sum -c $LOG/c5b.sha )
cleanall
