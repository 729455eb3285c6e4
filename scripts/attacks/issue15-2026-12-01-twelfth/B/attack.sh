#!/bin/bash
# Attacker B (twelfth attack): files, readers, monitoring.
# DOCKSTORE=/path/to/bin ./attack.sh [CASE...]   runs all cases or the named ones; exit 1 if any failed.
D=${DOCKSTORE:-/work/attack12/dockstore}
FAILS=0; PASSES=0
mkroot() { R=$(mktemp -d /tmp/atkB.XXXXXX); mkdir -p $R/etc $R/var/lib; touch $R/etc/fstab; }
cleanroot() {
  local r=$1; [ -n "$r" ] && [ -d "$r" ] || return 0
  for m in $(findmnt -rn -o TARGET | grep "^$r" | sort -r); do umount -l "$m" 2>/dev/null; done
  for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$r" 'index($2,r)==1{print $1}'); do losetup -d $l 2>/dev/null; done
  rm -rf "$r"
}
pass() { echo "PASS $CASE${1:+: $1}"; PASSES=$((PASSES+1)); }
fail() { echo "FAIL $CASE: $1"; FAILS=$((FAILS+1)); }

case_B01() { # DOCKER_DRIVER in the EnvironmentFile overrides --storage-driver in dockerd 20.10
  mkroot; trap "cleanroot $R" RETURN
  $D provision --root $R --size 512M >/dev/null || { fail "provision failed"; return; }
  echo 'DOCKER_DRIVER="overlay2"' >> $R/etc/sysconfig/docker
  out=$($D backend --root $R 2>&1); st=$($D status --root $R 2>&1); src=$?
  if echo "$out$st" | grep -q DOCKER_DRIVER; then pass; else fail "backend/status ignore DOCKER_DRIVER=overlay2 (status rc=$src): $(echo "$out" | grep state:)"; fi
}

case_B02() { # an ext4 (root fs) bind-mounted over the image store's mountpoint: check must not say OK
  mkroot; local H=$(mktemp -d /tmp/atkB.h.XXXX); trap "umount $R/var/lib/docker 2>/dev/null; cleanroot $R; rm -rf $H" RETURN
  $D provision --root $R --size 512M >/dev/null || { fail "provision failed"; return; }
  [ "$(findmnt -n -o FSTYPE -T /tmp)" = ext4 ] || { pass "skipped: /tmp is not ext4"; return; }
  mount --bind $H $R/var/lib/docker
  out=$($D check --root $R 2>&1); rc=$?
  if [ $rc = 0 ]; then fail "check exit 0 with the host's ext4 bind-mounted at the store's mountpoint: $(echo "$out" | cut -c1-80)"; else pass; fi
}

case_B03() { # --data-root=/var/lib/./docker names the store; must not be a problem
  mkroot; trap "cleanroot $R" RETURN
  $D provision --root $R --size 512M >/dev/null || { fail "provision failed"; return; }
  sed -i 's|^DOCKER_OPTS=.*|DOCKER_OPTS="--storage-driver=btrfs --data-root=/var/lib/./docker"|' $R/etc/sysconfig/docker
  $D status --root $R >/dev/null 2>&1; rc=$?
  if [ $rc = 0 ]; then pass; else fail "status exit $rc for --data-root=/var/lib/./docker: $($D backend --root $R 2>&1 | grep -m1 'data root')"; fi
}

case_B04() { # the host fs under the image went read-only after an error: check must not say OK
  mkroot; trap "umount $R/var/lib/docker 2>/dev/null; umount $R/var/lib 2>/dev/null; cleanroot $R" RETURN
  truncate -s 1G $R/host.img; mkfs.ext4 -q $R/host.img; mount -o loop,errors=remount-ro $R/host.img $R/var/lib
  $D provision --root $R --size 600M >/dev/null || { fail "provision failed"; return; }
  local L=$(basename $(findmnt -n -o SOURCE $R/var/lib))
  [ -w /sys/fs/ext4/$L/trigger_fs_error ] || { pass "skipped: no trigger_fs_error"; return; }
  sync; echo 1 > /sys/fs/ext4/$L/trigger_fs_error
  out=$($D check --root $R 2>&1); rc=$?   # at once: before btrfs's next commit hits the read-only host
  touch $R/var/lib/x 2>/dev/null && { pass "skipped: host fs still writable"; return; }
  if [ $rc = 0 ]; then fail "check OK while the image's host fs is read-only: $(echo "$out" | cut -c1-60)"; else pass; fi
}

