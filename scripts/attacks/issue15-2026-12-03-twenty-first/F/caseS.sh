#!/bin/bash
# case S: the fstab line without `loop`, read back by libmount (mount, mount -a) and systemd-fstab-generator in a chroot
. /work/attack21/f/lib.sh
run1() { # $1 label; $2 setup function name; rest provision args
  local l=$1 setup=$2; shift 2; local B=$RUN/S-$l; rm -rf $B; mkdir -p $B
  unshare -m --propagation private bash -c "
    $(declare -f ovl $setup); SRC=$SRC; BIN=$BIN; B=$B; ovl $B
    for x in dev proc sys; do mount --rbind /\$x $B/m/\$x; done
    $setup
    echo \"=== $l\"; $BIN provision --root $B/m $* > $B/prov.log 2>&1; echo prov-rc=\$?; grep -E 'fstab|warning|refus|^dockstore' $B/prov.log | cut -c1-300
    grep -v '^#' $B/m/etc/fstab | cat -A
    chroot $B/m umount /var/lib/docker 2>/dev/null; losetup -j $B/m/var/lib/docker-storage.btrfs | cut -d: -f1 | xargs -r -n1 losetup -d
    mkdir -p $B/m/tmp/g; chroot $B/m /lib/systemd/system-generators/systemd-fstab-generator /tmp/g /tmp/g /tmp/g 2>&1 | head -3
    grep -E '^(What|Where|Options|Type)=' $B/m/tmp/g/var-lib-docker.mount 2>&1
    chroot $B/m mount /var/lib/docker 2>&1; echo mount-rc=\$?; chroot $B/m findmnt -n /var/lib/docker
    chroot $B/m umount /var/lib/docker 2>/dev/null
    chroot $B/m mount -a 2>&1; echo mount-a-rc=\$?; chroot $B/m findmnt -n /var/lib/docker
    $BIN status --root $B/m 2>&1 | grep -E '^(mounted|fstab|state)|^  -' | cut -c1-250
    $BIN check --root $B/m 2>&1 | cut -c1-200
    chroot $B/m umount /var/lib/docker 2>/dev/null
    for f in $B/m/var/lib/*.btrfs*; do losetup -j \$f | cut -d: -f1 | xargs -r -n1 losetup -d; done
    umount -R $B/m/dev $B/m/proc $B/m/sys 2>/dev/null; umount -R $B/m
  "
}
nosetup() { :; }
suse_crlf() { truncate -s 1G $B/m/var/lib/docker-storage.btrfs; mkfs.btrfs -q $B/m/var/lib/docker-storage.btrfs; printf '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults,loop 0 0\r\n' >> $B/m/etc/fstab; }
suse_plain() { truncate -s 1G $B/m/var/lib/docker-storage.btrfs; mkfs.btrfs -q $B/m/var/lib/docker-storage.btrfs; printf '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0\n' >> $B/m/etc/fstab; }
loop_first() { truncate -s 1G $B/m/var/lib/docker-storage.btrfs; mkfs.btrfs -q $B/m/var/lib/docker-storage.btrfs; printf '/var/lib/docker-storage.btrfs\t/var/lib/docker  btrfs  loop,nofail,discard=async,x-systemd.requires-mounts-for=/var/lib,x-systemd.before=dockstore-provision.service 0 0\n' >> $B/m/etc/fstab; }
loopopt() { truncate -s 1G $B/m/var/lib/docker-storage.btrfs; mkfs.btrfs -q $B/m/var/lib/docker-storage.btrfs; printf '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults,loop,autoclear 0 0\n' >> $B/m/etc/fstab; }
run1 suse-crlf suse_crlf
run1 suse-plain suse_plain
run1 loop-first loop_first
run1 loop-autoclear loopopt
run1 oddsize nosetup --size 1073741825
run1 thick nosetup --size 512M --thick
run1 mountopts nosetup --size 1G --mount-options compress=zstd,noatime
run1 mountopts-loop nosetup --size 1G --mount-options loop
