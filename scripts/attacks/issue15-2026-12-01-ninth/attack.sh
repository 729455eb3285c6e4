#!/bin/bash
# Attack script for dockstore. Usage: sudo DOCKSTORE=/path/to/dockstore ./attack.sh [CASE...]
set -u
DS=${DOCKSTORE:-/work/attack9/dockstore}
RUNID="dsatk9.$$.$(date +%s)"
RESULTS=()
CUR_ROOT=""
MYLOOPS=()
MYFILES=()

log(){ echo "    $*" >&2; }
record(){ RESULTS+=("$1 $2 $3"); echo "$1 $2 $3"; }

newroot(){ CUR_ROOT=$(mktemp -d "/tmp/${RUNID}.XXXXXX"); chmod 755 "$CUR_ROOT"; echo "$CUR_ROOT"; }
# sparse file + loop device; echoes loop dev
mkloop(){ # file size
  truncate -s "$2" "$1"; local d; d=$(losetup -f --show "$1") || return 1; MYLOOPS+=("$d"); echo "$d"; }
# run dockstore, capturing out/err/rc
run(){ OUT=$("$DS" "$@" 2>/tmp/${RUNID}.err); RC=$?; ERR=$(cat /tmp/${RUNID}.err); log "\$ dockstore $* -> rc=$RC"; [ -n "$OUT" ] && log "out: ${OUT:0:600}"; [ -n "$ERR" ] && log "err: ${ERR:0:600}"; }
runfp(){ local fp=$1; shift; OUT=$(DOCKSTORE_FAILPOINT=$fp "$DS" "$@" 2>/tmp/${RUNID}.err); RC=$?; ERR=$(cat /tmp/${RUNID}.err); log "\$ FAILPOINT=$fp dockstore $* -> rc=$RC"; [ -n "$ERR" ] && log "err: ${ERR:0:400}"; }

cleanup_root(){
  local r=$1
  [ -z "$r" ] && return
  # unmount everything under root (deepest first)
  local m
  for i in 1 2 3; do
    for m in $(awk -v r="$r" 'index($2,r)==1{print $2}' /proc/self/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
  done
  # detach loop devices stacked on a loop device whose backing file is under root, then those themselves
  local l b
  for b in $(losetup -nO NAME,BACK-FILE 2>/dev/null | awk -v r="$r" 'index($2,r)==1{print $1}'); do
    for l in $(losetup -nO NAME,BACK-FILE 2>/dev/null | awk -v d="$b" '$2==d{print $1}'); do
      for m in $(awk -v d="$l" '$1==d{print $2}' /proc/self/mounts); do umount -l "$m" 2>/dev/null; done
      losetup -d "$l" 2>/dev/null
    done
  done
  for l in $(losetup -nO NAME,BACK-FILE 2>/dev/null | awk -v r="$r" 'index($2,r)==1{print $1}'); do
    for m in $(awk -v d="$l" '$1==d{print $2}' /proc/self/mounts); do umount -l "$m" 2>/dev/null; done
    losetup -d "$l" 2>/dev/null
  done
  rm -rf --one-file-system "$r"
}
cleanup_all(){
  local r
  for r in /tmp/${RUNID}.*; do [ -d "$r" ] && cleanup_root "$r"; done
  rm -f /tmp/${RUNID}.err /tmp/${RUNID}.e
  # also detach any loop we created whose backing file is gone
  local l
  for l in "${MYLOOPS[@]:-}"; do [ -n "$l" ] || continue
    if losetup -nO BACK-FILE "$l" 2>/dev/null | grep -q "/tmp/${RUNID}"; then
      for m in $(awk -v d="$l" '$1==d{print $2}' /proc/self/mounts); do umount -l "$m" 2>/dev/null; done
      losetup -d "$l" 2>/dev/null; fi
  done
}
trap cleanup_all EXIT INT TERM

treehash(){ (cd "$1" && find . -path ./disks -prune -o \( -type f -o -type l -o -type d -o -type p \) -printf '%y %p %l\n' | sort; find . -path ./disks -prune -o -type f -print0 | sort -z | xargs -0 -r sha256sum) | sha256sum | cut -c1-16; }
devhash(){ { head -c 2097152 "$1"; tail -c 2097152 "$1"; } 2>/dev/null | sha256sum | cut -c1-16; }
isbtrfs(){ blkid -p -o value -s TYPE "$1" 2>/dev/null; }

# ---------- helpers ----------
setup(){ R=$(newroot); mkdir -p "$R/etc" "$R/var/lib"; DK=$(mktemp -d "/tmp/${RUNID}.disks.XXXXXX"); }
# snapshot of the tree excluding files teardown is documented to leave (lock, dockstore.disabled) and disk files
snap(){ (cd "$R" && find . \( -path ./run -o -path ./etc/dockstore.disabled \) -prune -o -printf '%y %p\n' | sort) ; }
provimg(){ "$DS" provision --root "$R" --size 256M "$@" >/dev/null 2>&1; }
st_ok(){ "$DS" status --root "$R" "$@" >/dev/null 2>&1; }
mounted_under(){ awk -v r="$R" 'index($2,r)==1' /proc/self/mounts; }
loops_of(){ losetup -nO NAME,BACK-FILE | awk -v f="$1" '$2==f{print $1}'; }
temp_fsid_present(){ grep -l 1 /sys/fs/btrfs/*/temp_fsid 2>/dev/null | head -1; }
fin(){ cleanup_root "$R"; cleanup_root "$DK"; }

# ---------- double mount ----------
# a loop device stacked on the store's own loop device, mounted elsewhere: a second btrfs instance (temp fsid)
case_double_stacked_loop(){
  setup; provimg || { record double_stacked_loop FAIL "setup provision failed"; fin; return; }
  local L0 L2 m=$DK/m2; L0=$(loops_of "$R/var/lib/docker-storage.btrfs")
  L2=$(losetup -f --show "$L0"); MYLOOPS+=("$L2"); mkdir -p "$m"; mount "$L2" "$m"
  local tf=$(cat /sys/fs/btrfs/*/temp_fsid 2>/dev/null | grep -c 1)
  run status --root "$R"; local s=$RC
  run status --root "$R" --json; local sj=$RC
  run check --root "$R"; local c=$RC; local cout=${OUT:0:60}
  run check --root "$R" --format json; local cj=$RC
  mkdir -p "$R/tf"; run check --root "$R" --format prometheus --textfile /tf; local cp=$(echo "$OUT" | grep '^dockstore_status{')
  run provision --root "$R"; local p=$RC
  umount "$m"; losetup -d "$L2"
  if [ $s = 0 ] || [ $c = 0 ] || [ $cj = 0 ] || [ $p = 0 ]; then
    record double_stacked_loop FAIL "losetup -f \$(loop of image) + mount: kernel temp_fsid mounts=$tf; status rc=$s json rc=$sj, check rc=$c '$cout', json rc=$cj, prom '$cp', provision rc=$p"
  else record double_stacked_loop PASS "status=$s check=$c provision=$p"; fi
  fin
}
case_double_plain_mounted(){
  setup; provimg || { record double_plain_mounted FAIL "setup"; fin; return; }
  local I=$R/var/lib/docker-storage.btrfs L2 m=$DK/m2; L2=$(losetup -f --show "$I"); MYLOOPS+=("$L2"); mkdir -p "$m"; mount "$L2" "$m"
  run status --root "$R"; local s=$RC; run status --root "$R" --json; local sj=$RC
  run check --root "$R"; local c=$RC; run check --root "$R" --format json; local cj=$RC
  mkdir -p "$R/tf"; run check --root "$R" --format prometheus --textfile /tf; local cp=$(echo "$OUT" | grep -o 'dockstore_status{.*')
  run provision --root "$R"; local p=$RC
  umount "$m"; losetup -d "$L2"
  if [ $s = 0 ] || [ $sj = 0 ] || [ $c = 0 ] || [ $cj = 0 ] || [ $p = 0 ] || ! echo "$cp" | grep -q '} 2'; then
    record double_plain_mounted FAIL "status=$s/$sj check=$c/$cj prom='$cp' provision=$p"
  else record double_plain_mounted PASS "status=$s/$sj check=$c/$cj provision=$p"; fi
  fin
}
# second loop over a hard link of the image (other path, same inode), mounted read-only
case_double_hardlink_ro(){
  setup; provimg || { record double_hardlink_ro FAIL "setup"; fin; return; }
  local I=$R/var/lib/docker-storage.btrfs L2 m=$DK/m2; ln "$I" "$DK/hl.img"; L2=$(losetup -r -f --show "$DK/hl.img"); MYLOOPS+=("$L2"); mkdir -p "$m"; mount -o ro "$L2" "$m"
  run status --root "$R"; local s=$RC; run check --root "$R"; local c=$RC; run check --root "$R" --format json; local cj=$RC; run provision --root "$R"; local p=$RC
  umount "$m"; losetup -d "$L2"
  if [ $s = 0 ] || [ $c = 0 ] || [ $cj = 0 ] || [ $p = 0 ]; then record double_hardlink_ro FAIL "status=$s check=$c/$cj provision=$p"
  else record double_hardlink_ro PASS "status=$s check=$c/$cj provision=$p"; fi
  fin
}
# store unmounted, two loops over the image: one mounted at the mountpoint by hand via second loop
case_double_unmounted_two_loops(){
  setup; provimg || { record double_unmounted_two_loops FAIL "setup"; fin; return; }
  local I=$R/var/lib/docker-storage.btrfs; umount "$R/var/lib/docker"
  local L1 L2; L1=$(losetup -f --show "$I"); L2=$(losetup -f --show "$I"); MYLOOPS+=("$L1" "$L2")
  run provision --root "$R"; local p=$RC; local pe=${ERR:0:200}
  local nm=$(awk -v r="$R" 'index($2,r)==1' /proc/self/mounts | wc -l)
  run status --root "$R"; local s=$RC
  if [ $p = 0 ] || [ $nm != 0 ]; then record double_unmounted_two_loops FAIL "provision=$p mounts=$nm status=$s err='$pe'"
  else record double_unmounted_two_loops PASS "provision=$p status=$s"; fi
  fin
}

