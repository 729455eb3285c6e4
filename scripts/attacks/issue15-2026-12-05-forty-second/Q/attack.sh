#!/bin/bash
# Attack 42 / helper Q: does `dockstore check` tell the truth?  Re-runnable; cleans up after itself.
# Usage: bash attack.sh [case ...]   (no argument: all cases).  Output: attack.log + out/ in this folder.
# Only touches what it creates: --root trees under fresh mktemp -d here, loop devices over sparse files in them,
# dockerds it starts (killed by pid), /dev nodes of loop devices it attached (moved back in a trap),
# /var/lib/btrfs/scrub.status.<uuid> files of its own stores' uuids (btrfs scrub writes them).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
D=${DOCKSTORE:-$HERE/dockstore}
OUT=$HERE/out; mkdir -p "$OUT"
LOG=$HERE/attack.log; : > "$LOG"
ROOTS=(); PIDS=(); UUIDS=(); MOVED=()
PASS=0; FAIL=0
NR="setpriv --reuid=65534 --regid=65534 --clear-groups"

log() { echo "$*" | tee -a "$LOG"; }
verdict() { # verdict PASS|FAIL "case" "severity/notes"
  if [ "$1" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi
  log "[$1] $2${3:+ -- $3}"; }

cleanup() {
  for n in "${MOVED[@]}"; do [ -e "/dev/qmoved-$(basename "$n")" ] && mv "/dev/qmoved-$(basename "$n")" "$n"; done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; for i in $(seq 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done; done
  for r in "${ROOTS[@]}"; do
    [ -d "$r" ] || continue
    for f in $(lsattr -R -d "$r" 2>/dev/null | awk '$1 ~ /[ia]/ {print $2}'); do chattr -i -a "$f" 2>/dev/null; done
    for i in 1 2 3 4 5 6; do
      for m in $(findmnt -rn -o TARGET | grep "^$r" | sort -r); do fsfreeze -u "$m" 2>/dev/null; umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
    done
    for l in $(losetup -a | grep -F "$r" | cut -d: -f1); do losetup -d "$l" 2>/dev/null; done
    chattr -R -i -a "$r" 2>/dev/null; rm -rf "$r"
  done
  for u in "${UUIDS[@]}"; do rm -f "/var/lib/btrfs/scrub.status.$u" "/var/lib/btrfs/scrub.progress.$u"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

newroot() { R=$(mktemp -d -p "$HERE" r.XXXX); chmod 755 "$R"; ROOTS+=("$R"); mkdir -p "$R/var/lib" "$R/etc"; }
store() { # store SIZE -> R M IMG LOOP UUID
  newroot; "$D" provision --root "$R" --size "$1" > "$OUT/provision.$(basename "$R")" 2>&1 || log "provision failed: $(tail -1 "$OUT/provision.$(basename "$R")")"
  M=$R/var/lib/docker; IMG=$R/var/lib/docker-storage.btrfs; LOOP=$(losetup -j "$IMG" -O NAME -n | head -1)
  UUID=$(btrfs filesystem show "$M" 2>/dev/null | grep -o 'uuid: .*' | cut -d' ' -f2); UUIDS+=("$UUID"); }
# run check in the three formats (+ textfile, promtool); sets RC ST (json state) TXT (nagios text before |) PROMST
chk() { local n=$1; shift; local tf=$R/tf; rm -rf "$tf"; mkdir -p "$tf"
  "$D" check --root "$R" "$@" > "$OUT/$n.nagios" 2>&1; RC=$?
  "$D" check --root "$R" --format json "$@" > "$OUT/$n.json" 2>&1; local jrc=$?
  "$D" check --root "$R" --format prometheus --textfile /tf "$@" > "$OUT/$n.prom" 2>&1; local prc=$?
  cp "$tf/dockstore.prom" "$OUT/$n.textfile" 2>/dev/null
  promtool check metrics < "$tf/dockstore.prom" > "$OUT/$n.promtool" 2>&1; PT=$?
  ST=$(python3 -c "import json;print(json.load(open('$OUT/$n.json'))['state'])" 2>/dev/null)
  PROMST=$(grep -oP '^dockstore_status\{[^}]*\} \K\S+' "$tf/dockstore.prom" 2>/dev/null)
  TXT=$(cut -d'|' -f1 "$OUT/$n.nagios")
  log "  $n: rc=$RC json.state=$ST json.rc=$jrc prom.rc=$prc textfile.status=$PROMST promtool=$PT"
  log "  $n: $(echo "$TXT" | cut -c1-400)"
  [ "$RC" = "$ST" ] && [ "$RC" = "$jrc" ] && [ "$RC" = "$prc" ] && [ "$RC" = "$PROMST" ] && [ "$PT" = 0 ] || log "  $n: FORMATS DISAGREE or promtool failed"; }
expect() { # expect CASE RCWANT GREP [severity-if-fail]
  if [ "$RC" = "$2" ] && echo "$TXT" | grep -q -- "$3"; then verdict PASS "$1"; else verdict FAIL "$1" "${4:-wrong result}: wanted rc $2 and /$3/, got rc $RC"; fi; }
ckN() { $NR "$D" check --root "$R" "$@" 2>&1 | cut -d'|' -f1; return "${PIPESTATUS[0]}"; }
startd() { # startd DATAROOT DRIVER -> dockerd with pidfile/socket under R (what check looks for)
  mkdir -p "$R/var/run" "$R/run" "$R/dx"
  dockerd --data-root "$1" --exec-root "$R/dx/exec" --pidfile "$R/var/run/docker.pid" --host "unix://$R/run/docker.sock" \
    --iptables=false --bridge=none --storage-driver "$2" > "$R/dx/log" 2>&1 & PIDS+=($!); DPID=$!
  for i in $(seq 80); do docker -H "unix://$R/run/docker.sock" info >/dev/null 2>&1 && return 0; kill -0 $DPID 2>/dev/null || return 1; sleep 0.25; done; return 1; }
stopd() { kill "$DPID" 2>/dev/null; for i in $(seq 80); do kill -0 "$DPID" 2>/dev/null || return 0; sleep 0.25; done; }

case_space() {
  log "== space: data full, metadata full, host full"
  store 512M; chk baseline; expect "baseline store is OK in all formats" 0 "DOCKSTORE OK"
  dd if=/dev/urandom of="$M/big" bs=1M status=none 2>/dev/null; sync; echo x > "$M/probe" 2>/dev/null && log "  write still works?"
  chk datafull; expect "data full (df 0) is CRITICAL data_free" 2 "data free 0 B"
  sha256sum "$M/big" > "$OUT/big.sha"; "$D" grow --to 1G --root "$R" --mountpoint /var/lib/docker >/dev/null 2>&1
  chk datafull_grown; if [ "$RC" = 0 ] && (cd / && sha256sum -c --quiet "$OUT/big.sha"); then verdict PASS "data-full remedy (dockstore grow --to) works, data intact"; else verdict FAIL "data-full remedy" "wrong result"; fi
  store 160M; python3 - "$M" <<'EOF'
import os,sys
d=os.path.join(sys.argv[1],'meta'); os.makedirs(d); b=b'x'*2000; n=0
try:
    while n<200000:
        if n%5000==0: sd=os.path.join(d,str(n)); os.mkdir(sd)
        open(os.path.join(sd,str(n)),'wb').write(b); n+=1
except OSError: pass
EOF
  sync; chk metafull; expect "metadata full (many small files, df shows 8 MiB free) is CRITICAL metadata_free" 2 "metadata free .* while unallocated"
  # host filesystem under the image nearly full: the --root's var/lib is a 400M ext4 on a loop device
  newroot; truncate -s 400M "$R/host.ext4"; mkfs.ext4 -q "$R/host.ext4"; local HL; HL=$(losetup -f --show "$R/host.ext4"); mount "$HL" "$R/var/lib"
  "$D" provision --root "$R" --size 1G >/dev/null 2>&1; M=$R/var/lib/docker; UUIDS+=("$(btrfs filesystem show "$M" | grep -o 'uuid: .*' | cut -d' ' -f2)")
  fallocate -l 330M "$R/var/lib/filler"; chk hostfull; expect "host fs under thin image nearly full is CRITICAL host_free" 2 "host filesystem under .* has"
  dd if=/dev/urandom of="$M/fill" bs=1M count=100 status=none 2>/dev/null; sync
  chk hostfull_written; expect "after the host filled, btrfs forced ro is CRITICAL read_only" 2 "read-only under a read-write mount"
}

case_states() {
  log "== states that stop writes"
  store 300M
  mount -o remount,ro "$M"; chk remount_ro; expect "remount ro is CRITICAL" 2 "mounted read-only"; mount -o remount,rw "$M"
  mount --bind "$M" "$M"; mount -o remount,bind,ro "$M"; chk bind_ro; expect "per-mount ro (bind over itself) is CRITICAL" 2 "read-only"
  mount -o remount,rw "$M"; touch "$M/y" && verdict PASS "its remedy mount -o remount,rw works on a ro bind" || verdict FAIL "remedy for ro bind" "wrong result"; rm -f "$M/y"; umount "$M"
  chattr +i "$M"; chk immutable; expect "chattr +i data root is CRITICAL" 2 "immutable attribute"; chattr -i "$M"
  chattr +a "$M"; chk appendonly; touch "$M/created-under-a" 2>/dev/null && CRE=yes || CRE=no
  if [ "$CRE" = yes ] && echo "$TXT" | grep -q "nothing can be created"; then verdict FAIL "chattr +a message says 'nothing can be created' but creating works (touch succeeded)" "unclear message (low)"; else verdict PASS "chattr +a message"; fi
  chattr -a "$M"; rm -f "$M/created-under-a"
  btrfs property set "$M" ro true; chk subvol_ro; expect "subvolume ro is CRITICAL" 2 "flagged read-only"; btrfs property set "$M" ro false
  mount -o remount,noexec "$M"; chk noexec; expect "noexec is CRITICAL" 2 "noexec"
  grep -q '"mount_option"' "$OUT/noexec.json" && ! grep -q 'mount_option' <(man -l /work/main/man/dockstore-check.8 2>/dev/null | col -b | sed -n '/dockstore_status carries reason/,/empty when OK/p') && log "  note: reason mount_option is missing from the man page's list of dockstore_status reasons"
  mount -o remount,exec "$M"
  mount -t tmpfs tmpq "$M"; chk tmpfs_over; expect "tmpfs over the store is CRITICAL mounted_over" 2 "mounted over the store"; umount "$M"
  mkdir -p "$R/other"; mount --bind "$R/other" "$M"; chk bind_over; expect "bind of another folder over the store is CRITICAL mounted_over" 2 "mounted over the store"; umount "$M"
  # as a non-root user (NRPE), with the data root 0710 as dockerd leaves it
  chmod 0710 "$M"
  for st in "chattr +i" "chattr +a" "btrfs property set ro"; do
    case $st in "chattr +i") chattr +i "$M";; "chattr +a") chattr +a "$M";; *) btrfs property set "$M" ro true;; esac
    T=$(ckN); r=$?; log "  nonroot/$st: rc=$r $(echo "$T" | cut -c1-160)"
    [ $r = 0 ] && verdict FAIL "non-root check (data root 0710, as dockerd leaves it) with $st says OK" "wrong result: CRITICAL state hidden, not even UNKNOWN" || verdict PASS "non-root $st"
    chattr -i -a "$M"; btrfs property set "$M" ro false
  done
  chmod 0755 "$M"
}

