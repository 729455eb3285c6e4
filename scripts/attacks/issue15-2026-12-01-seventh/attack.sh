#!/bin/bash
# Seventh outside attack on dockstore (issue 15): decisions read through links in a --root tree,
# refusals (exit 2, one line, tree byte-identical), kills then re-run (no debris, teardown = before).
# Usage: sudo DOCKSTORE=/path/to/dockstore [KILL_ROUNDS=6] [ABORT_TRIES=30] ./attack.sh [section...]
#   sections: links states space refusals repro kills (default: all, in that order)
# Cleans up every root, mount and loop device it made, also on failure or Ctrl-C.
set -u
D=${DOCKSTORE:-/work/attack7/dockstore}
WORK=$(mktemp -d /tmp/atk7run.XXXXXX)
RESULTS=$WORK/results.tsv
: >"$RESULTS"
LOOPS=$WORK/loops     # loop devices this script attached
: >"$LOOPS"

log(){ printf '%s\n' "$*" >&2; }

cleanup(){
  set +e
  # unmount everything under our folders, deepest first
  for m in $(findmnt -rn -o TARGET | grep -E "^(/tmp/atk7r\.|/tmp/atk7h\.|$WORK)" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
  done
  # detach loop devices over files in our folders, and those we attached
  for l in $(losetup -l -n -O NAME,BACK-FILE 2>/dev/null | awk '$2 ~ /^\/tmp\/atk7(r|h|run)\./ {print $1}') $(cat "$LOOPS" 2>/dev/null); do
    losetup -d "$l" 2>/dev/null
  done
  for d in /tmp/atk7r.* /tmp/atk7h.*; do
    [ -e "$d" ] || continue
    [ -O "$d" ] || continue
    chattr -R -i -a "$d" 2>/dev/null
    rm -rf "$d"
  done
}
finish(){
  local rc=$?
  cleanup
  echo
  echo "=== results ($(grep -c . "$RESULTS") cases) ==="
  sort -t$'\t' -k4,4r "$RESULTS" | awk -F'\t' '{printf "%-4s %-28s | %s | expected: %s | seen: %s | %s\n",$4,$1,$2,$3,$5,$6}' |
    sed 's/^PASS/PASS/' | sort -s -k1,1
  rm -rf "$WORK"
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT TERM

# rec ID COMMAND EXPECTED RESULT(PASS|FAIL) SEEN SEVERITY
rec(){ printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:--}" >>"$RESULTS"; log "[$4] $1: $5"; }

# a fresh --root with the folders an image root has
newroot(){
  local r; r=$(mktemp -d /tmp/atk7r.XXXXXX); chmod 755 "$r"
  mkdir -p "$r/etc/sysconfig" "$r/var/lib" "$r/run" "$r/tmp"
  printf '# fstab of the tree\n' >"$r/etc/fstab"
  echo "$r"
}
# a host-side folder (outside every root) that links in a tree may name
newhost(){ local h; h=$(mktemp -d /tmp/atk7h.XXXXXX); chmod 755 "$h"; echo "$h"; }

# hash of a tree: every entry's type, mode, owner, size, mtime, link target, and file contents
treehash(){
  ( cd "$1" || exit 1
    find . -xdev -printf '%y %m %U:%G %s %T@ %p -> %l\n' | LC_ALL=C sort
    find . -xdev -type f -exec sha256sum {} + 2>/dev/null | LC_ALL=C sort ) | sha256sum | cut -c1-16
}
treelist(){ ( cd "$1" && find . -xdev -printf '%y %m %s %T@ %p -> %l\n' | LC_ALL=C sort ); }

# run dockstore, keep stdout+stderr and rc
OUT=$WORK/out
ds(){ "$D" "$@" >"$OUT" 2>&1; RC=$?; LINES=$(grep -c . "$OUT"); }
firstline(){ head -c 300 "$OUT" | head -1 | tr '\t' ' '; }

# expect a refusal: exit 2, one line, tree hash unchanged (also host folder when given)
# refuse ID ROOT HOSTDIR-or-"" dockstore-args...
refuse(){
  local id=$1 r=$2 h=$3; shift 3
  local b hb a ha; b=$(treehash "$r"); [ -n "$h" ] && hb=$(treehash "$h")
  ds "$@"
  a=$(treehash "$r"); [ -n "$h" ] && ha=$(treehash "$h")
  local ok=PASS why="exit $RC, $LINES line(s)"
  [ "$RC" = 2 ] || ok=FAIL
  [ "$LINES" = 1 ] || ok=FAIL
  if [ "$a" != "$b" ]; then ok=FAIL; why="$why, TREE CHANGED"; fi
  if [ -n "$h" ] && [ "$ha" != "$hb" ]; then ok=FAIL; why="$why, HOST FOLDER CHANGED"; fi
  rec "$id" "dockstore $*" "exit 2, one line, tree unchanged" "$ok" "$why: $(firstline)" "${SEV:-wrong result}"
}

mkimg(){ truncate -s "$2" "$1"; }   # sparse file
attach(){ local l; l=$(losetup -f --show "$1") || return 1; echo "$l" >>"$LOOPS"; echo "$l"; }

hostsame(){ # id host hash-before
  local a; a=$(treehash "$2"); [ "$a" = "$3" ] || rec "$1-host" "(host folder $2)" "never written" FAIL "host folder changed" security
}
# lnk ROOT RELPATH HOSTTARGET abs|rel : make ROOT/RELPATH a link naming HOSTTARGET (absolute), or a relative
# link with more .. than the depth (stops at the root), both meaning ROOT/HOSTTARGET inside the tree
lnk(){
  local r=$1 p=$2 t=$3 kind=$4
  mkdir -p "$(dirname "$r/$p")" "$r$t"
  if [ "$kind" = abs ]; then ln -s "$t" "$r/$p"
  else ln -s "../../../../../../../../..$t" "$r/$p"; fi
}


# ================= sections =================
killhelpers(){
# ---- (3) SIGKILL at random moments, then the next run (the same or another command): no debris ----
N=${KILL_ROUNDS:-6}
ALLOWED='^\./(etc/docker/daemon\.json\.dockstore\.bak|etc/dockstore\.disabled|etc/fstab\.dockstore\.bak|etc/sysconfig/docker\.dockstore\.bak|run/dockstore\.lock)$'
names(){ ( cd "$1" && find . -xdev -printf '%y %p\n' | LC_ALL=C sort ); }
debris(){ ( cd "$1" && find . -xdev \( -name '*dockstore-new*' -o -name '*.dockstore-[0-9]*' -o -name '*dockstore-deleted*' -o -name '.*.dockstore-*' \) -printf '%p ' ); }
# killrand MAXMS GROUP(1|0) dockstore-args... : start, sleep a random 0..MAXMS ms, SIGKILL (the process group, or the pid)
killrand(){
  local max=$1 grp=$2; shift 2
  local ms=$((RANDOM % max)); KMS=$ms
  setsid "$D" "$@" >"$WORK/k.out" 2>&1 & local p=$!
  sleep "$(printf '0.%03d' "$ms")"
  if [ "$grp" = 1 ]; then kill -9 -- -"$p" 2>/dev/null; else kill -9 "$p" 2>/dev/null; fi
  wait "$p" 2>/dev/null; KRC=$?
  [ "$grp" = 1 ] || sleep 1   # children (mkfs, the unlinker) may outlive the pid
}
# after: the tree's names against the names before, less the documented leftovers
extra(){ comm -3 <(names "$1" | awk '{print $2}' | grep -Ev "$ALLOWED" | LC_ALL=C sort) <(awk '{print $2}' "$2" | grep -Ev "$ALLOWED" | LC_ALL=C sort) | tr -d '\t' | tr '\n' ' '; }
noloops(){ losetup -l -n -O NAME,BACK-FILE | awk -v r="$1" 'index($2,r)==1{print $1}' | tr '\n' ' '; }

pausekill(){ # MS dockstore-args...
  local ms=$1; shift
  DOCKSTORE_PAUSE=atomic-write setsid "$D" "$@" >"$WORK/k.out" 2>&1 & local p=$!
  sleep "$(awk -v m="$ms" 'BEGIN{printf "%.3f", m/1000}')"; kill -9 -- -"$p" 2>/dev/null; wait "$p" 2>/dev/null
}

}

section_links(){
# ---- (1) decisions read through absolute / relative links in the tree: tree and host differ ----
# Every case: the host-side folder the link names (outside the root) must stay byte-identical.
for K in abs rel; do
  # L1 settings file: host and tree name different mountpoints
  R=$(newroot); H=$(newhost); rm -rf "$R/etc/sysconfig"; lnk "$R" etc/sysconfig "$H/sysconfig" $K
  mkdir -p "$H/sysconfig" "$R/srv/treemp" "$R/srv/hostmp"
  echo 'DOCKSTORE_MOUNTPOINT="/srv/hostmp"' >"$H/sysconfig/dockstore"
  echo 'DOCKSTORE_MOUNTPOINT="/srv/treemp"' >"$R$H/sysconfig/dockstore"
  hb=$(treehash "$H"); ds status --root "$R" --json
  if grep -q "\"mountpoint\" : \"$R/srv/treemp\"" "$OUT"; then rec L1-$K "status --json (etc/sysconfig $K link)" "tree's DOCKSTORE_MOUNTPOINT" PASS "tree's"
  else rec L1-$K "status --json (etc/sysconfig $K link)" "tree's DOCKSTORE_MOUNTPOINT" FAIL "$(grep mountpoint "$OUT")" "wrong result"; fi
  # L1b host settings file group-writable, tree's fine: no refusal
  chmod 666 "$H/sysconfig/dockstore"; ds status --root "$R"
  [ "$RC" != 2 ] && rec L1b-$K "status (host settings 0666, tree 0644)" "not refused" PASS "exit $RC" || rec L1b-$K "status (host settings 0666, tree 0644)" "not refused" FAIL "$(firstline)"
  chmod 644 "$H/sysconfig/dockstore"; chmod 666 "$R$H/sysconfig/dockstore"
  refuse L1c-$K "$R" "$H" provision --root "$R" --size 200M
  chmod 644 "$R$H/sysconfig/dockstore"
  # L1d folder on the way writable by others: tree's target folder 0777, host's 0755 -> refuse; reverse -> not
  chmod 777 "$R$H/sysconfig"; refuse L1d-$K "$R" "$H" provision --root "$R" --size 200M
  chmod 755 "$R$H/sysconfig"; chmod 777 "$H/sysconfig"; ds status --root "$R"
  [ "$RC" != 2 ] && rec L1e-$K "status (host settings folder 0777, tree's 0755)" "not refused" PASS "exit $RC" || rec L1e-$K "status (host settings folder 0777)" "not refused" FAIL "$(firstline)"
  chmod 755 "$H/sysconfig"; hostsame L1-$K "$H" "$hb"

  # L2 lock: run -> host folder; a lock held on the host must not block the tree, one held in the tree must
  R=$(newroot); H=$(newhost); rm -rf "$R/run"; lnk "$R" run "$H/run" $K; mkdir -p "$H/run"
  touch "$H/run/dockstore.lock"; flock "$H/run/dockstore.lock" sleep 30 & FL=$!; sleep 0.3
  hb=$(treehash "$H"); ds provision --root "$R" --size 200M --lock-timeout 2
  [ "$RC" = 0 ] && rec L2-$K "provision (host run/dockstore.lock held, run $K link)" "exit 0" PASS "exit 0" || rec L2-$K "provision (host lock held)" "exit 0" FAIL "exit $RC: $(firstline)"
  kill $FL 2>/dev/null; wait $FL 2>/dev/null
  [ -e "$R$H/run/dockstore.lock" ] && rec L2b-$K "lock file location" "in the tree" PASS "in the tree" || rec L2b-$K "lock file location" "in the tree" FAIL "not in tree"
  flock "$R$H/run/dockstore.lock" sleep 30 & FL=$!; sleep 0.3
  ds teardown --root "$R" --delete-image --lock-timeout 1
  [ "$RC" = 3 ] && rec L2c-$K "teardown while the tree's lock is held" "exit 3" PASS "exit 3" || rec L2c-$K "teardown while tree lock held" "exit 3" FAIL "exit $RC: $(firstline)" "wrong result"
  kill $FL 2>/dev/null; wait $FL 2>/dev/null
  ds teardown --root "$R" --delete-image; hostsame L2-$K "$H" "$hb"

  # L3 daemon.json: etc/docker -> host folder; host says overlay2 (provision would refuse), tree says nothing
  R=$(newroot); H=$(newhost); lnk "$R" etc/docker "$H/docker" $K; mkdir -p "$H/docker"
  echo '{"storage-driver":"overlay2"}' >"$H/docker/daemon.json"; echo '{"debug":true}' >"$R$H/docker/daemon.json"
  hb=$(treehash "$H"); ds provision --root "$R" --size 200M
  [ "$RC" = 0 ] && rec L3-$K "provision (host daemon.json overlay2, tree's not; etc/docker $K link)" "exit 0" PASS "exit 0" || rec L3-$K "provision (host daemon.json overlay2)" "exit 0" FAIL "exit $RC: $(firstline)"
  ds teardown --root "$R" --delete-image
  echo '{"storage-driver":"overlay2"}' >"$R$H/docker/daemon.json"; echo '{}' >"$H/docker/daemon.json"; hb=$(treehash "$H")
  refuse L3b-$K "$R" "$H" provision --root "$R" --size 200M
  hostsame L3-$K "$H" "$hb"

  # L4 drop-in folder: host's dockstore.conf holds an admin line, the tree has none
  R=$(newroot); H=$(newhost); lnk "$R" etc/systemd/system/docker.service.d "$H/dd" $K; mkdir -p "$H/dd"
  printf '[Service]\nEnvironment=HTTP_PROXY=x\n' >"$H/dd/dockstore.conf"; hb=$(treehash "$H")
  ds provision --root "$R" --size 200M
  [ "$RC" = 0 ] && rec L4-$K "provision (host drop-in has admin lines, tree none)" "exit 0" PASS "exit 0" || rec L4-$K "provision (host drop-in admin lines)" "exit 0" FAIL "exit $RC: $(firstline)"
  ds teardown --root "$R" --delete-image; hostsame L4-$K "$H" "$hb"

  # L5 fstab: etc -> host folder; host fstab has a conflicting line for the mountpoint, tree's is clean
  R=$(newroot); H=$(newhost); rm -rf "$R/etc"; lnk "$R" etc "$H/etc" $K; mkdir -p "$H/etc/sysconfig" "$R$H/etc/sysconfig"
  echo '/dev/sdz9 /var/lib/docker ext4 defaults 0 0' >"$H/etc/fstab"; echo '# tree' >"$R$H/etc/fstab"; hb=$(treehash "$H")
  ds provision --root "$R" --size 200M
  [ "$RC" = 0 ] && rec L5-$K "provision (host fstab conflicting, etc $K link)" "exit 0" PASS "exit 0" || rec L5-$K "provision (host fstab conflicting)" "exit 0" FAIL "exit $RC: $(firstline)"
  ds teardown --root "$R" --delete-image; hostsame L5-$K "$H" "$hb"

  # L6 teardown's "enabled at boot?": etc/systemd/system -> host folder with a .wants link to the unit
  R=$(newroot); H=$(newhost); lnk "$R" etc/systemd/system "$H/system" $K; mkdir -p "$H/system/multi-user.target.wants"
  ln -s /usr/local/lib/systemd/system/dockstore-provision.service "$H/system/multi-user.target.wants/dockstore-provision.service"
  hb=$(treehash "$H"); b=$(treehash "$R"); ds teardown --root "$R"; a=$(treehash "$R")
  [ "$RC" = 0 ] && [ "$a" = "$b" ] && rec L6-$K "teardown on a bare tree (host .wants enables the unit)" "nothing to do, tree unchanged" PASS "exit 0, unchanged" || rec L6-$K "teardown bare tree, host .wants" "nothing to do, tree unchanged" FAIL "exit $RC, $(firstline)"
  mkdir -p "$R$H/system/multi-user.target.wants"; ln -s /x "$R$H/system/multi-user.target.wants/dockstore-provision.service"
  ds teardown --root "$R"
  [ -e "$R/etc/dockstore.disabled" ] && rec L6b-$K "teardown on a tree whose .wants enables the unit" "writes etc/dockstore.disabled" PASS "written" || rec L6b-$K "teardown tree .wants" "writes dockstore.disabled" FAIL "exit $RC, $(firstline)"
  hostsame L6-$K "$H" "$hb"

  # L7 dockerd pidfile: run -> host folder; the host's docker.pid names a live "dockerd"
  R=$(newroot); H=$(newhost); rm -rf "$R/run"; lnk "$R" run "$H/run" $K; mkdir -p "$H/run"
  ds provision --root "$R" --size 200M
  cp /bin/sleep "$H/dockerd"; "$H/dockerd" 60 & DP=$!; echo $DP >"$H/run/docker.pid"; hb=$(treehash "$H")
  ds teardown --root "$R" --delete-image
  [ "$RC" = 0 ] && rec L7-$K "teardown (host run/docker.pid names a live dockerd)" "exit 0" PASS "exit 0" || rec L7-$K "teardown (host docker.pid live dockerd)" "exit 0" FAIL "exit $RC: $(firstline)"
  ds provision --root "$R" --size 200M; echo $DP >"$R$H/run/docker.pid"
  refuse L7b-$K "$R" "" teardown --root "$R" --delete-image
  kill $DP; wait $DP 2>/dev/null; ds teardown --root "$R" --delete-image; hostsame L7-$K "$H" "$hb"

  # L8 records: var/lib/dockstore -> host folder; a host reclaim journal / failed record must not count
  R=$(newroot); H=$(newhost); lnk "$R" var/lib/dockstore "$H/ds" $K; mkdir -p "$H/ds"
  ds provision --root "$R" --size 200M
  echo '{"finished":1796008231,"outcome":"failed","chunksRelocated":0,"unallocatedBefore":1,"unallocatedAfter":1,"bytesRelocated":0}' >"$H/ds/last-reclaim.json"
  echo 'garbage' >"$H/ds/reclaim.json"; echo 'garbage' >"$H/ds/migration.json"; hb=$(treehash "$H")
  ds check --root "$R" --format json
  grep -q '"outcome" *: *"failed"\|reclaim_failed\|garbage\|reclaim.json' "$OUT" && rec L8-$K "check (host last-reclaim failed, journal garbage)" "not seen" FAIL "$(grep -m1 -o '"state"[^,]*' "$OUT")" "wrong result" || rec L8-$K "check (host records)" "not seen" PASS "exit $RC"
  ds grow --root "$R" --to 300M --dry-run
  [ "$RC" = 0 ] && rec L8b-$K "grow --dry-run (host reclaim.json garbage)" "exit 0" PASS "exit 0" || rec L8b-$K "grow --dry-run (host reclaim.json)" "exit 0" FAIL "exit $RC: $(firstline)"
  # scrub record through var/lib/btrfs -> host folder: the host's record (errors) must not count
  U=$(blkid -s UUID -o value "$R/var/lib/docker-storage.btrfs"); lnk "$R" var/lib/btrfs "$H/btrfs" $K; mkdir -p "$H/btrfs"
  printf 'scrub status:1\n%s:1|data_extents_scrubbed:1|read_errors:0|csum_errors:7|verify_errors:0|super_errors:0|uncorrectable_errors:7|corrected_errors:0|last_physical:0|t_start:1796000000|t_resumed:0|duration:1|canceled:0|finished:1\n' "$U" >"$H/btrfs/scrub.status.$U"
  ds check --root "$R"
  [ "$RC" = 0 ] && rec L8d-$K "check (host scrub.status with uncorrectable errors, var/lib/btrfs $K link)" "OK" PASS "exit 0" || rec L8d-$K "check (host scrub record, var/lib/btrfs $K link)" "OK (the tree has no record)" FAIL "exit $RC $(head -c 150 "$OUT")" "wrong result"
  hb=$(treehash "$H")
  ds teardown --root "$R" --delete-image
  [ "$RC" = 0 ] && rec L8c-$K "teardown (host migration.json garbage)" "exit 0" PASS "exit 0" || rec L8c-$K "teardown (host migration.json garbage)" "exit 0" FAIL "exit $RC: $(firstline)"
  hostsame L8-$K "$H" "$hb"
done

# L9/L10 the mountpoint itself is a link (var/lib/docker -> /tmp/H/mp): check and backend must look at the tree's folder
mkbtrfs(){ truncate -s 300M "$1"; mkfs.btrfs -q -L docker "$1" >/dev/null 2>&1; }
for K in abs rel; do
  for SIDE in host tree; do
    R=$(newroot); H=$(newhost); lnk "$R" var/lib/docker "$H/mp" $K; mkdir -p "$H/mp"
    mkbtrfs "$WORK/b-$K-$SIDE.img"; BL=$(attach "$WORK/b-$K-$SIDE.img")
    if [ $SIDE = host ]; then mount "$BL" "$H/mp"; else mount "$BL" "$R$H/mp"; fi
    hb=$(treehash "$H")
    ds check --root "$R" --format json
    mounted_uuid=$(grep -o '"uuid" : "[^"]*"' "$OUT" | head -1)
    if [ $SIDE = host ]; then
      if [ -z "$mounted_uuid" ] && [ "$RC" = 3 ]; then rec L9-$K-host "check (var/lib/docker $K link; btrfs mounted only at the host's target)" "UNKNOWN: nothing mounted in the tree" PASS "exit 3"
      else rec L9-$K-host "check --root R (var/lib/docker $K link -> $H/mp; a btrfs is mounted at the HOST's $H/mp only)" "UNKNOWN, nothing mounted at the tree's mountpoint (exit 3)" FAIL "exit $RC, reports the host's btrfs as the store ($mounted_uuid)" "wrong result"; fi
    else
      [ -n "$mounted_uuid" ] && [ "$RC" = 0 ] && rec L9-$K-tree "check (link; btrfs mounted at the tree's target)" "OK, the tree's store" PASS "exit 0" || rec L9-$K-tree "check (var/lib/docker $K link, btrfs at the tree's target)" "OK with the tree's store" FAIL "exit $RC $(head -c 200 "$OUT")" "wrong result"
    fi
    # backend btrfs: fits only when the tree's mountpoint is btrfs
    ds backend btrfs --root "$R" --dry-run
    if [ $SIDE = host ]; then
      [ "$RC" = 2 ] && rec L10-$K-host "backend btrfs --dry-run (tree's target on ext4, host's target btrfs)" "refused: not btrfs" PASS "exit 2" || rec L10-$K-host "backend btrfs --dry-run --root R (var/lib/docker $K link; tree's target on ext4, host's $H/mp btrfs)" "exit 2: the tree's mountpoint is not btrfs" FAIL "exit $RC: driver judged against the host's filesystem" "wrong result"
    else
      [ "$RC" = 0 ] && rec L10-$K-tree "backend btrfs --dry-run (tree's target btrfs, host's ext4)" "exit 0" PASS "exit 0" || rec L10-$K-tree "backend btrfs --dry-run --root R (var/lib/docker $K link; tree's target btrfs, host's $H/mp on ext4)" "exit 0" FAIL "exit $RC: $(firstline)" "wrong result"
    fi
    ds backend --root "$R"; fsl=$(grep '^filesystem:' "$OUT" | tr -s ' ')
    want=$([ $SIDE = host ] && echo ext4 || echo btrfs)
    echo "$fsl" | grep -q "$want" && rec L11-$K-$SIDE "backend (report), btrfs at the $SIDE's target" "filesystem: $want" PASS "$fsl" || rec L11-$K-$SIDE "backend --root R (var/lib/docker $K link, btrfs at the $SIDE's target)" "filesystem: $want (the tree's)" FAIL "$fsl" "wrong result"
    hostsame L9-$K-$SIDE "$H" "$hb"
    umount "$H/mp" 2>/dev/null; umount "$R$H/mp" 2>/dev/null; losetup -d "$BL"
  done
done

# L12 the same through --mountpoint and through DOCKSTORE_MOUNTPOINT naming a linked folder of the tree
R=$(newroot); H=$(newhost); mkdir -p "$H/mp" "$R$H/mp"; ln -s "$H/mp" "$R/srvmp"
mkbtrfs "$WORK/b-l12.img"; BL=$(attach "$WORK/b-l12.img"); mount "$BL" "$H/mp"
ds check --root "$R" --mountpoint /srvmp
[ "$RC" = 3 ] && rec L12a "check --mountpoint /srvmp (a link; btrfs only at the host's target)" "UNKNOWN" PASS "exit 3" || rec L12a "check --root R --mountpoint /srvmp (R/srvmp -> $H/mp; a btrfs mounted at the host's $H/mp only)" "UNKNOWN: nothing mounted in the tree (exit 3)" FAIL "exit $RC: $(head -c 90 "$OUT")" "wrong result"
echo 'DOCKSTORE_MOUNTPOINT="/srvmp"' >"$R/etc/sysconfig/dockstore"
ds check --root "$R"
[ "$RC" = 3 ] && rec L12b "check, DOCKSTORE_MOUNTPOINT=/srvmp (a link)" "UNKNOWN" PASS "exit 3" || rec L12b "check --root R with DOCKSTORE_MOUNTPOINT=\"/srvmp\" (R/srvmp -> $H/mp; btrfs at the host's $H/mp only)" "UNKNOWN (exit 3)" FAIL "exit $RC: $(head -c 90 "$OUT")" "wrong result"
umount "$H/mp"; losetup -d "$BL"

}

section_states(){
# ---- (1b) read-only / full / immutable: the state is on the tree's side of a link or on the host's ----
# fill SIDEDIR RELPATH: the base content each linked folder holds
fill(){
  case $2 in
    etc) mkdir -p "$1/sysconfig"; printf '# fstab\n' >"$1/fstab";;
    etc/docker) printf '{"storage-opts":["btrfs.min_space=1G"]}\n' >"$1/daemon.json";;
    *) :;;
  esac
}
# put STATE on folder DIR (already filled): ro | full | immut | immutfile:NAME
putstate(){
  local dir=$1 st=$2 tmp
  case $st in
    ro|full)
      tmp=$(mktemp -d "$WORK/st.XXXX"); cp -a "$dir/." "$tmp/" 2>/dev/null
      if [ "$st" = ro ]; then mount -t tmpfs -o size=16m,mode=755 tmpfs "$dir"; else mount -t tmpfs -o size=64k,nr_inodes=64,mode=755 tmpfs "$dir"; fi
      cp -a "$tmp/." "$dir/"
      if [ "$st" = ro ]; then mount -o remount,ro "$dir"; else dd if=/dev/zero of="$dir/.filler" bs=4k count=1000 2>/dev/null; fi ;;
    immut) chattr +i "$dir" ;;
    immutfile:*) chattr +i "$dir/${st#immutfile:}" ;;
  esac
}
unstate(){ local dir=$1; chattr -i "$dir" 2>/dev/null; chattr -R -i "$dir" 2>/dev/null; while mountpoint -q "$dir"; do umount "$dir" || umount -l "$dir"; done; }

