#!/bin/bash
# The failing cases an outside attack on issue 15 (bytes, escapes, confinement to --root) found on
# 2026-11-30, kept as a re-runnable check: every case prints PASS since the fixes of that day (F1/F1b mount
# through a descriptor; F2 image built under a temporary name; F3 folders preflighted; F4/F5 sysconfig lines
# bash and systemd read differently refused; F6 no lock file on refusal; F7 magic links named; F8 format
# characters refused and paths shown escaped; F9 fstab's missing final newline kept; F10 unknown daemon.json keys).
# DOCKSTORE=PATH names the binary (default: this checkout's debug build).
# Re-runnable as root. Works only inside its own mktemp -d folder and removes every mount and loop device
# it made there (only loop devices whose backing file lies under that folder). Usage: sudo bash attack15-cases.sh [F1 F2 ...]
set -u
D=${DOCKSTORE:-$(cd "$(dirname "$0")/../.." && pwd)/.build/debug/dockstore}
d=$(mktemp -d /tmp/dockstore-attack.XXXXXX)
FAILS=0
say() { printf '%s\n' "$*" | sed "s|$d|\$d|g"; }
cleanup() {
  [ -n "$d" ] && [ -d "$d" ] || return
  findmnt -rn -o TARGET | while read -r m; do m=$(printf '%b' "$m"); case "$m" in "$d"/*) echo "$m";; esac; done | sort -r | while read -r m; do umount "$m"; done
  losetup -ln -O NAME,BACK-FILE | while read -r n f; do case "$f" in "$d"/*) losetup -d "$n";; esac; done
  rm -rf --one-file-system "$d"
}
trap cleanup EXIT
mkroot() { local r="$d/$1"; mkdir -p "$r/etc/sysconfig" "$r/etc/systemd/system" "$r/var/lib" "$r/run"; echo "$r"; }
snap() { ( cd "$1" && find . -xdev -printf '%p|%y|%m|%T@|%s|%l\n' | sort ); }
verdict() { if [ "$1" = PASS ]; then say "  => PASS"; else FAILS=$((FAILS+1)); say "  => FAIL: $2"; fi; }
want() { [ $# -eq 0 ] && return 0; for w in "${ALL[@]}"; do [ "$w" = "$CASE" ] && return 0; done; return 1; }
ALL=("$@")

# F1 security: a symlink swapped in for the mountpoint folder (no test hook, plain RENAME_EXCHANGE racer)
#    makes provision mount the store OUTSIDE --root; it then exits 2 ("refused") and leaves that mount.
CASE=F1; if want "$@"; then
  say "== F1: mountpoint swapped for a symlink to a folder outside --root while provision runs"
  cat > "$d/racer.py" <<'EOF'
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b, end = sys.argv[1].encode(), sys.argv[2].encode(), time.time() + float(sys.argv[3])
while time.time() < end: libc.renameat2(-100, a, -100, b, 2)  # RENAME_EXCHANGE
EOF
  hits=0
  for i in $(seq 1 15); do
    r=$(mkroot "f1-$i"); X="$d/f1-$i-outside"; mkdir -p "$X/docker"; ln -s "$X/docker" "$r/var/lib/dlink"; mkdir -p "$r/var/lib/docker"
    python3 "$d/racer.py" "$r/var/lib/docker" "$r/var/lib/dlink" 3 & rp=$!
    sleep 0.0$((RANDOM%9)); out=$("$D" provision --root "$r" --size 256M 2>&1); rc=$?; wait $rp
    if findmnt -rn -o TARGET | grep -qxF "$X/docker"; then hits=$((hits+1)); say "  run $i: rc=$rc, store mounted OUTSIDE --root at $X/docker; last line: $(tail -1 <<<"$out")"; umount "$X/docker"; fi
  done
  say "  outside mounts: $hits of 15 runs"
  [ $hits -eq 0 ] && verdict PASS || verdict FAIL "provision mounted the store on a folder outside --root in $hits/15 runs"
fi

# F1b the same, deterministic: DOCKSTORE_PAUSE=mount (the documented test hook) holds provision 1 s after its
#     re-check, the mountpoint folder is replaced by an absolute symlink to a folder outside --root.
CASE=F1b; if want "$@"; then
  say "== F1b: DOCKSTORE_PAUSE=mount, mountpoint replaced by a symlink to an outside folder during the pause"
  r=$(mkroot f1b); X="$d/f1b-outside"; mkdir -p "$X/docker"; echo canary > "$X/docker/.canary"; rmdir "$X/docker" 2>/dev/null; mkdir -p "$X/docker"
  DOCKSTORE_PAUSE=mount "$D" provision --root "$r" --size 256M > "$d/f1b.out" 2>&1 & p=$!
  sleep 0.5; rmdir "$r/var/lib/docker" && ln -s "$X/docker" "$r/var/lib/docker"; wait $p; rc=$?
  say "  rc=$rc; last line: $(tail -1 "$d/f1b.out")"
  m=$(findmnt -rn -o SOURCE,TARGET | grep -F "$X/docker")
  say "  mounts outside --root: ${m:-none}"
  [ -n "$m" ] && { umount "$X/docker"; verdict FAIL "store mounted on $X/docker, outside --root, and left mounted (exit $rc)"; } || verdict PASS
fi

# F2 wrong result: provision SIGKILLed while mkfs.btrfs writes the image; every later run refuses (exit 2) forever,
#    though "a run killed at any point is finished by the next one".
CASE=F2; if want "$@"; then
  say "== F2: SIGKILL provision during the format step, then re-run"
  stuck=0
  for i in $(seq 1 40); do
    r=$(mkroot "f2-$i"); delay=0.$((150 + RANDOM%130))
    ( timeout -s KILL "$delay" "$D" provision --root "$r" --size 256M >/dev/null 2>&1 ) 2>/dev/null; sleep 1
    out=$("$D" provision --root "$r" --size 256M 2>&1); rc=$?
    if [ $rc -ne 0 ]; then stuck=$((stuck+1)); "$D" provision --root "$r" --size 256M >/dev/null 2>&1; rc3=$?
      say "  run $i (kill after ${delay}s): re-run rc=$rc: $(tail -1 <<<"$out")"; say "    third run rc=$rc3; blkid: '$(blkid -p "$r/var/lib/docker-storage.btrfs" 2>&1)'; allocated $(du -k "$r/var/lib/docker-storage.btrfs" | cut -f1) KiB"; fi
  done
  say "  stuck stores: $stuck of 40"
  [ $stuck -eq 0 ] && verdict PASS || verdict FAIL "a killed format leaves an image every later provision refuses (exit 2)"
fi

# F3 wrong result: /etc a symlink whose target is missing inside --root: provision creates, formats and mounts
#    the image, then exits 2 ("refused, nothing changed"), leaving the store mounted with no fstab line.
CASE=F3; if want "$@"; then
  say "== F3: /etc -> /nonexistent-etc (dangling inside --root)"
  r=$(mkroot f3); rm -rf "$r/etc"; ln -s /nonexistent-etc "$r/etc"; snap "$r" > "$d/f3.before"
  out=$("$D" provision --root "$r" --size 256M 2>&1); rc=$?; say "$out" | sed 's/^/  | /'; say "  rc=$rc"
  snap "$r" > "$d/f3.after"; ch=$(diff "$d/f3.before" "$d/f3.after" | grep -c '^>'); m=$(findmnt -rn -o TARGET | grep -cF "$r/")
  say "  entries changed: $ch; mounts under the root: $m"
  [ $rc -eq 2 ] && { [ "$ch" -gt 1 ] || [ "$m" -gt 0 ]; } && verdict FAIL "exit 2 after creating+formatting+mounting the image" || verdict PASS
fi

# F4 wrong result: two assignments on one line; dockstore edits the second as if bash read the file,
#    but docker.service reads it as an EnvironmentFile (systemd): DOCKER_OPTS becomes
#    '-s overlay2; DOCKER_OPTS="--storage-driver=vfs"' and dockerd gets the driver 'overlay2;'.
CASE=F4; if want "$@"; then
  say "== F4: DOCKER_OPTS=\"-s overlay2\"; DOCKER_OPTS=\"-s devicemapper\" on one line"
  r=$(mkroot f4); printf 'DOCKER_OPTS="-s overlay2"; DOCKER_OPTS="-s devicemapper"\n' > "$r/etc/sysconfig/docker"; cp "$r/etc/sysconfig/docker" "$d/f4.orig"
  say "  backend (show): $("$D" backend --root "$r" 2>&1 | tr '\n' ' ')"
  out=$("$D" backend vfs --force --root "$r" 2>&1); rc=$?; say "  backend vfs --force rc=$rc: $(grep -v '^[-+@ ]' <<<"$out" | tr '\n' ' ')"
  # Fixed means: refused (exit 2, one line naming the file's line 1, nothing changed) — dockstore
  # does not edit a line bash and systemd read differently — or an edit systemd reads cleanly.
  refused=no; [ $rc -eq 2 ] && cmp -s "$d/f4.orig" "$r/etc/sysconfig/docker" && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -q 'line 1' <<<"$out" && refused=yes
  say "  file now: $(cat "$r/etc/sysconfig/docker")"
  G=/lib/systemd/user-environment-generators/30-systemd-environment-d-generator
  if [ -x $G ]; then mkdir -p "$d/envd/environment.d"; cp "$r/etc/sysconfig/docker" "$d/envd/environment.d/50-x.conf"
    sd=$(env -i XDG_CONFIG_HOME="$d/envd" $G | grep '^DOCKER_OPTS='); say "  systemd's env-file parser reads: $sd"
    if [ $refused = yes ]; then verdict PASS; else grep -q 'overlay2;' <<<"$sd" && verdict FAIL "rc=$rc but systemd hands dockerd '-s overlay2; ...'" || verdict PASS; fi
  else say "  (no systemd environment-d generator to check with)"; fi
fi

# F5 wrong result (bash reader): DOCKER_OPTS+="..." is neither understood nor refused.
CASE=F5; if want "$@"; then
  say "== F5: DOCKER_OPTS+=\" -s overlay2\""
  r=$(mkroot f5); printf 'DOCKER_OPTS="--log-level=warn"\nDOCKER_OPTS+=" -s overlay2"\n' > "$r/etc/sysconfig/docker"; cp "$r/etc/sysconfig/docker" "$d/f5.orig"
  show=$("$D" backend --root "$r" 2>&1); src=$?
  say "  backend (show) rc=$src: $(grep -E 'driver:|state:|line 2' <<<"$show" | tr '\n' ' ')"
  out=$("$D" backend vfs --force --root "$r" 2>&1); rc=$?
  w=$(bash -c 'set -f; source "$1"; for x in $DOCKER_OPTS; do printf "[%s]" "$x"; done' _ "$r/etc/sysconfig/docker")
  say "  backend vfs rc=$rc: $out; bash reads DOCKER_OPTS as $w"
  # Fixed means: show reports line 2 as a problem, and the change is refused (exit 2, one line
  # naming line 2, nothing changed), or made so that bash no longer passes -s overlay2.
  if [ $src -ne 0 ] && grep -q 'line 2' <<<"$show" && [ $rc -eq 2 ] && cmp -s "$d/f5.orig" "$r/etc/sysconfig/docker" && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -q 'line 2' <<<"$out"; then verdict PASS
  else grep -q 'overlay2' <<<"$w" && verdict FAIL "bash still passes -s overlay2 after --storage-driver=vfs (systemd ignores the += line)" || verdict PASS; fi
fi

# F6 low: refusals (exit 2) are not "nothing changed": they create /run/dockstore.lock.
CASE=F6; if want "$@"; then
  say "== F6: refused provision (conflicting fstab line) leaves the tree byte-identical?"
  r=$(mkroot f6); printf '/dev/sdz /var/lib/docker ext4 defaults 0 0\n' > "$r/etc/fstab"; snap "$r" > "$d/f6.before"
  out=$("$D" provision --root "$r" --size 256M 2>&1); rc=$?; say "  rc=$rc: $out"; snap "$r" > "$d/f6.after"
  if cmp -s "$d/f6.before" "$d/f6.after"; then verdict PASS; else say "  $(diff "$d/f6.before" "$d/f6.after" | grep '^>' | tr '\n' ' ')"; verdict FAIL "exit 2 created run/dockstore.lock (and changed run's mtime)"; fi
fi

# F7 unclear message: a /proc magic link in the tree is refused with a wrong reason.
CASE=F7; if want "$@"; then
  say "== F7: etc/sysconfig -> /proc/PID/fd/N (magic link on a procfs mounted in the tree)"
  r=$(mkroot f7); mkdir -p "$r/proc" "$d/f7-outside/etc/sysconfig"; mount -t proc proc "$r/proc"; rm -rf "$r/etc/sysconfig"
  exec 7<"$d/f7-outside/etc/sysconfig"; ln -s "/proc/$$/fd/7" "$r/etc/sysconfig"
  out=$("$D" provision --root "$r" --size 256M 2>&1); rc=$?; exec 7<&-; umount "$r/proc"
  say "  rc=$rc: $out"
  grep -qiE 'magic|/proc' <<<"$out" && verdict PASS || verdict FAIL "refused, but the message does not name the magic link: it names another path as a symlink, or blames free space"
fi

# F8 unclear message: a right-to-left override (U+202E) in --mountpoint is accepted and echoed raw.
CASE=F8; if want "$@"; then
  say "== F8: --mountpoint /var/lib/<U+202E>rekcod"
  r=$(mkroot f8); out=$("$D" provision --root "$r" --size 256M --mountpoint $'/var/lib/\xe2\x80\xaerekcod' 2>&1); rc=$?
  say "  rc=$rc; output has raw U+202E: $(grep -c $'\xe2\x80\xae' <<<"$out") lines"
  [ $rc -eq 0 ] && grep -q $'\xe2\x80\xae' <<<"$out" && verdict FAIL "bidi control accepted and printed raw: the plan line displays reversed" || verdict PASS
fi

# F9 low: provision + teardown do not give fstab back byte for byte when its last line had no newline.
CASE=F9; if want "$@"; then
  say "== F9: fstab whose last line has no newline, provision then teardown"
  r=$(mkroot f9); printf '# keep\n# no newline at end' > "$r/etc/fstab"; cp "$r/etc/fstab" "$d/f9.orig"
  "$D" provision --root "$r" --size 256M >/dev/null 2>&1; "$D" teardown --root "$r" --delete-image >/dev/null 2>&1; rc=$?
  if cmp -s "$d/f9.orig" "$r/etc/fstab"; then verdict PASS; else say "  teardown rc=$rc; before: $(od -c "$d/f9.orig" | tail -2 | head -1)"; say "  after:  $(od -c "$r/etc/fstab" | tail -2 | head -1)"; verdict FAIL "a newline was added to a line dockstore does not own"; fi
fi

# F10 low: daemon.json that dockerd refuses (key "storage-driver\u0000") reported as "dockerd can start with this".
CASE=F10; if want "$@"; then
  say "== F10: daemon.json {\"storage-driver\\u0000\":\"overlay2\"}"
  r=$(mkroot f10); mkdir -p "$r/etc/docker"; printf '{"storage-driver\\u0000":"overlay2"}\n' > "$r/etc/docker/daemon.json"
  out=$("$D" backend --root "$r" 2>&1); rc=$?; say "  backend rc=$rc: $(grep state: <<<"$out")"
  say "  dockerd 20.10 says: unable to configure the Docker daemon with file ...: the following directives don't match any configuration option: storage-driver\\x00"
  [ $rc -eq 0 ] && verdict FAIL "says dockerd can start; dockerd refuses the file (as it does for \"Storage-Driver\", which dockstore does refuse)" || verdict PASS
fi

say "== $FAILS failing case(s)"
