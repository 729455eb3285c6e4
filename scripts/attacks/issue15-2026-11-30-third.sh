#!/bin/bash
# The third outside attack on issue 15 (2026-11-30, ATTACK.md brief, man pages, README and a debug binary only),
# kept as the tester wrote it: one function per case, PASS/FAIL with a one-line reason. Cases fixed at once:
# teardown_deletes_swapped_in_file, teardown_delete_reports_done, stop_docker_kills_any_pid, docker_pid_message,
# format_hardlink_outside (ThirdAttackIntegrationTests); the lost_update_* cases: i15cas. The rest are open (issue 15 note).
# D=PATH names the binary (default: this checkout's debug build).
# Every case works in its own mktemp -d /tmp/dockstore-attack.XXXXXX with --root, and cleans up its mounts and loop devices.
D=${D:-$(cd "$(dirname "$0")/../.." && pwd)/.build/debug/dockstore}
mkroot() { local r; r=$(mktemp -d /tmp/dockstore-attack.XXXXXX); mkdir -p "$r/etc/sysconfig" "$r/var/lib" "$r/run"; : > "$r/etc/fstab"; echo "$r"; }
cleanup_root() { local r=$1 l f
  python3 - "$r" <<'PY'
import re,subprocess,sys
pre=sys.argv[1]; mps=[]
for l in open('/proc/self/mountinfo'):
    mp=re.sub(r'\\([0-7]{3})',lambda m:chr(int(m.group(1),8)),l.split()[4])
    if mp==pre or mp.startswith(pre+'/'): mps.append(mp)
for mp in sorted(mps,key=len,reverse=True): subprocess.run(['umount','-l',mp])
PY
  losetup -nO NAME,BACK-FILE 2>/dev/null | while read -r l f; do case "$f" in "$r"*) losetup -d "$l";; esac; done
  rm -rf --one-file-system "$r"; }
treehash() { (cd "$1" && find . -path ./var/lib/docker -prune -o -printf '%p %y %m %l\n' | LC_ALL=C sort; find . -path ./var/lib/docker -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum) | sha256sum | cut -c1-16; }
pass() { echo "PASS $1: $2"; }
fail() { echo "FAIL $1: $2"; }
roundtrip() { # name content -> provision + teardown, compare /etc/sysconfig/docker bytes
  local r; r=$(mkroot); printf '%s' "$2" > "$r/etc/sysconfig/docker"
  "$D" provision --root "$r" --size 256M >/dev/null 2>&1; local p=$?
  "$D" teardown --root "$r" --delete-image >/dev/null 2>&1; local t=$?
  if cmp -s <(printf '%s' "$2") "$r/etc/sysconfig/docker"; then pass "$1" "provision($p)+teardown($t) gave /etc/sysconfig/docker back byte for byte"
  else fail "$1" "provision($p)+teardown($t): sysconfig was $(printf '%s' "$2" | head -c 80 | python3 -c 'import sys;print(repr(sys.stdin.buffer.read()))') now $(head -c 80 "$r/etc/sysconfig/docker" | python3 -c 'import sys;print(repr(sys.stdin.buffer.read()))')"; fi
  cleanup_root "$r"; }

# F1: a sysconfig file whose last line has no newline gets one added (provision normalises a line it does not own; teardown does not restore it)
case_sysconfig_no_final_newline() { roundtrip sysconfig_no_final_newline 'FOO=bar'; }
case_sysconfig_trailing_blanks_no_newline() { roundtrip sysconfig_trailing_blanks_no_newline $'A=1\n   '; }
# F2: admin's own DOCKER_OPTS is re-quoted (single/bare -> double) by provision and stays so after teardown
case_sysconfig_single_quoted_opts() { roundtrip sysconfig_single_quoted_opts $'DOCKER_OPTS=\'--log-level=warn\'\n'; }
case_sysconfig_empty_single_quotes() { roundtrip sysconfig_empty_single_quotes $'DOCKER_OPTS=\'\'\n'; }
case_sysconfig_bare_empty() { roundtrip sysconfig_bare_empty $'DOCKER_OPTS=\n'; }
# holds: these come back byte for byte
case_sysconfig_none_created() { local r; r=$(mkroot); "$D" provision --root "$r" --size 256M >/dev/null 2>&1; "$D" teardown --root "$r" --delete-image >/dev/null 2>&1
  [ -e "$r/etc/sysconfig/docker" ] && fail sysconfig_none_created "created file not removed" || pass sysconfig_none_created "created file removed"; cleanup_root "$r"; }
