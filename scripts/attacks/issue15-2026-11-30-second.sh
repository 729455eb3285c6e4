#!/bin/bash
# The second outside attack on issue 15 (2026-11-30, black box: man pages, README, binary), kept as a
# re-runnable check that prints PASS/FAIL per case. All PASS since that day's fixes but two, open items of
# issue 15: F4b (teardown refused at its unmount re-check has already written etc/dockstore.disabled) and
# F7 (teardown leaves a DOCKER_OPTS="" line it added, and an empty docker.service.d folder).
# Both fixed on branch i15tear (F4b: the boot switch after the unmount; F7: marked additions).
# D=PATH names the binary (default: this checkout's debug build).
# Re-runnable reproductions of the findings against dockstore. Run as root.
# Every case works in its own mktemp -d /tmp/dockstore-attack.XXXXXX folder, passes --root into it,
# uses loop devices only over sparse files inside it and cleans up only mounts under it and loop
# devices whose backing file is under it.
D=${D:-$(cd "$(dirname "$0")/../.." && pwd)/.build/debug/dockstore}
GEN=/lib/systemd/user-environment-generators/30-systemd-environment-d-generator
mk(){ mkdir -p $1/etc/sysconfig $1/etc/docker $1/var/lib $1/run $1/etc/systemd/system; printf '# fstab\n/dev/vda1 / ext4 defaults 0 1\n' > $1/etc/fstab; }
cln(){ local base=$1; case "$base" in /tmp/dockstore-attack.?*) ;; *) echo "refusing to clean $base"; return 1;; esac
  for i in 1 2 3 4 5; do
    awk '{print $5}' /proc/self/mountinfo | tac | while read -r m; do m=$(printf '%b' "$m"); case "$m" in "$base"/*) umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null;; esac; done
  done
  losetup -n -l -O NAME,BACK-FILE 2>/dev/null | while read -r n f; do case "$f" in "$base"/*) losetup -d "$n";; esac; done
  sleep 0.2
  if grep -q " $base/" /proc/self/mountinfo; then echo "warning: mounts left under $base, not removing it"; else rm -rf "$base"; fi; }
snap(){ (cd $1 && find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort; find . -type f ! -name '*.btrfs*' -exec md5sum {} + 2>/dev/null | LC_ALL=C sort); }
res(){ if [ "$2" = PASS ]; then echo "PASS $1"; else echo "FAIL $1: $3"; fi; }
# bash's and systemd's reading of DOCKER_OPTS (systemd: its env-file parser through the environment.d generator)
bash_reads(){ env -i HOME=/root bash -c '. "$1" >/dev/null 2>&1; if [ -n "${DOCKER_OPTS+x}" ]; then printf "%s" "$DOCKER_OPTS" | od -An -tx1 | tr -d " \n"; else echo UNSET; fi' _ "$1" 2>/dev/null; }
systemd_reads(){ local t; t=$(mktemp -d /tmp/dockstore-attack.XXXXXX); mkdir -p $t/environment.d; cp "$1" $t/environment.d/50-x.conf
  env -i XDG_CONFIG_HOME=$t $GEN 2>/dev/null | python3 -c '
import sys,re
v=None
for line in sys.stdin.buffer.read().split(b"\n"):
    if line.startswith(b"DOCKER_OPTS="):
        x=line[12:]
        if x.startswith(b"\""): x=re.sub(rb"\\(.)",rb"\1",x[1:-1])
        v=x
print("UNSET" if v is None else v.hex())'; rm -rf $t; }

# ---------- F1: teardown unmounts a bind mount stacked on the store, says done, store stays mounted
f1(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R
  $D provision --root $R --size 200M >/dev/null 2>&1 || { res F1 FAIL "provision failed"; cln $W; return; }
  mkdir -p $R/var/lib/docker/sub; mount --bind $R/var/lib/docker/sub $R/var/lib/docker
  $D teardown --root $R > $W/out 2>&1; local rc=$?
  local still=$(awk -v m="$R/var/lib/docker" '{for(i=7;i<=NF;i++) if($i=="-"){ if($5==m && $(i+1)=="btrfs") print; break}}' /proc/self/mountinfo | wc -l)
  if [ $rc = 0 ] && [ $still -gt 0 ]; then res F1 FAIL "teardown exit 0 (fstab line, drop-in, DOCKER_OPTS removed) but the store is still mounted at the mountpoint ($still btrfs mount(s) left); it unmounted only the bind mount on top"
  else res F1 PASS; fi; cln $W; }
# F1b: the same with --delete-image: exit 2 ("refused, nothing changed") after changing everything
f1b(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R
  $D provision --root $R --size 200M >/dev/null 2>&1; mkdir -p $R/var/lib/docker/sub; mount --bind $R/var/lib/docker/sub $R/var/lib/docker
  local b=$(snap $R | grep -v '^./var/lib/docker'); $D teardown --root $R --delete-image > $W/out 2>&1; local rc=$?; local a=$(snap $R | grep -v '^./var/lib/docker')
  if [ $rc = 2 ] && [ "$a" != "$b" ]; then res F1b FAIL "exit 2 (refused, nothing changed) but fstab/drop-in/sysconfig were changed and dockstore.disabled created: $(tail -1 $W/out)"
  else res F1b PASS; fi; cln $W; }

# ---------- F2: sysconfig lines bash and systemd read differently are accepted and edited
f2case(){ local name=$1 content=$2; local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R
  printf '%b' "$content" > $R/etc/sysconfig/docker
  local b0=$(bash_reads $R/etc/sysconfig/docker) s0=$(systemd_reads $R/etc/sysconfig/docker)
  $D backend vfs --force --root $R > $W/out 2>&1; local rc=$?
  local b=$(bash_reads $R/etc/sysconfig/docker) s=$(systemd_reads $R/etc/sysconfig/docker)
  shw(){ [ "$1" = UNSET ] && echo UNSET || echo "'$(echo "$1" | xxd -r -p)'"; }
  if [ $rc = 0 ] && [ "$b0" != "$s0" ]; then res "F2-$name" FAIL "before: bash reads DOCKER_OPTS=$(shw $b0), systemd $(shw $s0); backend vfs exit 0 (expected exit 2 naming the line); after: bash $(shw $b), systemd $(shw $s)"
  else res "F2-$name" PASS; fi; cln $W; }
f2(){
  f2case name-continuation 'DOCKER_OPTS="-s btrfs"\nDOCKER_OPTS\\\n=x\n'
  f2case semicolon-line '; SUSE comment style\nDOCKER_OPTS="-s btrfs"\n'
  f2case unset 'DOCKER_OPTS="-s btrfs"\nunset DOCKER_OPTS\n'
  f2case read-builtin 'DOCKER_OPTS="-s btrfs"\nread DOCKER_OPTS <<< "-s overlay2"\n'
  f2case printf-v 'DOCKER_OPTS="-s btrfs"\nprintf -v DOCKER_OPTS -- "-s overlay2"\n'
  f2case return 'DOCKER_OPTS="-s btrfs"\nreturn\nDOCKER_OPTS="-s overlay2"\n'
  f2case tilde 'FOO=1\nDOCKER_OPTS=~/x\n'
}
# F2-show: backend (show) says the driver comes from DOCKER_OPTS while bash never sees it
f2show(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R
  printf 'DOCKER_OPTS="-s btrfs"\nunset DOCKER_OPTS\n' > $R/etc/sysconfig/docker
  $D backend --root $R > $W/out 2>&1; local rc=$?
  if [ $rc = 0 ] && [ "$(bash_reads $R/etc/sysconfig/docker)" != "$(systemd_reads $R/etc/sysconfig/docker)" ]; then res F2-show FAIL "backend exit 0 'dockerd can start with this', driver btrfs from DOCKER_OPTS, though bash reads DOCKER_OPTS unset and systemd '-s btrfs' (expected exit 2/4 naming line 2)"; else res F2-show PASS; fi; cln $W; }

# ---------- F3: provision overwrites an existing docker.service.d/dockstore.conf without backup; teardown deletes it
f3(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R; local dd=$R/etc/systemd/system/docker.service.d; mkdir -p $dd
  printf '[Service]\nEnvironment=HTTP_PROXY=http://proxy:3128\nLimitNOFILE=1048576\n' > $dd/dockstore.conf
  $D provision --root $R --size 200M > $W/out 2>&1; local rc=$?
  if grep -rqs 'HTTP_PROXY' $R/etc; then res F3 PASS; else res F3 FAIL "provision exit $rc rewrote $dd/dockstore.conf; the admin's lines (Environment=HTTP_PROXY…, LimitNOFILE) are gone, no backup anywhere under /etc"; fi; cln $W; }
f3b(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R; local dd=$R/etc/systemd/system/docker.service.d
  $D provision --root $R --size 200M >/dev/null 2>&1; printf '[Service]\nLimitNOFILE=1048576\n' >> $dd/dockstore.conf
  $D teardown --root $R > $W/out 2>&1; local rc=$?
  if grep -rqs 'LimitNOFILE' $R/etc; then res F3b PASS; else res F3b FAIL "teardown exit $rc deleted $dd/dockstore.conf including the admin's added line LimitNOFILE=1048576, no backup"; fi; cln $W; }

# ---------- F4: refusals (exit 2) create /run/dockstore.lock (and change /run's mtime)
f4(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R
  printf 'DOCKER_OPTS="-s btrfs"; B=1\n' > $R/etc/sysconfig/docker; local b=$(snap $R)
  $D backend vfs --force --root $R > $W/out 2>&1; local rc=$?; local a=$(snap $R)
  if [ $rc = 2 ] && [ "$a" != "$b" ]; then res F4 FAIL "backend refused (exit 2) but the tree changed: $(diff <(echo "$b") <(echo "$a") | grep '^>' | head -2 | tr '\n' ' ')"; else res F4 PASS; fi; cln $W; }
f4b(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R
  # The kernel writes the loop-mounted image on its own (btrfs commits): its time is no change of
  # dockstore's. The tmpfs the case mounts is taken down before comparing (its root differs).
  snap4b(){ snap $1 | grep -v '^./run' | sed -E 's|^(\./var/lib/docker-storage\.btrfs f [0-9]+ [0-9]+) [0-9.]+|\1|'; }
  $D provision --root $R --size 200M >/dev/null 2>&1; local b=$(snap4b $R)
  DOCKSTORE_PAUSE=unmount $D teardown --root $R > $W/out 2>&1 & local p=$!; sleep 0.4; mount -t tmpfs none $R/var/lib/docker; wait $p; local rc=$?
  umount $R/var/lib/docker; local a=$(snap4b $R)
  if [ $rc = 2 ] && [ "$a" != "$b" ]; then res F4b FAIL "teardown refused (exit 2, tmpfs mounted over the store after planning) but already created $(diff <(echo "$b") <(echo "$a") | grep '^>' | grep -o '\./etc/[^ ]*' | sort -u | tr '\n' ' ')"; else res F4b PASS; fi; cln $W; }

# ---------- F5: invisible (Default_Ignorable, not Cf) characters in a path accepted and printed raw
f5(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R; local bad=0 msg=""
  for cp in 3164 115F FFA0 E0080 2800; do local ch; ch=$(printf "\\U$(printf %08X 0x$cp)")
    $D provision --root $R --dry-run --mountpoint "/var/lib/docker$ch" > $W/out 2>&1; local rc=$?
    if [ $rc != 64 ] && grep -q "docker$ch" $W/out; then bad=1; msg="$msg U+$cp(exit $rc, printed raw)"; fi; done
  if [ $bad = 1 ]; then res F5 FAIL "invisible characters accepted in --mountpoint and printed unescaped, so /var/lib/docker<U+3164> displays as '/var/lib/docker ' :$msg"; else res F5 PASS; fi; cln $W; }

# ---------- F6: grow extends a file OUTSIDE --root when the image's folder is swapped for a link (relative link, escapes by ..)
f6(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root O=$W/outside; mk $R; mkdir -p $O
  $D provision --root $R --size 200M >/dev/null 2>&1 || { res F6 FAIL "provision failed"; cln $W; return; }
  truncate -s 1M $O/docker-storage.btrfs      # a file outside --root that merely has the image's name
  DOCKSTORE_PAUSE=extend-image $D grow --root $R --to 300M > $W/out 2>&1 & local p=$!
  sleep 0.5; mv $R/var/lib $R/var/lib.moved; ln -s ../../outside $R/var/lib   # inside --root, '..' must stop at $R
  wait $p; local rc=$?; local sz=$(stat -c %s $O/docker-storage.btrfs)
  if [ "$sz" != 1048576 ]; then res F6 FAIL "grow (exit $rc) extended $O/docker-storage.btrfs, outside --root, from 1048576 to $sz bytes (ftruncate through the host path: ../../outside escaped $R)"; else res F6 PASS; fi; cln $W; }

# F6b: grow resizes a DIFFERENT btrfs mounted outside --root when the folder is swapped before the resize step, and says it resized the store
f6b(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root O=$W/outside; mk $R; mkdir -p $O/docker
  $D provision --root $R --size 200M >/dev/null 2>&1 || { res F6b FAIL "provision failed"; cln $W; return; }
  truncate -s 400M $W/other.img; mkfs.btrfs -q -b 200M $W/other.img >/dev/null 2>&1; mount -o loop $W/other.img $O/docker
  local before=$(btrfs filesystem show $O/docker | grep -o 'size [0-9.]*MiB' | head -1)
  DOCKSTORE_PAUSE=resize $D grow --root $R --to 300M > $W/out 2>&1 & local p=$!
  sleep 0.5; mv $R/var/lib $R/var/lib.moved; ln -s ../../outside $R/var/lib
  wait $p; local rc=$?; local after=$(btrfs filesystem show $O/docker | grep -o 'size [0-9.]*MiB' | head -1)
  local store=$(btrfs filesystem show $R/var/lib.moved/docker | grep -o 'size [0-9.]*MiB' | head -1)
  if [ "$before" != "$after" ]; then res F6b FAIL "grow exit $rc ('[resize] resize btrfs device 1 … to its full 300 MiB') resized the btrfs mounted at $O/docker, outside --root: $before -> $after; the store stayed $store"; else res F6b PASS; fi; cln $W; }

# F1c: the store bind-mounted onto itself (two stacked mounts of the store at the mountpoint): teardown exit 0, one mount left
f1c(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R
  $D provision --root $R --size 200M >/dev/null 2>&1; mount --bind $R/var/lib/docker $R/var/lib/docker
  $D teardown --root $R > $W/out 2>&1; local rc=$?
  local still=$(awk -v m="$R/var/lib/docker" '$5==m' /proc/self/mountinfo | wc -l)
  if [ $rc = 0 ] && [ $still -gt 0 ]; then res F1c FAIL "teardown exit 0 but the store is still mounted at the mountpoint ($still mount left), fstab line and drop-in gone"; else res F1c PASS; fi; cln $W; }

# ---------- F7: provision then teardown does not give /etc/sysconfig/docker back (adds DOCKER_OPTS="")
f7(){ local W; W=$(mktemp -d /tmp/dockstore-attack.XXXXXX); local R=$W/root; mk $R
  printf '# my settings\nFOO=1\n' > $R/etc/sysconfig/docker; cp $R/etc/sysconfig/docker $W/s0
  $D provision --root $R --size 200M >/dev/null 2>&1; $D teardown --root $R --delete-image >/dev/null 2>&1; local rc=$?
  if ! cmp -s $W/s0 $R/etc/sysconfig/docker || [ -e $R/etc/systemd/system/docker.service.d ]; then res F7 FAIL "teardown exit $rc left $R/etc/sysconfig/docker with an added line: $(diff $W/s0 $R/etc/sysconfig/docker | grep '^>' | tr '\n' ' ')(and an empty docker.service.d folder)"; else res F7 PASS; fi; cln $W; }

f1; f1b; f1c; f2; f2show; f3; f3b; f4; f4b; f5; f6; f6b; f7
