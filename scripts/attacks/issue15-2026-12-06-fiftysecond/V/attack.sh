#!/bin/bash
# Attack 52 helper V: re-runnable reproduction of the cases in REPORT.md. Run as root. Cleans up after itself.
# Only touches what it creates: roots under mktemp -d /tmp/v52a.XXXX, loop devices over files in them, mounts under them.
set -u
BIN=${BIN:-/work/attack52/v/dockstore}
ROOTS=(); PIDS=(); PASS=0; FAIL=0
log() { printf '%s\n' "$*"; }
res() { # id verdict severity text
  if [ "$2" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi
  log "RESULT $1 $2 ${3:+[$3]} $4"; }
mkroot() { NEWROOT=$(mktemp -d /tmp/v52a.XXXX); chmod 755 "$NEWROOT"; mkdir -p "$NEWROOT/etc/sysconfig" "$NEWROOT/etc/systemd/system" "$NEWROOT/var/lib"; ROOTS+=("$NEWROOT"); }
ourloops() { local r; for r in "${ROOTS[@]}"; do losetup -l -n -O NAME,BACK-FILE | awk -v p="$r/" 'index($2,p)==1{print $1}'; done; }
cleanup() {
  rm -f /tmp/v52a_churn_on.$$
  local p r m l i
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  for r in "${ROOTS[@]}"; do fsfreeze -u "$r/var/lib/docker" 2>/dev/null; done
  for i in 1 2 3 4; do
    for r in "${ROOTS[@]}"; do
      for m in $(findmnt -rn -o TARGET | awk -v p="$r/" 'index($0,p)==1' | sort -r); do umount "$m" 2>/dev/null; done
    done
    for l in $(ourloops); do losetup -d "$l" 2>/dev/null; done
  done
  for r in "${ROOTS[@]}"; do chattr -R -i "$r" 2>/dev/null; rm -rf "$r"; done
  rm -rf /dev/v52a-nodes.$$
}
trap cleanup EXIT INT TERM
st() { "$BIN" status --root "$1" >/tmp/v52a_st.$$ 2>&1; echo $?; }
ck() { "$BIN" check --root "$1" >/tmp/v52a_ck.$$ 2>&1; echo $?; }
prov_img() { "$BIN" provision --root "$1" --size "${2:-2G}" >/dev/null 2>&1; }

# ---------- C1/C2: store replaced onto a loop device over another file; device 1 grown; image immutable; image on 2 loops
mkroot; R=$NEWROOT; prov_img $R 2G; MP=$R/var/lib/docker; IMG=$R/var/lib/docker-storage.btrfs
for i in 1 2 3; do echo data$i > $MP/file$i; done; sync
truncate -s 2G $R/other.img; L=$(losetup -f --show $R/other.img); btrfs replace start -B 1 $L $MP >/dev/null
truncate -s 3G $R/other.img; losetup -c $L; btrfs fi resize 1:max $MP >/dev/null
A=$(losetup -f --show $IMG); B=$(losetup -f --show $IMG)
rc=$(st $R); adv=$(grep -o 'truncate -s [0-9]* [^,]*, then losetup -c /dev/loop[0-9]*' /tmp/v52a_st.$$)
log "C1 status rc=$rc advice: $adv"
chattr +i $IMG; truncate -s 3221225472 $IMG 2>/tmp/v52a_e.$$; trc=$?; chattr -i $IMG
grep -q 'chattr' /tmp/v52a_st.$$ && res C1-immutable PASS "" "advice mentions chattr" || res C1-immutable FAIL "unclear message" "image chattr +i: advised 'truncate -s ...' fails (rc=$trc: $(cat /tmp/v52a_e.$$)); advice never mentions chattr -i"
LOOPC=$(echo "$adv" | grep -o '/dev/loop[0-9]*$')
truncate -s 3221225472 $IMG && losetup -c $LOOPC && btrfs replace start -B 1 $LOOPC $MP >/dev/null
losetup -d $L
rc=$(st $R); crc=$(ck $R)
if [ "$rc" = 0 ] && [ "$crc" != 0 ]; then res C2-two-loops FAIL "wrong result (monitoring)" "image on two loop devices, advice followed: status says '$(tail -1 /tmp/v52a_st.$$)' rc=0 while check rc=$crc: $(cut -c1-160 /tmp/v52a_ck.$$)"; else res C2-two-loops PASS "" "status rc=$rc check rc=$crc"; fi
cat $MP/file1 >/dev/null && res C1-advice-back PASS "" "store back on image, files intact"
for l in $A $B; do [ "$l" != "$LOOPC" ] && losetup -d $l 2>/dev/null; done

# ---------- C3: image renamed away while mounted, copy at its name, .aside names taken
mkdir -p $R/elsewhere; echo precious > $R/elsewhere/target
mv $IMG $IMG.old; echo "copy at name" > $IMG
echo mine > $IMG.aside; ln -s $R/nonexist $IMG.aside.2; ln -s $R/elsewhere/target $IMG.aside.3; mkdir $IMG.aside.4; mkfifo $IMG.aside.5
before=$(cd $R/var/lib; for f in docker-storage.btrfs.aside*; do stat -c '%n %F %i' $f; done; cat $R/elsewhere/target)
st $R >/dev/null; a1=$(grep -o 'mv -n [^)]*' /tmp/v52a_st.$$ | head -1); a2=$(grep -o 'before unmounting: mv -n [^,]*' /tmp/v52a_st.$$ | sed 's/before unmounting: //')
log "C3 advice: $a1 ; $a2"
eval "$a1" && eval "$a2"
after=$(cd $R/var/lib; for f in docker-storage.btrfs.aside*; do stat -c '%n %F %i' $f; done | grep -v "aside.6"; cat $R/elsewhere/target)
rc=$(st $R); [ "$before" = "$after" ] && [ "$rc" = 0 ] && res C3-aside-names PASS "" "advice used .aside.6; nothing of mine changed; status in place" || res C3-aside-names FAIL "data loss" "before/after differ or rc=$rc"

# ---------- C4/C5: image deleted while mounted; status's cp -n advice vs a name made between advice and following
rm -rf $IMG.aside* $IMG.old; cp --sparse=always $IMG $R/backup.img 2>/dev/null
rm $IMG; echo mine > $IMG.recovered
st $R >/dev/null; cpadv=$(grep -o 'cp -n --sparse=always [^)]*' /tmp/v52a_st.$$); log "C4 status advice: $cpadv"
dst=${cpadv##* }; echo "someone else's file" > $dst
fsfreeze -f $MP; eval "$cpadv"; cprc=$?; fsfreeze -u $MP
if [ "$cprc" = 0 ] && grep -q "someone else" $dst; then res C4-cp-n-silent FAIL "data loss" "status advises '$cpadv'; with $dst made between advice and following, cp -n exits 0 and copies nothing (coreutils $(cp --version | head -1 | awk '{print $NF}')); the next advised step is 'only then unmount', after which the store exists nowhere"; else res C4-cp-n-silent PASS "" "cp rc=$cprc"; fi
ck $R >/dev/null; ddadv=$(grep -o 'dd if=[^)]*' /tmp/v52a_ck.$$); log "C5 check advice: $ddadv"
fsfreeze -f $MP; (umask 077; eval "$ddadv status=none"); fsfreeze -u $MP
rec=$(echo "$ddadv" | grep -o 'of=[^ ]*' | cut -c4-); mv -n $rec $IMG
st $R >/dev/null; a1=$(grep -o 'another file now has its name (move that file aside first: mv -n [^)]*' /tmp/v52a_st.$$)
ck $R >/dev/null
if [ -n "$a1" ] && grep -q 'as new as the store' /tmp/v52a_ck.$$; then res C5-advice-loop FAIL "wrong result" "after the copy is put at the image's name as advised, check says it is as new as the store (verify, umount, provision) but status again says '$a1' and to copy out again: following status loops forever"; else res C5-advice-loop PASS "" ""; fi
umount $MP; losetup -d $LOOPC 2>/dev/null; "$BIN" provision --root $R >/dev/null 2>&1; cat $MP/file1 >/dev/null 2>&1 && res C5-boot PASS "" "after following check's advice, provision mounts the copy with its files" || res C5-boot FAIL "data loss" "store not back"

# ---------- C6: hard-linked image, plain mv advice
mkroot; R3=$NEWROOT; prov_img $R3 1G; MP3=$R3/var/lib/docker; IMG3=$R3/var/lib/docker-storage.btrfs; echo keep > $MP3/keepme
ln $IMG3 $R3/var/lib/hl; rm $IMG3
st $R3 >/dev/null; adv=$(grep -o 'before unmounting: mv [^,]*' /tmp/v52a_st.$$ | sed 's/before unmounting: //'); log "C6 advice: $adv"
echo "made between advice and following" > $IMG3; ino=$(stat -c %i $IMG3)
eval "$adv"; if [ "$(stat -c %i $IMG3)" != "$ino" ] && ! grep -rqs "made between" $R3/var/lib/ 2>/dev/null; then res C6-plain-mv FAIL "data loss (race)" "advice '$adv' has no -n: a file made at the image's name between advice and following is silently overwritten"; else res C6-plain-mv PASS "" ""; fi

# ---------- C7: foreign btrfs (another UUID) mounted -o loop at the mountpoint
umount $MP3; truncate -s 300M $R3/ob.img; mkfs.btrfs -q $R3/ob.img >/dev/null 2>&1; mount -o loop $R3/ob.img $MP3
rc=$(st $R3); log "C7 status rc=$rc: $(grep -A1 '^state' /tmp/v52a_st.$$ | tail -1 | cut -c1-400)"
if grep -q 'moved away while mounted' /tmp/v52a_st.$$; then
  a1=$(grep -o 'move that file aside (mv -n [^)]*' /tmp/v52a_st.$$ | sed 's/move that file aside (//'); a2=$(grep -o 'before unmounting: mv -n [^,]*' /tmp/v52a_st.$$ | sed 's/before unmounting: //')
  eval "$a1"; eval "$a2"; st $R3 >/dev/null; s=$(tail -1 /tmp/v52a_st.$$); umount $MP3; "$BIN" provision --root $R3 >/dev/null 2>&1
  u=$(blkid -o value -s UUID $IMG3); o=$(blkid -o value -s UUID ${a1##* } 2>/dev/null)
  res C7-foreign-btrfs FAIL "data loss / wrong result" "an unrelated btrfs (other UUID) mounted at the mountpoint is called 'the image moved away'; following the advice ($a1; $a2) puts the foreign filesystem at the image's name (status then: '$s'); the next provision mounts UUID $u, the real store (UUID $o) sits at ${a1##* }; ls mountpoint: $(ls $MP3 | tr '\n' ' ')"
  mv $IMG3 $R3/ob.img; mv ${a1##* } $IMG3; umount $MP3 2>/dev/null
else res C7-foreign-btrfs PASS "" "refusal names the foreign mount"; umount $MP3; fi

# ---------- C8: real foreign fs (tmpfs, ext4) at the mountpoint, unrelated mounts churning elsewhere
mkdir -p $R3/churn/a $R3/var/lib/x; truncate -s 300M $R3/e4.img; mkfs.ext4 -q $R3/e4.img
for kind in tmpfs ext4; do
  if [ $kind = tmpfs ]; then mount -t tmpfs v52a $MP3; else mount -o loop $R3/e4.img $MP3; fi
  touch /tmp/v52a_churn_on.$$; ( while [ -e /tmp/v52a_churn_on.$$ ]; do mount -t tmpfs c1 $R3/churn/a; mount -t tmpfs c2 $R3/var/lib/x; umount $R3/churn/a; umount $R3/var/lib/x; done ) & PIDS+=($!)
  bad=0; max=0; for i in $(seq 1 15); do s=$(date +%s%N); "$BIN" status --root $R3 >/tmp/v52a_st.$$ 2>&1; rc=$?; e=$(date +%s%N); ms=$(((e-s)/1000000)); [ $ms -gt $max ] && max=$ms
    { [ $rc = 4 ] && grep -q 'already has .* mounted on it' /tmp/v52a_st.$$; } || bad=$((bad+1)); done
  rm -f /tmp/v52a_churn_on.$$; wait ${PIDS[-1]} 2>/dev/null
  [ $bad = 0 ] && res C8-$kind-churn PASS "" "15/15 refusals, slowest ${max} ms" || res C8-$kind-churn FAIL "wrong result" "$bad/15 not the refusal"
  umount $MP3
done

# ---------- C9: mount -o loop IMAGE MP; umount MP racer at the mountpoint itself
touch /tmp/v52a_churn_on.$$; ( while [ -e /tmp/v52a_churn_on.$$ ]; do mount -o loop $IMG3 $MP3; umount $MP3; done ) & PIDS+=($!)
: > /tmp/v52a_race.$$; for i in $(seq 1 40); do "$BIN" status --root $R3 >/tmp/v52a_st.$$ 2>&1; echo "$? $(grep -A1 '^state' /tmp/v52a_st.$$ | tail -1 | cut -c1-200)" >> /tmp/v52a_race.$$; done
rm -f /tmp/v52a_churn_on.$$; wait ${PIDS[-1]} 2>/dev/null; umount $MP3 2>/dev/null
wrong=$(grep -c -E 'but not at|0 bytes long' /tmp/v52a_race.$$); inplace=$(grep -c '^0 ' /tmp/v52a_race.$$)
[ "$wrong" = 0 ] && [ "$inplace" = 0 ] && res C9-racer PASS "" "" || res C9-racer FAIL "unclear message" "$wrong/40 statuses said something false while the image was being mounted/unmounted at the mountpoint, e.g. '$(grep -m1 -E 'but not at|0 bytes long' /tmp/v52a_race.$$ | cut -c1-200)'; in place: $inplace"

# ---------- C10: image cut shorter than its filesystem, nothing mounted
truncate -s 900M $IMG3; rc=$(st $R3); s=$(grep -A1 '^state' /tmp/v52a_st.$$ | tr '\n' ' ' | cut -c1-200)
"$BIN" provision --root $R3 >/tmp/v52a_o.$$ 2>&1; prc=$?
[ $prc = 1 ] && grep -q 'fixes what it can' /tmp/v52a_st.$$ && res C10-short-image FAIL "wrong result / unclear message" "status rc=$rc says '$s'; provision then fails rc=1: '$(tail -1 /tmp/v52a_o.$$ | cut -c1-200)'; no word that the image is shorter than its btrfs (truncate it back)" || res C10-short-image PASS "" "status rc=$rc provision rc=$prc"
truncate -s 1G $IMG3; "$BIN" provision --root $R3 >/dev/null 2>&1

# ---------- C11: device store with a second member that is a loop device over a file
mkroot; R2=$NEWROOT; truncate -s 2G $R2/ebs.img; D=$(losetup -f --show $R2/ebs.img)
"$BIN" provision --root $R2 --device $D --dry-run >/dev/null 2>/tmp/v52a_e1.$$; r1=$?
"$BIN" provision --root $R2 --device $D >/dev/null 2>/tmp/v52a_e2.$$; r2=$?
"$BIN" provision --root $R2 --device $D >/dev/null 2>/tmp/v52a_e3.$$; r3=$?
w1=$(grep -c 'no boot attaches' /tmp/v52a_e1.$$); w2=$(grep -c 'no boot attaches' /tmp/v52a_e2.$$); w3=$(grep -c 'no boot attaches' /tmp/v52a_e3.$$)
[ "$r1$r2$r3" = 000 ] && [ "$w1$w2$w3" = 110 ] && res C11-warning PASS "" "dry run and real run warn once, re-run does not" || res C11-warning FAIL "unclear message" "rc $r1/$r2/$r3 warnings $w1/$w2/$w3"
MP2=$R2/var/lib/docker; echo hi > $MP2/f; truncate -s 1G $R2/m4.img; M4=$(losetup -f --show $R2/m4.img); btrfs device add -f $M4 $MP2 >/dev/null
rc=$(st $R2); crc=$(ck $R2); umount $MP2; losetup -d $M4; "$BIN" provision --root $R2 >/tmp/v52a_o.$$ 2>&1; prc=$?
[ "$rc$crc" = 00 ] && [ $prc != 0 ] && res C11-device-member FAIL "wrong result (OK when the next boot fails)" "device store + loop member over $R2/m4.img: status rc=0 'in place', check rc=0 OK; after umount+detach (a boot) provision rc=$prc: $(tail -1 /tmp/v52a_o.$$ | cut -c1-200)" || res C11-device-member PASS "" "status $rc check $crc prov $prc"
M4=$(losetup -f --show $R2/m4.img); btrfs device scan $M4 >/dev/null; "$BIN" provision --root $R2 >/dev/null 2>&1

# ---------- C12: store replaced onto a loop device over a file on another filesystem than the image's folder
mkroot; R5=$NEWROOT; truncate -s 700M $R5/host.img; mkfs.ext4 -q $R5/host.img; mount -o loop $R5/host.img $R5/var/lib
prov_img $R5 1G; MP5=$R5/var/lib/docker; echo hi > $MP5/f; sync
truncate -s 1G $R5/ext.img; X=$(losetup -f --show $R5/ext.img); btrfs replace start -B 1 $X $MP5 >/dev/null
rc=$(st $R5); crc=$(ck $R5); s=$(grep -A1 '^state' /tmp/v52a_st.$$ | tail -1 | cut -c1-200)
umount $MP5; losetup -d $X; "$BIN" provision --root $R5 >/tmp/v52a_o.$$ 2>&1; prc=$?
[ "$crc" = 0 ] && [ $prc != 0 ] && res C12-left-image-other-fs FAIL "wrong result / boot fails" "check rc=0 OK, status rc=$rc '$s' (store shown as 'device'); the next boot's provision rc=$prc: $(tail -1 /tmp/v52a_o.$$ | cut -c1-200)" || res C12-left-image-other-fs PASS "" "check $crc prov $prc"

# ---------- C13: migration killed mid-replace: status vs check
mkroot; R6=$NEWROOT; prov_img $R6 1G; MP6=$R6/var/lib/docker; dd if=/dev/urandom of=$MP6/big bs=1M count=300 status=none; sync
truncate -s 2G $R6/vol.img; V=$(losetup -f --show $R6/vol.img)
"$BIN" migrate-ebs --root $R6 $V --yes >/dev/null 2>&1 & mp=$!; sleep 0.4; kill -9 $mp 2>/dev/null; wait $mp 2>/dev/null
rc=$(st $R6); crc=$(ck $R6); log "C13 status rc=$rc: $(grep -E '^(migration|state)' /tmp/v52a_st.$$ | tr '\n' ' ' | cut -c1-200) check rc=$crc: $(cut -c1-80 /tmp/v52a_ck.$$)"
[ "$rc" != 0 ] && [ "$crc" = 0 ] && res C13-killed-migration FAIL "wrong result (monitoring disagreement)" "status rc=$rc ($(grep -A1 '^state' /tmp/v52a_st.$$ | tail -1 | cut -c1-120)) while check rc=0: $(cut -c1-100 /tmp/v52a_ck.$$)" || res C13-killed-migration PASS "" "status $rc check $crc"
"$BIN" migrate-ebs --root $R6 $V --yes >/dev/null 2>&1

# ---------- C14: refusals / bad input change nothing
snap() { ( cd "$1" && find . -xdev -printf '%p %y %m %U %G %s %T@ %l\n' | sort; find . -xdev -type f -size -20M -print0 | sort -z | xargs -0 -r sha256sum; getfattr -R -d -m - -P . 2>/dev/null )
  losetup -l -n -O NAME,BACK-FILE,SIZELIMIT,OFFSET,AUTOCLEAR,RO | sort; grep -F "$1" /proc/self/mountinfo | awk '{$1="";print}' | sort; }
truncate -s 100M $R3/tiny.img; T=$(losetup -f --show $R3/tiny.img)
refuse() { local root=$1; shift; snap $root > /tmp/v52a_b.$$; "$BIN" "$@" >/dev/null 2>&1 </dev/null; local rc=$?; snap $root > /tmp/v52a_a.$$
  if [ $rc = 2 ] || [ $rc = 64 ]; then cmp -s /tmp/v52a_b.$$ /tmp/v52a_a.$$ && res "C14 $*" PASS "" "rc=$rc nothing changed" || res "C14 $*" FAIL "wrong result" "rc=$rc but: $(diff /tmp/v52a_b.$$ /tmp/v52a_a.$$ | head -3 | tr '\n' ' ')"; else log "C14 $* rc=$rc (not a refusal)"; fi; }
refuse $R3 provision --root $R3 --device $T
refuse $R3 provision --root $R3 --size 5Q
refuse $R3 migrate-ebs --root $R3 $T --yes
refuse $R3 migrate-ebs --root $R3 $T --yes --volume-id vol-bogus
refuse $R3 grow --root $R3 --to 500M
refuse $R3 backend --root $R3 nosuchdriver
refuse $R3 teardown --root $R3 --bogus
refuse $R3 provision --root $R3 --mountpoint relative/path
refuse $R2 provision --root $R2 --size 1G
refuse $R2 migrate-ebs --root $R2 $T --yes

log "SUMMARY passed=$PASS failed=$FAIL"
