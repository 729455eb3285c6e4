. /work/attack33/u/lib.sh
step=$1; shift; opts="$*"
R=$(mkroot); $D provision --root $R >/dev/null 2>&1
dd if=/dev/urandom of=$R/var/lib/docker/data.bin bs=1M count=5 status=none; sync; ( cd $R/var/lib/docker && sha256sum data.bin ) > $LOG/td-$step.sha
( DOCKSTORE_FAILPOINT=$step $D teardown --root $R $opts >$LOG/td-$step.out 2>&1 ); echo "teardown $opts killed at $step rc=$?"
echo "--- status"; $D status --root $R 2>&1 | grep -v 'filesystem holding' | grep -E '^(image|mounted|state|  -)'
echo "--- check"; $D check --root $R 2>&1 | cut -c1-250
echo "--- provision (different command)"; $D provision --root $R 2>&1 | grep -v 'filesystem holding' | tail -2; echo "rc=${PIPESTATUS[0]}"
( cd $R/var/lib/docker && sha256sum -c $LOG/td-$step.sha ) 2>&1
echo "--- reboot"; cleanroot $R; $D provision --root $R 2>&1 | grep -v 'filesystem holding'| tail -1; ( cd $R/var/lib/docker && sha256sum -c $LOG/td-$step.sha ) 2>&1; $D status --root $R 2>&1 | grep '^state'
cleanall
