#!/bin/bash
# attack.sh - attacker C, attack 19: interrupted migrate-ebs, then real boots: real boots of a Debian root (systemd 252 under nspawn)
# with dockstore installed and enabled; the state is changed between boots.
#   ./attack.sh [METHOD:FAILPOINT:MODE | pc:MODE:METHOD ...]  (default: all)   KEEP=1 keeps $RUN for reading
# Cleans every mount, loop device (only those over files under $RUN), process, cgroup and folder it made.
# ---- framework ----
set -uo pipefail
B=/work/attack19/c
RUN=$B/run
SRC=/var/cache/dockstore-boot-test/bookworm-c9321a38d22825c0/root
BIN=/work/attack19/dockstore
STANDIN=/work/main/scripts/boot-test.d/units/docker.service
BUSYBOX=/var/cache/dockstore-boot-test/bookworm-c9321a38d22825c0/busybox.tar

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# detach only loop devices whose backing file lies under $RUN (the ones we made)
detach_ours() {
  local dev f
  for dev in /sys/block/loop*; do
    [ -r "$dev/loop/backing_file" ] || continue
    f=$(cat "$dev/loop/backing_file" 2>/dev/null)
    case "$f" in "$RUN"/*)
      log "detach /dev/${dev##*/} ($f)"
      losetup -d "/dev/${dev##*/}" 2>/dev/null ;;
    esac
  done
}
umount_ours() {
  local m
  # deepest first
  awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do
    log "umount $m"; umount -l "$m" 2>/dev/null
  done
}
kill_ours() {
  local c p
  for c in /sys/fs/cgroup/unified/atk19c-* /sys/fs/cgroup/systemd/atk19c-*; do
    [ -d "$c" ] || continue
    for p in $(find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null); do
      [ "$p" = "$$" ] || kill -9 "$p" 2>/dev/null
    done
  done
}
rm_cgroups() {
  local c
  for c in $(find /sys/fs/cgroup/unified/atk19c-* /sys/fs/cgroup/systemd/atk19c-* -depth -type d 2>/dev/null); do
    rmdir "$c" 2>/dev/null
  done
}
cleanup_all() {
  trap - EXIT INT TERM; kill $(jobs -p) 2>/dev/null; pkill -P $$ 2>/dev/null; sleep 1
  kill_ours; sleep 1
  umount_ours; detach_ours; rm_cgroups
  mkdir -p "$B/results"; for x in "$RUN"/*/atk; do [ -d "$x" ] && rsync -a --exclude busybox.tar "$x/" "$B/results/$(basename "$(dirname "$x")")/"; done
  [ -n "${KEEP:-}" ] || { chattr -R -i "$RUN" 2>/dev/null; rm -rf "$RUN"; }
}

# make_root N : fresh copy with dockstore installed+enabled, stand-in docker.service, agent
make_root() {
  local n=$1 d=$RUN/$1
  rm -rf "$d"; mkdir -p "$d/atk/out"
  cp -a "$SRC" "$d/root"
  local r=$d/root
  "/work/main/scripts/install" --destdir "$r" --binary "$BIN" --enable >"$d/install.log" 2>&1 || { log "install failed"; cat "$d/install.log"; return 1; }
  rm -f "$r/lib/systemd/system/docker.service"
  cp "$STANDIN" "$r/lib/systemd/system/docker.service"
  systemctl --root="$r" enable docker.service >/dev/null 2>&1
  cp "$BUSYBOX" "$d/atk/busybox.tar"
  mkdir -p "$r/atk"
  cat > "$r/etc/systemd/system/atk-devnodes.service" <<'U'
[Unit]
DefaultDependencies=no
Before=local-fs-pre.target systemd-fstab-generator.service
Wants=local-fs-pre.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'for i in $(seq 0 127); do [ -e /dev/loop$i ] || mknod -m 0660 /dev/loop$i b 7 $i; done'
[Install]
WantedBy=sysinit.target
U
  cat > "$r/etc/systemd/system/atk-agent.service" <<'U'
[Unit]
After=multi-user.target
[Service]
Type=simple
ExecStart=/atk/agent.sh
[Install]
WantedBy=multi-user.target
U
  systemctl --root="$r" enable atk-devnodes.service atk-agent.service >/dev/null 2>&1
  cat > "$d/atk/agent.sh" <<'A'
#!/bin/bash
n=$(cat /atk/bootno 2>/dev/null || echo 0); n=$((n+1)); echo $n > /atk/bootno
o=/atk/out/boot-$n; mkdir -p $o
timeout 90 systemctl is-system-running --wait > $o/state 2>&1
systemctl --failed --no-legend --plain > $o/failed 2>&1
journalctl -b --no-pager > $o/journal 2>&1
journalctl -b --no-pager -u dockstore-provision.service -u docker.service -u var-lib-docker.mount > $o/units-journal 2>&1
journalctl -b --no-pager | grep -iE 'cycle|ordering' > $o/cycle
findmnt -l > $o/findmnt 2>&1
cat /proc/self/mountinfo > $o/mountinfo
losetup -a > $o/losetup 2>&1
blkid > $o/blkid 2>&1; cat /var/lib/dockstore/migration.json > $o/migration.json 2>&1; ls -la /var/lib/ > $o/ls-varlib 2>&1
systemctl is-active docker.service > $o/docker-active 2>&1
systemctl show dockstore-provision.service -p Result -p ExecMainStatus -p ActiveState -p ConditionResult > $o/prov.show 2>&1
if [ "$(cat $o/docker-active)" = active ]; then timeout 30 docker info > $o/docker-info 2>&1; fi
mountpoint /var/lib/docker > $o/mountpoint 2>&1
ls -la /var/lib/docker > $o/ls-docker 2>&1
cat /var/lib/docker/volumes/keep/_data/f > $o/data 2>&1
timeout 30 /usr/local/sbin/dockstore status > $o/status 2>&1; echo "rc=$?" >> $o/status
timeout 30 /usr/local/sbin/dockstore check > $o/check 2>&1; echo "rc=$?" >> $o/check
cat /etc/fstab > $o/fstab; cat /etc/sysconfig/dockstore > $o/sysconfig-dockstore 2>&1
cat /etc/sysconfig/docker > $o/sysconfig-docker 2>&1
ls /run/systemd/generator/ > $o/generator 2>&1
[ -x /atk/hook-$n.sh ] && timeout 100 /atk/hook-$n.sh $o > $o/hook.log 2>&1
sync
systemctl poweroff
A
  chmod +x "$d/atk/agent.sh"
}

# boot N K [extra nspawn args...]: one boot of root N, in cgroups of our own
boot() {
  local n=$1 k=$2; shift 2
  local d=$RUN/$n cg=atk19c-$n-$k
  log "boot case $n #$k"
  mkdir -p /sys/fs/cgroup/systemd/$cg /sys/fs/cgroup/unified/$cg
  (
    echo $BASHPID > /sys/fs/cgroup/systemd/$cg/cgroup.procs
    echo $BASHPID > /sys/fs/cgroup/unified/$cg/cgroup.procs
    export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
    exec timeout 180 systemd-nspawn --quiet --boot --register=no --keep-unit --private-network \
      --bind=/dev/loop-control --bind=/dev/btrfs-control --bind="$d/atk:/atk" --capability=all --system-call-filter='keyctl bpf' \
      "$@" -D "$d/root" -M "atk19c-$n" > "$d/atk/nspawn-$k.log" 2>&1
  )
  local rc=$?
  echo "$rc" > "$d/atk/nspawn-$k.rc"
  rmdir /sys/fs/cgroup/systemd/$cg /sys/fs/cgroup/unified/$cg 2>/dev/null
  detach_ours_for "$d"
  log "boot case $n #$k rc=$rc"
  return 0
}
# loops left after a boot over files of this root: record them (a boot's leftovers are a finding), then detach
detach_ours_for() {
  local d=$1 dev f
  for dev in /sys/block/loop*; do
    f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
    case "$f" in "$d/root"/*) echo "/dev/${dev##*/} $f" >> "$d/atk/leftover-loops"; losetup -d "/dev/${dev##*/}" 2>/dev/null ;; esac
  done
}
# summary of boot K of case N
show() {
  local o=$RUN/$1/atk/out/boot-$2
  echo "== case $1 boot $2: nspawn rc=$(cat $RUN/$1/atk/nspawn-$2.rc 2>/dev/null)"
  [ -d "$o" ] || { echo "no facts (agent did not run)"; tail -20 $RUN/$1/atk/nspawn-$2.log; return; }
  echo "state: $(tail -1 $o/state)  docker: $(cat $o/docker-active)  mp: $(cat $o/mountpoint)  data: $(cat $o/data)"
  echo "failed: $(cat $o/failed)"
  echo "prov: $(tr '\n' ' ' < $o/prov.show)"
  echo "cycle: $(cat $o/cycle)"
  echo "loops: $(cat $o/losetup)"
  grep -E ' /var/lib/docker' $o/mountinfo | awk '{print $3,$4,$5,$9,$10}'
  echo "status: $(tail -3 $o/status | tr '\n' ' ')"
  echo "check: $(tail -3 $o/check | tr '\n' ' ')"
  grep -E 'Storage Driver|Docker Root' $o/docker-info 2>/dev/null
}

