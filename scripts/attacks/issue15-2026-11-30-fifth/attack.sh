#!/bin/bash
# Hostile QA for dockstore, issue 15 (byte-exact system files, nothing outside --root, refusals change nothing).
# The fifth outside attack (2026-11-30, ATTACK.md brief: man pages, README and the binary only).
# Usage (as root): D=/path/to/dockstore bash attack.sh [CASE...]; D defaults to this checkout's
# debug build, BASE (where the temporary trees go) to /var/tmp/dockstore-attack15.
set -u
D=${D:-$(cd "$(dirname "$0")/../../.." && pwd)/.build/debug/dockstore}
BASE=${BASE:-/var/tmp/dockstore-attack15}
mkdir -p "$BASE"; chmod 0755 "$BASE"
SIZE=200M

pass() { echo "PASS $1: $2"; }
fail() { echo "FAIL $1: $2"; }

# ---- helpers -------------------------------------------------------------------------------------------------
mkroot() {  # a fresh --root tree with /etc/sysconfig and /var/lib
  R=$(mktemp -d "$BASE/r.XXXXXX") || exit 1
  chmod 0755 "$R"
  mkdir -p "$R/etc/sysconfig" "$R/var/lib"
}
cleanup() {  # only what lies under our own $R
  local r=${1:-}
  [ -n "$r" ] && [ -d "$r" ] || return 0
  case "$r" in "$BASE"/r.*) ;; *) echo "refusing to clean $r" >&2; return 0;; esac
  local t
  # unmount mounts under r (deepest first)
  for t in $(findmnt -rn -o TARGET | awk -v r="$r" 'index($0, r"/")==1' | sort -r); do umount "$t" 2>/dev/null || umount -l "$t"; done
  # detach loop devices whose backing file is under r
  losetup -ln -O NAME,BACK-FILE 2>/dev/null | while read -r dev back; do
    case "$back" in "$r"/*) losetup -d "$dev";; esac
  done
  chattr -R -i -a "$r" 2>/dev/null
  rm -rf -- "$r"
}
treehash() {  # every path, type, mode, owner, size, link target and content hash under $1
  ( cd "$1" && find . -path ./var/lib/docker -prune -o -printf '%p %y %m %U:%G %s %l\n' | LC_ALL=C sort
    # the content of a mounted image changes with btrfs's own commits: hash every other file
    find . -type f ! -name '*.btrfs' -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum ) | sha256sum | cut -c1-16
}
oneline() { [ "$(printf '%s' "$1" | grep -c '')" -le 1 ]; }
run() {  # run dockstore with a timeout; sets OUT, ERR, RC
  OUT=$(timeout 60 "$D" "$@" 2>"$BASE/.err"); RC=$?; ERR=$(cat "$BASE/.err")
}
# after provision+teardown, files dockstore may legitimately leave: backups, dockstore.disabled, run/
leftovers() {
  local skipetc=""
  [ "$(ls -A "$1/etc" 2>/dev/null)" = dockstore.disabled ] && skipetc=1
  (cd "$1" && find . \( -name '*.dockstore.bak' -o -path ./etc/dockstore.disabled -o -path ./run -o -path ./run/dockstore.lock \) -prune -o -print | LC_ALL=C sort) | { if [ -n "$skipetc" ]; then grep -vx './etc'; else cat; fi; }
}

# round trip: provision then teardown --delete-image; fstab/sysconfig/daemon.json byte for byte, and the tree
roundtrip() {  # $1 name, extra provision args in the rest
  local name=$1; shift
  local before after f bad=""
  cp -a "$R" "$R.orig"
  before=$(leftovers "$R")
  run provision --root "$R" --size $SIZE "$@"
  if [ $RC -ne 0 ]; then fail "$name" "provision exit $RC: $ERR"; rm -rf "$R.orig"; return 1; fi
  PROV_OUT=$OUT
  [ -n "${ROUNDTRIP_HOOK:-}" ] && $ROUNDTRIP_HOOK
  run teardown --root "$R" --delete-image "$@"
  if [ $RC -ne 0 ]; then fail "$name" "teardown exit $RC: $ERR"; rm -rf "$R.orig"; return 1; fi
  for f in etc/fstab etc/sysconfig/docker etc/docker/daemon.json; do
    if [ -e "$R.orig/$f" ] || [ -e "$R/$f" ]; then
      cmp -s "$R.orig/$f" "$R/$f" || bad="$bad $f differs($(cmp "$R.orig/$f" "$R/$f" 2>&1 | head -1));"
      [ -e "$R.orig/$f" ] && [ "$(stat -c %a.%U.%G "$R.orig/$f")" != "$(stat -c %a.%U.%G "$R/$f" 2>/dev/null)" ] && bad="$bad $f owner/mode changed;"
    fi
  done
  after=$(leftovers "$R")
  [ "$before" = "$after" ] || bad="$bad tree differs: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ');"
  rm -rf "$R.orig"
  if [ -n "$bad" ]; then fail "$name" "$bad"; return 1; fi
  return 0
}

# refusal: command must exit with $2 (list "2|64"), one line on stderr, tree hash unchanged
refuses() {  # $1 name, $2 expected-rc-regex, rest: dockstore args
  local name=$1 want=$2; shift 2
  local h1 h2
  h1=$(treehash "$R")
  run "$@"
  h2=$(treehash "$R")
  local msg="exit $RC, stderr: $(printf '%s' "$ERR" | head -c 400 | tr '\n' '|')"
  if ! [[ $RC =~ ^($want)$ ]]; then fail "$name" "expected exit $want; $msg"; return 1; fi
  if [ "$h1" != "$h2" ]; then fail "$name" "tree changed by a refusal; $msg"; return 1; fi
  if ! oneline "$ERR"; then fail "$name" "refusal is not one line; $msg"; return 1; fi
  pass "$name" "refused and changed nothing; $msg"
}

# ---- cases ---------------------------------------------------------------------------------------------------

case_fstab_hostile_bytes_roundtrip() {
  mkroot
  { printf 'UUID=1111 / ext4 defaults 0 1\n'; printf '# nul:\0:here latin1:\xe9\xff\n'; printf 'tmpfs /tmp tmpfs defaults 0 0\r\n'
    printf '# long '; head -c 200000 /dev/zero | tr '\0' 'x'; printf '\n'; printf '\t\t  \n'; printf '/dev/sdz1\t/srv\\040x\txfs\tdefaults'; } > "$R/etc/fstab"
  chmod 0640 "$R/etc/fstab"; chown root:adm "$R/etc/fstab" 2>/dev/null
  roundtrip fstab_hostile_bytes_roundtrip && pass fstab_hostile_bytes_roundtrip "fstab with NUL, Latin-1, CRLF, 200 kB line, tabs, no final newline, mode 0640 root:adm came back byte for byte"
  cleanup "$R"
}

case_fstab_missing_and_folders_roundtrip() {
  R=$(mktemp -d "$BASE/r.XXXXXX"); chmod 0755 "$R"; mkdir -p "$R/var/lib"   # no /etc at all
  roundtrip fstab_missing_and_folders_roundtrip && pass fstab_missing_and_folders_roundtrip "no /etc at all: provision created what it needed and teardown removed it all"
  cleanup "$R"
}

case_sysconfig_nofinalnl_roundtrip() {
  mkroot
  printf '## Path:\tSystem/Management\n# caf\xe9 latin1\n\nDOCKER_NETWORK_OPTIONS="--mtu=1400"\nFOO=bar' > "$R/etc/sysconfig/docker"
  chmod 2640 "$R/etc/sysconfig/docker"
  roundtrip sysconfig_nofinalnl_roundtrip && pass sysconfig_nofinalnl_roundtrip "sysconfig without DOCKER_OPTS, without final newline, Latin-1, setgid mode came back byte for byte"
  cleanup "$R"
}

case_sysconfig_quoting_roundtrip() {
  local v
  for v in "DOCKER_OPTS=--log-level=warn" "DOCKER_OPTS='--log-level=warn'\"\"" "DOCKER_OPTS=  " "DOCKER_OPTS=\"\"" "DOCKER_OPTS='a b'" "DOCKER_OPTS=\"--log-opt=tag=%x\"   " "DOCKER_OPTS=\"--label=a\\\\b\""; do
    mkroot
    printf '# x\n%s\n' "$v" > "$R/etc/sysconfig/docker"
    cp "$R/etc/sysconfig/docker" "$BASE/.orig"
    PROBE() {
      local b s
      b=$(bash -c 'set -e; source "$1"; printf %s "$DOCKER_OPTS"' _ "$R/etc/sysconfig/docker" 2>&1)
      case "$b" in *--storage-driver=btrfs*) ;; *) fail sysconfig_quoting_roundtrip "after provision bash reads DOCKER_OPTS as [$b] for original [$v]";; esac
    }
    ROUNDTRIP_HOOK=PROBE
    if roundtrip "sysconfig_quoting_roundtrip[$v]"; then echo "   sysconfig_quoting[$v]: round trip exact"; else
      # a refusal is allowed (documented) only with exit 2, one line, unchanged
      :
    fi
    ROUNDTRIP_HOOK=
    cleanup "$R"
  done
  pass sysconfig_quoting_roundtrip "checked (any FAIL above names the spelling)"
}

case_sysconfig_cr_refused() {
  mkroot
  printf 'DOCKER_OPTS="--log-level=warn"\r\n' > "$R/etc/sysconfig/docker"
  refuses sysconfig_cr_refused 2 provision --root "$R" --size $SIZE
  cleanup "$R"
}

case_sysconfig_bash_systemd_differ_refused() {
  local v n=0
  for v in 'DOCKER_OPTS="-s overlay2"; DOCKER_OPTS="-s vfs"' 'DOCKER_OPTS=a"b c"' "DOCKER_OPTS=~/x" 'DOCKER_OPTS="x" # c' 'export DOCKER_OPTS="-s vfs"' 'DOCKER_OPTS="\' 'DOCKER_OPTS=$(id)' 'DOCKER_OPTS=x:~root' 'DOCKER_OPTS=(a b)' 'DOCKER_OPTS[0]=x' 'DOCKER_OPTS+=x' 'if true; then :; fi' '; DOCKER_OPTS=x' 'DOCKER_OPTS=x && true'; do
    n=$((n+1)); mkroot
    printf '%s\n' "$v" > "$R/etc/sysconfig/docker"
    refuses "sysconfig_differ_refused_$n" 2 provision --root "$R" --size $SIZE >/dev/null || echo "   (line: $(printf '%q' "$v"))" ; 
    [ $RC = 2 ] || echo "FAIL sysconfig_differ_refused_$n: line $(printf '%q' "$v") exit $RC"
    cleanup "$R"
  done
  pass sysconfig_bash_systemd_differ_refused "$n spellings tried (FAIL lines above if any)"
}

case_daemon_json_dup_key_refused() {
  mkroot; mkdir -p "$R/etc/docker"
  printf '{"storage-driver": "btrfs", "storage-driver": "overlay2"}\n' > "$R/etc/docker/daemon.json"
  refuses daemon_json_dup_key_refused 2 provision --root "$R" --size $SIZE
  cleanup "$R"
}

case_daemon_json_dup_key_accepted() {
  # last key wins: overlay2 then btrfs -> btrfs, provision must not write a driver flag (dockerd refuses both)
  mkroot; mkdir -p "$R/etc/docker"
  printf '{"storage-driver": "overlay2", "storage\\u002ddriver": "btrfs"}' > "$R/etc/docker/daemon.json"
  if roundtrip daemon_json_dup_key_accepted; then pass daemon_json_dup_key_accepted "escaped duplicate key read as dockerd reads it (last btrfs), round trip exact"; fi
  cleanup "$R"
}

case_daemon_json_bytes_kept_by_backend() {
  # backend btrfs removes the storage keys; every other byte stays; result must be valid for Go's decoder
  mkroot; mkdir -p "$R/etc/docker"
  printf '{\n\t"log-opts": {"tag": "caf\xe9\\u0000"},\r\n  "storage-driver":"overlay2" ,\n  "storage-opts": ["overlay2.size=1G"],\n  "debug": true\n}\n   trailing-bytes-not-read' > "$R/etc/docker/daemon.json"
  mkdir -p "$R/var/lib/docker"; mount -t tmpfs tmpfs "$R/var/lib/docker" 2>/dev/null
  run backend btrfs --force --root "$R"
  local j; j=$(cat -v "$R/etc/docker/daemon.json")
  if [ $RC -ne 0 ]; then fail daemon_json_bytes_kept_by_backend "backend exit $RC: $ERR"
  elif grep -q storage "$R/etc/docker/daemon.json"; then fail daemon_json_bytes_kept_by_backend "storage key left: $j"
  elif ! grep -q $'caf\xe9\\\\u0000' "$R/etc/docker/daemon.json" || ! grep -q 'trailing-bytes-not-read' "$R/etc/docker/daemon.json"; then fail daemon_json_bytes_kept_by_backend "other bytes not kept: $j"
  elif ! python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().split(b"}\n")[0].decode("latin1")+"}")' "$R/etc/docker/daemon.json" 2>/dev/null && ! go version >/dev/null 2>&1; then fail daemon_json_bytes_kept_by_backend "result not JSON: $j"
  else pass daemon_json_bytes_kept_by_backend "storage keys removed, Latin-1/\\u0000/CRLF/trailing bytes kept: $(printf '%s' "$j" | tr '\n' '|')"; fi
  cleanup "$R"
}

case_daemon_json_unknown_key_refused() {
  local v n=0
  for v in '{"Storage-Driver":"btrfs"}' '{"storage-driver\u0000":"btrfs"}' $'\xef\xbb\xbf{"debug":true}' '{"debug":true,}' '{"debug":true /*c*/}' '{"storage-driver":"btrfs"' '[]' ''; do
    n=$((n+1)); mkroot; mkdir -p "$R/etc/docker"
    printf '%s' "$v" > "$R/etc/docker/daemon.json"
    refuses "daemon_json_refused_$n($(printf '%q' "$v"|head -c 40))" 2 provision --root "$R" --size $SIZE
    cleanup "$R"
  done
}

