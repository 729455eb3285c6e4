# cases for attack.sh (sourced)
base() { newroot; chmod 755 "$R"; mkdir -p "$R/etc" "$R/var/lib" "$R/run"; }
prov_img() { run "$DS" provision --root "$R" --size 2G "$@"; }
state() { # snapshot: config hashes + mounts under R + loops of R
  { hashtree "$R"; echo "--mounts"; mounted_under "$R"; echo "--loops"; losetup -nO NAME,BACK-FILE | awk -v r="$R" 'index($2, r"/")==1'; } ; }
holder() { # start a process in a new mount ns: $1=propagation, rest = commands run in it before sleeping
  local prop=$1; shift
  unshare -m --propagation "$prop" bash -c "$*; exec sleep 600" >/dev/null 2>&1 &
  PIDS+=($!); HPID=$!; sleep 0.5; }
ns_has_store() { grep -c " $R/var/lib/docker " /proc/$1/mountinfo 2>/dev/null; }

# A1: teardown while a private ns holds a copy of the store's mount
case_A1_teardown_private_ns() {
  base; prov_img
  holder private true
  state >"$OUT/A1.before"
  run "$DS" teardown --root "$R"
  state >"$OUT/A1.after"
  local seen="rc=$RC; $(head -c 400 "$OUT/cur.out" | tr '\n' ' ')"
  if [ "$RC" = 2 ] && cmp -s "$OUT/A1.before" "$OUT/A1.after" && grep -q "$HPID" "$OUT/cur.out"; then
    result A1 PASS - "private-ns copy: refused exit 2, nothing changed, names pid $HPID"
  else result A1 FAIL wrong-result "private-ns copy: $seen"; fi
}
# A2: shared mount, slave copy in another ns: unmount propagates -> teardown should succeed fully
case_A2_teardown_slave_ns() {
  base; mount --bind "$R" "$R"; mount --make-rshared "$R"; prov_img
  holder slave true
  run "$DS" teardown --root "$R"
  local left; left=$(ns_has_store $HPID)
  if [ "$RC" = 0 ] && [ "$left" = 0 ] && ! losetup -nO BACK-FILE | grep -q "^$R/"; then
    result A2 PASS - "slave copy goes with the unmount; teardown exit 0, loop detached"
  else result A2 FAIL wrong-result "slave ns: rc=$RC, store still in holder ns: $left; $(head -c 300 "$OUT/cur.out"|tr '\n' ' ')"; fi
}
# A3: slave copy with a mount inside the store in that ns (propagated umount cannot take it)
case_A3_teardown_slave_ns_with_submount() {
  base; mount --bind "$R" "$R"; mount --make-rshared "$R"; prov_img
  mkdir -p "$R/var/lib/docker/sub"
  holder slave "mount --make-private $R/var/lib/docker/sub 2>/dev/null; mount -t tmpfs t $R/var/lib/docker/sub"
  state >"$OUT/A3.before"
  run "$DS" teardown --root "$R"
  state >"$OUT/A3.after"
  local left; left=$(ns_has_store $HPID)
  local fst=$(test -e "$R/etc/fstab" && echo present || echo GONE)
  local di=$(test -e "$R/etc/systemd/system/docker.service.d/dockstore.conf" && echo present || echo GONE)
  if [ "$left" != 0 ] && { [ $fst = GONE ] || [ $di = GONE ]; }; then
    result A3 FAIL data-loss "store still mounted in ns $HPID but fstab $fst, drop-in $di; rc=$RC"
  elif [ "$RC" = 2 ] || [ "$RC" = 1 ]; then
    result A3 PASS - "refused rc=$RC ($(head -c 200 "$OUT/cur.out" | tr '\n' ' ')); store in ns: $left; fstab $fst drop-in $di"
  else result A3 FAIL wrong-result "rc=$RC store in ns: $left fstab $fst drop-in $di"; fi
}
# A4: holder ns appears after teardown planned (during DOCKSTORE_PAUSE before unmount)
case_A4_teardown_ns_appears_midrun() {
  base; prov_img
  ( sleep 0.4; unshare -m --propagation private sleep 600 ) & PIDS+=($!)
  DOCKSTORE_PAUSE=unmount run "$DS" teardown --root "$R"
  local hp; hp=$(pgrep -n -P $(pgrep -n -P ${PIDS[-1]} unshare 2>/dev/null || echo 1) sleep 2>/dev/null)
  hp=$(pgrep -f "^sleep 600$" -n)
  local left=$(ns_has_store "$hp")
  local fst=$(test -e "$R/etc/fstab" && echo present || echo GONE)
  if [ "$left" != 0 ] && [ "$fst" = GONE ]; then
    result A4 FAIL data-loss "ns made mid-run holds the store; teardown rc=$RC removed fstab"
  elif [ "$left" != 0 ] && [ "$RC" = 0 ]; then
    result A4 FAIL wrong-result "ns made mid-run holds the store, teardown rc=0"
  else result A4 PASS - "rc=$RC store-in-ns=$left fstab $fst: $(tail -c 300 "$OUT/cur.out" | tr '\n' ' ')"; fi
}
# A5: holder ns exits while teardown pauses: re-check should now let it go on or refuse cleanly
case_A5_teardown_holder_exits_midrun() {
  base; prov_img
  holder private true
  ( sleep 0.3; kill -9 $HPID ) &
  DOCKSTORE_PAUSE=unmount run "$DS" teardown --root "$R"
  result A5 INFO - "rc=$RC: $(head -c 300 "$OUT/cur.out" | tr '\n' ' ')"
}
# A6: provision --device whose only mount is in another ns
case_A6_provision_device_only_in_other_ns() {
  base; sparse "$R/disk" 2G; local L; L=$(attach "$R/disk")
  run "$DS" provision --root "$R" --device "$L"
  [ "$RC" = 0 ] || { result A6 FAIL wrong-result "setup: provision --device failed rc=$RC $(head -c 300 "$OUT/cur.out")"; return; }
  holder private true
  umount "$R/var/lib/docker"
  state >"$OUT/A6.before"
  run "$DS" provision --root "$R" --device "$L"
  state >"$OUT/A6.after"
  if [ "$RC" = 2 ] && grep -q "$HPID" "$OUT/cur.out" && cmp -s "$OUT/A6.before" "$OUT/A6.after"; then
    result A6 PASS - "refused exit 2 naming pid $HPID, nothing changed"
  else result A6 FAIL wrong-result "rc=$RC: $(head -c 400 "$OUT/cur.out" | tr '\n' ' ')"; fi
  run "$DS" provision --root "$R"
  result A6b $([ "$RC" = 2 ] && echo PASS || echo FAIL) $([ "$RC" = 2 ] && echo - || echo wrong-result) "plain provision (boot) with device store only in other ns: rc=$RC: $(head -c 300 "$OUT/cur.out" | tr '\n' ' ')"
  run "$DS" teardown --root "$R"
  result A6c $([ "$RC" = 2 ] && echo PASS || echo FAIL) $([ "$RC" = 2 ] && echo - || echo wrong-result) "teardown, device store mounted only in other ns: rc=$RC: $(head -c 300 "$OUT/cur.out" | tr '\n' ' ')"
}
# A7: image store unmounted here, still mounted in another ns: teardown --delete-image
case_A7_teardown_image_only_in_other_ns() {
  base; prov_img
  holder private true
  umount "$R/var/lib/docker"
  state >"$OUT/A7.before"
  run "$DS" teardown --root "$R" --delete-image
  state >"$OUT/A7.after"
  local img=$(test -e "$R/var/lib/docker-storage.btrfs" && echo present || echo DELETED)
  local fst=$(test -e "$R/etc/fstab" && echo present || echo GONE)
  if [ "$RC" = 2 ] && cmp -s "$OUT/A7.before" "$OUT/A7.after"; then
    result A7 PASS - "image store only in other ns: teardown --delete-image refused exit 2, nothing changed"
  else result A7 FAIL $([ $img = DELETED ] && echo data-loss || echo wrong-result) "image store mounted only in ns $HPID: teardown rc=$RC image $img fstab $fst: $(head -c 250 "$OUT/cur.out" | tr '\n' ' ')"; fi
}
zeroes() { cmp -s -n $((2*1024*1024)) "$1" /dev/zero; }
# B1: provision --device killed after format-record, device names shuffled
case_B1_format_record_renamed() {
  base; sparse "$R/a" 2G; sparse "$R/b" 2G; local La Lb La2
  La=$(attach "$R/a")
  DOCKSTORE_FAILPOINT=format-record run "$DS" provision --root "$R" --device "$La"
  log "killed rc=$RC; record: $(cat "$R/var/lib/dockstore/format-record.json" 2>&1)"
  losetup -d "$La"; sleep 0.3
  Lb=$(losetup --show "$La" "$R/b" 2>/dev/null || attach "$R/b"); La2=$(attach "$R/a")
  log "now: b on $Lb, a on $La2"
  local before; before=$(state)
  for args in "" "--size 1G"; do
    run "$DS" provision --root "$R" $args
    local bz=$(zeroes "$R/b" && echo blank || echo WRITTEN)
    local img=$(ls "$R/var/lib/" | grep -c docker-storage)
    local msg=$(head -c 400 "$OUT/cur.out" | tr '\n' ' ')
    if [ $bz = WRITTEN ]; then result "B1 provision $args" FAIL data-loss "formatted $Lb (file b, not the recorded device): $msg"
    elif [ "$img" != 0 ]; then result "B1 provision $args" FAIL wrong-result "built an image store: $msg"
    elif [ "$RC" = 0 ] && ! blkid -p "$R/a" | grep -q btrfs; then result "B1 provision $args" FAIL wrong-result "rc=0 but a not formatted: $msg"
    else result "B1 provision $args" PASS - "rc=$RC, b untouched: $msg"; fi
  done
  run "$DS" status --root "$R"; result "B1 status" INFO - "rc=$RC: $(head -c 500 "$OUT/cur.out" | tr '\n' ' ')"
  run "$DS" teardown --root "$R"; result "B1 teardown" INFO - "rc=$RC: $(head -c 400 "$OUT/cur.out" | tr '\n' ' ')"
  zeroes "$R/b" || result "B1 final" FAIL data-loss "file b was written"
}
# B2: killed after format-record, then the device is not attached; another blank file on the old name
case_B2_format_record_missing() {
  base; sparse "$R/a" 2G; sparse "$R/c" 2G; local La Lc
  La=$(attach "$R/a")
  DOCKSTORE_FAILPOINT=format-record run "$DS" provision --root "$R" --device "$La"
  losetup -d "$La"; sleep 0.3
  Lc=$(losetup --show "$La" "$R/c" 2>/dev/null || attach "$R/c")
  log "a detached; c on $Lc (old name $La)"
  for args in "" "--size 1G" "--device $Lc"; do
    run "$DS" provision --root "$R" $args
    local cz=$(zeroes "$R/c" && echo blank || echo WRITTEN)
    local img=$(ls "$R/var/lib/" | grep -c docker-storage)
    local msg=$(head -c 400 "$OUT/cur.out" | tr '\n' ' ')
    if [ $cz = WRITTEN ] && [ "$args" != "--device $Lc" ]; then result "B2 provision $args" FAIL data-loss "formatted $Lc (c) that took the recorded name: $msg"
    elif [ "$img" != 0 ]; then result "B2 provision $args" FAIL wrong-result "built an image store: $msg"
    else result "B2 provision $args" PASS - "rc=$RC c=$cz: $msg"; fi
  done
  run "$DS" status --root "$R"; result "B2 status" INFO - "rc=$RC: $(head -c 400 "$OUT/cur.out" | tr '\n' ' ')"
}
SC=etc/sysconfig/dockstore
bashval() { env -i bash -c "set -a; . '$1' 2>&1; echo \"MP=\$DOCKSTORE_MOUNTPOINT IMG=\$DOCKSTORE_IMAGE\""; }
adminfile() { mkdir -p "$R/etc/sysconfig"; printf '# admin settings\n#  caf\xe9 latin-1 comment\n\nDOCKSTORE_SIZE="3G"\n# trailing comment, no newline' >"$R/$SC"; chmod 0600 "$R/$SC"; }
reboot_sim() { for m in $(mounted_under "$R" | sort -r); do umount "$m"; done; }
# C1: odd admin file, provision --mountpoint/--image, teardown without options, byte-exact?
case_C1_bootsettings_roundtrip() {
  base; mkdir -p "$R/srv"; adminfile; cp "$R/$SC" "$OUT/C1.orig"
  run "$DS" provision --root "$R" --size 2G --mountpoint /srv/dock --image /srv/img.btrfs
  log "after provision: $(od -c "$R/$SC" | tail -5)"; log "bash: $(bashval "$R/$SC")"
  local b=$(bashval "$R/$SC")
  [ "$b" = "MP=/srv/dock IMG=/srv/img.btrfs" ] && result C1a PASS - "bash reads $b; mode $(stat -c %a "$R/$SC")" || result C1a FAIL wrong-result "bash reads: $b"
  reboot_sim; run "$DS" provision --root "$R"
  [ "$RC" = 0 ] && result C1b PASS - "plain provision (boot) finds the store: $(tail -1 "$OUT/cur.out")" || result C1b FAIL wrong-result "boot provision rc=$RC $(head -c 300 "$OUT/cur.out")"
  run "$DS" teardown --root "$R"
  if cmp -s "$R/$SC" "$OUT/C1.orig" && [ "$(stat -c %a "$R/$SC")" = 600 ]; then result C1c PASS - "teardown gave the admin file back byte-exact, mode 0600"
  else result C1c FAIL wrong-result "after teardown rc=$RC: $(cmp "$R/$SC" "$OUT/C1.orig" 2>&1) mode $(stat -c %a "$R/$SC" 2>&1)"; diff <(od -c "$OUT/C1.orig") <(od -c "$R/$SC") >>"$OUT/$CASE.log"; fi
}
# C2: value given twice (bash takes the last); existing value
case_C2_value_twice() {
  base; mkdir -p "$R/srv"; mkdir -p "$R/etc/sysconfig"
  printf 'DOCKSTORE_MOUNTPOINT="/srv/a"\nDOCKSTORE_MOUNTPOINT="/srv/b"\n' >"$R/$SC"; cp "$R/$SC" "$OUT/C2.orig"
  run "$DS" provision --root "$R" --size 2G --mountpoint /srv/dock
  log "file now: $(cat "$R/$SC")"; local b=$(bashval "$R/$SC")
  local mp=$(mounted_under "$R")
  if [ "$RC" = 0 ] && [ "${b%% *}" != "MP=/srv/dock" ]; then result C2 FAIL wrong-result "provision rc=0 mounted at $mp but bash reads the file as $b"
  elif [ "$RC" != 0 ]; then result C2 PASS - "rc=$RC: $(head -c 250 "$OUT/cur.out"|tr '\n' ' ')"
  else
    reboot_sim; run "$DS" provision --root "$R"; result C2 $([ $RC = 0 ] && echo PASS || echo FAIL) $([ $RC = 0 ] && echo - || echo wrong-result) "twice-given value: file now '$(tr '\n' '|' <"$R/$SC")'; boot provision rc=$RC $(head -c 200 "$OUT/cur.out"|tr '\n' ' ')"
  fi
}
# C3: refusals: CRLF, export, group-writable, symlink file, fifo -- each must be exit 2, nothing changed
case_C3_refusals() {
  local kind
  for kind in crlf export gw link sysconfig-link quoted-single dollar; do
    base; mkdir -p "$R/srv" "$R/etc/sysconfig"
    case $kind in
      crlf) printf '# x\r\nDOCKSTORE_SIZE="3G"\r\n' >"$R/$SC";;
      export) printf 'export DOCKSTORE_SIZE="3G"\n' >"$R/$SC";;
      gw) printf 'DOCKSTORE_SIZE="3G"\n' >"$R/$SC"; chmod 664 "$R/$SC";;
      link) printf 'DOCKSTORE_SIZE="3G"\n' >"$R/etc/real"; ln -s /etc/real "$R/$SC";;
      sysconfig-link) rmdir "$R/etc/sysconfig"; mkdir "$R/etc/sc2"; ln -s /etc/sc2 "$R/etc/sysconfig"; printf 'DOCKSTORE_SIZE="3G"\n' >"$R/etc/sc2/dockstore";;
      quoted-single) printf "DOCKSTORE_SIZE='3G'\n" >"$R/$SC";;
      dollar) printf 'DOCKSTORE_MOUNTPOINT="/srv/$HOME"\n' >"$R/$SC";;
    esac
    local before; before=$(state)
    run "$DS" provision --root "$R" --size 2G --mountpoint /srv/dock
    local after; after=$(state)
    local msg=$(head -c 300 "$OUT/cur.out" | tr '\n' ' ')
    case $kind in
      sysconfig-link|quoted-single)
        local f=$R/$SC; [ $kind = sysconfig-link ] && f=$R/etc/sc2/dockstore
        local b=$(bashval "$f"); if [ "$RC" = 0 ] && [ "${b%% *}" != "MP=/srv/dock" ]; then result "C3 $kind" FAIL wrong-result "rc=0 but bash reads $b"; else result "C3 $kind" PASS - "rc=$RC bash=$b: ${msg:0:200}"; fi
        ls -la "$R/etc" "$R/etc/sysconfig/" >>"$OUT/$CASE.log" 2>&1;;
      dollar)
        result "C3 $kind" $([ "$RC" = 0 ] || [ "$RC" = 64 ] || [ "$RC" = 2 ] && echo INFO) - "rc=$RC bash reads $(bashval "$R/$SC"): ${msg:0:200}";;
      *) if [ "$RC" = 2 ] && [ "$before" = "$after" ]; then result "C3 $kind" PASS - "exit 2, nothing changed: ${msg:0:200}"
         else result "C3 $kind" FAIL wrong-result "rc=$RC changed=$([ "$before" = "$after" ] && echo no || echo YES): ${msg:0:200}"; fi;;
    esac
    cleanup
  done
}
# C4: kill at every failpoint of provision --mountpoint /srv/p; then the boot (umount all, plain provision);
# then finish, teardown without --mountpoint; admin file must be byte-exact, nothing left mounted
case_C4_failpoints_mountpoint() {
  local fp
  for fp in $("$DS" provision --list-failpoints); do
    base; mkdir -p "$R/srv" "$R/etc/sysconfig"; printf '# admin\nDOCKSTORE_SIZE="2G"\n' >"$R/$SC"; cp "$R/$SC" "$OUT/C4.orig"
    DOCKSTORE_FAILPOINT=$fp run "$DS" provision --root "$R" --mountpoint /srv/p
    local k=$RC
    reboot_sim
    # the boot: systemd would mount the fstab line first
    if grep -q ' /srv/p btrfs' "$R/etc/fstab" 2>/dev/null; then mount -o loop "$R/var/lib/docker-storage.btrfs" "$R/srv/p" 2>/dev/null; fi
    run "$DS" provision --root "$R"; local boot=$RC bootmsg=$(head -c 250 "$OUT/cur.out" | tr '\n' ' ')
    local wrongstore=$(mounted_under "$R" | grep -c /var/lib/docker)
    run "$DS" provision --root "$R" --mountpoint /srv/p; local fin=$RC
    run "$DS" teardown --root "$R"; local td=$RC
    local left=$(mounted_under "$R" | wc -l)
    local exact=$(cmp -s "$R/$SC" "$OUT/C4.orig" && echo exact || echo DIFFERS)
    local v=PASS sev=-
    # the boot after any kill must bring a store up (Docker down otherwise); finishing may be refused
    # only when the boot already set the store up at the default (one store per root)
    if [ "$boot" != 0 ]; then v=FAIL sev=wrong-result; fi
    if [ $exact = DIFFERS ] || [ "$left" != 0 ] || [ "$td" != 0 ]; then v=FAIL sev=wrong-result; fi
    if [ "$fin" != 0 ] && [ "$wrongstore" = 0 ]; then v=FAIL sev=wrong-result; fi
    result "C4 $fp" $v $sev "kill rc=$k; boot provision rc=$boot (second store at default: $wrongstore) ${bootmsg:0:160}; finish rc=$fin; teardown rc=$td; admin file $exact; mounts left $left"
    cleanup
  done
}
# C5: re-run with another --mountpoint after a finished store; teardown with --mountpoint
case_C5_rerun_other_mountpoint() {
  base; mkdir -p "$R/srv" "$R/etc/sysconfig"; printf '# admin\nDOCKSTORE_SIZE="2G"\n' >"$R/$SC"; cp "$R/$SC" "$OUT/C5.orig"
  run "$DS" provision --root "$R" --mountpoint /srv/p
  local before; before=$(state)
  run "$DS" provision --root "$R" --mountpoint /srv/q
  local after; after=$(state)
  result C5a $([ "$RC" = 2 ] && [ "$before" = "$after" ] && echo PASS - || echo FAIL wrong-result) "re-run with --mountpoint /srv/q: rc=$RC $(head -c 250 "$OUT/cur.out" | tr '\n' ' ')"
  run "$DS" teardown --root "$R" --mountpoint /srv/q
  result C5b INFO - "teardown --mountpoint /srv/q (not the store): rc=$RC $(head -c 250 "$OUT/cur.out" | tr '\n' ' ')"
  run "$DS" teardown --root "$R" --mountpoint /srv/p
  local exact=$(cmp -s "$R/$SC" "$OUT/C5.orig" && echo exact || echo DIFFERS)
  result C5c $([ "$RC" = 0 ] && [ $exact = exact ] && [ -z "$(mounted_under "$R")" ] && echo PASS - || echo FAIL wrong-result) "teardown --mountpoint /srv/p: rc=$RC admin file $exact"
  run "$DS" provision --root "$R"
  result C5d INFO - "plain provision after teardown: rc=$RC mounted: $(mounted_under "$R" | tr '\n' ' ')"
}
chk() { run "$DS" check --root "$R" "$@"; }
# D1: daemon settings dockerd 20.10 refuses to start with / data root links; check must not say OK
case_D1_check_daemon_settings() {
  base; prov_img   # store at /var/lib/docker, DOCKER_OPTS="--storage-driver=btrfs"
  local SD=$R/etc/sysconfig/docker; cp "$SD" "$OUT/D1.sd"
  mkdir -p "$R/etc/docker" "$R/data"
  chk; result "D1 baseline" INFO - "rc=$RC $(head -c 150 "$OUT/cur.out")"
  local v
  try() { # name, expect(notok|ok), daemon.json content or '-', DOCKER_OPTS
    local name=$1 exp=$2 dj=$3 opts=$4
    cp "$OUT/D1.sd" "$SD"; rm -f "$R/etc/docker/daemon.json"
    [ "$dj" != - ] && printf '%s' "$dj" >"$R/etc/docker/daemon.json"
    [ -n "$opts" ] && sed -i "s|^DOCKER_OPTS=.*|DOCKER_OPTS=\"$opts\"|" "$SD"
    chk; local n=$RC nm=$(head -c 230 "$OUT/cur.out" | tr '\n' ' ')
    chk --format json; local j=$RC; chk --format prometheus; local p=$RC
    local ok=0; [ $n = 0 ] && ok=1
    if [ $exp = notok ] && [ $ok = 1 ]; then result "D1 $name" FAIL wrong-result "check OK though dockerd would not start/would write elsewhere (json rc=$j prom rc=$p): $nm"
    elif [ $exp = ok ] && [ $ok = 0 ]; then result "D1 $name" FAIL wrong-result "rc=$n, expected OK: $nm"
    else result "D1 $name" PASS - "rc=$n json=$j prom=$p: $nm"; fi
  }
  try unknown-key notok '{"storage-driver":"btrfs","no-such-key":1}' ""
  try miscased-key notok '{"Data-Root":"/var/lib/docker"}' ""
  try miscased-key-elsewhere notok '{"Data-Root":"/data"}' ""
  try graph+data-root notok '{"graph":"/var/lib/docker","data-root":"/var/lib/docker"}' ""
  try flag-and-json notok '{"data-root":"/var/lib/docker"}' "--storage-driver=btrfs --data-root=/var/lib/docker"
  try driver-flag-and-json notok '{"storage-driver":"btrfs"}' ""
  try missing-config-file notok - "--storage-driver=btrfs --config-file=/etc/docker/nope.json"
  try flag-no-arg notok - "--storage-driver=btrfs --data-root"
  try dup-key notok '{"data-root":"/var/lib/docker","data-root":"/data"}' ""
  try trailing-garbage notok '{"data-root":"/var/lib/docker"} x' ""
  ln -s /var/lib/docker "$R/data/link-to-store"; ln -s /data/elsewhere "$R/data/link-elsewhere"; mkdir -p "$R/data/elsewhere"
  ln -s ../lib/docker "$R/var/lib/rel-link"
  try data-root-link-to-store ok '{"data-root":"/data/link-to-store"}' ""
  try data-root-rel-link-to-store ok '{"data-root":"/var/lib/rel-link"}' ""
  try data-root-link-elsewhere notok '{"data-root":"/data/link-elsewhere"}' ""
  try data-root-flag-link-elsewhere notok - "--storage-driver=btrfs --data-root=/data/link-elsewhere"
  try data-root-g-flag notok - "--storage-driver=btrfs -g /data"
}
# D2: nothing mounted while a dockerd runs (pidfile in run/ or var/run/)
case_D2_check_bare_folder() {
  local where
  for where in run var/run var/run-link; do
    base; prov_img; umount "$R/var/lib/docker"
    cp /usr/bin/sleep "$R/dockerd"; "$R/dockerd" 600 & PIDS+=($!); local dp=$!
    case $where in
      run) echo $dp >"$R/run/docker.pid";;
      var/run) mkdir -p "$R/var/run"; echo $dp >"$R/var/run/docker.pid";;
      var/run-link) ln -s /run "$R/var/run"; echo $dp >"$R/run/docker.pid";;
    esac
    local f out=""
    for f in nagios json prometheus; do
      chk --format $f
      out="$out $f:rc=$RC"
      [ $f = nagios ] || grep -q docker_on_bare_folder "$OUT/cur.out" || out="$out(no-name)"
    done
    if [[ "$out" == *"nagios:rc=2 json:rc=2 prometheus:rc=2"* ]] && [[ "$out" != *no-name* ]]; then result "D2 $where" PASS - "$out"
    else result "D2 $where" FAIL wrong-result "dockerd pid $dp in $where/docker.pid, store unmounted:$out; $(head -c 200 "$OUT/cur.out" | tr '\n' ' ')"; fi
    cleanup
  done
  # a stale pidfile naming a non-dockerd process: UNKNOWN, not CRITICAL
  base; prov_img; umount "$R/var/lib/docker"; sleep 600 & PIDS+=($!); echo $! >"$R/run/docker.pid"
  chk; result "D2 stale-pid" $([ $RC = 3 ] && echo PASS - || echo FAIL wrong-result) "pidfile names a sleep: rc=$RC $(head -c 200 "$OUT/cur.out"|tr '\n' ' ')"
}
# C6: /etc/sysconfig missing; /etc/sysconfig group-writable folder
case_C6_sysconfig_missing_and_gw_folder() {
  base; mkdir -p "$R/srv"
  run "$DS" provision --root "$R" --size 2G --mountpoint /srv/p
  local made=$(cat "$R/$SC" 2>&1 | tr '\n' '|')
  run "$DS" teardown --root "$R"
  local left=$(ls -A "$R/etc" | tr '\n' ' ')
  result C6a $([ ! -e "$R/etc/sysconfig" ] && echo PASS - || echo FAIL wrong-result) "no /etc/sysconfig: provision wrote '$made'; after teardown rc=$RC /etc holds: $left"
  cleanup
  base; mkdir -p "$R/srv" "$R/etc/sysconfig"; chmod 775 "$R/etc/sysconfig"
  local before; before=$(state)
  run "$DS" provision --root "$R" --size 2G --mountpoint /srv/p
  local after; after=$(state)
  local prc=$RC
  reboot_sim; run "$DS" provision --root "$R"
  result C6b $([ "$prc" = 2 ] && [ "$before" = "$after" ] && echo PASS - || echo FAIL wrong-result) "group-writable /etc/sysconfig (no settings file yet): provision --mountpoint rc=$prc; the boot's plain provision then: rc=$RC $(head -c 300 "$OUT/cur.out"|tr '\n' ' ')"
}
# A8: teardown --wipe-device of a device store mounted only in another namespace (data in it)
case_A8_wipe_device_mounted_in_other_ns() {
  base; sparse "$R/disk" 2G; local L; L=$(attach "$R/disk")
  run "$DS" provision --root "$R" --device "$L"
  echo precious >"$R/var/lib/docker/data.txt"; sync
  holder private true
  umount "$R/var/lib/docker"
  run "$DS" teardown --root "$R" --wipe-device
  local sig=$(blkid -p -o value -s TYPE "$L" 2>/dev/null || echo none)
  local inns=$(nsenter -t $HPID -m cat "$R/var/lib/docker/data.txt" 2>&1)
  if [ "$sig" != btrfs ]; then result A8 FAIL data-loss "teardown --wipe-device rc=$RC wiped $L while pid $HPID's namespace has it mounted (signature now: $sig; file in ns: $inns)"
  elif [ "$RC" = 2 ] && [ -e "$R/etc/dockstore.disabled" ]; then result A8 FAIL unclear-message "not wiped, but exit 2 ('nothing changed') after it created etc/dockstore.disabled; no pid/namespace named: $(head -c 250 "$OUT/cur.out" | tr '\n' ' ')"
  elif [ "$RC" = 2 ]; then result A8 PASS - "refused: $(head -c 250 "$OUT/cur.out" | tr '\n' ' ')"
  else result A8 FAIL wrong-result "rc=$RC signature $sig: $(head -c 250 "$OUT/cur.out" | tr '\n' ' ')"; fi
}