for CASE in etc:ro etc:full etc:immut etc:immutfile:fstab etc/sysconfig:ro etc/sysconfig:immut etc/docker:ro etc/docker:full \
            etc/docker:immutfile:daemon.json var/lib/dockstore:ro var/lib/dockstore:immut var/lib:ro var/lib:immut run:ro run:immut; do
  P=${CASE%%:*}; ST=${CASE#*:}
  for SIDE in tree host; do
    R=$(newroot); H=$(newhost); rm -rf "$R/$P"; lnk "$R" "$P" "$H/x" abs; mkdir -p "$H/x"
    fill "$R$H/x" "$P"; fill "$H/x" "$P"
    if [ $SIDE = tree ]; then putstate "$R$H/x" "$ST"; SD="$R$H/x"; else putstate "$H/x" "$ST"; SD="$H/x"; fi
    hb=$(treehash "$H")
    if [ $SIDE = tree ]; then
      SEV="wrong result" refuse "S-$P-$ST-tree" "$R" "$H" provision --root "$R" --size 200M
    else
      ds provision --root "$R" --size 200M
      [ "$RC" = 0 ] && rec "S-$P-$ST-host" "provision ($P -> host folder that is $ST; the tree's is not)" "exit 0" PASS "exit 0" \
                    || rec "S-$P-$ST-host" "provision ($P -> host folder that is $ST; the tree's is not)" "exit 0 (the tree's folder is fine)" FAIL "exit $RC: $(firstline)" "wrong result"
      ds teardown --root "$R" --delete-image
    fi
    hostsame "S-$P-$ST-$SIDE" "$H" "$hb"; unstate "$SD"
    ds teardown --root "$R" --delete-image
  done
done

}

