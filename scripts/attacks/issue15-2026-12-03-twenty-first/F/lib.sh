F=/work/attack21/f
RUN=$F/run
BIN=$F/dockstore
mkdir -p $RUN
mkroot() { local t; t=$(mktemp -d -p $RUN); mkdir -p $t/etc/sysconfig $t/var/lib $t/etc/systemd/system; touch $t/etc/fstab; echo $t; }
detach_ours() { local dev f
  for dev in /sys/block/loop*; do
    f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
    case "$f" in "$RUN"/*|*/atk21f*) echo "detach /dev/${dev##*/} ($f)" >&2; losetup -d "/dev/${dev##*/}" 2>/dev/null ;; esac
  done; }
umount_ours() { awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; }
SRC=/var/cache/dockstore-boot-test/bookworm-c9321a38d22825c0/root
# overlay root over the cached bookworm root (read-only lower); must run inside a private mount ns
ovl() { local d=$1; mkdir -p $d/up $d/wk $d/m; mount -t overlay overlay -o lowerdir=$SRC,upperdir=$d/up,workdir=$d/wk $d/m; }
