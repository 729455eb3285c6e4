G=/work/attack22/g; RUN=$G/run; BIN=$G/dockstore
mkdir -p $RUN; chmod 755 $G $RUN
mkroot() { local t; t=$(mktemp -d -p $RUN); chmod 755 $t; mkdir -p $t/etc/sysconfig $t/var/lib $t/etc/systemd/system; touch $t/etc/fstab; echo $t; }
nob() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
chk() { local T=$1 o r; shift; o=$($BIN check --root $T "$@" 2>&1); r=$?; echo "  root  : ${o:0:330} [rc=$r]"
  o=$(nob $BIN check --root $T "$@" 2>&1); r=$?; echo "  nobody: ${o:0:330} [rc=$r]"; }
detach_ours() { local dev f; for dev in /sys/block/loop*; do f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
  case "$f" in "$RUN"/*) losetup -d "/dev/${dev##*/}" 2>/dev/null && echo "detach /dev/${dev##*/} ($f)" >&2;; esac; done; }
umount_ours() { awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; }
# holder: a process in its own mount namespace; runs $1 (script) then sleeps; pid in $RUN/$2.pid
holder() { local name=$2; unshare -m --propagation private bash -c "set -x; $1
  cp $RUN/$name.out $G/results/holder-$name.out 2>/dev/null; touch $RUN/$name.ready; exec sleep 1200" > $RUN/$name.out 2>&1 & echo $! > $RUN/$name.pid
  for i in $(seq 20); do [ -e $RUN/$name.ready ] && break; sleep 0.5; done; }
kill_holder() { local p; p=$(cat $RUN/$1.pid 2>/dev/null) || return 0
  kill -0 $p 2>/dev/null && { nsenter -t $p -m sh -c "awk '{print \$5}' /proc/self/mountinfo | grep '^$RUN/' | sort -r | xargs -r -n1 umount -l" 2>/dev/null; kill $p; sleep 0.3; }; rm -f $RUN/$1.pid; }