case_daemon_json_special_files() {
  local kind
  for kind in dir fifo dangling-link link-out; do
    mkroot; mkdir -p "$R/etc/docker"
    case $kind in
      dir) mkdir "$R/etc/docker/daemon.json";;
      fifo) mkfifo "$R/etc/docker/daemon.json";;
      dangling-link) ln -s /nonexistent "$R/etc/docker/daemon.json";;
      link-out) ln -s ../../../../../../../../etc/hostname "$R/etc/docker/daemon.json";;
    esac
    refuses "daemon_json_$kind" '2' provision --root "$R" --size $SIZE
    cleanup "$R"
  done
}

case_sysconfig_special_files() {
  local kind
  for kind in dir fifo link-abs-in link-out; do
    mkroot
    case $kind in
      dir) mkdir "$R/etc/sysconfig/docker";;
      fifo) mkfifo "$R/etc/sysconfig/docker";;
      link-abs-in) printf 'DOCKER_OPTS=""\n' > "$R/etc/sysconfig/real"; ln -s /etc/sysconfig/real "$R/etc/sysconfig/docker";;
      link-out) ln -s /etc/hostname "$R/etc/sysconfig/docker";;
    esac
    refuses "sysconfig_$kind" '2' provision --root "$R" --size $SIZE
    cleanup "$R"
  done
}

