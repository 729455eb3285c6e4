# helper lib for attack.sh
D=/work/attack33/u/dockstore
ROOTS=()
LOG=/work/attack33/u/logs
newroot(){ local r; r=$(mktemp -d /tmp/a33u.XXXXXX); ROOTS+=("$r"); echo "$r" >> $LOG/roots.txt; echo "$r"; }
myloops(){ local r=$1; losetup -a -O NAME,BACK-FILE -n 2>/dev/null | awk -v r="$r" 'index($2,r)==1{print $1}'; }
cleanroot(){ local r=$1 m l i
  for i in 1 2 3; do
    for m in $(findmnt -rn -o TARGET | awk -v r="$r" 'index($1,r)==1' | sort -r); do umount -l "$m" 2>/dev/null; done
  done
  for l in $(myloops "$r"); do losetup -d "$l" 2>/dev/null; done
  sleep 0.3
  for l in $(myloops "$r"); do losetup -d "$l" 2>/dev/null; done
}
cleanall(){ local r; for r in $(sort -u $LOG/roots.txt); do cleanroot "$r"; done; }
trap cleanall EXIT
treehash(){ # hash of --root tree excluding mounted store contents
  local r=$1; (cd "$r" && find . -xdev \( -path ./var/lib/docker -prune \) -o -printf '%p %m %s %l\n' | sort; find . -xdev -type f -not -path './var/lib/docker/*' -size -20M -exec md5sum {} + 2>/dev/null | sort ) | md5sum | cut -c1-12; }
reboot_shuffle(){ # unmount everything under root, detach loops, re-attach extra disks in reverse order
  local r=$1; cleanroot "$r"; }
run(){ echo "+ $*" >&2; "$@"; local rc=$?; echo "  rc=$rc" >&2; return $rc; }
fp(){ local p=$1; shift; echo "+ FAILPOINT=$p $*" >&2; DOCKSTORE_FAILPOINT=$p "$@"; local rc=$?; echo "  rc=$rc" >&2; return $rc; }
mkroot(){ local r; r=$(newroot); mkdir -p $r/var/lib $r/etc $r/run; printf '# admin fstab\n/dev/vdz1 / ext4 defaults 0 1\n' > $r/etc/fstab; echo $r; }
DISKDIR=$(mktemp -d /tmp/a33u-disks.XXXXXX); ROOTS+=("$DISKDIR"); echo $DISKDIR >> $LOG/roots.txt
mkdisk(){ local f=$DISKDIR/$1.img; truncate -s ${2:-3G} $f; losetup -f --show $f; }
devhash(){ local d=$1; local s=$(blockdev --getsize64 $d); { dd if=$d bs=1M count=1 status=none; dd if=$d bs=1M skip=$((s/1048576-1)) count=1 status=none; } | md5sum | cut -c1-12; }
