#!/bin/bash
# Case F: device store on a zram device: teardown --wipe-device killed at each failpoint, then provision, then reboot
source /work/attack55/a/lib.sh
N=${ZN:-$(cat /sys/class/zram-control/hot_add)}; ZRAMS+=("$N")
trap cleanup_all EXIT
Z=/dev/zram$N
freshz(){ umount $Z 2>/dev/null; echo 1 > /sys/block/zram$N/reset; echo 1G > /sys/block/zram$N/disksize; }
for fp in $($DS teardown --list-failpoints); do
  freshz; R=$(newroot); $DS provision --root $R --device $Z > $R.p0 2>&1 || { fail "F setup: $(tail -1 $R.p0)"; continue; }
  putdata $R; uuid0=$(blkid -s UUID -o value $Z)
  DOCKSTORE_FAILPOINT=$fp $DS teardown --root $R --wipe-device > $R.k.out 2>&1; krc=$?
  problems=$(observe $R after-kill)
  sig=$(blkid -s UUID -o value $Z); [ "$sig" = "$uuid0" ] && wiped=no || wiped=yes
  h1=$(hashtree $R); $DS provision --root $R > $R.p.out 2>&1; prc=$?; h2=$(hashtree $R)
  [ $prc = 2 -o $prc = 64 ] && [ "$h1" != "$h2" ] && problems+=" provision-refused-but-tree-changed"
  [ $prc = 2 ] && grep -q "attach the volume" $R.p.out && [ -b $Z ] && problems+=" UNCLEAR: provision after a killed 'teardown --wipe-device' tells to 'attach the volume' while the volume is attached and was wiped by teardown"
  log "F teardown --wipe-device@$fp krc=$krc wiped=$wiped; provision(no --device) rc=$prc: $(tail -1 $R.p.out | cut -c1-250)"
  if [ $wiped = yes ]; then problems+=$(observe $R after-provision | grep -v DATALOSS); else problems+=$(observe $R after-provision); fi
  if [ $wiped = no ] && ! { ismounted $R && checkdata $R; }; then
     # maybe provision wants --device; try it
     $DS provision --root $R --device $Z > $R.p2.out 2>&1; p2=$?
     log "F   provision --device rc=$p2: $(tail -1 $R.p2.out | cut -c1-250)"
     problems+=$(observe $R after-provision-device)
     { ismounted $R && checkdata $R; } || problems+=" data-not-back-after-provision(wipe not done)"
  fi
  # reboot: umount, forget, provision without --device
  umount $(mp $R) 2>/dev/null; btrfs device scan --forget $Z 2>/dev/null
  $DS provision --root $R > $R.boot.out 2>&1; brc=$?
  log "F   boot provision rc=$brc: $(tail -1 $R.boot.out | cut -c1-250); fstab: $(grep -c UUID= $R/etc/fstab) UUID lines"
  if [ $wiped = yes ]; then problems+=$(observe $R after-reboot | grep -v DATALOSS); else problems+=$(observe $R after-reboot); fi
  if ismounted $R && [ -z "$(losetup -j $(img $R) 2>/dev/null)" ]; then u=$(blkid -s UUID -o value $Z); grep -q "UUID=$u " $R/etc/fstab || problems+=" fstab-uuid-mismatch"; fi
  h1=$(hashtree $R); $DS teardown --root $R --wipe-device > $R.t.out 2>&1; trc=$?; h2=$(hashtree $R)
  [ $trc = 2 ] && [ "$h1" != "$h2" ] && problems+=" teardown-wipe-refused-but-tree-changed"
  [ $trc = 2 ] && grep -q "the store has no device" $R.t.out && { $DS teardown --root $R --delete-image > $R.t.out 2>&1; trc=$?; }
  [ $trc = 0 ] || problems+=" final-teardown-rc=$trc: $(tail -1 $R.t.out)"
  [ -n "$(blkid -p $Z 2>/dev/null)" ] && [ "$(blkid -s UUID -o value $Z)" = "$uuid0" ] && problems+=" store-signature-left-after-wipe: $(blkid -p $Z)"
  if [ -n "$problems" ]; then fail "F teardown --wipe-device@$fp -> provision -> reboot -> teardown --wipe-device: $problems"; else pass "F teardown --wipe-device@$fp"; fi
  cleanroot $R; rm -f $R.*
done
log "F done PASS=$PASS FAIL=$FAIL"