case_fstab_special_files() {
  local kind
  for kind in dir fifo immutable appendonly readonly-bind full; do
    mkroot; printf '# fstab\n' > "$R/etc/fstab"
    case $kind in
      dir) rm "$R/etc/fstab"; mkdir "$R/etc/fstab";;
      fifo) rm "$R/etc/fstab"; mkfifo "$R/etc/fstab";;
      immutable) chattr +i "$R/etc/fstab";;
      appendonly) chattr +a "$R/etc/fstab";;
      readonly-bind) mount --bind "$R/etc" "$R/etc" && mount -o remount,bind,ro "$R/etc";;
      full) mv "$R/etc" "$R/etc.x"; mkdir "$R/etc"; mount -t tmpfs -o size=64k tmpfs "$R/etc"; cp -a "$R/etc.x/." "$R/etc/"; rm -rf "$R/etc.x"; dd if=/dev/zero of="$R/etc/filler" bs=4k 2>/dev/null;;
    esac
    refuses "fstab_$kind" '2' provision --root "$R" --size $SIZE
    cleanup "$R"
  done
}

case_etc_symlink_absolute_inside() {
  # /etc is an absolute link to /realetc inside the tree: files must land in $R/realetc, nothing in host /realetc
  mkroot; mv "$R/etc" "$R/realetc"; ln -s /realetc "$R/etc"; printf '# x\n' > "$R/realetc/fstab"
  local bad=""
  cp -a "$R/realetc" "$BASE/.realetc.orig"
  run provision --root "$R" --size $SIZE
  [ $RC -eq 0 ] || bad="provision exit $RC: $ERR;"
  [ -e /realetc ] && bad="$bad wrote host /realetc;"
  grep -q docker-storage "$R/realetc/fstab" || bad="$bad fstab line not in \$R/realetc/fstab;"
  [ -L "$R/etc" ] || bad="$bad \$R/etc link replaced;"
  run teardown --root "$R" --delete-image
  [ $RC -eq 0 ] || bad="$bad teardown exit $RC: $ERR;"
  cmp -s "$BASE/.realetc.orig/fstab" "$R/realetc/fstab" || bad="$bad fstab not given back;"
  [ -e "$R/realetc/sysconfig/docker" ] && bad="$bad sysconfig/docker left: $(cat -A "$R/realetc/sysconfig/docker"|head -3|tr '\n' '|');"
  rm -rf "$BASE/.realetc.orig"
  if [ -n "$bad" ]; then fail etc_symlink_absolute_inside "$bad"; else pass etc_symlink_absolute_inside "absolute /etc link followed inside the tree, round trip exact, host untouched"; fi
  cleanup "$R"
}