case_B05() { # nosuid/nodev in DOCKSTORE_MOUNT_OPTIONS reach every container (bind mounts keep them): must be refused
  local bad=""
  for o in nosuid nodev bind remount; do
    mkroot; mkdir -p $R/etc/sysconfig; printf 'DOCKSTORE_MOUNT_OPTIONS="%s"\n' "$o" > $R/etc/sysconfig/dockstore
    $D provision --root $R --size 300M --dry-run >/dev/null 2>&1; rc=$?; [ $rc = 64 ] || bad="$bad $o(rc=$rc)"; cleanroot $R
  done
  [ -z "$bad" ] && pass || fail "accepted by the settings check:$bad"
}

case_B06() { # an unknown option must not leave the textfile's older OK in place
  mkroot; trap "cleanroot $R" RETURN
  $D provision --root $R --size 300M >/dev/null || { fail "provision failed"; return; }
  mkdir -p $R/tf; $D check --root $R --format prometheus --textfile /tf >/dev/null
  local bad=""
  for a in --bogus extra-positional; do
    $D check --root $R --format prometheus --textfile /tf >/dev/null
    $D check --root $R --format prometheus --textfile /tf $a >/dev/null 2>&1
    grep -q '^dockstore_status{.*} 3$' $R/tf/dockstore.prom || bad="$bad $a"
  done
  out=$($D check --root $R --format json --bogus 2>/dev/null)
  echo "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null || bad="$bad json-not-json"
  [ -z "$bad" ] && pass || fail "textfile kept OK / format ignored for:$bad"
}

case_B07() { # a canceled scrub must not count as the last (finished) scrub
  mkroot; trap "cleanroot $R" RETURN
  $D provision --root $R --size 300M >/dev/null || { fail "provision failed"; return; }
  local U=$(findmnt -n -o UUID $R/var/lib/docker); [ -n "$U" ] || U=$(blkid -o value -s UUID $R/var/lib/docker-storage.btrfs)
  mkdir -p $R/var/lib/btrfs
  printf 'scrub status:1\n%s:1|data_extents_scrubbed:0|tree_extents_scrubbed:0|data_bytes_scrubbed:0|tree_bytes_scrubbed:0|read_errors:0|csum_errors:0|verify_errors:0|no_csum:0|csum_discards:0|super_errors:0|malloc_errors:0|uncorrectable_errors:0|corrected_errors:0|last_physical:0|t_start:%s|t_resumed:0|duration:1|canceled:1|finished:0\n' $U $(date +%s) > $R/var/lib/btrfs/scrub.status.$U
  v=$($D check --root $R --format prometheus | awk '/^dockstore_last_scrub_timestamp_seconds/{print $2}')
  [ "$v" = NaN ] && pass || fail "canceled scrub reported as last scrub at $v"
}

case_B08() { # xattrs of fstab / sysconfig must survive the rewrite
  mkroot; trap "cleanroot $R" RETURN; mkdir -p $R/etc/sysconfig; echo 'DOCKER_OPTS=""' > $R/etc/sysconfig/docker
  python3 -c "import os; os.setxattr('$R/etc/fstab','user.t',b'1'); os.setxattr('$R/etc/sysconfig/docker','user.t',b'2')" || { pass "skipped: no user xattrs"; return; }
  $D provision --root $R --size 300M >/dev/null || { fail "provision failed"; return; }
  n=$(python3 -c "import os; print(len(os.listxattr('$R/etc/fstab'))+len(os.listxattr('$R/etc/sysconfig/docker')))")
  [ "$n" = 2 ] && pass || fail "user.* xattrs dropped by the rewrite ($n of 2 left)"
}

