# boot-test: the unattended maintenance under systemd (in the container; sourced by the timer
# hook on the last boot). `maintenance OUTDIR` starts dockstore-scrub.service and
# dockstore-reclaim.service, the units the scrub and reclaim timers trigger, with
# `systemctl start` (each is Type=oneshot), then dockstore-check.service, and records what
# they did for judge.py:
#   scrub.show, reclaim.show, check.show  Result, ExecMainStatus, ... of each run
#   scrub-journal, reclaim-journal        the unit's journal of this boot
#   scrub-sched, reclaim-sched            the scheduling the service's process ran with
#                                         (/proc/PID/stat nice and policy, ionice, chrt)
#   scrub.status, last-reclaim.json       the records the services left for check
#   check-before.json, check-after.json   `dockstore check --format json` around the reclaim
#   dockstore-after.prom                  the textfile dockstore-check.service wrote after both
# and KEY=VALUE lines in hook.facts (maint_*).
#
# The store is first given 256 MiB of data, so the scrub has blocks to verify and lasts long
# enough to be seen running. After the scrub it is filled (fallocate, no data written) until
# next to nothing is unallocated: data chunks three quarters full, about nine nearly empty,
# and small files in metadata, so check warns (unallocated) and the reclaim must relocate
# the nearly empty chunks (an empty chunk the first round returns is not enough).
# To read the reclaim's scheduling while it runs, the hook holds the run lock
# (/run/dockstore.lock, flock) while the service starts: reclaim waits for it (its
# --lock-timeout, 60 s) and the hook lets go once it has read /proc.

MAINT_PROM=/var/lib/prometheus/node-exporter/dockstore.prom

# sched_of PID UNIT FILE: what the kernel says of PID's scheduling, as KEY=VALUE lines
sched_of() {
  local pid="$1" unit="$2" file="$3" stat rest
  {
    echo "pid=$pid"
    echo "comm=$(cat "/proc/$pid/comm" 2>/dev/null)"
    echo "cmdline=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)"
    # fields after "(comm) ": state is field 3; nice is 19, policy 41 (proc(5))
    rest="${stat##*) }"
    # shellcheck disable=SC2086
    set -- $rest
    echo "nice=${17:-}"
    echo "policy=${39:-}"
    echo "ionice=$(ionice -p "$pid" 2>&1)"
    echo "chrt=$(chrt -p "$pid" 2>&1 | tr '\n' ' ')"
    echo "state=$(systemctl show -p ActiveState --value "$unit" 2>&1)"
  } > "$file"
}

# maint_start_watched UNIT OUTFILE [HOLD_FD]: starts UNIT without waiting, reads the
# scheduling of its main process while it runs (busy-polling its cgroup with shell builtins,
# 10 s at most), lets go of the run lock on HOLD_FD, then waits up to 5 minutes for the unit
# to end. Until it has exec'd, the process is systemd's child, named "(btrfs)": it has its
# nice value and policy but not yet its I/O class (ioprio_set comes later in exec_child),
# so it is read only once its name is the program's.
maint_start_watched() {
  local unit="$1" file="$2" hold="${3:-}" pid="" comm="" end procs="/sys/fs/cgroup/system.slice/$1/cgroup.procs"
  systemctl start --no-block "$unit"
  end=$((SECONDS + 10))
  # the first PID in the unit's cgroup (v2) once it runs the program, read without a fork
  while [ "$SECONDS" -lt "$end" ]; do
    pid=""
    [ -r "$procs" ] && read -r pid < "$procs" 2>/dev/null
    [ -n "$pid" ] && read -r comm < "/proc/$pid/comm" 2>/dev/null && [ "${comm#(}" = "$comm" ] && break
  done
  [ "${comm#(}" = "$comm" ] || pid=""
  if [ -n "$pid" ]; then sched_of "$pid" "$unit" "$file"
  else echo "pid=none seen in 10 s; ActiveState=$(systemctl show -p ActiveState --value "$unit")" > "$file"; fi
  if [ -n "$hold" ]; then flock -u "$hold"; fi
  wait_for 300 maint_ended "$unit"
}

# maint_ended UNIT: the oneshot's start job is over (it is inactive or failed again)
maint_ended() {
  case "$(systemctl show -p ActiveState --value "$1")" in inactive|failed) return 0 ;; *) return 1 ;; esac
}

# maint_unit UNIT NAME OUTDIR: the run's outcome and the unit's journal of this boot
maint_unit() {
  systemctl show -p Id,Result,ExecMainStatus,ExecMainCode,ActiveState,ExecMainStartTimestampMonotonic,ExecMainExitTimestampMonotonic,ExecMainStartTimestamp,IOSchedulingClass,Nice,CPUSchedulingPolicy "$1" > "$3/$2.show" 2>&1
  journalctl -b --no-pager -o short-monotonic -u "$1" > "$3/$2-journal" 2>&1
}