section_space(){
# ---- (1c) free space decisions (thin warning, --thick, grow overcommit, check's host figure) through a var/lib link ----
for SIDE in tree host; do
  R=$(newroot); H=$(newhost); rm -rf "$R/var/lib"; lnk "$R" var/lib "$H/x" abs; mkdir -p "$H/x"
  if [ $SIDE = tree ]; then SM="$R$H/x"; else SM="$H/x"; fi
  mount -t tmpfs -o size=400m,mode=755 tmpfs "$SM"
  hb=$(treehash "$H")
  # --thick 600M: the tree's folder (400 MiB tmpfs) cannot back it -> refuse; the host's small folder must not matter
  if [ $SIDE = tree ]; then
    SEV="wrong result" refuse "F1-thick-tree" "$R" "$H" provision --root "$R" --size 600M --thick
  else
    ds provision --root "$R" --size 600M --thick
    [ "$RC" = 0 ] && rec F1-thick-host "provision --thick 600M (host folder a 400M tmpfs, tree's on disk)" "exit 0" PASS "exit 0" || rec F1-thick-host "provision --thick 600M (host 400M tmpfs, tree disk)" "exit 0" FAIL "exit $RC: $(firstline)" "wrong result"
    ds teardown --root "$R" --delete-image
  fi
  # thin 2G: the warning must come exactly when the tree's folder is the small one
  ds provision --root "$R" --size 2G
  w=$(grep -ci 'warn' "$OUT")
  if { [ $SIDE = tree ] && [ "$w" -ge 1 ]; } || { [ $SIDE = host ] && [ "$w" = 0 ]; }; then rec F2-warn-$SIDE "provision --size 2G (small folder on the $SIDE side)" "host-space warning iff tree small" PASS "warnings: $w"
  else rec F2-warn-$SIDE "provision --size 2G (small folder on the $SIDE side)" "host-space warning iff tree small" FAIL "warnings: $w; rc $RC $(firstline)" "wrong result"; fi
  # check: host_free must be the tree's folder's figure
  ds check --root "$R" --format json
  hf=$(grep -o '"hostAvailableBytes" *: *[0-9.e+]*' "$OUT" | head -1 | grep -o '[0-9.e+]*$')
  tf=$(stat -f -c '%a*%S' "$R$H/x" | bc)
  if [ -n "$hf" ] && awk -v a="$hf" -v b="$tf" 'BEGIN{d=a-b; if(d<0)d=-d; exit !(d < b/10)}'; then rec F3-check-$SIDE "check --format json (small folder on the $SIDE side)" "host free = tree folder's free" PASS "host free $hf ~ $tf"
  else rec F3-check-$SIDE "check --format json (small folder on the $SIDE side)" "host free = tree folder's free ($tf)" FAIL "host free '$hf'" "wrong result"; fi
  # grow --to 3G without --allow-overcommit: refused iff the tree's folder cannot back it
  if [ $SIDE = tree ]; then SEV="wrong result" refuse "F4-grow-tree" "$R" "$H" grow --root "$R" --to 3G
  else ds grow --root "$R" --to 3G; [ "$RC" = 0 ] && rec F4-grow-host "grow --to 3G (host folder small, tree's on disk)" "exit 0" PASS "exit 0" || rec F4-grow-host "grow --to 3G (host small, tree disk)" "exit 0" FAIL "exit $RC: $(firstline)" "wrong result"; fi
  ds teardown --root "$R" --delete-image
  [ "$RC" = 0 ] || log "teardown: $(cat "$OUT")"
  hostsame "F-$SIDE" "$H" "$hb"; umount "$SM"
done

}