main(){
  [ "$(id -u)" = 0 ] || { echo "run as root"; exit 1; }
  local cases=("$@")
  if [ ${#cases[@]} = 0 ]; then cases=($(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//')); fi
  for c in "${cases[@]}"; do echo "== $c" >&2; ( "case_$c" ) ; cleanup_all; done 2>&1 | tee /tmp/${RUNID}.log | grep -E ' (PASS|FAIL) ' > /tmp/${RUNID}.res
  echo "---- summary"; cat /tmp/${RUNID}.res; echo "cases: $(wc -l < /tmp/${RUNID}.res) pass: $(grep -c ' PASS ' /tmp/${RUNID}.res) fail: $(grep -c ' FAIL ' /tmp/${RUNID}.res)"; echo "log: /tmp/${RUNID}.log"; rm -f /tmp/${RUNID}.res
}

# ---------- provision --device killed at each step ----------
DEV_FPS="folder-record format-record format-device create-mountpoint mount fstab forget-format-record drop-in sysconfig"
# kill, then re-run with the same device: must end in place, one fstab line, status OK
case_dev_kill_rerun(){
  local fp fails="" passes=0
  for fp in $DEV_FPS; do
    setup; local A; A=$(mkloop "$DK/a" 512M)
    runfp "$fp" provision --root "$R" --device "$A"
    run provision --root "$R" --device "$A"; local p=$RC
    run status --root "$R"; local s=$RC
    local nf=$(grep -c '^UUID=' "$R/etc/fstab" 2>/dev/null); local rec=$([ -e "$R/var/lib/dockstore/format-record.json" ] && echo yes || echo no)
    local nm=$(mounted_under | wc -l)
    if [ $p != 0 ] || [ $s != 0 ] || [ "$nf" != 1 ] || [ $rec = yes ] || [ $nm != 1 ]; then fails+="$fp(prov=$p status=$s fstablines=$nf record=$rec mounts=$nm) "; else passes=$((passes+1)); fi
    fin
  done
  [ -z "$fails" ] && record dev_kill_rerun PASS "$passes failpoints" || record dev_kill_rerun FAIL "$fails"
}
# kill, then provision a DIFFERENT blank device: expect either rc 0 with B the only store (A not mounted, not in fstab), or a refusal (rc 2) that changes nothing
case_dev_kill_other_device(){
  local fp fails="" passes=0 notes=""
  for fp in $DEV_FPS; do
    setup; local A B; A=$(mkloop "$DK/a" 512M); B=$(mkloop "$DK/b" 512M)
    runfp "$fp" provision --root "$R" --device "$A"
    local before=$(snap; mounted_under; devhash "$B")
    run provision --root "$R" --device "$B"; local p=$RC; local perr=${ERR:0:160}
    local after=$(snap; mounted_under; devhash "$B")
    local amounted=$(mounted_under | grep -c "^$A ") bm=$(mounted_under | grep -c "^$B ")
    local nf=$(grep -c '^UUID=' "$R/etc/fstab" 2>/dev/null)
    run status --root "$R"; local s=$RC
    if [ $p = 0 ]; then
      if [ $amounted != 0 ] || [ $bm != 1 ] || [ "$nf" != 1 ] || [ $s != 0 ]; then fails+="$fp(prov B rc=0 but A mounted=$amounted B mounted=$bm fstab UUID lines=$nf status=$s) "; else passes=$((passes+1)); notes+="$fp:B "; fi
    elif [ $p = 2 ]; then
      if [ "$before" != "$after" ]; then fails+="$fp(refused rc=2 but changed things) "; else passes=$((passes+1)); notes+="$fp:refused "; fi
    else fails+="$fp(rc=$p '$perr') "; fi
    fin
  done
  [ -z "$fails" ] && record dev_kill_other_device PASS "$passes ok; $notes" || record dev_kill_other_device FAIL "$fails"
}
# kill, then teardown --wipe-device, then teardown again: tree back as before provision, nothing mounted, second teardown nothing to do
case_dev_kill_teardown_wipe(){
  local fp fails="" passes=0 notes=""
  for fp in $DEV_FPS; do
    setup; local A; A=$(mkloop "$DK/a" 512M); local pre=$(snap)
    runfp "$fp" provision --root "$R" --device "$A"
    run teardown --root "$R" --wipe-device; local t1=$RC; local e1=${ERR:0:200}
    if [ $t1 = 2 ]; then run teardown --root "$R"; t1="2,then-plain:$RC"; fi
    run teardown --root "$R" --wipe-device; local t2=$RC
    local post=$(snap); local nm=$(mounted_under | wc -l)
    if [ "$pre" != "$post" ] || [ $nm != 0 ]; then fails+="$fp(t1=$t1 t2=$t2 mounts=$nm left: $(diff <(echo "$pre") <(echo "$post") | grep '^>' | tr '\n' ' ')) "; else passes=$((passes+1)); notes+="$fp:$t1/$t2 "; fi
    fin
  done
  [ -z "$fails" ] && record dev_kill_teardown_wipe PASS "$notes" || record dev_kill_teardown_wipe FAIL "$fails"
}

# provision --device killed right after its mount: follow the advice of the messages (another --mountpoint, then the teardown it names)
case_dev_kill_mount_advice(){
  setup; local A B; A=$(mkloop "$DK/a" 512M); B=$(mkloop "$DK/b" 512M)
  runfp mount provision --root "$R" --device "$A"
  run provision --root "$R" --device "$B"; local p1=$RC e1=${ERR:0:200}
  run provision --root "$R" --device "$B" --mountpoint /var/lib/docker2; local p2=$RC e2=${ERR:0:400}
  run teardown --root "$R" --mountpoint /var/lib/docker; local t=$RC e3=${ERR:0:300}
  run teardown --root "$R" --mountpoint /var/lib/docker --wipe-device; local tw=$RC
  local nm=$(mounted_under | wc -l)
  if [ $t != 0 ] && [ $tw != 0 ]; then
    record dev_kill_mount_advice FAIL "provision --device $A killed after [mount] (format-record.json names its UUID): 'provision --device B' rc=$p1; with --mountpoint rc=$p2 says '${e2}'; the named 'teardown --mountpoint /var/lib/docker' rc=$t: '$e3'; --wipe-device rc=$tw; store still mounted ($nm mounts)"
  else record dev_kill_mount_advice PASS "teardown rc=$t/$tw"; fi
  fin
}
# image store: provision killed at each failpoint, then teardown --delete-image: tree back, no loop, no image
IMG_FPS="folder-record create-image format install-image create-mountpoint mount fstab drop-in sysconfig"
case_img_kill_teardown_delete(){
  local fp fails="" notes=""
  for fp in $IMG_FPS; do
    setup; local pre=$(snap)
    runfp "$fp" provision --root "$R" --size 256M
    run teardown --root "$R" --delete-image; local t1=$RC e1=${ERR:0:160}
    run teardown --root "$R" --delete-image; local t2=$RC
    local post=$(snap) nm=$(mounted_under | wc -l) nl=$(losetup -nO BACK-FILE | grep -c "$R")
    if [ "$pre" != "$post" ] || [ $nm != 0 ] || [ $nl != 0 ] || [ $t1 != 0 ]; then fails+="$fp(t1=$t1 '$e1' t2=$t2 mounts=$nm loops=$nl left: $(diff <(echo "$pre") <(echo "$post") | grep '^>' | tr '\n' ' ')) "; else notes+="$fp "; fi
    fin
  done
  [ -z "$fails" ] && record img_kill_teardown_delete PASS "$notes" || record img_kill_teardown_delete FAIL "$fails"
}
# teardown --delete-image killed at each failpoint, then provision (a different command), then teardown --delete-image again
TD_FPS="unmount detach-loop disable-boot fstab drop-in sysconfig delete-image folders-retire-record-folder folders"
case_td_delete_kill_then_other(){
  local fp fails="" notes=""
  for fp in $TD_FPS; do
    setup; local pre=$(snap)
    provimg
    runfp "$fp" teardown --root "$R" --delete-image
    run status --root "$R"; local s=$RC
    run provision --root "$R" --size 256M; local p=$RC pe=${ERR:0:200}
    run check --root "$R"; local c=$RC
    run teardown --root "$R" --delete-image; local t2=$RC
    local post=$(snap) nm=$(mounted_under | wc -l) nl=$(losetup -nO BACK-FILE | grep -c "$R")
    if [ $p != 0 ] || [ $c != 0 ] || [ $t2 != 0 ] || [ "$pre" != "$post" ] || [ $nm != 0 ] || [ $nl != 0 ]; then fails+="$fp(status=$s reprov=$p '$pe' check=$c t2=$t2 mounts=$nm loops=$nl left: $(diff <(echo "$pre") <(echo "$post") | grep '^>' | tr '\n' ' ')) "; else notes+="$fp:s$s "; fi
    fin
  done
  [ -z "$fails" ] && record td_delete_kill_then_other PASS "$notes" || record td_delete_kill_then_other FAIL "$fails"
}
# device store: teardown --wipe-device killed at each failpoint, then status, then re-run teardown --wipe-device
TDW_FPS="unmount disable-boot wipe-device fstab drop-in sysconfig folders-retire-record-folder folders"
case_td_wipe_kill_rerun(){
  local fp fails="" notes=""
  for fp in $TDW_FPS; do
    setup; local A; A=$(mkloop "$DK/a" 512M); local pre=$(snap)
    run provision --root "$R" --device "$A"
    runfp "$fp" teardown --root "$R" --wipe-device
    run status --root "$R"; local s=$RC
    run teardown --root "$R" --wipe-device; local t2=$RC e2=${ERR:0:200}
    run teardown --root "$R" --wipe-device; local t3=$RC
    local post=$(snap) nm=$(mounted_under | wc -l) sig=$(isbtrfs "$A")
    if [ $t2 != 0 ] || [ $t3 != 0 ] || [ "$pre" != "$post" ] || [ $nm != 0 ] || [ -n "$sig" ]; then fails+="$fp(status=$s t2=$t2 '$e2' t3=$t3 mounts=$nm sig=$sig left: $(diff <(echo "$pre") <(echo "$post") | grep '^>' | tr '\n' ' ')) "; else notes+="$fp:s$s "; fi
    fin
  done
  [ -z "$fails" ] && record td_wipe_kill_rerun PASS "$notes" || record td_wipe_kill_rerun FAIL "$fails"
}

# ---------- leftovers beside the image ----------
mkdata(){ dd if=/dev/urandom of="$1" bs=1M count=8 status=none; }
# IMAGE.dockstore-new / -deleted as a hard link to a file outside the root: neither provision nor teardown may change the outside file's bytes
case_leftover_hardlink_outside(){
  local kind fails="" notes=""
  for kind in new deleted; do
    for cmd in provision teardown; do
      setup; local I=$R/var/lib/docker-storage.btrfs
      [ $cmd = teardown ] && provimg
      mkdata "$DK/precious"; local h0=$(sha256sum < "$DK/precious")
      ln "$DK/precious" "$I.dockstore-$kind"
      if [ $cmd = provision ]; then run provision --root "$R" --size 256M; else run teardown --root "$R" --delete-image; fi
      local rc=$RC h1=$(sha256sum < "$DK/precious") bt=$(isbtrfs "$DK/precious")
      if [ "$h0" != "$h1" ]; then fails+="$kind/$cmd(rc=$RC outside file changed, now '${bt:-data}') "; else notes+="$kind/$cmd:rc$rc "; fi
      fin
    done
  done
  [ -z "$fails" ] && record leftover_hardlink_outside PASS "$notes" || record leftover_hardlink_outside FAIL "$fails"
}
# symlink and FIFO at the leftover names: kept, never followed, never blocks (20s timeout)
case_leftover_symlink_fifo(){
  local kind t fails="" notes=""
  for kind in new deleted; do for t in symlink fifo dir; do
    setup; local I=$R/var/lib/docker-storage.btrfs; provimg
    mkdata "$DK/precious"; local h0=$(sha256sum < "$DK/precious")
    case $t in symlink) ln -s "$DK/precious" "$I.dockstore-$kind";; fifo) mkfifo "$I.dockstore-$kind";; dir) mkdir "$I.dockstore-$kind"; echo x > "$I.dockstore-$kind/f";; esac
    OUT=$(timeout 20 "$DS" provision --root "$R" 2>&1); local p=$?
    OUT=$(timeout 20 "$DS" teardown --root "$R" --delete-image 2>&1); local t1=$?; local o1=${OUT:0:100}
    local h1=$(sha256sum < "$DK/precious") still=$( [ -e "$I.dockstore-$kind" ] || [ -L "$I.dockstore-$kind" ] && echo kept || echo gone)
    local nm=$(mounted_under | wc -l)
    if [ $p = 124 ] || [ $t1 = 124 ] || [ "$h0" != "$h1" ] || [ $still != kept ] || [ $nm != 0 ]; then fails+="$kind/$t(prov=$p teardown=$t1 target-changed=$([ "$h0" != "$h1" ] && echo yes || echo no) leftover=$still mounts=$nm) "; else notes+="$kind/$t:$p/$t1 "; fi
    fin
  done; done
  [ -z "$fails" ] && record leftover_symlink_fifo PASS "$notes" || record leftover_symlink_fifo FAIL "$fails"
}
# leftover held by a loop device (mounted and not): teardown --delete-image refuses with nothing changed
case_leftover_loop_held(){
  local kind fails="" notes=""
  for kind in new deleted; do for mnt in no yes; do
    setup; local I=$R/var/lib/docker-storage.btrfs; provimg
    truncate -s 200M "$I.dockstore-$kind"; mkfs.btrfs -q -L docker "$I.dockstore-$kind" >/dev/null
    local L; L=$(losetup -f --show "$I.dockstore-$kind"); MYLOOPS+=("$L")
    [ $mnt = yes ] && { mkdir -p "$DK/m"; mount "$L" "$DK/m"; }
    local pre=$(snap; mounted_under)
    run teardown --root "$R" --delete-image; local t=$RC e=${ERR:0:200}
    local post=$(snap; mounted_under)
    if [ $t != 2 ] || [ "$pre" != "$post" ]; then fails+="$kind/mounted=$mnt(teardown rc=$t changed=$([ "$pre" != "$post" ] && echo yes || echo no) '$e') "; else notes+="$kind/$mnt "; fi
    # provision must not remove it either / must refuse
    fin
  done; done
  [ -z "$fails" ] && record leftover_loop_held PASS "$notes" || record leftover_loop_held FAIL "$fails"
}

