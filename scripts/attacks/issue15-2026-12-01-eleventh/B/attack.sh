#!/bin/bash
# Outside attack B on dockstore: files, readers, monitoring.
# DOCKSTORE=/path/to/bin ./attack.sh [CASE]   -- runs all cases or one; exit 1 if any failed.
D=${DOCKSTORE:-/work/attack11/dockstore}
HERE=$(cd "$(dirname "$0")" && pwd)
DTRY=$HERE/dockerd-try.sh
PASS=0; FAIL=0; FAILED=()
pass(){ echo "PASS $CASE${1:+: $1}"; PASS=$((PASS+1)); }
fail(){ echo "FAIL $CASE: $1"; FAIL=$((FAIL+1)); FAILED+=("$CASE"); }
# fresh root without a store
newroot(){ R=$(mktemp -d /tmp/B_root.XXXXXX); chmod 755 $R; mkdir -p $R/etc/sysconfig $R/etc/docker $R/var/lib; }
# a real image store in $R (small)
LOOPS=()
newstore(){ newroot; "$D" provision --root $R --size 200M >/tmp/B_prov.$$ 2>&1 || { echo "setup provision failed:"; cat /tmp/B_prov.$$; return 1; }; }
cleanroot(){
  [ -n "$R" ] && [ -d "$R" ] || return 0
  # unmount anything under R (deepest first), detach loops over files in R
  findmnt -rn -o TARGET | grep -F "$R" | sort -r | while read -r m; do umount -l "$(printf '%b' "$m")" 2>/dev/null; done
  for l in $(losetup -a | grep -F "($R/" | cut -d: -f1); do losetup -d $l 2>/dev/null; done
  chattr -R -i "$R" 2>/dev/null
  rm -rf "$R"; R=
}
trap 'cleanroot' EXIT INT TERM
CASES=()
case_(){ CASES+=("$1"); }

# B01: a non-storage flag in DOCKER_OPTS also set in daemon.json: dockerd refuses to start, backend says it can.
case_ B01
B01(){ newroot; mkdir -p $R/var/lib/docker
  printf 'DOCKER_OPTS="--debug --storage-driver=vfs"\n' > $R/etc/sysconfig/docker
  printf '{"debug":true}' > $R/etc/docker/daemon.json
  out=$("$D" backend --root $R 2>&1); rc=$?
  dk=$("$DTRY" $R/etc/docker/daemon.json --debug --storage-driver=vfs)
  if [ $rc = 0 ] && echo "$dk" | grep -q FAILED; then fail "backend rc=0 '$(echo "$out"|grep state:)' but dockerd: $dk"; else pass; fi
  cleanroot; }
# B02: /etc/fstab (or /etc/sysconfig/docker) is a bind mount (ro or rw): preflight passes, provision formats and mounts,
# then fails at the rename (EBUSY), exit 1, store mounted without fstab line.
case_ B02
B02(){ for which in etc/fstab etc/sysconfig/docker; do for ro in rw ro; do
  newroot; F=$R/$which; echo '# x' > $F; mount --bind $F $F; [ $ro = ro ] && mount -o remount,bind,ro $F
  out=$("$D" provision --root $R --size 200M 2>&1); rc=$?
  mounted=no; mountpoint -q $R/var/lib/docker && mounted=yes
  umount $F
  if [ $rc != 2 ] || [ $mounted = yes ] || [ -e $R/var/lib/docker-storage.btrfs ]; then
    fail "$which $ro bind mount: rc=$rc store mounted=$mounted image=$( [ -e $R/var/lib/docker-storage.btrfs ] && echo made || echo none): $(echo "$out" | grep '^dockstore:')"
  else pass "$which $ro bind mount refused: $(echo "$out" | grep '^dockstore:')"; fi
  cleanroot; done; done; }