case_sysconfig_no_opts_nonl_last_opts() { roundtrip sysconfig_no_opts_nonl_last_opts $'# c\nDOCKER_OPTS="--log-level=warn"'; }
case_sysconfig_latin1() { roundtrip sysconfig_latin1 $'# caf\xe9\nA=1\n'; }
# F3: folders provision created (/etc/sysconfig, /etc/systemd, /etc/systemd/system) are left behind empty by teardown
case_teardown_leaves_empty_folders() { local r left before; r=$(mkroot); rmdir "$r/etc/sysconfig"; before=$(cd "$r" && find . -type d | sort)
  "$D" provision --root "$r" --size 256M >/dev/null 2>&1; "$D" teardown --root "$r" --delete-image >/dev/null 2>&1
  left=$(comm -13 <(echo "$before") <(cd "$r" && find . -type d -empty | sort) | tr '\n' ' ')
  [ -z "$left" ] && pass teardown_leaves_empty_folders "no empty folder left" || fail teardown_leaves_empty_folders "teardown left empty folders that provision created: $left"; cleanup_root "$r"; }

# F4: teardown with /etc a link to nothing inside the root: exit 1 (not 2) and /run/dockstore.lock created (provision refuses the same tree with 2 and creates nothing)
case_teardown_dangling_etc_changes_tree() { local r o rc; o=$(mktemp -d /tmp/dockstore-attack.XXXXXX); r=$(mkroot); rm -r "$r/etc"; ln -s "../../../../..$o/etc" "$r/etc"
  "$D" teardown --root "$r" >/dev/null 2>&1; rc=$?
  if [ $rc = 2 ] && [ ! -e "$r/run/dockstore.lock" ]; then pass teardown_dangling_etc_changes_tree "refused with 2, nothing created"
  else fail teardown_dangling_etc_changes_tree "exit $rc, lock file $( [ -e "$r/run/dockstore.lock" ] && echo created || echo absent) (expected refusal exit 2, nothing created)"; fi
  cleanup_root "$r"; rm -rf "$o"; }
# F5: teardown on a tree where nothing was ever provisioned says nothing about 'nothing to do': it creates /etc/dockstore.disabled and the lock, exit 0
case_teardown_never_provisioned() { local r h; r=$(mkroot); h=$(treehash "$r"); "$D" teardown --root "$r" >/dev/null 2>&1; local rc=$?
  [ "$(treehash "$r")" = "$h" ] && pass teardown_never_provisioned "nothing changed (exit $rc)" || fail teardown_never_provisioned "exit $rc but created: $(cd "$r"; find . -newer etc/fstab -type f | tr '\n' ' ')"; cleanup_root "$r"; }
# holds: symlinks in the root (files, folders, .bak, lock, image, mountpoint) never lead writes outside
case_symlinks_outside_untouched() { local o r oh bad=""; o=$(mktemp -d /tmp/dockstore-attack.XXXXXX); mkdir -p "$o/etc/sysconfig" "$o/run" "$o/var/lib" "$o/etc/systemd/system/docker.service.d"; echo secret > "$o/file"; echo A=1 > "$o/etc/sysconfig/docker"; echo '# x' > "$o/etc/fstab"
  oh=$(treehash "$o"); local up="../../../../../../../..$o"
  for setup in 'ln -s $o/etc/sysconfig/docker $r/etc/sysconfig/docker' 'ln -s $up/etc/sysconfig/docker $r/etc/sysconfig/docker' 'rm $r/etc/fstab; ln -s $up/etc/fstab $r/etc/fstab' \
      'rmdir $r/run; ln -s $up/run $r/run' 'ln -s $up/file $r/run/dockstore.lock' 'ln -s $up/file $r/etc/fstab.dockstore.bak' 'ln -s $up/file $r/etc/dockstore.disabled' \
      'mkdir -p $r/etc/systemd/system; ln -s $up/etc/systemd/system/docker.service.d $r/etc/systemd/system/docker.service.d' 'ln -s $up/var/lib $r/var/lib/docker' 'ln -s $up/file $r/var/lib/docker-storage.btrfs'; do
    r=$(mkroot); eval "$setup"; "$D" provision --root "$r" --size 256M >/dev/null 2>&1; "$D" teardown --root "$r" --delete-image >/dev/null 2>&1
    [ "$(treehash "$o")" = "$oh" ] || bad="$bad [$setup]"; cleanup_root "$r"; done
  [ -z "$bad" ] && pass symlinks_outside_untouched "10 symlink layouts, nothing outside the root changed" || fail symlinks_outside_untouched "outside changed by:$bad"; rm -rf "$o"; }
