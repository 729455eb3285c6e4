#!/bin/bash
# Attack 54 helper X: re-runnable. Run as root. Cleans up every mount, loop, zram, dockerd it made (trap).
set -u
DS=/work/attack54/x/dockstore
STATE=$(mktemp -d /tmp/x54state.XXXXXX)
: >> $STATE/zrams; : >> $STATE/roots; : >> $STATE/extfiles
log(){ echo "== $*"; }
newroot(){ local d; d=$(mktemp -d /tmp/x54.XXXXXX); chmod 755 $d; mkdir -p $d/etc $d/var/lib; echo $d >> $STATE/roots; echo $d; }
newzram(){ local n; n=$(cat /sys/class/zram-control/hot_add); echo ${1:-3G} > /sys/block/zram$n/disksize; echo $n >> $STATE/zrams; echo /dev/zram$n; }
newloopfile(){ # file on another fs (/dev/shm tmpfs), size
  local f; f=$(mktemp /dev/shm/x54loop.XXXXXX); truncate -s ${1:-3G} $f; echo $f >> $STATE/extfiles; losetup -f --show $f; }
roothash(){ # hash whole --root tree except mounted store contents
  local r=$1; (cd $r && find . -xdev \( -path ./var/lib/docker -prune -o -path './var/lib/docker-storage.btrfs*' -prune \) -o -print0 | sort -z | xargs -0 -r stat -c '%n %s %a %Y' 2>/dev/null; find . -xdev \( -path ./var/lib/docker -prune -o -path './var/lib/docker-storage.btrfs*' -prune \) -o -type f -print0 | sort -z | xargs -0 -r sha256sum 2>/dev/null) | sha256sum | cut -c1-16; }
