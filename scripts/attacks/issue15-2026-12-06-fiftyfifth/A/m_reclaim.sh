#!/bin/bash
# Case D: reclaim on a store full of half-empty chunks, killed at each failpoint; then grow; then reboot; then reclaim
source /work/attack55/a/lib.sh
trap 'cleanup_all; rm -rf /tmp/atk55a-tpl' EXIT
mktemplate(){ # a 1 GiB store, data chunks ~50% used, 1 MiB unallocated
  local T; T=$(newroot); $DS provision --root $T --size 1G >/dev/null 2>&1; putdata $T; local M; M=$(mp $T); mkdir $M/fill; local i=0
  while dd if=/dev/zero of=$M/fill/f$i bs=1M count=4 status=none 2>/dev/null; do i=$((i+1)); [ $i -gt 400 ] && break; done
  rm -f $M/fill/f*[05] $M/fill/f*[2]; sync; umount $M; for l in $(loops_of $T); do btrfs device scan --forget $l; losetup -d $l; done
  mkdir -p /tmp/atk55a-tpl; chmod 755 /tmp/atk55a-tpl; cp -a --sparse=always $T /tmp/atk55a-tpl/root; cp $T.sums /tmp/atk55a-tpl/sums; cleanroot $T; }
[ -d /tmp/atk55a-tpl/root ] || mktemplate
for fp in $($DS reclaim --list-failpoints); do
  R=$(mktemp -d /tmp/atk55a.XXXXXX); chmod 755 $R; ROOTS+=("$R"); rmdir $R; cp -a --sparse=always /tmp/atk55a-tpl/root $R; cp /tmp/atk55a-tpl/sums $R.sums
  $DS provision --root $R > $R.p0 2>&1 || { fail "D setup provision: $(tail -1 $R.p0)"; continue; }
  DOCKSTORE_FAILPOINT=$fp timeout 300 $DS reclaim --root $R > $R.k.out 2>&1; krc=$?
  problems=$(observe $R after-kill)
  imgsz=$(stat -c %s $(img $R))
  h1=$(hashtree $R); $DS grow --root $R --to 2G > $R.g.out 2>&1; grc=$?; h2=$(hashtree $R)
  log "D reclaim@$fp krc=$krc img=$imgsz; grow rc=$grc: $(tail -1 $R.g.out | cut -c1-220)"
  if [ $grc = 2 -o $grc = 64 ] && [ "$h1" != "$h2" ]; then problems+=" grow-refused-but-tree-changed"; fi
  [ -e $R/var/lib/dockstore/reclaim.json ] && [ $grc = 0 ] && problems+=" grow-succeeded-with-reclaim-journal-open"
  brc=$(reboot_root $R); problems+=$(observe $R after-reboot)
  [ $brc = 0 ] || problems+=" boot-provision-rc=$brc: $(tail -1 $R.boot.out)"
  $DS reclaim --root $R > $R.r.out 2>&1; rrc=$?
  problems+=$(observe $R after-reclaim)
  imgsz2=$(stat -c %s $(img $R)); bsz=$(btrfs filesystem show --raw $(mp $R) 2>/dev/null | awk '/devid/{print $4}')
  log "D   reclaim rerun rc=$rrc img=$imgsz2 btrfs=$bsz journal=$(ls $R/var/lib/dockstore/ | tr '\n' ' '): $(tail -1 $R.r.out | cut -c1-200)"
  [ -e $R/var/lib/dockstore/reclaim.json ] && problems+=" journal-left-after-rerun"
  [ $grc = 0 ] && exp=2147483648 || exp=1073741824
  [ "$imgsz2" = $exp ] || problems+=" image-size=$imgsz2(expected $exp)"
  [ "$bsz" = "$imgsz2" ] || problems+=" btrfs-size=$bsz!=image"
  case $rrc in 0|1) ;; *) problems+=" reclaim-rerun-rc=$rrc";; esac
  if [ -n "$problems" ]; then fail "D reclaim@$fp -> grow -> reboot -> reclaim: $problems"; else pass "D reclaim@$fp (grow rc=$grc)"; fi
  cleanroot $R; rm -f $R.*; freedummies
done
log "D done PASS=$PASS FAIL=$FAIL"