waitstop() { local pid=$1 i s; for i in $(seq 1 300); do s=$(awk '{print $3}' /proc/$pid/stat 2>/dev/null); [ "$s" = T ] && return 0; [ -z "$s" ] && return 1; sleep 0.1; done; return 1; }
# F6 (data loss): teardown --delete-image paused at delete-image; the image is moved aside and another regular file (admin data) put at its path.
# Man: "the image is deleted only while it is still a regular file no loop device holds (and the same file ...)". It deletes the other file, exit 0.
case_teardown_deletes_swapped_in_file() { local r pid rc; r=$(mkroot); "$D" provision --root "$r" --size 256M >/dev/null 2>&1
  DOCKSTORE_PAUSE=delete-image:stop "$D" teardown --root "$r" --delete-image >/dev/null 2>&1 & pid=$!
  if ! waitstop $pid; then fail teardown_deletes_swapped_in_file "did not stop at delete-image"; wait $pid; cleanup_root "$r"; return; fi
  mv "$r/var/lib/docker-storage.btrfs" "$r/image.moved-aside"; echo precious-data > "$r/var/lib/docker-storage.btrfs"
  kill -CONT $pid; wait $pid; rc=$?
  if [ -e "$r/var/lib/docker-storage.btrfs" ]; then pass teardown_deletes_swapped_in_file "the swapped-in file was kept (exit $rc)"
  else fail teardown_deletes_swapped_in_file "exit $rc: teardown deleted a 14-byte regular file that was not the image it planned to delete (not btrfs, other inode)"; fi
  cleanup_root "$r"; }
# F7: teardown --delete-image paused at delete-image, /var/lib swapped for a link (to a folder that does not exist inside the root):
# it prints '[delete-image] delete .../docker-storage.btrfs' and exits 0; the image still exists (moved with its folder). Says done when nothing was deleted.
case_teardown_delete_reports_done() { local r pid rc; r=$(mkroot); "$D" provision --root "$r" --size 256M >/dev/null 2>&1
  DOCKSTORE_PAUSE=delete-image:stop "$D" teardown --root "$r" --delete-image > "$r.out" 2>&1 & pid=$!
  waitstop $pid || { fail teardown_delete_reports_done "no stop"; wait $pid; cleanup_root "$r"; return; }
  mv "$r/var/lib" "$r/var/lib.moved"; ln -s /nonexistent/var/lib "$r/var/lib"; kill -CONT $pid; wait $pid; rc=$?
  if [ $rc = 0 ] && [ -f "$r/var/lib.moved/docker-storage.btrfs" ]; then fail teardown_delete_reports_done "exit 0 and printed '$(grep delete-image "$r.out" | cut -c1-80)…' but the image was not deleted (its folder was swapped)"
  else pass teardown_delete_reports_done "exit $rc"; fi; rm -f "$r.out"; cleanup_root "$r"; }
# F8: daemon.json with another driver: man says 'another driver there is refused'; provision instead removes "storage-driver":"overlay2" (exit 0), teardown does not put it back
case_daemonjson_other_driver() { local r rc; r=$(mkroot); mkdir -p "$r/etc/docker"; printf '{"storage-driver":"overlay2"}' > "$r/etc/docker/daemon.json"
  "$D" provision --root "$r" --size 256M >/dev/null 2>&1; rc=$?; "$D" teardown --root "$r" --delete-image >/dev/null 2>&1
  if [ $rc = 2 ] || cmp -s <(printf '{"storage-driver":"overlay2"}') "$r/etc/docker/daemon.json"; then pass daemonjson_other_driver "refused or given back (provision exit $rc)"
  else fail daemonjson_other_driver "provision exit $rc removed the admin's storage-driver (man: refused); after teardown daemon.json is '$(cat "$r/etc/docker/daemon.json")'"; fi; cleanup_root "$r"; }