writedata(){ local m=$1/var/lib/docker; mkdir -p $m/data; for i in 1 2 3 4 5; do head -c 20M /dev/urandom > $m/data/f$i; done; btrfs subvolume create $m/sv >/dev/null; head -c 5M /dev/urandom > $m/sv/g; btrfs subvolume snapshot $m/sv $m/snap >/dev/null; sync; (cd $m && sha256sum data/* sv/g snap/g) > $1.sums; }
verify(){ local m=$1/var/lib/docker; if (cd $m 2>/dev/null && sha256sum -c --quiet $1.sums >/dev/null 2>&1); then echo DATA-OK; else echo DATA-BAD; fi; }
chk(){ local r=$1; shift; for f in nagios json prometheus; do echo "-- check $f"; $DS check --root $r --format $f "$@" 2>&1 | { if [ $f = nagios ]; then cat; elif [ $f = json ]; then python3 -c 'import json,sys; d=json.load(sys.stdin); print("state",d.get("state"),"reasons",d.get("reasons") or d.get("reason"))' 2>&1; else grep -E '^dockstore_(status|check_success|devices_missing|read_only|image_deleted)' ; fi; echo "rc=${PIPESTATUS[0]}"; }; done; echo "-- status"; $DS status --root $r 2>&1 | grep -E 'store:|mounted:|state:|^  -|migration'; }
cleanup_root(){ local r=$1
  for p in $(pgrep -f "x54dockerd" ); do :; done
  while read -r mp_; do umount -l "$mp_" 2>/dev/null; done < <(findmnt -rn -o TARGET | grep "^$r" | sort -r)
  for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$r" 'index($2,r)==1{print $1}'); do losetup -d $l; done
}
cleanup_all(){
  if [ -f $STATE/dockerd.pid ]; then docker rm -f x54w >/dev/null 2>&1; local dp; dp=$(cat $STATE/dockerd.pid); kill $dp 2>/dev/null; for i in $(seq 40); do kill -0 $dp 2>/dev/null || break; sleep 0.5; done; kill -9 $dp 2>/dev/null; rm -f $STATE/dockerd.pid; fi
  while read -r r; do [ -n "$r" ] && cleanup_root $r; done < $STATE/roots
  while read -r f; do [ -n "$f" ] || continue; for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$f" '$2==r||$2==r" (deleted)"{print $1}'); do umount $l 2>/dev/null; losetup -d $l; done; rm -f $f; done < $STATE/extfiles
  sleep 1
  while read -r n; do [ -n "$n" ] || continue; umount /dev/zram$n 2>/dev/null; echo 1 > /sys/block/zram$n/reset 2>/dev/null; echo $n > /sys/class/zram-control/hot_remove 2>/dev/null || echo "zram$n remove failed"; done < $STATE/zrams
  while read -r r; do [ -n "$r" ] && { rm -rf --one-file-system "$r"; rm -f "$r".*; }; done < $STATE/roots
  : > $STATE/zrams; : > $STATE/roots; : > $STATE/extfiles
}
mkstore(){ local r; r=$(newroot); $DS provision --root $r --size 2G >$r.prov 2>&1 || { echo "provision failed" >&2; cat $r.prov >&2; }; writedata $r; echo $r; }
reboot_sim(){ # r, list of extra devices; umount, detach loops of root, forget, reattach image in other order
  local r=$1; local img=$r/var/lib/docker-storage.btrfs
  while read -r mp_; do umount "$mp_" 2>/dev/null || umount -l "$mp_"; done < <(findmnt -rn -o TARGET | grep "^$r" | sort -r)
  local gone=""
  for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$r" 'index($2,r)==1{print $1}'); do gone="$gone $l"; losetup -d $l; done
  udevadm settle 2>/dev/null; sleep 0.3
  for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$r" 'index($2,r)==1{print $1}'); do gone="$gone $l"; losetup -d $l; done
  # forget only our own devices (never a global forget)
  for d in $gone $(sed 's|^|/dev/zram|' $STATE/zrams); do btrfs device scan --forget $d >/dev/null 2>&1; done
  # shuffle: take a spare loop name first
  local spare; spare=$(mktemp /dev/shm/x54spare.XXXXXX); truncate -s 64M $spare; echo $spare >> $STATE/extfiles; losetup -f $spare
  # boot: only provision reattaches the image (as the fstab mount would)
  $DS provision --root $r 2>&1 | tail -3 | sed 's/^/   boot: /'; echo "   boot rc=${PIPESTATUS[0]}"
}
nag(){ $DS check --root $1 2>&1 | cut -c1-260; echo "   check rc=${PIPESTATUS[0]}"; }
jsn(){ $DS check --root $1 --format json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("   json state",d.get("state"),d.get("status"), str(d.get("reasons"))[:200])' 2>&1; $DS check --root $1 --format prometheus 2>/dev/null | grep -E '^dockstore_(status|check_success)' | sed 's/^/   /'; }
st(){ $DS status --root $1 2>&1 | grep -E 'store:|mounted:|state:|^  -|migrat' | cut -c1-250 | sed 's/^/   st: /'; }
mounted(){ findmnt -rn -o SOURCE "$1/var/lib/docker" | head -1; }
killcase(){ # N followup
  local N=$1 F=$2; cleanup_all >/dev/null 2>&1
  local r z z2; r=$(mkstore); z=$(newzram 3G); z2=$(newzram 3G)
  log "KILL at event $N then $F  (root $r, dev $z, other $z2)"
  strace -f -o /dev/null -e trace=ioctl,renameat,fsync,unlinkat -e inject=ioctl,renameat,fsync,unlinkat:signal=KILL:when=$N $DS migrate-ebs $z --root $r --yes >$r.m1 2>&1; echo "   migrate rc=$? last: $(tail -1 $r.m1 | cut -c1-200)"
  sleep 1
  echo "   after kill: mounted=$(mounted $r) $(verify $r) journal=$(ls $r/var/lib/dockstore/ 2>/dev/null| tr '\n' ' ')"; nag $r; jsn $r; st $r
  local H1; H1=$(roothash $r)
  case $F in
   abort) $DS migrate-ebs $z --abort --root $r --yes >$r.f 2>&1;;
   other) $DS migrate-ebs $z2 --root $r --yes >$r.f 2>&1;;
   provision) $DS provision --root $r >$r.f 2>&1;;
   teardown) $DS teardown --root $r >$r.f 2>&1;;
   grow) $DS grow --root $r --to 4G --yes >$r.f 2>&1;;
   none) : ;;
   rerun) $DS migrate-ebs $z --root $r --yes >$r.f 2>&1;;
  esac; local frc=$?
  echo "   followup $F rc=$frc: $(tail -2 $r.f | cut -c1-300 | tr '\n' '|')"
  if [ $frc = 2 -o $frc = 64 ]; then local H2; H2=$(roothash $r); [ "$H1" = "$H2" ] && echo "   refusal: root unchanged" || echo "   REFUSAL-CHANGED-ROOT $H1 $H2"; fi
  echo "   after followup: mounted=$(mounted $r) $(verify $r)"; nag $r; st $r
  reboot_sim $r
  echo "   after reboot: mounted=$(mounted $r) $(verify $r)"; nag $r; jsn $r; st $r
}
trap 'cleanup_all >/dev/null 2>&1; rm -rf /tmp/x54rootfs $STATE' EXIT INT TERM
PASS=0; FAILN=0
verdict(){ if [ "$1" = PASS ]; then PASS=$((PASS+1)); else FAILN=$((FAILN+1)); fi; echo "### $1: $2"; }

echo "######## 1. kill matrix: migrate-ebs onto a zram device, SIGKILL at the Nth ioctl/renameat/fsync/unlinkat, a different command, then a reboot with names shuffled"
for c in "66 none" "68 abort" "70 other" "94 provision" "96 teardown" "120 none" "120 rerun" "136 grow" "138 abort" "138 other" "138 teardown" "145 none" "146 abort" "154 none" "157 provision" "160 none" "162 abort" "166 none" "176 none" "178 teardown" "181 grow"; do
  out=$(killcase $c 2>&1); echo "$out" | grep -E '^==|rc=|DATA|REFUS|refusal|mounted=|boot:|st: (migration|state)' | cut -c1-300
  if echo "$out" | grep -q 'followup teardown rc=0'; then verdict PASS "kill $c: teardown took the store down as asked (device not wiped; a real boot skips provision while etc/dockstore.disabled exists; the explicit provision of the reboot step makes a new image store)"
  elif echo "$out" | grep -qE 'DATA-BAD|REFUSAL-CHANGED'; then verdict FAIL "kill $c"; elif echo "$out" | grep -q 'after reboot: mounted= '; then verdict FAIL "kill $c: not mounted after boot"; else verdict PASS "kill $c: data intact, boot mounts the store"; fi
  # monitoring of a half-done move: journal open after reboot but check OK?
  if echo "$out" | sed -n '/after reboot/,$p' | grep -q 'st: migration:' && echo "$out" | sed -n '/after reboot/,$p' | grep -q 'check rc=0'; then echo "   NOTE: open migration journal after boot, check says OK (case M1)"; fi
done
cleanup_all >/dev/null 2>&1

echo "######## 2. migrate-ebs onto a loop device over a file on tmpfs (/dev/shm): check after the move"
r=$(mkstore); l=$(newloopfile 3G); $DS migrate-ebs $l --root $r --yes 2>&1 | grep -E 'warning|now' | cut -c1-300
nag $r; st $r; c=$($DS check --root $r >/dev/null 2>&1; echo $?)
[ "$c" = 0 ] && verdict FAIL "check OK (exit 0) for a store whose only device is a loop over a tmpfs file (lost at the next boot)" || verdict PASS "check not OK for store on tmpfs-backed loop"
cleanup_all >/dev/null 2>&1

echo "######## 3. stalled move past the point of return (kill at 138, no re-run): check vs status"
out=$(killcase 138 none 2>&1); echo "$out" | grep -E 'after kill|check rc|st:' | head -12 | cut -c1-300
echo "$out" | sed -n '/after kill/,/followup/p' | grep -q 'check rc=0' && verdict FAIL "check OK while status lists fstab naming the retired image and an open journal past the point of return" || verdict PASS "check flags the stalled move"
cleanup_all >/dev/null 2>&1

echo "######## 4. monitoring states made by hand"
r=$(mkstore); m=$r/var/lib/docker; z=$(newzram 3G); btrfs device add -f $z $m >/dev/null; btrfs balance start -f -mconvert=raid1 -sconvert=raid1 $m >/dev/null 2>&1
umount $m; img=$(losetup -f --show $r/var/lib/docker-storage.btrfs); dd if=/dev/zero of=$z bs=1M count=2 oflag=direct 2>/dev/null; btrfs device scan --forget $z >/dev/null 2>&1; mount -o degraded $img $m
c=$($DS check --root $r >/dev/null 2>&1; echo $?); nag $r; [ "$c" = 2 ] && verdict PASS "degraded two-device store: CRITICAL device_missing" || verdict FAIL "degraded store check exit $c"
umount $m; losetup -d $img; cleanup_all >/dev/null 2>&1
r=$(mkstore); m=$r/var/lib/docker; mount -o remount,ro $m; c=$($DS check --root $r >/dev/null 2>&1; echo $?); nag $r; [ "$c" = 2 ] && verdict PASS "ro remount CRITICAL" || verdict FAIL "ro remount exit $c"; mount -o remount,rw $m
mkdir -p $r/tf; mount --bind $r/tf $r/tf; mount -o remount,bind,ro $r/tf; c=$($DS check --root $r --textfile /tf >/dev/null 2>&1; echo $?); $DS check --root $r --textfile /tf 2>&1 | cut -c1-250; umount $r/tf
[ "$c" = 3 ] && verdict PASS "textfile unwritable -> UNKNOWN exit 3" || verdict FAIL "textfile unwritable exit $c"
chmod 755 $r; c=$(su nobody -s /bin/bash -c "$DS check --root $r" >/dev/null 2>&1; echo $?); su nobody -s /bin/bash -c "$DS check --root $r" 2>&1 | cut -c1-200; echo "non-root check exit $c"; [ "$c" = 0 ] && verdict PASS "non-root check reads the store" || verdict PASS "non-root check exit $c (see output)"
mv $r/var/lib/docker-storage.btrfs /dev/shm/x54moved.$$; echo /dev/shm/x54moved.$$ >> $STATE/extfiles; c=$($DS check --root $r >/dev/null 2>&1; echo $?); nag $r; [ "$c" = 2 ] && verdict PASS "image deleted while mounted CRITICAL" || verdict FAIL "image deleted exit $c"
cleanup_all >/dev/null 2>&1
r=$(newroot); $DS provision --root $r --size 1G >/dev/null 2>&1; m=$r/var/lib/docker; dd if=/dev/zero of=$m/big bs=1M count=2000 2>/dev/null; sync; rm -f $m/big; sync
timeout 300 python3 -c "
import os
d='$m/meta2'; os.makedirs(d,exist_ok=True); b=b'x'*1500; n=0
try:
  while True:
    if n%5000==0: os.makedirs(f'{d}/{n//5000}',exist_ok=True)
    with open(f'{d}/{n//5000}/{n}','wb') as f: f.write(b)
    n+=1
except OSError as e: print('stopped at',n,e)
"; sync; c=$($DS check --root $r >/dev/null 2>&1; echo $?); nag $r; [ "$c" != 0 ] && verdict PASS "metadata full: check exit $c" || verdict FAIL "metadata full but OK"
cleanup_all >/dev/null 2>&1

echo "######## 5. dockerd + a container writing, migrate killed past the point of return, re-run, reboot"
r=$(mkstore); m=$r/var/lib/docker; mkdir -p $r/run/dexec; export DOCKER_HOST=unix://$r/run/docker.sock
dockerd --data-root $m --exec-root $r/run/dexec --pidfile $r/run/dockerd.pid --host $DOCKER_HOST --iptables=false --bridge=none --storage-driver=btrfs > $r.dockerd.log 2>&1 & echo $! > $STATE/dockerd.pid
for i in $(seq 40); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
mkdir -p /tmp/x54rootfs/bin; cp /bin/busybox /tmp/x54rootfs/bin/; tar -C /tmp/x54rootfs -c . | docker import - x54bb >/dev/null
docker run -d --name x54w --network none x54bb /bin/busybox sh -c 'i=0; while true; do i=$((i+1)); echo $i >> /log; /bin/busybox sync; /bin/busybox usleep 20000; done' >/dev/null
sleep 2; z=$(newzram 3G)
strace -f -o /dev/null -e trace=ioctl,renameat,fsync,unlinkat -e inject=ioctl,renameat,fsync,unlinkat:signal=KILL:when=150 $DS migrate-ebs $z --root $r --yes >/dev/null 2>&1
nag $r; st $r; $DS migrate-ebs $z --root $r --yes 2>&1 | tail -2
a=$(docker exec x54w /bin/busybox wc -l /log); sleep 1; b=$(docker exec x54w /bin/busybox wc -l /log); echo "container log $a -> $b"
docker stop -t 1 x54w >/dev/null; n1=$(docker run --rm --volumes-from x54w x54bb /bin/busybox true 2>/dev/null; docker cp x54w:/log - | tar -xO | wc -l)
kill $(cat $STATE/dockerd.pid); for i in $(seq 60); do kill -0 $(cat $STATE/dockerd.pid) 2>/dev/null || break; sleep 0.5; done; rm -f $STATE/dockerd.pid
reboot_sim $r; verify $r
dockerd --data-root $m --exec-root $r/run/dexec --pidfile $r/run/dockerd.pid --host $DOCKER_HOST --iptables=false --bridge=none --storage-driver=btrfs > $r.dockerd2.log 2>&1 & echo $! > $STATE/dockerd.pid
for i in $(seq 40); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
n2=$(docker cp x54w:/log - | tar -xO | wc -l); echo "container log lines before reboot $n1, after $n2"
[ "$n1" -gt 0 ] && [ "$n1" = "$n2" ] && verdict PASS "container data survives killed move + re-run + reboot" || verdict FAIL "container log $n1 -> $n2"
docker rm -f x54w >/dev/null 2>&1; kill $(cat $STATE/dockerd.pid); for i in $(seq 60); do kill -0 $(cat $STATE/dockerd.pid) 2>/dev/null || break; sleep 0.5; done; rm -f $STATE/dockerd.pid
echo "######## 6. messages and exit codes: --abort with nothing open; a non-/dev DEVICE"
r=$(mkstore); z=$(newzram 3G)
H1=$(roothash $r); $DS migrate-ebs $z --abort --root $r --yes; c1=$?; echo "abort, image store, no journal: exit $c1"
$DS migrate-ebs $z --root $r --yes >/dev/null 2>&1; z2=$(newzram 3G)
$DS migrate-ebs $z2 --abort --root $r --yes; c2=$?; echo "abort, device store, no journal: exit $c2"
[ "$c1" = "$c2" ] && verdict PASS "--abort with nothing to abort: same exit ($c1)" || verdict FAIL "--abort with nothing to abort: exit $c1 on an image store, $c2 on a device store"
msg=$($DS migrate-ebs $r/var/lib/docker-storage.btrfs --root $r --yes 2>&1); echo "$msg"
echo "$msg" | grep -q -- "--device '" && verdict FAIL "migrate-ebs names an option --device it does not have" || verdict PASS "migrate-ebs names its DEVICE argument"
cleanup_all >/dev/null 2>&1
echo "######## passed=$PASS failed=$FAILN"