# ---- cases ----
trap 'cleanup_all' EXIT INT TERM
mkdir -p "$RUN"
hook() { printf '#!/bin/bash\nset -x\n%s\n' "$3" > "$RUN/$1/atk/hook-$2.sh"; chmod +x "$RUN/$1/atk/hook-$2.sh"; }
DATA_WRITE='docker import /atk/busybox.tar busybox >/dev/null && docker run --name writer -v keep:/v busybox sh -c "echo precious > /v/f; sync" && cat /var/lib/docker/volumes/keep/_data/f; sync'
R() { echo "$RUN/$1/root"; }
# what a boot-2/3 hook records, then follows status's advice (the migrate-ebs command it names)
FOLLOW='dockstore status; echo status=$?; dockstore check; echo check=$?; cmd=$(dockstore status 2>&1 | grep -o "dockstore migrate-ebs [^ )]*" | head -1); echo "ADVICE: $cmd"; if [ -n "$cmd" ]; then $cmd --yes; echo follow-rc=$?; fi; findmnt /var/lib/docker; blkid; cat /var/lib/dockstore/migration.json; systemctl is-active docker.service; docker info 2>&1 | grep -E "Root Dir|Storage Driver"; cat /var/lib/docker/volumes/keep/_data/f; dockstore status; dockstore check'
VERIFY='findmnt /var/lib/docker; systemctl is-active docker.service; docker info 2>&1 | grep -E "Root Dir|Storage Driver"; docker run --rm -v keep:/v busybox cat /v/f; echo run-rc=$?; dockstore status; dockstore check'

