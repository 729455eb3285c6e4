#!/bin/bash
# Hostile QA attack #16 on dockstore. Re-runnable; run as root:  bash attack.sh [case...]
# Re-execs itself in a private mount namespace. Each case under a fresh mktemp -d root; only
# loop devices this script attached (over sparse files in the case folder) are detached.
if [ -z "$ATTACK_IN_NS" ]; then
  export ATTACK_IN_NS=1
  exec unshare -m --propagation private bash "$0" "$@"
fi
DS=${DS:?give DS=/path/to/dockstore}
OUT=${OUT:-${TMPDIR:-/tmp}/atk16-out}
mkdir -p "$OUT"
CASEDIRS=(); PIDS=()

log() { echo "$*" | tee -a "$OUT/$CASE.log"; }
run() { # run and record: command, rc, stdout+stderr
  echo "\$ $*" >>"$OUT/$CASE.log"
  "$@" >"$OUT/cur.out" 2>&1; RC=$?
  cat "$OUT/cur.out" >>"$OUT/$CASE.log"; echo "[rc=$RC]" >>"$OUT/$CASE.log"
  return 0
}
newroot() { R=$(mktemp -d /tmp/atk16.XXXXXX); CASEDIRS+=("$R"); }
sparse() { truncate -s "${2:-1G}" "$1"; }
attach() { losetup -f --show "$1"; }   # prints loop device
hashtree() { # hash config files under root
  (cd "$1" && find etc var/lib/dockstore -type f 2>/dev/null | sort | xargs -r sha256sum) ; }
mounted_under() { awk -v r="$1" '$5==r || index($5, r"/")==1 {print $5}' /proc/self/mountinfo; }

cleanup_dir() {
  local d=$1 m l
  for m in $(mounted_under "$d" | sort -r); do umount -l "$m" 2>/dev/null; done
  for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$d" 'index($2, r"/")==1 {print $1}'); do
    losetup -d "$l" 2>/dev/null; done
  sleep 0.2
  for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$d" 'index($2, r"/")==1 {print $1}'); do
    losetup -d "$l" 2>/dev/null; done
  chattr -R -i -a "$d" 2>/dev/null
  rm -rf --one-file-system "$d"
}
cleanup() {
  local p d
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  PIDS=()
  for d in "${CASEDIRS[@]}"; do cleanup_dir "$d"; done
  CASEDIRS=()
}
trap cleanup EXIT INT TERM

result() { # case verdict severity line
  echo "$1|$2|$3|$4" >>"$OUT/results.txt"; echo "== $1: $2 ($3) $4"; }

. "$(dirname "$0")/cases.sh"

: >"$OUT/results.txt"
if [ $# -gt 0 ]; then CASES=("$@"); else CASES=($(declare -F | awk '{print $3}' | grep '^case_' | sort)); fi
for c in "${CASES[@]}"; do
  CASE=$c; : >"$OUT/$CASE.log"
  echo "### $c"; $c
  cleanup
done
