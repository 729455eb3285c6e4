#!/bin/bash
# Case L: reclaim made to lend room (strace injects ENOSPC into its first balance ioctl), killed at each room failpoint;
# then grow (different command), then reboot with loop names shifted, then reclaim again
source /work/attack55/a/lib.sh
trap 'cleanup_all; rm -rf /tmp/atk55a-tpl2' EXIT
T=$(newroot); $DS provision --root $T --size 1G >/dev/null 2>&1; putdata $T; M=$(mp $T); mkdir $M/fill; i=0
while dd if=/dev/zero of=$M/fill/f$i bs=1M count=4 status=none 2>/dev/null; do i=$((i+1)); [ $i -gt 400 ] && break; done
rm -f $M/fill/f*[02468]; sync
strace -f -qq -o $T.tr -e trace=ioctl $DS reclaim --root $T --dry-run >/dev/null 2>&1
umount $M; for l in $(loops_of $T); do btrfs device scan --forget $l; losetup -d $l; done
mkdir -p /tmp/atk55a-tpl2; chmod 755 /tmp/atk55a-tpl2; cp -a --sparse=always $T /tmp/atk55a-tpl2/root; cp $T.sums /tmp/atk55a-tpl2/sums; cleanroot $T
# find the index of the first balance ioctl in a real run
R=$(mktemp -d /tmp/atk55a.XXXXXX); echo $R >> /tmp/atk55a-roots; rmdir $R; cp -a --sparse=always /tmp/atk55a-tpl2/root $R; $DS provision --root $R >/dev/null 2>&1
strace -f -qq -o $R.tr -e trace=ioctl $DS reclaim --root $R >/dev/null 2>&1
N=$(awk '/ioctl\(/{n++} /BTRFS_IOC_BALANCE_V2/{print n; exit}' $R.tr); log "L first balance ioctl is #$N"; cleanroot $R; rm -f $R.*
for fp in none $($DS reclaim --list-failpoints); do
  R=$(mktemp -d /tmp/atk55a.XXXXXX); echo $R >> /tmp/atk55a-roots; rmdir $R; cp -a --sparse=always /tmp/atk55a-tpl2/root $R; cp /tmp/atk55a-tpl2/sums $R.sums
  $DS provision --root $R > $R.p0 2>&1 || { fail "L setup: $(tail -1 $R.p0)"; continue; }
  if [ $fp = none ]; then strace -f -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error=ENOSPC:when=$N $DS reclaim --root $R > $R.k 2>&1; krc=$?
  else DOCKSTORE_FAILPOINT=$fp strace -f -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error=ENOSPC:when=$N $DS reclaim --root $R > $R.k 2>&1; krc=$?; fi
  lent=$(grep -c "^\[room-" $R.k)
  p=$(observe $R after-kill)
  isz=$(stat -c %s $(img $R)); bsz=$(btrfs filesystem show --raw $(mp $R) 2>/dev/null | awk '/devid/{print $4}')
  h1=$(hashtree $R); $DS grow --root $R --to 3G > $R.g 2>&1; grc=$?; h2=$(hashtree $R)
  [ $grc = 2 -o $grc = 64 ] && [ "$h1" != "$h2" ] && p+=" grow-refused-but-changed"
  [ -e $R/var/lib/dockstore/reclaim.json ] && [ $grc = 0 ] && p+=" grow-ran-with-reclaim-journal-open"
  log "L reclaim@$fp (ENOSPC injected) krc=$krc lentlines=$lent img=$isz btrfs=$bsz journal=$([ -e $R/var/lib/dockstore/reclaim.json ] && echo open || echo none); grow rc=$grc: $(tail -1 $R.g | cut -c1-180)"
  brc=$(reboot_root $R); p+=$(observe $R after-reboot)
  [ "$brc" = 0 ] || p+=" boot-rc=$brc: $(tail -1 $R.boot.out | cut -c1-200)"
  $DS reclaim --root $R > $R.r 2>&1; rrc=$?
  p+=$(observe $R after-reclaim)
  isz2=$(stat -c %s $(img $R)); bsz2=$(btrfs filesystem show --raw $(mp $R) 2>/dev/null | awk '/devid/{print $4}')
  log "L   reclaim rerun rc=$rrc img=$isz2 btrfs=$bsz2: $(tail -1 $R.r | cut -c1-180)"
  [ -e $R/var/lib/dockstore/reclaim.json ] && p+=" journal-left"
  [ $grc = 0 ] && exp=3221225472 || exp=1073741824
  [ "$isz2" = "$exp" ] || p+=" image-size=$isz2 expected $exp"
  [ "$bsz2" = "$isz2" ] || p+=" btrfs=$bsz2 != image=$isz2"
  [ -z "$p" ] && pass "L reclaim(lent room)@$fp -> grow($grc) -> reboot -> reclaim" || fail "L reclaim(lent room)@$fp -> grow -> reboot -> reclaim: $p"
  cleanroot $R; rm -f $R.*; freedummies
done
log "L done PASS=$PASS FAIL=$FAIL"
