H=/work/attack32/s; RUN=$H/run; BIN=$H/dockstore; REC=$RUN/loops.rec; PIDS=$RUN/pids.rec
mkdir -p $RUN; touch $REC $PIDS
mkroot() { local t; t=$(mktemp -d -p $RUN); chmod 755 $t; mkdir -p $t/etc/sysconfig $t/var/lib $t/etc/systemd/system $t/etc/docker $t/run; touch $t/etc/fstab; echo $t; }
rec() { local dev f; for dev in /sys/block/loop*; do f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
  case "$f" in "$RUN"/*) grep -qx "/dev/${dev##*/}" $REC || echo "/dev/${dev##*/}" >> $REC;; esac; done; }
att() { local l; l=$(losetup "$@" -f --show) && { echo $l >> $REC; echo $l; }; }
th() { local T=$1; [ -n "$T" ] || return; (cd $T && find . -xdev -path ./var/lib/docker -prune -o -path ./run/dk -prune -o -printf '%p %s %m %l %T@ %y\n' | LC_ALL=C sort; find . -xdev -path ./var/lib/docker -prune -o -path ./run/dk -prune -o -type f -size -64k -print0 | LC_ALL=C sort -z | xargs -0r md5sum) | md5sum | cut -c1-12; }
edges() { losetup -a | grep "$RUN" | sort | md5sum | cut -c1-8; }
run() { local o r; o=$(timeout ${TO:-90} "$@" 2>&1); r=$?; echo "\$ ${*#$BIN }"; echo "$o" | cut -c1-${NC:-300} | head -${NL:-6} | sed 's/^/    /'; echo "    [rc=$r]"; return $r; }
chk3() { local T=$1; shift; local n j p; n=$($BIN check --root $T "$@" 2>&1 | head -1 | cut -c1-250); echo "    nagios[$?]: $n"
  j=$($BIN check --root $T --format json "$@" 2>&1 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("state"), [ (r if isinstance(r,str) else r.get("reason", r.get("code",""))) for r in d.get("reasons",[])][:6])' 2>&1 | cut -c1-250); echo "    json: $j"
  p=$($BIN check --root $T --format prometheus "$@" 2>&1 | grep -E '^dockstore_(status|read_only|check_success)' | tr '\n' ' ' | cut -c1-300); echo "    prom: $p"
  echo "    status: $($BIN status --root $T "$@" 2>&1 | grep -iE 'problem|warn|mounted|store' | head -4 | tr '\n' '|' | cut -c1-300)"; }
# dockerd
dk_start() { local T=$1 D=$RUN/dk.$(basename $T); mkdir -p $D/exec; dockerd --storage-driver btrfs --data-root $T/var/lib/docker --exec-root $D/exec --pidfile $T/run/docker.pid --host unix://$D/sock --iptables=false --bridge=none --ip-masq=false >$D/log 2>&1 9>&- & echo $! >> $PIDS; echo $! > $D/mypid
  for i in $(seq 40); do [ -S $D/sock ] && docker -H unix://$D/sock info >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "dockerd failed"; tail -5 $D/log; return 1; }
dk() { local T=$1; shift; docker -H unix://$RUN/dk.$(basename $T)/sock "$@"; }
dk_stop() { local T=$1 D=$RUN/dk.$(basename $T) p; p=$(cat $D/mypid 2>/dev/null) || return 0; kill $p 2>/dev/null; for i in $(seq 40); do kill -0 $p 2>/dev/null || break; sleep 0.5; done; kill -9 $p 2>/dev/null; sleep 0.5; awk '{print $5}' /proc/self/mountinfo | grep "^$D/" | sort -r | while read -r m; do umount -l "$m"; done; rm -f $D/mypid; }
mkimg() { local T=$1 R=$RUN/rootfs; [ -f $RUN/bb.tar ] || { rm -rf $R; mkdir -p $R/bin $R/tmp $R/data; cp /bin/busybox $R/bin/; for c in sh dd cat ls sleep touch mkdir seq md5sum; do ln -sf busybox $R/bin/$c; done; tar -C $R -cf $RUN/bb.tar .; }; dk $T import $RUN/bb.tar bb:1 >/dev/null; }
umount_ours() { awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; }
detach_ours() { rec; sort -u $REC | while read -r d; do f=$(cat /sys/block/${d#/dev/}/loop/backing_file 2>/dev/null) || continue
  case "$f" in "$RUN"/*) btrfs device scan --forget $d 2>/dev/null; losetup -d $d 2>/dev/null;; esac; done; }
# checksum every file of every layer/container in the data root
layersum() { local M=$1; (cd $M && find btrfs/subvolumes volumes -type f -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0r md5sum) | md5sum | cut -c1-12; }
