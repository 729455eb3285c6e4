#!/usr/bin/env bash
# Attack 15, attacker Y: boots (systemd-nspawn, systemd as PID 1), units, files.
# Usage: DOCKSTORE=/path/to/dockstore ./attack.sh [CASE...]   (root; cases: see `cases` below)
# Every case boots its own copy of the cached bookworm root under $W (default a fresh mktemp -d),
# and removes its containers, loop devices, cgroups and folders at the end, also when it fails.
set -u
DOCKSTORE=${DOCKSTORE:-/work/attack15/dockstore}
KIT=${KIT:-/work/attack15/kit}
BASE=$(ls -d /var/cache/dockstore-boot-test/bookworm-*/ | head -1)
W=$(mktemp -d /tmp/y15atk.XXXX)
PASS=0 FAIL=0 NSPID="" LEADER=""
cg_enter() { for h in systemd unified; do mkdir -p /sys/fs/cgroup/$h/y15atk.$BASHPID; echo $BASHPID > /sys/fs/cgroup/$h/y15atk.$BASHPID/cgroup.procs; done; }
cg_sweep() { local h c; for h in systemd unified; do for c in /sys/fs/cgroup/$h/y15atk.*; do [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null; done; done; }
in_ct() { [ -n "$LEADER" ] && [ "$(readlink /proc/$LEADER/ns/pid 2>/dev/null)" != "$(readlink /proc/self/ns/pid)" ] || { echo "in_ct: no container" >&2; return 99; }; timeout 120 nsenter -t $LEADER -m -u -i -n -p -- "$@"; }
mkroot() {
  local d; d=$(mktemp -d $W/boot.XXXX); cp -a "$BASE/root" "$d/root"; local R=$d/root
  rm -f $R/etc/systemd/system/sockets.target.wants/docker.socket $R/etc/systemd/system/multi-user.target.wants/docker.service
  cat > $R/etc/systemd/system/docker.service <<'U'
[Unit]
Description=Docker stand-in (SUSE-like)
After=network.target containerd.service
Wants=containerd.service
[Service]
Type=notify
EnvironmentFile=-/etc/sysconfig/docker
ExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS --iptables=false --bridge=none
TimeoutStartSec=120
Delegate=yes
KillMode=process
[Install]
WantedBy=multi-user.target
U
  ln -sf /etc/systemd/system/docker.service $R/etc/systemd/system/multi-user.target.wants/docker.service
  cat > $R/etc/systemd/system/y15-loopnodes.service <<'U'
[Unit]
DefaultDependencies=no
Before=local-fs-pre.target systemd-remount-fs.service
Wants=local-fs-pre.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'for i in $(seq 0 63); do [ -e /dev/loop$i ] || mknod -m 660 /dev/loop$i b 7 $i; done'
[Install]
WantedBy=sysinit.target
U
  ln -sf /etc/systemd/system/y15-loopnodes.service $R/etc/systemd/system/sysinit.target.wants/y15-loopnodes.service
  echo "# fstab" > $R/etc/fstab
  $KIT/scripts/install --binary "$DOCKSTORE" --destdir $R --enable >$d/install.log 2>&1 || { echo "install failed" >&2; cat $d/install.log >&2; }
  sed -i 's/^DOCKSTORE_SIZE=""/DOCKSTORE_SIZE="3G"/' $R/etc/sysconfig/dockstore
  echo $R
}
boot() { # ROOT N
  local R=$1 log=$(dirname $1)/boot$2.log
  ( cg_enter; exec systemd-nspawn -q -D $R --boot --register=no --keep-unit --private-network --bind=/dev/loop-control >$log 2>&1 ) &
  NSPID=$! LEADER=""
  # the container's PID 1: a child of nspawn named systemd in another PID namespace (never a transient helper)
  for i in $(seq 1 150); do LEADER=""
    for p in $(pgrep -P $NSPID -x systemd); do [ "$(readlink /proc/$p/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] && LEADER=$p; done
    [ -n "$LEADER" ] && break; sleep 0.2; done
  [ -n "$LEADER" ] || { echo "no container" >&2; return 1; }
  local st; for i in $(seq 1 300); do st=$(in_ct systemctl is-system-running 2>/dev/null); case "$st" in running|degraded|maintenance) break;; esac; sleep 0.5; done
  BOOTSTATE=$st
}
halt() {
  [ -n "$NSPID" ] || return 0
  [ -n "$LEADER" ] && timeout 20 nsenter -t $LEADER -m -u -i -n -p -- systemctl poweroff --no-block >/dev/null 2>&1
  for i in $(seq 1 120); do kill -0 $NSPID 2>/dev/null || break; sleep 0.5; done
  kill -0 $NSPID 2>/dev/null && { kill -TERM $NSPID; sleep 3; kill -KILL $NSPID 2>/dev/null; }
  wait $NSPID 2>/dev/null; NSPID="" LEADER=""
  cg_sweep
}
cleanup_loops() { local l f d m; for l in /sys/block/loop*/loop/backing_file; do f=$(cat $l 2>/dev/null); case "$f" in $W/*) d=/dev/$(basename $(dirname $(dirname $l))); for m in $(findmnt -rn -S $d -o TARGET); do umount -l "$m"; done; losetup -d $d;; esac; done; }
cleanup() { halt; cleanup_loops; for m in $(findmnt -rn -o TARGET | grep "^$W/" | sort -r); do umount -l "$m"; done; cleanup_loops; cg_sweep; rm -rf "$W"; }
trap cleanup EXIT INT TERM
result() { # case verdict text
  if [ "$2" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi; echo "### $1: $2 - $3"; }
facts() { in_ct sh -c 'echo "system=$(systemctl is-system-running) docker=$(systemctl is-active docker) provision=$(systemctl is-active dockstore-provision) mounted=$(findmnt -rn -o SOURCE,FSTYPE "$1" | head -1) dataroot=$(timeout 10 docker info --format "{{.Driver}}:{{.DockerRootDir}}" 2>/dev/null)"' sh "${1:-/var/lib/docker}"; }
OLD_DROPIN='# Written by dockstore provision; a re-run rewrites it.\n# Docker must never start on the bare folder underneath its storage.\n[Unit]\nRequiresMountsFor=/var/lib/docker\n'

case_image_boots() { # Y1: provision at first boot, nothing to do at the second
  local R; R=$(mkroot); boot $R 1; local f1; f1=$(facts); halt; cleanup_loops
  boot $R 2; local f2 j; f2=$(facts); j=$(in_ct journalctl -b -u dockstore-provision -o cat --no-pager | grep -c 'nothing to do'); halt; cleanup_loops
  echo "boot1: $f1"; echo "boot2: $f2 nothing-to-do=$j"
  case "$f1$f2" in *docker=inactive*|*degraded*) result Y1 FAIL "docker down";; *) [ "$j" = 1 ] && result Y1 PASS "two boots, docker on btrfs" || result Y1 FAIL "boot2 not nothing-to-do";; esac
}
case_stop_mount() { # Y2: systemctl stop of the mount unit stops docker; docker cannot start without it
  local R; R=$(mkroot); boot $R 1; in_ct systemctl stop var-lib-docker.mount; local a; a=$(in_ct systemctl is-active docker)
  echo "after stop var-lib-docker.mount: docker=$a"; halt; cleanup_loops
  [ "$a" = inactive ] && result Y2 PASS "PartOf stops docker with the mount unit" || result Y2 FAIL "docker=$a"
}
case_lazy_umount() { # Y3: umount -l of the store while docker runs
  local R; R=$(mkroot); boot $R 1
  in_ct umount /var/lib/docker; echo "plain umount rc=$? (busy expected)"
  in_ct umount -l /var/lib/docker; sleep 2
  local a m; a=$(in_ct systemctl is-active docker); m=$(in_ct findmnt -rn /var/lib/docker)
  in_ct docker volume create y15vol >/dev/null 2>&1; local bare; bare=$(in_ct ls /var/lib/docker/volumes 2>&1 | tr '\n' ' ')
  echo "docker=$a mounted='$m' bare-folder volumes: $bare"; in_ct /usr/local/sbin/dockstore check; echo "check rc=$?"
  in_ct /usr/local/sbin/dockstore status | grep -i 'mounted\|state'
  halt; cleanup_loops
  [ "$a" = active ] && result Y3 FAIL "docker keeps running on the bare /var/lib/docker after the store was unmounted (writes land on the root disk: $bare); check says UNKNOWN, status does not mention dockerd" || result Y3 PASS "docker stopped"
}
case_upgrade() { # Y4: an older drop-in (RequiresMountsFor=) at boot: rewritten, docker up
  local R; R=$(mkroot); boot $R 1; halt; cleanup_loops
  printf "$OLD_DROPIN" > $R/etc/systemd/system/docker.service.d/dockstore.conf
  boot $R 2; local f; f=$(facts); halt; cleanup_loops; echo "upgrade boot: $f"; grep -c AssertPathIsMountPoint $R/etc/systemd/system/docker.service.d/dockstore.conf
  case "$f" in *docker=active*) result Y4 PASS "old drop-in rewritten at boot, docker up";; *) result Y4 FAIL "$f";; esac
}
case_upgrade_image_lost() { # Y5: older drop-in and the image gone at boot (fstab line kept)
  local R; R=$(mkroot); boot $R 1; halt; cleanup_loops
  printf "$OLD_DROPIN" > $R/etc/systemd/system/docker.service.d/dockstore.conf; rm -f $R/var/lib/docker-storage.btrfs
  boot $R 2; local f; f=$(facts); in_ct journalctl -b -u docker -u dockstore-provision -u var-lib-docker.mount -o cat --no-pager | grep -v '^time=' | grep -i 'fail\|ready\|Started'; halt; cleanup_loops
  echo "boot: $f"
  case "$f" in *docker=active*) result Y5 PASS "docker up";; *) result Y5 FAIL "Docker down in the boot where provision said ready; $f";; esac
}
case_dash_mountpoint() { # Y6: DOCKSTORE_MOUNTPOINT=/srv/my-docker, two boots, scrub drop-in from the unit's comment, check, stop
  local R; R=$(mkroot); sed -i 's|^DOCKSTORE_MOUNTPOINT=""|DOCKSTORE_MOUNTPOINT="/srv/my-docker"|' $R/etc/sysconfig/dockstore
  mkdir -p $R/etc/systemd/system/dockstore-scrub.service.d
  printf '[Unit]\nConditionPathIsMountPoint=\nConditionPathExists=!/etc/dockstore.disabled\nConditionPathIsMountPoint=/srv/my-docker\n[Service]\nExecStart=\nExecStart=btrfs scrub start -B -c 3 /srv/my-docker\n' > $R/etc/systemd/system/dockstore-scrub.service.d/override.conf
  boot $R 1; local f1; f1=$(facts /srv/my-docker); halt; cleanup_loops
  boot $R 2; local f2; f2=$(facts /srv/my-docker); in_ct systemctl start dockstore-scrub.service; local s=$?; in_ct systemctl start dockstore-check.service
  local p; p=$(in_ct sh -c 'grep -h "^dockstore_last_scrub_finished\|^dockstore_status" /var/lib/prometheus/node-exporter/*.prom' | tr '\n' ' ')
  in_ct systemctl stop 'srv-my\x2ddocker.mount'; local a; a=$(in_ct systemctl is-active docker); halt; cleanup_loops
  echo "boot1: $f1"; echo "boot2: $f2"; echo "scrub rc=$s prom: $p docker after mount stop: $a"
  case "$f1$f2" in *docker=inactive*) result Y6 FAIL "docker down";; *) [ $s = 0 ] && [ "$a" = inactive ] && result Y6 PASS "non-default mountpoint boots, scrubs, stops" || result Y6 FAIL "scrub=$s docker=$a";; esac
}
case_percent_mountpoint() { # Y7: DOCKSTORE_MOUNTPOINT=/srv/d%ck: where does dockerd write?
  local R; R=$(mkroot); sed -i 's|^DOCKSTORE_MOUNTPOINT=""|DOCKSTORE_MOUNTPOINT="/srv/d%ck"|' $R/etc/sysconfig/dockstore
  boot $R 1; local f; f=$(facts '/srv/d%ck'); in_ct /usr/local/sbin/dockstore check | cut -c1-60
  in_ct /usr/local/sbin/dockstore teardown --stop-docker --delete-image >/dev/null; echo "teardown rc=$?"; halt; cleanup_loops
  echo "boot: $f"; echo "left on the root disk under /srv:"; ls -la $R/srv
  local junk; junk=$(ls $R/srv | grep -v '^d%ck$' | head -1)
  [ -n "$junk" ] && result Y7 FAIL "mountpoint with % accepted; dockerd (--data-root=/srv/d%ck) wrote its image store to '/srv/$junk' on the root disk, not the store; check said OK; teardown leaves it" || result Y7 PASS "nothing outside the store"
}
case_mountpoint_refusals() { # Y8: --root only: characters DOCKER_OPTS carries fine are refused with a false reason
  local mp out rc bad=0
  for mp in '/srv/dö-ck' '/srv/a=b'; do local R; R=$(mktemp -d $W/r.XXXX); mkdir -p $R/var/lib $R/etc $R/srv
    out=$("$DOCKSTORE" provision --root $R --size 1G --mountpoint "$mp" 2>&1); rc=$?; echo "[$mp] rc=$rc: $out" | cut -c1-400
    [ $rc != 0 ] && case "$out" in *"would change that path"*) bad=1;; esac; done
  [ $bad = 1 ] && result Y8 FAIL "non-ASCII and '=' mountpoints refused: 'docker.service splits and expands \$DOCKER_OPTS unquoted, which would change that path' is false for them" || result Y8 PASS "accepted"
}
case_teardown_other_mountpoint() { # Y9: --root only: teardown without the --mountpoint provision was given
  local R; R=$(mktemp -d $W/r.XXXX); mkdir -p $R/var/lib $R/etc $R/srv
  "$DOCKSTORE" provision --root $R --size 1G --mountpoint /srv/d:ck >/dev/null 2>&1
  local out rc; out=$("$DOCKSTORE" teardown --root $R --delete-image 2>&1); rc=$?; echo "$out" | tail -1
  "$DOCKSTORE" teardown --root $R --delete-image --mountpoint /srv/d:ck >/dev/null 2>&1; local rc2=$?
  [ $rc = 2 ] && [ $rc2 = 0 ] && [ ! -e $R/var/lib/docker-storage.btrfs ] && result Y9 PASS "refused naming --mountpoint, then clean" || result Y9 FAIL "rc=$rc rc2=$rc2"
}
case_late_device() { # Y10: DOCKSTORE_DEVICE attached 15 s into the boot, DOCKSTORE_WAIT=60; then a boot with it present
  local R N img; R=$(mkroot); N=70; while [ -e /sys/block/loop$N ]; do N=$((N+1)); done; img=$(dirname $R)/ebs.img; truncate -s 3G $img
  sed -i "s|^DOCKSTORE_DEVICE=\"\"|DOCKSTORE_DEVICE=\"/dev/loop$N\"|; s|^DOCKSTORE_WAIT=\"\"|DOCKSTORE_WAIT=\"60\"|" $R/etc/sysconfig/dockstore
  mknod $W/loop$N b 7 $N
  ( sleep 15; losetup $W/loop$N $img; for p in $(pgrep -f "nspawn -q -D $R"); do for c in $(pgrep -P $p -x systemd); do nsenter -t $c -m mknod -m 660 /dev/loop$N b 7 $N; done; done ) &
  local att=$!
  boot $R 1; wait $att; local f1; f1=$(facts); in_ct journalctl -b -u dockstore-provision -u docker -o cat --no-pager | grep -v '^time=' | cut -c1-200 | tail -6
  local starts; starts=$(in_ct journalctl -b -u docker -o cat --no-pager | grep -c '^Starting docker')
  halt
  sed -i "s/(seq 0 63)/(seq 0 63) $N/" $R/etc/systemd/system/y15-loopnodes.service   # boot 2: the node is there (udev's job)
  # the container's shutdown detaches every loop device it sees; an EBS volume stays attached: attach it again
  [ "$(cat /sys/block/loop$N/size 2>/dev/null)" != 0 ] || losetup $W/loop$N $img
  boot $R 2; local f2; f2=$(facts); in_ct journalctl -b -u dockstore-provision -o cat --no-pager | cut -c1-400 | tail -6; in_ct ls -la /dev/loop$N; cat /sys/block/loop$N/size; halt
  losetup -d /dev/loop$N 2>/dev/null || losetup -d $W/loop$N 2>/dev/null
  python3 -c "import os,fcntl,sys; fcntl.ioctl(os.open('/dev/loop-control',os.O_RDWR),0x4C81,int(sys.argv[1]))" $N 2>/dev/null  # remove the loop device this case added
  echo "boot1 (late device): $f1 docker-starts=$starts"; echo "boot2: $f2"
  case "$f1 $f2" in *docker=active*btrfs*docker=active*btrfs*) result Y10 PASS "late device waited for, docker up once ($starts start)";; *) result Y10 FAIL "$f1";; esac
}
case_reclaim_elsewhere() { # Y11: reclaim and check units at DOCKSTORE_MOUNTPOINT=/srv/my-docker
  local R; R=$(mkroot); sed -i 's|^DOCKSTORE_MOUNTPOINT=""|DOCKSTORE_MOUNTPOINT="/srv/my-docker"|' $R/etc/sysconfig/dockstore
  boot $R 1; in_ct systemctl start dockstore-reclaim.service; local r=$?; in_ct journalctl -b -u dockstore-reclaim -o cat --no-pager | tail -3
  in_ct systemctl start dockstore-check.service; local c; c=$(in_ct systemctl is-failed dockstore-check.service); local p; p=$(in_ct sh -c 'grep -h "^dockstore_status\|^dockstore_last_reclaim_failed" /var/lib/prometheus/node-exporter/*.prom' | tr '\n' ' ')
  halt; echo "reclaim rc=$r check unit: $c prom: $p"
  [ $r = 0 ] && case "$p" in *'reason=""} 0'*) true;; *) false;; esac && result Y11 PASS "reclaim and check at /srv/my-docker" || result Y11 FAIL "reclaim=$r $p"
}
case_upgrade_bare_form() { # Y12: the older drop-in exactly as the brief gives it, "[Unit]\nRequiresMountsFor=/var/lib/docker", no header
  local R; R=$(mkroot); boot $R 1; halt; cleanup_loops
  printf '[Unit]\nRequiresMountsFor=/var/lib/docker\n' > $R/etc/systemd/system/docker.service.d/dockstore.conf
  boot $R 2; local f; f=$(facts); in_ct journalctl -b -u dockstore-provision -o cat --no-pager | grep 'dockstore:' | cut -c1-300
  in_ct /usr/local/sbin/dockstore teardown --dry-run 2>&1 | tail -1 | cut -c1-200; halt; cleanup_loops; echo "boot: $f"
  case "$f" in *provision=failed*) result Y12 FAIL "headerless older drop-in refused at boot (exit 2): provision failed, the store stays as it is, teardown refuses too; $f";; *) result Y12 PASS "$f";; esac
}
case_old_dropin_status_teardown() { # Y13: --root only: the older drop-in (with its header): status, teardown
  local R; R=$(mktemp -d $W/r.XXXX); mkdir -p $R/var/lib $R/etc/systemd/system/docker.service.d
  printf "$OLD_DROPIN" > $R/etc/systemd/system/docker.service.d/dockstore.conf
  local s; s=$("$DOCKSTORE" status --root $R 2>&1 | grep '^drop-in'); "$DOCKSTORE" teardown --root $R >/dev/null 2>&1; local rc=$?
  echo "status: $s; teardown rc=$rc; drop-in left: $(ls $R/etc/systemd/system/docker.service.d)"
  [ $rc = 0 ] && [ ! -e $R/etc/systemd/system/docker.service.d/dockstore.conf ] && result Y13 PASS "status: rewrite it; teardown removes it" || result Y13 FAIL "rc=$rc"
}
case_provision_under_running_docker() { # Y14: after Y3's lazy unmount, the admin follows status ("dockstore provision fixes what it can")
  local R; R=$(mkroot); boot $R 1; in_ct umount -l /var/lib/docker; sleep 1; in_ct docker volume create y15vol >/dev/null 2>&1
  local out rc; out=$(in_ct /usr/local/sbin/dockstore provision 2>&1); rc=$?; echo "$out" | cut -c1-300 | tail -4
  local a m v; a=$(in_ct systemctl is-active docker); m=$(in_ct findmnt -rn -o SOURCE,FSTYPE /var/lib/docker | head -1); v=$(in_ct timeout 10 docker volume ls -q | tr '\n' ' ')
  halt; cleanup_loops; echo "provision rc=$rc; docker=$a mounted='$m' volumes dockerd lists: $v"
  [ $rc = 0 ] && [ "$a" = active ] && result Y14 FAIL "provision mounted the store under a running dockerd (rc 0, no word of it); dockerd keeps state from the bare folder" || result Y14 PASS "rc=$rc docker=$a"
}
case_teardown_docker_running() { # Y15: teardown without --stop-docker in a booted system while Docker runs
  local R; R=$(mkroot); boot $R 1
  local h1; h1=$(cd $R/etc && sha256sum fstab sysconfig/docker systemd/system/docker.service.d/dockstore.conf | sha256sum)
  local out rc; out=$(in_ct /usr/local/sbin/dockstore teardown --delete-image 2>&1); rc=$?; echo "$out" | cut -c1-300 | tail -3
  local a m; a=$(in_ct systemctl is-active docker); m=$(in_ct findmnt -rn -o SOURCE,FSTYPE /var/lib/docker | head -1)
  local h2; h2=$(cd $R/etc && sha256sum fstab sysconfig/docker systemd/system/docker.service.d/dockstore.conf 2>/dev/null | sha256sum)
  halt; cleanup_loops; echo "teardown rc=$rc docker=$a mounted='$m' files unchanged: $([ "$h1" = "$h2" ] && echo yes || echo no) image: $(ls $R/var/lib/docker-storage.btrfs 2>&1)"
  [ $rc != 0 ] && [ "$h1" = "$h2" ] && [ -e $R/var/lib/docker-storage.btrfs ] && result Y15 PASS "refused, nothing changed" || { [ $rc = 0 ] && [ "$a" = inactive ] && result Y15 PASS "stopped docker and tore down" || result Y15 FAIL "rc=$rc docker=$a files-unchanged=$([ "$h1" = "$h2" ] && echo yes || echo no)"; }
}
cases="image_boots stop_mount lazy_umount upgrade upgrade_image_lost dash_mountpoint percent_mountpoint mountpoint_refusals teardown_other_mountpoint late_device reclaim_elsewhere upgrade_bare_form old_dropin_status_teardown provision_under_running_docker teardown_docker_running"
[ $# -gt 0 ] && cases="$*"
for c in $cases; do echo "=== $c ($(date -u +%T))"; case_$c; done
echo "cases: $((PASS+FAIL)) pass: $PASS fail: $FAIL"
