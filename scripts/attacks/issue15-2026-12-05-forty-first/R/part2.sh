# Part 2: refusals change nothing
provroot() { local r; r=$(newroot); "$DS" provision --root $r --size 1G >/dev/null 2>&1 || echo "provision failed" >&2; echo $r; }
part2() {
  local R
  # --- provision, fresh root
  R=$(newroot); refuse p2-prov-size-bad 64 $R provision --root $R --size 1X
  R=$(newroot); refuse p2-prov-size-zero 64 $R provision --root $R --size 0
  R=$(newroot); refuse p2-prov-size-huge 64 $R provision --root $R --size 99999999999999999999999G
  R=$(newroot); refuse p2-prov-image-nl 64 $R provision --root $R --image $'/var/lib/x\nfoo'
  R=$(newroot); refuse p2-prov-mp-ctl 64 $R provision --root $R --mountpoint $'/var/lib/do\x01cker'
  R=$(newroot); refuse p2-prov-mp-nonutf8 64 $R provision --root $R --mountpoint $'/var/lib/d\xffocker'
  R=$(newroot); refuse p2-prov-rel-root 64 $R provision --root ${R#/} 
  R=$(newroot); refuse p2-prov-root-twice 64 $R provision --root $R --root $R
  R=$(newroot); mkdir $R/etc/sysconfig/docker; refuse p2-prov-sysconfig-dir 2 $R provision --root $R --size 1G
  R=$(newroot); mkfifo $R/etc/sysconfig/docker; BEFORE=1 timeout 20 true; refuse p2-prov-sysconfig-fifo 2 $R provision --root $R --size 1G
  R=$(newroot); mkfifo $R/etc/sysconfig/dockstore; refuse p2-prov-settings-fifo 2 $R provision --root $R --size 1G
  R=$(newroot); printf 'DOCKER_OPTS="--storage-driver=overlay2"\r\n' > $R/etc/sysconfig/docker; refuse p2-prov-sysconfig-cr 2 $R provision --root $R --size 1G
  R=$(newroot); printf 'DOCKER_OPTS="$(id)"\n' > $R/etc/sysconfig/docker; refuse p2-prov-sysconfig-dollar 2 $R provision --root $R --size 1G
  R=$(newroot); printf 'DOCKSTORE_SIZE="1G"\n' > $R/etc/sysconfig/dockstore; chmod 666 $R/etc/sysconfig/dockstore; refuse p2-prov-settings-ww 2 $R provision --root $R
  R=$(newroot); printf 'DOCKSTORE_BOGUS="1"\n' > $R/etc/sysconfig/dockstore; refuse p2-prov-settings-badkey 64 $R provision --root $R
  R=$(newroot); chmod 777 $R/etc/sysconfig; printf 'DOCKSTORE_SIZE="1G"\n' > $R/etc/sysconfig/dockstore; refuse p2-prov-settings-dir-ww 2 $R provision --root $R
  R=$(newroot); mkdir -p $R/etc/docker; printf '{"storage-driver":"overlay2",}' > $R/etc/docker/daemon.json; refuse p2-prov-daemonjson-invalid 2 $R provision --root $R --size 1G
  R=$(newroot); mkdir -p $R/etc/docker; printf '{"storage\\u002ddriver":"overlay2"}' > $R/etc/docker/daemon.json; refuse p2-prov-daemonjson-escaped 2 $R provision --root $R --size 1G
  R=$(newroot); mkdir -p $R/etc/docker; printf '{"storage-driver":"btrfs","storage-driver":"overlay2"}' > $R/etc/docker/daemon.json; refuse p2-prov-daemonjson-dup 2 $R provision --root $R --size 1G
  R=$(newroot); mkdir -p $R/etc/docker; printf '{"Storage-Driver":"btrfs"}' > $R/etc/docker/daemon.json; refuse p2-prov-daemonjson-case 2 $R provision --root $R --size 1G
  R=$(newroot); printf '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0\r\n' > $R/etc/fstab; local c0; c0=$(sha256sum < $R/etc/fstab); trun p2-prov-fstab-crlf-adopted provision --root $R --size 1G; local prc=$RC; "$DS" teardown --root $R --delete-image >/dev/null 2>&1; local trc=$?
  [ "$prc" = 0 ] && [ "$trc" = 0 ] && [ ! -s $R/etc/fstab ] && result p2-prov-fstab-crlf-adopted-then-teardown-bytes PASS "" "documented: CRLF line adopted as dockstore's, teardown removes it (teardown(8): removes dockstore's fstab line)" || result p2-prov-fstab-crlf-adopted-then-teardown-bytes FAIL "wrong result" "prc=$prc trc=$trc fstab now: $(od -c $R/etc/fstab | head -3 | tr '\n' ' ')"
  R=$(newroot); printf '/dev/sdz9\t/var/lib/docker\tbtrfs\n' > $R/etc/fstab; refuse p2-prov-fstab-3fields-other 2 $R provision --root $R --size 1G
  R=$(newroot); printf '/dev/sdz9 /var/lib/docker btrfs defaults\n' > $R/etc/fstab; refuse p2-prov-fstab-4fields-other 2 $R provision --root $R --size 1G
  R=$(newroot); printf '/dev/sdz9 /var/lib/do\\143ker btrfs defaults 0 0\n' > $R/etc/fstab; refuse p2-prov-fstab-octal-other 2 $R provision --root $R --size 1G
  R=$(newroot); printf 'LABEL=x /var/lib btrfs defaults 0 0\n' > $R/etc/fstab; refuse p2-prov-fstab-parent-mount 2 $R provision --root $R --size 1G
  R=$(newroot); chattr +i $R/etc/fstab; refuse p2-prov-fstab-immutable 2 $R provision --root $R --size 1G; chattr -i $R/etc/fstab
  R=$(newroot); chattr +a $R/etc/sysconfig; refuse p2-prov-sysconfigdir-appendonly 2 $R provision --root $R --size 1G; chattr -a $R/etc/sysconfig
  R=$(newroot); mount --bind $R/etc $R/etc && mount -o remount,bind,ro $R/etc; :; refuse p2-prov-etc-ro 2 $R provision --root $R --size 1G; umount $R/etc
  R=$(newroot); touch $R/etc/fstab.dockstore.bak; rm $R/etc/fstab.dockstore.bak; mkdir $R/etc/fstab.dockstore.bak; echo x >> $R/etc/fstab; refuse p2-prov-bak-is-dir 2 $R provision --root $R --size 1G
  R=$(newroot); touch $R/run/dockstore.lock; ( flock 9; sleep 15 ) 9>$R/run/dockstore.lock & local fp=$!; sleep 0.5; refuse p2-prov-lock-held 3 $R provision --root $R --size 1G --lock-timeout 1; kill $fp 2>/dev/null; wait $fp 2>/dev/null
  # full filesystem: a small tmpfs as the root
  R=$(mktemp -d /tmp/a41r.XXXXXX); reg dir "$R"; mount -t tmpfs -o size=2m tmpfs $R; :; mkdir -p $R/etc/sysconfig $R/var/lib $R/run; touch $R/etc/fstab; head -c 1900k /dev/zero > $R/var/fill 2>/dev/null; dd if=/dev/zero of=$R/var/fill2 bs=4k 2>/dev/null
  refuse p2-prov-full-fs 2 $R provision --root $R --size 1G
  umount $R
  # --- on a provisioned root
  R=$(provroot); refuse p2-grow-shrink 2 $R grow --root $R --to 512M
  R=$(provroot); refuse p2-grow-badsize 64 $R grow --root $R --to 1.5.5G
  R=$(provroot); refuse p2-grow-same 0 $R grow --root $R --to 1G
  R=$(provroot); chattr +i $R/etc/fstab; refuse p2-teardown-fstab-immutable 2 $R teardown --root $R; chattr -i $R/etc/fstab
  R=$(provroot); ( cd $R/var/lib/docker && sleep 12 ) & local bp=$!; sleep 0.5; refuse p2-teardown-busy 1 $R teardown --root $R; kill $bp; wait $bp 2>/dev/null
  R=$(provroot); refuse p2-backend-bogus 64 $R backend nosuchfs --root $R
  R=$(provroot); refuse p2-backend-badopt 64 $R backend btrfs --storage-opt overlay2.size=1G --root $R
  R=$(provroot); refuse p2-backend-optval-shell 64 $R backend btrfs --storage-opt 'btrfs.min_space=1G;id' --root $R
  R=$(provroot); refuse p2-backend-zfs-on-btrfs 2 $R backend zfs --root $R
  R=$(provroot); mkdir -p $R/etc/docker; printf '{"storage-driver":"overlay2","storage-driver":"btrfs", "bogus-key": 1}' > $R/etc/docker/daemon.json; refuse p2-backend-daemonjson-unknownkey 2 $R backend overlay2 --root $R
  R=$(provroot); mkdir -p $R/etc/docker; printf '\xef\xbb\xbf{"debug":true}' > $R/etc/docker/daemon.json; refuse p2-backend-daemonjson-bom 2 $R backend overlay2 --root $R
  R=$(provroot); printf 'DOCKER_OPTS="--storage-driver=btrfs"\nDOCKER_OPTS+=" -D"\n' > $R/etc/sysconfig/docker; refuse p2-backend-sysconfig-plus 2 $R backend overlay2 --root $R
  R=$(provroot); refuse p2-reclaim-badbudget 64 $R reclaim --root $R --budget 5x
  R=$(provroot); local loopdev; loopdev=$(losetup -j $R/var/lib/docker-storage.btrfs | cut -d: -f1); refuse p2-migrate-onto-own-loop 2 $R migrate-ebs $loopdev --yes --root $R
  R=$(provroot); refuse p2-migrate-nonexistent 2 $R migrate-ebs /dev/nvme9n9 --yes --wait 1 --root $R
  R=$(provroot); refuse p2-check-badrange 3 $R check -w 30:10 --root $R
  R=$(provroot); refuse p2-status-badopt 64 $R status --bogus --root $R
  R=$(newroot); refuse p2-grow-unprovisioned 2 $R grow --root $R --to 2G
  R=$(newroot); refuse p2-teardown-unprovisioned 0 $R teardown --root $R
}
