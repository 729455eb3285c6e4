#!/bin/bash
# attack.sh - attacker E, attack 20: several roots on one kernel; the mount unit's drop-in
# (/etc/systemd/system/MOUNT.mount.d/dockstore.conf, ConditionPathExists= the image).
#   ./attack.sh [CASE...]   (default: all)   KEEP=1 keeps $RUN
# Removes every mount, loop device (only those over files under $RUN), process, cgroup and folder it made,
# also on failure (trap). Facts are copied to results/CASE/.
set -uo pipefail
E=/work/attack20/e
RUN=$E/run
SRC=/var/cache/dockstore-boot-test/bookworm-c9321a38d22825c0/root
BUSYBOX=/var/cache/dockstore-boot-test/bookworm-c9321a38d22825c0/busybox.tar
BIN=$E/dockstore
STANDIN=/work/main/scripts/boot-test.d/units/docker.service
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

detach_ours() { local dev f
  for dev in /sys/block/loop*; do
    f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
    case "$f" in "$RUN"/*) log "detach /dev/${dev##*/} ($f)"; losetup -d "/dev/${dev##*/}" 2>/dev/null ;; esac
  done; }
umount_ours() { local m
  awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do log "umount $m"; umount -l "$m" 2>/dev/null; done; }
kill_ours() { local c p
  for c in /sys/fs/cgroup/unified/atk20e-* /sys/fs/cgroup/systemd/atk20e-*; do
    [ -d "$c" ] || continue
    for p in $(cat "$c/cgroup.procs" 2>/dev/null); do [ "$p" = "$$" ] || kill -9 "$p" 2>/dev/null; done
  done; }
rm_cgroups() { local c
  for c in $(find /sys/fs/cgroup/unified/atk20e-* /sys/fs/cgroup/systemd/atk20e-* -depth -type d 2>/dev/null); do rmdir "$c" 2>/dev/null; done; }
cleanup_all() {
  kill_ours; sleep 1; umount_ours; detach_ours; sleep 1; detach_ours; rm_cgroups
  mkdir -p "$E/results"
  for x in "$RUN"/*/atk; do [ -d "$x" ] && rsync -a --exclude busybox.tar "$x/" "$E/results/$(basename "$(dirname "$x")")/"; done
  [ -n "${KEEP:-}" ] || { chattr -R -i "$RUN" 2>/dev/null; rm -rf "$RUN"; }
}

make_root() { local n=$1 d=$RUN/$1
  rm -rf "$d"; mkdir -p "$d/atk/out"; cp -a "$SRC" "$d/root"; local r=$d/root
  /work/main/scripts/install --destdir "$r" --binary "$BIN" --enable >"$d/install.log" 2>&1 || { log "install failed"; cat "$d/install.log"; return 1; }
  rm -f "$r/lib/systemd/system/docker.service"; cp "$STANDIN" "$r/lib/systemd/system/docker.service"
  systemctl --root="$r" enable docker.service >/dev/null 2>&1
  cp "$BUSYBOX" "$d/atk/busybox.tar"; mkdir -p "$r/atk"
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
journalctl -b --no-pager -u dockstore-provision.service -u docker.service -u '*.mount' > $o/units-journal 2>&1
findmnt -l > $o/findmnt 2>&1; cat /proc/self/mountinfo > $o/mountinfo; losetup -a > $o/losetup 2>&1
systemctl is-active docker.service > $o/docker-active 2>&1
systemctl show dockstore-provision.service -p Result -p ExecMainStatus -p ActiveState > $o/prov.show 2>&1
for u in $(systemctl list-units --all --plain --no-legend -t mount | awk '{print $1}' | grep -E 'docker|dock'); do systemctl show "$u" -p Id -p ActiveState -p Result -p ConditionResult -p DropInPaths -p What; done > $o/mount-units 2>&1
cat /etc/fstab > $o/fstab; grep -v '^#' /etc/sysconfig/dockstore > $o/sysconfig-dockstore 2>&1
for f in /etc/systemd/system/*.mount.d/*; do echo "== $f"; cat "$f"; done > $o/dropins 2>&1
timeout 30 /usr/local/sbin/dockstore status > $o/status 2>&1; echo "rc=$?" >> $o/status
timeout 30 /usr/local/sbin/dockstore check > $o/check 2>&1; echo "rc=$?" >> $o/check
[ -x /atk/hook-$n.sh ] && timeout 150 /atk/hook-$n.sh $o > $o/hook.log 2>&1
sync; systemctl poweroff
A
  chmod +x "$d/atk/agent.sh"; }

boot() { local n=$1 k=$2; shift 2; local d=$RUN/$n cg=atk20e-$n-$k
  log "boot $n #$k"; mkdir -p /sys/fs/cgroup/systemd/$cg /sys/fs/cgroup/unified/$cg
  ( echo $BASHPID > /sys/fs/cgroup/systemd/$cg/cgroup.procs; echo $BASHPID > /sys/fs/cgroup/unified/$cg/cgroup.procs
    export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
    exec timeout 180 systemd-nspawn --quiet --boot --register=no --keep-unit --private-network \
      --bind=/dev/loop-control --bind=/dev/btrfs-control --bind="$d/atk:/atk" --capability=all --system-call-filter='keyctl bpf' \
      "$@" -D "$d/root" -M "atk20e-$n" > "$d/atk/nspawn-$k.log" 2>&1 )
  local rc=$?; echo "$rc" > "$d/atk/nspawn-$k.rc"
  kill_cg "$cg"; rmdir /sys/fs/cgroup/systemd/$cg /sys/fs/cgroup/unified/$cg 2>/dev/null
  local dev f; for dev in /sys/block/loop*; do f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
    case "$f" in "$d/root"/*) echo "/dev/${dev##*/} $f" >> "$d/atk/leftover-loops"; losetup -d "/dev/${dev##*/}" 2>/dev/null ;; esac; done
  log "boot $n #$k rc=$rc"; return 0; }