# F9: grow --dry-run plans to extend an image outside --root (exit 0); the real run refuses it (exit 2). The dry run should refuse as the run does.
case_grow_dryrun_outside_image() { local o r rc1 rc2; o=$(mktemp -d /tmp/dockstore-attack.XXXXXX); truncate -s 256M "$o/outside.img"; mkfs.btrfs -q -L docker "$o/outside.img" >/dev/null 2>&1
  r=$(mkroot); mkdir "$r/var/lib/docker"; mount -o loop "$o/outside.img" "$r/var/lib/docker"
  "$D" grow --root "$r" --to 512M --dry-run >/dev/null 2>&1; rc1=$?; "$D" grow --root "$r" --to 512M >/dev/null 2>&1; rc2=$?
  local sz; sz=$(stat -c %s "$o/outside.img")
  if [ "$sz" != 268435456 ]; then fail grow_dryrun_outside_image "outside image resized to $sz (written outside --root)"
  elif [ $rc1 = $rc2 ]; then pass grow_dryrun_outside_image "dry run and run agree ($rc1)"; else fail grow_dryrun_outside_image "dry run exit $rc1 plans 'extend $o/outside.img', run exit $rc2 refuses it (outside untouched)"; fi
  cleanup_root "$r"; for l in $(losetup -nO NAME -j "$o/outside.img"); do losetup -d $l; done; rm -rf "$o"; }
# F10 (data loss, silent): a line another writer (admin, cloud-init) adds to /etc/fstab or /etc/sysconfig/docker while dockstore runs is dropped:
# the step writes the file computed from the bytes it read at planning time (the .bak even holds the new line), exit 0.
lost_update() { local name=$1 cmd=$2 step=$3 file=$4 pre=$5 r pid rc; r=$(mkroot); eval "$pre"
  DOCKSTORE_PAUSE=$step:stop "$D" $cmd --root "$r" >/dev/null 2>&1 & pid=$!
  waitstop $pid || { fail $name "did not stop at $step"; wait $pid; cleanup_root "$r"; return; }
  echo 'UUID=1234-admin /data ext4 defaults 0 2' >> "$r$file"; kill -CONT $pid; wait $pid; rc=$?
  if grep -q 1234-admin "$r$file"; then pass $name "concurrent line kept (exit $rc)"
  elif [ $rc = 0 ]; then fail $name "exit 0, the line appended to $file during the run is gone (it is only in $file.dockstore.bak: $(grep -c 1234-admin "$r$file.dockstore.bak" 2>/dev/null))"
  else pass $name "refused (exit $rc), nothing lost"; fi; cleanup_root "$r"; }
case_lost_update_provision_fstab() { lost_update lost_update_provision_fstab "provision --size 256M" fstab /etc/fstab; }
case_lost_update_teardown_fstab() { lost_update lost_update_teardown_fstab "teardown" fstab /etc/fstab '"$D" provision --root "$r" --size 256M >/dev/null 2>&1'; }
case_lost_update_provision_sysconfig() { lost_update lost_update_provision_sysconfig "provision --size 256M" sysconfig /etc/sysconfig/docker 'echo A=1 > "$r/etc/sysconfig/docker"'; }
case_lost_update_teardown_sysconfig() { lost_update lost_update_teardown_sysconfig "teardown" sysconfig /etc/sysconfig/docker 'echo A=1 > "$r/etc/sysconfig/docker"; "$D" provision --root "$r" --size 256M >/dev/null 2>&1'; }
case_lost_update_provision_daemonjson() { local r pid rc; r=$(mkroot); mkdir -p "$r/etc/docker"; printf '{"storage-driver":"overlay2","debug":true}' > "$r/etc/docker/daemon.json"
  DOCKSTORE_PAUSE=daemon-json:stop "$D" provision --size 256M --root "$r" >/dev/null 2>&1 & pid=$!; waitstop $pid
  printf '{"storage-driver":"overlay2","debug":true,"log-level":"warn"}' > "$r/etc/docker/daemon.json"; kill -CONT $pid; wait $pid; rc=$?
  grep -q log-level "$r/etc/docker/daemon.json" && pass lost_update_provision_daemonjson "kept" || fail lost_update_provision_daemonjson "exit $rc, \"log-level\" written meanwhile is gone: $(cat "$r/etc/docker/daemon.json")"; cleanup_root "$r"; }
