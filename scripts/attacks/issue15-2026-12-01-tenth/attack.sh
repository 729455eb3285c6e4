#!/bin/bash
# Attack script for dockstore (attack10). Usage: sudo DOCKSTORE=/path/to/dockstore ./attack.sh [CASE...]
# Restriction honoured: no loop devices, no mounts, no mkfs; provision only --dry-run; teardown only where
# nothing is mounted. Every case works under a fresh mktemp -d --root with a per-run unique prefix.
set -u
D=${DOCKSTORE:-/work/attack10/dockstore}
PFX="atk10-$$-$(date +%s)"
RESULTS=()
TMPS=()
PASS=0; FAIL=0

mkroot() { local r; r=$(mktemp -d "/tmp/$PFX.XXXXXX"); TMPS+=("$r"); echo "$r"; }
cleanup() { local t; for t in /tmp/"$PFX".*; do [ -e "$t" ] || continue; chattr -R -i -a "$t" 2>/dev/null; rm -rf --one-file-system "$t"; done; }
trap cleanup EXIT
rec() { # NAME PASS|FAIL detail
  RESULTS+=("$1 $2 $3"); printf '%s %s %s\n' "$1" "$2" "$3"
  if [ "$2" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi
}
# hash of every entry in a tree (type, mode, owner, content) to prove "nothing changed"
treehash() { (cd "$1" && find . -printf '%p %y %m %u %l\n' | LC_ALL=C sort; find . -type f -exec sha256sum {} + | LC_ALL=C sort) | sha256sum | cut -c1-16; }
run() { # run dockstore; sets OUT ERR RC
  local o e; o=$(mktemp "/tmp/$PFX.o.XXXX"); e=$(mktemp "/tmp/$PFX.e.XXXX"); TMPS+=("$o" "$e")
  "$D" "$@" >"$o" 2>"$e"; RC=$?; OUT=$(cat "$o"); ERR=$(cat "$e")
}
DROPIN_HDR='# Written by dockstore provision; a re-run rewrites it.
# Docker must never start on the bare folder underneath its storage.
[Unit]'
dropin() { # ROOT LINE-VALUE (raw text after RequiresMountsFor=)
  mkdir -p "$1/etc/systemd/system/docker.service.d"
  printf '%s\nRequiresMountsFor=%s\n' "$DROPIN_HDR" "$2" > "$1/etc/systemd/system/docker.service.d/dockstore.conf"
}
DI=etc/systemd/system/docker.service.d/dockstore.conf
OPTS='nofail,loop,discard=async,x-systemd.requires-mounts-for=/var/lib,x-systemd.before=dockstore-provision.service'
fsline() { printf '/var/lib/%s %s btrfs %s 0 0\n' "$1" "$2" "$OPTS"; } # IMAGE-NAME MOUNTPOINT
base() { # a bare tree with /etc/sysconfig and /var/lib
  local r; r=$(mkroot); mkdir -p "$r/etc/sysconfig" "$r/var/lib" "$r/run"; echo "$r"; }
nlines() { [ -z "$1" ] && echo 0 || printf '%s\n' "$1" | wc -l; }

########## Which store Docker's configuration serves ##########

# teardown of another (empty) mountpoint keeps the drop-in and says so
case_td_other_mp_keeps_dropin() {
  local r; r=$(base); dropin "$r" /var/lib/docker; mkdir -p "$r/var/lib/docker" "$r/srv/other"
  { fsline docker-storage.btrfs /var/lib/docker; } > "$r/etc/fstab"
  local h; h=$(treehash "$r")
  run teardown --root "$r" --mountpoint /srv/other
  if [ $RC = 0 ] && [ "$(treehash "$r")" = "$h" ] && grep -q "kept Docker's configuration" <<<"$OUT"; then
    rec td_other_mp_keeps_dropin PASS "rc=0 tree unchanged, kept line"
  else rec td_other_mp_keeps_dropin FAIL "rc=$RC changed=$([ "$(treehash "$r")" = "$h" ] && echo no || echo yes) out=$(echo $OUT | head -c 300) err=$ERR"; fi
}

# another mountpoint with a dockstore fstab line of its own: only that line goes; drop-in, sysconfig kept;
# no /etc/dockstore.disabled (the boot unit still serves the store the drop-in names)
case_td_other_mp_removes_only_its_line() {
  local r; r=$(base); dropin "$r" /var/lib/docker; mkdir -p "$r/var/lib/docker" "$r/srv/other"
  { echo '# admin line'; fsline docker-storage.btrfs /var/lib/docker; fsline other.btrfs /srv/other; } > "$r/etc/fstab"
  printf 'DOCKER_OPTS="--storage-driver=btrfs"\n' > "$r/etc/sysconfig/docker"
  local d0 s0; d0=$(sha256sum < "$r/$DI"); s0=$(sha256sum < "$r/etc/sysconfig/docker")
  run teardown --root "$r" --mountpoint /srv/other --image /var/lib/other.btrfs
  local f; f=$(cat "$r/etc/fstab")
  if [ $RC = 0 ] && [ "$d0" = "$(sha256sum < "$r/$DI")" ] && [ "$s0" = "$(sha256sum < "$r/etc/sysconfig/docker")" ] \
     && grep -q ' /var/lib/docker ' <<<"$f" && ! grep -q '/srv/other' <<<"$f" && [ ! -e "$r/etc/dockstore.disabled" ] \
     && grep -q "kept Docker's configuration" <<<"$OUT"; then
    rec td_other_mp_removes_only_its_line PASS "rc=0"
  else rec td_other_mp_removes_only_its_line FAIL "rc=$RC disabled=$([ -e "$r/etc/dockstore.disabled" ] && echo yes || echo no) fstab=[$f] out=$(echo $OUT | head -c 400) err=$ERR"; fi
}

# drop-in names the path with %% (systemd specifier escape): it serves /srv/a%b, so teardown --mountpoint /srv/a%b
# must take the drop-in (not keep it), and teardown --mountpoint /srv/a%%b must keep it.
case_td_dropin_percent() {
  local r; r=$(base); dropin "$r" '/srv/a%%b'; mkdir -p "$r/srv/a%b"
  run teardown --root "$r" --mountpoint '/srv/a%b' --dry-run
  local o1=$OUT rc1=$RC
  if [ $rc1 = 0 ] && ! grep -q "kept Docker's configuration" <<<"$o1" && grep -q '\[drop-in\]' <<<"$o1"; then
    rec td_dropin_percent PASS "drop-in for %% recognised as /srv/a%b"
  else rec td_dropin_percent FAIL "rc=$rc1 out=$(echo $o1 | head -c 400) err=$ERR"; fi
}

# quoted path with backslash and quote: "…\\…\"…" names /srv/a\b"c
case_td_dropin_quoted_backslash() {
  local r; r=$(base); dropin "$r" '"/srv/a\\b\"c"'; mkdir -p "$r/srv/a\\b\"c"
  run teardown --root "$r" --mountpoint '/srv/a\b"c' --dry-run
  if [ $RC = 0 ] && ! grep -q "kept Docker's configuration" <<<"$OUT" && grep -q '\[drop-in\]' <<<"$OUT"; then
    rec td_dropin_quoted_backslash PASS "quoted drop-in path read as systemd does"
  else rec td_dropin_quoted_backslash FAIL "rc=$RC out=$(echo $OUT | head -c 400) err=$ERR"; fi
}

# Unicode: drop-in names /srv/cafe+U+0301 (NFD); teardown --mountpoint /srv/caf+U+00E9 (NFC) is another folder
# (Linux compares bytes; systemd too). The drop-in must be kept.
case_td_dropin_nfc_nfd() {
  local r nfd nfc; r=$(base); nfd=$(printf '/srv/cafe\xcc\x81'); nfc=$(printf '/srv/caf\xc3\xa9')
  dropin "$r" "$nfd"; mkdir -p "$r$nfd" "$r$nfc"
  run teardown --root "$r" --mountpoint "$nfc" --dry-run
  if grep -q '\[drop-in\]' <<<"$OUT"; then
    rec td_dropin_nfc_nfd FAIL "rc=$RC drop-in serving NFD path planned for removal by teardown of NFC path: $(echo $OUT | head -c 300)"
  elif [ $RC = 0 ] || [ $RC = 2 ] || [ $RC = 64 ]; then rec td_dropin_nfc_nfd PASS "rc=$RC kept/refused: $(echo $OUT $ERR | head -c 200)"
  else rec td_dropin_nfc_nfd FAIL "rc=$RC $OUT $ERR"; fi
  # and the reverse: status for NFC mountpoint must not call the NFD drop-in "in place"
  run status --root "$r" --mountpoint "$nfc"
  if grep -q '^drop-in: *in place' <<<"$OUT"; then rec status_dropin_nfc_nfd FAIL "status --mountpoint NFC says drop-in in place though it names the NFD folder"
  else rec status_dropin_nfc_nfd PASS "$(grep '^drop-in' <<<"$OUT")"; fi
}

# old-style bare path with a backslash: systemd reads RequiresMountsFor=/srv/a\b as /srv/ab (unquoted backslash
# escapes the next character). dockstore must not treat the drop-in as serving /srv/a\b.
case_td_dropin_bare_backslash() {
  local r; r=$(base); dropin "$r" '/srv/a\b'; mkdir -p "$r/srv/a\\b" "$r/srv/ab"
  run status --root "$r" --mountpoint '/srv/a\b'
  local st; st=$(grep '^drop-in' <<<"$OUT")
  if grep -q 'in place' <<<"$st"; then rec td_dropin_bare_backslash FAIL "status --mountpoint '/srv/a\\b' says drop-in in place; systemd reads the bare value as /srv/ab"
  else rec td_dropin_bare_backslash PASS "$st"; fi
}

# bare path with %% old-style: systemd reads /srv/x%%y as /srv/x%y
case_td_dropin_bare_percent_status() {
  local r; r=$(base); dropin "$r" '/srv/x%%y'; mkdir -p "$r/srv/x%y"
  run status --root "$r" --mountpoint '/srv/x%y'
  local st; st=$(grep '^drop-in' <<<"$OUT")
  if grep -q 'in place' <<<"$st"; then rec td_dropin_bare_percent_status PASS "$st"
  else rec td_dropin_bare_percent_status FAIL "status --mountpoint /srv/x%y: $st"; fi
}

# mountpoint reached through a linked folder: /srv/link -> /var/lib (inside the tree); drop-in names /var/lib/docker.
# teardown --mountpoint /srv/link/docker is the same folder: a careful user expects either a refusal naming
# /var/lib/docker or the drop-in treated as this store's - never "nothing to do" + keep as if another store.
case_td_mp_through_linked_folder() {
  local r; r=$(base); dropin "$r" /var/lib/docker; mkdir -p "$r/var/lib/docker" "$r/srv"; ln -s /var/lib "$r/srv/link"
  fsline docker-storage.btrfs /var/lib/docker > "$r/etc/fstab"
  local h; h=$(treehash "$r")
  run teardown --root "$r" --mountpoint /srv/link/docker --dry-run
  rec_info=$(echo "$OUT $ERR" | head -c 500)
  # consistent answers only: refuse, or take down drop-in AND fstab line, or keep both (with the kept line)
  local dr=no fs=no; grep -q '\[drop-in\]' <<<"$OUT" && dr=yes; grep -q '\[fstab\]' <<<"$OUT" && fs=yes
  if [ $RC = 2 ] || [ $dr = $fs ]; then rec td_mp_through_linked_folder PASS "rc=$RC $rec_info"
  else rec td_mp_through_linked_folder FAIL "rc=$RC: --mountpoint /srv/link/docker (/srv/link -> /var/lib) plans drop-in removal=$dr but fstab line for /var/lib/docker removal=$fs: $rec_info"; fi
}

# a link given as --mountpoint: refused (exit 2) naming where it leads and the folder to give, nothing changed
case_td_mp_is_link() {
  local r; r=$(base); dropin "$r" /var/lib/docker; mkdir -p "$r/var/lib/docker" "$r/srv"; ln -s /var/lib/docker "$r/srv/dlink"
  fsline docker-storage.btrfs /var/lib/docker > "$r/etc/fstab"
  local h; h=$(treehash "$r")
  run teardown --root "$r" --mountpoint /srv/dlink
  if [ $RC = 2 ] && [ "$(treehash "$r")" = "$h" ] && [ "$(nlines "$ERR")" = 1 ] && grep -q '/var/lib/docker' <<<"$ERR"; then
    rec td_mp_is_link PASS "$ERR"
  else rec td_mp_is_link FAIL "rc=$RC changed=$([ "$(treehash "$r")" = "$h" ] && echo no || echo yes) out=$OUT err=$ERR"; fi
}
# link at the mountpoint with trailing slash and with "." component
case_td_mp_is_link_trailing() {
  local r; r=$(base); dropin "$r" /var/lib/docker; mkdir -p "$r/var/lib/docker" "$r/srv"; ln -s /var/lib/docker "$r/srv/dlink"
  fsline docker-storage.btrfs /var/lib/docker > "$r/etc/fstab"
  local h m out=""; h=$(treehash "$r")
  for m in /srv/dlink/ /srv/dlink/. /srv/./dlink; do
    run teardown --root "$r" --mountpoint "$m"
    out="$out [$m rc=$RC $(echo $OUT $ERR | head -c 160)]"
    if [ "$(treehash "$r")" != "$h" ] || { [ $RC != 2 ] && [ $RC != 64 ]; }; then rec td_mp_is_link_trailing FAIL "$out"; return; fi
  done
  rec td_mp_is_link_trailing PASS "$out"
}
# dangling link as mountpoint, and a link leading outside the root by an absolute target
case_td_mp_link_dangling_abs() {
  local r; r=$(base); mkdir -p "$r/srv"; ln -s /nonexistent/x "$r/srv/dang"; ln -s /etc "$r/srv/etclink"
  local h; h=$(treehash "$r")
  run teardown --root "$r" --mountpoint /srv/dang; local a="dang rc=$RC $ERR $OUT"
  run teardown --root "$r" --mountpoint /srv/etclink; local b="etclink rc=$RC $ERR $OUT"
  if [ "$(treehash "$r")" = "$h" ] && grep -q 'rc=2' <<<"$a" && grep -q 'rc=2' <<<"$b" && grep -q "$r/etc" <<<"$b"; then
    rec td_mp_link_dangling_abs PASS "$(echo $a | head -c 150) | $(echo $b | head -c 150)"
  else rec td_mp_link_dangling_abs FAIL "$(echo $a | head -c 250) | $(echo $b | head -c 250)"; fi
}

# NFC/NFD, real run: fstab line and drop-in of the store at the NFD folder must survive a teardown of the NFC folder
case_td_nfc_nfd_real() {
  local r nfd nfc; r=$(base); nfd=$(printf '/srv/cafe\xcc\x81'); nfc=$(printf '/srv/caf\xc3\xa9')
  dropin "$r" "$nfd"; mkdir -p "$r$nfd" "$r$nfc"; fsline docker-storage.btrfs "$nfd" > "$r/etc/fstab"
  printf 'DOCKSTORE_MOUNTPOINT="%s"\n' "$nfd" > "$r/etc/sysconfig/dockstore"
  run teardown --root "$r" --mountpoint "$nfc"
  if [ -e "$r/$DI" ] && grep -q btrfs "$r/etc/fstab"; then rec td_nfc_nfd_real PASS "rc=$RC kept"
  else rec td_nfc_nfd_real FAIL "rc=$RC teardown --mountpoint $nfc (U+00E9) removed: drop-in=$([ -e "$r/$DI" ] && echo kept || echo REMOVED) fstab line of $nfd (e+U+0301)=$(grep -q btrfs "$r/etc/fstab" && echo kept || echo REMOVED); out=$(echo $OUT | head -c 300)"; fi
}
# provision --dry-run --mountpoint NFC while fstab holds dockstore's line for the NFD folder: another store -> refuse
case_pv_nfc_nfd_second_store() {
  local r nfd nfc; r=$(base); nfd=$(printf '/srv/cafe\xcc\x81'); nfc=$(printf '/srv/caf\xc3\xa9'); mkdir -p "$r$nfd"
  fsline docker-storage.btrfs "$nfd" > "$r/etc/fstab"
  run provision --root "$r" --dry-run --mountpoint "$nfc"
  if [ $RC = 2 ]; then rec pv_nfc_nfd_second_store PASS "$(echo $ERR | head -c 200)"
  else rec pv_nfc_nfd_second_store FAIL "rc=$RC: fstab line for $nfd (NFD) taken as the line of $nfc (NFC): $(echo $OUT | grep -i fstab | head -c 300)"; fi
}
# --delete-image with --image naming a file that is no image at all (a typo): must be refused, never deleted
case_td_delete_image_not_an_image() {
  local r; r=$(base); printf '/dev/vda1 / ext4 defaults 0 1\n' > "$r/etc/fstab"; mkdir -p "$r/home/u"; echo precious > "$r/home/u/thesis.tex"
  run teardown --root "$r" --image /etc/fstab --delete-image
  local a="rc=$RC fstab=$([ -e "$r/etc/fstab" ] && echo kept || echo DELETED)"
  run teardown --root "$r" --image /home/u/thesis.tex --delete-image
  local b="rc=$RC thesis=$([ -e "$r/home/u/thesis.tex" ] && echo kept || echo DELETED)"
  if [ -e "$r/etc/fstab" ] && [ -e "$r/home/u/thesis.tex" ]; then rec td_delete_image_not_an_image PASS "$a; $b"
  else rec td_delete_image_not_an_image FAIL "teardown --image /etc/fstab --delete-image: $a; --image /home/u/thesis.tex: $b (no btrfs/label check)"; fi
}

########## provision --dry-run and a second store in fstab ##########
pv_expect() { # NAME EXPECT(refuse|accept) FSTAB-CONTENT(printf %b) [extra provision args...]
  local name=$1 exp=$2 content=$3; shift 3
  local r; r=$(base); printf '%b' "$content" > "$r/etc/fstab"
  local h; h=$(treehash "$r")
  run provision --root "$r" --dry-run "$@"
  local ch=no; [ "$(treehash "$r")" = "$h" ] || ch=yes
  local got=accept; [ $RC = 2 ] && got=refuse; [ $RC != 0 ] && [ $RC != 2 ] && got="rc$RC"
  if [ "$got" = "$exp" ] && [ $ch = no ] && { [ $exp = accept ] || [ "$(nlines "$ERR")" = 1 ]; }; then rec "$name" PASS "rc=$RC $(echo $ERR | head -c 250)"
  else rec "$name" FAIL "expected $exp got $got (rc=$RC) changed=$ch err=$(echo $ERR | head -c 400) out=$(echo $OUT | head -c 200)"; fi
}
O="$OPTS"
case_pv_second_store()           { pv_expect pv_second_store refuse "/var/lib/other.btrfs /srv/other btrfs $O 0 0\n"; }
case_pv_second_store_escaped()   { pv_expect pv_second_store_escaped refuse "/var/lib/other.btrfs /srv/my\\\\040store btrfs $O 0 0\n"; }
case_pv_same_mp_octal()          { pv_expect pv_same_mp_octal accept "/var/lib/docker-storage.btrfs /var/lib/\\\\144ocker btrfs $O 0 0\n"; }
case_pv_same_mp_trailing_slash() { pv_expect pv_same_mp_trailing_slash accept "/var/lib/docker-storage.btrfs /var/lib/docker/ btrfs $O 0 0\n"; }
case_pv_lookalike_suffix()       { pv_expect pv_lookalike_suffix accept "/var/lib/o.btrfs /srv/o btrfs nofail,x-systemd.before=dockstore-provision.service.d 0 0\n"; }
case_pv_lookalike_other_unit()   { pv_expect pv_lookalike_other_unit accept "/var/lib/o.btrfs /srv/o btrfs nofail,x-systemd.before=xdockstore-provision.service 0 0\n"; }
case_pv_lookalike_ext4()         { pv_expect pv_lookalike_ext4 accept "/dev/vdb /srv/o ext4 nofail,x-systemd.before=dockstore-provision.service 0 0\n"; }
case_pv_lookalike_comment()      { pv_expect pv_lookalike_comment accept "#/var/lib/o.btrfs /srv/o btrfs $O 0 0\n"; }
case_pv_lookalike_in_value()     { pv_expect pv_lookalike_in_value accept "/var/lib/o.btrfs /srv/o btrfs nofail,x-systemd.requires=x-systemd.before=dockstore-provision.service 0 0\n"; }
case_pv_second_store_crlf()      { pv_expect pv_second_store_crlf refuse "/var/lib/other.btrfs /srv/other btrfs $O 0 0\r\n"; }
case_pv_second_store_crlf_opt()  { pv_expect pv_second_store_crlf_opt refuse "/var/lib/other.btrfs /srv/other btrfs $O\r\n"; }
case_pv_second_store_before_list() { pv_expect pv_second_store_before_list refuse "/var/lib/other.btrfs /srv/other btrfs nofail,loop,x-systemd.before=local-fs.target,x-systemd.before=dockstore-provision.service 0 0\n"; }
case_pv_second_store_tabs()      { pv_expect pv_second_store_tabs refuse "\t/var/lib/other.btrfs\t/srv/other\tbtrfs\t$O\n"; }
case_pv_second_store_uuid()      { pv_expect pv_second_store_uuid refuse "UUID=0b9e0c9d-1111-2222-3333-444455556666 /srv/other btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"; }
case_pv_second_store_nested_mp() { pv_expect pv_second_store_nested_mp refuse "/var/lib/other.btrfs /var/lib/docker/sub btrfs $O 0 0\n"; }
case_pv_nested_tree_fstab() {
  local r; r=$(base); mkdir -p "$r/srv/img/etc"; printf '/var/lib/other.btrfs /srv/other btrfs %s 0 0\n' "$O" > "$r/srv/img/etc/fstab"
  run provision --root "$r" --dry-run
  if [ $RC = 0 ]; then rec pv_nested_tree_fstab PASS "rc=0"; else rec pv_nested_tree_fstab FAIL "rc=$RC $ERR"; fi
}
# the refusal's advice: the named provision/teardown must carry the other line's mountpoint and image
case_pv_second_store_advice() {
  local r; r=$(base); printf '/var/lib/other.btrfs /srv/other btrfs %s 0 0\n' "$O" > "$r/etc/fstab"
  run provision --root "$r" --dry-run
  if [ $RC = 2 ] && grep -q -- '--mountpoint /srv/other' <<<"$ERR" && grep -q 'other.btrfs' <<<"$ERR"; then rec pv_second_store_advice PASS "$ERR"
  else rec pv_second_store_advice FAIL "rc=$RC $ERR"; fi
}

########## debris of killed writes ##########
deadpid() { local p=4000000; while kill -0 $p 2>/dev/null; do p=$((p+1)); done; echo $p; }
# backend with nothing to do removes debris beside sysconfig; dry run keeps it; refused run keeps it
case_debris_backend_dry_keeps() {
  local r p; r=$(base); p=$(deadpid); mkdir -p "$r/var/lib/docker"
  printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"
  echo junk > "$r/etc/sysconfig/.docker.dockstore-$p-1"; echo junk > "$r/etc/.fstab.dockstore-$p-1"
  run backend btrfs --root "$r" --dry-run --force
  if [ -e "$r/etc/sysconfig/.docker.dockstore-$p-1" ] && [ -e "$r/etc/.fstab.dockstore-$p-1" ]; then rec debris_backend_dry_keeps PASS "rc=$RC"
  else rec debris_backend_dry_keeps FAIL "dry run removed debris rc=$RC"; fi
}
case_debris_backend_refused_keeps() {
  local r p; r=$(base); p=$(deadpid); mkdir -p "$r/var/lib/docker" "$r/etc/docker"
  printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"; echo '{bad json' > "$r/etc/docker/daemon.json"
  echo junk > "$r/etc/sysconfig/.docker.dockstore-$p-1"; echo junk > "$r/etc/docker/.daemon.json.dockstore-$p-1"
  local h; h=$(treehash "$r")
  run backend btrfs --root "$r" --force
  if [ $RC = 2 ] && [ "$(treehash "$r")" = "$h" ]; then rec debris_backend_refused_keeps PASS "rc=2 unchanged"
  else rec debris_backend_refused_keeps FAIL "rc=$RC changed=$([ "$(treehash "$r")" = "$h" ] && echo no || echo yes) $ERR"; fi
}
case_debris_backend_noop_removes() {
  local r p; r=$(base); p=$(deadpid); mkdir -p "$r/var/lib/docker"
  printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"
  echo junk > "$r/etc/sysconfig/.docker.dockstore-$p-1"
  run backend overlay2 --root "$r" --force
  if [ $RC = 0 ] && [ ! -e "$r/etc/sysconfig/.docker.dockstore-$p-1" ]; then rec debris_backend_noop_removes PASS "$(echo $OUT | head -c 150)"
  else rec debris_backend_noop_removes FAIL "rc=$RC debris still there=$([ -e "$r/etc/sysconfig/.docker.dockstore-$p-1" ] && echo yes) out=$OUT err=$ERR"; fi
}
# look-alikes must stay: live pid, symlink, hard link, FIFO, other owner, extra suffix, non-numeric pid
case_debris_lookalikes_stay() {
  local r p; r=$(base); p=$(deadpid); mkdir -p "$r/var/lib/docker"
  printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"
  local s=$r/etc/sysconfig
  echo live > "$s/.docker.dockstore-$$-1"
  ln -s /etc/passwd "$s/.docker.dockstore-$p-2"
  echo hl > "$s/keep-hl"; ln "$s/keep-hl" "$s/.docker.dockstore-$p-3"
  mkfifo "$s/.docker.dockstore-$p-4"
  echo nb > "$s/.docker.dockstore-$p-5"; chown nobody "$s/.docker.dockstore-$p-5"
  echo x > "$s/.docker.dockstore-$p-6.bak"; echo x > "$s/.docker.dockstore-0$p-7"; echo x > "$s/.docker.dockstore-$p-"
  echo x > "$s/.docker.dockstore-+$p-8"; echo x > "$s/.docker.dockstore- $p-9"; echo x > "$s/.dockerx.dockstore-$p-1"
  echo x > "$s/.docker.dockstore-$p-1x"; echo real > "$s/.docker.dockstore-$p-10"
  local before; before=$(ls -A "$s" | LC_ALL=C sort)
  run backend overlay2 --root "$r" --force
  local after; after=$(ls -A "$s" | LC_ALL=C sort)
  local gone; gone=$(comm -23 <(echo "$before") <(echo "$after") | tr '\n' ' ')
  if [ "$gone" = ".docker.dockstore-$p-10 " ]; then rec debris_lookalikes_stay PASS "only the real debris removed"
  else rec debris_lookalikes_stay FAIL "rc=$RC removed: [$gone] (expected only .docker.dockstore-$p-10)"; fi
}
# teardown with nothing to do: teardown(8) says it "changes nothing"; provision(8) says a changing run with
# nothing else to do removes debris. Which one holds?
case_debris_teardown_nothing_to_do() {
  local r p; r=$(base); p=$(deadpid)
  echo junk > "$r/etc/.fstab.dockstore-$p-1"; echo '# x' > "$r/etc/fstab"
  run teardown --root "$r"
  local left=no; [ -e "$r/etc/.fstab.dockstore-$p-1" ] && left=yes
  # teardown(8), as changed after this attack: nothing to take down changes nothing, not even the lock
  # file, unless a killed write's temporary files are there: it takes the lock and removes them (as
  # provision(8) says for every changing command with nothing else to do)
  rec debris_teardown_nothing_to_do $([ $RC = 0 ] && [ $left = no ] && [ -e "$r/run/dockstore.lock" ] && echo PASS || echo FAIL) "rc=$RC debris left=$left out=$(echo $OUT | head -c 200) lock=$([ -e "$r/run/dockstore.lock" ] && echo created || echo none)"
}
case_debris_pv_dry_keeps() {
  local r p; r=$(base); p=$(deadpid); echo '# x' > "$r/etc/fstab"
  echo junk > "$r/etc/.fstab.dockstore-$p-1"; mkdir -p "$r/var/lib/.dockstore.dockstore-new"
  local h; h=$(treehash "$r")
  run provision --root "$r" --dry-run
  if [ "$(treehash "$r")" = "$h" ]; then rec debris_pv_dry_keeps PASS "rc=$RC"; else rec debris_pv_dry_keeps FAIL "provision --dry-run changed tree rc=$RC"; fi
}
# temp folder chain with foreign content: a changing command must refuse (exit 2) with nothing changed
case_debris_tempdir_foreign_refuses() {
  local r; r=$(base); mkdir -p "$r/var/lib/docker" "$r/var/lib/.dockstore.dockstore-new"
  echo 'admin data' > "$r/var/lib/.dockstore.dockstore-new/notes"
  printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"
  local h; h=$(treehash "$r")
  run backend btrfs --root "$r" --force
  if [ $RC = 2 ] && [ "$(treehash "$r")" = "$h" ] && [ -e "$r/var/lib/.dockstore.dockstore-new/notes" ]; then rec debris_tempdir_foreign_refuses PASS "$ERR"
  else rec debris_tempdir_foreign_refuses FAIL "rc=$RC lock=$([ -e "$r/run/dockstore.lock" ] && echo created || echo none) changed=$([ "$(treehash "$r")" = "$h" ] && echo no || echo yes) notes=$([ -e "$r/var/lib/.dockstore.dockstore-new/notes" ] && echo kept || echo DELETED) err=$ERR"; fi
}
# temp folder chain as provision leaves it (folder + record header) removed by a changing run
case_debris_tempdir_removed_by_backend() {
  local r; r=$(base); mkdir -p "$r/var/lib/docker" "$r/var/lib/.dockstore.dockstore-new"
  printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"
  run backend overlay2 --root "$r" --force
  if [ $RC = 0 ] && [ ! -e "$r/var/lib/.dockstore.dockstore-new" ]; then rec debris_tempdir_removed_by_backend PASS "$(echo $OUT | head -c 120)"
  else rec debris_tempdir_removed_by_backend FAIL "rc=$RC tempdir left=$([ -e "$r/var/lib/.dockstore.dockstore-new" ] && echo yes) $ERR"; fi
}
# symlink named like the temp folder chain: never followed, never removed
case_debris_tempdir_symlink() {
  local r; r=$(base); mkdir -p "$r/var/lib/docker" "$r/victim"; echo v > "$r/victim/f"
  ln -s /victim "$r/var/lib/.dockstore.dockstore-new"
  printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"
  run backend overlay2 --root "$r" --force
  if [ -L "$r/var/lib/.dockstore.dockstore-new" ] && [ -e "$r/victim/f" ]; then rec debris_tempdir_symlink PASS "rc=$RC"
  else rec debris_tempdir_symlink FAIL "rc=$RC link/victim touched $ERR"; fi
}
# a nested temp chain .var.dockstore-new in root holding lib/dockstore/provision-folders
case_debris_tempdir_var_chain() {
  local r; r=$(mkroot); mkdir -p "$r/etc/sysconfig" "$r/.var.dockstore-new/lib/dockstore" "$r/run"
  printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"
  run backend overlay2 --root "$r" --force
  rec debris_tempdir_var_chain $([ $RC = 0 ] && [ ! -e "$r/.var.dockstore-new" ] && echo PASS || echo FAIL) "rc=$RC left=$([ -e "$r/.var.dockstore-new" ] && echo yes || echo no) $(echo $ERR | head -c 200)"
}

########## output that cannot be written ##########
# EXIT STATUS: would-be-0 -> 1 with one stderr line "dockstore: cannot write the output:"; non-zero kept;
# EPIPE no error.
out_case() { # NAME EXPECTED-RC-ON-FULL ARGS...
  local name=$1 exp=$2; shift 2
  local e; e=$(mktemp "/tmp/$PFX.e.XXXX"); TMPS+=("$e")
  "$D" "$@" >/dev/null 2>&1; local rc0=$?
  if [ "$exp" = auto ]; then exp=$rc0; [ $rc0 = 0 ] && exp=1; fi
  if [ "$exp" = autocheck ]; then exp=$rc0; [ $rc0 = 0 ] && exp=3; fi
  "$D" "$@" >/dev/full 2>"$e"; local rc=$?; local err; err=$(cat "$e")
  local ok=1 nw
  [ "$rc" = "$exp" ] || ok=0
  nw=$(grep -c 'cannot write the output' <<<"$err")
  if [ "$rc0" = 0 ]; then [ "$nw" = 1 ] || ok=0; else [ "$nw" -le 1 ] || ok=0; fi
  # every other stderr line must be a warning or the command's own refusal (one)
  [ "$(grep -v -c -e 'cannot write the output' -e '^dockstore: warning:' <<<"$err")" -le 1 ] || ok=0
  "$D" "$@" >&- 2>"$e"; local rc2=$?; local err2; err2=$(cat "$e")
  [ "$rc2" = "$exp" ] || ok=0
  [ "$(grep -c 'cannot write the output' <<<"$err2")" -le 1 ] || ok=0
  # EPIPE: reader gone before the first write, SIGPIPE ignored (as systemd and many shells leave it)
  local rc3; rc3=$( ( trap '' PIPE; "$D" "$@" 2>"$e" | (exec 0<&-; sleep 0) ; echo ${PIPESTATUS[0]} ) ); local err3; err3=$(cat "$e")
  if [ $ok = 1 ]; then rec "$name" PASS "normal rc=$rc0 full rc=$rc closed rc=$rc2 epipe rc=$rc3"
  else rec "$name" FAIL "full: rc=$rc err=[$(echo $err | head -c 200)] | closed fd: rc=$rc2 err=[$(echo $err2 | head -c 200)] (normal rc=$rc0, expected rc $exp, one line) | epipe rc=$rc3 err=[$(echo $err3|head -c 100)]"; fi
}
case_out_version()   { out_case out_version 1 --version; }
case_out_help()      { out_case out_help 1 --help; }
case_out_failpoints(){ out_case out_failpoints 1 backend --list-failpoints; }
case_out_status()    { local r; r=$(base); out_case out_status auto status --root "$r"; }
case_out_backend_show() { local r; r=$(base); mkdir -p "$r/var/lib/docker"; printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"; out_case out_backend_show auto backend --root "$r"; }
case_out_backend_json() { local r; r=$(base); mkdir -p "$r/var/lib/docker"; printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"; out_case out_backend_json auto backend --json --root "$r"; }
case_out_backend_noop() { local r; r=$(base); mkdir -p "$r/var/lib/docker"; printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"; out_case out_backend_noop 1 backend overlay2 --force --root "$r"; }
case_out_teardown_noop() { local r; r=$(base); out_case out_teardown_noop 1 teardown --root "$r"; }
case_out_teardown_dry() { local r; r=$(base); dropin "$r" /var/lib/docker; out_case out_teardown_dry 1 teardown --dry-run --root "$r"; }
case_out_pv_dry()    { local r; r=$(base); out_case out_pv_dry 1 provision --dry-run --root "$r"; }
case_out_pv_refused(){ local r; r=$(base); printf '/var/lib/other.btrfs /srv/other btrfs %s 0 0\n' "$O" > "$r/etc/fstab"; out_case out_pv_refused auto provision --dry-run --root "$r"; }
case_out_grow_dry()  { local r; r=$(base); out_case out_grow_dry auto grow --dry-run --root "$r"; }
case_out_check()     { local r; r=$(base); out_case out_check autocheck check --root "$r"; }

# real backend write with stdout on /dev/full: the work is done, exit 1, one line
case_out_backend_write_full() {
  local r; r=$(base); mkdir -p "$r/var/lib/docker"; printf 'DOCKER_OPTS="--storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"
  local e; e=$(mktemp "/tmp/$PFX.e.XXXX"); TMPS+=("$e")
  "$D" backend btrfs --force --root "$r" >/dev/full 2>"$e"; local rc=$?
  if [ $rc = 1 ] && [ "$(grep -c 'cannot write the output' $e)" = 1 ] && grep -q 'storage-driver=btrfs' "$r/etc/sysconfig/docker"; then rec out_backend_write_full PASS "$(cat $e)"
  else rec out_backend_write_full FAIL "rc=$rc err=$(head -c 300 $e) sysconfig=$(cat $r/etc/sysconfig/docker)"; fi
}

########## failpoints, non-root ##########
case_fp_backend_then_other() {
  local r; r=$(base); mkdir -p "$r/var/lib/docker"; printf 'A=1\nDOCKER_OPTS="-H fd:// --storage-driver=overlay2"\n' > "$r/etc/sysconfig/docker"
  DOCKSTORE_FAILPOINT=sysconfig "$D" backend btrfs --force --root "$r" >/dev/null 2>&1; local rc=$?
  run backend devicemapper --force --root "$r"
  local c; c=$(cat "$r/etc/sysconfig/docker")
  local deb; deb=$(ls -A "$r/etc/sysconfig" | grep -c 'dockstore-[0-9]' )
  if [ $RC = 0 ] && grep -q 'storage-driver=devicemapper' <<<"$c" && grep -q 'fd://' <<<"$c" && [ "$deb" = 0 ]; then rec fp_backend_then_other PASS "kill rc=$rc"
  else rec fp_backend_then_other FAIL "kill rc=$rc rerun rc=$RC debris=$deb file=[$c] $ERR"; fi
}
case_nonroot_status_check() {
  local r; r=$(base); chmod 755 "$r"; dropin "$r" /var/lib/docker
  local o rc
  o=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$D" status --root "$r" 2>&1); rc=$?
  local o2 rc2; o2=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$D" check --root "$r" 2>&1); rc2=$?
  if [ $rc != 0 ] && [ $rc2 = 3 ] || [ $rc2 = 2 ]; then rec nonroot_status_check PASS "status rc=$rc check rc=$rc2 $(echo $o2 | head -c 150)"
  else rec nonroot_status_check FAIL "status rc=$rc [$(echo $o | head -c 150)] check rc=$rc2 [$(echo $o2 | head -c 200)]"; fi
}

ALL=$(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//')
[ $# -gt 0 ] && ALL="$*"
for c in $ALL; do "case_$c"; done
echo "TOTAL $((PASS+FAIL)) PASS $PASS FAIL $FAIL"