# case_m METHOD FAILPOINT MODE   METHOD: replace|add-remove  MODE: same|swap|gone|abort
case_m() { local meth=$1 fp=$2 mode=$3; local c="${meth:0:2}-$fp-$mode"; make_root "$c" || return; local r; r=$(R "$c") d=$RUN/$c
  echo "DOCKSTORE_WAIT=15" >> "$r/etc/sysconfig/dockstore"
  truncate -s 8G "$d/vol.img"; local vol; vol=$(losetup -f --show "$d/vol.img"); echo "$vol" > "$d/atk/vol-1"
  hook "$c" 1 "$DATA_WRITE"'; export DOCKSTORE_MIGRATE_METHOD='"$meth"'; DOCKSTORE_FAILPOINT='"$fp"' dockstore migrate-ebs '"$vol"' --yes; echo mig-rc=$?; cat /var/lib/dockstore/migration.json; grep -v "^#" /etc/fstab; ls -la /var/lib; dockstore status; dockstore check'
  boot "$c" 1 --bind="$vol"
  case $mode in
  same)
    hook "$c" 2 "$FOLLOW"; hook "$c" 3 "$VERIFY"
    boot "$c" 2 --bind="$vol"; boot "$c" 3 --bind="$vol"; losetup -d "$vol" ;;
  swap|swapscan)
    losetup -d "$vol"; truncate -s 8G "$d/blank.img"; losetup "$vol" "$d/blank.img" || { log "$c: could not take $vol"; return; }
    local vol2; vol2=$(losetup -f --show "$d/vol.img"); echo "$vol2" > "$d/atk/vol-2"; echo "$vol" > "$d/atk/blank-2"
    sed -i "s|DOCKSTORE_DEVICE=$vol|DOCKSTORE_DEVICE=$vol|" "$r/etc/sysconfig/dockstore"
    if [ "$mode" = swapscan ]; then  # what udev's btrfs rule would do on a real host: register the renamed member, then provision
      hook "$c" 2 "btrfs device scan 2>&1; dockstore provision; echo prov-rc=\$?; $FOLLOW; blkid $vol"
    else
      hook "$c" 2 "blkid $vol; $FOLLOW; blkid $vol; head -c 1048576 $vol | od -An | sort -u | head -3"
    fi
    hook "$c" 3 "$VERIFY; blkid $vol"
    boot "$c" 2 --bind="$vol" --bind="$vol2"; boot "$c" 3 --bind="$vol" --bind="$vol2"
    losetup -d "$vol" "$vol2"
    if cmp -s "$d/blank.img" /dev/zero -n 8589934592; then echo blank-still-zero > "$d/atk/blank-check"; else cmp "$d/blank.img" /dev/zero -n 8589934592 > "$d/atk/blank-check" 2>&1; fi ;;
  gone)
    losetup -d "$vol"
    hook "$c" 2 'dockstore status; echo status=$?; dockstore check; echo check=$?; systemctl list-jobs; findmnt /var/lib/docker; ls /var/lib/docker'
    boot "$c" 2
    vol=$(losetup -f --show "$d/vol.img"); echo "$vol" > "$d/atk/vol-3"
    hook "$c" 3 "$FOLLOW"; hook "$c" 4 "$VERIFY"
    boot "$c" 3 --bind="$vol"; boot "$c" 4 --bind="$vol"; losetup -d "$vol" ;;
  abort)
    hook "$c" 2 'dockstore status; echo status=$?; dockstore migrate-ebs '"$vol"' --abort --yes; echo abort-rc=$?; findmnt /var/lib/docker; losetup -a; blkid; cat /var/lib/docker/volumes/keep/_data/f; dockstore status; dockstore check'
    hook "$c" 3 "$VERIFY; losetup -a"
    boot "$c" 2 --bind="$vol"; boot "$c" 3 --bind="$vol"; losetup -d "$vol" ;;
  esac
}