case_image() {
  log "== the image: moved, deleted (+ its remedy), second loop, truncated"
  store 400M
  mv "$IMG" "$R/var/lib/moved.img"; chk moved; expect "image renamed is CRITICAL image_moved naming mv back" 2 "mv $R/var/lib/moved.img"; mv "$R/var/lib/moved.img" "$IMG"
  local L2; L2=$(losetup -f --show "$IMG"); chk second_loop; expect "image on a second loop device is WARNING" 1 "also attached to $L2"
  mkdir -p "$R/second"; mount -o ro "$L2" "$R/second" 2>/dev/null && { chk second_mounted; expect "second instance mounted is CRITICAL" 2 "which is mounted"; umount "$R/second"; }; losetup -d "$L2"
  # deleted after a grow, remedy followed literally (without systemctl stop docker: no dockerd on this store)
  dd if=/dev/urandom of="$M/a" bs=1M count=150 status=none; sync
  "$D" grow --to 800M --root "$R" --mountpoint /var/lib/docker >/dev/null 2>&1
  dd if=/dev/urandom of="$M/b" bs=1M count=200 status=none; sync; (cd "$M" && sha256sum a b) > "$OUT/ab.sha"
  rm "$IMG"; chk deleted; expect "image deleted is CRITICAL image_deleted" 2 "was deleted while mounted"
  DD=$(grep -o 'dd if=[^)]*' "$OUT/deleted.nagios" | head -1); log "  remedy's copy command: $DD"
  fsfreeze -f "$M"; eval "$DD status=none"; dd if="$LOOP" of="$R/direct.copy" bs=1M iflag=direct conv=sparse status=none; fsfreeze -u "$M"
  NDIFF=$(cmp -l "$IMG.recovered" "$R/direct.copy" | wc -l); log "  buffered copy vs O_DIRECT copy of the frozen device: $NDIFF bytes differ"
  MODE=$(stat -c %a "$IMG.recovered"); mv "$IMG.recovered" "$IMG"
  chk after_remedy
  if [ "$RC" = 2 ] && echo "$TXT" | grep -q "replaced by another file.*move the new file aside"; then
    verdict FAIL "after following image_deleted's remedy, check calls the recovered copy 'replaced by another file' and says to move it aside and copy again" "unclear message: the remedy never converges; the real next step (stop Docker, unmount, mount the copy) is not said"; else verdict PASS "check after the remedy"; fi
  [ "$MODE" != 600 ] && verdict FAIL "the remedy's dd makes the recovered image mode $MODE (the image was 0600)" "security: the whole Docker store world-readable" || verdict PASS "recovered copy mode"
  echo after > "$M/after.txt"; sync
  umount "$M"; losetup -d "$LOOP" 2>/dev/null; "$D" provision --root "$R" >/dev/null 2>&1; LOOP=$(losetup -j "$IMG" -O NAME -n | head -1)
  if (cd "$M" && sha256sum -c --quiet "$OUT/ab.sha") >/dev/null 2>&1; then verdict PASS "image_deleted remedy (dd) gives an intact copy"
  else verdict FAIL "image_deleted remedy followed literally: the buffered 'dd if=/dev/loopN' copy is corrupt after a grow (stale block-device page cache; $NDIFF bytes differ from an O_DIRECT read); file b gives EIO" "DATA LOSS: use iflag=direct (or copy the deleted inode via /proc/PID/fd... ) and verify"; fi
  [ -e "$M/after.txt" ] || log "  note: what was written after the thaw (after.txt) is gone at the remount: the remedy does not say to keep Docker stopped until then"
  umount "$M"; losetup -d "$LOOP" 2>/dev/null; mv "$R/direct.copy" "$IMG"; chmod 600 "$IMG"; "$D" provision --root "$R" >/dev/null 2>&1
  (cd "$M" && sha256sum -c --quiet "$OUT/ab.sha") >/dev/null 2>&1 && log "  the O_DIRECT copy mounts with a and b intact"
  # truncated image + losetup -c, remedy grow --to back
  LOOP=$(losetup -j "$IMG" -O NAME -n | head -1); truncate -s 700M "$IMG"; losetup -c "$LOOP"
  chk truncated; expect "image truncated under the store is CRITICAL device_smaller_than_filesystem" 2 "grow --to 800M"
  "$D" grow --to 800M --root "$R" --mountpoint /var/lib/docker >/dev/null 2>&1; echo 3 > /proc/sys/vm/drop_caches
  (cd "$M" && sha256sum -c --quiet "$OUT/ab.sha") >/dev/null 2>&1 && verdict PASS "truncate remedy (grow --to) works, data intact" || verdict FAIL "truncate remedy" "data loss"
  # /dev node of our own loop device moved away (trap puts it back)
  LOOP=$(losetup -j "$IMG" -O NAME -n | head -1); chk before_node_moved; local RC0=$RC; MOVED+=("$LOOP"); mv "$LOOP" "/dev/qmoved-$(basename "$LOOP")"
  chk node_moved; mv "/dev/qmoved-$(basename "$LOOP")" "$LOOP"; [ "$RC" = "$RC0" ] && verdict PASS "node of the store's loop device moved away inside /dev: same verdict as before (rc $RC)" || verdict FAIL "loop node moved" "rc $RC0 -> $RC"
}

