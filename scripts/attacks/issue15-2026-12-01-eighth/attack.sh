#!/bin/bash
# Eighth outside attack on dockstore: format record, leftovers, folder record, one-store-per-root, links at the mountpoint.
# Usage: sudo DOCKSTORE=/work/attack8/dockstore ./attack.sh [case...]   (default: all)
# Cleans up every root, mount and loop device it made (all under /tmp/${P}.*), also on failure or Ctrl-C.
set -u
D=${DOCKSTORE:-/work/attack8/dockstore}
P=atk8-$$   # this run's own prefix: runs side by side never clean up each other's roots
RES=$(mktemp /tmp/${P}.res.XXXXXX)
rec(){ printf '%-5s %-34s %s\n' "$2" "$1" "$3" | tee -a "$RES" >&2; }
newroot(){ local r; r=$(mktemp -d /tmp/${P}.r.XXXXXX); chmod 755 "$r"; mkdir -p "$r/etc/sysconfig" "$r/var/lib" "$r/run" "$r/tmp"; printf '# fstab of the tree\n' >"$r/etc/fstab"; echo "$r"; }
newhost(){ local h; h=$(mktemp -d /tmp/${P}.h.XXXXXX); chmod 755 "$h"; echo "$h"; }
treelist(){ ( cd "$1" && find . -xdev -printf '%y %m %p -> %l\n' | LC_ALL=C sort ); }
cleanup(){
  set +e
  for m in $(findmnt -rn -o TARGET | grep -E "^/tmp/${P}\.[rh]\." | sort -r); do umount "$m" 2>/dev/null || umount -l "$m"; done
  for l in $(losetup -l -n -O NAME,BACK-FILE | awk -v p="^/tmp/${P}\\.[rh]\\." '$2 ~ p {print $1}'); do losetup -d "$l"; done
  rm -rf /tmp/${P}.r.* /tmp/${P}.h.*
}
finish(){ cleanup; echo "=== results ==="; cat "$RES"; echo "cases: $(grep -c . "$RES"), failed: $(grep -c '^FAIL' "$RES")"; rm -f "$RES"; }
trap finish EXIT; trap 'exit 130' INT TERM

