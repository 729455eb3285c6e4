# helpers for attack.sh
D=${D:-$(dirname "${BASH_SOURCE[0]}")/../../../.build/debug/dockstore}
BASE=${ATTACK_WORK:-/var/tmp/dockstore-attack17}/tmp
mkdir -p $BASE
ROOTS=()
mkroot() { # -> R
  R=$(mktemp -d $BASE/r.XXXXXX); ROOTS+=("$R")
  mkdir -p $R/etc/sysconfig $R/var/lib $R/run; : > $R/etc/fstab
}
loops_of() { losetup -l -n -O NAME,BACK-FILE | awk -v r="$1" 'index($2,r)==1{print $1}'; }
cleanup_root() { # exact paths under R only
  local r=$1 m
  local srcs=$(findmnt -rn -o TARGET,SOURCE | awk -v r="$r" 'index($1,r)==1{print $2}' | sed 's/\[.*//' | grep '^/dev/loop')
  for m in $(findmnt -rn -o TARGET | awk -v r="$r" 'index($1,r)==1' | sort -r); do umount -l "$m" 2>/dev/null; done
  for l in $(loops_of "$r") $srcs "${MYLOOPS[@]}"; do
    case "$l" in /dev/loop[0-9]*) btrfs device scan --forget "$l" 2>/dev/null;; esac
  done
  for l in $(loops_of "$r") "${MYLOOPS[@]}"; do case "$l" in /dev/loop[0-9]*) losetup -d "$l" 2>/dev/null;; esac; done
  rm -rf --one-file-system "$r"
}
cleanup_all() { cleanup_docker; for r in "${ROOTS[@]}"; do cleanup_root "$r"; done; ROOTS=(); MYLOOPS=(); }
MYLOOPS=()
# image store of SIZE, fragmented: unallocated ~0, data chunks ~25% full
frag_store() { # R SIZE
  local R=$1 M=$1/var/lib/docker i=0 j
  $D provision --root $R --size ${2:-1G} >/dev/null || { echo "provision failed"; return 1; }
  mkdir -p $M/fill
  while dd if=/dev/urandom of=$M/fill/f$i bs=1M count=4 status=none 2>/dev/null; do i=$((i+1)); done
  rm -f $M/fill/f$i; sync
  for ((j=0;j<i;j+=2)); do rm -f $M/fill/f$j; done
  for ((j=1;j<i;j+=4)); do rm -f $M/fill/f$j; done
  sync; (cd $M/fill && sha256sum * > $R/sums)
}
# additionally exhaust metadata with small inline files so a balance needs lent room
meta_full() { # R
  local M=$1/var/lib/docker
  python3 - "$M/meta" <<'PY'
import os,sys
d=sys.argv[1]; os.makedirs(d,exist_ok=True)
b=os.urandom(1800); n=0
try:
    while True:
        sub=os.path.join(d,str(n//1000)); 
        if n%1000==0: os.makedirs(sub,exist_ok=True)
        with open(os.path.join(sub,str(n)),'wb') as f: f.write(b)
        n+=1
except OSError as e:
    print("meta files",n,e, file=sys.stderr)
PY
  sync
  # free a little so the fs is usable (delete some small files but keep meta tight)
}
verify_sums() { (cd $1/var/lib/docker/fill && sha256sum -c --quiet $1/sums >/dev/null 2>&1); }
devsize() { btrfs fi show --raw $1 2>/dev/null | awk '/devid/{print $2"="$4}' | tr '\n' ' '; }
imgsize() { stat -c %s $1/var/lib/docker-storage.btrfs; }
pass() { echo "PASS $CASE: $*"; }
fail() { echo "FAIL $CASE: $*"; }

# image store from the template: full data+metadata, new fsid
tpl_store() { # R [tpl]
  local R=$1 t=${2:-full1g}
  cp --sparse=always ${ATTACK_WORK:-/var/tmp/dockstore-attack17}/tpl/$t.img $R/var/lib/docker-storage.btrfs
  chmod 600 $R/var/lib/docker-storage.btrfs
  btrfstune -f -u $R/var/lib/docker-storage.btrfs >/dev/null 2>&1
  cp ${ATTACK_WORK:-/var/tmp/dockstore-attack17}/tpl/$t.sums $R/sums
  $D provision --root $R >/dev/null 2>$R/prov.err || { echo "provision failed: $(cat $R/prov.err)"; return 1; }
}
# device store (loop device over vol1.img) from the template
dev_store() { # R -> L
  local R=$1 t=${2:-full1g}
  cp --sparse=always ${ATTACK_WORK:-/var/tmp/dockstore-attack17}/tpl/$t.img $R/vol1.img
  btrfstune -f -u $R/vol1.img >/dev/null 2>&1
  cp ${ATTACK_WORK:-/var/tmp/dockstore-attack17}/tpl/$t.sums $R/sums
  L=$(losetup -f --show $R/vol1.img); MYLOOPS+=($L)
  $D provision --root $R --device $L >/dev/null 2>$R/prov.err || { echo "provision failed: $(cat $R/prov.err)"; return 1; }
}
# dockerd for the store of R; E = its private exec dir; DPID = pid file
start_dockerd() { # R [netns-bind]
  local R=$1 M=$1/var/lib/docker mode=${2:-plain} dr
  E=$(mktemp -d /tmp/a17e.XXXX); EDIRS+=($E)
  dr=$M
  if [ $mode = mountns ]; then
    mkdir -p $E/ns; dr=$E/ns
    unshare -m --propagation private sh -c "mount --bind $M $E/ns && exec dockerd --data-root $E/ns --exec-root $E/x --pidfile $E/docker.pid --host unix://$E/d.sock --iptables=false --ip6tables=false --bridge=none --storage-driver=btrfs" >>$E/dockerd.log 2>&1 &
  else
    dockerd --data-root $dr --exec-root $E/x --pidfile $E/docker.pid --host unix://$E/d.sock --iptables=false --ip6tables=false --bridge=none --storage-driver=btrfs >>$E/dockerd.log 2>&1 &
  fi
  for i in $(seq 40); do docker -H unix://$E/d.sock info >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "dockerd did not start: $(tail -3 $E/dockerd.log)"; return 1
}
dk() { docker -H unix://$E/d.sock "$@"; }
stop_dockerd() {
  local P; P=$(cat $E/docker.pid 2>/dev/null); [ -n "$P" ] || return 0
  kill $P 2>/dev/null; for i in $(seq 60); do kill -0 $P 2>/dev/null || break; sleep 0.5; done
  rm -f $E/docker.pid
}
EDIRS=()
cleanup_docker() { for e in "${EDIRS[@]}"; do E=$e; stop_dockerd; umount -l $e/ns 2>/dev/null; rm -rf --one-file-system $e; done; EDIRS=(); }
newid() { head -c 32 /dev/urandom | sha256sum | cut -c1-64; }
# build the templates once (a full 1 GiB store: data chunks 25% full, metadata exhausted; a busybox rootfs tar)
ensure_tpl() {
  local T=${ATTACK_WORK:-/var/tmp/dockstore-attack17}/tpl; mkdir -p $T
  if [ ! -s $T/bb.tar ]; then
    rm -rf $T/bb; mkdir -p $T/bb/bin; cp /usr/bin/busybox $T/bb/bin/busybox
    for a in sh ls cat sleep echo; do ln -sf busybox $T/bb/bin/$a; done; tar -C $T/bb -cf $T/bb.tar .
  fi
  if [ ! -s $T/full1g.img ]; then
    local R0; R0=$(mktemp -d $BASE/tpl.XXXXXX); mkdir -p $R0/etc/sysconfig $R0/var/lib $R0/run; : > $R0/etc/fstab
    frag_store $R0 1G && meta_full $R0 2>/dev/null
    local src; src=$(findmnt -no SOURCE $R0/var/lib/docker)
    umount $R0/var/lib/docker; case "$src" in /dev/loop[0-9]*) btrfs device scan --forget "$src" 2>/dev/null;; esac
    cp --sparse=always $R0/var/lib/docker-storage.btrfs $T/full1g.img; cp $R0/sums $T/full1g.sums
    rm -rf --one-file-system $R0
  fi
}