case_lost_update_backend_sysconfig() { local r pid rc; r=$(mkroot); "$D" provision --root "$r" --size 256M >/dev/null 2>&1
  DOCKSTORE_PAUSE=sysconfig:stop "$D" backend overlay2 --root "$r" >/dev/null 2>&1 & pid=$!; waitstop $pid; echo 'HTTP_PROXY="http://proxy:3128"' >> "$r/etc/sysconfig/docker"; kill -CONT $pid; wait $pid; rc=$?
  grep -q HTTP_PROXY "$r/etc/sysconfig/docker" && pass lost_update_backend_sysconfig kept || fail lost_update_backend_sysconfig "exit $rc, HTTP_PROXY line added meanwhile is gone"; cleanup_root "$r"; }
# F11: fstab without a final newline -> provision appends the store line with no newline after it (documented); the next ordinary
# 'echo LINE >> /etc/fstab' glues the admin's line onto it: libmount rejects the line (both mounts lost at boot).
# Teardown --delete-image then exits 0, deletes the image, skips the fstab step without a word and leaves the broken line naming the deleted image.
case_fstab_nonl_then_append_teardown() { local r rc; r=$(mkroot); printf 'UUID=abc / ext4 defaults 0 1' > "$r/etc/fstab"
  "$D" provision --root "$r" --size 256M >/dev/null 2>&1; echo 'UUID=def /data ext4 defaults 0 2' >> "$r/etc/fstab"
  local parse; parse=$(findmnt --fstab -F "$r/etc/fstab" -r 2>&1 | grep -c 'parse error')
  "$D" teardown --root "$r" --delete-image > "$r.out" 2>&1; rc=$?
  if [ $rc = 0 ] && grep -q docker-storage.btrfs "$r/etc/fstab" && [ ! -e "$r/var/lib/docker-storage.btrfs" ]; then
    fail fstab_nonl_then_append_teardown "after provision + 'echo >> fstab' libmount parse errors: $parse; teardown exit 0 deleted the image but left fstab line 2 naming it (no [fstab] step, no warning)"
  else pass fstab_nonl_then_append_teardown "teardown exit $rc"; fi; rm -f "$r.out"; cleanup_root "$r"; }
# F12 (outside --root: kills an unrelated host process): teardown --stop-docker --root DIR sends SIGTERM to whatever PID DIR/run/docker.pid names,
# without checking it is a dockerd (or of this root); it prints 'stop dockerd (pid N)' for a 'sleep'. (Uses a sleep this script started.)
case_stop_docker_kills_any_pid() { local r sp rc; sleep 300 & sp=$!; r=$(mkroot); "$D" provision --root "$r" --size 256M >/dev/null 2>&1; echo $sp > "$r/run/docker.pid"
  timeout 90 "$D" teardown --root "$r" --stop-docker > "$r.out" 2>&1; rc=$?
  if kill -0 $sp 2>/dev/null; then pass stop_docker_kills_any_pid "sleep $sp left alone (exit $rc)"; kill $sp
  else fail stop_docker_kills_any_pid "exit $rc; the 'sleep' (pid $sp) named by $r/run/docker.pid was killed: '$(grep stop-docker "$r.out")'"; fi
  wait $sp 2>/dev/null; rm -f "$r.out"; cleanup_root "$r"; }
# F12b (message): without --stop-docker the same pidfile is refused as 'dockerd is running (pid N)' although N is a sleep
case_docker_pid_message() { local r sp out; sleep 300 & sp=$!; r=$(mkroot); "$D" provision --root "$r" --size 256M >/dev/null 2>&1; echo $sp > "$r/run/docker.pid"
  out=$("$D" teardown --root "$r" 2>&1); kill $sp; wait $sp 2>/dev/null
  case "$out" in *"dockerd is running (pid $sp)"*) fail docker_pid_message "says '$(echo "$out" | head -1 | cut -c1-60)' for a process that is 'sleep'";; *) pass docker_pid_message "$out";; esac; cleanup_root "$r"; }
