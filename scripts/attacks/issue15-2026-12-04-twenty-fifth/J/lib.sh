H=/work/attack25/j; RUN=$H/run; BIN=$H/dockstore; REC=$H/run/loops.rec
mkdir -p $RUN; chmod 755 $H $RUN; touch $REC
mkroot() { local t; t=$(mktemp -d -p $RUN); chmod 755 $t; mkdir -p $t/etc/sysconfig $t/var/lib $t/etc/systemd/system; touch $t/etc/fstab; echo $t; }
nob() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# record every loop device whose backing file is under RUN (ours: made by us or by dockstore on our images)
rec() { local dev f; for dev in /sys/block/loop*; do f=$(cat "$dev/loop/backing_file" 2>/dev/null) || continue
  case "$f" in "$RUN"/*|/dev/loop*) case "$f" in /dev/loop*) grep -qx "$f" $REC || continue;; esac
    grep -qx "/dev/${dev##*/}" $REC || echo "/dev/${dev##*/}" >> $REC;; esac; done; }
att() { local l; l=$(losetup "$@" -f --show) && { echo $l >> $REC; echo $l; }; }
chk() { local T=$1 o r; shift; o=$($BIN check --root $T "$@" 2>&1); r=$?; echo "  root  : ${o:0:400} [rc=$r]"
  o=$(nob $BIN check --root $T "$@" 2>&1); r=$?; echo "  nobody: ${o:0:400} [rc=$r]"; }
# hash tree (names,sizes,contents of small files) + image head/tail bytes
th() { local T=$1; (cd $T && find . -xdev -path ./var/lib/docker -prune -o -printf '%p %s %m\n' | sort; find . -xdev -path ./var/lib/docker -prune -o -type f -size -64k -print0 | sort -z | xargs -0r md5sum) | md5sum | cut -c1-12; }
bh() { local f=$1; [ -e "$f" ] || { echo none; return; }; (head -c 1M "$f"; dd if="$f" bs=64k skip=$(( $(stat -Lc %s "$f" 2>/dev/null || blockdev --getsize64 $f)/65536 - 16 )) count=16 2>/dev/null) | md5sum | cut -c1-12; }
run() { local o r; o=$(timeout ${TO:-60} "$@" 2>&1); r=$?; echo "\$ ${*#$BIN }"; echo "$o" | cut -c1-400 | head -${NL:-6} | sed 's/^/    /'; echo "    [rc=$r]"; }
umount_ours() { awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | while read -r m; do fsfreeze -u "$m" 2>/dev/null; done; awk '{print $5}' /proc/self/mountinfo | grep "^$RUN/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done; }
detach_ours() { rec; sort -u $REC | while read -r d; do f=$(cat /sys/block/${d#/dev/}/loop/backing_file 2>/dev/null) || continue
  case "$f" in "$RUN"/*|/dev/loop*) losetup -d $d 2>/dev/null;; esac; done; }
holder() { local name=$2; unshare -m --propagation private bash -c "set -x; $1
  touch $RUN/$name.ready; exec sleep 1200" > $RUN/$name.out 2>&1 & echo $! > $RUN/$name.pid
  for i in $(seq 20); do [ -e $RUN/$name.ready ] && break; sleep 0.5; done; }
kill_holder() { local p; p=$(cat $RUN/$1.pid 2>/dev/null) || return 0
  kill -0 $p 2>/dev/null && { nsenter -t $p -m sh -c "awk '{print \$5}' /proc/self/mountinfo | grep '^$RUN/' | sort -r | xargs -r -n1 umount -l" 2>/dev/null; kill $p; sleep 0.3; }; rm -f $RUN/$1.pid; }
# detach DEV only if it is in our record and its backing file is under RUN
sdet() { local f; grep -qx "$1" $REC || return 0; f=$(cat /sys/block/${1#/dev/}/loop/backing_file 2>/dev/null) || return 0
  case "$f" in "$RUN"/*) losetup -d $1;; esac; }
down() { umount $T/var/lib/docker 2>/dev/null; umount $T/var/lib/docker 2>/dev/null; rec; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do grep -qx $d $REC && losetup -d $d; done; }
setup() { # $1 = volume file path (default $T.vol); kill after $KT seconds
  T=$(mkroot); [ -d "$T" ] && [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size ${SZ:-2G} >/dev/null 2>&1; rec
  head -c ${MB:-400}M /dev/urandom > $T/var/lib/docker/BIG; md5sum $T/var/lib/docker/BIG | cut -c1-32 > $T.sum; sync
  L=$(losetup -j $I -n -O NAME); VF=${1:+$T/$1}; VF=${VF:-$T.vol}; truncate -s ${SZ:-2G} $VF; V=$(att $VF); echo "image loop $L, volume $V ($VF)"
  timeout -s KILL ${KT:-0.5} env ${METH:-} $BIN migrate-ebs $V --root $T --yes ${KEEP_IMG:-} >/dev/null 2>&1; echo "killed rc=$?"; [ -n "${FRZ:-}" ] && fsfreeze -f $T/var/lib/docker; rec
  btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1; btrfs fi show $T/var/lib/docker 2>&1 | grep devid; grep -o '"phase"[^,]*' $T/var/lib/dockstore/migration.json 2>/dev/null; }
allcmds() { local h1 b1 h2 b2; h1=$(th $T); b1=$(bh $VF)
  chk $T; NL=4 run $BIN status --root $T; NL=3 run $BIN provision --root $T; NL=3 run $BIN grow --root $T; NL=3 run $BIN reclaim --root $T
  NL=3 run $BIN migrate-ebs $V --root $T --yes; NL=3 run $BIN migrate-ebs $V --abort --root $T --yes
  NL=3 run $BIN teardown --root $T --dry-run
  h2=$(th $T); b2=$(bh $VF); echo "  tree $h1 -> $h2   vol $b1 -> $b2"; grep -v '^#' $T/etc/fstab; }
reboot_() { for i in 1 2 3 4 5 6 7 8 9 10; do umount $T/var/lib/docker 2>/dev/null && break; sleep 0.5; done; for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do grep -qx $d $REC && btrfs device scan --forget $d 2>/dev/null; sdet $d; done; for f in "$@"; do att $f >/dev/null; done; echo "--- reboot, attached: $*"
  NL=4 run $BIN provision --root $T; rec; echo "  data: $(md5sum $T/var/lib/docker/BIG 2>&1| cut -c1-32) want $(cat $T.sum)"; }
# powercut: with store frozen mid-replace, copy the root's etc/, var/lib (not docker) + volume file into T2; then thaw, cancel, take T down
powercut() { T2=$(mkroot); [ -d "$T2" ] && [ -n "$T2" ] || exit 99; mkdir -p $T2/var/lib; cp -a $T/etc/. $T2/etc/; for f in $T/var/lib/*; do [ "$f" = $T/var/lib/docker ] && continue; cp -a --sparse=always "$f" $T2/var/lib/; done; mkdir -p $T2/var/lib/docker
  cp --sparse=always $VF $T2.vol; cp $T.sum $T2.sum; fsfreeze -u $T/var/lib/docker; btrfs replace cancel $T/var/lib/docker 2>&1; sleep 1; btrfs replace status -1 $T/var/lib/docker
  for i in $(seq 10); do umount $T/var/lib/docker 2>/dev/null && break; sleep 0.5; done
  for d in $(losetup -n -O NAME,BACK-FILE | awk -v t="$T" 'index($2,t)==1{print $1}'); do grep -qx $d $REC && btrfs device scan --forget $d 2>/dev/null; sdet $d; done; T=$T2; VF=$T2.vol; echo "--- power cut; now booting T2 copy ($(ls $T2/var/lib | tr '\n' ' '))"; }
boot() { for f in "$@"; do att $f >/dev/null; done; echo "--- boot, attached: ${*#$T}"; NL=6 run $BIN provision --root $T; rec; echo "  data: $(md5sum $T/var/lib/docker/BIG 2>&1| cut -c1-32) want $(cat $T.sum)"; grep -v '^#' $T/etc/fstab; }
# midsetup: retry until the replace is caught running (frozen)
midsetup() { local k; for k in 0.3 0.4 0.35 0.45 0.25 0.5; do MB=900 SZ=3G KT=$k FRZ=1 setup ${VFA:-}; btrfs replace status -1 $T/var/lib/docker | grep -q '% done' && { echo "caught mid-replace at KT=$k"; return 0; }
  fsfreeze -u $T/var/lib/docker 2>/dev/null; down; echo "(missed at KT=$k, retry)"; done; return 1; }
# --- attack 25 additions
waitrep() { local i; for i in $(seq 200); do btrfs replace status -1 $T/var/lib/docker 2>&1 | grep -q '% done' || break; sleep 0.3; done; btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1; }
waitrm() { local i; for i in $(seq 200); do [ "$(btrfs fi show $T/var/lib/docker 2>/dev/null | grep -c devid)" = 1 ] && break; sleep 0.3; done; btrfs fi show $T/var/lib/docker | grep devid; }
fst() { grep -v '^#' $T/etc/fstab | cut -c1-60; }
lsl() { ls -li $T/var/lib | grep -v '^total' | awk '{print "    ", $1, $3, $6, $NF}'; }