kill_cg() { local c p; for c in $(find /sys/fs/cgroup/unified/$1 /sys/fs/cgroup/systemd/$1 -type d 2>/dev/null); do for p in $(cat $c/cgroup.procs 2>/dev/null); do kill -9 $p 2>/dev/null; done; done
  find /sys/fs/cgroup/unified/$1 /sys/fs/cgroup/systemd/$1 -depth -mindepth 1 -type d -exec rmdir {} \; 2>/dev/null; }
hook() { printf '#!/bin/bash\nset -x\n%s\n' "$3" > "$RUN/$1/atk/hook-$2.sh"; chmod +x "$RUN/$1/atk/hook-$2.sh"; }
R() { echo "$RUN/$1/root"; }
DATA_WRITE='docker import /atk/busybox.tar busybox >/dev/null && docker run --name writer -v keep:/v busybox sh -c "echo precious-$(hostname) > /v/f; sync"; cat /var/lib/docker/volumes/keep/_data/f; sync'

trap 'cleanup_all' EXIT INT TERM
mkdir -p "$RUN"

# ---------- host cases (--root trees, no boot) ----------
# H: the mount drop-in and its folder under --root: admin files, links in place of the folder,
#    mountpoint change, older tree without the drop-in, teardown.
case_h() { local o=$RUN/h/atk; mkdir -p "$o"; exec > "$o/log" 2>&1; set -x
  mk() { local t; t=$(mktemp -d "$RUN/h/t.XXXX"); mkdir -p "$t/var/lib" "$t/etc" "$t/srv"; touch "$t/etc/fstab"; echo "$t"; }
  hashes() { ( cd "$1" && find . -path ./var/lib/docker -prune -o -type f -print0 | sort -z | xargs -0 sha256sum ); }
  # h1: admin's own file beside dockstore.conf in var-lib-docker.mount.d; provision, teardown
  t=$(mk); D=$t/etc/systemd/system/var-lib-docker.mount.d; mkdir -p "$D"
  printf '[Mount]\nTimeoutSec=300\n' > "$D/local.conf"
  $BIN provision --root "$t"; echo "h1 provision rc=$?"; ls -la "$D"; cat "$D/local.conf"
  $BIN status --root "$t"; echo "h1 status rc=$?"
  $BIN teardown --root "$t" --delete-image; echo "h1 teardown rc=$?"; ls -la "$D"; cat "$D/local.conf"
  # h2: admin wrote dockstore.conf itself (an extra line) before provision: refused, nothing changed?
  t=$(mk); D=$t/etc/systemd/system/var-lib-docker.mount.d; mkdir -p "$D"
  printf '[Unit]\nConditionPathExists=/var/lib/docker-storage.btrfs\nConditionPathExists=/etc/my-marker\n' > "$D/dockstore.conf"
  hashes "$t" > "$o/h2.before"; $BIN provision --root "$t"; echo "h2 provision rc=$?"; hashes "$t" > "$o/h2.after"; diff "$o/h2.before" "$o/h2.after" && echo h2-unchanged
  losetup -a | grep "$t" && echo "h2: LOOP LEFT"; findmnt -rn -o TARGET | grep "$t" && echo "h2: MOUNT LEFT"
  # h2b: same after a provision: the admin edits dockstore.conf; a re-run and teardown
  t=$(mk); D=$t/etc/systemd/system/var-lib-docker.mount.d
  $BIN provision --root "$t" >/dev/null; echo 'After=my-late.mount' >> "$D/dockstore.conf"; cp "$D/dockstore.conf" "$o/h2b.edited"
  $BIN provision --root "$t"; echo "h2b reprovision rc=$?"; diff "$o/h2b.edited" "$D/dockstore.conf" && echo h2b-kept
  $BIN teardown --root "$t" --delete-image; echo "h2b teardown rc=$?"; ls -la "$D" 2>&1; cat "$D/dockstore.conf" 2>&1
  # h3: the drop-in folder is a link to a folder outside --root (absolute and relative)
  for kind in abs rel abs-missing; do
    t=$(mk); out=$RUN/h/outside-$kind; mkdir -p "$out" "$t/etc/systemd/system"
    case $kind in
      abs) ln -s "$out" "$t/etc/systemd/system/var-lib-docker.mount.d" ;;
      rel) ln -s "../../../../outside-$kind" "$t/etc/systemd/system/var-lib-docker.mount.d" ;;
      abs-missing) rmdir "$out"; ln -s "$out" "$t/etc/systemd/system/var-lib-docker.mount.d" ;;
    esac
    $BIN provision --root "$t"; echo "h3-$kind provision rc=$?"; ls -la "$out" 2>&1; ls -la "$t/etc/systemd/system/" 2>&1
    [ -n "$(ls -A "$out" 2>/dev/null)" ] && echo "h3-$kind: WROTE OUTSIDE ROOT"
    $BIN teardown --root "$t" --delete-image; echo "h3-$kind teardown rc=$?"; ls -la "$out" 2>&1
  done
  # h3b: link placed after provision (the drop-in folder replaced by a link to an outside folder holding a dockstore.conf)
  t=$(mk); out=$RUN/h/outside-after; mkdir -p "$out"; $BIN provision --root "$t" >/dev/null
  D=$t/etc/systemd/system/var-lib-docker.mount.d; cp "$D/dockstore.conf" "$out/"; echo 'precious admin file' > "$out/keep.txt"
  rm -rf "$D"; ln -s "$out" "$D"; sha256sum "$out"/* > "$o/h3b.before"
  $BIN status --root "$t"; echo "h3b status rc=$?"
  $BIN teardown --root "$t" --delete-image; echo "h3b teardown rc=$?"; ls -la "$out"; sha256sum "$out"/* | diff "$o/h3b.before" - && echo h3b-outside-unchanged
  # h4: older tree: provisioned, then the mount drop-in removed (as an older dockstore left it): status? re-run?
  t=$(mk); $BIN provision --root "$t" >/dev/null; rm -rf "$t/etc/systemd/system/var-lib-docker.mount.d"
  $BIN status --root "$t"; echo "h4 status rc=$?"; $BIN check --root "$t" | head -5; echo "h4 check rc=$?"
  $BIN provision --root "$t"; echo "h4 reprovision rc=$?"; cat "$t/etc/systemd/system/var-lib-docker.mount.d/dockstore.conf"
  # h5: mountpoint changed: teardown of the old, provision at /srv/docker-data: old drop-in folder?
  $BIN teardown --root "$t" --delete-image >/dev/null; echo "h5 teardown rc=$?"
  $BIN provision --root "$t" --mountpoint /srv/docker-data; echo "h5 provision rc=$?"; find "$t/etc/systemd" -print
  # h6: image given with a non-normal path (double slash, dot): condition line vs fstab
  t=$(mk); $BIN provision --root "$t" --image /var/lib//./imgx.btrfs; echo "h6 rc=$?"; grep -v '^#' "$t"/etc/systemd/system/*.mount.d/dockstore.conf; grep imgx "$t/etc/fstab"
  for t in "$RUN"/h/t.*; do $BIN teardown --root "$t" --delete-image >/dev/null 2>&1; $BIN teardown --root "$t" --mountpoint /srv/docker-data --delete-image >/dev/null 2>&1; done
  umount_ours; detach_ours
}

# ---------- boot cases ----------
# B1: three roots on one kernel. A: live store. B: image renamed away, /etc/dockstore.disabled (F2 recheck:
# does systemd's mount take A's loop device? does Docker start?), then mount -a / systemctl start by hand.
# C: image renamed away, no marker: what does provision make, what do status/check say?
case_b1() { make_root b1a; make_root b1b; make_root b1c; local a b c
  a=$(R b1a); b=$(R b1b); c=$(R b1c)
  hook b1a 1 "$DATA_WRITE"; hook b1b 1 "$DATA_WRITE"; hook b1c 1 "$DATA_WRITE"
  boot b1a 1 & boot b1b 1 & boot b1c 1 & wait
  mv "$b/var/lib/docker-storage.btrfs" "$b/var/lib/docker-storage.btrfs.moved"; touch "$b/etc/dockstore.disabled"
  mv "$c/var/lib/docker-storage.btrfs" "$c/var/lib/docker-storage.btrfs.moved"
  hook b1a 2 'echo A-live; sleep 100; ls /var/lib/docker/volumes; cat /var/lib/docker/volumes/*/_data/*'
  boot b1a 2 & local pa=$!
  sleep 25
  local H='findmnt /var/lib/docker; losetup -a; systemctl show var-lib-docker.mount -p ActiveState -p ConditionResult -p Result; systemctl is-active docker.service
systemctl start var-lib-docker.mount; echo start-rc=$?; findmnt /var/lib/docker; systemctl show var-lib-docker.mount -p ActiveState -p ConditionResult
mount -a; echo mount-a-rc=$?; findmnt -o TARGET,SOURCE,FSTYPE /var/lib/docker; losetup -a
ls /var/lib/docker /var/lib/docker/volumes 2>&1; cat /var/lib/docker/volumes/keep/_data/f 2>&1
dockstore status; echo status-rc=$?; dockstore check; echo check-rc=$?
if mountpoint -q /var/lib/docker; then echo written-by-$(hostname) > /var/lib/docker/B-WAS-HERE; systemctl start docker.service; sleep 3; systemctl is-active docker.service; umount /var/lib/docker; fi
mount /var/lib/docker; echo mount-path-rc=$?; findmnt -o TARGET,SOURCE /var/lib/docker; dockstore check | head -3; umount /var/lib/docker 2>/dev/null; true'
  hook b1b 2 "$H"; hook b1c 2 "$H"
  boot b1b 2 & boot b1c 2 & wait
  wait $pa
  ls -la "$a/var/lib/docker" > "$RUN/b1a/atk/after-b-c.ls" 2>&1
  hook b1a 3 'ls -la /var/lib/docker; cat /var/lib/docker/B-WAS-HERE; cat /var/lib/docker/volumes/keep/_data/f'
  boot b1a 3; }

# B2: odd bytes in the image name (%, ") and a non-default mountpoint with a dash: does systemd's mount unit
# (not provision) mount the store at boot 2? (ConditionResult, journal)
case_b2() { make_root b2; local r; r=$(R b2); mkdir -p "$r/srv"
  printf 'DOCKSTORE_MOUNTPOINT=/srv/dock-er\nDOCKSTORE_IMAGE=\x27/var/lib/im%%g"x.btrfs\x27\n' >> "$r/etc/sysconfig/dockstore"
  local W=${DATA_WRITE//\/var\/lib\/docker/\/srv\/dock-er}
  hook b2 1 "$W"'; cat /etc/sysconfig/docker'
  hook b2 2 'journalctl -b --no-pager | grep -iE "dock.x2der|condition|skipp" | head; cat /srv/dock-er/volumes/keep/_data/f; docker info 2>&1 | grep -E "Root|Storage"'
  boot b2 1; boot b2 2; }

# B3: migrate-ebs killed at each failpoint, then reboot with the volume: store mounted? drop-in? status?
case_b3() { local fp=$1 c=b3-$1; make_root "$c"; local r; r=$(R "$c")
  truncate -s 120G "$RUN/$c/ebs.img"; local ebs; ebs=$(flock "$RUN/.losetup.lock" losetup -f --show "$RUN/$c/ebs.img")
  hook "$c" 1 "$DATA_WRITE"'; DOCKSTORE_FAILPOINT='"$fp"' dockstore migrate-ebs '"$ebs"' --yes; echo rc=$?; cat /etc/fstab; ls -la /etc/systemd/system/var-lib-docker.mount.d/ /var/lib/docker-storage.btrfs'
  hook "$c" 2 'cat /var/lib/docker/volumes/keep/_data/f; ls -la /etc/systemd/system/var-lib-docker.mount.d/ /var/lib/docker-storage.btrfs; dockstore migrate-ebs '"$ebs"' --yes; echo mig=$?; findmnt /var/lib/docker; ls -la /etc/systemd/system/var-lib-docker.mount.d/'
  hook "$c" 3 'cat /var/lib/docker/volumes/keep/_data/f; ls -la /etc/systemd/system/var-lib-docker.mount.d/ 2>&1'
  boot "$c" 1 --bind="$ebs"; boot "$c" 2 --bind="$ebs"; boot "$c" 3 --bind="$ebs"
  losetup -d "$ebs"; }

# B6: an older tree (no mount drop-in: what an older dockstore left) upgraded, booted with its image gone while
# another root's store is live on the kernel: systemd's mount at that first boot (before provision can write the drop-in).
# D: no marker; E: /etc/dockstore.disabled.
case_b6() { make_root b6a; make_root b6d; make_root b6e; local a d e
  a=$(R b6a); d=$(R b6d); e=$(R b6e)
  hook b6a 1 "$DATA_WRITE"; hook b6d 1 "$DATA_WRITE"; hook b6e 1 "$DATA_WRITE"
  boot b6a 1 & boot b6d 1 & boot b6e 1 & wait
  for x in "$d" "$e"; do rm -rf "$x/etc/systemd/system/var-lib-docker.mount.d"; mv "$x/var/lib/docker-storage.btrfs" "$x/var/lib/docker-storage.btrfs.moved"; done
  touch "$e/etc/dockstore.disabled"
  hook b6a 2 'echo A-live; sleep 60; ls -la /var/lib/docker; cat /var/lib/docker/volumes/keep/_data/f'
  boot b6a 2 & local pa=$!
  sleep 20
  local H='findmnt -o TARGET,SOURCE /var/lib/docker; losetup -a; cat /var/lib/docker/volumes/keep/_data/f; ls /etc/systemd/system/var-lib-docker.mount.d/ 2>&1; journalctl -b --no-pager -u var-lib-docker.mount -u dockstore-provision.service | tail -8; if mountpoint -q /var/lib/docker; then echo from-$(hostname)-$RANDOM > /var/lib/docker/WRITTEN-BY-OTHER-ROOT; fi; systemctl is-active docker.service; docker info 2>&1 | grep -E "Root|Storage"'
  hook b6d 2 "$H"; hook b6e 2 "$H"
  boot b6d 2 & boot b6e 2 & wait
  wait $pa 2>/dev/null
  hook b6a 3 'ls -la /var/lib/docker; cat /var/lib/docker/WRITTEN-BY-OTHER-ROOT'
  boot b6a 3; }

# B7: the admin added a line to the mount drop-in; teardown --delete-image (which keeps that file) and later the
# admin's own fstab line for the same mountpoint (a tmpfs here; an ext4 volume on a real host): mounted at boot?
case_b7() { make_root b7; local r; r=$(R b7)
  hook b7 1 'echo "After=local-fs-pre.target" >> /etc/systemd/system/var-lib-docker.mount.d/dockstore.conf; dockstore teardown --stop-docker --delete-image; echo teardown=$?; ls -la /etc/systemd/system/var-lib-docker.mount.d/; cat /etc/systemd/system/var-lib-docker.mount.d/dockstore.conf; rm -f /etc/dockstore.disabled; echo "tmpfs /var/lib/docker tmpfs defaults 0 0" >> /etc/fstab; cat /etc/fstab'
  hook b7 2 'systemctl show var-lib-docker.mount -p ActiveState -p ConditionResult -p DropInPaths; findmnt /var/lib/docker; journalctl -b --no-pager -u var-lib-docker.mount | tail -3'
  boot b7 1; boot b7 2; }

detach_ours_file() { local dev f; for dev in /sys/block/loop*; do f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue; [ "$f" = "$1" ] && losetup -d "/dev/${dev##*/}" 2>/dev/null; done; }
# R: another root detaching a loop device while provision/status scan /sys/block/loop*: host repro (no boot)
case_r() { local o=$RUN/r/atk; mkdir -p "$o"; exec > "$o/log" 2>&1
  local t; t=$(mktemp -d "$RUN/r/t.XXXX"); mkdir -p "$t/var/lib" "$t/etc"; touch "$t/etc/fstab"
  $BIN provision --root "$t" >/dev/null 2>&1; echo "provision rc=$?"
  truncate -s 64M "$RUN/r/churn.img"
  local ch="" j
  for j in 1 2 3; do ( for i in $(seq 1 4000); do dv=$(losetup -f --show "$RUN/r/churn.img" 2>/dev/null) && losetup -d "$dv" 2>/dev/null; done ) & ch="$ch $!"; done
  for i in $(seq 1 120); do
    out=$($BIN status --root "$t" 2>&1); rc=$?; [ $rc -ne 0 ] && echo "status rc=$rc: $(echo "$out" | grep -E '^dockstore:' | head -1)"
    out=$($BIN provision --root "$t" 2>&1); rc=$?; [ $rc -ne 0 ] && echo "provision rc=$rc: $(echo "$out" | tail -1)"
    out=$($BIN check --root "$t" 2>&1); rc=$?; [ $rc -ne 0 ] && echo "check rc=$rc: $(echo "$out" | cut -c1-200)"
  done | sort | uniq -c
  kill $ch 2>/dev/null; wait $ch 2>/dev/null; detach_ours_file "$RUN/r/churn.img"
  $BIN teardown --root "$t" --delete-image >/dev/null 2>&1; echo "teardown rc=$?"; }

CASES=${*:-h r b1 b2 b3 b6 b7}
for c in $CASES; do
  case $c in
    b3) for fp in fstab detach-loop delete-image finish; do case_b3 $fp & done ;;
    h) ( case_h ) & ;;
    r) ( case_r ) & ;;
    *) "case_$c" & ;;
  esac
done
wait
echo done
