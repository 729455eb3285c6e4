# helper library for attack.sh
DS=/work/attack55/a/dockstore
LOG=${LOG:-/work/attack55/a/run/log.txt}
ROOTS=(); ZRAMS=(); DUMMYLOOPS=()
PASS=0; FAIL=0
log(){ echo "$*" | tee -a "$LOG"; }
pass(){ PASS=$((PASS+1)); log "PASS: $*"; }
fail(){ FAIL=$((FAIL+1)); log "FAIL: $*"; }
newroot(){ local r; r=$(mktemp -d /tmp/atk55a.XXXXXX); chmod 755 "$r"; mkdir -p "$r/var/lib" "$r/etc/sysconfig"; printf "## Path: x
DOCKER_OPTS=\"--log-level=warn\"\n" > "$r/etc/sysconfig/docker"; printf "/dev/vdb /data ext4 defaults 0 2\n" > "$r/etc/fstab"; echo "$r" >> /tmp/atk55a-roots; echo "$r"; }
mp(){ echo "$1/var/lib/docker"; }
img(){ echo "$1/var/lib/docker-storage.btrfs"; }
# loops whose backing file is under root
loops_of(){ losetup -a -O NAME,BACK-FILE --noheadings -l 2>/dev/null | awk -v r="$1/" 'index($2,r)==1{print $1}'; }
cleanroot(){ local r=$1 m
  for m in $(findmnt -rn -o TARGET | grep "^$r" | sort -r); do umount -l "$m" 2>/dev/null; done
  for l in $(loops_of "$r"); do losetup -d "$l" 2>/dev/null; done
  rm -rf "$r"; rm -f "$r".*; }
# hash of the whole root tree except image contents (stat of them instead)
hashtree(){ local r=$1
  ( cd "$r" && find . -xdev \( -name '*.btrfs' -o -name '*.img' \) -prune -o -printf '%p %y %m %s %l\n' | sort;
    find . -xdev -type f ! -name '*.btrfs' ! -name '*.img' -print0 | sort -z | xargs -0 -r sha256sum;
    find . -xdev \( -name '*.btrfs' -o -name '*.img' \) -printf '%p %s\n' ) | sha256sum | cut -c1-16; }
# write data into store
putdata(){ local m; m=$(mp "$1"); mkdir -p "$m/atkdata"; head -c 20M /dev/urandom > "$m/atkdata/blob"; echo hello > "$m/atkdata/small"; sync; ( cd "$m/atkdata" && sha256sum blob small ) > "$1.sums"; }
checkdata(){ local m; m=$(mp "$1"); ( cd "$m/atkdata" 2>/dev/null && sha256sum -c --quiet "$1.sums" >/dev/null 2>&1 ); }
ismounted(){ mountpoint -q "$(mp "$1")"; }
# reboot simulation: unmount, detach, forget btrfs devices, shift loop names, provision
reboot_root(){ local r=$1 m l
  m=$(mp "$r"); umount "$m" 2>/dev/null
  for l in $(loops_of "$r"); do btrfs device scan --forget "$l" 2>/dev/null; losetup -d "$l"; done
  # occupy a loop name so names change
  truncate -s 1M "$r.dummy" && losetup -f --show "$r.dummy" >> /tmp/atk55a-dummies
  $DS provision --root "$r" >"$r.boot.out" 2>&1; echo $?; }
freedummies(){ local l; for l in $(cat /tmp/atk55a-dummies 2>/dev/null); do losetup -l -n -O BACK-FILE "$l" 2>/dev/null | grep -q '^/tmp/atk55a\..*\.dummy' && losetup -d "$l"; done; rm -f /tmp/atk55a-dummies; }
# no temporaries under etc
etc_temps(){ find "$1/etc" "$1/var/lib/dockstore" -name '*dockstore-new*' -o -name '*.tmp*' 2>/dev/null | grep -v '^$'; }
cleanup_all(){ for r in $(cat /tmp/atk55a-roots 2>/dev/null) "${ROOTS[@]}"; do cleanroot "$r"; rm -f "$r".*; done; freedummies
  for z in "${ZRAMS[@]}"; do umount /dev/zram$z 2>/dev/null; echo 1 > /sys/block/zram$z/reset; echo $z > /sys/class/zram-control/hot_remove; done; }
# snapshot of observable state after a step
observe(){ local r=$1 tag=$2 s c n j p
  $DS status --root "$r" > "$r.st" 2>&1; s=$?
  $DS check --root "$r" > "$r.ck" 2>&1; n=$?
  $DS check --root "$r" --format json > "$r.ckj" 2>&1; j=$?
  $DS check --root "$r" --format prometheus > "$r.ckp" 2>&1; p=$?
  local m="no"; ismounted "$r" && m="yes"; local d="-"; [ $m = yes ] && { checkdata "$r" && d=ok || d=BAD; }
  local t; t=$(etc_temps "$r" | tr '\n' ' ')
  echo "  [$tag] mounted=$m data=$d status=$s check=$n/$j/$p temps='$t' state: $(grep '^state' "$r.st" | cut -c1-200) | nagios: $(head -1 "$r.ck" | cut -c1-160)" >> "$LOG"
  # consistency: status says mounted yes iff mounted
  if grep -q '^mounted: *yes' "$r.st"; then [ $m = yes ] || echo "INCONSISTENT status says mounted, is not"; else [ $m = no ] || echo "INCONSISTENT status says not mounted, is"; fi
  # check says OK while not mounted
  if [ $m = no ] && grep -q 'DOCKSTORE OK' "$r.ck"; then echo "INCONSISTENT check OK while store not mounted"; fi
  [ "$d" = BAD ] && echo "DATALOSS"
  [ -n "$t" ] && echo "TEMPS $t"
  return 0; }
