#!/bin/bash
# case N: renamed variants, each on a fresh store; destructive commands one per fresh store; follow the advice
. /work/attack23/h/lib.sh
fresh() { T=$(mkroot); I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1 || echo "provision failed"; rec
  echo DATA-$RANDOM > $T/var/lib/docker/MARK; cp $T/var/lib/docker/MARK $T.mark; sync; L=$(losetup -j $I -n -O NAME); }
down() { umount $T/var/lib/docker 2>/dev/null; umount $T/var/lib/docker 2>/dev/null; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T/" -v r="$RUN/tmpfs/" 'index($2,t)==1||index($2,r)==1{print $1}'); do grep -qx $d $REC && losetup -d $d; done; }
reboot_check() { echo "  -- reboot: umount, detach, provision"; down
  run $BIN provision --root $T; rec; echo "  MARK now: $(cat $T/var/lib/docker/MARK 2>&1) (was $(cat $T.mark))"; }
guard() { h=$(th $T); b=$(bh $1); [ "$h$b" = "$h0$b0" ] || echo "    !! CHANGED tree $h0->$h img $b0->$b"; findmnt -n $T/var/lib/docker >/dev/null || echo "    !! store UNMOUNTED"; }
truncate -s 1G $RUN/vol; V=$(att $RUN/vol)
echo "=== N1 renamed + DOCKSTORE_IMAGE changed; one command per fresh store"
for c in "provision" "teardown" "teardown --wipe-device" "teardown --delete-image" "grow --to 2G" "migrate-ebs $V --yes" "migrate-ebs LOOP --yes" "reclaim" "status"; do
  fresh; mv $I $T/var/lib/moved.btrfs; echo DOCKSTORE_IMAGE=/var/lib/store2.btrfs >> $T/etc/sysconfig/dockstore
  h0=$(th $T); b0=$(bh $T/var/lib/moved.btrfs); run $BIN ${c/LOOP/$L} --root $T; guard $T/var/lib/moved.btrfs; ls $T/var/lib | tr '\n' ' '; echo; down; done
wipefs -a $V >/dev/null
echo "=== N1b renamed, --image names the renamed file / an unrelated existing file (decoy)"
for c in "teardown --image /var/lib/moved.btrfs --delete-image" "teardown --image /var/lib/decoy.btrfs --delete-image" "provision --image /var/lib/decoy.btrfs" "grow --image /var/lib/moved.btrfs --to 2G" "migrate-ebs $V --yes --keep-image --image /var/lib/moved.btrfs" "migrate-ebs $V --yes --image /var/lib/decoy.btrfs"; do
  fresh; mv $I $T/var/lib/moved.btrfs; truncate -s 1G $T/var/lib/decoy.btrfs; mkfs.btrfs -q $T/var/lib/decoy.btrfs
  h0=$(th $T); b0=$(bh $T/var/lib/moved.btrfs); run $BIN $c --root $T; guard $T/var/lib/moved.btrfs; ls $T/var/lib | tr '\n' ' '; echo; grep -v '^#' $T/etc/fstab
  [ -e $T/var/lib/moved.btrfs ] && { mv -n $T/var/lib/moved.btrfs $I; } ; reboot_check; down; wipefs -a $V >/dev/null; done
echo "=== N2a renamed into another folder"
fresh; mkdir -p $T/srv; mv $I $T/srv/x.btrfs; chk $T; run $BIN provision --root $T; run $BIN teardown --root $T
mv $T/srv/x.btrfs $I; reboot_check; down
echo "=== N2b moved onto another filesystem (tmpfs; cp+rm)"
fresh; mkdir -p $RUN/tmpfs; mount -t tmpfs -o size=2G t $RUN/tmpfs; mv $I $RUN/tmpfs/x.btrfs; chk $T
h0=$(th $T); b0=$(bh $RUN/tmpfs/x.btrfs)
for c in provision teardown "grow --to 2G" "migrate-ebs $V --yes" status; do run $BIN $c --root $T; guard $RUN/tmpfs/x.btrfs; done
echo "  follow: mv back (cp back), reboot"; mv $RUN/tmpfs/x.btrfs $I; chk $T; reboot_check; down; umount $RUN/tmpfs
echo "=== N2c renamed twice"
fresh; mv $I $T/var/lib/a.btrfs; mv $T/var/lib/a.btrfs $T/var/lib/b.btrfs; chk $T; run $BIN provision --root $T; mv $T/var/lib/b.btrfs $I; reboot_check; down
echo "=== N2d renamed, copy put at name (cp --reflink=never --sparse)"
fresh; mv $I $T/var/lib/moved.btrfs; cp --sparse=always $T/var/lib/moved.btrfs $I; echo NEWER > $T/var/lib/docker/NEWER; sync; chk $T
h0=$(th $T); b0=$(bh $T/var/lib/moved.btrfs)
for c in provision status "grow --to 2G" "teardown" "teardown --delete-image" "migrate-ebs $V --yes" "reclaim"; do run $BIN $c --root $T; guard $T/var/lib/moved.btrfs; done
echo "  follow the advice (mv moved back over the copy?)"; mv $T/var/lib/moved.btrfs $I; chk $T; reboot_check; cat $T/var/lib/docker/NEWER; down
echo "=== N2e renamed, a hard link left at name (ln then rm? -> same inode)"
fresh; ln $I $T/var/lib/hl.btrfs; chk $T; run $BIN teardown --root $T --delete-image --dry-run; ls $T/var/lib; rm $T/var/lib/hl.btrfs; down
