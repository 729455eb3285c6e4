#!/bin/bash
# Case K: teardown killed at each failpoint, then 'backend overlay2' (a different command), then teardown again; files come back byte for byte
source /work/attack55/a/lib.sh
trap cleanup_all EXIT
ORIGF=$'/dev/vdb /data ext4 defaults 0 2\n'; ORIGS=$'## Path: x\nDOCKER_OPTS="--log-level=warn"\n'
for fp in $($DS teardown --list-failpoints); do
  R=$(newroot); $DS provision --root $R --size 2G >/dev/null 2>&1; putdata $R
  DOCKSTORE_FAILPOINT=$fp $DS teardown --root $R > $R.k 2>&1; krc=$?
  h1=$(hashtree $R); $DS backend overlay2 --root $R > $R.b 2>&1; brc=$?; h2=$(hashtree $R)
  p=""; [ $brc = 2 -o $brc = 64 ] && [ "$h1" != "$h2" ] && p+=" backend-refused-but-changed"
  log "K teardown@$fp krc=$krc; backend overlay2 rc=$brc: $(tail -1 $R.b | cut -c1-200)"
  $DS teardown --root $R > $R.t 2>&1; trc=$?
  [ $trc = 0 ] || p+=" teardown-rc=$trc: $(tail -1 $R.t | cut -c1-200)"
  [ "$(cat $R/etc/fstab; echo x)" = "${ORIGF}x" ] || p+=" fstab-not-restored"
  [ "$(cat $R/etc/sysconfig/docker; echo x)" = "${ORIGS}x" ] || p+=" sysconfig-not-restored: $(cat $R/etc/sysconfig/docker | tr '\n' '|')"
  [ -e $R/etc/sysconfig/dockstore ] && p+=" sysconfig/dockstore-left: $(tr '\n' '|' < $R/etc/sysconfig/dockstore | cut -c1-200)"
  t=$(etc_temps $R); [ -n "$t" ] && p+=" temps: $t"
  # set up again and boot
  $DS provision --root $R > $R.p 2>&1; prc=$?; p+=$(observe $R after-provision)
  [ $prc = 0 ] || p+=" provision-rc=$prc: $(tail -1 $R.p)"
  log "K   after provision DOCKER_OPTS: $(grep ^DOCKER_OPTS $R/etc/sysconfig/docker)"
  brc2=$(reboot_root $R); p+=$(observe $R after-reboot)
  [ "$brc2" = 0 ] || p+=" boot-rc=$brc2"
  [ -z "$p" ] && pass "K teardown@$fp -> backend overlay2 -> teardown -> provision -> reboot" || fail "K teardown@$fp -> backend overlay2 -> teardown: $p"
  $DS teardown --root $R --delete-image >/dev/null 2>&1; cleanroot $R; rm -f $R.*; freedummies
done
log "K done PASS=$PASS FAIL=$FAIL"