case_sysconfig_dir_link_escapes() {
  # /etc/sysconfig is a relative link climbing far above the root: .. must stop at --root
  mkroot; rmdir "$R/etc/sysconfig"; mkdir "$R/sc"; ln -s ../../../../../../../../../../sc "$R/etc/sysconfig"
  local stamp="$BASE/.stamp"; touch "$stamp"; sleep 1
  run provision --root "$R" --size $SIZE
  local bad=""
  [ $RC -eq 0 ] || bad="provision exit $RC: $ERR;"
  [ -e /sc ] && bad="$bad host /sc exists;"
  [ -f "$R/sc/docker" ] || bad="$bad \$R/sc/docker not written;"
  run teardown --root "$R" --delete-image
  [ -e "$R/sc/docker" ] && bad="$bad sysconfig created by provision left after teardown;"
  if [ -n "$bad" ]; then fail sysconfig_dir_link_escapes "$bad"; else pass sysconfig_dir_link_escapes "relative link with many .. stayed inside --root"; fi
  cleanup "$R"
}

case_mountpoint_escapes_readers() {
  # % and \ in the mountpoint: fstab (libmount), drop-in (systemd unescape) must give back the same path
  local mp n=0
  for mp in '/srv/d%i%%x' '/srv/back\slash' '/srv/com,ma' '/srv/quo"te' "/srv/ap'os" '/srv/#hash' '/srv/dot..dot' '/srv/-dash' '/srv/é'; do
    n=$((n+1)); mkroot; mkdir -p "$R/srv"
    run provision --root "$R" --size $SIZE --mountpoint "$mp"
    if [ $RC -ne 0 ]; then
      if [ $RC = 64 ] || [ $RC = 2 ]; then echo "   mountpoint_escapes($mp): refused exit $RC: $ERR"; else fail "mountpoint_escapes_$n" "$mp: provision exit $RC: $ERR"; fi
      cleanup "$R"; continue
    fi
    local t; t=$(findmnt --fstab -F "$R/etc/fstab" -n -o TARGET -S /var/lib/docker-storage.btrfs 2>&1)
    [ "$t" = "$mp" ] || fail "mountpoint_escapes_$n" "$mp: libmount reads the fstab target as [$t]"
    # drop-in: RequiresMountsFor value; unescape as systemd: strip quotes, \\ -> \, \" -> ", %% -> %
    local line val
    line=$(grep '^RequiresMountsFor=' "$R/etc/systemd/system/docker.service.d/dockstore.conf")
    val=$(python3 - "$line" <<'EOF'
import sys,shlex
v=sys.argv[1].split('=',1)[1]
if v.startswith('"'):
    out='';i=1
    while v[i]!='"':
        if v[i]=='\\': i+=1
        out+=v[i]; i+=1
    v=out
print(v.replace('%%','%'))
EOF
)
    [ "$val" = "$mp" ] || fail "mountpoint_escapes_$n" "$mp: drop-in line [$line] reads back as [$val]"
    # systemd-analyze verify on a copy of the drop-in with a dummy docker.service
    local U="$R/.units"; mkdir -p "$U/docker.service.d"; printf '[Service]\nExecStart=/bin/true\n' > "$U/docker.service"
    cp "$R/etc/systemd/system/docker.service.d/dockstore.conf" "$U/docker.service.d/"
    local v; v=$(SYSTEMD_UNIT_PATH="$U:" systemd-analyze verify --man=no "$U/docker.service" 2>&1 | grep -iv 'not found\|Failed to open\|dbus' | head -3)
    [ -z "$v" ] || fail "mountpoint_escapes_$n" "$mp: systemd-analyze verify: $v"
    rm -rf "$U"
    local bad=""
    [ "$(findmnt -rn -o TARGET -T "$R$mp" | head -1)" = "$(findmnt -rn -o TARGET -M "$R$mp" 2>/dev/null| head -1)" ] || true
    run teardown --root "$R" --delete-image --mountpoint "$mp"
    [ $RC -eq 0 ] || fail "mountpoint_escapes_$n" "$mp: teardown exit $RC: $ERR"
    grep -q docker-storage "$R/etc/fstab" 2>/dev/null && fail "mountpoint_escapes_$n" "$mp: fstab line left after teardown"
    echo "   mountpoint_escapes($mp): provision+teardown ok, fstab target [$t], drop-in [$line]"
    cleanup "$R"
  done
  pass mountpoint_escapes_readers "$n mountpoints tried (FAIL lines above if any)"
}

