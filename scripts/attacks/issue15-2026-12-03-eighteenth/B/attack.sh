#!/bin/bash
# attack.sh - attacker B, attack 18: real boots of a Debian root (systemd 252 under nspawn)
# with dockstore installed and enabled; the state is changed between boots.
#   ./attack.sh [CASE...]     (default: all)   KEEP=1 keeps $RUN for reading
# Cleans every mount, loop device (only those over files under $RUN), process, cgroup and folder it made.
# ---- framework ----
set -uo pipefail
B=/work/attack18/b
RUN=$B/run
SRC=/var/cache/dockstore-boot-test/bookworm-c9321a38d22825c0/root
BIN=/work/attack18/dockstore
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
  for c in /sys/fs/cgroup/unified/atk18b-* /sys/fs/cgroup/systemd/atk18b-*; do
    [ -d "$c" ] || continue
    for p in $(cat "$c/cgroup.procs" 2>/dev/null); do
      [ "$p" = "$$" ] || kill -9 "$p" 2>/dev/null
    done
  done
}
rm_cgroups() {
  local c
  for c in $(find /sys/fs/cgroup/unified/atk18b-* /sys/fs/cgroup/systemd/atk18b-* -depth -type d 2>/dev/null); do
    rmdir "$c" 2>/dev/null
  done
}
cleanup_all() {
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
ExecStart=/bin/sh -c 'for i in $(seq 0 63); do [ -e /dev/loop$i ] || mknod -m 0660 /dev/loop$i b 7 $i; done'
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
  local d=$RUN/$n cg=atk18b-$n-$k
  log "boot case $n #$k"
  mkdir -p /sys/fs/cgroup/systemd/$cg /sys/fs/cgroup/unified/$cg
  (
    echo $BASHPID > /sys/fs/cgroup/systemd/$cg/cgroup.procs
    echo $BASHPID > /sys/fs/cgroup/unified/$cg/cgroup.procs
    export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
    exec timeout 180 systemd-nspawn --quiet --boot --register=no --keep-unit --private-network \
      --bind=/dev/loop-control --bind="$d/atk:/atk" --capability=all --system-call-filter='keyctl bpf' \
      "$@" -D "$d/root" -M "atk18b-$n" > "$d/atk/nspawn-$k.log" 2>&1
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

hook() { # case boot script-body
  printf '#!/bin/bash\nset -x\n%s\n' "$3" > "$RUN/$1/atk/hook-$2.sh"; chmod +x "$RUN/$1/atk/hook-$2.sh"
}
DATA_WRITE='docker import /atk/busybox.tar busybox >/dev/null && docker run --name writer -v keep:/v busybox sh -c "echo precious > /v/f; sync" && cat /var/lib/docker/volumes/keep/_data/f; sync'
R() { echo "$RUN/$1/root"; }

# C1: baseline, data written at boot 1, must be there at boots 2 and 3
case_c1() { make_root c1; hook c1 1 "$DATA_WRITE"; boot c1 1; boot c1 2; boot c1 3; }

# C2: mountpoint with odd bytes (space) via /etc/sysconfig/dockstore
case_c2() { make_root c2
  printf 'DOCKSTORE_MOUNTPOINT="/srv/dock er"\n' >> "$(R c2)/etc/sysconfig/dockstore"
  hook c2 1 'docker info 2>&1 | grep -E "Root Dir|Storage"; cat /etc/docker/daemon.json; '"${DATA_WRITE//\/var\/lib\/docker/\/srv\/dock er}"
  boot c2 1; boot c2 2; }

# C3: cloud-init enabled + a docker.socket enabled: ordering cycle? provision/docker state
case_c3() { make_root c3; local r; r=$(R c3)
  rm -f "$r/etc/cloud/cloud-init.disabled"
  cat > "$r/lib/systemd/system/docker.socket" <<'U'
[Unit]
Description=Docker Socket for the API
[Socket]
ListenStream=/run/docker.sock
SocketMode=0660
SocketUser=root
[Install]
WantedBy=sockets.target
U
  systemctl --root="$r" enable docker.socket cloud-init.service cloud-init-local.service cloud-config.service cloud-final.service >/dev/null 2>&1
  hook c3 1 "$DATA_WRITE"; boot c3 1; boot c3 2; }

# C4: failpoints at the first boot (provision killed), then normal boots
case_fp() { local fp=$1 c=fp-$1; make_root "$c"; local r; r=$(R "$c")
  mkdir -p "$r/etc/systemd/system/dockstore-provision.service.d"
  printf '[Service]\nEnvironment=DOCKSTORE_FAILPOINT=%s\n' "$fp" > "$r/etc/systemd/system/dockstore-provision.service.d/fp.conf"
  boot "$c" 1
  rm -f "$r/etc/systemd/system/dockstore-provision.service.d/fp.conf"
  hook "$c" 2 "$DATA_WRITE"; boot "$c" 2; boot "$c" 3; }

# C5: TimeoutStartSec=1 on the first boot
case_c5() { make_root c5; local r; r=$(R c5)
  mkdir -p "$r/etc/systemd/system/dockstore-provision.service.d"
  printf '[Service]\nTimeoutStartSec=1\n' > "$r/etc/systemd/system/dockstore-provision.service.d/t.conf"
  boot c5 1; rm -f "$r/etc/systemd/system/dockstore-provision.service.d/t.conf"
  hook c5 2 "$DATA_WRITE"; boot c5 2; boot c5 3; }

# C6: image made immutable / truncated between boots
case_c6() { make_root c6; local r; r=$(R c6)
  hook c6 1 "$DATA_WRITE"; boot c6 1
  chattr +i "$r/var/lib/docker-storage.btrfs"; boot c6 2
  chattr -i "$r/var/lib/docker-storage.btrfs"; boot c6 3
  truncate -s 50G "$r/var/lib/docker-storage.btrfs"; boot c6 4; }

# C7: the store's fstab line duplicated, then edited (ro)
case_c7() { make_root c7; local r; r=$(R c7)
  hook c7 1 "$DATA_WRITE"; boot c7 1
  cp "$r/etc/fstab" "$RUN/c7/atk/fstab.1"; grep dockstore-provision "$r/etc/fstab" >> "$r/etc/fstab"; boot c7 2
  cp "$RUN/c7/atk/fstab.1" "$r/etc/fstab"; sed -i '/dockstore-provision/s/nofail/nofail,ro/' "$r/etc/fstab"; boot c7 3; }

# C8: backend overlay2, then boots; then teardown, boots, re-enable
case_c8() { make_root c8
  hook c8 1 "$DATA_WRITE"'; dockstore backend overlay2; echo rc=$?; cat /etc/sysconfig/docker'
  hook c8 2 'dockstore teardown --stop-docker; echo rc=$?; ls -la /etc/dockstore.disabled; cat /etc/fstab'
  hook c8 3 'ls /var/lib/docker; docker info 2>&1 | grep -E "Storage|Root"'
  boot c8 1; boot c8 2; boot c8 3; rm -f "$(R c8)/etc/dockstore.disabled"; boot c8 4; }

# C9: migrate-ebs to a loop device, then boot with the device gone
case_c9() { make_root c9; local r; r=$(R c9)
  truncate -s 120G "$RUN/c9/ebs.img"; local ebs; ebs=$(losetup -f --show "$RUN/c9/ebs.img"); echo "$ebs" > "$RUN/c9/atk/ebs"
  hook c9 1 "$DATA_WRITE"'; dockstore migrate-ebs '"$ebs"' --yes; echo rc=$?; cat /etc/sysconfig/dockstore | grep -v "^#"; cat /etc/fstab'
  boot c9 1 --bind="$ebs"
  hook c9 2 'dockstore status; '
  boot c9 2 --bind="$ebs"
  losetup -d "$ebs"
  boot c9 3
  ebs=$(losetup -f --show "$RUN/c9/ebs.img"); echo "$ebs" > "$RUN/c9/atk/ebs2"
  boot c9 4 --bind="$ebs"; losetup -d "$ebs"; }

# C10: DOCKSTORE_DEVICE set to a blank loop device on a system whose store is the image
case_c10() { make_root c10; local r; r=$(R c10)
  truncate -s 120G "$RUN/c10/blank.img"; local d; d=$(losetup -f --show "$RUN/c10/blank.img")
  hook c10 1 "$DATA_WRITE"; boot c10 1 --bind="$d"
  echo "DOCKSTORE_DEVICE=$d" >> "$r/etc/sysconfig/dockstore"
  boot c10 2 --bind="$d"; boot c10 3 --bind="$d"
  dd if="$RUN/c10/blank.img" bs=1M count=4 2>/dev/null | od -An -c | head -3 > "$RUN/c10/atk/blank-head"
  losetup -d "$d"; }

# C11: a mountpoint elsewhere whose unit name needs escaping (dash), data across boots
case_c11() { make_root c11
  printf 'DOCKSTORE_MOUNTPOINT=/srv/docker-data\n' >> "$(R c11)/etc/sysconfig/dockstore"
  hook c11 1 'docker info 2>&1 | grep -E "Root Dir|Storage"; cat /etc/systemd/system/docker.service.d/dockstore.conf; '"${DATA_WRITE//\/var\/lib\/docker/\/srv\/docker-data}"
  hook c11 2 'cat /srv/docker-data/volumes/keep/_data/f; findmnt /srv/docker-data; docker info 2>&1 | grep -E "Root Dir|Storage"'
  hook c11 3 'cat /srv/docker-data/volumes/keep/_data/f; findmnt /srv/docker-data; docker info 2>&1 | grep -E "Root Dir|Storage"'
  boot c11 1; boot c11 2; chattr +i "$(R c11)/var/lib/docker-storage.btrfs"; boot c11 3; chattr -i "$(R c11)/var/lib/docker-storage.btrfs"; }

# C12: the image deleted between boots (after data was written)
case_c12() { make_root c12; hook c12 1 "$DATA_WRITE"; boot c12 1; boot c12 2
  rm -f "$(R c12)/var/lib/docker-storage.btrfs"; boot c12 3; }

# C13: the store cannot mount (immutable image); Debian's docker.socket is enabled: does dockstore check
# (run every minute by dockstore-check.timer) wake Docker through the socket, and what does it say?
case_c13() { make_root c13; local r; r=$(R c13)
  hook c13 1 "$DATA_WRITE"; boot c13 1
  chattr +i "$r/var/lib/docker-storage.btrfs"
  hook c13 2 'systemctl is-active docker.socket docker.service; pidof dockerd; dockstore check; echo rc=$?; sleep 5; systemctl is-active docker.service; pidof dockerd; journalctl -b --no-pager -n 30 | grep -iE "docker|dockstore"; docker ps 2>&1 | head -3; sleep 5; systemctl is-active docker.service; findmnt /var/lib/docker; ls /var/lib/docker'
  boot c13 2; chattr -i "$r/var/lib/docker-storage.btrfs"; boot c13 3; }

# C14: docker.service masked
case_c14() { make_root c14; local r; r=$(R c14); hook c14 1 "$DATA_WRITE"; boot c14 1
  systemctl --root="$r" mask docker.service >/dev/null 2>&1; boot c14 2
  systemctl --root="$r" unmask docker.service >/dev/null 2>&1; boot c14 3; }

# C15: /etc/dockstore.disabled made by hand (no teardown), then the image cannot mount
case_c15() { make_root c15; local r; r=$(R c15); hook c15 1 "$DATA_WRITE"; boot c15 1
  touch "$r/etc/dockstore.disabled"; boot c15 2
  chattr +i "$r/var/lib/docker-storage.btrfs"; hook c15 3 'docker ps 2>&1|head -2; sleep 3; systemctl is-active docker.service; findmnt /var/lib/docker; ls /var/lib/docker'; boot c15 3
  chattr -i "$r/var/lib/docker-storage.btrfs"; rm -f "$r/etc/dockstore.disabled"; boot c15 4; }

# C16: teardown --delete-image then boots; then provision by hand
case_c16() { make_root c16; hook c16 1 "$DATA_WRITE"; boot c16 1
  hook c16 2 'dockstore teardown --stop-docker --delete-image; echo rc=$?'; boot c16 2
  hook c16 3 'dockstore provision; echo rc=$?'; boot c16 3; boot c16 4; }

# C17/C18: migrate-ebs killed at a failpoint (a crash mid-move), then boots with the device present / gone
case_mig() { local fp=$1 gone=$2 c=mig-$1-$2; make_root "$c"; local r; r=$(R "$c")
  truncate -s 120G "$RUN/$c/ebs.img"; local ebs; ebs=$(losetup -f --show "$RUN/$c/ebs.img")
  hook "$c" 1 "$DATA_WRITE"'; DOCKSTORE_FAILPOINT='"$fp"' dockstore migrate-ebs '"$ebs"' --yes; echo rc=$?; grep -v "^#" /etc/sysconfig/dockstore | grep .; cat /etc/fstab; dockstore status'
  boot "$c" 1 --bind="$ebs"
  if [ "$gone" = gone ]; then losetup -d "$ebs"; boot "$c" 2; ebs=$(losetup -f --show "$RUN/$c/ebs.img"); fi
  hook "$c" 3 'dockstore status; cat /var/lib/docker/volumes/keep/_data/f'
  boot "$c" 3 --bind="$ebs"
  losetup -d "$ebs"; }

# C19: two roots on one kernel (system containers, parallel boot tests). Root B's image is gone; root A's
# store is mounted (its loop device is named /var/lib/docker-storage.btrfs too). B boots: what does its
# fstab line mount? With /etc/dockstore.disabled in B (a teardown's marker made by hand), does B's Docker run on A's store?
case_c19() { make_root c19a; make_root c19b; local a b; a=$(R c19a); b=$(R c19b)
  hook c19a 1 "$DATA_WRITE"; boot c19a 1
  hook c19b 1 "$DATA_WRITE"; boot c19b 1
  rm -f "$b/var/lib/docker-storage.btrfs"; touch "$b/etc/dockstore.disabled"
  hook c19a 2 'echo A-store-in-use; sleep 45; ls /var/lib/docker/volumes; cat /var/lib/docker/volumes/*/_data/*'
  boot c19a 2 & local pa=$!
  sleep 15
  hook c19b 2 'findmnt /var/lib/docker; losetup -a | grep -v tmp; docker run --rm -v fromB:/v busybox sh -c "echo written-by-B > /v/g"; echo rc=$?; ls /var/lib/docker/volumes'
  boot c19b 2
  wait $pa
  hook c19a 3 'ls /var/lib/docker/volumes; cat /var/lib/docker/volumes/fromB/_data/g'
  boot c19a 3; }

# C20: cloud-init enabled with a NoCloud seed whose user data writes /etc/sysconfig/dockstore (another mountpoint)
# at the instance's first boot; docker.socket (Debian's) enabled. Ordering cycle? Does provision read the settings?
case_c20() { make_root c20; local r; r=$(R c20)
  rm -f "$r/etc/cloud/cloud-init.disabled"
  mkdir -p "$r/var/lib/cloud/seed/nocloud"
  printf 'instance-id: atk18b-c20\nlocal-hostname: atk18b\n' > "$r/var/lib/cloud/seed/nocloud/meta-data"
  cat > "$r/var/lib/cloud/seed/nocloud/user-data" <<'Y'
#cloud-config
locale: C.UTF-8
write_files:
  - path: /etc/sysconfig/dockstore
    append: true
    content: |
      DOCKSTORE_MOUNTPOINT=/srv/cidocker
Y
  printf 'network: {config: disabled}\ndatasource_list: [ NoCloud, None ]\n' > "$r/etc/cloud/cloud.cfg.d/99-atk.cfg"
  hook c20 1 'cloud-init status --long; systemctl show -p ActiveState -p Result cloud-init.service cloud-init-local.service cloud-config.service cloud-final.service; findmnt /srv/cidocker; docker info 2>&1 | grep -E "Root Dir|Storage"; tail -3 /etc/sysconfig/dockstore'
  hook c20 2 'cloud-init status --long; findmnt /srv/cidocker; docker info 2>&1 | grep -E "Root Dir|Storage"'
  boot c20 1; boot c20 2; }

# C21: the store cannot mount (immutable image) and the system stays up for 95 s more: dockstore-check.timer
# (every minute) probes /run/docker.sock, which Debian's docker.socket answers. What do check and status say,
# and what do the probes start?
case_c21() { make_root c21; local r; r=$(R c21); hook c21 1 "$DATA_WRITE"; boot c21 1
  chattr +i "$r/var/lib/docker-storage.btrfs"
  hook c21 2 'sleep 95; systemctl is-system-running; systemctl --failed --no-legend --plain; systemctl show -p NRestarts -p ActiveState -p Result docker.socket; journalctl -b --no-pager | grep -cE "Starting dockstore-provision"; journalctl -b --no-pager | grep -E "Starting dockstore-check|Starting docker.service|Starting dockstore-provision|Trigger limit|Dependency failed for docker" | cut -c1-160; pidof dockerd || echo no-dockerd'
  boot c21 2; chattr -i "$r/var/lib/docker-storage.btrfs"; }

# C22: migrate-ebs killed right after its [replace] step (a crash mid-move), reboot with the volume attached:
# what does the boot do, what do status/check say, and what does a tired admin's "dockstore provision" do?
case_c22() { local c=c22; make_root "$c"; local r; r=$(R "$c")
  truncate -s 120G "$RUN/$c/ebs.img"; local ebs; ebs=$(losetup -f --show "$RUN/$c/ebs.img")
  hook "$c" 1 "$DATA_WRITE"'; DOCKSTORE_FAILPOINT=replace dockstore migrate-ebs '"$ebs"' --yes; echo rc=$?'
  hook "$c" 2 'blkid -p /var/lib/docker-storage.btrfs; echo blkid=$?; blkid -p '"$ebs"'; cat /var/lib/dockstore/*.json 2>/dev/null | head -c 600; echo; dockstore status; echo status=$?; dockstore check | cut -c1-400; echo check=$?; dockstore provision; echo provision=$?; blkid -p /var/lib/docker-storage.btrfs; findmnt /var/lib/docker; cat /etc/fstab; cat /var/lib/docker/volumes/keep/_data/f'
  hook "$c" 3 'dockstore status | head -20; findmnt /var/lib/docker; cat /var/lib/docker/volumes/keep/_data/f; dockstore migrate-ebs '"$ebs"' --yes; echo mig=$?; findmnt /var/lib/docker; cat /var/lib/docker/volumes/keep/_data/f'
  boot "$c" 1 --bind="$ebs"; boot "$c" 2 --bind="$ebs"; boot "$c" 3 --bind="$ebs"; boot "$c" 4 --bind="$ebs"
  losetup -d "$ebs"; }

# C23: which command wakes docker.service? (store unmountable; nothing else connects to /run/docker.sock)
case_c23() { make_root c23; local r; r=$(R c23); hook c23 1 "$DATA_WRITE"; boot c23 1
  chattr +i "$r/var/lib/docker-storage.btrfs"
  # the agent itself runs status/check before the hook: move them after the marks here
  sed -i 's|^timeout 30 /usr/local/sbin/dockstore status|: #|; s|^timeout 30 /usr/local/sbin/dockstore check|: #|' "$RUN/c23/atk/agent.sh"
  hook c23 2 'sleep 2; n0=$(journalctl -b --no-pager | grep -c "Starting dockstore-provision"); dockstore status >/dev/null 2>&1; sleep 3; n1=$(journalctl -b --no-pager | grep -c "Starting dockstore-provision"); echo "provision starts: before status $n0, after status $n1"; systemctl is-active docker.socket; dockstore check >/dev/null 2>&1; sleep 3; n2=$(journalctl -b --no-pager | grep -c "Starting dockstore-provision"); echo "after check $n2"; systemctl is-active docker.socket; systemctl show -p Result docker.socket'
  boot c23 2; chattr -i "$r/var/lib/docker-storage.btrfs"; }

# C24: F4 with docker.socket disabled: does the boot then complete?
case_c24() { local c=c24; make_root "$c"; local r; r=$(R "$c")
  truncate -s 120G "$RUN/$c/ebs.img"; local ebs; ebs=$(losetup -f --show "$RUN/$c/ebs.img")
  hook "$c" 1 "$DATA_WRITE"'; DOCKSTORE_FAILPOINT=replace dockstore migrate-ebs '"$ebs"' --yes; echo rc=$?'
  boot "$c" 1 --bind="$ebs"; losetup -d "$ebs"
  systemctl --root="$r" disable docker.socket >/dev/null 2>&1
  boot "$c" 2; }

# C25: first boot with DOCKSTORE_DEVICE naming a volume that holds an ext4 with a file (not blank), then renamed
case_c25() { local c=c25; make_root "$c"; local r; r=$(R "$c")
  truncate -s 2G "$RUN/$c/data.img"; mkfs.ext4 -q -F "$RUN/$c/data.img"; local d; d=$(losetup -f --show "$RUN/$c/data.img")
  mkdir -p "$RUN/$c/m"; mount "$d" "$RUN/$c/m"; echo keepme > "$RUN/$c/m/file"; umount "$RUN/$c/m"
  sha256sum "$RUN/$c/data.img" > "$RUN/$c/atk/sum-before"
  echo "DOCKSTORE_DEVICE=$d" >> "$r/etc/sysconfig/dockstore"; echo "DOCKSTORE_WAIT=5" >> "$r/etc/sysconfig/dockstore"
  boot "$c" 1 --bind="$d"; boot "$c" 2 --bind="$d"
  losetup -d "$d"; sha256sum "$RUN/$c/data.img" > "$RUN/$c/atk/sum-after"; }

CASES=${*:-c25 c23 c24 c22 c19 c13 c21 c20 c15 c1 c11 c12 c14 c16 c2 c3 c5 c6 c7 c8 c9 c10 fp mig}
for c in $CASES; do
  case $c in
    mig) case_mig replace gone & case_mig replace present & case_mig fstab gone & case_mig shrink gone & wait ;;
    fp) case_fp mount & case_fp fstab & case_fp drop-in & case_fp daemon-reload & wait ;;
    *) "case_$c" & ;;
  esac
  # at most 4 in flight
  while [ "$(jobs -rp | wc -l)" -ge 4 ]; do sleep 2; done
done
wait
for d in "$RUN"/*/; do c=$(basename "$d"); for k in 1 2 3 4; do [ -e "$d/atk/nspawn-$k.rc" ] && show "$c" "$k"; done; done > "$B/summary.txt" 2>&1
echo "summary: $B/summary.txt"