# F4a: a format record from a provision --device killed before mkfs; the file is deleted and another file with
# data gets the same inode (ext4 reuses it) and is attached: provision formats the data.
case_record_inode_reuse(){
  local R H L h1 h2; R=$(newroot); H=$(newhost)
  truncate -s 1G $H/vol; L=$(losetup -f --show $H/vol)
  DOCKSTORE_FAILPOINT=format-record $D provision --root $R --device $L >/dev/null 2>&1
  local ino; ino=$(stat -c %i $H/vol); losetup -d $L; rm $H/vol
  # another file (a user's data) gets the freed inode number; try a few names until ext4 hands it out
  local i; for i in $(seq 1 300); do : >$H/f$i; [ "$(stat -c %i $H/f$i)" = "$ino" ] && { mv $H/f$i $H/userdb; break; }; done
  rm -f $H/f[0-9]*; [ -e $H/userdb ] || { rec record-inode-reuse SKIP "inode $ino not reused"; cleanup; return; }
  truncate -s 1G $H/userdb; head -c 2M /dev/urandom | dd of=$H/userdb conv=notrunc status=none
  h1=$(head -c 2M $H/userdb | sha256sum); L=$(losetup -f --show $H/userdb)
  $D provision --root $R --device $L >/dev/null 2>&1; local rc=$?
  h2=$(head -c 2M $H/userdb | sha256sum)
  if [ "$h1" = "$h2" ]; then rec record-inode-reuse PASS "rc=$rc, data kept"; else rec record-inode-reuse FAIL "rc=$rc, another file's data (same inode number) FORMATTED (data loss)"; fi
  cleanup
}
# F4b: the same file, data written after the kill (first MiB, no known signature): formatted
case_record_data_after_kill(){
  local R H L h1 h2; R=$(newroot); H=$(newhost)
  truncate -s 1G $H/vol; L=$(losetup -f --show $H/vol)
  DOCKSTORE_FAILPOINT=format-record $D provision --root $R --device $L >/dev/null 2>&1
  head -c 2M /dev/urandom | dd of=$L bs=1M conv=fsync status=none
  h1=$(head -c 2M $H/vol | sha256sum)
  $D provision --root $R --device $L >/dev/null 2>&1; local rc=$?
  h2=$(head -c 2M $H/vol | sha256sum)
  if [ "$h1" = "$h2" ]; then rec record-data-after-kill PASS "rc=$rc, data kept"; else rec record-data-after-kill FAIL "rc=$rc, data written after the killed run FORMATTED (data loss)"; fi
  cleanup
}
# F1: teardown --delete-image unlinks hard links to a host file under the leftover names (calls a 9-byte text file an image)
case_leftover_hardlink(){
  local R H; R=$(newroot); H=$(newhost); echo precious >$H/precious
  ln $H/precious $R/var/lib/docker-storage.btrfs.dockstore-new
  $D teardown --root $R --delete-image >/dev/null 2>&1; local rc=$?
  if [ -e $R/var/lib/docker-storage.btrfs.dockstore-new ]; then rec leftover-hardlink PASS "rc=$rc kept"; else rec leftover-hardlink FAIL "rc=$rc, a 2-link non-image file unlinked as 'an image a killed provision left unfinished' (wrong result, minor)"; fi
  cleanup
}
# F3: nested root: the outer store in place, a second root's store inside it: boot re-run of the outer refuses
case_nested_root(){
  local R rc; R=$(newroot)
  $D provision --root $R --size 1G >/dev/null 2>&1
  mkdir -p $R/srv/r2/etc/sysconfig $R/srv/r2/var/lib; printf '# f\n' >$R/srv/r2/etc/fstab
  $D provision --root $R/srv/r2 --size 1G >/dev/null 2>&1
  $D provision --root $R >/dev/null 2>&1; rc=$?
  if [ $rc = 0 ]; then rec nested-root PASS "rc=0"; else rec nested-root FAIL "rc=$rc: in-place store's boot re-run refused because of another root's store (and it suggests tearing that down)"; fi
  cleanup
}
# F5: mountpoint a link (abs) to a tree folder where the store is mounted: status says 'mounted: no' but shows it
case_status_link(){
  local R H L out; R=$(newroot); H=$(newhost)
  $D provision --root $R --size 1G >/dev/null 2>&1
  umount $R/var/lib/docker; rmdir $R/var/lib/docker; mkdir -p $R$H/mnt $H/mnt; ln -s $H/mnt $R/var/lib/docker
  L=$(losetup -f --show $R/var/lib/docker-storage.btrfs); mount $L $R$H/mnt
  out=$($D status --root $R 2>&1)
  if echo "$out" | grep -q '^mounted: *no'; then rec status-link-mounted FAIL "status: '$(echo "$out" | grep ^mounted:)' while $L is mounted at the tree's folder (unclear message)"; else rec status-link-mounted PASS ok; fi
  cleanup
}
# F2: teardown killed after every step, then a re-run of teardown (A) or provision then teardown (B): the tree must
# come back to what it was before provision (plus etc/dockstore.disabled), no mount, no loop, no debris
case_teardown_kills(){
  local fp mode R before after rc
  for fp in $($D teardown --list-failpoints); do
    for mode in A B; do
      R=$(newroot); before=$(treelist $R)
      $D provision --root $R --size 1G >/dev/null 2>&1
      DOCKSTORE_FAILPOINT=$fp $D teardown --root $R --delete-image >/dev/null 2>&1
      if [ $mode = B ]; then $D provision --root $R --size 1G >/dev/null 2>&1; fi
      $D teardown --root $R --delete-image >/tmp/${P}.h.out 2>&1; rc=$?
      after=$(treelist $R | grep -v -e ' ./etc/dockstore.disabled ' -e ' ./run/dockstore.lock ' -e '\.dockstore\.bak ')
      local extra; extra=$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')
      local mnt; mnt=$(findmnt -rn -o TARGET | grep -c "^$R")
      if [ $rc = 0 ] && [ -z "$extra" ] && [ $mnt = 0 ]; then rec "td-kill-$fp-$mode" PASS ok
      else rec "td-kill-$fp-$mode" FAIL "rc=$rc mounts=$mnt diff: $extra $(head -c 300 /tmp/${P}.h.out | tr '\n' ' ')"; fi
      cleanup
    done
  done
}
# F2b: provision killed after every step, then teardown --delete-image: tree back to before, no debris
case_provision_kills(){
  local fp R before after rc extra mnt
  for fp in $($D provision --list-failpoints); do
    R=$(newroot); before=$(treelist $R)
    DOCKSTORE_FAILPOINT=$fp $D provision --root $R --size 1G >/dev/null 2>&1
    $D teardown --root $R --delete-image >/tmp/${P}.h.out 2>&1; rc=$?
    after=$(treelist $R | grep -v -e ' ./etc/dockstore.disabled ' -e ' ./run/dockstore.lock ' -e '\.dockstore\.bak ')
    extra=$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')
    mnt=$(findmnt -rn -o TARGET | grep -c "^$R")
    if [ $rc = 0 ] && [ -z "$extra" ] && [ $mnt = 0 ]; then rec "pv-kill-$fp" PASS ok
    else rec "pv-kill-$fp" FAIL "rc=$rc mounts=$mnt diff: $extra $(head -c 300 /tmp/${P}.h.out | tr '\n' ' ')"; fi
    cleanup
  done
}
# F3b: the image in place at the mountpoint AND mounted a second time through a second loop device (btrfs temp-fsid):
# two btrfs instances write one file; provision says nothing to do, status in place, check OK; the writes through one are lost
case_double_instance(){
  local R L out st ck rc
  R=$(newroot); $D provision --root $R --size 1G >/dev/null 2>&1
  L=$(losetup -f --show $R/var/lib/docker-storage.btrfs); mkdir -p $R/mnt/x; mount $L $R/mnt/x
  $D provision --root $R >/dev/null 2>&1; rc=$?
  st=$($D status --root $R | grep '^state:'); $D check --root $R >/dev/null 2>&1; ck=$?
  for i in 1 2; do dd if=/dev/urandom of=$R/var/lib/docker/a$i bs=1M count=10 status=none; dd if=/dev/urandom of=$R/mnt/x/b$i bs=1M count=10 status=none; sync; done
  umount $R/mnt/x; umount $R/var/lib/docker
  for l in $(losetup -j $R/var/lib/docker-storage.btrfs -O NAME -n); do losetup -d $l; done
  mkdir $R/m; mount -o loop,ro $R/var/lib/docker-storage.btrfs $R/m; out=$(ls $R/m | tr '\n' ' '); umount $R/m
  if [ $rc = 0 ] && [ $ck = 0 ]; then rec double-instance FAIL "provision rc=$rc, '$st', check rc=$ck; files after both unmounted: $out (a* and b* were written)"; else rec double-instance PASS "provision rc=$rc check rc=$ck"; fi
  cleanup
}
# F3c: one store per root counts only loop-image stores: a provision --device killed after its mount, then an image
# provision at another mountpoint: two stores in one root; teardown cannot take the device store down
case_one_store_bypass(){
  local R H L rc n
  R=$(newroot); H=$(newhost); truncate -s 1G $H/ebs; L=$(losetup -f --show $H/ebs); mkdir -p $R/srv
  DOCKSTORE_FAILPOINT=mount $D provision --root $R --device $L >/dev/null 2>&1
  $D provision --root $R --size 1G --mountpoint /srv/docker --image /srv/docker.img >/dev/null 2>&1; rc=$?
  n=$(findmnt -rn -o TARGET | grep -c "^$R")
  if [ $rc = 2 ]; then rec one-store-bypass PASS "refused"; else rec one-store-bypass FAIL "rc=$rc, $n stores mounted in one root (device store at /var/lib/docker + image at /srv/docker)"; fi
  cleanup
}
# F2c: a filesystem mounted on a recorded folder: teardown keeps the folders but removes the record, so they stay forever;
# the drop-in hidden under the mount is not mentioned
case_folders_forever(){
  local R before after
  R=$(newroot); before=$(treelist $R)
  $D provision --root $R --size 1G >/dev/null 2>&1; mount -t tmpfs tmpfs $R/etc/systemd
  $D teardown --root $R --delete-image >/dev/null 2>&1; umount $R/etc/systemd
  $D teardown --root $R --delete-image >/dev/null 2>&1
  after=$(treelist $R | grep -v -e ' ./etc/dockstore.disabled ' -e ' ./run/dockstore.lock ' -e '\.dockstore\.bak ')
  local extra; extra=$(diff <(echo "$before") <(echo "$after") | grep '^>' | awk '{print $4}' | tr '\n' ' ')
  if [ -z "$extra" ]; then rec folders-forever PASS ok; else rec folders-forever FAIL "left for good (record gone): $extra"; fi
  cleanup
}
# F4c: provision --device killed at format-record, then an image provision; teardown --wipe-device says
# "nothing is mounted at MOUNTPOINT and fstab names no device" while the image store is mounted there
case_wipe_message(){
  local R H L msg rc
  R=$(newroot); H=$(newhost); truncate -s 1G $H/ebs; L=$(losetup -f --show $H/ebs)
  DOCKSTORE_FAILPOINT=format-record $D provision --root $R --device $L >/dev/null 2>&1
  $D provision --root $R --size 1G >/dev/null 2>&1
  msg=$($D teardown --root $R --delete-image --wipe-device 2>&1); rc=$?
  if findmnt -rn -o TARGET | grep -qx "$R/var/lib/docker" && echo "$msg" | grep -q 'nothing is mounted at'; then
    rec wipe-message FAIL "rc=$rc while the image store is mounted: $(echo "$msg" | cut -c1-160)"; else rec wipe-message PASS "rc=$rc"; fi
  cleanup
}
# F3d: store in place; an admin's backup image labelled docker loop-mounted at /mnt/restore: provision (boot) refuses
# exit 2, status 4; the "take it down" command it names removes the LIVE store's drop-in and DOCKER_OPTS and disables boot
case_backup_label(){
  local R rc st td
  R=$(newroot); $D provision --root $R --size 1G >/dev/null 2>&1
  mkdir -p $R/srv/backup $R/mnt/restore; truncate -s 300M $R/srv/backup/b.img; mkfs.btrfs -q -L docker $R/srv/backup/b.img >/dev/null 2>&1
  mount -o loop $R/srv/backup/b.img $R/mnt/restore
  $D provision --root $R >/dev/null 2>&1; rc=$?; $D status --root $R >/dev/null 2>&1; st=$?
  $D teardown --mountpoint /mnt/restore --image /srv/backup/b.img --root $R >/dev/null 2>&1; td=$?
  local gone=""; [ -e $R/etc/systemd/system/docker.service.d/dockstore.conf ] || gone="$gone drop-in"; [ -e $R/etc/sysconfig/docker ] || gone="$gone sysconfig"; [ -e $R/etc/dockstore.disabled ] && gone="$gone +dockstore.disabled"
  if [ $rc = 0 ] && [ -z "$gone" ]; then rec backup-label PASS ok; else rec backup-label FAIL "in-place store: provision rc=$rc status rc=$st; suggested teardown (rc=$td) took from the LIVE store:$gone"; fi
  cleanup
}
# F1b: provision killed at format (leaves IMAGE.dockstore-new), then teardown --delete-image killed after each step,
# then teardown --delete-image: tree back to before
case_leftover_kills(){
  local fp R before after rc extra
  for fp in $($D teardown --list-failpoints); do
    R=$(newroot); before=$(treelist $R)
    DOCKSTORE_FAILPOINT=format $D provision --root $R --size 1G >/dev/null 2>&1
    DOCKSTORE_FAILPOINT=$fp $D teardown --root $R --delete-image >/dev/null 2>&1
    $D teardown --root $R --delete-image >/tmp/${P}.h.out 2>&1; rc=$?
    after=$(treelist $R | grep -v -e ' ./etc/dockstore.disabled ' -e ' ./run/dockstore.lock ' -e '\.dockstore\.bak ')
    extra=$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')
    if [ $rc = 0 ] && [ -z "$extra" ]; then rec "lo-kill-$fp" PASS ok
    else rec "lo-kill-$fp" FAIL "rc=$rc diff: $extra $(head -c 300 /tmp/${P}.h.out | tr '\n' ' ')"; fi
    cleanup
  done
}
# F4d: provision --device killed after format-record / format-device / forget-format-record, then another command,
# then re-run provision --device and teardown --wipe-device: tree back to before, no mounts
case_device_kills(){
  local fp nx R H L1 L2 before after rc extra
  for fp in format-record format-device forget-format-record; do
    for nx in rerun teardown wipe other; do
      R=$(newroot); H=$(newhost); truncate -s 1G $H/v1 $H/v2; L1=$(losetup -f --show $H/v1); L2=$(losetup -f --show $H/v2)
      before=$(treelist $R)
      DOCKSTORE_FAILPOINT=$fp $D provision --root $R --device $L1 >/dev/null 2>&1
      case $nx in
        rerun) $D provision --root $R --device $L1 >/dev/null 2>&1;;
        teardown) $D teardown --root $R >/dev/null 2>&1;;
        wipe) $D teardown --root $R --wipe-device >/dev/null 2>&1;;
        other) $D provision --root $R --device $L2 >/dev/null 2>&1;;
      esac
      $D teardown --root $R >/tmp/${P}.h.out 2>&1; rc=$?
      after=$(treelist $R | grep -v -e ' ./etc/dockstore.disabled ' -e ' ./run/dockstore.lock ' -e '\.dockstore\.bak ')
      extra=$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')
      local m; m=$(findmnt -rn -o TARGET | grep -c "^$R")
      if [ $rc = 0 ] && [ -z "$extra" ] && [ $m = 0 ]; then rec "dev-kill-$fp-$nx" PASS "L1=$(blkid -p -o value -s TYPE $L1) L2=$(blkid -p -o value -s TYPE $L2)"
      else rec "dev-kill-$fp-$nx" FAIL "rc=$rc mounts=$m diff: $extra $(head -c 250 /tmp/${P}.h.out | tr '\n' ' ')"; fi
      cleanup
    done
  done
}
# F2d: device store, teardown --wipe-device killed after each step, then the same command again: must finish (wipe),
# exit 0; also a re-run after a completed wipe must say nothing to do
case_wipe_kills(){
  local fp R H L rc t
  for fp in none $($D teardown --list-failpoints); do
    R=$(newroot); H=$(newhost); truncate -s 1G $H/v1; L=$(losetup -f --show $H/v1)
    $D provision --root $R --device $L >/dev/null 2>&1
    DOCKSTORE_FAILPOINT=$fp $D teardown --root $R --wipe-device >/dev/null 2>&1
    $D teardown --root $R --wipe-device >/tmp/${P}.h.out 2>&1; rc=$?
    t=$(blkid -p -o value -s TYPE $L)
    if [ $rc = 0 ] && [ -z "$t" ]; then rec "wipe-kill-$fp" PASS ok
    elif [ -n "$t" ]; then rec "wipe-kill-$fp" FAIL "re-run rc=$rc, device STILL HOLDS the store ($t), wipe never done: $(head -c 200 /tmp/${P}.h.out | tr '\n' ' ')"
    else rec "wipe-kill-$fp" FAIL "(minor) device wiped, but the re-run exits $rc instead of nothing-to-do 0: $(head -c 120 /tmp/${P}.h.out | tr '\n' ' ')"; fi
    cleanup
  done
}
if [ $# = 0 ]; then set -- record_inode_reuse record_data_after_kill leftover_hardlink nested_root status_link teardown_kills provision_kills double_instance one_store_bypass folders_forever wipe_message backup_label leftover_kills device_kills wipe_kills; fi
for c in "$@"; do "case_$c"; done
