#!/bin/bash
# B: SIGKILL provision / teardown at random points, then re-run: converge to the uninterrupted tree, no debris, one loop, one mount
. /work/attack31/q/lib.sh
norm() { local T=$1; [ -n "$T" ] || return; (cd $T && find . -xdev -path ./var/lib/docker -prune -o -printf '%p %m %y\n' | LC_ALL=C sort; find . -xdev -path ./var/lib/docker -prune -o -type f -size -64k ! -name '*.btrfs' -print0 | LC_ALL=C sort -z | xargs -0r md5sum); }
state() { local T=$1; echo "loops=$(losetup -a | grep -c "$T/") mounts=$(grep -c " $T/" /proc/self/mountinfo)"; }
R=$(mkroot); [ -n "$R" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $R/etc/sysconfig/docker
$BIN provision --root $R --size 2G >/dev/null 2>&1; rec; norm $R | sed "s#$R##g" > $RUN/ref.prov; SREF=$(state $R)
$BIN teardown --root $R --delete-image >/dev/null 2>&1; rec; norm $R | sed "s#$R##g" > $RUN/ref.td; down $R
echo "ref provision: $SREF"
for t in ${TIMES:-0.003 0.006 0.01 0.015 0.02 0.025 0.03 0.04 0.05 0.07 0.1}; do
  T=$(mkroot); [ -n "$T" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker
  timeout -s KILL $t $BIN provision --root $T --size 2G >/dev/null 2>&1; k=$?; rec
  o=$($BIN provision --root $T --size 2G 2>&1); r=$?; rec
  d=$(diff $RUN/ref.prov <(norm $T | sed "s#$T##g")); s=$(state $T)
  echo "prov kill@$t (rc $k) rerun rc=$r $s $( [ -z "$d" ] && [ "$s" = "$SREF" ] && echo SAME || echo '!!! DIFF')"; [ -n "$d" ] && echo "$d" | head -8; [ $r -ne 0 ] && echo "  $o" | head -3
  # now kill a teardown
  timeout -s KILL $t $BIN teardown --root $T --delete-image >/dev/null 2>&1; k=$?; rec
  o=$($BIN teardown --root $T --delete-image 2>&1); r=$?; rec
  d=$(diff $RUN/ref.td <(norm $T | sed "s#$T##g")); s=$(state $T)
  echo "td   kill@$t (rc $k) rerun rc=$r $s $( [ -z "$d" ] && [ "$s" = "loops=0 mounts=0" ] && echo SAME || echo '!!! DIFF')"; [ -n "$d" ] && echo "$d" | head -8; [ $r -ne 0 ] && echo "  $o" | head -3
  down $T
done