case_B09() { # perfdata value must not exceed its max
  mkroot; trap "cleanroot $R" RETURN
  $D provision --root $R --size 512M >/dev/null || { fail "provision failed"; return; }
  bad=$($D check --root $R | sed 's/.*| //' | tr ' ' '\n' | python3 -c '
import sys,re
for f in sys.stdin:
    m=re.match(r"'"'"'?([^='"'"']+)'"'"'?=([0-9.]+)[A-Za-z%]*;[^;]*;[^;]*;[^;]*;([0-9.]+)",f.strip())
    if m and float(m.group(2))>float(m.group(3)): print(m.group(1))')
  [ -z "$bad" ] && pass || fail "perfdata above its max: $bad"
}

case_B10() { # an ext4 mounted over the store: status/provision/check must name it, not the store's own fstab line or loop device
  mkroot; local E=$(mktemp /tmp/atkB.e4.XXXX); trap "umount $R/var/lib/docker 2>/dev/null; cleanroot $R; rm -f $E" RETURN
  $D provision --root $R --size 512M >/dev/null || { fail "provision failed"; return; }
  truncate -s 200M $E; mkfs.ext4 -q $E; mount -o loop $E $R/var/lib/docker
  local bad=""
  st=$($D status --root $R 2>&1); echo "$st" | grep -q 'remove that line' && bad="$bad status-says-remove-the-store's-fstab-line"
  pr=$($D provision --root $R 2>&1); echo "$pr" | grep -q 'second btrfs instance' && bad="$bad provision-calls-own-loop-a-second-instance"
  $D check --root $R >/dev/null 2>&1; [ $? = 0 ] && bad="$bad check-OK"
  [ -z "$bad" ] && pass || fail "$bad"
}

case_B11() { # a read-only subvolume at the mountpoint: no write can succeed
  mkroot; trap "btrfs property set $R/var/lib/docker ro false 2>/dev/null; cleanroot $R" RETURN
  $D provision --root $R --size 512M >/dev/null || { fail "provision failed"; return; }
  btrfs property set $R/var/lib/docker ro true
  $D check --root $R >/dev/null 2>&1; c=$?; $D status --root $R >/dev/null 2>&1; s=$?
  [ $c != 0 ] && [ $s != 0 ] && pass || fail "read-only subvolume: check exit $c, status exit $s"
}

case_B12() { # qgroup limit exhausted on the data root: check must not say OK
  mkroot; trap "cleanroot $R" RETURN
  $D provision --root $R --size 512M >/dev/null || { fail "provision failed"; return; }
  btrfs quota enable $R/var/lib/docker && btrfs qgroup limit 1M $R/var/lib/docker || { pass "skipped: no quota"; return; }
  dd if=/dev/zero of=$R/var/lib/docker/q bs=1M count=5 2>/dev/null; sync
  $D check --root $R >/dev/null 2>&1; c=$?
  [ $c != 0 ] && pass || fail "qgroup limit reached (writes fail with EDQUOT): check exit 0"
}

case_B13() { # new device errors must still be CRITICAL for the second consumer of the same state file
  mkroot; trap "umount $R/var/lib/docker 2>/dev/null; umount $R/var/lib 2>/dev/null; cleanroot $R" RETURN
  truncate -s 1G $R/host.img; mkfs.ext4 -q $R/host.img; mkdir -p $R/tf; mount -o loop,errors=remount-ro $R/host.img $R/var/lib
  $D provision --root $R --size 600M >/dev/null || { fail "provision failed"; return; }
  local L=$(basename $(findmnt -n -o SOURCE $R/var/lib)); [ -w /sys/fs/ext4/$L/trigger_fs_error ] || { pass "skipped"; return; }
  echo 1 > /sys/fs/ext4/$L/trigger_fs_error
  dd if=/dev/urandom of=$R/var/lib/docker/g bs=1M count=20 conv=fsync 2>/dev/null; sync
  $D check --root $R --format prometheus --textfile /tf --state-file /tf/errs >/dev/null 2>&1
  st=$($D check --root $R --state-file /tf/errs --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print([r["state"] for r in d["reasons"] if r["figure"]=="device_errors"])')
  [ "$st" = "[2]" ] && pass || fail "second consumer sees device_errors state $st (1 = 'none new since the last check')"
}

case_B14() { # xfs store out of inodes: check must not say OK
  mkroot; trap "cleanroot $R" RETURN
  truncate -s 1G $R/dev.img; local LD=$(losetup -f --show $R/dev.img)
  $D provision --root $R --device $LD --fs xfs >/dev/null 2>&1 || { fail "provision --fs xfs failed"; return; }
  mkdir $R/var/lib/docker/f; (cd $R/var/lib/docker/f && python3 -c "
i=0
try:
  while True: open(str(i),'w').close(); i+=1
except OSError: pass")
  $D check --root $R >/dev/null 2>&1; c=$?
  rm -rf $R/var/lib/docker/f
  [ $c != 0 ] && pass || fail "no free inodes (df -i 100%): check exit 0"
}

case_B15() { # teardown of an xfs / ext4 device store
  local bad=""
  for fs in xfs ext4; do
    mkroot; truncate -s 1G $R/dev.img; local LD=$(losetup -f --show $R/dev.img)
    if $D provision --root $R --device $LD --fs $fs >/dev/null 2>&1; then
      out=$($D teardown --root $R 2>&1); rc=$?
      { [ $rc = 0 ] && ! findmnt -n $R/var/lib/docker >/dev/null; } || bad="$bad $fs(rc=$rc: $(echo "$out" | tail -1 | cut -c1-90))"
    else bad="$bad $fs(provision failed)"; fi
    cleanroot $R
  done
  [ -z "$bad" ] && pass || fail "$bad"
}

case_B16() { # plain provision (the boot unit) after `provision --device DEV --fs xfs`
  local bad=""
  for fs in xfs ext4; do
    mkroot; truncate -s 1G $R/dev.img; local LD=$(losetup -f --show $R/dev.img)
    $D provision --root $R --device $LD --fs $fs >/dev/null 2>&1 || { bad="$bad $fs(provision failed)"; cleanroot $R; continue; }
    $D provision --root $R >/dev/null 2>&1; r1=$?
    umount $R/var/lib/docker; $D provision --root $R >/dev/null 2>&1; r2=$?
    [ $r1 = 0 ] && [ $r2 = 0 ] || bad="$bad $fs(rerun=$r1 after-umount=$r2)"
    cleanroot $R
  done
  [ -z "$bad" ] && pass || fail "$bad"
}

case_B17() { # btrfs.min_space values dockerd cannot parse must be refused
  mkroot; trap "cleanroot $R" RETURN
  $D provision --root $R --size 300M >/dev/null || { fail "provision failed"; return; }
  local bad=""
  for v in 10E -1 '1G,btrfs.min_space=2G'; do
    $D backend btrfs --storage-opt "btrfs.min_space=$v" --root $R --dry-run >/dev/null 2>&1; rc=$?
    [ $rc = 64 ] || [ $rc = 2 ] || bad="$bad $v(rc=$rc)"
  done
  [ -z "$bad" ] && pass || fail "accepted:$bad (dockerd: invalid size)"
}

case_P01() { # textfile passes promtool in OK and UNKNOWN states, hostile label characters escaped
  mkroot; trap "cleanroot $R" RETURN
  $D provision --root $R --size 300M >/dev/null || { fail "provision failed"; return; }
  mkdir -p $R/tf; local bad=""
  $D check --root $R --format prometheus --textfile /tf >/dev/null; promtool check metrics < $R/tf/dockstore.prom >/dev/null 2>&1 || bad="$bad ok-state"
  $D check --root $R --mountpoint '/a"b\c{d}' --format prometheus --textfile /tf >/dev/null; promtool check metrics < $R/tf/dockstore.prom >/dev/null 2>&1 || bad="$bad hostile-label"
  [ -z "$bad" ] && pass || fail "promtool rejects:$bad"
}

case_P02() { # odd file types in place of every file provision reads are refused, exit 2, nothing hangs
  local bad=""
  for f in etc/fstab etc/sysconfig/docker etc/docker/daemon.json etc/sysconfig/dockstore; do
    mkroot; mkdir -p $(dirname $R/$f); rm -f $R/$f; mkfifo $R/$f
    timeout 20 $D provision --root $R --size 300M >/dev/null 2>&1; rc=$?; [ $rc = 2 ] || bad="$bad $f(rc=$rc)"; cleanroot $R
  done
  [ -z "$bad" ] && pass || fail "$bad"
}

case_P03() { # a symlinked .dockstore.bak is refused and the target outside the root is untouched
  mkroot; local V=$(mktemp /tmp/atkB.victim.XXXX); echo VICTIM > $V; trap "cleanroot $R; rm -f $V" RETURN
  echo '# x' > $R/etc/fstab; ln -s $V $R/etc/fstab.dockstore.bak
  $D provision --root $R --size 300M >/dev/null 2>&1; rc=$?
  [ "$(cat $V)" = VICTIM ] && [ $rc = 2 ] && pass || fail "rc=$rc victim: $(cat $V)"
}

case_P04() { # provision + teardown gives sysconfig/docker and fstab back byte for byte
  mkroot; trap "cleanroot $R" RETURN; mkdir -p $R/etc/sysconfig
  printf 'X=1\nDOCKER_OPTS="--log-level=warn"' > $R/etc/sysconfig/docker; printf '/dev/vda / ext4 defaults 0 1\r\n# c' > $R/etc/fstab
  local a=$(md5sum < $R/etc/sysconfig/docker) b=$(md5sum < $R/etc/fstab)
  $D provision --root $R --size 300M >/dev/null && $D teardown --root $R --delete-image >/dev/null || { fail "provision/teardown failed"; return; }
  [ "$a" = "$(md5sum < $R/etc/sysconfig/docker)" ] && [ "$b" = "$(md5sum < $R/etc/fstab)" ] && pass || fail "not byte for byte"
}

case_B18() { # --thick image on a btrfs host: filling the host must not force the store read-only
  mkroot; trap "umount $R/var/lib/docker 2>/dev/null; umount $R/var/lib 2>/dev/null; cleanroot $R" RETURN
  truncate -s 2G $R/host.img; mkfs.btrfs -q $R/host.img >/dev/null 2>&1; mount -o loop $R/host.img $R/var/lib
  $D provision --root $R --size 1G --thick >/dev/null 2>&1 || { fail "provision --thick failed"; return; }
  local nocow=$(lsattr $R/var/lib/docker-storage.btrfs | cut -c1-22 | grep -c C)
  dd if=/dev/zero of=$R/var/lib/filler bs=1M 2>/dev/null; sync
  touch $R/var/lib/docker/probe 2>/dev/null; sync; sleep 1
  if touch $R/var/lib/docker/probe2 2>/dev/null; then pass; else fail "store went read-only after the host filled (image No_COW: $nocow)"; fi
}

case_B19() { # options refused as settings must not be adopted from a legacy fstab line
  local bad=""
  for o in ro noexec user nosymfollow; do
    mkroot; echo "/var/lib/docker-storage.btrfs /var/lib/docker btrfs $o 0 0" > $R/etc/fstab
    $D provision --root $R --size 300M >/dev/null 2>&1; rc=$?
    live=$(findmnt -n -o OPTIONS $R/var/lib/docker 2>/dev/null)
    if [ $rc = 0 ] && echo ",$live," | grep -qE ",(ro|noexec|nosymfollow),"; then bad="$bad $o(mounted $(echo $live | cut -d, -f1-2))"; fi
    cleanroot $R
  done
  [ -z "$bad" ] && pass || fail "provision exit 0 with the store mounted:$bad"
}

case_B20() { # legacy line for another image: the refusal must point at --image, not at removing the line
  mkroot; trap "cleanroot $R" RETURN
  truncate -s 300M $R/var/lib/docker.img; mkfs.btrfs -q -L docker $R/var/lib/docker.img >/dev/null 2>&1
  echo "/var/lib/docker.img /var/lib/docker btrfs loop 0 0" > $R/etc/fstab
  out=$($D provision --root $R --size 300M 2>&1); rc=$?
  echo "$out" | grep -q -- '--image' && pass || fail "rc=$rc, remedy: $(echo "$out" | tail -1 | sed "s|$R||g" | cut -c1-120)"
}

case_B21() { # provision --mountpoint /srv/d: dockerd's (default) data root must be the store, or status must say it is not
  mkroot; trap "cleanroot $R" RETURN; mkdir -p $R/srv
  $D provision --root $R --size 300M --mountpoint /srv/d >/dev/null 2>&1 || { fail "provision failed"; return; }
  if grep -qE -- '--data-root[= ]/srv/d' $R/etc/sysconfig/docker || grep -q '"data-root": *"/srv/d"' $R/etc/docker/daemon.json 2>/dev/null; then pass; return; fi
  $D status --root $R --mountpoint /srv/d >/dev/null 2>&1; st=$?
  [ $st != 0 ] && pass || fail "no data root set for /srv/d (dockerd uses /var/lib/docker) and status exit 0"
}
### RUNNER
[ $(id -u) = 0 ] || { echo "run as root"; exit 2; }
if [ $# -gt 0 ]; then CASES="$*"; else CASES=$(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//' | sort -V); fi
for c in $CASES; do CASE=$c; ( case_$c ) ; done > >(tee /tmp/atkB.run.$$) 
wait; sleep 0.2
P=$(grep -c '^PASS' /tmp/atkB.run.$$); F=$(grep -c '^FAIL' /tmp/atkB.run.$$); rm -f /tmp/atkB.run.$$
echo "cases: $((P+F)) pass: $P fail: $F"; [ $F = 0 ]
