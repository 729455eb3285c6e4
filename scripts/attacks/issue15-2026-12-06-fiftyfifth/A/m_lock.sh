#!/bin/bash
# Case H: concurrency and lock; Case I: refusals / bad input leave the tree unchanged
source /work/attack55/a/lib.sh
trap cleanup_all EXIT
R=$(newroot); $DS provision --root $R --size 2G >/dev/null 2>&1; putdata $R
LK=$R/run/dockstore.lock; ls -la $R/run/ >> $LOG 2>&1
# H1: lock held by another process -> exit 3, nothing changed
mkdir -p $R/run; flock $LK sleep 6 & FP=$!; sleep 0.5
for c in "teardown" "grow --to 3G" "reclaim" "backend overlay2" "provision"; do
  h1=$(hashtree $R); $DS $c --root $R --lock-timeout 1 > $R.o 2>&1; rc=$?; h2=$(hashtree $R)
  log "H1 [$c] while lock held: rc=$rc: $(tail -1 $R.o | cut -c1-200)"
  if [ $rc = 3 ] && [ "$h1" = "$h2" ]; then pass "H1 $c lock held -> 3, tree unchanged"; elif [ $rc = 0 ] && [ "$h1" = "$h2" ]; then pass "H1 $c nothing to do under held lock"; else fail "H1 $c with lock held: rc=$rc tree-changed=$([ "$h1" = "$h2" ] && echo no || echo yes)"; fi
done
wait $FP
# H2: lock file left by a killed run (no holder) -> next run proceeds
DOCKSTORE_FAILPOINT=fstab $DS teardown --root $R >/dev/null 2>&1; ls -la $LK >> $LOG 2>&1
$DS provision --root $R --lock-timeout 2 > $R.o 2>&1; rc=$?
{ [ $rc = 0 ] && ismounted $R && checkdata $R; } && pass "H2 provision after killed teardown with stale lock file" || fail "H2 stale lock: rc=$rc $(tail -1 $R.o)"
# H3: two commands at once: teardown --delete-image and grow --to 3G, several times
for i in 1 2 3 4; do
  $DS provision --root $R >/dev/null 2>&1; ismounted $R || { $DS provision --root $R --size 2G >/dev/null 2>&1; putdata $R; }
  ( $DS grow --root $R --to $((2+i))G > $R.g 2>&1; echo $? > $R.grc ) & ( sleep 0.0$i; $DS teardown --root $R > $R.t 2>&1; echo $? > $R.trc ) & wait
  log "H3.$i grow rc=$(cat $R.grc) ($(tail -1 $R.g|cut -c1-120)); teardown rc=$(cat $R.trc) ($(tail -1 $R.t|cut -c1-120))"
  p=$(observe $R after-race | grep -v DATALOSS)
  $DS provision --root $R > $R.o 2>&1; prc=$?; p+=$(observe $R after-provision)
  sz=$(stat -c %s $(img $R)); bsz=$(btrfs filesystem show --raw $(mp $R) 2>/dev/null | awk '/devid/{print $4}')
  [ "$sz" = "$bsz" ] || { $DS grow --root $R > $R.g2 2>&1; bsz2=$(btrfs filesystem show --raw $(mp $R) 2>/dev/null | awk '/devid/{print $4}'); log "H3.$i image=$sz btrfs=$bsz after provision; bare grow: $(tail -1 $R.g2|cut -c1-150) -> $bsz2"; [ "$sz" = "$bsz2" ] || p+=" image=$sz btrfs=$bsz2 after bare grow"; }
  [ $prc = 0 ] || p+=" provision-rc=$prc $(tail -1 $R.o)"
  [ -z "$p" ] && pass "H3.$i race grow/teardown" || fail "H3.$i race grow/teardown: $p"
done
# I: refusals and bad input: tree unchanged
ismounted $R || $DS provision --root $R >/dev/null 2>&1
while IFS= read -r c; do
  h1=$(hashtree $R); eval "$DS $c --root $R" > $R.o 2>&1; rc=$?; h2=$(hashtree $R)
  log "I [$c] rc=$rc: $(head -1 $R.o | cut -c1-200)"
  if [ $rc = 2 -o $rc = 64 ]; then [ "$h1" = "$h2" ] && pass "I [$c] rc=$rc unchanged" || fail "I [$c] rc=$rc but --root tree changed"; else log "  (not a refusal: rc=$rc)"; fi
done <<'CMDS'
grow --to 1G
grow --to 2G
grow --to banana
grow --to 100P
reclaim --budget nope
reclaim --io-budget -1G
teardown --wipe-device
backend zfs
backend btrfs --storage-opt btrfs.min_space=10E
backend nope
backend overlay2 --storage-opt overlay2.size=1G
provision --device /dev/zram0 --dry-run
teardown --mountpoint /var/lib/../lib/docker
CMDS
checkdata $R && pass "I data intact after refusals" || fail "I data lost after refusals"
cleanroot $R; rm -f $R.*
log "HI done PASS=$PASS FAIL=$FAIL"
