# Part 1b + more states
part3() {
  local R D
  # links to the host's /etc and /var/lib (in-tree they are self loops)
  R=$(newroot); rm -rf $R/etc; ln -s /etc $R/etc
  trun p3-etc-link-to-slash-etc provision --root $R --size 1G --dry-run
  local o; o=$(./outside.pl $R < $OUT/p3-etc-link-to-slash-etc.strace); local hr; hr=$(grep -oE '= [0-9]+</etc/[^>]*>' $OUT/p3-etc-link-to-slash-etc.strace | grep -v ld.so | sort -u | tr '\n' ' ')
  [ -z "$o$hr" ] && result p3-etc-link-to-slash-etc PASS "" "rc=$RC $(head -c 250 $OUT/p3-etc-link-to-slash-etc.err)" || result p3-etc-link-to-slash-etc FAIL security "rc=$RC $o $hr"
  R=$(newroot); mkdir -p $R/etc/docker; rmdir $R/etc/docker; ln -s /etc/docker $R/etc/docker
  refuse p3-etc-docker-link-to-host-selfloop 2 $R provision --root $R --size 1G
  hr=$(grep -oE '= [0-9]+</etc/[^>]*>' $OUT/p3-etc-docker-link-to-host-selfloop.strace | grep -v ld.so | sort -u | tr '\n' ' '); [ -z "$hr" ] && result p3-etc-docker-selfloop-no-host-read PASS || result p3-etc-docker-selfloop-no-host-read FAIL security "$hr"
  R=$(newroot); rmdir $R/var/lib; ln -s /var/lib $R/var/lib
  refuse p3-var-lib-selfloop 2 $R provision --root $R --size 1G
  # mountpoint itself a link climbing out
  R=$(newroot); mkdir -p $R/elsewhere; ln -s ../../../../../../elsewhere $R/var/lib/docker
  trun p3-mp-link-climb provision --root $R --size 1G; o=$(./outside.pl $R < $OUT/p3-mp-link-climb.strace)
  local mp; mp=$(findmnt -rn -o TARGET | grep -F "$R" | tr '\n' ' ')
  [ -z "$o" ] && [ "$RC" = 2 ] && [ -z "$mp" ] && result p3-mp-link-climb-refused PASS "" "rc=$RC mounted at: $mp" || result p3-mp-link-climb-refused FAIL security "rc=$RC $o mounts: $mp $(head -c 300 $OUT/p3-mp-link-climb.err)"
  trun p3-mp-link-climb-teardown teardown --root $R --delete-image; o=$(./outside.pl $R < $OUT/p3-mp-link-climb-teardown.strace); [ -z "$o" ] && result p3-mp-link-climb-teardown PASS "" "rc=$RC" || result p3-mp-link-climb-teardown FAIL security "$o"
  # full ext4 root
  D=$(mktemp -d /tmp/a41r.XXXXXX); reg dir "$D"; truncate -s 64M $D/disk; mkfs.ext4 -q $D/disk; local L; L=$(losetup -f --show $D/disk); reg loop "$L"; R=$D/mnt; mkdir $R; mount $L $R; :
  mkdir -p $R/etc/sysconfig $R/var/lib $R/run; printf '# fstab\n' > $R/etc/fstab; dd if=/dev/zero of=$R/fill bs=64k 2>/dev/null; sync
  refuse p3-full-ext4-root 2 $R provision --root $R --size 1G
  rm -f $R/fill; dd if=/dev/zero of=$R/fill bs=1k count=$(( $(df -k --output=avail $R | tail -1) - 40 )) 2>/dev/null; sync
  refuse p3-nearly-full-ext4-root 2 $R provision --root $R --size 1G
  umount $R; losetup -d $L
  # state: image deleted under a mounted store
  R=$(provroot); rm $R/var/lib/docker-storage.btrfs
  trun p3-check-image-deleted check --root $R; [ "$RC" = 2 ] && result p3-check-image-deleted PASS "" "rc=$RC $(head -c 200 $OUT/p3-check-image-deleted.out)" || result p3-check-image-deleted FAIL "wrong result" "rc=$RC $(head -c 300 $OUT/p3-check-image-deleted.out)"
  trun p3-status-image-deleted status --root $R; [ "$RC" != 0 ] && result p3-status-image-deleted PASS "" "rc=$RC $(head -c 200 $OUT/p3-status-image-deleted.out|tr '\n' ' ')" || result p3-status-image-deleted FAIL "wrong result" "rc=$RC $(head -c 400 $OUT/p3-status-image-deleted.out|tr '\n' ' ')"
  refuse p3-grow-image-deleted 2 $R grow --root $R --to 2G
  # provision re-run after image deleted: must not make a new empty store over the mounted one
  refuse p3-prov-image-deleted 2 $R provision --root $R --size 1G
  # read-only store
  R=$(provroot); mount -o remount,ro $R/var/lib/docker
  trun p3-check-ro check --root $R; [ "$RC" = 2 ] && result p3-check-ro PASS "" "rc=$RC $(head -c 200 $OUT/p3-check-ro.out)" || result p3-check-ro FAIL "wrong result" "rc=$RC $(head -c 300 $OUT/p3-check-ro.out)"
  refuse p3-grow-ro 2 $R grow --root $R --to 2G
  # grow overcommit beyond host room
  R=$(provroot); refuse p3-grow-overcommit 2 $R grow --root $R --to 900T
  # grow with immutable image
  R=$(provroot); chattr +i $R/var/lib/docker-storage.btrfs; refuse p3-grow-image-immutable 2 $R grow --root $R --to 2G; chattr -i $R/var/lib/docker-storage.btrfs
  # backend with immutable sysconfig
  R=$(provroot); chattr +i $R/etc/sysconfig/docker; refuse p3-backend-sysconfig-immutable 2 $R backend overlay2 --root $R; chattr -i $R/etc/sysconfig/docker
  # teardown with bind mount over fstab
  R=$(provroot); mount --bind $R/etc/fstab $R/etc/fstab; :; refuse p3-teardown-fstab-bindmount 2 $R teardown --root $R; umount $R/etc/fstab
  # check textfile to missing dir
  R=$(provroot); trun p3-check-textfile-missing check --root $R --textfile $R/nonexist; [ "$RC" = 3 ] && result p3-check-textfile-missing PASS "" "rc=$RC $(head -c 250 $OUT/p3-check-textfile-missing.out)" || result p3-check-textfile-missing FAIL "wrong result" "rc=$RC $(head -c 250 $OUT/p3-check-textfile-missing.out)"
  # second loop over the image, then teardown --delete-image
  R=$(provroot); local L2; L2=$(losetup -f --show -r $R/var/lib/docker-storage.btrfs); reg loop "$L2"; trun p3-teardown-second-loop-unheld teardown --root $R --delete-image; if [ "$RC" = 0 ] && grep -q "$L2" $OUT/p3-teardown-second-loop-unheld.out && ! losetup -a | grep -qF "$R"; then result p3-teardown-second-loop-unheld PASS "" "documented: detaches every loop over the image, named it"; else result p3-teardown-second-loop-unheld FAIL "wrong result" "rc=$RC"; fi; losetup -d $L2 2>/dev/null
  # sysconfig/dockstore pointing the image outside root via ..
  R=$(newroot); printf 'DOCKSTORE_IMAGE="/../../../../tmp/a41r-escape.img"\n' > $R/etc/sysconfig/dockstore
  trun p3-settings-image-dotdot provision --root $R --size 1G --dry-run; o=$(./outside.pl $R < $OUT/p3-settings-image-dotdot.strace)
  if [ -e /tmp/a41r-escape.img ] || [ -n "$o" ]; then result p3-settings-image-dotdot FAIL security "$o"; rm -f /tmp/a41r-escape.img; else result p3-settings-image-dotdot PASS "" "rc=$RC $(head -c 250 $OUT/p3-settings-image-dotdot.err) $(head -c 200 $OUT/p3-settings-image-dotdot.out)"; fi
}