# F13: teardown removes an empty docker.service.d folder the admin made before provision (mode 700): it gives back less than was there
case_teardown_removes_preexisting_dropin_dir() { local r; r=$(mkroot); mkdir -p "$r/etc/systemd/system/docker.service.d"; chmod 700 "$r/etc/systemd/system/docker.service.d"
  "$D" provision --root "$r" --size 256M >/dev/null 2>&1; "$D" teardown --root "$r" --delete-image >/dev/null 2>&1
  [ -d "$r/etc/systemd/system/docker.service.d" ] && pass teardown_removes_preexisting_dropin_dir "kept" || fail teardown_removes_preexisting_dropin_dir "the folder existed before provision and is gone after teardown"; cleanup_root "$r"; }
# F14: rewriting /etc/fstab and /etc/sysconfig/docker resets the file's group to root (mode and owner are kept): fstab 0:42 -> 0:0, sysconfig 123:45 -> 123:0
case_group_ownership_reset() { local r a b; r=$(mkroot); echo 'A=1' > "$r/etc/sysconfig/docker"; chown 123:45 "$r/etc/sysconfig/docker"; chmod 640 "$r/etc/fstab"; chown 0:42 "$r/etc/fstab"
  "$D" provision --root "$r" --size 256M >/dev/null 2>&1; a=$(stat -c %u:%g "$r/etc/fstab"); b=$(stat -c %u:%g "$r/etc/sysconfig/docker")
  [ "$a" = 0:42 ] && [ "$b" = 123:45 ] && pass group_ownership_reset "owner and group kept" || fail group_ownership_reset "after provision fstab is $a (was 0:42), sysconfig $b (was 123:45)"; cleanup_root "$r"; }
