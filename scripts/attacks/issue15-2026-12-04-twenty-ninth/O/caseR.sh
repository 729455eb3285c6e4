#!/bin/bash
# R: refusals that meet their cause late: tree (incl. folder mtimes), decoy and loop edges unchanged
. /work/attack29/o/lib.sh
prep() { T=$(mkroot); [ -n "$T" ] || exit 99; printf '# admin\nDOCKER_OPTS="-D"\n' > $T/etc/sysconfig/docker; echo '{"log-level":"info"}' > $T/etc/docker/daemon.json; echo '# fstab' > $T/etc/fstab; }
echo "### R1 chattr +i etc/systemd/system (last folder provision writes)"; prep; chattr +i $T/etc/systemd/system
refuse $T $BIN provision --root $T --size 1G; chattr -i $T/etc/systemd/system; down $T
echo "### R2 chattr +i etc/sysconfig/docker"; prep; chattr +i $T/etc/sysconfig/docker; refuse $T $BIN provision --root $T --size 1G; refuse $T $BIN backend vfs --root $T --force; chattr -i $T/etc/sysconfig/docker; down $T
echo "### R3 chattr +a etc/docker/daemon.json with storage-driver"; prep; echo '{"storage-driver":"vfs"}' > $T/etc/docker/daemon.json; chattr +a $T/etc/docker/daemon.json; refuse $T $BIN backend overlay2 --root $T --force; refuse $T $BIN provision --root $T --size 1G; chattr -a $T/etc/docker/daemon.json; down $T
echo "### R4 read-only bind over etc/fstab"; prep; mount --bind -o ro $T/etc/fstab $T/etc/fstab; refuse $T $BIN provision --root $T --size 1G; umount $T/etc/fstab; down $T
echo "### R5 rw bind over etc/sysconfig/docker after provision, then teardown"; prep; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; mount --bind $T/etc/sysconfig/docker $T/etc/sysconfig/docker; refuse $T $BIN teardown --root $T --delete-image; refuse $T $BIN backend overlay2 --root $T --force; umount $T/etc/sysconfig/docker; down $T
echo "### R6 chattr +i on etc/fstab.dockstore.bak (teardown after provision)"; prep; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; ls $T/etc; touch $T/etc/fstab.dockstore.bak; chattr +i $T/etc/fstab.dockstore.bak; refuse $T $BIN teardown --root $T; chattr -i $T/etc/fstab.dockstore.bak; down $T
echo "### R7 tmpfs root of 3 MiB: image format hits ENOSPC"; T=$(mktemp -d -p $RUN); mount -t tmpfs -o size=3m tmpfs $T; mkdir -p $T/etc/sysconfig $T/var/lib $T/etc/systemd/system $T/etc/docker; echo '# f' > $T/etc/fstab; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker
refuse $T $BIN provision --root $T --size 1G; ls -la $T/var/lib $T/etc/sysconfig; df -h $T | tail -1; umount -l $T; rmdir $T
echo "### R8 tmpfs root of 3 MiB almost full (etc full): backend"; T=$(mktemp -d -p $RUN); mount -t tmpfs -o size=1m tmpfs $T; mkdir -p $T/etc/sysconfig $T/var/lib $T/etc/systemd/system $T/etc/docker; echo '# f' > $T/etc/fstab; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker; mkdir -p $T/var/lib/docker; head -c 1040000 /dev/zero > $T/fill 2>/dev/null; df -k $T|tail -1
refuse $T $BIN backend vfs --root $T; umount -l $T; rmdir $T
echo "### R9 tmpfs nr_inodes exhausted"; T=$(mktemp -d -p $RUN); mount -t tmpfs -o size=50m,nr_inodes=12 tmpfs $T; mkdir -p $T/etc/sysconfig $T/var/lib $T/etc/systemd/system $T/etc/docker; echo '# f' > $T/etc/fstab; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker; df -i $T | tail -1
refuse $T $BIN provision --root $T --size 1G; umount -l $T; rmdir $T
echo "### R10 image folder is a ro bind mount (image create fails late)"; prep; mkdir -p $T/var/lib/img; mount --bind -o ro $T/var/lib/img $T/var/lib/img; refuse $T $BIN provision --root $T --size 1G --image /var/lib/img/x.btrfs; umount $T/var/lib/img; down $T
echo "### R11 ENOSPC for the thick image on a 300M loop ext4 root"; F=$RUN/small.ext4; truncate -s 300M $F; mkfs.ext4 -q $F; T=$(mktemp -d -p $RUN); L=$(att $F); mount $L $T; mkdir -p $T/etc/sysconfig $T/var/lib $T/etc/systemd/system $T/etc/docker; echo '# f' > $T/etc/fstab; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker
refuse $T $BIN provision --root $T --size 1G --thick; umount $T; losetup -d $L; rmdir $T
echo "### R12 ENOSPC during mkfs: 40M ext4 root with ~600K free, sparse 1G image"; F=$RUN/tiny.ext4; truncate -s 40M $F; mkfs.ext4 -q -m0 $F; T=$(mktemp -d -p $RUN); L=$(att $F); mount $L $T; mkdir -p $T/etc/sysconfig $T/var/lib $T/etc/systemd/system $T/etc/docker; echo '# f' > $T/etc/fstab; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker
fallocate -l $(( $(df -B1 --output=avail $T | tail -1) - 600*1024 )) $T/fill; df -h $T | tail -1
refuse $T $BIN provision --root $T --size 1G; ls -la $T/var/lib $T/etc; NL=3 run $BIN provision --root $T --size 1G; rm -f $T/fill; NL=3 run $BIN provision --root $T --size 1G; rec; ls -la $T/var/lib
umount -l $T/var/lib/docker 2>/dev/null; detach_ours; umount $T; losetup -d $L 2>/dev/null; rmdir $T