case_devices() {
  log "== two devices, degraded, scrub record"
  store 300M; truncate -s 300M "$R/second.img"; local L2; L2=$(losetup -f --show "$R/second.img")
  btrfs device add -f "$L2" "$M" >/dev/null; btrfs balance start -mconvert=raid1 -dconvert=raid1 "$M" >/dev/null 2>&1; echo data > "$M/keep.txt"; sync
  chk two_members
  [ "$RC" = 0 ] && verdict FAIL "store with a second member (btrfs device add of a loop device over $R/second.img, which nothing attaches at boot) is OK" "wrong result: the next boot's mount of the image fails (missing device); fstab/provision know only the image" || verdict PASS "second member judged"
  umount "$M"; losetup -d "$L2"; losetup -d "$LOOP" 2>/dev/null; LOOP=$(losetup -f --show "$IMG"); mount -o degraded "$LOOP" "$M"
  chk degraded; expect "missing member (mounted degraded) is CRITICAL device_missing" 2 "is missing (mounted degraded)"
  echo deg > "$M/deg.txt"; sync; L2=$(losetup -f --show "$R/second.img"); btrfs device scan "$L2" >/dev/null 2>&1; mount -o remount "$M"
  chk degraded_remount
  [ "$RC" = 2 ] && echo "$TXT" | grep -q "attach the device again and remount" && verdict FAIL "device_missing remedy 'attach the device again and remount': after losetup + mount -o remount the device is still missing (btrfs needs umount + mount)" "unclear message (low)" || verdict PASS "degraded remedy"
  umount "$M"; mount "$LOOP" "$M"; chk reattached; btrfs scrub start -B "$M" > "$OUT/scrub.txt" 2>&1
  mkdir -p "$R/var/lib/btrfs"; cp "/var/lib/btrfs/scrub.status.$UUID" "$R/var/lib/btrfs/" 2>/dev/null
  chk scrubbed; log "  scrub: $(grep -iE 'summary|corrected' "$OUT/scrub.txt" | tr '\n' ' ')"
  echo "$TXT" | grep -q "0 corrected, 0 uncorrectable: btrfs repaired them" && verdict FAIL "scrub message: 'found 2 error(s), 0 corrected, 0 uncorrectable: btrfs repaired them from a good copy' (super errors; nothing was repaired)" "unclear message (low)" || verdict PASS "scrub record message"
}