# B03: backend with /etc/sysconfig/docker bind-mounted: daemon.json already rewritten, then exit 1: the driver is set nowhere.
case_ B03
B03(){ newroot; mkdir -p $R/var/lib/docker
  echo '{"storage-driver":"overlay2"}' > $R/etc/docker/daemon.json; echo 'DOCKER_OPTS="--debug"' > $R/etc/sysconfig/docker
  mount --bind $R/etc/sysconfig/docker $R/etc/sysconfig/docker
  out=$("$D" backend overlay2 --root $R 2>&1); rc=$?
  umount $R/etc/sysconfig/docker
  if [ "$(cat $R/etc/docker/daemon.json)" != '{"storage-driver":"overlay2"}' ] && ! grep -q storage-driver $R/etc/sysconfig/docker; then
    fail "rc=$rc, daemon.json now '$(cat $R/etc/docker/daemon.json)', DOCKER_OPTS '$(cat $R/etc/sysconfig/docker)': driver set nowhere; $(echo "$out"|grep ^dockstore:)"
  else pass "rc=$rc"; fi; cleanroot; }
# B04: store remounted read-only: status exit 4 "provision fixes what it can", check CRITICAL; provision says "in place; nothing to do" (exit 0, no warning)
case_ B04
B04(){ newstore || { fail "setup"; cleanroot; return; }
  mount -o remount,ro $R/var/lib/docker
  "$D" status --root $R >/dev/null 2>&1; st=$?
  out=$("$D" provision --root $R 2>&1); rc=$?
  if [ $st = 4 ] && [ $rc = 0 ] && ! echo "$out" | grep -qi 'read-only'; then fail "status=4 (read-only) but provision rc=0: '$out'"; else pass "status=$st provision=$rc"; fi
  cleanroot; }
# B05: image renamed away while mounted: check OK (0), status calls it a device store; the next boot creates a new empty image.
case_ B05
B05(){ newstore || { fail "setup"; cleanroot; return; }
  mv $R/var/lib/docker-storage.btrfs $R/var/lib/docker-storage.btrfs.old
  out=$("$D" check --root $R 2>&1); rc=$?
  st=$("$D" status --root $R 2>&1 | grep '^store:')
  L=$(findmnt -n -o SOURCE $R/var/lib/docker); umount $R/var/lib/docker; losetup -d $L 2>/dev/null
  plan=$("$D" provision --root $R --dry-run 2>&1 | grep -c 'create-image')
  if [ $rc = 0 ]; then fail "check rc=0 '$(echo "$out"|cut -c1-60)'; status '$st'; after reboot provision plans create-image ($plan)"; else pass "check rc=$rc"; fi
  cleanroot; }
# B06: a '|' in the mountpoint (legal; fstab, drop-in, Prometheus all handle it) lands raw in the Nagios text: Nagios cuts the
# status text there and parses the rest as perfdata.
case_ B06
B06(){ newroot; MP='/var/lib/dock|er'
  out=$("$D" check --root $R --mountpoint "$MP" 2>&1); rc=$?
  first=${out%%|*}
  if [ "$(echo "$out" | grep -o '|' | wc -l)" -gt 1 ] || ! echo "$first" | grep -q 'er'; then
    fail "rc=$rc: Nagios text before the first '|' is '$first'"; else pass; fi
  cleanroot; }
# B07: check --textfile with a bad/unreadable settings file (or a bad argument): prints UNKNOWN but does not write the
# textfile; the last OK textfile stays, dockstore_status 0.
case_ B07
B07(){ newstore || { fail "setup"; cleanroot; return; }
  mkdir -p $R/tf; "$D" check --root $R --format prometheus --textfile /tf >/dev/null
  res=""
  for bad in unknownkey fifo unreadable badarg; do
    touch -d '2000-01-01' $R/tf/dockstore.prom
    rm -f $R/etc/sysconfig/dockstore; args=()
    case $bad in unknownkey) echo 'DOCKSTORE_BOGUS="1"' > $R/etc/sysconfig/dockstore;;
      fifo) mkfifo $R/etc/sysconfig/dockstore;;
      unreadable) echo 'DOCKSTORE_SIZE="200M"' > $R/etc/sysconfig/dockstore; chmod 600 $R/etc/sysconfig/dockstore; chmod 777 $R/tf;;
      badarg) args=(-w bogus);; esac
    if [ $bad = unreadable ]; then setpriv --reuid nobody --regid nogroup --clear-groups "$D" check --root $R --format prometheus --textfile /tf "${args[@]}" >/dev/null 2>&1; rc=$?
    else "$D" check --root $R --format prometheus --textfile /tf "${args[@]}" >/dev/null 2>&1; rc=$?; fi
    if [ "$(stat -c %Y $R/tf/dockstore.prom)" -lt 1000000000 ]; then res="$res $bad(rc=$rc,textfile not rewritten: $(grep '^dockstore_status' $R/tf/dockstore.prom))"; fi
  done
  rm -f $R/etc/sysconfig/dockstore
  if [ -n "$res" ]; then fail "$res"; else pass; fi
  cleanroot; }