case_image_path_bad_chars_refused() {
  local p n=0
  for p in '/srv/a,b/img' '/srv/a\b/img' '/srv/a"b/img' "/srv/a'b/img" $'/srv/a\nb/img' $'/srv/a\tb/img' $'/srv/\xff/img' $'/srv/\xe2\x80\xaeimg' '/srv/img/' '/srv/a b/img' $'/srv/a\x7fb/img' $'/srv/\xc2\x85/img'; do
    n=$((n+1)); mkroot; mkdir -p "$R/srv"
    refuses "image_path_refused_$n($(printf '%q' "$p"))" 64 provision --root "$R" --size $SIZE --image "$p"
    cleanup "$R"
  done
}

case_mountpoint_bad_chars_refused() {
  local p n=0
  for p in $'/srv/a\nb' $'/srv/a\rb' $'/srv/\xff' $'/srv/\xe2\x80\x8b' '/srv/a b' $'/srv/\xef\xbf\xbe' 'relative/x'; do
    n=$((n+1)); mkroot; mkdir -p "$R/srv"
    refuses "mountpoint_refused_$n($(printf '%q' "$p"))" 64 provision --root "$R" --size $SIZE --mountpoint "$p"
    cleanup "$R"
  done
}

case_dropin_admin_lines_refused() {
  local v n=0
  for v in $'[Unit]\nRequiresMountsFor=/var/lib/docker\n[Service]\nEnvironment=HTTP_PROXY=x\n' $'[Unit]\r\nRequiresMountsFor=/var/lib/docker\r\n' $'# \xff\n[Unit]\nRequiresMountsFor=/var/lib/docker\n'; do
    n=$((n+1)); mkroot; mkdir -p "$R/etc/systemd/system/docker.service.d"
    printf '%s' "$v" > "$R/etc/systemd/system/docker.service.d/dockstore.conf"
    refuses "dropin_admin_lines_refused_$n" 2 provision --root "$R" --size $SIZE
    cleanup "$R"
  done
}

case_teardown_glued_line_refused() {
  mkroot; printf '# x\n' > "$R/etc/fstab"
  run provision --root "$R" --size $SIZE
  if [ $RC -ne 0 ]; then fail teardown_glued_line_refused "provision exit $RC: $ERR"; cleanup "$R"; return; fi
  # glue an admin line onto the store line (the store line loses its newline)
  python3 - "$R/etc/fstab" <<'EOF'
import sys
p=sys.argv[1]; b=open(p,'rb').read()
b=b.replace(b'0 0\n', b'0 0/dev/sdq1 /data ext4 defaults 0 2\n',1)
open(p,'wb').write(b)
EOF
  refuses teardown_glued_line_refused 2 teardown --root "$R" --delete-image
  cleanup "$R"
}

case_teardown_nothing_changes_nothing() {
  mkroot; printf '# hi\n' > "$R/etc/fstab"; printf 'DOCKER_OPTS="--storage-driver=devicemapper --storage-opt dm.thinpooldev=/dev/mapper/docker-thinpool"\n' > "$R/etc/sysconfig/docker"
  local h1; h1=$(treehash "$R")
  run teardown --root "$R" --delete-image
  local h2; h2=$(treehash "$R")
  if [ $RC -ne 0 ] || [ "$h1" != "$h2" ]; then fail teardown_nothing_changes_nothing "exit $RC, changed=$([ "$h1" = "$h2" ] && echo no || echo yes): $ERR $OUT"
  else pass teardown_nothing_changes_nothing "teardown on a never-provisioned tree (admin devicemapper thinpool flags) changed nothing: $OUT"; fi
  cleanup "$R"
}

case_teardown_restores_admin_driver() {
  # the admin had another driver in DOCKER_OPTS; provision replaced it with btrfs; does teardown give it back?
  mkroot; printf '# x\nDOCKER_OPTS="-s overlay2 --log-level=warn"\n' > "$R/etc/sysconfig/docker"
  roundtrip teardown_restores_admin_driver && pass teardown_restores_admin_driver "admin's -s overlay2 came back after teardown"
  cleanup "$R"
}

case_backend_roundtrip_then_teardown() {
  # provision, backend overlay2 --force, backend btrfs, teardown: sysconfig must come back byte for byte
  mkroot; printf "# c\nDOCKER_OPTS='--log-level=warn'\nX=1" > "$R/etc/sysconfig/docker"
  backend_dance() { run backend overlay2 --force --root "$R"; [ $RC -eq 0 ] || fail backend_roundtrip_then_teardown "backend overlay2 exit $RC: $ERR"; run backend btrfs --root "$R"; [ $RC -eq 0 ] || fail backend_roundtrip_then_teardown "backend btrfs exit $RC: $ERR"; }
  ROUNDTRIP_HOOK=backend_dance
  roundtrip backend_roundtrip_then_teardown && pass backend_roundtrip_then_teardown "provision, backend overlay2, backend btrfs, teardown gave sysconfig back byte for byte"
  ROUNDTRIP_HOOK=
  cleanup "$R"
}

