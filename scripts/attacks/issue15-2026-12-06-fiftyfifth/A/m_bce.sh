#!/bin/bash
source /work/attack55/a/lib.sh
trap cleanup_all EXIT
ORIGF=$'/dev/vdb /data ext4 defaults 0 2\n'; ORIGS=$'## Path: x\nDOCKER_OPTS="--log-level=warn"\n'
restored(){ local r=$1 p=""; [ "$(cat $r/etc/fstab; echo x)" = "${ORIGF}x" ] || p+=" fstab-not-restored"; [ "$(cat $r/etc/sysconfig/docker; echo x)" = "${ORIGS}x" ] || p+=" sysconfig-not-restored"; echo "$p"; }
# ---- B: teardown --delete-image killed, then grow --to 3G, then teardown --delete-image
for fp in $($DS teardown --list-failpoints); do
  R=$(newroot); $DS provision --root $R --size 2G >/dev/null 2>&1; putdata $R
  DOCKSTORE_FAILPOINT=$fp $DS teardown --root $R --delete-image > $R.k.out 2>&1; krc=$?
  problems=$(observe $R after-kill)
  h1=$(hashtree $R); $DS grow --root $R --to 3G > $R.g.out 2>&1; grc=$?; h2=$(hashtree $R)
  if [ $grc = 2 -o $grc = 64 ] && [ "$h1" != "$h2" ]; then problems+=" grow-refused-rc=$grc-but-tree-changed"; fi
  if [ $grc = 0 ]; then problems+=$(observe $R after-grow); fi
  log "B teardown --delete-image@$fp krc=$krc; grow rc=$grc: $(tail -1 $R.g.out | cut -c1-200)"
  $DS teardown --root $R --delete-image > $R.t.out 2>&1; trc=$?
  [ $trc = 0 ] || problems+=" final-teardown-rc=$trc: $(tail -1 $R.t.out)"
  problems+=$(restored $R)
  left=$(ls $R/var/lib 2>/dev/null | tr '\n' ' '); [ -n "$left" ] && problems+=" leftover-in-var/lib: $left"
  [ -n "$(loops_of $R)" ] && problems+=" loop-left"
  if [ -n "$problems" ]; then fail "B teardown --delete-image@$fp -> grow -> teardown: $problems"; else pass "B teardown --delete-image@$fp -> grow($grc) -> teardown"; fi
  cleanroot $R
done
# ---- C: grow killed, then teardown, then reboot (provision), then bare grow
for fp in $($DS grow --list-failpoints); do
  R=$(newroot); $DS provision --root $R --size 2G >/dev/null 2>&1; putdata $R
  DOCKSTORE_FAILPOINT=$fp $DS grow --root $R --to 3G > $R.k.out 2>&1; krc=$?
  problems=$(observe $R after-kill)
  $DS teardown --root $R > $R.t.out 2>&1; trc=$?
  log "C grow@$fp krc=$krc; teardown rc=$trc: $(tail -1 $R.t.out | cut -c1-200)"
  problems+=$(observe $R after-teardown)
  brc=$(reboot_root $R); problems+=$(observe $R after-reboot)
  [ $brc = 0 ] || problems+=" boot-provision-rc=$brc: $(tail -1 $R.boot.out)"
  $DS grow --root $R > $R.g2.out 2>&1; g2=$?
  sz=$(btrfs filesystem show --raw $(mp $R) 2>/dev/null | awk '/devid/{print $4}')
  log "C   bare grow rc=$g2 size=$sz: $(tail -1 $R.g2.out | cut -c1-200)"
  [ "$sz" = 3221225472 ] || problems+=" btrfs-size-after-bare-grow=$sz(rc=$g2)"
  problems+=$(observe $R after-grow)
  if [ -n "$problems" ]; then fail "C grow@$fp -> teardown -> reboot -> grow: $problems"; else pass "C grow@$fp -> teardown -> reboot -> grow"; fi
  cleanroot $R; freedummies
done
# ---- E: backend overlay2 killed, then provision, then reboot
for fp in $($DS backend --list-failpoints); do
  R=$(newroot); $DS provision --root $R --size 2G >/dev/null 2>&1; putdata $R
  cp $R/etc/sysconfig/docker $R.sc0
  DOCKSTORE_FAILPOINT=$fp $DS backend overlay2 --root $R > $R.k.out 2>&1; krc=$?
  problems=$(observe $R after-kill)
  $DS backend --root $R > $R.b.out 2>&1; brc0=$?
  log "E backend overlay2@$fp krc=$krc; backend(show) rc=$brc0 driver: $(grep '^driver' $R.b.out)"
  $DS provision --root $R > $R.p.out 2>&1; prc=$?
  log "E   provision rc=$prc; DOCKER_OPTS now: $(grep ^DOCKER_OPTS $R/etc/sysconfig/docker); settings: $(grep -h BACKEND $R/etc/sysconfig/dockstore 2>/dev/null| tr '\n' ' ')"
  problems+=$(observe $R after-provision)
  brc=$(reboot_root $R); problems+=$(observe $R after-reboot)
  [ $brc = 0 ] || problems+=" boot-provision-rc=$brc: $(tail -1 $R.boot.out)"
  log "E   after reboot DOCKER_OPTS: $(grep ^DOCKER_OPTS $R/etc/sysconfig/docker)"
  $DS teardown --root $R --delete-image > $R.t.out 2>&1; trc=$?
  [ $trc = 0 ] || problems+=" final-teardown-rc=$trc: $(tail -1 $R.t.out)"
  problems+=$(restored $R)
  [ -e $R/etc/sysconfig/dockstore ] && problems+=" sysconfig/dockstore-left: $(cat $R/etc/sysconfig/dockstore | tr '\n' '|')"
  if [ -n "$problems" ]; then fail "E backend@$fp -> provision -> reboot -> teardown: $problems"; else pass "E backend@$fp"; fi
  cleanroot $R; freedummies
done
log "BCE done PASS=$PASS FAIL=$FAIL"