# ---------- half-made btrfs and the format record ----------
tempmagic(){ printf '!BHRfS_M' | dd of="$1" bs=1 seek=$((65536+64)) conv=notrunc status=none; }
# run killed inside mkfs (simulated: mkfs done, primary superblock magic put back to the temporary one)
halfmade(){ # sets A, record
  A=$(mkloop "$DK/a" 512M); runfp format-device provision --root "$R" --device "$A"; tempmagic "$A"; blockdev --flushbufs "$A"; }
case_halfmade_finish(){
  setup; halfmade
  run provision --root "$R" --device "$A"; local p=$RC
  run status --root "$R"; local s=$RC
  [ $p = 0 ] && [ $s = 0 ] && record halfmade_finish PASS "finished" || record halfmade_finish FAIL "provision=$p status=$s ${ERR:0:200}"
  fin
}
# record no longer matches: file grown (size), different UUID in record, same file via another loop device, a copy on another file
case_halfmade_mismatch(){
  local v fails="" notes=""
  for v in grown uuid copy otherloop data_after; do
    setup; halfmade; local rec=$R/var/lib/dockstore/format-record.json
    local target=$A expect=2
    case $v in
      grown) truncate -s 600M "$DK/a"; losetup -c "$A";;
      uuid) sed -i 's/"uuid":"[0-9a-f]/"uuid":"0/' "$rec";;
      copy) local B; B=$(mkloop "$DK/b" 512M); dd if="$A" of="$B" bs=1M count=512 conv=notrunc status=none; target=$B;;
      otherloop) losetup -d "$A"; A=$(losetup -f --show "$DK/a"); MYLOOPS+=("$A"); target=$A; expect=0;;
      data_after) printf 'USERDATA' | dd of="$A" bs=1 seek=$((300*1024*1024)) conv=notrunc status=none; expect=0;;  # documented: formats (data after the kill is not looked for)
    esac
    local h0=$(devhash "$target")
    run provision --root "$R" --device "$target"; local p=$RC e=${ERR:0:160}
    local h1=$(devhash "$target")
    if [ $p != $expect ] || { [ $expect = 2 ] && [ "$h0" != "$h1" ]; }; then fails+="$v(expected rc=$expect got $p '$e' device-changed=$([ "$h0" != "$h1" ] && echo yes || echo no)) "; else notes+="$v:$p "; fi
    fin
  done
  [ -z "$fails" ] && record halfmade_mismatch PASS "$notes" || record halfmade_mismatch FAIL "$fails"
}
# half-made format: teardown --wipe-device refuses (documented), plain teardown removes the record and the folders; device bytes unchanged
case_halfmade_teardown(){
  setup; local pre=$(snap); halfmade; local h0=$(devhash "$A")
  run teardown --root "$R" --wipe-device; local tw=$RC ew=${ERR:0:200}
  run teardown --root "$R"; local t=$RC
  run teardown --root "$R"; local t2=$RC
  local post=$(snap) h1=$(devhash "$A")
  if [ $tw != 2 ] || [ $t != 0 ] || [ "$pre" != "$post" ] || [ "$h0" != "$h1" ]; then record halfmade_teardown FAIL "wipe=$tw '$ew' teardown=$t/$t2 device-changed=$([ "$h0" != "$h1" ] && echo yes || echo no) left: $(diff <(echo "$pre") <(echo "$post") | grep '^>' | tr '\n' ' ')"
  else record halfmade_teardown PASS "wipe refused, teardown=$t/$t2"; fi
  fin
}
# half-made device A, then provision a different device B: A's record must not make B get A's UUID; then re-run on A
case_halfmade_other_device(){
  setup; halfmade; local B; B=$(mkloop "$DK/b" 512M)
  local ruuid=$(grep -o '"uuid":"[^"]*"' "$R/var/lib/dockstore/format-record.json" | cut -d'"' -f4)
  run provision --root "$R" --device "$B"; local p=$RC
  local buuid=$(blkid -p -o value -s UUID "$B")
  local recleft=$([ -e "$R/var/lib/dockstore/format-record.json" ] && echo yes || echo no)
  if [ "$buuid" = "$ruuid" ]; then record halfmade_other_device FAIL "B formatted with A's recorded UUID $ruuid (rc=$p)"
  else record halfmade_other_device PASS "B rc=$p uuid differs; record left=$recleft"; fi
  fin
}

