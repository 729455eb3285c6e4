H=/work/attack28/n; RUN=$H/run; BIN=$H/dockstore; REC=$RUN/loops.rec
mkdir -p $RUN; chmod 755 $H $RUN; touch $REC
mkroot() { local t; t=$(mktemp -d -p $RUN); chmod 755 $t; mkdir -p $t/etc/sysconfig $t/var/lib $t/etc/systemd/system $t/etc/docker; touch $t/etc/fstab; echo $t; }
nob() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
rec() { local dev f; for dev in /sys/block/loop*; do f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
  case "$f" in "$RUN"/*) grep -qx "/dev/${dev##*/}" $REC || echo "/dev/${dev##*/}" >> $REC;; esac; done; }
att() { local l; l=$(losetup "$@" -f --show) && { echo $l >> $REC; echo $l; }; }
th() { local T=$1; (cd $T && find . -xdev -path ./var/lib/docker -prune -o -printf '%p %s %m %l\n' | LC_ALL=C sort; find . -xdev -path ./var/lib/docker -prune -o -type f -size -64k -print0 | LC_ALL=C sort -z | xargs -0r md5sum) | md5sum | cut -c1-12; }
bh() { local f=$1; [ -e "$f" ] || { echo none; return; }; (head -c 1M "$f"; tail -c 1M "$f") | md5sum | cut -c1-12; }
run() { local o r; o=$(timeout ${TO:-60} "$@" 2>&1); r=$?; echo "\$ ${*#$BIN }"; echo "$o" | cut -c1-${NC:-400} | head -${NL:-6} | sed 's/^/    /'; echo "    [rc=$r]"; return $r; }
chk() { local T=$1 o r; shift; o=$(timeout 20 $BIN check --root $T "$@" 2>&1); r=$?; echo "  check root  : ${o:0:${NC:-400}} [rc=$r]"
  o=$(timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups $BIN check --root $T "$@" 2>&1); r=$?; echo "  check nobody: ${o:0:${NC:-400}} [rc=$r]"; }
umount_ours() { awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do fsfreeze -u "$m" 2>/dev/null; umount -l "$m" 2>/dev/null; done; }
detach_ours() { rec; sort -u $REC | while read -r d; do f=$(cat /sys/block/${d#/dev/}/loop/backing_file 2>/dev/null) || continue
  case "$f" in "$RUN"/*) btrfs device scan --forget $d 2>/dev/null; losetup -d $d 2>/dev/null;; esac; done; }
down() { local T=$1; [ -n "$T" ] || return; awk '{print $5}' /proc/self/mountinfo | grep "^$T/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; sleep 0.3; rec; detach_ours; }
lsl() { ls -li $T/var/lib | grep -v '^total' | awk '{print "    ", $1, $3, $6, $NF}'; }
fst() { grep -v '^#' $T/etc/fstab | cut -c1-120; }
J=var/lib/dockstore/migration.json
# power cut: unmount everything under T, detach T's loop devices (by record), forget btrfs registrations
pcut() { local T=$1; [ -n "$T" ] || return; awk '{print $5}' /proc/self/mountinfo | grep "^$T/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; sleep 0.3; rec
  sort -u $REC | while read -r d; do f=$(cat /sys/block/${d#/dev/}/loop/backing_file 2>/dev/null) || continue; case "$f" in "$T"*) btrfs device scan --forget $d 2>/dev/null; losetup -d $d;; esac; done; }
mk() { T=$(mkroot); [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 2G >/dev/null 2>&1; rec; head -c ${MB:-300}M /dev/urandom > $T/var/lib/docker/BIG; sync
  md5=$(md5sum < $T/var/lib/docker/BIG | cut -c1-12); truncate -s 2G $T.vol; V=$(att $T.vol); }
jp() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print({k:d[k] for k in d if k in ("phase","filesystemUUID","method","keepImage")} if isinstance(d,dict) else d)' $T/$J 2>&1 | cut -c1-200; }
# real power-cut state: freeze commits, copy image + volume bytes (the committed state), thaw; later write them back in place (same inodes)
snap() { local T=$1; fsfreeze -f $T/var/lib/docker && { cp --sparse=always $T/var/lib/docker-storage.btrfs $RUN/img.cut; cp --sparse=always $T.vol $RUN/vol.cut; }; fsfreeze -u $T/var/lib/docker; }
restore() { local T=$1; cp --sparse=always $RUN/img.cut $T/var/lib/docker-storage.btrfs; cp --sparse=always $RUN/vol.cut $T.vol; rm -f $RUN/img.cut $RUN/vol.cut; }
# wait until the kernel has let go of every loop device over files under T (a lazily unmounted fs finishing a replace/remove keeps them)
settle() { local T=$1 i; [ -n "$T" ] || return; for i in $(seq 120); do losetup -a | grep -q "($T" || return 0; sleep 0.5; done; echo "  (settle: devices still held)"; }
