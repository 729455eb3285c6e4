#!/bin/bash
# case H: this root's own image, still linked under its configured name, but the dentry the loop was attached through
# was unlinked (hard link kept): kernel says "(deleted)". Only a name changed; the data is in the file.
. /work/attack21/f/lib.sh
unshare -m --propagation private bash -c '
. /work/attack21/f/lib.sh
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; echo prov-rc=$?
I=$T/var/lib/docker-storage.btrfs
ln $I $T/var/lib/keep.btrfs; rm $I; ln $T/var/lib/keep.btrfs $I; rm $T/var/lib/keep.btrfs
L=$(findmnt -no SOURCE $T/var/lib/docker); echo "kernel: $(cat /sys/block/${L#/dev/}/loop/backing_file); links: $(stat -c %h $I); inode here $(stat -c %i $I), loop: $(losetup -n -O BACK-INO $L)"
echo "--- check"; $BIN check --root $T | cut -c1-300
echo "--- status"; $BIN status --root $T | grep -E "^(mounted|state)|^  -" | cut -c1-300
for c in provision "grow --to 2G" reclaim "reclaim --orphans" teardown; do echo "=== $c"; $BIN $c --root $T 2>&1 | tail -1 | cut -c1-250; echo rc=${PIPESTATUS[0]}; done
umount_ours; umount_ours; detach_ours
'
