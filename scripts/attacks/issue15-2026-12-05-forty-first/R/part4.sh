# Part 4: killed runs followed by a different command; second loop devices
part4() {
  local R fp
  for fp in folder-record-new-folder folder-record create-image format install-image create-mountpoint mount fstab drop-in mount-drop-in sysconfig; do
    R=$(newroot); printf '# my fstab\r\nUUID=abc / ext4 defaults 0 1\n' > $R/etc/fstab; printf '## Path: x\nDOCKER_OPTS="-D --label a=b"\n' > $R/etc/sysconfig/docker
    local f0 s0; f0=$(sha256sum < $R/etc/fstab); s0=$(sha256sum < $R/etc/sysconfig/docker)
    DOCKSTORE_FAILPOINT=$fp "$DS" provision --root $R --size 1G >$OUT/p4-$fp.kill.out 2>&1
    local krc=$?
    "$DS" teardown --root $R --delete-image >$OUT/p4-$fp.td.out 2>&1; local trc=$?
    local left; left="$(losetup -a | grep -F "$R"; findmnt -rn | grep -F "$R")"
    local f1 s1; f1=$(sha256sum < $R/etc/fstab); s1=$(sha256sum < $R/etc/sysconfig/docker 2>/dev/null)
    local extra; extra=$(cd $R && find . -mindepth 1 | sort | grep -v -E '^\./(etc|etc/fstab|etc/sysconfig|etc/sysconfig/docker|var|var/lib|run|run/dockstore.lock|etc/dockstore.disabled|etc/fstab.dockstore.bak|etc/sysconfig/docker.dockstore.bak)$' | tr '\n' ' ')
    if [ $krc = 137 ] && [ $trc = 0 ] && [ -z "$left" ] && [ "$f0" = "$f1" ] && [ "$s0" = "$s1" ] && [ -z "$extra" ]; then result "p4-kill-prov@$fp-then-teardown" PASS "" "krc=$krc trc=$trc"
    else result "p4-kill-prov@$fp-then-teardown" FAIL "wrong result" "krc=$krc trc=$trc left=[$left] fstab-same=$([ "$f0" = "$f1" ] && echo y || echo n) sysconfig-same=$([ "$s0" = "$s1" ] && echo y || echo n) extra=[$extra] td: $(tail -c 300 $OUT/p4-$fp.td.out|tr '\n' ' ')"; fi
  done
  # second loop held open by a process
  R=$(provroot); local L2; L2=$(losetup -f --show -r $R/var/lib/docker-storage.btrfs); reg loop "$L2"; sleep 20 < $L2 & local sp=$!; sleep 0.3
  refuse p4-teardown-second-loop-held 2 $R teardown --root $R --delete-image; kill $sp; wait $sp 2>/dev/null; losetup -d $L2 2>/dev/null
  # second loop mounted elsewhere (temp fsid)
  R=$(provroot); L2=$(losetup -f --show $R/var/lib/docker-storage.btrfs); reg loop "$L2"; local M2; M2=$(mktemp -d /tmp/a41r.XXXXXX); reg dir "$M2"
  if mount -o ro $L2 $M2 2>$OUT/p4-m2.err; then :; refuse p4-teardown-second-loop-mounted 2 $R teardown --root $R --delete-image; trun p4-check-second-mounted check --root $R; result p4-check-second-mounted-note PASS "" "check rc=$RC $(head -c 200 $OUT/p4-check-second-mounted.out)"; umount $M2; else echo "second mount failed: $(cat $OUT/p4-m2.err)"; fi
  losetup -d $L2 2>/dev/null
}
