#!/bin/bash
# Attack 18 A: how dockstore reads docker.service. Run as root:  bash attack.sh [oracle|side|all] [CASE...]
# Part 1 (oracle): one booted systemd 252 (nspawn) copy of the boot-test root; for each case a docker.service
#   tree is written into it, systemd daemon-reloads and STARTS docker.service with a fake dockerd that records
#   its argv; dockstore backend --root COPY must report a problem exactly when DOCKER_OPTS
#   ("--storage-driver=btrfs --debug") did not reach dockerd as those two words (or another storage flag came too).
# Part 2 (side): side effects, each case under its own fresh mktemp -d root.
set -u
D=${DOCKSTORE:-/work/attack18/dockstore}
SRC=/var/cache/dockstore-boot-test/bookworm-c9321a38d22825c0/root
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=${1:-all}; shift || true
ONLY="$*"
WORK=$(mktemp -d /tmp/atk18a.XXXXXX)
CG=atk18a-$$
NSPID=""
RESULTS=$WORK/results.txt
cleanup() {
  set +e
  if [ -n "$NSPID" ] && kill -0 "$NSPID" 2>/dev/null; then
    kill -TERM "$NSPID"; for i in $(seq 1 30); do kill -0 "$NSPID" 2>/dev/null || break; sleep 1; done
    kill -0 "$NSPID" 2>/dev/null && kill -KILL "$NSPID"
  fi
  wait 2>/dev/null
  for h in systemd unified; do
    [ -d /sys/fs/cgroup/$h/$CG ] && find /sys/fs/cgroup/$h/$CG -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  for m in $(awk -v w="$WORK" 'index($2,w)==1{print $2}' /proc/mounts | sort -r); do umount -l "$m"; done
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
log() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
want() { [ -z "$ONLY" ] && return 0; for c in $ONLY; do [ "$c" = "$1" ] && return 0; done; return 1; }

############################################################ part 1: systemd as the oracle
C=$WORK/root
in_ct() { nsenter -t "$PID1" -a "$@"; }
put() { mkdir -p "$(dirname "$C$1")"; rm -rf "$C$1"; cat > "$C$1"; }
lnk() { mkdir -p "$(dirname "$C$1")"; rm -rf "$C$1"; ln -s "$2" "$C$1"; }
mkd() { rm -rf "$C$1"; mkdir -p "$C$1"; }
UNITPATHS="/etc/systemd/system /etc/systemd/system.control /run/systemd/system /run/systemd/transient /run/systemd/generator /run/systemd/system.control /usr/local/lib/systemd/system /usr/lib/systemd/system"
reset_tree() {
  local d n
  for d in $UNITPATHS; do for n in docker.service docker.service.d other.service other.service.d service.d dockerd.service dockerd.service.d; do
    rm -rf "$C$d/$n"; done; done
  in_ct sh -c 'for d in /run/systemd/system /run/systemd/transient /run/systemd/generator /run/systemd/system.control; do rm -rf $d/docker.service $d/docker.service.d $d/other.service $d/other.service.d $d/service.d; done'
  rm -rf "$C/etc/docker.env" "$C/etc/sysconfig/docker.dockstore.bak"
  mkdir -p "$C/etc/sysconfig"; printf 'DOCKER_OPTS="--storage-driver=btrfs --debug"\n' > "$C/etc/sysconfig/docker"
}
sync_run() { # the container's /run is a tmpfs: copy what the case put under COPY/run into it
  [ -d "$C/run/systemd" ] || return 0
  (cd "$C/run" && find systemd \( -path '*docker.service*' -o -path '*other.service*' -o -path '*/service.d*' \) -print0 | tar --null -T - -cf -) 2>/dev/null | in_ct tar -C /run -xf - 2>/dev/null
}
boot() {
  cp -a "$SRC" "$C" || return 1
  rm -f "$C"/etc/systemd/system/multi-user.target.wants/{docker,containerd}.service "$C"/etc/systemd/system/sockets.target.wants/docker.socket
  rm -f "$C"/usr/lib/systemd/system/docker.service "$C"/usr/lib/systemd/system/docker.socket
  rm -f "$C"/etc/init.d/docker "$C"/etc/rc?.d/*docker
  printf '#!/bin/sh\n{ for a in "$@"; do printf "<%%s>" "$a"; done; echo; } > /run/dockerd.args\n' > "$C/usr/bin/fakedockerd"
  chmod +x "$C/usr/bin/fakedockerd"; rm -f "$C/usr/bin/dockerd" "$C/usr/sbin/dockerd"
  ln -s fakedockerd "$C/usr/bin/dockerd"; ln -s ../bin/fakedockerd "$C/usr/sbin/dockerd"
  ( for h in systemd unified; do mkdir -p /sys/fs/cgroup/$h/$CG; echo $BASHPID > /sys/fs/cgroup/$h/$CG/cgroup.procs; done
    export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
    exec systemd-nspawn --boot --register=no --keep-unit --private-network -D "$C" -M "$CG" </dev/null >"$WORK/nspawn.log" 2>&1 ) &
  NSPID=$!
  for i in $(seq 1 60); do PID1=$(pgrep -P "$NSPID" | head -1); [ -n "$PID1" ] && in_ct systemctl is-system-running --wait >/dev/null 2>&1 && break; sleep 1; done
  [ -n "$PID1" ] || { echo "boot failed"; cat "$WORK/nspawn.log"; return 1; }
  in_ct systemctl is-system-running; in_ct systemctl --failed --no-legend; return 0
}
judge() { # prints oracle and dockstore verdicts for the current tree
  local id=$1 desc=$2 args show oracle ds rc out
  sync_run
  in_ct sh -c 'systemctl daemon-reload; rm -f /run/dockerd.args; systemctl stop docker.service 2>/dev/null; systemctl reset-failed docker.service 2>/dev/null; timeout 10 systemctl start docker.service 2>&1; for i in 1 2 3 4 5 6 7 8 9 10; do [ -s /run/dockerd.args ] && break; sleep 0.2; done' > "$WORK/$id.start" 2>&1
  args=$(in_ct cat /run/dockerd.args 2>/dev/null)
  show=$(in_ct systemctl show -p LoadState -p FragmentPath -p DropInPaths -p EnvironmentFiles -p ExecStart docker.service 2>&1)
  in_ct systemctl stop docker.service >/dev/null 2>&1
  if [[ "$args" == *"<--storage-driver=btrfs>"* && "$args" == *"<--debug>"* ]] && ! sed 's/<--storage-driver=btrfs>//' <<<"$args" | grep -Eq '<(-[A-Za-z]*[sg]|--storage-driver|--storage-opt|--graph|--data-root)'; then oracle=REACHES; else oracle=LOST; fi
  out=$(timeout 60 "$D" backend --root "$C" 2>&1); rc=$?
  if [ $rc = 0 ]; then ds=REACHES; else ds=LOST; fi
  local verdict=PASS; [ "$oracle" = "$ds" ] || verdict=FAIL
  log "=== $id $verdict: $desc"
  log "  systemd: $oracle   dockerd argv: ${args:-<not started: $(tr '\n' ' ' < "$WORK/$id.start" | cut -c1-200)>}"
  log "$(sed 's/^/  show: /' <<<"$show")"
  log "  dockstore backend: rc=$rc $ds"
  log "$(grep -E '^\s+- |state:' <<<"$out" | sed "s#$C##g; s/^/  ds: /")"
}
if [ "$MODE" = oracle ] || [ "$MODE" = all ]; then
  boot || exit 1
  . "$HERE/oracle_cases.sh"
  for f in $(declare -F | awk '{print $3}' | grep '^case_O' | sort); do
    id=${f#case_}; want "$id" || continue
    reset_tree
    desc=$(declare -f "$f" | sed -n 's/^ *: "\(.*\)";.*/\1/p' | head -1)
    "$f"
    judge "$id" "$desc"
  done
  reset_tree
fi
if [ "$MODE" = side ] || [ "$MODE" = all ]; then
  . "$HERE/side_cases.sh"
fi
echo; echo "results: $RESULTS"; [ -n "${KEEP:-}" ] && echo "kept $WORK"
cp "$RESULTS" "$HERE/results-$MODE.txt" 2>/dev/null
