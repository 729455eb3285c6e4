#!/bin/bash
# Attack 43 / helper P: re-runnable cases. Run as root. Cleans up every mount, loop device and /dev node it makes.
# Usage: bash attack.sh [case ...]   (default: all)
. /work/attack43/p/lib.sh
SAVED=""; LA=""
restore_node() { if [ -n "$SAVED" ] && [ -e "$SAVED" ]; then rm -f "$LA"; mv "$SAVED" "$LA"; SAVED=""; fi; }
trap 'restore_node; cleanup_all; echo "passed=$PASS failed=$FAIL"' EXIT
msg() { "$@" 2>&1 | cut -d'|' -f1; }
loopof() { losetup -nl -O NAME,BACK-FILE | awk -v r="$1" 'index($2,r)==1{print $1}' | head -1; }
deleted_store() { # R D I L S1 : 3G store (grown from 2G), 50 MiB of data, image deleted while mounted
  R=$(newroot); prov $R 2G; D=$R/var/lib/docker; I=$R/var/lib/docker-storage.btrfs
  $DS grow --root $R --to 3G >/dev/null 2>&1
  dd if=/dev/urandom of=$D/data bs=1M count=50 status=none; sync; S1=$(sha256sum < $D/data)
  rm $I; L=$(loopof $I); }
follow_mount() { umount $D; $DS provision --root $R >/dev/null 2>&1; S2=$(sha256sum < $D/data 2>/dev/null); [ "$S1" = "$S2" ]; }

c1_remedy_literal() { echo "== C1 deleted image: follow the remedy to the letter (grown store)"; deleted_store
  M=$(msg $DS check --root $R); echo "$M" | cut -c1-200
  fsfreeze -f $D; (umask 077; dd if=$L of=$I.recovered bs=1M iflag=direct conv=sparse,fsync status=none); fsfreeze -u $D; mv $I.recovered $I
  M=$(msg $DS check --root $R); echo "$M"
  if follow_mount; then res C1 PASS; else res C1 FAIL "data loss"; fi; }
c2_truncated_copy() { echo "== C2 copy truncated to the pre-grow size judged 'holds all it has committed'"; deleted_store
  fsfreeze -f $D; (umask 077; dd if=$L of=$I.recovered bs=1M iflag=direct conv=sparse,fsync status=none); fsfreeze -u $D
  truncate -s 2G $I.recovered; mv $I.recovered $I
  M=$(msg $DS check --root $R); echo "$M"
  if echo "$M" | grep -q "holds all it has committed"; then follow_mount && res C2 FAIL "(no loss this time)" || { echo "after umount+provision: $(msg $DS check --root $R)"; res C2 FAIL "data loss: truncated copy called complete; following it loses the store"; }; else res C2 PASS; fi; }
c3_enospc_copy() { echo "== C3 remedy's dd fails with ENOSPC on the image's folder; partial copy judged complete"
  R=$(newroot); truncate -s 1200M $R/host.img; mkfs.ext4 -q -F $R/host.img; mount -o loop $R/host.img $R/var/lib
  D=$R/var/lib/docker; I=$R/var/lib/docker-storage.btrfs; $DS provision --root $R --size 2G >/dev/null 2>&1
  dd if=/dev/urandom of=$D/data bs=1M count=600 status=none; sync; S1=$(sha256sum < $D/data)
  rm $I; L=$(loopof $I)
  fsfreeze -f $D; (umask 077; dd if=$L of=$I.recovered bs=1M iflag=direct conv=sparse,fsync status=none); echo "dd rc=$?"; fsfreeze -u $D
  ls -l $I.recovered; mv $I.recovered $I
  M=$(msg $DS check --root $R); echo "$M"
  if echo "$M" | grep -q "holds all it has committed"; then follow_mount && res C3 FAIL "(no loss)" || { echo "after umount+provision: $(msg $DS check --root $R)"; res C3 FAIL "data loss: partial (ENOSPC) copy called complete"; }; else res C3 PASS; fi; }
c4_buffered_copy() { echo "== C4 buffered dd (page cache populated before writes) judged 'holds all it has committed'"; deleted_store
  dd if=$L of=/dev/null bs=1M status=none
  dd if=/dev/urandom of=$D/data2 bs=1M count=200 status=none; sync; S1=$(sha256sum < $D/data2)
  fsfreeze -f $D; (umask 077; dd if=$L of=$I.recovered bs=1M conv=sparse,fsync status=none); fsfreeze -u $D; mv $I.recovered $I
  M=$(msg $DS check --root $R); echo "$M"
  if echo "$M" | grep -q "holds all it has committed"; then umount $D; P=$($DS provision --root $R 2>&1 | tail -1); echo "provision: $P"
     S2=$(sha256sum < $D/data2 2>/dev/null); [ "$S1" = "$S2" ] && res C4 FAIL "wrong result (copy happened to be good)" || res C4 FAIL "data loss (copy made against the advice, but check vouched for it)"; else res C4 PASS; fi; }
