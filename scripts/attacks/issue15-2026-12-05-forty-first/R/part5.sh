# Part 5: more states
mkdisk() { local d; d=$(mktemp -d /tmp/a41r.XXXXXX); reg dir "$d"; truncate -s 1G $d/disk; local l; l=$(losetup -f --show $d/disk); reg loop "$l"; echo $l; }
part5() {
  local R L fp
  # teardown killed at each point, then provision again: data in the store must survive
  for fp in unmount detach-loop disable-boot fstab mount-drop-in sysconfig drop-in folders; do
    R=$(provroot); echo precious > $R/var/lib/docker/precious; sync
    DOCKSTORE_FAILPOINT=$fp "$DS" teardown --root $R >/dev/null 2>&1; local krc=$?
    "$DS" provision --root $R --size 1G >$OUT/p5-td-$fp.out 2>&1; local prc=$?
    if [ "$(cat $R/var/lib/docker/precious 2>/dev/null)" = precious ] && [ $prc = 0 ]; then result "p5-kill-teardown@$fp-then-provision" PASS "" "krc=$krc prc=$prc"
    else result "p5-kill-teardown@$fp-then-provision" FAIL "data loss" "krc=$krc prc=$prc $(tail -c 300 $OUT/p5-td-$fp.out|tr '\n' ' ')"; fi
  done
  # kill backend midway, then teardown: sysconfig and daemon.json back byte for byte
  for fp in boot-settings daemon-json sysconfig; do
    R=$(newroot); printf '## Path: System/Management\n# caf\xe9 latin1\nDOCKER_OPTS="-D -s overlay2 --label a=b"\n' > $R/etc/sysconfig/docker; mkdir -p $R/etc/docker; printf '{ "log-level": "info", "storage-opts": [] }\n' > $R/etc/docker/daemon.json
    local s0 j0; s0=$(sha256sum < $R/etc/sysconfig/docker); j0=$(sha256sum < $R/etc/docker/daemon.json)
    "$DS" provision --root $R --size 1G >/dev/null 2>&1; local p1=$?
    DOCKSTORE_FAILPOINT=$fp "$DS" backend vfs --root $R >/dev/null 2>&1; local krc=$?
    "$DS" teardown --root $R --delete-image >$OUT/p5-be-$fp.out 2>&1; local trc=$?
    local s1 j1; s1=$(sha256sum < $R/etc/sysconfig/docker 2>/dev/null); j1=$(sha256sum < $R/etc/docker/daemon.json 2>/dev/null)
    if [ "$s0" = "$s1" ] && [ "$j0" = "$j1" ] && [ $trc = 0 ] && [ $p1 = 0 ]; then result "p5-kill-backend@$fp-then-teardown" PASS "" "p=$p1 krc=$krc trc=$trc"
    else result "p5-kill-backend@$fp-then-teardown" FAIL "wrong result" "p=$p1 krc=$krc trc=$trc sysconfig-same=$([ "$s0" = "$s1" ]&&echo y||echo n) daemon.json-same=$([ "$j0" = "$j1" ]&&echo y||echo n) $(tail -c 200 $OUT/p5-be-$fp.out|tr '\n' ' ')"; cp $R/etc/sysconfig/docker $OUT/p5-be-$fp.sysconfig 2>/dev/null; fi
  done
  # output cannot be written
  R=$(provroot); "$DS" status --root $R >/dev/full 2>$OUT/p5-full.err; local rc=$?
  [ $rc = 1 ] && grep -q 'cannot write the output' $OUT/p5-full.err && result p5-status-to-dev-full PASS "" "rc=$rc" || result p5-status-to-dev-full FAIL "unclear message" "rc=$rc $(cat $OUT/p5-full.err)"
  "$DS" check --root $R >/dev/full 2>$OUT/p5-cfull.err; rc=$?
  [ $rc = 3 ] && result p5-check-to-dev-full PASS "" "rc=$rc" || result p5-check-to-dev-full FAIL "unclear message" "rc=$rc $(cat $OUT/p5-cfull.err)"
  # non-root caller
  chmod 755 $R; setpriv --reuid 65534 --regid 65534 --clear-groups "$DS" check --root $R >$OUT/p5-nonroot.out 2>&1; rc=$?
  [ $rc = 3 ] || [ $rc = 0 ] && result p5-check-nonroot PASS "" "rc=$rc $(head -c 200 $OUT/p5-nonroot.out)" || result p5-check-nonroot FAIL "wrong result" "rc=$rc $(head -c 300 $OUT/p5-nonroot.out)"
  setpriv --reuid 65534 --regid 65534 --clear-groups "$DS" grow --root $R --to 2G >$OUT/p5-nonroot-grow.out 2>&1; rc=$?
  result p5-grow-nonroot-note $([ $rc != 0 ] && echo PASS || echo FAIL) "" "rc=$rc $(head -c 250 $OUT/p5-nonroot-grow.out)"
  # provision --device on a disk with an ext4 holding data
  L=$(mkdisk); mkfs.ext4 -q $L; local M; M=$(mktemp -d /tmp/a41r.XXXXXX); reg dir "$M"; mount $L $M; echo data > $M/f; umount $M
  local h0; h0=$(head -c 8M $L | sha256sum)
  R=$(newroot); refuse p5-prov-device-with-ext4 2 $R provision --root $R --device $L
  [ "$h0" = "$(head -c 8M $L | sha256sum)" ] && result p5-device-ext4-untouched PASS || result p5-device-ext4-untouched FAIL "data loss"
  # migrate-ebs onto a disk holding ext4 data
  R=$(provroot); refuse p5-migrate-onto-ext4 2 $R migrate-ebs $L --yes --root $R
  [ "$h0" = "$(head -c 8M $L | sha256sum)" ] && result p5-migrate-ext4-untouched PASS || result p5-migrate-ext4-untouched FAIL "data loss"
  # device with a partition table but empty partitions
  L=$(mkdisk); printf 'label: gpt\n,100M\n' | sfdisk -q $L >/dev/null 2>&1; h0=$(head -c 1M $L | sha256sum)
  R=$(newroot); refuse p5-prov-device-gpt 2 $R provision --root $R --device $L
  [ "$h0" = "$(head -c 1M $L | sha256sum)" ] && result p5-device-gpt-untouched PASS || result p5-device-gpt-untouched FAIL "data loss"
}