# holds: odd mountpoints written to fstab / drop-in read back by libmount, systemd-fstab-generator and systemd-analyze as the same path
case_escapes_read_back() { local bad="" mp r o u want tj gen where req
  for mp in '/var/lib/#d' '/var/lib/d\040x' '/var/lib/d\\x' '/var/lib/d%x' '/var/lib/d%%' '/var/lib/d"q' "/var/lib/d'q" '/var/lib/d;x' '/var/lib/d,x' '/var/lib/d$x' '/var/lib/d`x`' '/var/lib/dé🐳' '/var/lib/.d-x' '/var/lib/d\n'; do
    r=$(mkroot); "$D" provision --root "$r" --size 256M --mountpoint "$mp" >/dev/null 2>&1 || { bad="$bad [$mp: provision failed]"; cleanup_root "$r"; continue; }
    tj=$(findmnt --fstab -F "$r/etc/fstab" -J | python3 -c 'import json,sys;print(json.load(sys.stdin)["filesystems"][0]["target"])')
    want=$(systemd-escape --path --suffix=mount -- "$mp"); o=$(mktemp -d /tmp/dockstore-attack.XXXXXX)
    SYSTEMD_FSTAB="$r/etc/fstab" SYSTEMD_PROC_CMDLINE="" /lib/systemd/system-generators/systemd-fstab-generator "$o" "$o" "$o" 2>/dev/null
    gen=$(cd "$o"; ls *.mount 2>/dev/null); where=$(grep -h ^Where= "$o"/*.mount 2>/dev/null | cut -d= -f2- | sed 's/%%/%/g')
    u=$(mktemp -d /tmp/dockstore-attack.XXXXXX); cp -r "$r/etc/systemd/system/docker.service.d" "$u/"; printf '[Service]\nExecStart=/bin/true\n' > "$u/docker.service"
    req=$(cd "$u"; SYSTEMD_LOG_LEVEL=debug SYSTEMD_UNIT_PATH="$u:" systemd-analyze verify --man=no "$u/docker.service" 2>&1 | grep -F -- "$want" | head -1)
    [ "$tj" = "$mp" ] && [ "$gen" = "$want" ] && [ "$where" = "$mp" ] && [ -n "$req" ] || bad="$bad [$mp: fstab=$tj gen=$gen where=$where dropin=${req:+ok}]"
    rm -rf "$o" "$u"; cleanup_root "$r"; done
  [ -z "$bad" ] && pass escapes_read_back "14 mountpoints: libmount, fstab-generator and systemd-analyze read the path given" || fail escapes_read_back "$bad"; }
# holds: bad paths refused with 64 before anything is created
case_bad_paths_64() { local r h bad="" p rc; r=$(mkroot); h=$(treehash "$r")
  for p in 'var/lib/d' '/var/lib/../d' $'/var/lib/d\xff' $'/var/lib/d\xc2\x85' $'/var/lib/\xe2\x80\xaerekcod' $'/var/lib/d\xef\xb7\x90' $'/var/lib/d\xe2\x80\xa8' $'/var/lib/d\xc2\xa0' $'/var/lib/d\xcd\x8f' $'/var/lib/d\xed\xa0\x80' '/var/lib/d x' $'/var/lib/d\tx'; do
    for opt in --mountpoint --image; do "$D" provision --root "$r" --size 256M $opt "$p" >/dev/null 2>&1; rc=$?; [ $rc = 64 ] || bad="$bad [$opt $(printf %q "$p") -> $rc]"; done; done
  [ "$(treehash "$r")" = "$h" ] || bad="$bad [tree changed]"
  [ -z "$bad" ] && pass bad_paths_64 "24 bad paths refused with 64, tree unchanged" || fail bad_paths_64 "$bad"; cleanup_root "$r"; }
# message quality: a non-UTF-8 --mountpoint is named 'argument 7', not by its option (man: 'The message names the option')
case_non_utf8_message_names_option() { local r out; r=$(mkroot); out=$("$D" provision --root "$r" --mountpoint $'/var/lib/d\xff' 2>&1)
  case "$out" in *--mountpoint*) pass non_utf8_message_names_option "$out";; *) fail non_utf8_message_names_option "'$(echo "$out" | cut -c1-70)…' does not name --mountpoint";; esac; cleanup_root "$r"; }

# F15 (written outside --root): provision paused at 'format'; IMAGE.dockstore-new (the file it created O_EXCL) is replaced by a hard link to a blank
# file outside the root. The re-check looks at content ('blank'), not identity: mkfs.btrfs formats the outside file (it is given a path), it is installed
# as the image (mode 644, 2 links) and mounted, exit 0.
case_format_hardlink_outside() { local o r pid rc; o=$(mktemp -d /tmp/dockstore-attack.XXXXXX); truncate -s 256M "$o/blank.img"; r=$(mkroot)
  DOCKSTORE_PAUSE=format:stop "$D" provision --root "$r" --size 256M >/dev/null 2>&1 & pid=$!
  waitstop $pid || { fail format_hardlink_outside "no stop"; wait $pid; cleanup_root "$r"; rm -rf "$o"; return; }
  rm "$r/var/lib/docker-storage.btrfs.dockstore-new"; ln "$o/blank.img" "$r/var/lib/docker-storage.btrfs.dockstore-new"; kill -CONT $pid; wait $pid; rc=$?
  local t; t=$(blkid -o value -s TYPE "$o/blank.img")
  [ -z "$t" ] && pass format_hardlink_outside "outside file untouched (exit $rc)" || fail format_hardlink_outside "exit $rc; $o/blank.img (outside --root) now holds $t and is the mounted store's image (links $(stat -c %h "$o/blank.img"), mode $(stat -c %a "$o/blank.img"))"
  cleanup_root "$r"; rm -rf "$o"; }
# F16 (says OK when writes cannot succeed): provision --mount-options ro mounts the store read-only, writes 'ro' to fstab, prints
# "Docker's storage is ready" (exit 0); status says 'state: in place'; only check says CRITICAL read-only.
case_mount_options_ro_ok() { local r rc st; r=$(mkroot); "$D" provision --root "$r" --size 256M --mount-options ro >/dev/null 2>&1; rc=$?
  "$D" status --root "$r" >/dev/null 2>&1; st=$?
  if [ $rc = 0 ] && [ $st = 0 ] && findmnt -rn -o OPTIONS --target "$r/var/lib/docker" | grep -q '^ro,'; then fail mount_options_ro_ok "provision exit 0 'ready' and status exit 0 'in place' while the store is mounted ro (check: CRITICAL)"
  else pass mount_options_ro_ok "provision $rc, status $st"; fi; cleanup_root "$r"; }
# F17 (message): --mount-options offset=4096: 'cannot mount /dev/loop0 at …: … bad superblock on /dev/loop1 …' names two different loop devices and not the option
case_mount_option_error_message() { local r out; r=$(mkroot); out=$("$D" provision --root "$r" --size 256M --mount-options offset=4096 2>&1 | grep dockstore:)
  case "$out" in *offset*) pass mount_option_error_message "$out";; *) fail mount_option_error_message "'$(echo "$out" | cut -c1-160)' (does not name offset=4096; two loop names)";; esac; cleanup_root "$r"; }

# F18 (security, low): /etc/sysconfig/dockstore is refused when group/other-writable or not owned by root, but accepted inside a world-writable
# /etc/sysconfig (mode 777, no sticky bit), where any user can rename another file over it.
case_settings_in_world_writable_dir() { local r out rc; r=$(mkroot); echo 'DOCKSTORE_SIZE="300M"' > "$r/etc/sysconfig/dockstore"; chmod 777 "$r/etc/sysconfig"
  out=$("$D" provision --root "$r" --dry-run 2>&1); rc=$?
  [ $rc = 2 ] && pass settings_in_world_writable_dir "refused" || fail settings_in_world_writable_dir "exit $rc: settings in a mode-777 folder used ($(echo "$out" | grep -o '300 MiB sparse' | head -1))"; cleanup_root "$r"; }
# builds a 256 MiB store whose data chunks hold the unallocated space (reclaim has work to do); prints nothing, leaves it provisioned in $1
make_reclaimable() { local r=$1 m i; "$D" provision --root "$r" --size 256M >/dev/null 2>&1; m="$r/var/lib/docker"; mkdir -p "$m/small"
  for i in $(seq 1 400); do dd if=/dev/urandom of="$m/f$i" bs=256K count=1 status=none 2>/dev/null || break; done
  for i in $(seq 1 20000); do echo $i > "$m/small/$i" 2>/dev/null || break; done; sync
  for i in $(seq 1 2 400); do rm -f "$m/f$i"; done; sync
  for i in $(seq 401 1200); do dd if=/dev/urandom of="$m/f$i" bs=256K count=1 status=none 2>/dev/null || break; done
  for i in $(seq 20001 80000); do echo $i > "$m/small/$i" 2>/dev/null || break; done; sync
  for i in $(seq 2 2 1200); do rm -f "$m/f$i"; done; sync; }
# F19 (wrong result): reclaim paused at reclaim-finish while another btrfs is mounted in the store's place: the 'After:' figures and
# 'Healthy' are the other filesystem's (168 MiB unallocated on a fresh btrfs), exit 0 (earlier steps refuse such a swap by UUID).
case_reclaim_after_figures_of_other_fs() { local r pid rc; r=$(mkroot); make_reclaimable "$r"; truncate -s 256M "$r/other.img"; mkfs.btrfs -q "$r/other.img" >/dev/null 2>&1
  DOCKSTORE_PAUSE=reclaim-finish:stop "$D" reclaim --root "$r" > "$r.out" 2>&1 & pid=$!
  waitstop $pid || { fail reclaim_after_figures_of_other_fs "no stop: $(tail -1 "$r.out")"; wait $pid; rm -f "$r.out"; cleanup_root "$r"; return; }
  umount "$r/var/lib/docker"; mount -o loop "$r/other.img" "$r/var/lib/docker"; kill -CONT $pid; wait $pid; rc=$?
  if [ $rc = 0 ] && grep -q 'After: unallocated 168 MiB' "$r.out"; then fail reclaim_after_figures_of_other_fs "exit 0, '$(grep After: "$r.out")' are the swapped-in btrfs's figures, not the store's"
  else pass reclaim_after_figures_of_other_fs "exit $rc: $(grep -E 'After:|dockstore:' "$r.out" | head -1)"; fi; rm -f "$r.out"; cleanup_root "$r"; }

# F20: /etc/fstab absent before provision (a fresh image root): provision creates it; teardown leaves a 0-byte /etc/fstab instead of giving back 'no file'
case_fstab_absent_roundtrip() { local r; r=$(mkroot); rm "$r/etc/fstab"; "$D" provision --root "$r" --size 256M >/dev/null 2>&1; "$D" teardown --root "$r" --delete-image >/dev/null 2>&1
  [ -e "$r/etc/fstab" ] && fail fstab_absent_roundtrip "no fstab before provision, a $(stat -c %s "$r/etc/fstab")-byte /etc/fstab after teardown" || pass fstab_absent_roundtrip "fstab removed again"; cleanup_root "$r"; }

# ---- keep this block last ----
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root"; exit 1; }
  cases=("$@"); [ ${#cases[@]} = 0 ] && cases=($(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//'))
  for c in "${cases[@]}"; do "case_$c"; done
fi
