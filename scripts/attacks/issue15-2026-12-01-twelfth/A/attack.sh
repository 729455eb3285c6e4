#!/bin/bash
# Attacker A (states, devices, time) — re-runnable cases against dockstore.
# DOCKSTORE=/path/to/bin ./attack.sh [CASE]
D=${DOCKSTORE:-/work/attack12/dockstore}
FAILS=0; NCASE=0; NPASS=0
R=""; LOOPS=(); FILES=()
cleanup() {
  if [ -n "$R" ]; then
    for m in $(findmnt -rn -o TARGET | grep -F "$R" | sort -r); do umount -l "$m" 2>/dev/null; done
  fi
  for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
  # loop devices the store made over files in our root
  if [ -n "$R" ]; then
    for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$R" 'index($2,r)==1{print $1}'); do losetup -d "$l" 2>/dev/null; done
  fi
  for f in "${FILES[@]}"; do
    for l in $(losetup -j "$f" -nO NAME 2>/dev/null); do losetup -d "$l" 2>/dev/null; done
    rm -f "$f"
  done
  [ -n "$R" ] && rm -rf "$R" "$R".*
  R=""; LOOPS=(); FILES=()
}
trap cleanup EXIT
newroot() { R=$(mktemp -d /tmp/a12A.XXXXXX); mkdir -p "$R/var/lib" "$R/etc"; }
newloop() { # size -> sets NL to a new loop device over a sparse file outside the root
  local f; f=$(mktemp /tmp/a12A-dev.XXXXXX); truncate -s "$1" "$f"; FILES+=("$f")
  NL=$(losetup -f --show "$f"); LOOPS+=("$NL")
}
result() { NCASE=$((NCASE+1)); if [ "$2" = PASS ]; then NPASS=$((NPASS+1)); echo "PASS $1"; else FAILS=$((FAILS+1)); echo "FAIL $1: $3"; fi; }