# case_pc MODE: a power cut in the middle of the kernel's replace (3 GiB to copy): PID 1 exits at once
# (systemctl poweroff -ff) while the copy runs; then MODE as in case_m
case_pc() { local mode=$1 meth=${2:-replace}; local c="pc-${meth:0:2}-$mode"; make_root "$c" || return; local r; r=$(R "$c") d=$RUN/$c
  echo "DOCKSTORE_WAIT=15" >> "$r/etc/sysconfig/dockstore"
  truncate -s 16G "$d/vol.img"; local vol; vol=$(losetup -f --show "$d/vol.img"); echo "$vol" > "$d/atk/vol-1"
  hook "$c" 1 "$DATA_WRITE"'; docker run --rm -v big:/v busybox dd if=/dev/zero of=/v/big bs=1M count=2500; sync; sha256sum /var/lib/docker/volumes/keep/_data/f > /atk/big.sum; export DOCKSTORE_MIGRATE_METHOD='"$meth"'; (dockstore migrate-ebs '"$vol"' --yes > /atk/mig1.log 2>&1 &); for i in $(seq 600); do grep -qE "(replacing|removing|left).*[1-9]" /atk/mig1.log && break; sleep 0.1; done; cat /atk/mig1.log; cat /var/lib/dockstore/migration.json; echo POWERCUT; systemctl poweroff -ff'
  boot "$c" 1 --bind="$vol"
  case $mode in
  same) hook "$c" 2 "$FOLLOW; sha256sum -c /atk/big.sum"; hook "$c" 3 "$VERIFY; sha256sum -c /atk/big.sum"
    boot "$c" 2 --bind="$vol"; boot "$c" 3 --bind="$vol"; losetup -d "$vol" ;;
  swap) losetup -d "$vol"; truncate -s 16G "$d/blank.img"; losetup "$vol" "$d/blank.img" || { log "$c: could not take $vol"; return; }
    local vol2; vol2=$(losetup -f --show "$d/vol.img"); echo "$vol2" > "$d/atk/vol-2"; echo "$vol" > "$d/atk/blank-2"
    hook "$c" 2 "$FOLLOW; sha256sum -c /atk/big.sum; blkid $vol"; hook "$c" 3 "$VERIFY; sha256sum -c /atk/big.sum; blkid $vol"
    boot "$c" 2 --bind="$vol" --bind="$vol2"; boot "$c" 3 --bind="$vol" --bind="$vol2"; losetup -d "$vol" "$vol2"
    if cmp -s "$d/blank.img" /dev/zero -n 17179869184; then echo blank-still-zero > "$d/atk/blank-check"; else cmp "$d/blank.img" /dev/zero -n 17179869184 > "$d/atk/blank-check" 2>&1; fi ;;
  gone) losetup -d "$vol"
    hook "$c" 2 'dockstore status; echo status=$?; dockstore check; echo check=$?; findmnt /var/lib/docker; cat /var/lib/docker/volumes/keep/_data/f; sha256sum -c /atk/big.sum'
    boot "$c" 2; vol=$(losetup -f --show "$d/vol.img"); echo "$vol" > "$d/atk/vol-3"
    hook "$c" 3 "$FOLLOW; sha256sum -c /atk/big.sum"; hook "$c" 4 "$VERIFY; sha256sum -c /atk/big.sum"
    boot "$c" 3 --bind="$vol"; boot "$c" 4 --bind="$vol"; losetup -d "$vol" ;;
  abort) hook "$c" 2 'dockstore status; dockstore migrate-ebs '"$vol"' --abort --yes; echo abort-rc=$?; findmnt /var/lib/docker; cat /var/lib/docker/volumes/keep/_data/f; sha256sum -c /atk/big.sum; dockstore status; dockstore check'
    hook "$c" 3 "$VERIFY; sha256sum -c /atk/big.sum; losetup -a"
    boot "$c" 2 --bind="$vol"; boot "$c" 3 --bind="$vol"; losetup -d "$vol" ;;
  esac
}