section_refusals(){
# ---- (2) every refusal: exit 2, one line, the tree (var/lib/dockstore and run included) byte-identical ----
DEADPID=$(( $(cat /proc/sys/kernel/pid_max) - 7 ))
# on a bare tree: provision refusals
r(){ R=$(newroot); }
r; mkdir -p "$R/etc/docker"; echo '{"storage-driver":"overlay2"}' >"$R/etc/docker/daemon.json"; refuse R1-daemon-driver "$R" "" provision --root "$R" --size 200M
r; mkdir -p "$R/etc/docker"; echo '{"debug":"yes"}' >"$R/etc/docker/daemon.json"; refuse R2-daemon-type "$R" "" provision --root "$R" --size 200M
r; echo '/dev/sdz1 /var/lib/docker ext4 defaults 0 0' >>"$R/etc/fstab"; refuse R3-fstab-conflict "$R" "" provision --root "$R" --size 200M
r; mkdir -p "$R/var/lib/docker/containers"; refuse R4-mountpoint-files "$R" "" provision --root "$R" --size 200M
r; truncate -s 200M "$R/var/lib/docker-storage.btrfs"; mkfs.ext4 -q -F "$R/var/lib/docker-storage.btrfs"; refuse R5-image-ext4 "$R" "" provision --root "$R" --size 200M
r; mkdir -p "$R/etc/systemd/system/docker.service.d"; printf '[Service]\nEnvironment=A=1\n' >"$R/etc/systemd/system/docker.service.d/dockstore.conf"; refuse R6-dropin-admin "$R" "" provision --root "$R" --size 200M
r; mkdir -p "$R/var/lib/dockstore"; echo '/etc' >"$R/var/lib/dockstore/provision-folders"; refuse R7-foreign-record "$R" "" provision --root "$R" --size 200M
r; printf 'export DOCKER_OPTS="-s btrfs"\n' >"$R/etc/sysconfig/docker"; refuse R8-sysconfig-export "$R" "" provision --root "$R" --size 200M
r; mkdir -p "$R/etc/docker"; echo '{"storage-opts":["btrfs.min_space=1G"]}' >"$R/etc/docker/daemon.json"; mkdir -p "$R/var/lib"; ln -s /nowhere "$R/var/lib/dockstore"; refuse R9-lib-dockstore-dangling "$R" "" provision --root "$R" --size 200M
# stale temp files of a killed write (a dead pid) next to a refusal: "nothing changed" must hold for them too
r; mkdir -p "$R/etc/docker"; echo '{"storage-driver":"overlay2"}' >"$R/etc/docker/daemon.json"
echo junk >"$R/etc/.fstab.dockstore-$DEADPID-1"; echo junk >"$R/etc/sysconfig/.docker.dockstore-$DEADPID-1"
refuse R10-refusal-with-stale-temp "$R" "" provision --root "$R" --size 200M
r; truncate -s 200M "$R/var/lib/docker-storage.btrfs.dockstore-new"; mkdir -p "$R/var/lib/docker/x"
refuse R11-refusal-with-unfinished-image "$R" "" provision --root "$R" --size 200M
r; mkdir -p "$R/etc/docker"; echo '{"storage-driver":"overlay2"}' >"$R/etc/docker/daemon.json"; touch "$R/run/dockstore.lock"
refuse R12-refusal-lock-exists "$R" "" provision --root "$R" --size 200M
# backend refusals
r; printf 'DOCKER_OPTS="-s btrfs"; DOCKER_OPTS="-s vfs"\n' >"$R/etc/sysconfig/docker"; refuse R13-backend-two-assign "$R" "" backend overlay2 --root "$R"
r; mkdir -p "$R/etc/docker"; printf '{"debug":true,}' >"$R/etc/docker/daemon.json"; refuse R14-backend-bad-json "$R" "" backend vfs --root "$R"
r; echo junk >"$R/etc/sysconfig/.docker.dockstore-$DEADPID-3"; printf 'DOCKER_OPTS="$X"\n' >"$R/etc/sysconfig/docker"; refuse R15-backend-expansion+stale-temp "$R" "" backend vfs --root "$R"

# on a provisioned tree (a fresh one per case): teardown / grow / migrate-ebs / reclaim / backend refusals
prov(){ P=$(newroot); ds provision --root "$P" --size 300M; [ "$RC" = 0 ] || log "provision failed: $(firstline)"; }
prov; cp /bin/sleep "$WORK/dockerd"; "$WORK/dockerd" 120 & DP=$!; echo $DP >"$P/run/docker.pid"
refuse R20-teardown-dockerd "$P" "" teardown --root "$P" --delete-image
kill $DP; wait $DP 2>/dev/null
prov; echo 'After=x.service' >>"$P/etc/systemd/system/docker.service.d/dockstore.conf"
refuse R21-teardown-dropin-admin "$P" "" teardown --root "$P" --delete-image
prov; truncate -s -1 "$P/etc/fstab"; echo 'tmpfs /x tmpfs defaults 0 0' >>"$P/etc/fstab"
refuse R22-teardown-glued-fstab "$P" "" teardown --root "$P" --delete-image
prov; refuse R23-teardown-wipe-image "$P" "" teardown --root "$P" --wipe-device
prov; echo '/etc' >>"$P/var/lib/dockstore/provision-folders"
refuse R24-teardown-foreign-record "$P" "" teardown --root "$P" --delete-image
prov; refuse R25-grow-shrink "$P" "" grow --root "$P" --to 200M
T=$(mktemp /tmp/atk7h.tgt.XXXXXX); truncate -s 1G "$T"; mkfs.ext4 -q -F "$T"; L=$(attach "$T")
refuse R26-migrate-nonblank "$P" "" migrate-ebs "$L" --yes --root "$P"
LI=$(losetup -j "$P/var/lib/docker-storage.btrfs" -O NAME -n | head -1)
refuse R27-migrate-own-loop "$P" "" migrate-ebs "$LI" --yes --root "$P"
ds migrate-ebs "$L" --abort --yes --root "$P"; [ "$RC" = 0 ] && rec R28-migrate-abort-none "migrate-ebs DEV --abort (no migration)" "nothing to abort, exit 0" PASS "exit 0" || rec R28-migrate-abort-none "migrate-ebs --abort, no migration" "exit 0 or 2" FAIL "exit $RC $(firstline)"
losetup -d "$L"; rm -f "$T"; T=$(mktemp /tmp/atk7h.tgt.XXXXXX); truncate -s 1G "$T"; L=$(attach "$T")
prov; echo junk >"$P/var/lib/docker-storage.btrfs.dockstore-deleted.x"
NOW=$(date +%s); echo "{\"garbage\":$NOW}" >"$P/var/lib/dockstore/reclaim.json"
refuse R29-migrate-reclaim-journal-garbage "$P" "" migrate-ebs "$L" --yes --root "$P"
refuse R30-grow-reclaim-journal-garbage "$P" "" grow --root "$P" --to 400M
refuse R31-teardown-reclaim-journal-garbage "$P" "" teardown --root "$P" --delete-image
prov; mkdir -p "$P/var/lib/docker/image/btrfs/layerdb/sha256/abc" "$P/var/lib/docker/btrfs/subvolumes"
btrfs subvolume create "$P/var/lib/docker/btrfs/subvolumes/$(printf 'a%.0s' $(seq 64))" >/dev/null
refuse R32-orphans-layer-without-cache-id "$P" "" reclaim --orphans --root "$P"
prov; refuse R33-backend-zfs "$P" "" backend zfs --root "$P"
prov; echo junk >"$P/etc/.fstab.dockstore-$DEADPID-9"; cp /bin/sleep "$WORK/dockerd"; "$WORK/dockerd" 120 & DP=$!; echo $DP >"$P/run/docker.pid"
refuse R36-teardown-dockerd+stale-temp "$P" "" teardown --root "$P" --delete-image
kill $DP; wait $DP 2>/dev/null
prov; ds teardown --root "$P" --delete-image
refuse R34-reclaim-unmounted "$P" "" reclaim --root "$P"
refuse R35-grow-unmounted "$P" "" grow --root "$P" --to 1G

}