# ---------- one store per root, nested roots, look-alikes, symlinked mountpoints ----------
case_second_store_beside_unfinished(){
  local fp fails="" notes=""
  for fp in mount fstab drop-in; do
    setup; mkdir -p "$R/srv"
    runfp "$fp" provision --root "$R" --size 256M
    local pre=$(snap; mounted_under)
    run provision --root "$R" --size 256M --mountpoint /srv/d2 --image /srv/d2.img; local p=$RC e=${ERR:0:300}
    local post=$(snap; mounted_under)
    # follow the advice: take the first down with the named teardown
    run teardown --root "$R" --delete-image; local t=$RC
    local nm=$(mounted_under | wc -l)
    if [ $p != 2 ] || [ "$pre" != "$post" ] || [ $t != 0 ] || [ $nm != 0 ]; then fails+="$fp(second provision rc=$p changed=$([ "$pre" != "$post" ] && echo yes || echo no) '$e'; teardown rc=$t mounts=$nm) "; else notes+="$fp "; fi
    fin
  done
  [ -z "$fails" ] && record second_store_beside_unfinished PASS "$notes" || record second_store_beside_unfinished FAIL "$fails"
}
# unfinished (killed after format: only IMAGE.dockstore-new) then a second store elsewhere, then teardown of the second with --delete-image
case_second_store_beside_unmounted_unfinished(){
  setup; mkdir -p "$R/srv"
  runfp format provision --root "$R" --size 256M
  run provision --root "$R" --size 256M --mountpoint /srv/d2 --image /srv/d2.img; local p=$RC
  run status --root "$R" --mountpoint /srv/d2 --image /srv/d2.img; local s=$RC
  run teardown --root "$R" --mountpoint /srv/d2 --image /srv/d2.img --delete-image; local t=$RC to=$OUT
  local left=$(ls "$R/var/lib/" | tr '\n' ' ')
  run teardown --root "$R" --delete-image; local t2=$RC
  local left2=$(cd "$R" && find . -path ./run -prune -o -print | grep -v -e dockstore.disabled -e '^\.$' -e '^./etc$' -e '^./var$' -e '^./var/lib$' -e '^./srv$' | tr '\n' ' ')
  if [ $p != 0 ] || [ $t != 0 ] || [ $t2 != 0 ] || [ -n "$left2" ]; then record second_store_beside_unmounted_unfinished FAIL "p=$p s=$s t=$t t2=$t2 after both teardowns left: $left2"
  else record second_store_beside_unmounted_unfinished PASS "p=$p s=$s t=$t t2=$t2 (after first teardown var/lib: $left)"; fi
  fin
}
# nested --root: a store provisioned in ROOT/inner with --root ROOT/inner; provision and teardown of ROOT must leave it alone
case_nested_root(){
  setup; local IN=$R/srv/inner; mkdir -p "$IN/etc" "$IN/var/lib"
  run provision --root "$IN" --size 256M; local pi=$RC
  run provision --root "$R" --size 256M; local po=$RC eo=${ERR:0:200}
  run teardown --root "$R" --delete-image; local to=$RC
  run status --root "$IN"; local si=$RC
  local inner_img=$([ -f "$IN/var/lib/docker-storage.btrfs" ] && echo yes || echo no) inner_m=$(mounted_under | grep -c "$IN/var/lib/docker ")
  if [ $pi != 0 ] || [ $po != 0 ] || [ $to != 0 ] || [ $si != 0 ] || [ $inner_img != yes ] || [ $inner_m != 1 ]; then record nested_root FAIL "inner=$pi outer=$po '$eo' outer-teardown=$to inner-status=$si inner-image=$inner_img inner-mounted=$inner_m"
  else record nested_root PASS "outer provision/teardown left the inner store"; fi
  fin
}
# a btrfs labelled docker that is not the store (loop over a file outside the root) mounted at the mountpoint: teardown must not take it down; check/status must not call it OK as the store
case_docker_label_not_store(){
  setup; local X; X=$(mkloop "$DK/x" 256M); mkfs.btrfs -q -L docker "$X" >/dev/null; mkdir -p "$R/var/lib/docker"; mount "$X" "$R/var/lib/docker"; echo precious > "$R/var/lib/docker/f"
  run status --root "$R"; local s=$RC
  run teardown --root "$R" --wipe-device; local tw=$RC
  run teardown --root "$R" --delete-image; local t=$RC
  local still=$(mounted_under | grep -c "^$X ") sig=$(isbtrfs "$X")
  if [ $tw = 0 ] || [ "$still" != 1 ] || [ "$sig" != btrfs ]; then record docker_label_not_store FAIL "status=$s teardown --wipe-device=$tw teardown=$t mounted=$still sig=$sig"
  else record docker_label_not_store PASS "status=$s wipe=$tw teardown=$t"; fi
  fin
}
# symlinked mountpoint (relative and absolute links): provision refuses, nothing mounted outside the root or through the link; check not OK
case_symlink_mountpoint(){
  local v fails="" notes=""
  for v in abs rel abs_host; do
    setup; mkdir -p "$R/srv/real"
    case $v in abs) ln -s /srv/real "$R/var/lib/docker";; rel) ln -s ../../srv/real "$R/var/lib/docker";; abs_host) mkdir -p "$DK/hostdir"; ln -s "$DK/hostdir" "$R/var/lib/docker";; esac
    run provision --root "$R" --size 256M; local p=$RC e=${ERR:0:200}
    local outside=$(awk -v d="$DK" 'index($2,d)==1' /proc/self/mounts | wc -l) nm=$(mounted_under | wc -l)
    run check --root "$R"; local c=$RC
    run status --root "$R"; local s=$RC
    if [ $p != 2 ] || [ $outside != 0 ] || [ $c = 0 ] || [ $s = 0 ]; then fails+="$v(provision=$p '$e' mounts-outside=$outside mounts-in-root=$nm check=$c status=$s) "; else notes+="$v "; fi
    fin
  done
  [ -z "$fails" ] && record symlink_mountpoint PASS "$notes" || record symlink_mountpoint FAIL "$fails"
}
# store in place, then the mountpoint swapped for a link to another folder holding a mount (bind of store) -- check must judge the store folder
case_symlink_mountpoint_after(){
  setup; provimg; mkdir -p "$R/srv/d"; umount "$R/var/lib/docker"; rmdir "$R/var/lib/docker"; ln -s /srv/d "$R/var/lib/docker"
  local L=$(loops_of "$R/var/lib/docker-storage.btrfs")
  run status --root "$R"; local s=$RC
  run check --root "$R"; local c=$RC co=${OUT:0:120}
  run provision --root "$R"; local p=$RC
  local outside=$(mounted_under | grep -v "$R/var/lib/docker " | wc -l)
  if [ $s = 0 ] || [ $c = 0 ] || [ $p = 0 ]; then record symlink_mountpoint_after FAIL "status=$s check=$c '$co' provision=$p"
  else record symlink_mountpoint_after PASS "status=$s check=$c provision=$p"; fi
  fin
}