c5_tuned_copies() { echo "== C5 copies with btrfstune -u / -m are 'another file'"; for o in -u -m; do deleted_store
  fsfreeze -f $D; (umask 077; dd if=$L of=$I.recovered bs=1M iflag=direct conv=sparse,fsync status=none); fsfreeze -u $D
  btrfstune -f $o $I.recovered >/dev/null 2>&1; mv $I.recovered $I
  M=$(msg $DS check --root $R); echo "$o: ${M:0:220}"
  echo "$M" | grep -q "replaced by another file" && res "C5$o" PASS || res "C5$o" FAIL "wrong result"; done; }
c6_older_copy() { echo "== C6 write after the copy -> 'older copy', no umount advice"; deleted_store
  fsfreeze -f $D; (umask 077; dd if=$L of=$I.recovered bs=1M iflag=direct conv=sparse,fsync status=none); fsfreeze -u $D; mv $I.recovered $I
  echo after > $D/after; sync; M=$(msg $DS check --root $R); echo "${M:0:300}"
  echo "$M" | grep -q "older copy" && res C6 PASS || res C6 FAIL "wrong result"; }
c7_nonroot_states() { echo "== C7 check as nobody on a 0710 data root: +i +a ro-subvol noexec subvol="
  R=$(newroot); prov $R 2G; D=$R/var/lib/docker; I=$R/var/lib/docker-storage.btrfs; chmod 0710 $D; ok=1
  t() { local want=$1; shift; "$@"; local a b; a=$(msg $DS check --root $R); b=$(msg asnobody $DS check --root $R)
    echo "  [$want] root=${a:0:90} / nobody=${b:0:90}"; echo "$b" | grep -q "$want" || ok=0; }
  t "OK" true
  t "immutable" chattr +i $D; chattr -i $D
  t "append-only" chattr +a $D; chattr -a $D
  t "flagged read-only" btrfs property set $D ro true; btrfs property set $D ro false
  t "noexec" mount -o remount,noexec $D; mount -o remount,exec $D
  t "read-only" sh -c "mount --bind $D $D; mount -o remount,bind,ro $D"; umount $D
  btrfs subvolume create $D/sv >/dev/null; umount $D; mount -o subvol=sv $I $D; chmod 0710 $D
  t "not the store's top level" true; umount $D
  [ $ok = 1 ] && res C7 PASS || res C7 FAIL "wrong result"; }
c8_grow_refusals() { echo "== C8 grow refuses +i, +a, ro host fs (dry run too), exit 2, nothing changed"
  R=$(newroot); prov $R 2G; D=$R/var/lib/docker; I=$R/var/lib/docker-storage.btrfs; ok=1
  for a in +i +a; do chattr $a $I; for d in --dry-run ""; do $DS grow --root $R --to 3G $d >/dev/null 2>&1; rc=$?; echo "  $a $d rc=$rc size=$(stat -c %s $I)"; [ $rc = 2 ] && [ $(stat -c %s $I) = 2147483648 ] || ok=0; done; chattr ${a/+/-} $I; done
  mount --rbind $R/var/lib $R/var/lib; mount -o remount,bind,ro $R/var/lib
  for d in --dry-run ""; do $DS grow --root $R --to 3G $d >/dev/null 2>&1; rc=$?; echo "  ro-fs $d rc=$rc"; [ $rc = 2 ] || ok=0; done; umount -R $R/var/lib
  [ $ok = 1 ] && res C8 PASS || res C8 FAIL "wrong result"; }
c9_bare_folder_binds() { echo "== C9 fake dockerd (process named dockerd, pidfile) + binds at the mountpoint"
  R=$(newroot); prov $R 2G; D=$R/var/lib/docker; umount $D
  mkdir -p $R/bin; cp /bin/sleep $R/bin/dockerd; $R/bin/dockerd 3000 & echo $! > $R/fake.pid; cp $R/fake.pid $R/var/run/docker.pid
  mount --bind $D $D; M=$(msg $DS check --root $R); echo "  self-bind: ${M:0:120}"; echo "$M" | grep -q "bound onto itself" && res C9a PASS || res C9a FAIL "wrong result"; umount $D
  mount --bind $D $D; mount --bind $D $D; M=$(msg $DS check --root $R); echo "  self-bind twice: ${M:0:160}"
  echo "$M" | grep -q CRITICAL && res C9b PASS || res C9b FAIL "wrong result: bare folder bound twice under a running dockerd is UNKNOWN 'ext4 is mounted', not docker_on_bare_folder"; umount $D; umount $D
  mkdir -p $D/sub; mount --bind $D/sub $D; M=$(msg $DS check --root $R); echo "  subfolder bind: ${M:0:160}"; umount $D; rmdir $D/sub
  echo "$M" | grep -q CRITICAL && res C9c PASS || res C9c FAIL "wrong result (documented UNKNOWN for 'another filesystem', but dockerd is writing to the host)"; }