section_repro(){
# ---- deterministic reproductions of what the random kills found ----
killhelpers
# D1 provision killed right after [format] (failpoint), then teardown --delete-image: IMAGE.dockstore-new stays
R=$(newroot); names "$R" >"$WORK/before"
DOCKSTORE_FAILPOINT=format "$D" provision --root "$R" --size 1G --thick >/dev/null 2>&1
ds teardown --root "$R" --delete-image; x=$(extra "$R" "$WORK/before")
[ -z "$x" ] && rec D1-unfinished-image "FAILPOINT=format provision --thick, teardown --delete-image" "tree as before" PASS ok \
  || rec D1-unfinished-image "DOCKSTORE_FAILPOINT=format dockstore provision --root R --size 1G --thick; dockstore teardown --root R --delete-image" "exit 0, tree as before (the temp image removed)" FAIL "exit $RC, left: $x($(du -h "$R/var/lib/docker-storage.btrfs.dockstore-new" 2>/dev/null | cut -f1) allocated), nothing said" "wrong result"
# D2 provision killed inside its first write (the folder record), then teardown, then provision + teardown: /var/lib/dockstore stays
R=$(newroot); names "$R" >"$WORK/before"
pausekill 600 provision --root "$R" --size 200M
ds teardown --root "$R" --delete-image; ds provision --root "$R" --size 200M; ds teardown --root "$R" --delete-image; x=$(extra "$R" "$WORK/before")
[ -z "$x" ] && rec D2-folder-record "PAUSE kill in [folder-record], teardown, provision, teardown" "tree as before" PASS ok \
  || rec D2-folder-record "DOCKSTORE_PAUSE=atomic-write dockstore provision --root R (kill -9 at 0.6 s); teardown; provision; teardown" "tree as before" FAIL "left for good: $x" "wrong result"
# D3 teardown killed between removing the record and removing /var/lib/dockstore (strace inject), then teardown
R=$(newroot); names "$R" >"$WORK/before"; ds provision --root "$R" --size 200M

ds teardown --root "$R" --delete-image; ds provision --root "$R" --size 200M   # learn the syscall order on a twin
strace -f -o "$WORK/st" -e trace=unlinkat "$D" teardown --root "$R" --delete-image >/dev/null 2>&1
K=$(grep -c 'unlinkat(' "$WORK/st")
R=$(newroot); names "$R" >"$WORK/before"; ds provision --root "$R" --size 200M
strace -f -o /dev/null -e trace=unlinkat -e inject=unlinkat:signal=KILL:when=$K "$D" teardown --root "$R" --delete-image >/dev/null 2>&1
ds teardown --root "$R" --delete-image; ds provision --root "$R" --size 200M; ds teardown --root "$R" --delete-image; x=$(extra "$R" "$WORK/before")
[ -z "$x" ] && rec D3-teardown-last-rmdir "teardown killed before its last rmdir, teardown" "tree as before" PASS ok \
  || rec D3-teardown-last-rmdir "strace -e inject=unlinkat:signal=KILL:when=$K dockstore teardown --root R --delete-image; teardown; provision; teardown" "tree as before" FAIL "left for good: $x" "wrong result"
# D4 migrate-ebs killed mid-replace, then --abort: it must not say "back on the image" while the store is on the volume
hit=""; tries=0
for t in $(seq 1 ${ABORT_TRIES:-30}); do
  tries=$t; R=$(newroot); T=$(mktemp /tmp/atk7h.tgt.XXXXXX); truncate -s 2G "$T"; L=$(attach "$T")
  ds provision --root "$R" --size 1G; dd if=/dev/urandom of="$R/var/lib/docker/data" bs=1M count=64 status=none; sync
  ms=$((100 + RANDOM % 80)); setsid "$D" migrate-ebs "$L" --yes --root "$R" >/dev/null 2>&1 & p=$!
  sleep "$(printf '0.%03d' $ms)"; kill -9 -- -"$p" 2>/dev/null; wait "$p" 2>/dev/null
  ds migrate-ebs "$L" --abort --yes --root "$R"; arc=$RC; msg=$(tail -1 "$OUT"); src=$(findmnt -rn -o SOURCE "$R/var/lib/docker")
  if [ "$arc" = 0 ] && [ "$src" = "$L" ]; then
    umount "$R/var/lib/docker"; for l in $(losetup -j "$R/var/lib/docker-storage.btrfs" -O NAME -n); do losetup -d "$l"; done
    ds provision --root "$R"; hit="abort exit 0 '$msg' but the store is mounted from $L, journal closed, fstab names the image, whose btrfs is gone; after a reboot provision: exit $RC '$(firstline | cut -c1-150)'"
  fi
  umount "$R/var/lib/docker" 2>/dev/null; for l in $(losetup -j "$R/var/lib/docker-storage.btrfs" -O NAME -n); do losetup -d "$l"; done
  losetup -d "$L"; rm -f "$T"; rm -rf "$R"
  [ -n "$hit" ] && break
done
[ -z "$hit" ] && rec D4-abort-race "kill -9 migrate-ebs mid-replace, --abort ($tries tries)" "never reports back on the image while on the volume" PASS "not hit in $tries tries" \
  || rec D4-abort-race "migrate-ebs DEV --yes killed (kill -9 -PGID) 100-180 ms in, mid-replace; migrate-ebs DEV --abort --yes (hit after $tries tries)" "abort waits for/undoes the replace, or refuses; never claims the volume is released while it holds the store" FAIL "$hit" "data loss"
# D5 migrate-ebs killed after [replace] (failpoint), then teardown: the open migration is not refused, journal + stale image stay
R=$(newroot); names "$R" >"$WORK/before"; T=$(mktemp /tmp/atk7h.tgt.XXXXXX); truncate -s 2G "$T"; L=$(attach "$T")
ds provision --root "$R" --size 1G; DOCKSTORE_FAILPOINT=replace "$D" migrate-ebs "$L" --yes --root "$R" >/dev/null 2>&1
ds status --root "$R"; sp=$(grep -A1 '^state:' "$OUT" | tail -1 | cut -c1-120)
ds teardown --root "$R"; trc=$RC; tl=$(tail -1 "$OUT"); x=$(extra "$R" "$WORK/before")
if [ "$trc" = 2 ] || [ -z "$x" ]; then rec D5-teardown-open-migration "FAILPOINT=replace migrate-ebs, teardown" "refused (migration under way) or tree as before" PASS "exit $trc"
else rec D5-teardown-open-migration "DOCKSTORE_FAILPOINT=replace dockstore migrate-ebs DEV --yes --root R; dockstore teardown --root R" "exit 2 'a migration under way' (teardown(8) EXIT STATUS), or finish it" FAIL "exit $trc, left $x; '$tl'; status before advised:$sp" "wrong result"; fi
umount "$R/var/lib/docker" 2>/dev/null; losetup -d "$L"; rm -f "$T"
# D6 a read-only or immutable run/ in the tree: refused before anything, but exit 1
for st in ro immut; do
  R=$(newroot); if [ $st = ro ]; then mount -t tmpfs -o size=1m,ro tmpfs "$R/run"; else chattr +i "$R/run"; fi
  b=$(treehash "$R"); ds provision --root "$R" --size 200M; a=$(treehash "$R")
  [ "$RC" = 2 ] && rec D6-run-$st "provision, run/ $st" "exit 2" PASS "exit 2" || rec D6-run-$st "provision --root R with R/run $st" "exit 2, one line (a refusal: nothing changed)" FAIL "exit $RC, tree $([ "$a" = "$b" ] && echo unchanged || echo CHANGED): $(firstline)" "unclear message"
  chattr -i "$R/run" 2>/dev/null; umount "$R/run" 2>/dev/null
done
# D7 teardown accepts a record with lines dockstore did not write and removes an admin's empty folders
R=$(newroot); mkdir -p "$R/srv/admin-empty"; ds provision --root "$R" --size 200M; echo /srv/admin-empty >>"$R/var/lib/dockstore/provision-folders"
ds teardown --root "$R" --delete-image
[ -d "$R/srv/admin-empty" ] && rec D7-record-tamper "teardown, record with an extra line" "refused or folder kept" PASS "kept" \
  || rec D7-record-tamper "echo /srv/admin-empty >> R/var/lib/dockstore/provision-folders; dockstore teardown --root R" "exit 2 (a record dockstore did not write) or the admin's folder kept" FAIL "exit $RC, removed the admin's empty /srv/admin-empty" "security"
# D8 the documented crash leftover IMAGE.dockstore-deleted (migrate-ebs killed between its rename and the unlink), then teardown
R=$(newroot); names "$R" >"$WORK/before"; ds provision --root "$R" --size 300M
truncate -s 300M "$R/var/lib/docker-storage.btrfs.dockstore-deleted"
ds teardown --root "$R" --delete-image; x=$(extra "$R" "$WORK/before")
[ -z "$x" ] && rec D8-deleted-leftover "teardown with IMAGE.dockstore-deleted left by a crash" "removed" PASS ok \
  || rec D8-deleted-leftover "truncate -s 300M R/var/lib/docker-storage.btrfs.dockstore-deleted (a crash's leftover); dockstore teardown --root R --delete-image" "exit 0, the leftover removed (provision and migrate-ebs remove it; after teardown no boot provision runs)" FAIL "exit $RC, left: $x" "wrong result"
# D9 provision killed after [mount], re-run with another --mountpoint/--image, then teardown of that
R=$(newroot); mkdir -p "$R/srv"; DOCKSTORE_FAILPOINT=mount "$D" provision --root "$R" --size 200M >/dev/null 2>&1
ds provision --root "$R" --size 300M --mountpoint /srv/docker --image /srv/store.img; p2=$RC
ds teardown --root "$R" --mountpoint /srv/docker --image /srv/store.img --delete-image; t1=$RC; m1=$(tail -1 "$OUT" | cut -c1-140)
ds teardown --root "$R" --mountpoint /srv/docker --image /srv/store.img --delete-image; t2=$RC
ghost=$(findmnt -rn -o SOURCE "$R/var/lib/docker")
if [ "$t1" = 0 ] && [ -z "$ghost" ]; then rec D9-other-mountpoint "FAILPOINT=mount provision; provision --mountpoint /srv/docker; teardown" "no ghost store, exit 0" PASS ok
else rec D9-other-mountpoint "DOCKSTORE_FAILPOINT=mount dockstore provision --root R; dockstore provision --root R --mountpoint /srv/docker --image /srv/store.img; dockstore teardown --root R --mountpoint /srv/docker --image /srv/store.img --delete-image (twice)" "provision names the unfinished store still mounted at /var/lib/docker (or refuses); teardown exits 0 or names that mount" FAIL "provision exit $p2 (a 2nd store made, the 1st not named); teardown exit $t1 then $t2: '$m1'; $ghost stays mounted at /var/lib/docker with no fstab line" "unclear message"; fi
umount "$R/var/lib/docker" 2>/dev/null
# D10 provision --device killed while mkfs.btrfs writes (power cut at first boot), then provision --device again
hit=""; tries=0
for t in $(seq 1 ${DEVICE_TRIES:-15}); do
  tries=$t; R=$(newroot); T=$(mktemp /tmp/atk7h.tgt.XXXXXX); truncate -s 1G "$T"; L=$(attach "$T")
  ms=$((20 + RANDOM % 60)); setsid "$D" provision --root "$R" --device "$L" >/dev/null 2>&1 & p=$!
  sleep "$(printf '0.%03d' $ms)"; kill -9 -- -"$p" 2>/dev/null; wait "$p" 2>/dev/null
  ds provision --root "$R" --device "$L"; [ "$RC" = 2 ] && hit="exit 2: $(firstline | cut -c1-200)"
  ds teardown --root "$R" --wipe-device; umount "$R/var/lib/docker" 2>/dev/null; losetup -d "$L"; rm -f "$T"
  [ -n "$hit" ] && break
done
[ -z "$hit" ] && rec D10-device-mkfs-killed "kill -9 provision --device mid-mkfs, re-run ($tries tries)" "re-run finishes" PASS "not hit" \
  || rec D10-device-mkfs-killed "dockstore provision --root R --device LOOP killed (kill -9 -PGID) 20-80 ms in, while mkfs.btrfs writes; the same command again (hit after $tries tries)" "the re-run finishes the format it began (a run killed at any point is finished by the next one)" FAIL "$hit: every boot refuses until --force" "wrong result"

}