case_docker() {
  log "== Docker pointed elsewhere, dockerd on the bare folder, mounts inside the data root"
  store 400M; local SC=$R/etc/sysconfig/docker; cp "$SC" "$OUT/sc.orig"
  sed -i 's|^DOCKER_OPTS=.*|DOCKER_OPTS="--storage-driver=btrfs --data-root /srv/docker"|' "$SC"; chk opts_dataroot; expect "DOCKER_OPTS --data-root elsewhere is WARNING" 1 "is not the store's mountpoint"
  sed -i 's|^DOCKER_OPTS=.*|DOCKER_OPTS="--storage-driver=btrfs --data-root=/var/lib/docker/"|' "$SC"; chk opts_same; expect "DOCKER_OPTS --data-root=/var/lib/docker/ (same, cleaned) is OK" 0 "OK"
  printf 'DOCKER_OPTS="--storage-driver=btrfs"\nDOCKER_OPTS="--data-root=/srv/x"\n' > "$SC"; chk opts_twolines; expect "two DOCKER_OPTS lines: the last wins" 1 "'/srv/x'"
  cp "$OUT/sc.orig" "$SC"; mkdir -p "$R/etc/docker"
  echo '{"data-root":"/var/lib/docker","data-root":"/srv/docker"}' > "$R/etc/docker/daemon.json"; chk json_dup; expect "daemon.json duplicate key: the last wins (Go)" 1 "'/srv/docker'"
  printf '\xef\xbb\xbf{"debug":false}' > "$R/etc/docker/daemon.json"; chk json_bom; expect "daemon.json with a BOM (dockerd 20.10 refuses it) is UNKNOWN" 3 "not valid JSON"
  rm -rf "$R/etc/docker"
  startd "$M" btrfs || log "  dockerd did not start: $(tail -2 "$R/dx/log")"
  local S="docker -H unix://$R/run/docker.sock"; mkdir -p "$R/rootfs/bin"; cp /bin/busybox "$R/rootfs/bin/"; tar -C "$R/rootfs" -c . | $S import - bb:1 >/dev/null
  chattr +i "$M/btrfs/subvolumes"; E=$($S create bb:1 /bin/busybox true 2>&1 | tail -1); chk sub_immutable; chattr -i "$M/btrfs/subvolumes"; log "  docker create: $E"
  [ "$RC" -lt 2 ] && verdict FAIL "chattr +i on DATAROOT/btrfs/subvolumes: docker create fails ($E), check rc $RC names nothing" "wrong result" || verdict PASS "immutable btrfs/subvolumes"
  mount -t tmpfs tmpq "$M/btrfs"; chk sub_tmpfs; umount "$M/btrfs"
  [ "$RC" -lt 2 ] && verdict FAIL "tmpfs mounted over DATAROOT/btrfs (Docker's layers would go to RAM / be hidden): check rc $RC names nothing" "wrong result" || verdict PASS "mount inside data root"
  # lazy unmount under a running dockerd: documented docker_on_bare_folder
  stopd; umount "$M/btrfs" 2>/dev/null; umount "$M"; losetup -d "$LOOP" 2>/dev/null
  # dockerd started on the bare folder (store not mounted): dockerd bind-mounts its root onto itself
  startd "$M" overlay2 || log "  dockerd did not start: $(tail -2 "$R/dx/log")"
  log "  findmnt $M: $(findmnt -rn -o SOURCE,FSTYPE "$M" | tr '\n' ' ')"
  chk bare_dockerd
  [ "$RC" = 2 ] && echo "$TXT" | grep -q dockerd && verdict PASS "dockerd on the bare folder is CRITICAL docker_on_bare_folder" || verdict FAIL "dockerd 20.10 started on the bare folder (store not mounted): rc $RC, 'ext4 is mounted at ..., unmount what is there' -- dockerd's own self-bind of its data root hides docker_on_bare_folder; dockerd is not named" "wrong result (CRITICAL state reported UNKNOWN)"
  umount -l "$M"; chk bare_dockerd_lazy; expect "same dockerd with its self-bind lazily gone is CRITICAL docker_on_bare_folder" 2 "dockerd (pid"
  stopd
}