c10_parent_bind_hides_store() { echo "== C10 bind of /var/lib onto itself over a mounted store (relinked /var/lib)"
  R=$(newroot); prov $R 2G; D=$R/var/lib/docker; echo keep > $D/keep
  mount --bind $R/var/lib $R/var/lib
  M=$(msg $DS check --root $R); echo "  check: $M"
  P=$($DS provision --root $R 2>&1 | tail -1); echo "  provision (as advised): $P"
  echo "  loop still bound: $(loopof $R/var/lib/docker-storage.btrfs)"
  echo "$M" | grep -q "nothing is mounted" && res C10 FAIL "wrong result/unclear: store is mounted but hidden; advice (provision) dead-ends with an ioctl error" || res C10 PASS
  umount $R/var/lib; }
c11_loops_nothing_mounted() { echo "== C11 nothing mounted, loop over image (ro/offset/sizelimit/short): named? provision refuses?"
  R=$(newroot); prov $R 2G; D=$R/var/lib/docker; I=$R/var/lib/docker-storage.btrfs; umount $D; ok=1; nb=1
  for v in "-r" "-o 1048576" "--sizelimit 1073741824"; do L=$(losetup -f --show $v $I)
    a=$(msg $DS check --root $R); b=$(msg asnobody $DS check --root $R); $DS provision --root $R >/dev/null 2>&1; rc=$?
    echo "  $v: root names it: $(echo "$a" | grep -c $L) nobody names it: $(echo "$b" | grep -c $L) provision rc=$rc"
    echo "$a" | grep -q $L && [ $rc = 2 ] || ok=0; echo "$b" | grep -q $L || nb=0; losetup -d $L; done
  [ $ok = 1 ] && res C11 PASS || res C11 FAIL "wrong result"
  [ $nb = 1 ] && res C11n PASS || res C11n FAIL "unclear message: as nobody, check says only 'nothing is mounted' though /sys/block/loopN/loop/* is world-readable"; }
c12_member_advice() { echo "== C12 device_not_attached_at_boot advice on a store that needs grow / is RAID1"
  for prof in single raid1; do R=$(newroot); prov $R 1G; D=$R/var/lib/docker
  truncate -s 2G $R/var/lib/extra.img; L2=$(losetup -f --show $R/var/lib/extra.img); btrfs device add -f $L2 $D >/dev/null
  [ $prof = raid1 ] && btrfs balance start -f -dconvert=raid1 -mconvert=raid1 $D >/dev/null 2>&1
  [ $prof = single ] && dd if=/dev/urandom of=$D/data bs=1M count=1100 status=none; sync
  M=$(msg $DS check --root $R); echo "  $prof check: ${M:0:330}"
  btrfs device remove 2 $D 2>&1 | sed 's/^/  remove: /'
  G=$($DS grow --root $R --to 4G 2>&1 | tail -1); echo "  grow --to 4G: $G"
  btrfs device remove 2 $D >/dev/null 2>&1 && res C12-$prof PASS || res C12-$prof FAIL "wrong advice: dead end (grow refuses a 2-device store as 'a migration in progress?'); next boot fails"
  done; }
c13_node_replaced() { echo "== C13 provision --device / DOCKSTORE_DEVICE on a /dev node replaced by another device's"
  R=$(newroot); D=$R/var/lib/docker; truncate -s 2G $R/a.img $R/b.img; LA=$(losetup -f --show $R/a.img); LB=$(losetup -f --show $R/b.img)
  $DS provision --root $R --device $LA >/dev/null 2>&1; echo keep > $D/keep; sync; umount $D
  SAVED=/dev/.a43p-saved-$(basename $LA); mv $LA $SAVED; mknod -m 660 $LA b 7 $(( 0x$(stat -c %T $LB) ))
  $DS provision --root $R --device $LA >/dev/null 2>&1; rc=$?; echo "  --device rc=$rc; B: $(blkid -o value -s TYPE $LB)"
  [ $rc = 2 ] && [ -z "$(blkid -o value -s TYPE $LB)" ] && res C13a PASS || res C13a FAIL "data loss/wrong device"
  echo "DOCKSTORE_DEVICE=$LA" >> $R/etc/sysconfig/dockstore
  P=$($DS provision --root $R --wait 3 2>&1); rc=$?; echo "$P" | sed 's/^/  boot: /'
  findmnt -n $D >/dev/null && { res C13b PASS; umount $D; } || res C13b FAIL "no boot of Docker: the recorded store (attached, kernel name intact) is 'not found by UUID'; message blames EBS attachment"
  restore_node; }
CASES=${*:-"c1_remedy_literal c2_truncated_copy c3_enospc_copy c4_buffered_copy c5_tuned_copies c6_older_copy c7_nonroot_states c8_grow_refusals c9_bare_folder_binds c10_parent_bind_hides_store c11_loops_nothing_mounted c12_member_advice c13_node_replaced"}
for c in $CASES; do $c; done