section_kills(){
killhelpers
for i in $(seq "$N"); do
  for NEXT in provision teardown; do
    R=$(newroot); names "$R" >"$WORK/before"
    G=$((RANDOM % 2)); killrand 400 $G provision --root "$R" --size 200M
    d1=$(debris "$R")
    if [ $NEXT = provision ]; then
      ds provision --root "$R" --size 200M; rc1=$RC; o1=$(firstline); d2=$(debris "$R")
      [ "$rc1" = 0 ] && [ -z "$d2" ] || rec "K1-$i" "kill -9 provision at ${KMS}ms (group=$G), provision" "exit 0, no temp files" FAIL "exit $rc1 ($o1), debris: $d2" "wrong result"
    fi
    ds teardown --root "$R" --delete-image; rc2=$RC; o2=$(firstline)
    x=$(extra "$R" "$WORK/before"); l=$(noloops "$R")
    if [ "$rc2" = 0 ] && [ -z "$x" ] && [ -z "$l" ] && ! findmnt -rn -o TARGET | grep -q "^$R"; then
      rec "K1-$NEXT-$i" "kill -9 provision at ${KMS}ms (group=$G, exit $KRC), $NEXT, teardown --delete-image" "tree as before" PASS "ok"
    else
      rec "K1-$NEXT-$i" "kill -9 provision at ${KMS}ms (group=$G), $NEXT, teardown --delete-image" "exit 0, tree as before, no loop" FAIL "teardown exit $rc2 ($o2); extra: $x; loops: $l; debris after kill: $d1" "wrong result"

    fi
  done
  # teardown killed at a random moment, then teardown again
  R=$(newroot); names "$R" >"$WORK/before"; ds provision --root "$R" --size 200M
  G=$((RANDOM % 2)); killrand 150 $G teardown --root "$R" --delete-image
  ds teardown --root "$R" --delete-image; rc2=$RC; o2=$(firstline)
  x=$(extra "$R" "$WORK/before"); l=$(noloops "$R")
  if [ "$rc2" = 0 ] && [ -z "$x" ] && [ -z "$l" ]; then rec "K2-$i" "kill -9 teardown at ${KMS}ms (group=$G), teardown" "tree as before" PASS ok
  else rec "K2-$i" "kill -9 teardown at ${KMS}ms (group=$G), teardown --delete-image" "exit 0, tree as before" FAIL "exit $rc2 ($o2); extra: $x; loops: $l" "wrong result"; fi
done

# backend killed at a random moment (atomic writes of sysconfig and daemon.json), then backend btrfs, then teardown
for i in $(seq "$N"); do
  R=$(newroot); mkdir -p "$R/etc/docker"; printf '{"debug":true}\n' >"$R/etc/docker/daemon.json"
  printf '## Path: System/Docker\nDOCKER_OPTS="--log-level=warn"\n' >"$R/etc/sysconfig/docker"
  names "$R" >"$WORK/before"; cp -a "$R/etc" "$WORK/etc.before"; rm -rf "$WORK/etc.before"; cp -a "$R/etc" "$WORK/etc.before"
  ds provision --root "$R" --size 200M
  G=$((RANDOM % 2)); killrand 60 $G backend overlay2 --force --storage-opt overlay2.override_kernel_check=true --root "$R"
  ds backend btrfs --root "$R"; rc1=$RC; o1=$(firstline); d2=$(debris "$R")
  ds teardown --root "$R" --delete-image; rc2=$RC; o2=$(firstline)
  x=$(extra "$R" "$WORK/before")
  same=$(cmp -s "$R/etc/sysconfig/docker" "$WORK/etc.before/sysconfig/docker" && cmp -s "$R/etc/docker/daemon.json" "$WORK/etc.before/docker/daemon.json" && echo yes)
  if [ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ -z "$d2" ] && [ -z "$x" ] && [ "$same" = yes ]; then rec "K3-$i" "kill -9 backend overlay2 at ${KMS}ms (group=$G), backend btrfs, teardown" "files back byte for byte, no debris" PASS ok
  else rec "K3-$i" "kill -9 backend overlay2 at ${KMS}ms (group=$G), backend btrfs, teardown" "exit 0, files back byte for byte, no debris" FAIL "backend $rc1 ($o1), teardown $rc2 ($o2); debris: $d2; extra: $x; bytes same: ${same:-no}" "wrong result"; fi
done

# kills inside each atomic write (DOCKSTORE_PAUSE=atomic-write pauses 1 s in every write), then another command
for k in 0 1 2 3 4 5; do
  MS=$((k*1000+600))
  # provision killed in its k-th write, then teardown (the other command)
  R=$(newroot); mkdir -p "$R/etc/docker"; printf '{"storage-opts":["btrfs.min_space=1G"]}\n' >"$R/etc/docker/daemon.json"
  names "$R" >"$WORK/before"; rm -rf "$WORK/etc.before"; cp -a "$R/etc" "$WORK/etc.before"
  pausekill $MS provision --root "$R" --size 200M; d1=$(debris "$R")
  ds teardown --root "$R" --delete-image; rc2=$RC; o2=$(firstline); d2=$(debris "$R"); x=$(extra "$R" "$WORK/before")
  dj=$(cmp -s "$R/etc/docker/daemon.json" "$WORK/etc.before/docker/daemon.json" && echo same || echo DIFFERENT)
  if [ "$rc2" = 0 ] && [ -z "$d2" ] && [ -z "$x" ] && [ $dj = same ]; then rec "K5p-$k" "provision killed in write $k, teardown" "tree as before" PASS "debris after kill: ${d1:-none}"
  else rec "K5p-$k" "DOCKSTORE_PAUSE=atomic-write provision, kill -9 at ${MS}ms, teardown --delete-image" "exit 0, tree as before, daemon.json back" FAIL "teardown $rc2 ($o2); debris $d2; extra $x; daemon.json $dj" "wrong result"; fi
  # teardown killed in its k-th write, then provision (the other command), then teardown
  R=$(newroot); names "$R" >"$WORK/before"; ds provision --root "$R" --size 200M
  pausekill $MS teardown --root "$R" --delete-image; d1=$(debris "$R")
  ds provision --root "$R" --size 200M; rc1=$RC; o1=$(firstline); d2=$(debris "$R")
  ds teardown --root "$R" --delete-image; rc2=$RC; o2=$(firstline); x=$(extra "$R" "$WORK/before")
  if [ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ -z "$d2" ] && [ -z "$x" ]; then rec "K5t-$k" "teardown killed in write $k, provision, teardown" "tree as before" PASS "debris after kill: ${d1:-none}"
  else rec "K5t-$k" "DOCKSTORE_PAUSE=atomic-write teardown, kill -9 at ${MS}ms, provision, teardown" "exit 0, no debris, tree as before" FAIL "provision $rc1 ($o1), teardown $rc2 ($o2); debris $d2; extra $x" "wrong result"; fi
done

# migrate-ebs killed at a random moment, then migrate-ebs again or --abort, then teardown: data kept, no debris
for i in $(seq "$N"); do
  for NEXT in migrate abort; do
    R=$(newroot); names "$R" >"$WORK/before"
    T=$(mktemp /tmp/atk7h.tgt.XXXXXX); truncate -s 2G "$T"; L=$(attach "$T")
    ds provision --root "$R" --size 1G; dd if=/dev/urandom of="$R/var/lib/docker/data" bs=1M count=64 status=none; sync
    S1=$(sha256sum <"$R/var/lib/docker/data")
    G=$((RANDOM % 2)); killrand 500 $G migrate-ebs "$L" --yes --root "$R"
    if [ $NEXT = migrate ]; then ds migrate-ebs "$L" --yes --root "$R"; else ds migrate-ebs "$L" --abort --yes --root "$R"; fi
    rc1=$RC; o1=$(tail -1 "$OUT" | head -c 300)
    sleep 0.5; d2=$(debris "$R")
    S2=$(sha256sum <"$R/var/lib/docker/data" 2>/dev/null)
    ds status --root "$R" --json; dev=$(grep -c '"store" : "device' "$OUT")
    if grep -q '"store" : "device' "$OUT" || ! [ -e "$R/var/lib/docker-storage.btrfs" ]; then ds teardown --root "$R" --wipe-device; else ds teardown --root "$R" --delete-image; fi
    rc2=$RC; o2=$(firstline)
    x=$(extra "$R" "$WORK/before" | sed 's#\./var/lib/dockstore/canceled-replace-targets.json ##; s#\./var/lib/dockstore ##')
    l=$(noloops "$R")
    if { [ "$rc1" = 0 ] || [ "$rc1" = 2 ]; } && [ "$rc2" = 0 ] && [ "$S1" = "$S2" ] && [ -z "$d2" ] && [ -z "$x" ] && [ -z "$l" ]; then
      rec "K6-$NEXT-$i" "kill -9 migrate-ebs at ${KMS}ms (group=$G), $NEXT, teardown" "data kept, tree as before" PASS "next $rc1"
    else
      rec "K6-$NEXT-$i" "kill -9 migrate-ebs at ${KMS}ms (group=$G), migrate-ebs${NEXT/migrate/}, teardown" "exit 0, data kept, no debris, tree as before" FAIL "next $rc1 ($o1); teardown $rc2 ($o2); data $( [ "$S1" = "$S2" ] && echo same || echo LOST); debris $d2; extra $x; loops $l" "data loss"
    fi
    cleanup_one(){ :; }; losetup -d "$L" 2>/dev/null; rm -f "$T"
  done
done

# reclaim killed at a random moment on a store that needs it, then teardown (another command) or reclaim
mkreclaimtemplate(){
  local r; r=$(newroot); ds provision --root "$r" --size 1G; local m=$r/var/lib/docker i
  for i in $(seq 1 850); do head -c 1048576 /dev/urandom >"$m/f$i" 2>/dev/null || break; done; sync
  for i in $(seq 1 850); do [ $((i%3)) != 0 ] && rm -f "$m/f$i"; done; sync; btrfs filesystem sync "$m" >/dev/null
  ds teardown --root "$r"; cp --sparse=always "$r/var/lib/docker-storage.btrfs" "$WORK/reclaim.img"; rm -f "$r/var/lib/docker-storage.btrfs"
}
[ "${N}" -gt 0 ] && mkreclaimtemplate
for i in $(seq "$N"); do
  for NEXT in teardown reclaim; do
    R=$(newroot); names "$R" >"$WORK/before"; cp --sparse=always "$WORK/reclaim.img" "$R/var/lib/docker-storage.btrfs"
    ds provision --root "$R"; sz0=$(stat -c %s "$R/var/lib/docker-storage.btrfs")
    G=$((RANDOM % 2)); killrand 700 $G reclaim --root "$R"
    j=$([ -e "$R/var/lib/dockstore/reclaim.json" ] && echo open || echo closed)
    if [ $NEXT = teardown ]; then ds teardown --root "$R" --delete-image; rcn=$RC; on=$(firstline)
      ok=yes; [ $j = open ] && [ "$rcn" != 2 ] && ok=no; [ $j = closed ] && [ "$rcn" != 0 ] && ok=no
      [ $j = open ] && { ds reclaim --root "$R"; ds teardown --root "$R" --delete-image; }
    else ds reclaim --root "$R"; rcn=$RC; on=$(tail -1 "$OUT"); ok=yes; [ "$rcn" = 0 ] || ok=no
      sz1=$(stat -c %s "$R/var/lib/docker-storage.btrfs"); [ "$sz1" = "$sz0" ] || ok=no
      ds teardown --root "$R" --delete-image
    fi
    rc2=$RC; d2=$(debris "$R"); x=$(extra "$R" "$WORK/before" | sed 's#\./var/lib/dockstore/last-reclaim.json ##; s#\./var/lib/dockstore ##')
    if [ $ok = yes ] && [ "$rc2" = 0 ] && [ -z "$d2" ] && [ -z "$x" ]; then rec "K7-$NEXT-$i" "kill -9 reclaim at ${KMS}ms (group=$G, journal $j), $NEXT, teardown" "journal honoured, tree as before" PASS "next $rcn"
    else rec "K7-$NEXT-$i" "kill -9 reclaim at ${KMS}ms (group=$G, journal $j), $NEXT, teardown --delete-image" "teardown refuses while the journal is open, reclaim exit 0, image size back, no debris" FAIL "next $rcn ($on); teardown $rc2; debris $d2; extra $x" "wrong result"; fi
  done
done

}

SECTIONS=${*:-links states space refusals repro kills}
for s in $SECTIONS; do section_$s; done
