#!/bin/bash
# Case A: teardown (plain) killed at each failpoint, then provision, then reboot
source /work/attack55/a/lib.sh
trap cleanup_all EXIT
for fp in $($DS teardown --list-failpoints); do
  R=$(newroot); $DS provision --root $R --size 2G >/dev/null 2>&1 || { fail "A/$fp provision setup"; continue; }
  putdata $R
  DOCKSTORE_FAILPOINT=$fp $DS teardown --root $R > $R.k.out 2>&1; krc=$?
  log "A teardown killed at $fp rc=$krc"
  problems=$(observe $R after-kill)
  $DS provision --root $R > $R.p.out 2>&1; prc=$?
  problems+=$(observe $R after-provision)
  [ $prc = 0 ] || problems+=" provision-rc=$prc: $(tail -2 $R.p.out)"
  brc=$(reboot_root $R); problems+=$(observe $R after-reboot)
  [ $brc = 0 ] || problems+=" boot-provision-rc=$brc: $(tail -2 $R.boot.out)"
  $DS teardown --root $R --delete-image > $R.t.out 2>&1; trc=$?
  cmp -s $R/etc/fstab <(printf "/dev/vdb /data ext4 defaults 0 2\n") || problems+=" fstab-not-restored"
  cmp -s $R/etc/sysconfig/docker <(printf '## Path: x\nDOCKER_OPTS="--log-level=warn"\n') || problems+=" sysconfig-not-restored"
  [ $trc = 0 ] || problems+=" final-teardown-rc=$trc"
  if [ -n "$problems" ]; then fail "A teardown@$fp: $problems"; else pass "A teardown@$fp"; fi
  cleanroot $R; freedummies
done
log "A done PASS=$PASS FAIL=$FAIL"