# a finished store at the default place, then provision with another --mountpoint and --image: one store per root
case_second_store_beside_finished(){
  setup; mkdir -p "$R/srv"; provimg
  local pre=$(snap; mounted_under)
  run provision --root "$R" --size 256M --mountpoint /srv/d2 --image /srv/d2.img; local p=$RC
  local post=$(snap; mounted_under); local nf=$(grep -c ' btrfs ' "$R/etc/fstab") nm=$(mounted_under | wc -l)
  local dropin=$(grep RequiresMountsFor "$R/etc/systemd/system/docker.service.d/dockstore.conf")
  run provision --root "$R"; local p2=$RC; local dropin2=$(grep RequiresMountsFor "$R/etc/systemd/system/docker.service.d/dockstore.conf")
  if [ $p = 0 ] || [ "$pre" != "$post" ]; then record second_store_beside_finished FAIL "second provision rc=$p: fstab store lines=$nf, mounts=$nm, drop-in now '$dropin'; plain provision then rc=$p2 drop-in '$dropin2'"
  else record second_store_beside_finished PASS "refused rc=$p"; fi
  fin
}
# ---------- the folders record ----------
# a filesystem mounted on a recorded folder: teardown keeps it (and its record line), never unmounts it; after umount a teardown removes it
case_folders_mount_on_recorded(){
  local f fails="" notes=""
  for f in etc/sysconfig etc/systemd/system var/lib/dockstore; do
    setup; local pre=$(snap); provimg
    run teardown --root "$R" --delete-image >/dev/null   # full teardown first (folders gone), then provision again for a fresh record
    provimg; mount -t tmpfs dsatk9 "$R/$f"
    run teardown --root "$R" --delete-image; local t=$RC e=${ERR:0:200}
    local still=$(awk -v p="$R/$f" '$2==p' /proc/self/mounts | wc -l)
    umount "$R/$f"
    run teardown --root "$R" --delete-image; local t2=$RC
    local post=$(snap)
    if [ $still != 1 ] || [ "$pre" != "$post" ]; then fails+="$f(teardown=$t '$e' tmpfs-still-mounted=$still then teardown=$t2 left: $(diff <(echo "$pre") <(echo "$post") | grep '^>' | tr '\n' ' ')) "; else notes+="$f:$t/$t2 "; fi
    fin
  done
  [ -z "$fails" ] && record folders_mount_on_recorded PASS "$notes" || record folders_mount_on_recorded FAIL "$fails"
}
# a recorded folder replaced by a link to an empty folder outside the root: teardown must not remove the outside folder
case_folders_symlinked_recorded(){
  local f fails="" notes=""
  for f in etc/systemd/system/docker.service.d etc/sysconfig var/lib/dockstore var/lib/docker; do
    setup; provimg
    runfp fstab teardown --root "$R" --delete-image
    mkdir -p "$DK/outside"
    if [ $f = var/lib/dockstore ]; then cp -a "$R/$f/." "$DK/outside/"; else cp -a "$R/$f/." "$DK/outside/" 2>/dev/null; fi
    rm -rf "$R/$f"; ln -s "$DK/outside" "$R/$f"
    local h0=$(cd "$DK/outside" && find . | sort)
    run teardown --root "$R" --delete-image; local t=$RC e=${ERR:0:200}
    local h1=$([ -d "$DK/outside" ] && (cd "$DK/outside" && find . | sort) || echo GONE)
    if [ "$h0" != "$h1" ]; then fails+="$f(teardown=$t outside folder changed: $(echo $h1 | tr '\n' ' ')) "; else notes+="$f:$t "; fi
    fin
  done
  [ -z "$fails" ] && record folders_symlinked_recorded PASS "$notes" || record folders_symlinked_recorded FAIL "$fails"
}
# hand edits to provision-folders: an admin folder added, a path climbing out, CRLF; teardown must not remove the admin's folder or anything outside
case_folders_hand_edit(){
  local v fails="" notes=""
  for v in admin dotdot crlf outside abs_outside; do
    setup; mkdir -p "$R/srv/adminempty"; provimg
    local rec=$R/var/lib/dockstore/provision-folders
    mkdir -p "$DK/victim"
    case $v in
      admin) echo "$R/srv/adminempty" >> "$rec"; echo "/srv/adminempty" >> "$rec";;
      dotdot) echo "/var/lib/../../../$(basename "$DK")/victim" >> "$rec";;
      crlf) sed -i 's/$/\r/' "$rec";;
      outside) echo "$DK/victim" >> "$rec";;
      abs_outside) echo "/$(basename "$DK")/victim" >> "$rec"; mkdir -p "$R/$(basename "$DK")"; rmdir "$R/$(basename "$DK")";;
    esac
    run teardown --root "$R" --delete-image; local t=$RC e=${ERR:0:160}
    local a=$([ -d "$R/srv/adminempty" ] && echo kept || echo REMOVED) vic=$([ -d "$DK/victim" ] && echo kept || echo REMOVED)
    if [ $a != kept ] || [ $vic != kept ]; then fails+="$v(teardown=$t admin-folder=$a outside-folder=$vic) "; else notes+="$v:$t "; fi
    fin
  done
  [ -z "$fails" ] && record folders_hand_edit PASS "$notes" || record folders_hand_edit FAIL "$fails"
}