case_backend_storage_opt_in_sysconfig_roundtrip() {
  mkroot; printf 'DOCKER_OPTS="--storage-opt=btrfs.min_space=1G --log-level=warn"\n' > "$R/etc/sysconfig/docker"
  roundtrip backend_storage_opt_roundtrip && pass backend_storage_opt_roundtrip "admin's btrfs storage-opt survives provision+teardown"
  cleanup "$R"
}

case_nothing_outside_root() {
  # watch host paths during a full provision/backend/teardown cycle
  mkroot; mkdir -p "$R/etc/docker"; printf '{"storage-driver":"overlay2"}' > "$R/etc/docker/daemon.json"
  local stamp="$BASE/.stamp.out"; touch "$stamp"; sleep 1.1
  run backend btrfs --force --root "$R"; local r1=$RC
  run provision --root "$R" --size $SIZE; local r2=$RC
  run teardown --root "$R" --delete-image; local r3=$RC
  local new; new=$(find /etc /run /var/lib /root -xdev -maxdepth 3 -newer "$stamp" 2>/dev/null | grep -i -E 'dock|fstab|sysconfig|btrfs' | grep -v "^$BASE" | head)
  [ -e /run/dockstore.lock ] && [ /run/dockstore.lock -nt "$stamp" ] && new="$new /run/dockstore.lock"
  if [ -n "$new" ]; then fail nothing_outside_root "host paths changed: $new (rc $r1/$r2/$r3)"
  else pass nothing_outside_root "backend/provision/teardown (rc $r1/$r2/$r3) wrote nothing dockstore-like in host /etc /run /var/lib /root"; fi
  cleanup "$R"
}

case_settings_file_hostile() {
  local v n=0
  for v in $'DOCKSTORE_MOUNTPOINT="/srv/x"\r' 'DOCKSTORE_MOUNTPOINT="/srv/a b"' $'DOCKSTORE_IMAGE="/srv/\xff"' 'DOCKSTORE_SIZE=$(id)' 'export DOCKSTORE_SIZE=1G' 'DOCKSTORE_SIZE="1G" # c' 'DOCKSTORE_MOUNT_OPTIONS="ro"' 'DOCKSTORE_MOUNT_OPTIONS="x-systemd.requires=a,b\\x"' 'DOCKSTORE_BOGUS=1'; do
    n=$((n+1)); mkroot; mkdir -p "$R/srv"
    printf '%s\n' "$v" > "$R/etc/sysconfig/dockstore"
    refuses "settings_refused_$n($(printf '%q' "$v"|head -c 50))" '2|64' provision --root "$R" --size $SIZE
    cleanup "$R"
  done
  mkroot; printf 'DOCKSTORE_SIZE="200M"\n' > "$R/etc/sysconfig/dockstore"; chmod 0666 "$R/etc/sysconfig/dockstore"
  refuses settings_world_writable 2 provision --root "$R"; cleanup "$R"
  mkroot; chmod 0777 "$R/etc/sysconfig"; printf 'DOCKSTORE_SIZE="200M"\n' > "$R/etc/sysconfig/dockstore"
  refuses settings_folder_world_writable 2 provision --root "$R"; cleanup "$R"
}

case_mount_options_readers() {
  # mount options with escapes: fstab must be read back by libmount as given
  local o n=0
  for o in 'compress=zstd:3' 'commit=120,x-systemd.device-timeout=5s' 'x-mine=a\040b' 'x-q="a,b"'; do
    n=$((n+1)); mkroot
    printf 'DOCKSTORE_MOUNT_OPTIONS="%s"\n' "$o" > "$R/etc/sysconfig/dockstore"
    run provision --root "$R" --size $SIZE
    if [ $RC -ne 0 ]; then echo "   mount_options($o): exit $RC: $ERR"; cleanup "$R"; continue; fi
    local got; got=$(findmnt --fstab -F "$R/etc/fstab" -n -o OPTIONS -S /var/lib/docker-storage.btrfs)
    case ",$got," in *",$o,"*) echo "   mount_options($o): fstab options [$got]";; *) fail "mount_options_$n" "option [$o] read back by libmount as [$got]";; esac
    run teardown --root "$R" --delete-image; [ $RC -eq 0 ] || fail "mount_options_$n" "teardown exit $RC: $ERR"
    cleanup "$R"
  done
  pass mount_options_readers "$n option strings tried (FAIL lines above if any)"
}

case_fstab_swap_during_write() {
  # DOCKSTORE_PAUSE=atomic-write: swap /etc for a link to a folder outside the tree while provision waits
  mkroot; printf '# x\n' > "$R/etc/fstab"
  local OUTSIDE; OUTSIDE=$(mktemp -d "$BASE/out.XXXXXX")
  ( DOCKSTORE_PAUSE=atomic-write timeout 120 "$D" provision --root "$R" --size $SIZE >"$BASE/.o" 2>"$BASE/.e"; echo $? > "$BASE/.rc" ) &
  local pid=$! i
  for i in $(seq 1 40); do grep -q '\[fstab\]\|\[mount\]' "$BASE/.o" 2>/dev/null && break; sleep 0.25; done
  mv "$R/etc" "$R/etc.moved"; ln -s "$OUTSIDE" "$R/etc"
  wait $pid
  local bad=""; [ -n "$(ls -A "$OUTSIDE")" ] && bad="wrote outside --root: $(ls -A "$OUTSIDE" | tr '\n' ' ')"
  rm -f "$R/etc"; mv "$R/etc.moved" "$R/etc"
  if [ -n "$bad" ]; then fail fstab_swap_during_write "$bad (rc $(cat "$BASE/.rc"))"; else pass fstab_swap_during_write "folder swapped for a link outside --root during the paused write: nothing written there (rc $(cat "$BASE/.rc"): $(tail -1 "$BASE/.e"))"; fi
  run teardown --root "$R" --delete-image
  cleanup "$R"; rm -rf -- "$OUTSIDE"
}

