H=/work/attack31/q; RUN=$H/run; BIN=$H/dockstore; REC=$RUN/loops.rec; DECOY=$RUN/decoy
mkdir -p $RUN $DECOY; chmod 755 $H $RUN; touch $REC; [ -f $DECOY/secret ] || { echo precious > $DECOY/secret; mkdir -p $DECOY/etc/sysconfig $DECOY/etc/docker $DECOY/etc/systemd/system; echo '{"debug":true}' > $DECOY/etc/docker/daemon.json; echo 'DOCKER_OPTS=""' > $DECOY/etc/sysconfig/docker; touch $DECOY/etc/fstab; }
mkroot() { local t; t=$(mktemp -d -p $RUN); chmod 755 $t; mkdir -p $t/etc/sysconfig $t/var/lib $t/etc/systemd/system $t/etc/docker; touch $t/etc/fstab; echo $t; }
rec() { local dev f; for dev in /sys/block/loop*; do f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
  case "$f" in "$RUN"/*) grep -qx "/dev/${dev##*/}" $REC || echo "/dev/${dev##*/}" >> $REC;; esac; done; }
att() { local l; l=$(losetup "$@" -f --show) && { echo $l >> $REC; echo $l; }; }
# whole tree hash incl. folder mtimes
th() { local T=$1; [ -n "$T" ] || return; (cd $T && find . -xdev -path ./var/lib/docker -prune -o -printf '%p %s %m %l %T@ %y\n' | LC_ALL=C sort; find . -xdev -path ./var/lib/docker -prune -o -type f -size -64k -print0 | LC_ALL=C sort -z | xargs -0r md5sum) | md5sum | cut -c1-12; }
dh() { (cd $DECOY && find . -printf '%p %s %T@\n' | sort; find . -type f -exec md5sum {} +) | md5sum | cut -c1-12; }
edges() { losetup -a | grep "$RUN" | sort | md5sum | cut -c1-8; }
run() { local o r; o=$(timeout ${TO:-60} "$@" 2>&1); r=$?; echo "\$ ${*#$BIN }"; echo "$o" | cut -c1-${NC:-400} | head -${NL:-6} | sed 's/^/    /'; echo "    [rc=$r]"; return $r; }
umount_ours() { awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; }
detach_ours() { rec; sort -u $REC | while read -r d; do f=$(cat /sys/block/${d#/dev/}/loop/backing_file 2>/dev/null) || continue
  case "$f" in "$RUN"/*) btrfs device scan --forget $d 2>/dev/null; losetup -d $d 2>/dev/null;; esac; done; }
down() { local T=$1; [ -n "$T" ] || return; awk '{print $5}' /proc/self/mountinfo | grep "^$T/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; sleep 0.3; rec; detach_ours; }
# refusal check: run cmd, expect non-zero, tree+decoy+edges unchanged
refuse() { local T=$1; shift; local a b da db ea eb; a=$(th $T); da=$(dh); ea=$(edges); NL=${NL:-3} run "$@"; local r=$?; rec; b=$(th $T); db=$(dh); eb=$(edges)
  if [ $r -ne 0 ] && [ "$a" = "$b" ] && [ "$da" = "$db" ] && [ "$ea" = "$eb" ]; then echo "    => refused, unchanged"; else echo "    => !!! rc=$r tree $a->$b decoy $da->$db edges $ea->$eb"; fi; }
# img/file-level hash of one file (inode, links, size, first 64k)
fh() { [ -e "$1" ] || { echo missing; return; }; { stat -c '%i %h %s %Y' "$1"; head -c 65536 "$1" | md5sum; } | md5sum | cut -c1-10; }
# full-tree hash that includes var/lib/docker listing if not a mount (for idempotence), files < 64k
th2() { local T=$1; [ -n "$T" ] || return; (cd $T && find . -xdev -printf '%p %s %m %l %y\n' | LC_ALL=C sort; find . -xdev -type f -size -64k -print0 | LC_ALL=C sort -z | xargs -0r md5sum) | md5sum | cut -c1-12; }
listing() { local T=$1; [ -n "$T" ] || return; (cd $T && find . -xdev -printf '%p %s %m %l %y\n' | LC_ALL=C sort); }
devedges() { for d in $(sort -u $REC); do [ -b $d ] || continue; echo "$d $(head -c 1M $d | md5sum | cut -c1-8) $(blkid -p $d 2>/dev/null | md5sum | cut -c1-8)"; done; losetup -a | grep "$RUN" | sort; grep "$RUN" /proc/self/mountinfo | awk '{print $3,$4,$5,$6,$9,$10}' | sort; }
