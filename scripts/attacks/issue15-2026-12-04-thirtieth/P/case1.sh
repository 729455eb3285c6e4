#!/bin/bash
# 1: system-folder refusals: bypasses and false refusals
. /work/attack30/p/lib.sh
chk() { local T=$1 f=$2; echo "    $f: $(fh $T$f) blkid=$(blkid -o value -s TYPE $T$f 2>/dev/null)"; }
echo "--- 1a hard link of etc/machine-id at /var/lib/img (empty)"
T=$(mkroot); [ -n "$T" ] || exit 99; : > $T/etc/machine-id; ln $T/etc/machine-id $T/var/lib/img; chk $T /etc/machine-id
refuse $T $BIN provision --root $T --size 1G --image /var/lib/img; chk $T /etc/machine-id; down $T
echo "--- 1b hard link of etc/fstab (empty) at /srv/store.img"
T=$(mkroot); mkdir $T/srv; ln $T/etc/fstab $T/srv/store.img
refuse $T $BIN provision --root $T --size 1G --image /srv/store.img; chk $T /etc/fstab; down $T
echo "--- 1c image itself a symlink -> /etc/machine-id (abs) and -> ../../etc/machine-id (rel)"
for tgt in /etc/machine-id ../../etc/machine-id; do T=$(mkroot); : > $T/etc/machine-id; ln -s $tgt $T/var/lib/docker-storage.btrfs
refuse $T $BIN provision --root $T --size 1G; chk $T /etc/machine-id; down $T; done
echo "--- 1d image folder a symlink to etc (abs, rel)"
for tgt in /etc ../../etc; do T=$(mkroot); mkdir $T/srv; ln -s $tgt $T/srv/d; : > $T/etc/machine-id
refuse $T $BIN provision --root $T --size 1G --image /srv/d/machine-id; chk $T /etc/machine-id; down $T; done
echo "--- 1e bind mount of root's etc at srv/b"
T=$(mkroot); mkdir $T/srv $T/srv/b; : > $T/etc/machine-id; mount --bind $T/etc $T/srv/b
refuse $T $BIN provision --root $T --size 1G --image /srv/b/machine-id; chk $T /etc/machine-id; down $T
echo "--- 1f mountpoint a symlink to etc / to run / to var/lib/dockstore"
for tgt in /etc ../../../run /var/lib/dockstore; do T=$(mkroot); mkdir -p $T/run $T/var/lib/dockstore; rm -rf $T/var/lib/docker; ln -s $tgt $T/var/lib/docker
refuse $T $BIN provision --root $T --size 1G; down $T; done
echo "--- 1g overlay mount: srv/o is overlay with lower=etc"
T=$(mkroot); mkdir -p $T/srv/o $T/srv/u $T/srv/w; : > $T/etc/machine-id; mount -t overlay overlay -o lowerdir=$T/etc,upperdir=$T/srv/u,workdir=$T/srv/w $T/srv/o
refuse $T $BIN provision --root $T --size 1G --image /srv/o/machine-id; chk $T /etc/machine-id; chk $T /srv/u/machine-id; down $T
echo "--- 1h loop-mounted ext4 image of which etc is the mount (root's /etc on its own fs), image /etc/x"
T=$(mkroot); truncate -s 64M $RUN/etcfs; mkfs.ext4 -q $RUN/etcfs; mount -o loop $RUN/etcfs $T/etc; rec; mkdir -p $T/etc/sysconfig $T/etc/systemd/system $T/etc/docker; touch $T/etc/fstab; : > $T/etc/machine-id
mkdir $T/srv; mount --bind $T/etc $T/srv/e 2>/dev/null || { mkdir $T/srv/e; mount --bind $T/etc $T/srv/e; }
refuse $T $BIN provision --root $T --size 1G --image /srv/e/machine-id; chk $T /etc/machine-id; down $T; rm -f $RUN/etcfs
echo "--- 1i sysconfig/dockstore naming /etc image and /run mountpoint"
T=$(mkroot); echo 'DOCKSTORE_IMAGE=/etc/machine-id' > $T/etc/sysconfig/dockstore; refuse $T $BIN provision --root $T --size 1G; down $T
T=$(mkroot); mkdir $T/srv; ln -s /etc $T/srv/l; printf 'X=1\nDOCKSTORE_IMAGE=/srv/l/img\n' > $T/etc/sysconfig/dockstore; refuse $T $BIN provision --root $T --size 1G; down $T
echo "--- 1j false refusals (should succeed)"
ok() { local T=$1; shift; NL=3 run "$@"; echo "    status: $($BIN status --root $T >/dev/null 2>&1; echo rc=$?)"; NL=2 run $BIN teardown --root $T --delete-image; down $T; }
for p in /etcetera/img /runner/img /var/lib/dockstore-data/img /usr2/img /devices/img /library/img /procs/img; do T=$(mkroot); mkdir -p $T$(dirname $p); ok $T $BIN provision --root $T --size 1G --image $p; done
T=$(mkroot); mkdir -p $T/data/lib; rm -rf $T/var/lib; mv $T/var $T/data/var 2>/dev/null; mkdir -p $T/data/var/lib; ln -s /data/var $T/var; echo "  /var -> /data/var"; ok $T $BIN provision --root $T --size 1G
T=$(mkroot); mkdir -p $T/data/lib; rmdir $T/var/lib; ln -s ../data/lib $T/var/lib; echo "  /var/lib -> ../data/lib"; ok $T $BIN provision --root $T --size 1G
T=$(mkroot); truncate -s 2G $RUN/varlib; mkfs.ext4 -q $RUN/varlib; mount -o loop $RUN/varlib $T/var/lib; rec; echo "  /var/lib own ext4 mount"; ok $T $BIN provision --root $T --size 1G; rm -f $RUN/varlib
T=$(mkroot); echo "  --mountpoint /var/lib/dockstore-data, /srv/docker"; ok $T $BIN provision --root $T --size 1G --mountpoint /var/lib/dockstore-data
T=$(mkroot); mkdir -p $T/srv/docker; ok $T $BIN provision --root $T --size 1G --mountpoint /srv/docker