# second instances of the image's btrfs in other shapes: a loop with a size limit, a stacked second mount at the mountpoint itself
case_double_variants(){
  local v fails="" notes=""
  for v in sizelimit stacked_on_mountpoint offset_loop_over_loop; do
    setup; provimg; local I=$R/var/lib/docker-storage.btrfs L0=$(loops_of "$R/var/lib/docker-storage.btrfs") L2="" m=$DK/m2; mkdir -p "$m"
    case $v in
      sizelimit) L2=$(losetup -f --show --sizelimit $((250*1024*1024)) "$I"); MYLOOPS+=("$L2"); mount "$L2" "$m";;
      stacked_on_mountpoint) L2=$(losetup -f --show "$I"); MYLOOPS+=("$L2"); mount "$L2" "$R/var/lib/docker";;
      offset_loop_over_loop) L2=$(losetup -f --show --sizelimit $((250*1024*1024)) "$L0"); MYLOOPS+=("$L2"); mount "$L2" "$m";;
    esac
    local mo=$(grep -c "^$L2 " /proc/self/mounts)
    run status --root "$R"; local s=$RC; run check --root "$R"; local c=$RC; run check --root "$R" --format json; local cj=$RC; run provision --root "$R"; local p=$RC
    for i in 1 2; do umount "$m" 2>/dev/null; umount "$R/var/lib/docker" 2>/dev/null; done; losetup -d "$L2" 2>/dev/null
    if [ "$mo" = 0 ]; then notes+="$v:(kernel refused the mount) "; elif [ $s = 0 ] || [ $c = 0 ] || [ $cj = 0 ] || [ $p = 0 ]; then fails+="$v(status=$s check=$c/$cj provision=$p) "; else notes+="$v:$s/$c/$p "; fi
    fin
  done
  [ -z "$fails" ] && record double_variants PASS "$notes" || record double_variants FAIL "$fails"
}
# teardown --delete-image while a second instance (plain second loop / loop stacked on the store's loop) is mounted: must refuse, never delete the image under it
case_double_teardown_delete(){
  local v fails="" notes=""
  for v in plain stacked; do
    setup; provimg; local I=$R/var/lib/docker-storage.btrfs L0=$(loops_of "$R/var/lib/docker-storage.btrfs") L2 m=$DK/m2; mkdir -p "$m"
    if [ $v = plain ]; then L2=$(losetup -f --show "$I"); else L2=$(losetup -f --show "$L0"); fi; MYLOOPS+=("$L2"); mount "$L2" "$m"; echo data > "$m/written-via-second"
    run teardown --root "$R" --delete-image; local t=$RC e=${ERR:0:200}
    local img=$([ -f "$I" ] && echo present || echo DELETED) fstab=$([ -f "$R/etc/fstab" ] && grep -c btrfs "$R/etc/fstab" || echo 0)
    umount "$m"; losetup -d "$L2" 2>/dev/null
    if [ $t = 0 ] || [ $img = DELETED ] || [ "$fstab" = 0 ]; then fails+="$v(with $L2 over $([ $v = plain ] && echo the image || echo $L0) mounted at $m: teardown --delete-image rc=$t, image=$img, fstab store lines left=$fstab, said '$e') "; else notes+="$v:$t "; fi
    fin
  done
  [ -z "$fails" ] && record double_teardown_delete PASS "$notes" || record double_teardown_delete FAIL "$fails"
}