case_users() {
  log "== non-root, state file, textfile, thresholds"
  store 300M; local SF=$R/var/lib/dockstore/device-errors
  T=$(ckN); r=$?; [ $r = 0 ] && verdict PASS "non-root check of a healthy store is OK" || verdict FAIL "non-root healthy" "$T"
  mkdir -p "$R/tfi"; chattr +i "$R/tfi"; "$D" check --root "$R" --textfile /tfi > "$OUT/tfi.txt" 2>&1; r=$?; chattr -i "$R/tfi"
  [ $r = 3 ] && grep -q "cannot write the textfile" "$OUT/tfi.txt" && verdict PASS "textfile folder immutable: UNKNOWN naming it" || verdict FAIL "textfile immutable" "rc $r"
  mkdir -p "$R/tfreal"; ln -sfn /tfreal "$R/tflink"; "$D" check --root "$R" --textfile /tflink --format prometheus >/dev/null 2>&1; r=$?
  [ $r = 0 ] && promtool check metrics < "$R/tfreal/dockstore.prom" >/dev/null 2>&1 && verdict PASS "textfile folder is an absolute symlink inside --root: resolved inside the root" || verdict FAIL "textfile symlink" "rc $r"
  mkdir -p "$R/tffull"; mount -t tmpfs -o size=8k tmpq "$R/tffull"; dd if=/dev/zero of="$R/tffull/fill" bs=1k count=8 status=none 2>/dev/null
  "$D" check --root "$R" --textfile /tffull > "$OUT/tffull.txt" 2>&1; r=$?; LEFT=$(ls -A "$R/tffull" | grep -vc '^fill$'); umount "$R/tffull"
  [ $r = 3 ] && [ "$LEFT" = 0 ] && verdict PASS "textfile on a full fs: UNKNOWN, no temp file left" || verdict FAIL "textfile full fs" "rc $r left $LEFT"
  rm -f "$SF"; mkdir "$SF"; chk state_dir; rmdir "$SF"
  case $RC in 0|3) verdict PASS "state file is a folder (no error counters to judge): rc $RC";; *) verdict FAIL "state file folder" "rc $RC";; esac
  for a in "-w 10 -c 5" "-w 101%:" "-w 10%:5%" "-w 1.5G:" "-w 20%:1G" "-w @0:100%"; do
    T=$("$D" check --root "$R" $a 2>&1 | cut -d'|' -f1); log "  thresholds '$a': rc=$? $(echo "$T" | cut -c1-150)"; done
  verdict PASS "threshold syntax: bad values UNKNOWN naming the value; bare N = 0:N as documented (note: '-w 10G -c 5G' never alerts on low data free)"
}

ALL="space states image devices docker users"
for c in ${@:-$ALL}; do "case_$c"; done
log ""; log "passed $PASS, failed $FAIL"