# B08: a newline in --root is printed raw in provision's plan lines and status rows (refusals and check escape it as \n).
case_ B08
B08(){ P=$(mktemp -d /tmp/B_nl.XXXXXX); chmod 755 $P; R="$P/B"$'\n'"nl"; mkdir -p "$R/etc/sysconfig" "$R/var/lib"
  out=$("$D" provision --root "$R" --size 200M --dry-run 2>&1); rc=$?
  st=$("$D" status --root "$R" 2>&1 | head -1)
  if printf '%s\n' "$out" | grep -q '^nl/' || [ "$(printf '%s\n' "$st" | wc -l)" -gt 1 ]; then fail "rc=$rc plan/status split at the newline: $(printf '%s' "$st" | cat -A | tr '\n' ' ')"; else pass; fi
  rm -rf "$P"; R=; }
# P01: round trips backend -> provision -> backend -> teardown give sysconfig and fstab back byte for byte (odd but legal contents)
case_ P01
P01(){ local bad=""
  for spec in "NONE|NONE" "|" "# only comment|# only comment" 'DOCKER_OPTS="-s overlay2"\nDOCKER_OPTS="--debug"\n|UUID=1 / ext4 defaults 0 1' 'DOCKER_OPTS=""|\n\n' 'A=1\nDOCKER_OPTS=\n|LABEL=swap none swap sw 0 0\nPARTUUID=ab-01 /boot vfat defaults 0 2' "DOCKER_OPTS='-s btrfs --debug'|tmpfs /tmp tmpfs defaults 0 0"; do
    s=${spec%%|*}; f=${spec#*|}; newroot
    [ "$s" != NONE ] && printf '%b' "$s" > $R/etc/sysconfig/docker; [ "$f" != NONE ] && printf '%b' "$f" > $R/etc/fstab
    sum1=$(cd $R; find etc -type f -exec sha256sum {} + | sort)
    mkdir -p $R/var/lib/docker; "$D" backend overlay2 --root $R >/dev/null 2>&1; rmdir $R/var/lib/docker
    "$D" provision --root $R --size 200M >/dev/null 2>&1 && "$D" backend btrfs --storage-opt btrfs.min_space=1G --root $R >/dev/null 2>&1 && "$D" teardown --root $R --delete-image >/dev/null 2>&1 || bad="$bad [$spec: a command failed]"
    rm -f $R/etc/dockstore.disabled $R/etc/*.dockstore.bak $R/etc/sysconfig/*.dockstore.bak
    sum2=$(cd $R; find etc -type f -exec sha256sum {} + | sort)
    [ "$sum1" = "$sum2" ] || bad="$bad [$spec: not byte for byte]"
    cleanroot; done
  [ -z "$bad" ] && pass || fail "$bad"; }
# P02: fstab/sysconfig/daemon.json as FIFO, folder, symlink, dangling link, immutable: refused (2) with nothing changed
case_ P02
P02(){ local bad=""
  for which in etc/fstab etc/sysconfig/docker etc/docker/daemon.json; do for k in fifo dir symlink dangling immutable; do
    newroot; F=$R/$which
    case $k in fifo) mkfifo $F;; dir) mkdir $F;; symlink) echo x > $R/target; ln -s /target $F;; dangling) ln -s /nowhere $F;; immutable) echo '# x' > $F; chattr +i $F;; esac
    b=$(cd $R; find . | sort | md5sum); timeout 20 "$D" provision --root $R --size 200M >/dev/null 2>&1; rc=$?; a=$(cd $R; find . | sort | md5sum)
    { [ $rc = 2 ] && [ "$a" = "$b" ]; } || bad="$bad [$which $k rc=$rc]"
    chattr -i $F 2>/dev/null; cleanroot; done; done
  [ -z "$bad" ] && pass || fail "$bad"; }
# P03: output that cannot be written: documented exit codes, textfile still written with stdout closed
case_ P03
P03(){ newstore || { fail setup; cleanroot; return; }; local bad=""; mkdir -p $R/tf
  for f in nagios json prometheus; do "$D" check --root $R --format $f >&- 2>/dev/null; [ $? = 3 ] || bad="$bad [$f closed]"; "$D" check --root $R --format $f >/dev/full 2>/dev/null; [ $? = 3 ] || bad="$bad [$f full]"; "$D" check --root $R --format $f | head -c1 >/dev/null; [ ${PIPESTATUS[0]} = 0 ] || bad="$bad [$f epipe]"; done
  "$D" status --root $R >/dev/full 2>/dev/null; [ $? = 1 ] || bad="$bad [status full]"
  "$D" check --root $R --textfile /tf >&- 2>/dev/null; promtool check metrics < $R/tf/dockstore.prom >/dev/null 2>&1 || bad="$bad [textfile with stdout closed not valid]"
  grep -q DOCKSTORE $R/tf/dockstore.prom && bad="$bad [nagios text in textfile]"
  [ -z "$bad" ] && pass || fail "$bad"; cleanroot; }
# P04: what dockstore writes is read back by libmount, systemd-fstab-generator, systemd-analyze, bash, promtool
case_ P04
P04(){ newroot; local bad=""; MP='/var/lib/do"ck\er%x'
  "$D" provision --root $R --size 200M --mountpoint "$MP" >/dev/null 2>&1 || bad="provision failed"
  [ "$(findmnt --fstab -F $R/etc/fstab -n -o TARGET | tail -1)" = "$MP" ] || bad="$bad [libmount target]"
  O=$(mktemp -d); SYSTEMD_FSTAB=$R/etc/fstab /usr/lib/systemd/system-generators/systemd-fstab-generator $O $O $O 2>/dev/null
  grep -qxF "Where=${MP//%/%%}" $O/*.mount || bad="$bad [generator Where]"; rm -rf $O
  [ "$(bash -c "source $R/etc/sysconfig/docker; echo \$DOCKER_OPTS")" = "--storage-driver=btrfs" ] || bad="$bad [bash DOCKER_OPTS]"
  "$D" check --root $R --mountpoint "$MP" --format prometheus | promtool check metrics >/dev/null 2>&1 || bad="$bad [promtool]"
  [ -z "$bad" ] && pass || fail "$bad"; cleanroot; }
# B09: DOCKER_OPTS read unlike dockerd's flag parser (pflag): a value-taking flag eats the next word; -D and -s combine.
case_ B09
B09(){ newroot; mkdir -p $R/var/lib/docker; echo '{}' > $R/etc/docker/daemon.json; local bad=""
  # (a) combined shorthand: dockerd runs vfs, backend says no driver is set
  printf 'DOCKER_OPTS="-Ds vfs"\n' > $R/etc/sysconfig/docker
  show=$("$D" backend --root $R 2>&1 | grep '^driver:')
  dk=$("$DTRY" $R/etc/docker/daemon.json -Ds vfs)
  echo "$show" | grep -q 'not set' && echo "$dk" | grep -q 'STARTED driver=vfs ' && bad="$bad [(a) -Ds vfs: backend '$show', dockerd $dk]"
  # (b) backend vfs done, exit 0, but dockerd still does not get --storage-driver=vfs (--label eats it)
  printf 'DOCKER_OPTS="--label --storage-driver=overlay2 --debug"\n' > $R/etc/sysconfig/docker
  "$D" backend vfs --root $R >/dev/null 2>&1; rc=$?
  O=$(. $R/etc/sysconfig/docker; echo "$DOCKER_OPTS")
  dk=$("$DTRY" $R/etc/docker/daemon.json $O)
  [ $rc = 0 ] && ! echo "$dk" | grep -q 'STARTED driver=vfs ' && bad="$bad [(b) backend vfs rc=0, DOCKER_OPTS='$O', dockerd: $dk]"
  # (d) dangling --storage-opt: 'dockerd can start with this', dockerd: flag needs an argument
  printf 'DOCKER_OPTS="--storage-driver=vfs --storage-opt"\n' > $R/etc/sysconfig/docker
  "$D" backend --root $R >/dev/null 2>&1; rc=$?
  dk=$("$DTRY" $R/etc/docker/daemon.json --storage-driver=vfs --storage-opt)
  [ $rc = 0 ] && echo "$dk" | grep -q FAILED && bad="$bad [(d) backend rc=0, dockerd: $(echo $dk | cut -c1-80)]"
  [ -z "$bad" ] && pass || fail "$bad"; cleanroot; }
# B10: DOCKER_OPTS --config-file / --data-root (or daemon.json data-root) ignored by provision/backend/status.
case_ B10
B10(){ local bad=""
  newroot; mkdir -p $R/var/lib/docker
  printf '{"storage-driver":"overlay2"}' > $R/etc/docker/alt.json; printf 'DOCKER_OPTS="--config-file=/etc/docker/alt.json"\n' > $R/etc/sysconfig/docker
  "$D" backend vfs --root $R >/dev/null 2>&1; rc=$?
  dk=$("$DTRY" $R/etc/docker/alt.json --storage-driver=vfs)
  [ $rc = 0 ] && echo "$dk" | grep -q FAILED && bad="$bad [--config-file: backend vfs rc=0, dockerd: $(echo $dk | cut -c1-140)]"
  cleanroot
  newroot; printf 'DOCKER_OPTS="--data-root=/srv/docker"\n' > $R/etc/sysconfig/docker
  "$D" provision --root $R --size 200M >/dev/null 2>&1; rc=$?
  "$D" status --root $R >/dev/null 2>&1; st=$?
  [ $rc = 0 ] && [ $st = 0 ] && bad="$bad [--data-root=/srv/docker: provision rc=0 'ready', status 0 'in place'; DOCKER_OPTS now '$(grep ^DOCKER_OPTS $R/etc/sysconfig/docker)']"
  cleanroot
  [ -z "$bad" ] && pass || fail "$bad"; }
# B11: check rejects the getopt form -w20%: (value attached to the short option), as "Unknown option".
case_ B11
B11(){ newstore || { fail setup; cleanroot; return; }
  out=$("$D" check --root $R -w20%: -c10%: 2>&1); rc=$?
  if [ $rc = 3 ] && echo "$out" | grep -q 'Unknown option'; then fail "rc=$rc: $out"; else pass "rc=$rc"; fi
  cleanroot; }
# B12: DOCKSTORE_MOUNT_OPTIONS="nosymfollow" (like noexec, which is refused) is accepted; Docker's btrfs driver then cannot
# follow any symlink in a container: /bin/sh -> busybox gives ELOOP. provision "ready", check OK, status "in place".
case_ B12
B12(){ newroot; printf 'DOCKSTORE_MOUNT_OPTIONS="nosymfollow"\nDOCKSTORE_SIZE="1G"\n' > $R/etc/sysconfig/dockstore
  "$D" provision --root $R >/dev/null 2>&1; rc=$?
  if [ $rc != 0 ]; then pass "refused rc=$rc"; cleanroot; return; fi
  RF=$(mktemp -d /tmp/B_rf.XXXXXX); mkdir -p $RF/bin; cp /usr/bin/busybox $RF/bin/busybox; ln -s busybox $RF/bin/sh; tar -C $RF -cf $RF.tar .
  W=$(mktemp -d /tmp/B_dk.XXXXXX)
  dockerd --data-root $R/var/lib/docker --exec-root $W/exec --pidfile $W/pid --host unix://$W/sock --iptables=false --bridge=none --ip-masq=false --storage-driver=btrfs >$W/log 2>&1 & dp=$!
  for i in $(seq 60); do docker -H unix://$W/sock info >/dev/null 2>&1 && break; sleep 0.5; done
  docker -H unix://$W/sock import $RF.tar bb:1 >/dev/null 2>&1
  out=$(docker -H unix://$W/sock run --rm --network none bb:1 /bin/sh -c 'echo ok' 2>&1); run=$?
  kill $dp; for i in $(seq 40); do kill -0 $dp 2>/dev/null || break; sleep 0.5; done
  findmnt -rn -o TARGET | grep -F "$W" | sort -r | while read -r m; do umount "$m"; done
  rm -rf $W $RF $RF.tar
  if [ $run != 0 ]; then fail "provision rc=0 with nosymfollow; docker run: $(echo "$out" | grep -o 'stat /bin/sh.*' | head -1)"; else pass; fi
  cleanroot; }
# B13: an fstab line for /var/lib/./docker (libmount/systemd: the same mountpoint) is not seen as a line for /var/lib/docker
# (// and a trailing / are); provision appends a second line: systemd-fstab-generator fails on the duplicate unit.
case_ B13
B13(){ local bad=""
  for tgt in '/var/lib/./docker' '/var/lib/docker/.' '/var/lib/../lib/docker'; do
    newroot; printf 'tmpfs %s tmpfs noauto 0 0\n' "$tgt" > $R/etc/fstab
    "$D" provision --root $R --size 200M >/dev/null 2>&1; rc=$?
    O=$(mktemp -d); g=$(SYSTEMD_FSTAB=$R/etc/fstab /usr/lib/systemd/system-generators/systemd-fstab-generator $O $O $O 2>&1 | grep -i 'already exists'); grc=$?; rm -rf $O
    [ $rc = 0 ] && [ $grc = 0 ] && bad="$bad [$tgt: provision rc=0, generator: $g]"
    cleanroot; done
    newroot; printf '/var/lib/./docker-storage.btrfs /srv btrfs loop 0 0\n' > $R/etc/fstab
  "$D" provision --root $R --size 200M >/dev/null 2>&1; rc=$?
  [ $rc = 0 ] && bad="$bad [image also mounted at /srv by '/var/lib/./docker-storage.btrfs /srv btrfs loop': provision rc=0 (the same line spelled /var/lib/docker\\055storage.btrfs is refused)]"
  cleanroot
[ -z "$bad" ] && pass || fail "$bad"; }
# B14: a tmpfs at the mountpoint (the store not mounted): check says OK with the tmpfs's figures; status says "not this store".
case_ B14
B14(){ newroot; mkdir -p $R/var/lib/docker; mount -t tmpfs -o size=10m tmpfs $R/var/lib/docker
  out=$("$D" check --root $R 2>&1); rc=$?
  "$D" status --root $R >/dev/null 2>&1; st=$?
  umount $R/var/lib/docker
  if [ $rc = 0 ]; then fail "check rc=0 '$(echo "$out" | cut -c1-70)', status rc=$st"; else pass "check rc=$rc"; fi
  cleanroot; }
# B05b: image replaced while mounted: check CRITICAL (right), but status calls it a device store and advises removing the store's fstab line.
case_ B05b
B05b(){ newstore || { fail "setup"; cleanroot; return; }
  I=$R/var/lib/docker-storage.btrfs; cp --sparse=always $I $I.cp; mv $I.cp $I
  st=$("$D" status --root $R 2>&1)
  if echo "$st" | grep -q '^store: *device' || echo "$st" | grep -q 'remove that line'; then fail "status: $(echo "$st" | grep -E '^store:|remove that line' | tr '\n' ' ' | cut -c1-220)"; else pass; fi
  cleanroot; }
# B15: the documented non-root check (NRPE runs as nagios) on a store Docker has used: dockerd 20.10 makes its data root
# 0710 root:root, and check (as any non-root user) is then always UNKNOWN "cannot open /var/lib/docker: Permission denied".
case_ B15
B15(){ newstore || { fail setup; cleanroot; return; }
  chmod 0710 $R/var/lib/docker      # what dockerd 20.10 does to its data root (see dockerd-try: 710 root:root)
  out=$(setpriv --reuid nobody --regid nogroup --clear-groups "$D" check --root $R 2>&1); rc=$?
  if [ $rc = 3 ]; then fail "as nobody: rc=3 '$(echo "$out" | cut -c1-120)'"; else pass "rc=$rc"; fi
  cleanroot; }
# B16: after `btrfs device stats -z` (the reset check's message asks for), the record of old counters is kept while they read 0;
# new errors up to the old count are then "none new since the last check" (WARNING) instead of CRITICAL.
case_ B16
B16(){ newstore || { fail setup; cleanroot; return; }
  python3 -c "open('$R/var/lib/docker/victim','wb').write(b'ZQXJ'*1024*64)"; sync
  I=$R/var/lib/docker-storage.btrfs; off=$(grep -obUaP 'ZQXJZQXJZQXJZQXJ' $I | head -1 | cut -d: -f1)
  echo 3 > /proc/sys/vm/drop_caches; printf 'AAAAAAAAAAAAAAAA' | dd of=$I bs=1 seek=$off conv=notrunc 2>/dev/null
  echo 3 > /proc/sys/vm/drop_caches; cat $R/var/lib/docker/victim >/dev/null 2>&1
  "$D" check --root $R >/dev/null; r1=$?          # CRITICAL: first seen
  "$D" check --root $R >/dev/null; r2=$?          # WARNING: old errors
  btrfs device stats -z $R/var/lib/docker >/dev/null
  "$D" check --root $R >/dev/null; r3=$?          # OK
  echo 3 > /proc/sys/vm/drop_caches; cat $R/var/lib/docker/victim >/dev/null 2>&1   # new corruption errors
  out=$("$D" check --root $R 2>&1); r4=$?
  if [ $r4 != 2 ]; then fail "after reset and new errors: rc=$r4 (sequence $r1 $r2 $r3 $r4): $(echo "$out" | sed 's/ | .*//' | cut -c1-140)"; else pass "$r1 $r2 $r3 $r4"; fi
  cleanroot; }
# B17: check's own cache /var/lib/dockstore/orphan-count keeps /var/lib/dockstore after teardown --delete-image.
case_ B17
B17(){ newroot; tree0=$(cd $R; find . | sort)
  "$D" provision --root $R --size 200M >/dev/null 2>&1
  mkdir -p $R/var/lib/docker/btrfs/subvolumes $R/var/lib/docker/image/btrfs/layerdb/{sha256,mounts,tmp}; sleep 3
  "$D" check --root $R >/dev/null 2>&1
  "$D" teardown --root $R --delete-image >/dev/null 2>&1; rc=$?
  rm -f $R/etc/dockstore.disabled
  left=$(cd $R; find . -not -path './run*' | sort | diff <(echo "$tree0") - | grep '^>' | tr '\n' ' ')
  if [ -n "$left" ]; then fail "teardown rc=$rc left: $left"; else pass; fi
  cleanroot; }
# B18: a non-UTF-8 argument to check gives a Nagios line whatever --format asks (JSON/Prometheus consumers get garbage),
# and the reason talks about fstab/systemd even for a threshold.
case_ B18
B18(){ local bad=""
  for f in json prometheus; do
    out=$("$D" check --format $f --mountpoint $'/var/\xff' 2>/dev/null)
    case $f in json) echo "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null || bad="$bad [$f: '$(echo "$out"|head -c 60)']";;
      prometheus) echo "$out" | promtool check metrics >/dev/null 2>&1 || bad="$bad [$f: '$(echo "$out"|head -c 60)']";; esac
  done
  m=$("$D" check -w $'\xff' 2>&1); echo "$m" | grep -q 'fstab' && bad="$bad [-w: '$(echo "$m" | cut -c1-110)']"
  [ -z "$bad" ] && pass || fail "$bad"; }
### MAIN
if [ -n "$1" ]; then RUN=("$@"); else RUN=("${CASES[@]}"); fi
for CASE in "${RUN[@]}"; do "$CASE"; done
echo "cases: $((PASS+FAIL)) pass: $PASS fail: $FAIL ${FAILED[*]}"
[ $FAIL = 0 ]