# device store, and a loop device stacked on the store's device mounted elsewhere (a second instance): status/check must not say OK; teardown --wipe-device must not wipe a device a mounted filesystem sits on
case_dev_stacked_second_instance(){
  setup; local A; A=$(mkloop "$DK/a" 512M); run provision --root "$R" --device "$A"
  local L2 m=$DK/m2; L2=$(losetup -f --show "$A"); MYLOOPS+=("$L2"); mkdir -p "$m"; mount "$L2" "$m"; echo precious > "$m/precious"; sync
  run status --root "$R"; local s=$RC; run check --root "$R"; local c=$RC co=${OUT:0:80}
  run teardown --root "$R" --wipe-device; local t=$RC e=${ERR:0:200}
  local sig=$(isbtrfs "$A") stillm=$(grep -c "^$L2 " /proc/self/mounts)
  umount "$m" 2>/dev/null; losetup -d "$L2"
  if [ -z "$sig" ] || [ $s = 0 ] || [ $c = 0 ]; then record dev_stacked_second_instance FAIL "status=$s check=$c '$co'; teardown --wipe-device rc=$t wiped=$([ -z "$sig" ] && echo YES || echo no) while $L2 (over $A) stayed mounted at $m ($stillm)"
  else record dev_stacked_second_instance PASS "status=$s check=$c teardown=$t"; fi
  fin
}
# a file at the image path holding only a half-made btrfs superblock (temporary magic): provision must refuse it (not blank) and leave it unchanged; status/check not OK
case_img_halfmade_at_image_path(){
  setup; local I=$R/var/lib/docker-storage.btrfs; truncate -s 256M "$I"; mkfs.btrfs -q -L docker "$I" >/dev/null; tempmagic "$I"; local h0=$(sha256sum < "$I")
  run provision --root "$R"; local p=$RC e=${ERR:0:160}
  local h1=$(sha256sum < "$I")
  run status --root "$R"; local s=$RC
  if [ $p = 0 ] || [ "$h0" != "$h1" ] || [ $s = 0 ]; then record img_halfmade_at_image_path FAIL "provision=$p '$e' changed=$([ "$h0" != "$h1" ] && echo yes || echo no) status=$s"
  else record img_halfmade_at_image_path PASS "provision=$p status=$s"; fi
  fin
}