case_backup_name_is_directory() {
  # fstab.dockstore.bak / docker.dockstore.bak is a folder: must be refused before the image is made and mounted
  local which
  for which in etc/fstab.dockstore.bak etc/sysconfig/docker.dockstore.bak; do
    mkroot; printf '# fstab\n' > "$R/etc/fstab"; printf 'DOCKER_OPTS=""\n' > "$R/etc/sysconfig/docker"
    mkdir "$R/$which"; touch "$R/$which/keep"
    refuses "backup_name_is_directory(${which})" 2 provision --root "$R" --size $SIZE || {
      echo "   mounted after the failure: $(findmnt -rn -o TARGET | grep -c "^$R/") mount(s); fstab: $(grep -c docker-storage "$R/etc/fstab") store line(s)"; }
    run teardown --root "$R" --delete-image
    cleanup "$R"
  done
}

case_backup_name_is_immutable() {
  mkroot; printf '# fstab\n' > "$R/etc/fstab"; printf '# old\n' > "$R/etc/fstab.dockstore.bak"; chattr +i "$R/etc/fstab.dockstore.bak"
  refuses backup_name_is_immutable 2 provision --root "$R" --size $SIZE || echo "   mounted after: $(findmnt -rn -o TARGET | grep -c "^$R/")"
  run teardown --root "$R" --delete-image
  cleanup "$R"
}

case_etc_inodes_exhausted() {
  # /etc has free bytes but no free inodes: the temp file cannot be created; must be refused before anything changes
  mkroot; rm -rf "$R/etc"; mkdir "$R/etc"; mount -t tmpfs -o size=4m,nr_inodes=6 tmpfs "$R/etc"
  mkdir "$R/etc/sysconfig"; printf '# fstab\n' > "$R/etc/fstab"
  local i=0; while touch "$R/etc/f$i" 2>/dev/null; do i=$((i+1)); done
  refuses etc_inodes_exhausted 2 provision --root "$R" --size $SIZE || echo "   mounted after: $(findmnt -rn -o TARGET | grep -c "^$R/var")"
  run teardown --root "$R" --delete-image
  cleanup "$R"
}

case_stale_temp_names() {
  # names that look like dockstore's temp files but that dockstore cannot have left (it creates regular files
  # with O_EXCL): a symlink, a FIFO, a hard link of another file. They must not be deleted.
  mkroot; printf '# fstab\n' > "$R/etc/fstab"; echo secret > "$R/etc/passwd"
  ln -s /etc/passwd "$R/etc/.fstab.dockstore-99997-0"; ln "$R/etc/passwd" "$R/etc/.fstab.dockstore-99996-0"; mkfifo "$R/etc/.fstab.dockstore-99995-0"
  run provision --root "$R" --size $SIZE
  local gone=""
  for n in 99997 99996 99995; do [ -e "$R/etc/.fstab.dockstore-$n-0" ] || [ -L "$R/etc/.fstab.dockstore-$n-0" ] || gone="$gone .fstab.dockstore-$n-0"; done
  if [ -n "$gone" ]; then fail stale_temp_names "provision (rc $RC) deleted objects it cannot have created:$gone (a symlink, a hard link of etc/passwd, a FIFO)"
  else pass stale_temp_names "non-regular / multiply-linked look-alike temp names kept"; fi
  run teardown --root "$R" --delete-image
  cleanup "$R"
}

case_migrate_roundtrip() {
  # provision, migrate-ebs onto a loop device, teardown --wipe-device: fstab with hostile bytes and no final
  # newline must come back byte for byte; no folder left behind
  mkroot; mkdir -p "$R/disk"
  { printf 'UUID=1 / ext4 defaults 0 1\n# caf\xe9\0\r\n'; printf 'tmpfs /t tmpfs defaults 0 0'; } > "$R/etc/fstab"
  cp -a "$R" "$R.orig"
  truncate -s 1G "$R/disk/ebs"; local L; L=$(losetup -f --show "$R/disk/ebs")
  local bad=""
  run provision --root "$R" --size $SIZE; [ $RC -eq 0 ] || bad="provision exit $RC: $ERR;"
  OUT=$(timeout 300 "$D" migrate-ebs "$L" --root "$R" --yes 2>&1); RC=$?; [ $RC -eq 0 ] || bad="$bad migrate-ebs exit $RC: $(echo "$OUT"|tail -1);"
  local src; src=$(findmnt --fstab -F "$R/etc/fstab" -n -o SOURCE -T /var/lib/docker 2>/dev/null)
  case "$src" in UUID=*) ;; *) bad="$bad fstab after migrate reads as [$src];";; esac
  run teardown --root "$R" --wipe-device; [ $RC -eq 0 ] || bad="$bad teardown exit $RC: $ERR;"
  cmp -s "$R.orig/etc/fstab" "$R/etc/fstab" || bad="$bad fstab not byte-exact;"
  [ -e "$R/etc/sysconfig/docker" ] && bad="$bad sysconfig/docker left;"
  local extra; extra=$(diff <(leftovers "$R.orig") <(leftovers "$R") | grep "^>" | grep -v "/disk" | tr "\n" " ")
  [ -n "$extra" ] && bad="$bad left behind: $extra;"
  losetup -d "$L" 2>/dev/null; rm -rf "$R.orig"
  if [ -n "$bad" ]; then fail migrate_roundtrip "$bad"; else pass migrate_roundtrip "provision, migrate-ebs, teardown --wipe-device gave fstab back byte for byte, nothing left"; fi
  cleanup "$R"
}

