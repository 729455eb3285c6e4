H=/work/attack25/k; RUN=$H/run; BIN=$H/dockstore; REC=$RUN/loops.rec; OUT=$RUN/outside
mkdir -p $RUN $OUT; chmod 755 $H $RUN; touch $REC
mkroot() { local t; t=$(mktemp -d -p $RUN); chmod 755 $t; mkdir -p $t/etc/sysconfig $t/var/lib $t/etc/systemd/system $t/etc/docker; touch $t/etc/fstab; echo $t; }
# record every loop device whose backing file is under RUN
rec() { local dev f; for dev in /sys/block/loop*; do f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
  case "$f" in "$RUN"/*) grep -qx "/dev/${dev##*/}" $REC || echo "/dev/${dev##*/}" >> $REC;; esac; done; }
th() { local T=$1; (cd $T && find . -xdev -path ./var/lib/docker -prune -o -printf '%p %s %m %l\n' | LC_ALL=C sort; find . -xdev -path ./var/lib/docker -prune -o -type f -size -64k -print0 | LC_ALL=C sort -z | xargs -0r md5sum) | md5sum | cut -c1-12; }
run() { local o r; o=$(timeout ${TO:-60} "$@" 2>&1); r=$?; echo "\$ ${*#$BIN }"; echo "$o" | cut -c1-${NC:-400} | head -${NL:-6} | sed 's/^/    /'; echo "    [rc=$r] lines=$(printf '%s' "$o" | grep -c '')"; return $r; }
umount_ours() { awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; }
detach_ours() { rec; sort -u $REC | while read -r d; do f=$(cat /sys/block/${d#/dev/}/loop/backing_file 2>/dev/null) || continue
  case "$f" in "$RUN"/*) losetup -d $d 2>/dev/null;; esac; done; }
down() { local T=$1; umount_ours_in $T; rec; detach_ours; }
umount_ours_in() { awk '{print $5}' /proc/self/mountinfo | grep "^$1/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; }
canary() { touch $OUT/canary; sleep 1.1; }
newer() { find /tmp /work -xdev -newer $OUT/canary \( -path $RUN -prune -o -path "/tmp/bash_jobs*" -prune -o -path "/tmp/TemporaryDirectory.*" -prune -o -path /work/.library -prune -o -path /work/.mirror -prune \) -o -print 2>/dev/null | grep -v -e "^$RUN" -e "^/tmp/bash_jobs" -e "^/tmp/TemporaryDirectory" -e "^/tmp$" -e "^/work$" | head; }