# ---------- an output that cannot be written ----------
case_output_unwritable(){
  setup; provimg; local fails=""
  "$DS" status --root "$R" --json >/dev/full 2>/dev/null; local s=$?
  "$DS" status --root "$R" >/dev/full 2>/dev/null; local s2=$?
  "$DS" check --root "$R" --format json >/dev/full 2>/dev/null; local c=$?
  if [ $s = 0 ] || [ $s2 = 0 ]; then record output_unwritable FAIL "dockstore status --json >/dev/full exits $s, status >/dev/full exits $s2, nothing on stderr (check --format json >/dev/full exits $c)"
  else record output_unwritable PASS "status=$s/$s2 check=$c"; fi
  fin
}

# format-record.json that is not a record: FIFO, link to a file outside the root, folder; never hang, never write through the link
case_format_record_odd_files(){
  local v fails="" notes=""
  for v in fifo symlink dir garbage; do
    setup; local A; A=$(mkloop "$DK/a" 512M); mkdir -p "$R/var/lib/dockstore"; local rec=$R/var/lib/dockstore/format-record.json
    echo "outside" > "$DK/outside"; local h0=$(sha256sum < "$DK/outside")
    case $v in fifo) mkfifo "$rec";; symlink) ln -s "$DK/outside" "$rec";; dir) mkdir "$rec";; garbage) printf '{"device":"/dev/loop0",\x00' > "$rec";; esac
    timeout 20 "$DS" provision --root "$R" --device "$A" >/dev/null 2>/tmp/${RUNID}.e; local p=$?; local pe=$(head -c 160 /tmp/${RUNID}.e)
    timeout 20 "$DS" teardown --root "$R" --wipe-device >/dev/null 2>&1; local t=$?
    local h1=$(sha256sum < "$DK/outside")
    if [ $p = 124 ] || [ $t = 124 ] || [ "$h0" != "$h1" ]; then fails+="$v(provision=$p '$pe' teardown=$t outside-changed=$([ "$h0" != "$h1" ] && echo yes || echo no)) "; else notes+="$v:$p/$t "; fi
    fin
  done
  [ -z "$fails" ] && record format_record_odd_files PASS "$notes" || record format_record_odd_files FAIL "$fails"
}

# a finished device store, and a stale format record naming the same device with another UUID (restored from a backup): provision stays in place; teardown --wipe-device still takes the proven store down
case_format_record_stale_on_store(){
  setup; local A; A=$(mkloop "$DK/a" 512M)
  runfp format-device provision --root "$R" --device "$A"; cp "$R/var/lib/dockstore/format-record.json" "$DK/rec.bak"
  run provision --root "$R" --device "$A"
  sed 's/"uuid":"[0-9a-f]/"uuid":"0/' "$DK/rec.bak" > "$R/var/lib/dockstore/format-record.json"
  run provision --root "$R" --device "$A"; local p=$RC
  run status --root "$R"; local s=$RC
  run teardown --root "$R" --wipe-device; local t=$RC e=${ERR:0:240}
  local sig=$(isbtrfs "$A") nm=$(mounted_under | wc -l)
  if [ $p != 0 ] || [ $t != 0 ] || [ -n "$sig" ]; then record format_record_stale_on_store FAIL "provision=$p status=$s; teardown --wipe-device rc=$t '$e' signature left=$sig mounts=$nm"
  else record format_record_stale_on_store PASS "provision=$p status=$s teardown=$t"; fi
  fin
}

# teardown --mountpoint given as a link (inside the root) to the store's mountpoint: the refusal must say what is wrong (it was a link all along)
case_symlink_mountpoint_teardown(){
  setup; mkdir -p "$R/srv"; provimg; ln -s /var/lib/docker "$R/srv/link"
  run teardown --root "$R" --mountpoint /srv/link --delete-image; local t=$RC e=$ERR
  if [ $t = 2 ] && echo "$e" | grep -q 'took its place after dockstore looked'; then record symlink_mountpoint_teardown FAIL "rc=2 but says '$e' (the link was there before the run; nothing changed meanwhile)"
  elif [ $t = 0 ]; then record symlink_mountpoint_teardown FAIL "rc=0 through a link"
  else record symlink_mountpoint_teardown PASS "rc=$t"; fi
  fin
}
main "$@"