# A1: image truncated smaller than its btrfs (a device that shrank) under a mounted store:
# check must not say OK / status "in place" while writes beyond the device end will fail.
case_A1() {
  newroot
  $D provision --root "$R" --size 1G >/dev/null 2>&1 || { result A1 FAIL "provision failed"; cleanup; return; }
  local L; L=$(findmnt -no SOURCE "$R/var/lib/docker")
  truncate -s 600M "$R/var/lib/docker-storage.btrfs"; losetup -c "$L"
  local out rc st src
  out=$($D check --root "$R" 2>&1); rc=$?
  $D status --root "$R" >/dev/null 2>&1; st=$?
  if [ $rc -eq 0 ] || [ $st -eq 0 ]; then
    result A1 FAIL "btrfs 1 GiB on a 600 MiB device: check rc=$rc ($(echo "$out"|cut -c1-60)), status rc=$st"
  else result A1 PASS; fi
  cleanup
}
# A2: the store's default subvolume set behind dockstore's back (btrfs subvolume set-default, as snapper does):
# provision mounts that subvolume and says "ready"; Docker's data at the top level is hidden.
case_A2() {
  newroot; local M="$R/var/lib/docker"
  $D provision --root "$R" --size 1G >/dev/null 2>&1 || { result A2 FAIL "provision failed"; cleanup; return; }
  mkdir "$M/containers"; echo x > "$M/containers/data"
  btrfs subvolume create "$M/snap" >/dev/null; btrfs subvolume set-default "$M/snap" >/dev/null
  umount "$M"
  local rc st ck
  $D provision --root "$R" >/dev/null 2>&1; rc=$?
  $D status --root "$R" >/dev/null 2>&1; st=$?
  $D check --root "$R" >/dev/null 2>&1; ck=$?
  if [ -e "$M/containers/data" ]; then result A2 PASS
  elif [ $rc -eq 0 ] && [ $st -eq 0 ]; then result A2 FAIL "provision rc=$rc 'ready', status rc=$st 'in place', check rc=$ck, but $M shows subvolume 'snap', not the store's data"
  else result A2 PASS; fi
  cleanup
}
# A3: migrate-ebs (replace) SIGKILLed at time T while a writer fsyncs files, then a "reboot" that renames the
# target device (another loop number), boot-time provision, then AFTER (finish|abort|abort-then-finish).
# Expect: every file fsynced before the kill and every file of the seed intact; store ends on the device (finish) or image (abort).
mig_setup() { # seeds store: $R, $M, $T (target file)
  newroot; M="$R/var/lib/docker"
  $D provision --root "$R" --size 3G >/dev/null 2>&1 || return 1
  dd if=/dev/urandom of="$M/seed0" bs=1M count=64 status=none
  for i in $(seq 1 14); do cp --reflink=never "$M/seed0" "$M/seed$i"; done
  btrfs subvolume snapshot "$M" "$M/snapA" >/dev/null
  sync; (cd "$M" && find . -type f -exec sha256sum {} + | sort -k2) > "$R.sums"; FILES+=("$R.sums" "$R.wlog")
  T=$(mktemp /tmp/a12A-dev.XXXXXX); truncate -s 3G "$T"; FILES+=("$T")
}
writer() { # writes files with fsync, logs "sum name" after each fsync
  local n=0; : > "$R.wlog"
  while :; do n=$((n+1)); head -c 1048576 /dev/urandom > "$R.wtmp" 2>/dev/null || break
    dd if="$R.wtmp" of="$M/w$n" bs=1M conv=fsync status=none 2>/dev/null || break
    echo "$(sha256sum < "$R.wtmp" | cut -c1-64)  ./w$n" >> "$R.wlog"; sleep 0.05; done
  rm -f "$R.wtmp"
}
_unused() { :
}
verify_all() {
  (cd "$M" && sha256sum --quiet -c "$R.sums" 2>&1 | head -3) && (cd "$M" && sha256sum --quiet -c "$R.wlog" 2>&1 | head -3)
}
mig_kill_case() { # $1 id  $2 kill-after-seconds  $3 after: finish|abort|abortfinish
  local id=$1 t=$2 after=$3 L L2 X LX wp mp out rc
  mig_setup || { result $id FAIL "setup"; cleanup; return; }
  L=$(losetup -f --show "$T"); LOOPS+=("$L")
  setsid bash -c "$(declare -f writer); R='$R'; M='$M'; writer" & wp=$!
  $D migrate-ebs "$L" --root "$R" --yes > "$R.mig1" 2>&1 & mp=$!; FILES+=("$R.mig1" "$R.boot" "$R.after")
  sleep "$t"; kill -9 $mp 2>/dev/null; wait $mp 2>/dev/null
  sleep 0.3; kill -- -$wp 2>/dev/null; wait $wp 2>/dev/null; sleep 0.3
  # the "reboot": wait for a running replace? no: a power cut does not wait. Unmount, detach every loop.
  # a killed migrate-ebs leaves the replace running in its child (it holds the mountpoint): wait for it to end,
  # then shut down cleanly
  local k; for k in $(seq 1 120); do umount "$M" 2>/dev/null && break; sleep 0.5; done
  findmnt "$M" >/dev/null && { result $id FAIL "harness: umount failed"; cleanup; return; }
  for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$R" 'index($2,r)==1{print $1}'); do losetup -d "$l"; done
  losetup -d "$L" 2>/dev/null
  sleep 1
  X=$(mktemp /tmp/a12A-dev.XXXXXX); truncate -s 16M "$X"; FILES+=("$X"); LX=$(losetup -f --show "$X"); LOOPS+=("$LX")
  L2=$(losetup -f --show "$T"); LOOPS+=("$L2")   # the volume comes back under another name
  $D provision --root "$R" > "$R.boot" 2>&1; rc=$?
  case $after in
    finish) $D migrate-ebs "$L2" --root "$R" --yes > "$R.after" 2>&1; rc2=$? ;;
    abort) $D migrate-ebs "$L2" --root "$R" --yes --abort > "$R.after" 2>&1; rc2=$? ;;
    abortfinish) $D migrate-ebs "$L2" --root "$R" --yes --abort > "$R.after" 2>&1; $D migrate-ebs "$L2" --root "$R" --yes >> "$R.after" 2>&1; rc2=$? ;;
  esac
  if ! findmnt "$M" >/dev/null; then $D provision --root "$R" >> "$R.after" 2>&1; fi
  local v; v=$(verify_all 2>&1); local vr=$?
  local st; $D status --root "$R" > "$R.st" 2>&1; st=$?; FILES+=("$R.st")
  if [ $vr -ne 0 ]; then result $id FAIL "DATA: $v (boot rc=$rc after rc=$rc2)"; 
  elif [ $st -ne 0 ] && [ "$after" != abort ]; then result $id FAIL "status rc=$st after $after: $(tail -2 "$R.st"|tr '\n' ' '|cut -c1-300)"
  else result $id PASS; fi
  mkdir -p /tmp/a12A-logs/$id; cp "$R".* /tmp/a12A-logs/$id/ 2>/dev/null; findmnt -R "$R" > /tmp/a12A-logs/$id/mounts; losetup -l > /tmp/a12A-logs/$id/loops; dmesg | tail -30 > /tmp/a12A-logs/$id/dmesg
  echo "  [$id] boot rc=$rc: $(tail -1 "$R.boot"|cut -c1-200)"; echo "  [$id] after rc=$rc2: $(tail -1 "$R.after"|cut -c1-200)"
  cleanup
}
case_A3a() { mig_kill_case A3a 0.5 finish; }
case_A3b() { mig_kill_case A3b 1.5 finish; }
case_A3c() { mig_kill_case A3c 0.8 abort; }
case_A3d() { mig_kill_case A3d 1.2 abortfinish; }
# A4: migrate-ebs onto a device whose writes fail part-way (a loop device over a sparse file whose host fs fills:
# 400 MiB tmpfs, 1.5 GiB to copy). The kernel "finishes" the replace with a broken copy and forces the fs read-only;
# migrate-ebs exits 1 at resize; the re-run it asks for deletes the image (the only good copy) and says "Verified".
case_A4() {
  newroot; local M="$R/var/lib/docker" T="$R-tfs" L out1 rc1 out2 rc2 bad
  $D provision --root "$R" --size 3G >/dev/null 2>&1 || { result A4 FAIL "provision failed"; cleanup; return; }
  dd if=/dev/urandom of="$M/seed0" bs=1M count=64 status=none
  for i in $(seq 1 14); do cp --reflink=never "$M/seed0" "$M/seed$i"; done; sync
  (cd "$M" && find . -type f -exec sha256sum {} + | sort -k2) > "$R.sums"
  mkdir "$T"; mount -t tmpfs -o size=400M tmpfs "$T"; truncate -s 3G "$T/vol"; L=$(losetup -f --show "$T/vol"); LOOPS+=("$L")
  out1=$($D migrate-ebs "$L" --root "$R" --yes 2>&1); rc1=$?
  out2=$($D migrate-ebs "$L" --root "$R" --yes 2>&1); rc2=$?
  echo 3 > /proc/sys/vm/drop_caches
  bad=$(cd "$M" && sha256sum --quiet -c "$R.sums" 2>&1 | grep -c FAILED)
  local img=no; [ -e "$R/var/lib/docker-storage.btrfs" ] && img=yes
  if [ "$bad" -gt 0 ] && [ $img = no ]; then
    result A4 FAIL "DATA LOSS: $bad files unreadable on the new device, image deleted; run1 rc=$rc1 ($(echo "$out1"|tail -1|cut -c1-90)); run2 rc=$rc2 ($(echo "$out2"|tail -1|cut -c1-90))"
  elif [ "$bad" -gt 0 ] && [ $rc1 -eq 0 -o $rc2 -eq 0 ]; then
    result A4 FAIL "$bad files unreadable after a migrate-ebs that exited 0"
  else result A4 PASS; fi
  umount "$M" 2>/dev/null; losetup -d "$L" 2>/dev/null; umount "$T"; rmdir "$T"; cleanup
}
# A5: provision (image) killed at each step, then a DIFFERENT command: teardown --delete-image.
# Expect: rc 0, no mount, no loop over the root's files, and the tree back to what it was before provision
# (etc/ and var/lib/ empty; /etc/dockstore.disabled and run/ allowed), status afterwards not "in place".
tree_of() { (cd "$1" && find . -path ./run -prune -o -print | grep -v '^\./etc/dockstore.disabled$' | sort | tr '\n' ' '); }
case_A5() {
  local fp bad="" before after rc
  for fp in folder-record create-image format install-image create-mountpoint mount fstab drop-in sysconfig; do
    newroot; before=$(tree_of "$R")
    DOCKSTORE_FAILPOINT=$fp $D provision --root "$R" --size 1G >/dev/null 2>&1
    $D teardown --root "$R" --delete-image > "$R.td" 2>&1; rc=$?
    after=$(tree_of "$R")
    local mnt; mnt=$(findmnt -rn -o TARGET | grep -cF "$R")
    local lp; lp=$(losetup -nO BACK-FILE | grep -cF "$R")
    if [ $rc -ne 0 ] || [ "$before" != "$after" ] || [ "$mnt" -ne 0 ] || [ "$lp" -ne 0 ]; then
      bad="$bad [$fp: rc=$rc mounts=$mnt loops=$lp left: $(echo "$after" | tr ' ' '\n' | grep -vxF -f <(echo "$before"|tr ' ' '\n') | tr '\n' ' ') msg: $(tail -1 "$R.td"|cut -c1-160)]"
    fi
    cleanup
  done
  [ -z "$bad" ] && result A5 PASS || result A5 FAIL "$bad"
}
# A6: provision (image) killed at each step, then provision --device on a blank loop device (another argument).
# Expect: a refusal naming the unfinished image store (exit 2, device untouched), or a finished device store with the
# image debris gone — never two stores' lines, a formatted device beside a mounted image store, or rc 0 with the image still mounted.
case_A6() {
  local fp bad="" rc L
  for fp in create-image format install-image create-mountpoint mount fstab drop-in sysconfig; do
    newroot; newloop 1G; L=$NL
    DOCKSTORE_FAILPOINT=$fp $D provision --root "$R" --size 1G >/dev/null 2>&1
    $D provision --root "$R" --device "$L" > "$R.pd" 2>&1; rc=$?
    local sig; sig=$(blkid -p -o value -s TYPE "$L" 2>/dev/null)
    local img=no; [ -e "$R/var/lib/docker-storage.btrfs" ] && img=yes
    local mntsrc; mntsrc=$(findmnt -n -o SOURCE "$R/var/lib/docker" 2>/dev/null)
    local nl; nl=$(grep -c 'x-systemd.before=dockstore-provision' "$R/etc/fstab" 2>/dev/null)
    echo "  [A6 $fp] rc=$rc dev=${sig:-blank} image=$img mounted=${mntsrc:-none} fstablines=${nl:-0}: $(tail -1 "$R.pd"|cut -c1-200)"
    if [ $rc -eq 0 ] && { [ "$mntsrc" != "$L" ] || [ "${nl:-0}" -ne 1 ]; }; then bad="$bad [$fp: rc 0 but mounted=$mntsrc lines=$nl]"; fi
    if [ $rc -ne 0 ] && [ -n "$sig" ]; then bad="$bad [$fp: rc=$rc yet device formatted ($sig)]"; fi
    cleanup
  done
  [ -z "$bad" ] && result A6 PASS || result A6 FAIL "$bad"
}
# A7: device store; teardown (plain, and --wipe-device) killed at each step; "reboot" renames the device; then
# provision --device NEWNAME. Expect for plain teardown: the store mounted again with its data (provision mounts a docker
# filesystem as it is); for --wipe-device: either data back or a refusal (exit 2) — never a fresh empty filesystem with rc 0
# unless the wipe had been done (then the old data is gone by request; a new format needs --force per the man page).
case_A7() {
  local fp opt bad="" rc L L2 F X LX
  for opt in plain wipe; do
  for fp in unmount forget-check-caches disable-boot wipe-device fstab drop-in sysconfig folders; do
    [ $opt = plain ] && [ $fp = wipe-device ] && continue
    newroot; newloop 1G; L=$NL; F=$(losetup -nO BACK-FILE "$L")
    $D provision --root "$R" --device "$L" >/dev/null 2>&1 || { bad="$bad [$opt/$fp: provision failed]"; cleanup; continue; }
    echo keep > "$R/var/lib/docker/keep"; sync
    if [ $opt = wipe ]; then DOCKSTORE_FAILPOINT=$fp $D teardown --root "$R" --wipe-device >/dev/null 2>&1
    else DOCKSTORE_FAILPOINT=$fp $D teardown --root "$R" >/dev/null 2>&1; fi
    umount "$R/var/lib/docker" 2>/dev/null; losetup -d "$L"
    X=$(mktemp /tmp/a12A-dev.XXXXXX); truncate -s 8M "$X"; FILES+=("$X"); LX=$(losetup -f --show "$X"); LOOPS+=("$LX")
    L2=$(losetup -f --show "$F"); LOOPS+=("$L2")
    $D provision --root "$R" --device "$L2" > "$R.pv" 2>&1; rc=$?
    local data=no; [ "$(cat "$R/var/lib/docker/keep" 2>/dev/null)" = keep ] && data=yes
    echo "  [A7 $opt/$fp] rc=$rc data=$data: $(tail -1 "$R.pv"|cut -c1-220)"
    if [ $rc -eq 0 ] && [ $data = no ]; then bad="$bad [$opt/$fp: rc 0 'ready' without the data]"; fi
    if [ $opt = plain ] && [ $data = no ]; then bad="$bad [$opt/$fp: rc=$rc, store not back: $(tail -1 "$R.pv"|cut -c1-120)]"; fi
    cleanup
  done; done
  [ -z "$bad" ] && result A7 PASS || result A7 FAIL "$bad"
}
# A8: the store's top-level subvolume flagged read-only behind dockstore's back (btrfs property set -ts M ro true,
# e.g. frozen for a backup/btrfs send and forgotten): every write fails EROFS under a rw mount; check/status must not say OK.
case_A8() {
  newroot; local M="$R/var/lib/docker" ck st pv
  $D provision --root "$R" --size 1G >/dev/null 2>&1 || { result A8 FAIL "provision failed"; cleanup; return; }
  btrfs property set -ts "$M" ro true
  touch "$M/probe" 2>/dev/null && { result A8 FAIL "harness: write succeeded"; cleanup; return; }
  $D check --root "$R" >/dev/null 2>&1; ck=$?
  $D status --root "$R" >/dev/null 2>&1; st=$?
  umount "$M"; $D provision --root "$R" > "$R.pv" 2>&1; pv=$?
  if [ $ck -eq 0 ] || [ $st -eq 0 ]; then result A8 FAIL "writes fail (EROFS) but check rc=$ck, status rc=$st, boot provision rc=$pv: $(tail -1 "$R.pv"|cut -c1-100)"
  else result A8 PASS; fi
  btrfs property set -ts "$M" ro false 2>/dev/null
  cleanup
}
# A9: a btrfs qgroup limit on the store's top level (btrfs quota enable; btrfs qgroup limit 20M 0/5): writes fail with
# EDQUOT once it is reached; check/status must not report hundreds of MiB Docker "can still write".
case_A9() {
  newroot; local M="$R/var/lib/docker" ck st
  $D provision --root "$R" --size 1G >/dev/null 2>&1 || { result A9 FAIL "provision failed"; cleanup; return; }
  btrfs quota enable "$M"; btrfs qgroup limit 20M 0/5 "$M"; sync
  dd if=/dev/urandom of="$M/f" bs=1M count=40 status=none 2>/dev/null && { result A9 FAIL "harness: no EDQUOT"; cleanup; return; }
  sync
  $D check --root "$R" > "$R.ck" 2>&1; ck=$?
  $D status --root "$R" > "$R.st" 2>&1; st=$?
  if [ $ck -eq 0 ] && [ $st -eq 0 ]; then result A9 FAIL "qgroup limit reached (EDQUOT) but check OK ($(cut -c1-60 "$R.ck")), status: $(grep effective "$R.st"|cut -c1-80)"
  else result A9 PASS; fi
  cleanup
}
# A10: grow of a --thick image extends it sparse: the store provision made "so the host can never run out under it"
# is half thin afterwards, still mounted nodiscard, and nothing says so.
case_A10() {
  newroot; local I="$R/var/lib/docker-storage.btrfs" alloc app out
  $D provision --root "$R" --size 1G --thick >/dev/null 2>&1 || { result A10 FAIL "provision failed"; cleanup; return; }
  out=$($D grow --root "$R" --to 2G 2>&1)
  app=$(stat -c %s "$I"); alloc=$(( $(stat -c %b "$I") * $(stat -c %B "$I") ))
  if [ "$alloc" -lt "$app" ]; then result A10 FAIL "thick image grown to $app bytes but only $alloc allocated: $(echo "$out"|grep extend-image|cut -c1-120)"
  else result A10 PASS; fi
  cleanup
}
# A11: image store; teardown (plain / --delete-image) killed at each step; reboot; then provision.
# Expect for plain: the store back with its data. For --delete-image: data back, or a fresh store only once the image was deleted;
# never rc 0 with an empty store while the old image (or IMAGE.dockstore-deleted) still exists.
case_A11() {
  local fp opt bad="" rc
  for opt in plain delete; do
  for fp in unmount forget-check-caches disable-boot fstab drop-in sysconfig delete-image folders; do
    [ $opt = plain ] && [ $fp = delete-image ] && continue
    newroot; local M="$R/var/lib/docker" I="$R/var/lib/docker-storage.btrfs"
    $D provision --root "$R" --size 1G >/dev/null 2>&1 || { bad="$bad [$opt/$fp: provision failed]"; cleanup; continue; }
    echo keep > "$M/keep"; sync
    if [ $opt = delete ]; then DOCKSTORE_FAILPOINT=$fp $D teardown --root "$R" --delete-image >/dev/null 2>&1
    else DOCKSTORE_FAILPOINT=$fp $D teardown --root "$R" >/dev/null 2>&1; fi
    umount "$M" 2>/dev/null
    local old=no; { [ -e "$I" ] || [ -e "$I.dockstore-deleted" ]; } && old=yes
    $D provision --root "$R" > "$R.pv" 2>&1; rc=$?
    local data=no; [ "$(cat "$M/keep" 2>/dev/null)" = keep ] && data=yes
    echo "  [A11 $opt/$fp] old-image=$old rc=$rc data=$data: $(tail -1 "$R.pv"|cut -c1-160)"
    if [ $rc -eq 0 ] && [ $data = no ] && [ $old = yes ]; then bad="$bad [$opt/$fp: rc 0, new empty store while the old image existed]"; fi
    if [ $opt = plain ] && [ $data = no ]; then bad="$bad [$opt/$fp: data not back, rc=$rc]"; fi
    cleanup
  done; done
  [ -z "$bad" ] && result A11 PASS || result A11 FAIL "$bad"
}
# A12: a power cut in the middle of the kernel's replace, emulated: fsfreeze the store mid-replace, copy the image and
# the target (their on-disk state), thaw; then boot a copy of the tree with the target under another loop number:
# provision (mounts degraded, cancels), migrate-ebs NEWNAME. Expect all data intact, store on the device.
case_A12() {
  newroot; local M="$R/var/lib/docker" F L R2 F2 X LX L2 mp rc1 rc2
  $D provision --root "$R" --size 3G >/dev/null 2>&1 || { result A12 FAIL "provision failed"; cleanup; return; }
  dd if=/dev/urandom of="$M/seed0" bs=1M count=64 status=none
  for i in $(seq 1 20); do cp --reflink=never "$M/seed0" "$M/seed$i"; done
  btrfs subvolume snapshot "$M" "$M/snapA" >/dev/null; sync
  (cd "$M" && find . -type f -exec sha256sum {} + | sort -k2) > "$R.sums"
  newloop 3G; L=$NL; F=$(losetup -nO BACK-FILE "$L")
  $D migrate-ebs "$L" --root "$R" --yes > "$R.mig" 2>&1 & mp=$!
  local k; for k in $(seq 1 300); do btrfs replace status -1 "$M" 2>/dev/null | grep -q '% done' && break; sleep 0.1; done
  fsfreeze -f "$M"; btrfs replace status -1 "$M" > "$R.frozen-at" 2>&1; FILES+=("$R.frozen-at")
  R2=$(mktemp -d /tmp/a12A.XXXXXX); cp -a "$R/etc" "$R2/"; mkdir -p "$R2/var/lib/docker"; cp -a "$R/var/lib/dockstore" "$R2/var/lib/"
  cp --sparse=always "$R/var/lib/docker-storage.btrfs" "$R2/var/lib/"; F2=$(mktemp /tmp/a12A-dev.XXXXXX); cp --sparse=always "$F" "$F2"
  fsfreeze -u "$M"; wait $mp
  cp "$R.sums" "$R2.sums"; cp "$R.frozen-at" "$R2.frozen-at" 2>/dev/null; cleanup     # the original goes away (same UUIDs)
  R=$R2; M="$R/var/lib/docker"; FILES+=("$F2" "$R.sums")
  newloop 8M; L2=$(losetup -f --show "$F2"); LOOPS+=("$L2")
  $D provision --root "$R" > "$R.pv" 2>&1; rc1=$?
  $D migrate-ebs "$L2" --root "$R" --yes > "$R.mig2" 2>&1; rc2=$?
  echo 3 > /proc/sys/vm/drop_caches
  local bad; bad=$(cd "$M" 2>/dev/null && sha256sum -c "$R.sums" 2>&1 | grep -c -v ': OK$')
  local src; src=$(findmnt -n -o SOURCE "$M")
  echo "  [A12] frozen at: $(cat "$R.frozen-at" 2>/dev/null)"
  if [ "${bad:-1}" -ne 0 ] || [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ] || [ "$src" != "$L2" ]; then
    result A12 FAIL "boot rc=$rc1 migrate rc=$rc2 bad=$bad src=$src: $(tail -1 "$R.mig2"|cut -c1-150)"
  else result A12 PASS; fi
  cleanup
}
# A14: check's remedy while a replace runs names `btrfs balance status` (shows nothing of a replace) instead of
# `btrfs replace status`.
case_A14() {
  newroot; local M="$R/var/lib/docker" L mp out k
  $D provision --root "$R" --size 3G >/dev/null 2>&1 || { result A14 FAIL "provision failed"; cleanup; return; }
  dd if=/dev/urandom of="$M/seed0" bs=1M count=64 status=none
  for i in $(seq 1 20); do cp --reflink=never "$M/seed0" "$M/seed$i"; done; sync
  newloop 3G; L=$NL
  $D migrate-ebs "$L" --root "$R" --yes > "$R.mig" 2>&1 & mp=$!
  for k in $(seq 1 300); do btrfs replace status -1 "$M" 2>/dev/null | grep -q '% done' && break; sleep 0.1; done
  out=$($D check --root "$R" 2>&1 | cut -d'|' -f1)
  wait $mp
  if echo "$out" | grep -q 'replace is running' && ! echo "$out" | grep -q 'btrfs replace status'; then
    result A14 FAIL "remedy during a replace: $(echo "$out" | grep -o 'let it finish ([^)]*)')"
  else result A14 PASS; fi
  cleanup
}
#MAIN
ALL=$(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//')
if [ -n "$1" ]; then "case_$1"; else for c in $ALL; do "case_$c"; done; fi
echo "cases=$NCASE pass=$NPASS fail=$FAILS"
[ $FAILS -eq 0 ]