CASES=${*:-"replace:replace:same add-remove:add-device:same replace:replace:swap replace:replace:gone replace:replace:abort add-remove:remove-loop:same replace:shrink:same replace:resize:same replace:fstab:same replace:detach-loop:same replace:delete-image:same replace:forget-canceled:same replace:journal:same replace:finish:same add-remove:resize:same add-remove:fstab:same add-remove:add-device:swap add-remove:add-device:gone add-remove:add-device:abort replace:shrink:abort replace:resize:swap add-remove:remove-loop:swap add-remove:add-device:swapscan pc:same:replace pc:swap:replace pc:gone:replace pc:abort:replace pc:swap:add-remove"}
for c in $CASES; do
  IFS=: read -r m f md <<<"$c"
  if [ "$m" = pc ]; then case_pc "$f" "$md" & else case_m "$m" "$f" "$md" & fi
  sleep 3
  while [ "$(jobs -rp | wc -l)" -ge "${PAR:-6}" ]; do sleep 2; done
done
wait
for d in "$RUN"/*/; do c=$(basename "$d"); for k in 1 2 3 4; do [ -e "$d/atk/nspawn-$k.rc" ] && show "$c" "$k"; done; done > "$B/summary.txt" 2>&1
echo "summary: $B/summary.txt"
