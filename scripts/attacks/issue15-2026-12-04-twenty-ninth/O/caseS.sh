#!/bin/bash
# S: symlinks at each level of --root, absolute and relative (escaping), decoy outside watched
. /work/attack29/o/lib.sh
one() { local what=$1 tgt=$2 T; T=$(mkroot); [ -n "$T" ] || exit 99; mkdir -p $T/run
  local p=$T/$what; rm -rf "$p"; mkdir -p "$(dirname "$p")"; ln -s "$tgt" "$p"
  local d0; d0=$(dh); touch $RUN/stamp; sleep 0.01
  echo "=== $what -> $tgt"; NL=2 NC=220 run $BIN provision --root $T --size 1G; rec
  NL=1 NC=200 run $BIN backend overlay2 --root $T --force; NL=1 NC=200 run $BIN grow --root $T --to 2G; NL=1 NC=200 run $BIN status --root $T; NL=1 NC=200 run $BIN check --root $T
  NL=1 NC=200 run $BIN teardown --root $T --delete-image
  local d1; d1=$(dh); local out; out=$(find /work /tmp /run /etc /var/lib -xdev -newer $RUN/stamp -not -path "$T/*" -not -path "$T" -not -path "$RUN/stamp" -not -path "/work/attack29/o/results*" -not -path '/proc/*' 2>/dev/null | grep -v "^/tmp/bash_jobs\|^/run/\(systemd\|udev\|user\|mount\|blkid\|lock\)\|^/work/attack29/o/run$\|^/work/.mirror\|^/var/lib/\(systemd\|dhcp\|apt\|btrfs\|docker\)" | head -5)
  [ "$d0" = "$d1" ] && [ -z "$out" ] && echo "    => decoy unchanged, nothing new outside" || echo "    => !!! decoy $d0->$d1 outside: $out"; down $T; }
D=$DECOY
one etc $D/etc
one etc ../../decoy/etc
one etc/systemd $D/etc/systemd
one etc/systemd/system ../../../../decoy/etc/systemd/system
one etc/sysconfig $D/etc/sysconfig
one etc/sysconfig /../../../../../../$D/etc/sysconfig
one etc/docker $D/etc/docker
one etc/docker/daemon.json $D/etc/docker/daemon.json
one etc/fstab $D/etc/fstab
one var $D
one var/lib $D
one var/lib/dockstore $D
one var/lib/dockstore ../../../../decoy
one var/lib/docker $D
one run $D
one run/dockstore.lock $D/secret
one var/lib/docker-storage.btrfs $D/img