# maint_fill DIR: fallocate until less than 256 MiB is unallocated (see above)
maint_fill() {
  local dir="$1" i mid=0 sparse=0 d
  mkdir -p "$dir/small"
  # btrfs filesystem usage needs the device node's sysfs, which nspawn does not give: ask check
  unalloc() { "$DOCKSTORE" check --format json | grep -o '"unallocated" *: *[0-9]*' | grep -o '[0-9]*$' | tail -1; }
  # chunks three quarters full: 256 MiB files, every fourth deleted below; then nearly
  # empty chunks: 16 MiB files, one in 64 kept (chunks are allocated a GiB at a time, so
  # each phase looks again at what is left)
  local un
  while un="$(unalloc)" && [ "$un" -gt $((10 << 30)) ]; do
    for ((i = 0; i <= (un - (10 << 30)) >> 28; i++)); do mid=$((mid + 1)); fallocate -l 256M "$dir/m$mid" || return 1; done
  done
  while un="$(unalloc)" && [ "$un" -gt $((256 << 20)) ]; do
    for ((i = 0; i <= (un - (256 << 20)) >> 24; i++)); do sparse=$((sparse + 1)); fallocate -l 16M "$dir/s$sparse" || return 1; done
  done
  for ((i = 4; i <= mid; i += 4)); do rm -f "$dir/m$i"; done
  for ((i = 1; i <= sparse; i++)); do [ $((i % 64)) = 0 ] || rm -f "$dir/s$i"; done
  # metadata in use: 40000 files of 2000 bytes (inline), so metadata holds less free than
  # one chunk and the unallocated space matters to check
  for d in 0 1 2 3; do
    mkdir -p "$dir/small/$d"
    for ((i = 0; i < 10000; i++)); do printf '%2000s' x > "$dir/small/$d/$i"; done
  done
  sync -f "$dir"
  echo "mid=$mid sparse=$sparse"
}

# maint_textfile_since SECONDS: the textfile was written by a check that ran at or after then
maint_textfile_since() {
  local t
  t="$(awk '{ split($1, name, "{") } name[1] == "dockstore_last_run_timestamp_seconds" { print int($2) }' "$MAINT_PROM" 2>/dev/null)"
  [ -n "$t" ] && [ "$t" -ge "$1" ]
}

maintenance() {
  local out="$1" f="$1/hook.facts" started before_check t
  started="$(date +%s)"
  fact maint_started "$started"
  fact maint_boot_realtime "$(systemctl show -p UserspaceTimestamp --value)"

  # scrub: a healthy store with data to verify
  dd if=/dev/zero of="$MNT/boot-test-scrub" bs=1M count=256 conv=fsync status=none
  fact maint_scrub_data_rc "$?"
  maint_start_watched dockstore-scrub.service "$out/scrub-sched"
  maint_unit dockstore-scrub.service scrub "$out"
  uuid="$(findmnt -n -o UUID "$MNT")"
  fact maint_uuid "$uuid"
  # what reclaim reads to charge a relocated data chunk (10 GiB on a store over 50 GiB)
  fact maint_data_chunk_size "$(cat "/sys/fs/btrfs/$uuid/allocation/data/chunk_size" 2>&1)"
  cp "/var/lib/btrfs/scrub.status.$uuid" "$out/scrub.status" 2>/dev/null
  rm -f "$MNT/boot-test-scrub"

  # fill, then what check says before the reclaim
  t=$SECONDS
  fact maint_fill "$(maint_fill "$MNT/boot-test-fill" 2>&1 | tr '\n' ' ')"
  fact maint_fill_seconds "$((SECONDS - t))"
  btrfs filesystem df -b "$MNT" > "$out/usage-before" 2>&1
  "$DOCKSTORE" check --format json > "$out/check-before.json" 2> "$out/check-before.err"
  fact maint_check_before_rc "$?"

  # reclaim, its start held on the run lock until its scheduling is read
  exec 9>> /run/dockstore.lock
  flock -x 9
  maint_start_watched dockstore-reclaim.service "$out/reclaim-sched" 9
  exec 9>&-
  maint_unit dockstore-reclaim.service reclaim "$out"
  cp /var/lib/dockstore/last-reclaim.json "$out/last-reclaim.json" 2>/dev/null
  btrfs filesystem df -b "$MNT" > "$out/usage-after" 2>&1

  # check: a run of dockstore-check.service that started after both (the timer's own run
  # may be under way when systemctl start joins it)
  before_check="$(date +%s)"
  fact maint_check_from "$before_check"
  for t in 1 2 3; do
    systemctl start dockstore-check.service
    maint_textfile_since "$before_check" && break
    sleep 1
  done
  fact maint_check_starts "$t"
  maint_unit dockstore-check.service check "$out"
  cp "$MAINT_PROM" "$out/dockstore-after.prom" 2>/dev/null
  "$DOCKSTORE" check --format json > "$out/check-after.json" 2> "$out/check-after.err"
  fact maint_check_after_rc "$?"
  rm -rf --one-file-system "$MNT/boot-test-fill"
}
