#!/bin/bash
# E: symlinks at every level of --root resolve inside it; canary outside
. ./lib.sh
prep_out() { local L; rm -rf $OUT; mkdir -p $OUT; for L in etc etc/systemd/system etc/docker etc/sysconfig var var/lib run; do mkdir -p $OUT/$L; done
  printf 'DOCKSTORE_SIZE="3G"\n' > $OUT/settings; chmod 644 $OUT/settings; printf '/dev/outside /outside ext4 defaults 0 0\n' > $OUT/etc/fstab
  printf 'DOCKER_OPTS="-s vfs"\n' > $OUT/etc/sysconfig/docker; echo '{"storage-driver":"vfs"}' > $OUT/etc/docker/daemon.json; touch $OUT/run/lock; }
depth() { local p=$1 n; n=$(echo "$p" | tr -cd / | wc -c); printf '../%.0s' $(seq 0 $((n+6))); }
one() { # $1 level, $2 kind abs-in|abs-out|rel-out
  local L=$1 K=$2 T tgt; prep_out; T=$(mkroot); local parent=$(dirname $T/$L)
  mkdir -p $T/real/$L; [ -d $T/$L ] && cp -a $T/$L/. $T/real/$L/ && rm -rf $T/$L; mkdir -p $parent
  case $K in abs-in) tgt=/real/$L;; abs-out) tgt=$OUT/$L;; rel-out) tgt=$(depth $L)${OUT#/}/$L;; esac
  ln -s $tgt $T/$L
  canary; echo "=== E $L -> $tgt"
  for c in "provision --size 1G" "backend overlay2 --force" "backend btrfs --force" "status" "teardown --delete-image"; do
    o=$($BIN $c --root $T 2>&1); r=$?; echo "  $c: rc=$r $(echo "$o" | grep -E '^dockstore:|ready|nothing to do' | head -2 | cut -c1-250 | tr '\n' ' ')"; done
  n=$(find $OUT -newer $OUT/canary ! -path $OUT/canary | head); [ -n "$n" ] && echo "  !!! OUTSIDE CHANGED: $n"
  m=$(newer); [ -n "$m" ] && echo "  !!! newer outside RUN: $m"
  grep -q "$T/" /proc/self/mountinfo && echo "  (mount left, cleaning)"; down $T
}
for L in etc etc/systemd/system etc/systemd etc/docker etc/sysconfig var var/lib run; do for K in abs-in abs-out rel-out; do one $L $K; done; done
# files: settings, image, lock, journal
for K in abs-out rel-out; do prep_out; T=$(mkroot); case $K in abs-out) tgt=$OUT/settings;; rel-out) tgt=../../../../../../../../../..$OUT/settings;; esac
  ln -s $tgt $T/etc/sysconfig/dockstore; canary; echo "=== E settings -> $tgt"; NL=2 NC=250 run $BIN provision --root $T --dry-run; NL=2 NC=250 run $BIN status --root $T
  n=$(find $OUT -newer $OUT/canary ! -path $OUT/canary | head); [ -n "$n" ] && echo "  !!! OUTSIDE CHANGED: $n"; down $T; done
prep_out; T=$(mkroot); truncate -s 1G $OUT/var/lib/img; ln -s $OUT/var/lib/img $T/var/lib/docker-storage.btrfs; canary; echo "=== E image -> outside abs"; NL=2 NC=250 run $BIN provision --root $T --size 1G
  n=$(find $OUT -newer $OUT/canary ! -path $OUT/canary | head); [ -n "$n" ] && echo "  !!! OUTSIDE CHANGED: $n"; blkid $OUT/var/lib/img; down $T
prep_out; T=$(mkroot); mkdir -p $T/run; ln -s $OUT/run/lock $T/run/dockstore.lock; canary; echo "=== E lock -> outside abs"; NL=2 NC=250 run $BIN provision --root $T --size 1G
  n=$(find $OUT -newer $OUT/canary ! -path $OUT/canary | head); [ -n "$n" ] && echo "  !!! OUTSIDE CHANGED: $n"; ls -la $T/run; down $T
prep_out; T=$(mkroot); mkdir -p $T/run; ln -s ../../../../../../../../..$OUT/run/lock $T/run/dockstore.lock; canary; echo "=== E lock -> outside rel"; NL=2 NC=250 run $BIN backend btrfs --force --root $T
  n=$(find $OUT -newer $OUT/canary ! -path $OUT/canary | head); [ -n "$n" ] && echo "  !!! OUTSIDE CHANGED: $n"; down $T
prep_out; T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; mkdir -p $T/var/lib/dockstore; echo '{}' > $OUT/var/lib/j.json
  for j in migration.json format-record.json last-reclaim.json orphan-count; do ln -sf $OUT/var/lib/j.json $T/var/lib/dockstore/$j 2>/dev/null; done; canary; echo "=== E journals -> outside abs"
  NL=2 NC=250 run $BIN status --root $T; NL=2 NC=250 run $BIN check --root $T; NL=2 NC=250 run $BIN reclaim --root $T; NL=2 NC=250 run $BIN provision --root $T; NL=2 NC=250 run $BIN teardown --root $T
  n=$(find $OUT -newer $OUT/canary ! -path $OUT/canary | head); [ -n "$n" ] && echo "  !!! OUTSIDE CHANGED: $n"; down $T
# .. past the root
T=$(mkroot); echo "=== E --root with .."; NL=2 NC=250 run $BIN provision --root $T/../$(basename $T) --dry-run; NL=2 NC=250 run $BIN provision --root $T --image /var/../../../../outside.img --dry-run; NL=2 NC=250 run $BIN provision --root $T --mountpoint /var/lib/../../../../srv --dry-run