case_grow_touches_only_image() {
  mkroot; printf '# f\n' > "$R/etc/fstab"
  run provision --root "$R" --size $SIZE
  local h1 h2; h1=$( (cd "$R" && find etc run -printf '%p %m %s %T@\n' | sort; find etc -type f -print0 | xargs -0 sha256sum) | sha256sum)
  refuses grow_shrink_refused 2 grow --root "$R" --to 150M
  run grow --root "$R" --to 300M; local r=$RC
  h2=$( (cd "$R" && find etc run -printf '%p %m %s %T@\n' | sort; find etc -type f -print0 | xargs -0 sha256sum) | sha256sum)
  local sz; sz=$(stat -c %s "$R/var/lib/docker-storage.btrfs")
  if [ $r -ne 0 ] || [ "$sz" != $((300*1024*1024)) ]; then fail grow_touches_only_image "grow exit $r size $sz: $ERR"
  elif [ "$h1" != "$h2" ]; then fail grow_touches_only_image "grow changed files under etc/ or run/"
  else pass grow_touches_only_image "grow --to 300M grew the image and changed nothing under etc/ and run/"; fi
  run teardown --root "$R" --delete-image
  cleanup "$R"
}

dockerd_oracle() {  # $1 config file; prints "starts" or "refuses: reason"; cleans its own dirs and mounts
  local T; T=$(mktemp -d "$BASE/dk.XXXXXX") || return
  timeout 6 dockerd --config-file "$1" --storage-driver=vfs --data-root "$T/data" --exec-root "$T/exec" --pidfile "$T/pid" \
    --host "unix://$T/sock" --iptables=false --bridge=none >"$T/log" 2>&1
  if grep -q 'API listen on' "$T/log"; then echo starts; else echo "refuses: $(grep -o 'unable to configure.*\|failed to start daemon.*' "$T/log" | head -1 | cut -c1-200)"; fi
  local m; for m in $(findmnt -rn -o TARGET | awk -v r="$T" 'index($0, r"/")==1' | sort -r); do umount "$m"; done
  [ -n "$T" ] && rm -rf -- "$T"
}

case_daemon_json_value_types_oracle() {
  # backend (no driver) must say "dockerd can start" exactly when dockerd starts; DOCKER_OPTS sets vfs
  local J n=0 want got
  for J in '{"debug":"yes"}' '{"features":{"buildkit":"true"}}' '{"storage-opts":"overlay2.size=1G"}' '{"debug":true}' '{"storage\u002dopts":[]}' '{"storage-driver":"overlay2","storage-driver":"vfs"} xx'; do
    n=$((n+1)); mkroot; mkdir -p "$R/etc/docker"; printf '%s' "$J" > "$R/etc/docker/daemon.json"
    printf 'DOCKER_OPTS="--storage-driver=vfs"\n' > "$R/etc/sysconfig/docker"
    want=$(dockerd_oracle "$R/etc/docker/daemon.json")
    run backend --root "$R"
    case "$want:$RC" in starts:0|refuses*:4|refuses*:2) echo "   daemon_json_types($J): dockerd $want, backend exit $RC";;
      *) fail "daemon_json_types_$n" "$J: dockerd ${want}, but backend exit $RC: $(echo "$OUT" | grep state)";; esac
    cleanup "$R"
  done
  pass daemon_json_value_types_oracle "$n files compared with dockerd 20.10 (FAIL lines above if any)"
}

case_sysconfig_long_line_owner_roundtrip() {
  # a 180 kB single-quoted DOCKER_OPTS (so the "changed by dockstore" comment must carry 200 kB), odd owner and mode
  mkroot
  { printf "## Type: string\nDOCKER_OPTS='"; for i in $(seq 1 12000); do printf -- '--label=k%05d ' $i; done; printf "'\n"; } > "$R/etc/sysconfig/docker"
  chown 1234:4321 "$R/etc/sysconfig/docker"; chmod 4604 "$R/etc/sysconfig/docker"
  chown 1234:4321 "$R/etc/sysconfig"; chmod 0750 "$R/etc/sysconfig"
  check_readers() {
    local b; b=$(bash -c 'source "$1"; printf %s "$DOCKER_OPTS"' _ "$R/etc/sysconfig/docker" | wc -c)
    [ "$b" -gt 170000 ] || fail sysconfig_long_line_owner_roundtrip "bash reads DOCKER_OPTS as $b bytes after provision"
  }
  ROUNDTRIP_HOOK=check_readers
  roundtrip sysconfig_long_line_owner_roundtrip && pass sysconfig_long_line_owner_roundtrip "180 kB single-quoted DOCKER_OPTS, owner 1234:4321, mode 4604 came back byte for byte"
  ROUNDTRIP_HOOK=
  [ "$(stat -c %a.%u.%g "$R/etc/sysconfig")" = 750.1234.4321 ] || fail sysconfig_long_line_owner_roundtrip "folder /etc/sysconfig owner/mode changed: $(stat -c %a.%u.%g "$R/etc/sysconfig")"
  cleanup "$R"
}

ALL=$(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//')
if [ $# -eq 0 ]; then set -- $ALL; fi
for c in "$@"; do "case_$c"; done
rm -f "$BASE/.err" "$BASE/.o" "$BASE/.e" "$BASE/.rc" "$BASE/.orig" "$BASE"/.stamp*
