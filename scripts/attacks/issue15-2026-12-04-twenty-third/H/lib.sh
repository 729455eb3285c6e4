H=/work/attack23/h; RUN=$H/run; BIN=$H/dockstore; REC=$H/run/loops.rec
mkdir -p $RUN; chmod 755 $H $RUN; touch $REC
mkroot() { local t; t=$(mktemp -d -p $RUN); chmod 755 $t; mkdir -p $t/etc/sysconfig $t/var/lib $t/etc/systemd/system; touch $t/etc/fstab; echo $t; }
nob() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# record every loop device whose backing file is under RUN (ours: made by us or by dockstore on our images)
rec() { local dev f; for dev in /sys/block/loop*; do f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
  case "$f" in "$RUN"/*|/dev/loop*) case "$f" in /dev/loop*) grep -qx "$f" $REC || continue;; esac
    grep -qx "/dev/${dev##*/}" $REC || echo "/dev/${dev##*/}" >> $REC;; esac; done; }
att() { local l; l=$(losetup "$@" -f --show) && { echo $l >> $REC; echo $l; }; }
chk() { local T=$1 o r; shift; o=$($BIN check --root $T "$@" 2>&1); r=$?; echo "  root  : ${o:0:400} [rc=$r]"
  o=$(nob $BIN check --root $T "$@" 2>&1); r=$?; echo "  nobody: ${o:0:400} [rc=$r]"; }
# hash tree (names,sizes,contents of small files) + image head/tail bytes
th() { local T=$1; (cd $T && find . -xdev -path ./var/lib/docker -prune -o -printf '%p %s %m\n' | sort; find . -xdev -path ./var/lib/docker -prune -o -type f -size -64k -print0 | sort -z | xargs -0r md5sum) | md5sum | cut -c1-12; }
bh() { local f=$1; [ -e "$f" ] || { echo none; return; }; (head -c 1M "$f"; dd if="$f" bs=64k skip=$(( $(stat -Lc %s "$f" 2>/dev/null || blockdev --getsize64 $f)/65536 - 16 )) count=16 2>/dev/null) | md5sum | cut -c1-12; }
run() { local o r; o=$(timeout ${TO:-60} "$@" 2>&1); r=$?; echo "\$ ${*#$BIN }"; echo "$o" | cut -c1-400 | head -${NL:-6} | sed 's/^/    /'; echo "    [rc=$r]"; }
umount_ours() { awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; }
detach_ours() { rec; sort -u $REC | while read -r d; do f=$(cat /sys/block/${d#/dev/}/loop/backing_file 2>/dev/null) || continue
  case "$f" in "$RUN"/*|/dev/loop*) losetup -d $d 2>/dev/null;; esac; done; }
holder() { local name=$2; unshare -m --propagation private bash -c "set -x; $1
  touch $RUN/$name.ready; exec sleep 1200" > $RUN/$name.out 2>&1 & echo $! > $RUN/$name.pid
  for i in $(seq 20); do [ -e $RUN/$name.ready ] && break; sleep 0.5; done; }
kill_holder() { local p; p=$(cat $RUN/$1.pid 2>/dev/null) || return 0
  kill -0 $p 2>/dev/null && { nsenter -t $p -m sh -c "awk '{print \$5}' /proc/self/mountinfo | grep '^$RUN/' | sort -r | xargs -r -n1 umount -l" 2>/dev/null; kill $p; sleep 0.3; }; rm -f $RUN/$1.pid; }
# detach DEV only if it is in our record and its backing file is under RUN
sdet() { local f; grep -qx "$1" $REC || return 0; f=$(cat /sys/block/${1#/dev/}/loop/backing_file 2>/dev/null) || return 0
  case "$f" in "$RUN"/*) losetup -d $1;; esac; }
