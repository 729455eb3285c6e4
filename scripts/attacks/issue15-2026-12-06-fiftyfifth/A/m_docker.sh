#!/bin/bash
# Case J: a dockerd on the store with a container writing; kills of grow/teardown/reclaim around it
source /work/attack55/a/lib.sh
DPID=""
stopd(){ [ -n "$DPID" ] && { docker -H unix://$R.sock rm -f wr >/dev/null 2>&1; kill $DPID 2>/dev/null; for i in $(seq 50); do kill -0 $DPID 2>/dev/null || break; sleep 0.2; done; kill -9 $DPID 2>/dev/null; }; DPID=""; umount $R.exec/netns/* 2>/dev/null; }
trap 'stopd; cleanup_all; rm -rf /tmp/atk55a-bb' EXIT
startd(){ mkdir -p $R.exec; dockerd --data-root $(mp $R) --exec-root $R.exec --pidfile $R.pid --host unix://$R.sock --iptables=false --bridge=none --storage-driver=btrfs > $R.dlog 2>&1 & DPID=$!
  for i in $(seq 60); do docker -H unix://$R.sock info >/dev/null 2>&1 && return 0; sleep 0.5; done; return 1; }
mkdir -p /tmp/atk55a-bb/bin; cp /bin/busybox /tmp/atk55a-bb/bin/; ( cd /tmp/atk55a-bb && tar cf ../atk55a-bb.tar . )
R=$(newroot); $DS provision --root $R --size 3G >/dev/null 2>&1; putdata $R
startd || { fail "J dockerd did not start: $(tail -3 $R.dlog)"; exit 1; }
docker -H unix://$R.sock import /tmp/atk55a-bb.tar bb:1 >/dev/null
docker -H unix://$R.sock run -d --name wr --network none bb:1 /bin/busybox sh -c 'i=0; while :; do /bin/busybox dd if=/dev/urandom of=/f$i bs=64k count=4 2>/dev/null; i=$((i+1)); [ $i -gt 50 ] && i=0; done' >/dev/null || fail "J container did not run"
sleep 2
# J1: teardown while dockerd runs and a container writes
h1=$(hashtree $R); $DS teardown --root $R > $R.o 2>&1; rc=$?; h2=$(hashtree $R)
log "J1 teardown with dockerd running: rc=$rc: $(tail -2 $R.o | tr '\n' ' ' | cut -c1-300)"
if [ $rc = 2 ]; then [ "$h1" = "$h2" ] && ismounted $R && pass "J1 teardown refused with dockerd running, unchanged" || fail "J1 teardown refused (2) but changed tree or unmounted"; elif [ $rc = 0 ]; then ismounted $R && fail "J1 teardown rc=0 but store still mounted" || log "J1 teardown unmounted a store under a live dockerd (rc=0)"; else log "J1 rc=$rc"; fi
# J2: grow killed at each failpoint while the container writes; then reclaim; then grow bare
for fp in $($DS grow --list-failpoints); do
  ismounted $R || break
  cur=$(stat -c %s $(img $R)); new=$((cur+1073741824))
  DOCKSTORE_FAILPOINT=$fp $DS grow --root $R --to $new > $R.k 2>&1; krc=$?
  $DS reclaim --root $R > $R.r 2>&1; rrc=$?
  $DS grow --root $R > $R.g 2>&1; grc=$?
  bsz=$(btrfs filesystem show --raw $(mp $R) | awk '/devid/{print $4}')
  p=$(observe $R after-grow-kill-reclaim-grow)
  log "J2 grow@$fp krc=$krc reclaim rc=$rrc ($(tail -1 $R.r|cut -c1-120)) bare grow rc=$grc ($(tail -1 $R.g|cut -c1-120)) img=$(stat -c %s $(img $R)) btrfs=$bsz"
  [ "$bsz" = "$new" ] || p+=" btrfs-size=$bsz expected $new"
  docker -H unix://$R.sock exec wr /bin/busybox true >/dev/null 2>&1 || p+=" container-dead"
  [ -z "$p" ] && pass "J2 grow@$fp with writing container -> reclaim -> grow" || fail "J2 grow@$fp with container: $p"
done
# J3: container still writes, teardown killed at unmount with dockerd running
DOCKSTORE_FAILPOINT=unmount $DS teardown --root $R > $R.k 2>&1; krc=$?
log "J3 teardown@unmount with dockerd: rc=$krc: $(tail -1 $R.k | cut -c1-250)"
stopd
$DS teardown --root $R > $R.t 2>&1; trc=$?
brc=$(reboot_root $R); p=$(observe $R after-reboot)
docker_ok=no; startd && docker -H unix://$R.sock images 2>/dev/null | grep -q bb && docker_ok=yes
log "J3 after dockerd stop: teardown rc=$trc; reboot rc=$brc; dockerd again sees image: $docker_ok"
[ $brc = 0 ] && [ $docker_ok = yes ] && [ -z "$p" ] && pass "J3 store and docker image survive teardown+reboot" || fail "J3: boot=$brc docker=$docker_ok $p"
stopd; $DS teardown --root $R --delete-image >/dev/null 2>&1; cleanroot $R; rm -rf $R.*
log "J done PASS=$PASS FAIL=$FAIL"
