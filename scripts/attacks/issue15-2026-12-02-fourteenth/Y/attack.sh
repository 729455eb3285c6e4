#!/usr/bin/env bash
# Attacker Y (fourteenth attack): files, readers, monitoring, --root confinement, real boot.
# DOCKSTORE=/path/to/bin ./attack.sh [CASE]   -- runs all cases or one; exit 1 if any failed.
set -u
DS=${DOCKSTORE:-/work/attack14/dockstore}
PASS=0; FAIL=0; FAILED=()
LOOPS=(); MOUNTS=(); DIRS=()
cleanup_case() {
  local m l d
  for ((i=${#MOUNTS[@]}-1;i>=0;i--)); do umount "${MOUNTS[i]}" 2>/dev/null; done
  # unmount anything left under our temp dirs
  for d in "${DIRS[@]}"; do
    for m in $(awk -v p="$d" 'index($2,p)==1{print $2}' /proc/self/mounts | sort -r); do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  done
  # detach loops whose backing file is in our dirs
  for d in "${DIRS[@]}"; do
    losetup -nO NAME,BACK-FILE 2>/dev/null | while read -r l f; do case "$f" in "$d"*) losetup -d "$l" 2>/dev/null;; esac; done
  done
  for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
  sleep 0.2; for d in "${DIRS[@]}"; do rm -rf --one-file-system "$d"; done
  LOOPS=(); MOUNTS=(); DIRS=()
}
trap cleanup_case EXIT INT TERM
newroot() { NR=$(mktemp -d /tmp/y14case.XXXXXX); DIRS+=("$NR"); }  # sets NR (no subshell, so cleanup sees it)
result() { # case verdict detail
  if [ "$2" = PASS ]; then PASS=$((PASS+1)); echo "PASS $1: $3"; else FAIL=$((FAIL+1)); FAILED+=("$1"); echo "FAIL $1: $3"; fi
}
hashtree() { (cd "$1" && find . -xdev \( -type f -o -type l \) -print0 | sort -z | xargs -0 -r sha256sum 2>/dev/null; find . -xdev -printf '%p %y %m\n' | sort) | sha256sum | cut -c1-16; }

case_kit_symlink() { # the install kit must not write through an absolute link out of --destdir
  local T; newroot; T=$NR; mkdir -p $T/root $T/outside; ln -s $T/outside $T/root/etc
  /work/attack14/kit/scripts/install --binary "$DS" --destdir $T/root >/dev/null 2>&1
  if [ -n "$(find $T/outside -mindepth 1 -print -quit)" ]; then result kit_symlink FAIL "wrote $(find $T/outside -type f) outside --destdir"
  else result kit_symlink PASS "nothing outside destdir"; fi
}

case_backend_reverted_by_boot() { # backend overlay2 must survive the boot's provision (or be refused/warned)
  local R out; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  "$DS" provision --root $R --size 200M >/dev/null 2>&1 || { result backend_reverted_by_boot FAIL "setup provision failed"; return; }
  out=$("$DS" backend overlay2 --root $R 2>&1)
  "$DS" provision --root $R >/dev/null 2>&1
  if grep -q 'DOCKER_OPTS="--storage-driver=btrfs"' $R/etc/sysconfig/docker && ! grep -qi -e DOCKSTORE_BACKEND -e 'next boot' -e 'provision will' <<<"$out"; then
    result backend_reverted_by_boot FAIL "backend overlay2 accepted without a word, next provision set btrfs again"
  else result backend_reverted_by_boot PASS "kept or warned"; fi
}

case_utab_leak() { # provision+teardown under --root must leave the host's /run/mount/utab as it was
  local R n0 n1; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  n0=$(wc -l < /run/mount/utab 2>/dev/null || echo 0)
  "$DS" provision --root $R --size 200M >/dev/null 2>&1; "$DS" teardown --root $R --delete-image >/dev/null 2>&1
  n1=$(wc -l < /run/mount/utab 2>/dev/null || echo 0)
  if [ "$n1" -gt "$n0" ] && tail -n $((n1-n0)) /run/mount/utab | grep -q 'TARGET=/proc/self/fd/'; then
    result utab_leak FAIL "utab grew $n0 -> $n1 with TARGET=/proc/self/fd/N entries left after teardown"
  else result utab_leak PASS "utab $n0 -> $n1"; fi
}

case_check_data_root_elsewhere() { # check must not say OK when dockerd's data root is not the store
  local R rc; newroot; R=$NR; mkdir -p $R/etc/docker $R/var/lib
  "$DS" provision --root $R --size 200M >/dev/null 2>&1 || { result check_data_root_elsewhere FAIL "setup"; return; }
  echo '{"data-root": "/srv/docker"}' > $R/etc/docker/daemon.json
  "$DS" check --root $R --state-file $R/st >/dev/null 2>&1; rc=$?
  if [ $rc = 0 ]; then result check_data_root_elsewhere FAIL "check exit 0 (OK) while status says Docker would not use this store"
  else result check_data_root_elsewhere PASS "check exit $rc"; fi
}

case_check_unit_journal_flood() { # the shipped check unit must not send the exposition text to the journal
  local u=/work/attack14/kit/scripts/systemd/dockstore-check.service
  if grep -q -e '^StandardOutput=null' "$u" || ! grep -q -- '--format prometheus' "$u"; then result check_unit_journal_flood PASS "stdout not journaled"
  else result check_unit_journal_flood FAIL "unit journals $(/work/attack14/dockstore check --help >/dev/null; echo '~10 KB') of metrics every minute (no StandardOutput=null)"; fi
}

case_msg_image_setting_mounted() { # refusal for a changed DOCKSTORE_IMAGE must name the setting, not say "unmount it"
  local R out; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  "$DS" provision --root $R --size 200M >/dev/null 2>&1 || { result msg_image_setting_mounted FAIL setup; return; }
  printf 'DOCKSTORE_IMAGE="/var/lib/docker2.img"\n' > $R/etc/sysconfig/dockstore
  out=$("$DS" provision --root $R 2>&1)
  if grep -q 'unmount it' <<<"$out" && ! grep -q DOCKSTORE_IMAGE <<<"$out"; then result msg_image_setting_mounted FAIL "says: $out"
  else result msg_image_setting_mounted PASS "names the setting"; fi
}

case_status_exit_fifo_fstab() { # status's exit code for an unreadable fstab must be one its man page lists
  local R rc n; newroot; R=$NR; mkdir -p $R/etc $R/var/lib; mkfifo $R/etc/fstab
  n=$(timeout 20 "$DS" status --json --root $R 2>/dev/null | wc -c); timeout 20 "$DS" status --root $R >/dev/null 2>&1; rc=$?
  case $rc in 1|4) result status_exit_fifo_fstab PASS "exit $rc";; *) result status_exit_fifo_fstab FAIL "exit $rc (man: 0/1/4/64), --json stdout $n bytes";; esac
}

case_admin_dropin_invisible() { # an ExecStart override in docker.service.d must not leave status "in place"
  local R rc; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  "$DS" provision --root $R --size 200M >/dev/null 2>&1 || { result admin_dropin_invisible FAIL setup; return; }
  printf '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --data-root=/srv/docker -s overlay2\n' > $R/etc/systemd/system/docker.service.d/override.conf
  "$DS" status --root $R >/dev/null 2>&1; rc=$?
  if [ $rc = 0 ]; then result admin_dropin_invisible FAIL "status exit 0 'in place' while dockerd's ExecStart is overridden (-s overlay2 --data-root=/srv/docker)"
  else result admin_dropin_invisible PASS "status exit $rc"; fi
}

case_teardown_leaves_bak() { # teardown of a created sysconfig must not leave its .dockstore.bak
  local R; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  "$DS" provision --root $R --size 200M >/dev/null 2>&1 || { result teardown_leaves_bak FAIL setup; return; }
  "$DS" backend btrfs --root $R --storage-opt btrfs.min_space=1G >/dev/null 2>&1
  "$DS" teardown --root $R --delete-image >/dev/null 2>&1
  if [ -e $R/etc/sysconfig/docker.dockstore.bak ]; then result teardown_leaves_bak FAIL "left etc/sysconfig/docker.dockstore.bak"
  else result teardown_leaves_bak PASS "nothing left"; fi
}

case_wait_logs_device() { # a provision waiting for a device must say so before it can be killed
  local R out; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  out=$(timeout -s TERM 3 "$DS" provision --root $R --device /dev/xvdq --wait 60 2>&1)
  if grep -q xvdq <<<"$out"; then result wait_logs_device PASS "names the device when stopped"
  else result wait_logs_device FAIL "TERM during the 60 s wait: no line names /dev/xvdq (output: '${out:0:80}')"; fi
}

case_reclaim_record_other_store() { # a reclaim record of a deleted store must not count for a new one
  local R v; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  "$DS" provision --root $R --size 200M >/dev/null 2>&1 || { result reclaim_record_other_store FAIL setup; return; }
  "$DS" reclaim --root $R >/dev/null 2>&1
  [ -f $R/var/lib/dockstore/last-reclaim.json ] || { result reclaim_record_other_store PASS "no record written under --root"; return; }
  "$DS" teardown --root $R --delete-image >/dev/null 2>&1; rm -f $R/etc/dockstore.disabled
  "$DS" provision --root $R --size 200M >/dev/null 2>&1
  v=$("$DS" check --root $R --state-file $R/st --format prometheus 2>/dev/null | awk '/^dockstore_last_reclaim_timestamp_seconds/{print $2}')
  if [ "$v" != NaN ]; then result reclaim_record_other_store FAIL "new store reports last reclaim $v (the deleted store's)"
  else result reclaim_record_other_store PASS "NaN"; fi
}

case_prom_label_escaping() { # odd mountpoint bytes must give exposition text promtool accepts
  local T n bad=""; newroot; T=$NR
  for n in 'q"x' 'b\sl' $'nl\nx' $'lat\xe9' '%p' $'\xe2\x80\xaerev'; do
    mkdir -p "$T/$n"; "$DS" check --format prometheus --state-file $T/st --mountpoint "$T/$n" > $T/out.prom 2>/dev/null
    promtool check metrics < $T/out.prom >/dev/null 2>&1 || bad+=" $(printf %q "$n")"
  done
  [ -z "$bad" ] && result prom_label_escaping PASS "promtool accepts all" || result prom_label_escaping FAIL "promtool rejects:$bad"
}

case_check_json_strict() { # check --format json must be strict JSON (no NaN), as root and as nobody
  local T out bad=""; newroot; T=$NR; chmod 755 $T
  for mp in /nonexistent/x "$T"; do out=$(runuser -u nobody -- "$DS" check --format json --state-file /nonexistent/st --mountpoint "$mp" 2>/dev/null)
    python3 -c 'import json,sys
def b(c): raise ValueError(c)
json.loads(sys.stdin.read(), parse_constant=b)' <<<"$out" 2>/dev/null || bad+=" $mp"; done
  [ -z "$bad" ] && result check_json_strict PASS "strict JSON" || result check_json_strict FAIL "not strict JSON for:$bad"
}

case_odd_file_types() { # FIFOs and char devices at every file dockstore reads: refused, never hang, nothing changed
  local f kind R H0 H1 cmd rc bad=""
  for f in etc/fstab etc/sysconfig/docker etc/docker/daemon.json etc/systemd/system/docker.service.d/dockstore.conf etc/sysconfig/dockstore; do
    for kind in fifo zero; do newroot; R=$NR; mkdir -p $R/etc/docker $R/etc/sysconfig $R/etc/systemd/system/docker.service.d $R/var/lib
      if [ $kind = fifo ]; then mkfifo $R/$f; else mknod $R/$f c 1 5; fi
      H0=$(find $R -printf '%p %y %s\n' | sort | sha256sum)
      for cmd in "provision --size 200M" status "check --state-file $R/st" backend teardown; do timeout -s KILL 20 "$DS" $cmd --root $R >/dev/null 2>&1; rc=$?; [ $rc = 137 ] && bad+=" hang:$f:$kind:$cmd"; done
      H1=$(find $R -printf '%p %y %s\n' | sort | sha256sum); [ "$H0" = "$H1" ] || bad+=" changed:$f:$kind"
      findmnt -n -o TARGET | grep -q "^$R" && bad+=" mounted:$f:$kind"
      cleanup_case
    done
  done
  [ -z "$bad" ] && result odd_file_types PASS "all refused, nothing changed" || result odd_file_types FAIL "$bad"
}

case_storage_opt_words() { # storage-opt values DOCKER_OPTS cannot carry must be refused with 64
  local R v rc bad=""; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  for v in 'btrfs.min_space=1 G' $'btrfs.min_space=1\tG' 'btrfs.min_space=1G$HOME' 'btrfs.min_space="1G"' 'btrfs.min_space=1G\' "btrfs.min_space=1G'"; do
    "$DS" backend btrfs --root $R --storage-opt "$v" --dry-run >/dev/null 2>&1; rc=$?; [ $rc = 64 ] || [ $rc = 2 ] || bad+=" [$v]=$rc"; done
  [ -z "$bad" ] && result storage_opt_words PASS "refused" || result storage_opt_words FAIL "$bad"
}

case_fstab_readers_image_names() { # odd image names: libmount and systemd-fstab-generator read back the same path
  local img R G what lm bad=""
  for img in '/var/lib/a%b.img' '/var/lib/#x.img' '/var/lib/x#y.img' '/var/lib/é.img' "/var/lib/q'x.img" '/var/lib/q"x.img' '/var/lib/a\b.img' '/var/lib/a,b.img'; do
    newroot; R=$NR; mkdir -p $R/etc $R/var/lib
    if "$DS" provision --root $R --size 200M --image "$img" >/dev/null 2>&1; then
      newroot; G=$NR; SYSTEMD_FSTAB=$R/etc/fstab /lib/systemd/system-generators/systemd-fstab-generator $G $G $G >/dev/null 2>&1
      what=$(grep -h '^What=' $G/*.mount 2>/dev/null | sed 's/%%/%/g'); lm=$(findmnt --fstab -F $R/etc/fstab -n -o SOURCE -T /var/lib/docker 2>&1)
      [ "$what" = "What=$img" ] && [ "$lm" = "$img" ] || bad+=" [$img gen=$what lm=$lm]"
    fi; cleanup_case
  done
  [ -z "$bad" ] && result fstab_readers_image_names PASS "readers agree" || result fstab_readers_image_names FAIL "$bad"
}

case_settings_crlf() { # a CRLF settings line is refused with exit 2 naming the line
  local R out rc; newroot; R=$NR; mkdir -p $R/etc/sysconfig $R/var/lib; printf 'DOCKSTORE_WAIT="30"\r\n' > $R/etc/sysconfig/dockstore
  out=$("$DS" provision --root $R 2>&1); rc=$?
  [ $rc = 2 ] && grep -q 'line 1' <<<"$out" && result settings_crlf PASS "exit 2, names line 1" || result settings_crlf FAIL "exit $rc: $out"
}

case_killed_during_mkfs_rerun() { # provision killed inside mkfs: the next run finishes, leaves no debris
  local R P M; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  "$DS" provision --root $R --size 1G >/dev/null 2>&1 & P=$!
  for i in $(seq 1 500); do M=$(pgrep -P $P mkfs.btrfs); [ -n "$M" ] && break; sleep 0.01; done; kill -9 $P 2>/dev/null; wait $P 2>/dev/null; sleep 0.5
  "$DS" provision --root $R --size 1G >/dev/null 2>&1
  if mountpoint -q $R/var/lib/docker && [ ! -e $R/var/lib/docker-storage.btrfs.dockstore-new ]; then result killed_during_mkfs_rerun PASS "finished"
  else result killed_during_mkfs_rerun FAIL "not finished: $(ls $R/var/lib)"; fi
}


case_umask_folders() { # folders provision creates must not take umask 077
  local R m bad=""; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  (umask 077; "$DS" provision --root $R --size 200M >/dev/null 2>&1)
  for d in etc/sysconfig etc/systemd etc/systemd/system etc/systemd/system/docker.service.d; do m=$(stat -c %a $R/$d 2>/dev/null); [ "$m" = 755 ] || bad+=" $d=$m"; done
  [ -z "$bad" ] && result umask_folders PASS "0755" || result umask_folders FAIL "created folders:$bad"
}

case_debian_default_docker() { # Debian's docker.service reads /etc/default/docker: status must not say "in place" while it says overlay2
  local R rc; newroot; R=$NR; mkdir -p $R/etc/default $R/var/lib $R/lib/systemd/system
  [ -f /lib/systemd/system/docker.service ] && cp /lib/systemd/system/docker.service $R/lib/systemd/system/
  echo 'DOCKER_OPTS="-s overlay2 --data-root=/srv/docker"' > $R/etc/default/docker
  "$DS" provision --root $R --size 200M >/dev/null 2>&1; "$DS" status --root $R >/dev/null 2>&1; rc=$?
  [ $rc = 0 ] && result debian_default_docker FAIL "status 'in place' (exit 0); docker.service reads /etc/default/docker (-s overlay2 --data-root=/srv/docker)" || result debian_default_docker PASS "exit $rc"
}

case_check_after_teardown() { # with /etc/dockstore.disabled (teardown), check must not report UNKNOWN (a failed unit every minute)
  local R rc; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  "$DS" provision --root $R --size 200M >/dev/null 2>&1; "$DS" teardown --root $R --delete-image >/dev/null 2>&1
  [ -e $R/etc/dockstore.disabled ] || { result check_after_teardown FAIL "teardown wrote no dockstore.disabled"; return; }
  "$DS" check --root $R --state-file $R/st >/dev/null 2>&1; rc=$?
  if [ $rc = 3 ] && ! grep -q dockstore.disabled /work/attack14/kit/scripts/systemd/dockstore-check.service; then result check_after_teardown FAIL "check exit 3 UNKNOWN on a disabled host; check unit has no disabled condition"
  else result check_after_teardown PASS "exit $rc"; fi
}

case_daemon_json_storage_opts_kept() { # btrfs storage-opts in daemon.json with only --storage-driver in DOCKER_OPTS: dockerd accepts it; keep it
  local R; newroot; R=$NR; mkdir -p $R/etc/docker $R/etc/sysconfig $R/var/lib
  echo '{"storage-opts": ["btrfs.min_space=10M"], "log-level": "warn"}' > $R/etc/docker/daemon.json
  "$DS" provision --root $R --size 200M >/dev/null 2>&1
  if grep -q 'btrfs.min_space=10M' $R/etc/docker/daemon.json $R/etc/sysconfig/docker 2>/dev/null; then result daemon_json_storage_opts_kept PASS "kept"
  else result daemon_json_storage_opts_kept FAIL "btrfs.min_space=10M gone from daemon.json and DOCKER_OPTS"; fi
}

case_mountpoint_state_folder() { # dockstore's own state folder must not be accepted as the store's mountpoint
  local R rc; newroot; R=$NR; mkdir -p $R/etc $R/var/lib
  "$DS" provision --root $R --size 200M --mountpoint /var/lib/dockstore >/dev/null 2>&1; rc=$?
  if [ $rc = 0 ]; then result mountpoint_state_folder FAIL "accepted; provision-folders hidden under the mount: $(ls -A $R/var/lib/dockstore | tr '\n' ' ')"
  else result mountpoint_state_folder PASS "refused ($rc)"; fi
}

case_mountpoint_tmp() { # a store at /tmp is emptied by systemd-tmpfiles' age cleanup: must be refused
  command -v faketime >/dev/null || { echo "SKIP mountpoint_tmp (no faketime)"; return; }
  local R; newroot; R=$NR; chmod 755 $R; mkdir -p $R/etc $R/var/lib $R/tmp; chmod 1777 $R/tmp
  if ! "$DS" provision --root $R --size 200M --mountpoint /tmp >/dev/null 2>&1; then result mountpoint_tmp PASS "refused"; return; fi
  mkdir -p $R/tmp/btrfs/subvolumes/abc/usr/bin; echo layer > $R/tmp/btrfs/subvolumes/abc/usr/bin/app
  echo "q $R/tmp 1777 root root 10d" > $R/tmpfiles.conf; faketime '+30 days' systemd-tmpfiles --clean $R/tmpfiles.conf >/dev/null 2>&1
  [ -e $R/tmp/btrfs/subvolumes/abc/usr/bin/app ] && result mountpoint_tmp PASS "kept" || result mountpoint_tmp FAIL "accepted /tmp; tmpfiles' 10d rule deleted the store's files"
}

case_image_on_tmpfs() { # an image on tmpfs is lost at every reboot: provision must refuse it
  local R rc; newroot; R=$NR; mkdir -p $R/etc $R/var/lib $R/run; mount -t tmpfs -o size=300m tmpfs $R/run; MOUNTS+=("$R/run")
  "$DS" provision --root $R --size 200M --image /run/store.img >/dev/null 2>&1; rc=$?
  umount $R/var/lib/docker 2>/dev/null
  [ $rc = 0 ] && result image_on_tmpfs FAIL "accepted an image on tmpfs (gone at reboot; the next boot makes a new empty store)" || result image_on_tmpfs PASS "refused ($rc)"
}

case_status_nonroot() { # status as a non-root user: a message that says what it needs, or the part it can read
  local R out rc; newroot; R=$NR; chmod 755 $R; mkdir -p $R/etc $R/var/lib
  "$DS" provision --root $R --size 200M >/dev/null 2>&1 || { result status_nonroot FAIL setup; return; }
  cp "$DS" $R/ds; chmod 755 $R/ds
  out=$(cd / && runuser -u nobody -- $R/ds status --root $R 2>&1); rc=$?
  if [ $rc = 1 ] && ! grep -qi -e root -e uid <<<"$out"; then result status_nonroot FAIL "exit 1: $out"
  else result status_nonroot PASS "exit $rc"; fi
}

case_cloudinit_settings_late() { # settings written after the boot unit's first run (cloud-init write_files): the volume must be taken, or the unit ordered after cloud-init
  local R V rc; newroot; R=$NR; mkdir -p $R/etc/sysconfig $R/var/lib; truncate -s 1G $R/vol.img; V=$(losetup -f --show $R/vol.img); LOOPS+=("$V")
  grep -q 'cloud-init\|cloud-config' /work/attack14/kit/scripts/systemd/dockstore-provision.service && { result cloudinit_settings_late PASS "unit ordered after cloud-init"; return; }
  "$DS" provision --root $R --size 200M >/dev/null 2>&1
  printf 'DOCKSTORE_DEVICE="%s"\nDOCKSTORE_WAIT="5"\n' $V > $R/etc/sysconfig/dockstore
  "$DS" provision --root $R >/dev/null 2>&1; rc=$?
  umount $R/var/lib/docker 2>/dev/null
  [ $rc = 0 ] && result cloudinit_settings_late PASS "device taken" || result cloudinit_settings_late FAIL "runcmd provision exit $rc; the store stays on the image, the volume unused"
}

case_image_fs_not_mounted() { # the image's filesystem (fstab, nofail) not mounted: provision must not build a new image in the bare folder
  local W rc; newroot; W=$NR; mkdir -p $W/R/etc/sysconfig $W/R/var/lib $W/R/data
  truncate -s 600M $W/data.img; mkfs.ext4 -q $W/data.img; mount -o loop $W/data.img $W/R/data
  printf '/dev/disk/by-label/DATA /data ext4 defaults,nofail 0 2\n' > $W/R/etc/fstab
  printf 'DOCKSTORE_IMAGE="/data/docker.img"\nDOCKSTORE_SIZE="300M"\n' > $W/R/etc/sysconfig/dockstore
  "$DS" provision --root $W/R >/dev/null 2>&1 || { result image_fs_not_mounted FAIL setup; return; }
  umount $W/R/var/lib/docker; umount $W/R/data
  "$DS" provision --root $W/R >/dev/null 2>&1; rc=$?
  if [ -e $W/R/data/docker.img ]; then result image_fs_not_mounted FAIL "exit $rc: made a new empty image in the unmounted /data folder and mounted it"
  else result image_fs_not_mounted PASS "refused ($rc)"; fi
}

# ---- real boot tier (systemd-nspawn). Builds a bookworm minbase root once at $Y14_ROOTFS (default /tmp/y14/rootfs);
# set Y14_NOBOOT=1 to skip. Each boot runs nspawn from fresh cgroups of our own and removes them after.
ROOTFS=${Y14_ROOTFS:-/tmp/y14/rootfs}
prepare_rootfs() {
  if [ ! -x $ROOTFS/usr/local/sbin/dockstore ]; then
    mkdir -p "$(dirname $ROOTFS)"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,btrfs-progs,util-linux,mount,dbus bookworm $ROOTFS http://deb.debian.org/debian >/dev/null 2>&1 || return 1
    /work/attack14/kit/scripts/install --binary "$DS" --destdir $ROOTFS --enable >/dev/null || return 1
  fi
  install -m 0755 "$DS" $ROOTFS/usr/local/sbin/dockstore
  cat > $ROOTFS/etc/systemd/system/y14-loopnodes.service <<'U'
[Unit]
DefaultDependencies=no
Before=local-fs-pre.target dockstore-provision.service
Wants=local-fs-pre.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'for i in $(seq 0 127); do [ -e /dev/loop$i ] || mknod -m 660 /dev/loop$i b 7 $i; done'
[Install]
WantedBy=sysinit.target
U
  cat > $ROOTFS/etc/systemd/system/docker.service <<'U'
[Unit]
Description=stand-in for docker.service: shows what dockerd would get
After=network.target dockstore-provision.service
[Service]
Type=oneshot
RemainAfterExit=yes
EnvironmentFile=-/etc/sysconfig/docker
ExecStart=/bin/sh -c 'echo "dockerd args: $DOCKER_OPTS"; findmnt -n /var/lib/docker || echo "NOT MOUNTED /var/lib/docker"'
[Install]
WantedBy=multi-user.target
U
  cat > $ROOTFS/etc/systemd/system/y14-report.service <<'U'
[Unit]
After=multi-user.target dockstore-provision.service docker.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'sleep 2; f=/root/boot.txt; { echo "mounts=$(grep -c " /var/lib/docker " /proc/self/mountinfo)"; for u in dockstore-provision.service docker.service var-lib-docker.mount; do echo "$u=$(systemctl is-active $u)"; done; /usr/local/sbin/dockstore status; echo "status_rc=$?"; /usr/local/sbin/dockstore check >/dev/null; echo "check_rc=$?"; journalctl -b --no-pager -o cat -u dockstore-provision -u docker -u var-lib-docker.mount; } > $f 2>&1; systemctl poweroff'
[Install]
WantedBy=multi-user.target
U
  chroot $ROOTFS systemctl enable y14-loopnodes.service docker.service y14-report.service >/dev/null 2>&1
  sed -i 's/^DOCKSTORE_SIZE=""/DOCKSTORE_SIZE="1G"/' $ROOTFS/etc/sysconfig/dockstore
}
boot_once() { # boots $ROOTFS once; report in $ROOTFS/root/boot.txt
  local tag=y14boot$$_$RANDOM
  rm -f $ROOTFS/root/boot.txt
  ( mkdir /sys/fs/cgroup/systemd/$tag /sys/fs/cgroup/unified/$tag
    echo $BASHPID > /sys/fs/cgroup/systemd/$tag/cgroup.procs; echo $BASHPID > /sys/fs/cgroup/unified/$tag/cgroup.procs
    timeout -k 10 240 systemd-nspawn -q --boot --register=no --keep-unit --private-network --bind=/dev/loop-control -D $ROOTFS >/dev/null 2>&1
    echo $BASHPID > /sys/fs/cgroup/systemd/cgroup.procs; echo $BASHPID > /sys/fs/cgroup/unified/cgroup.procs )
  find /sys/fs/cgroup/systemd/$tag /sys/fs/cgroup/unified/$tag -depth -type d -exec rmdir {} \; 2>/dev/null
}
boot_fresh_state() { # store torn down, settings default
  "$DS" teardown --root $ROOTFS --delete-image >/dev/null 2>&1; rm -f $ROOTFS/etc/dockstore.disabled
  rm -rf $ROOTFS/etc/systemd/system/docker.service.d/override.conf $ROOTFS/etc/systemd/system/dockstore-provision.service.d
  sed -i 's/^DOCKSTORE_DEVICE=.*/DOCKSTORE_DEVICE=""/; s/^DOCKSTORE_WAIT=.*/DOCKSTORE_WAIT=""/; s/^DOCKSTORE_MOUNT_OPTIONS=.*/DOCKSTORE_MOUNT_OPTIONS=""/' $ROOTFS/etc/sysconfig/dockstore
}
boot_ok() { [ "${Y14_NOBOOT:-0}" = 1 ] && return 1; prepare_rootfs; }

case_boot_several() { # first boot provisions, later boots: mounted once, nothing to do, docker active
  boot_ok || { echo "SKIP boot_several"; return; }; boot_fresh_state; local b bad=""
  for b in 1 2 3; do boot_once; grep -q '^mounts=1$' $ROOTFS/root/boot.txt && grep -q '^docker.service=active' $ROOTFS/root/boot.txt || bad+=" boot$b:$(tr '\n' ' ' < $ROOTFS/root/boot.txt | cut -c1-120)"; done
  [ -z "$bad" ] && result boot_several PASS "3 boots, mounted once, docker active" || result boot_several FAIL "$bad"
}
case_boot_missing_image() { # image gone, fstab line kept: after the boot Docker must run (or provision must say it did not)
  boot_ok || { echo "SKIP boot_missing_image"; return; }; boot_fresh_state; boot_once
  rm -f $ROOTFS/var/lib/docker-storage.btrfs; boot_once
  if grep -q '^docker.service=active' $ROOTFS/root/boot.txt; then result boot_missing_image PASS "docker active"
  else result boot_missing_image FAIL "docker.service $(grep ^docker.service= $ROOTFS/root/boot.txt), provision: $(grep -m1 "storage is" $ROOTFS/root/boot.txt | cut -c1-80)"; fi
}
case_boot_admin_override() { # an override.conf feeding dockerd other DOCKER_OPTS must not leave status in place
  boot_ok || { echo "SKIP boot_admin_override"; return; }; boot_fresh_state; boot_once
  mkdir -p $ROOTFS/etc/systemd/system/docker.service.d
  printf '[Service]\nEnvironmentFile=\nEnvironment="DOCKER_OPTS=-s vfs --data-root=/srv/docker"\n' > $ROOTFS/etc/systemd/system/docker.service.d/override.conf
  boot_once; rm -f $ROOTFS/etc/systemd/system/docker.service.d/override.conf
  if grep -q 'dockerd args: -s vfs' $ROOTFS/root/boot.txt && grep -q '^status_rc=0' $ROOTFS/root/boot.txt; then result boot_admin_override FAIL "dockerd got '-s vfs --data-root=/srv/docker', status exit 0 in place"
  else result boot_admin_override PASS "reported"; fi
}
case_boot_wait_killed() { # provision killed by the unit's timeout while waiting: the journal must name the device
  boot_ok || { echo "SKIP boot_wait_killed"; return; }; boot_fresh_state
  sed -i 's/^DOCKSTORE_DEVICE=.*/DOCKSTORE_DEVICE="\/dev\/xvdf"/; s/^DOCKSTORE_WAIT=.*/DOCKSTORE_WAIT="3600"/' $ROOTFS/etc/sysconfig/dockstore
  mkdir -p $ROOTFS/etc/systemd/system/dockstore-provision.service.d; printf '[Service]\nTimeoutStartSec=15s\n' > $ROOTFS/etc/systemd/system/dockstore-provision.service.d/y14-short.conf
  boot_once; boot_fresh_state
  if grep -q xvdf $ROOTFS/root/boot.txt; then result boot_wait_killed PASS "journal names the device"
  else result boot_wait_killed FAIL "provision killed by the unit timeout; no journal line names /dev/xvdf"; fi
}

case_boot_mount_option() { # accepted DOCKSTORE_MOUNT_OPTIONS values: every boot mounted once, docker active
  boot_ok || { echo "SKIP boot_mount_option"; return; }; local o b bad=""
  for o in ${Y14_OPTS:-noauto x-systemd.makefs degraded}; do boot_fresh_state
    sed -i "s/^DOCKSTORE_MOUNT_OPTIONS=.*/DOCKSTORE_MOUNT_OPTIONS=\"$o\"/" $ROOTFS/etc/sysconfig/dockstore
    for b in 1 2; do boot_once; grep -q '^mounts=1$' $ROOTFS/root/boot.txt && grep -q '^docker.service=active' $ROOTFS/root/boot.txt && grep -q '^status_rc=0' $ROOTFS/root/boot.txt || bad+=" $o/boot$b:[$(grep -e ^mounts -e =active -e =inactive -e =failed -e _rc= -e 'dockstore:' $ROOTFS/root/boot.txt | tr '\n' ' ' | cut -c1-300)]"; done
  done; boot_fresh_state
  [ -z "$bad" ] && result boot_mount_option PASS "all fine" || result boot_mount_option FAIL "$bad"
}

case_boot_scrub_other_mountpoint() { # DOCKSTORE_MOUNTPOINT=/srv/docker + the drop-in the scrub unit's comment says: the scrub must run
  boot_ok || { echo "SKIP boot_scrub_other_mountpoint"; return; }; boot_fresh_state
  sed -i 's#^DOCKSTORE_MOUNTPOINT=.*#DOCKSTORE_MOUNTPOINT="/srv/docker"#' $ROOTFS/etc/sysconfig/dockstore
  mkdir -p $ROOTFS/etc/systemd/system/dockstore-scrub.service.d
  printf '[Service]\nExecStart=\nExecStart=btrfs scrub start -B -c 3 /srv/docker\n' > $ROOTFS/etc/systemd/system/dockstore-scrub.service.d/override.conf
  cat > $ROOTFS/etc/systemd/system/y14-scrubtest.service <<'U'
[Unit]
After=multi-user.target dockstore-provision.service
Before=y14-report.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'systemctl start dockstore-scrub.service; { systemctl --no-pager status dockstore-scrub.service; /usr/local/sbin/dockstore check --format prometheus | grep -e ^dockstore_last_scrub -e ^dockstore_status; } > /root/scrub.txt 2>&1'
[Install]
WantedBy=multi-user.target
U
  chroot $ROOTFS systemctl enable y14-scrubtest.service >/dev/null 2>&1; rm -f $ROOTFS/root/scrub.txt
  boot_once; boot_once
  chroot $ROOTFS systemctl disable y14-scrubtest.service >/dev/null 2>&1
  rm -rf $ROOTFS/etc/systemd/system/dockstore-scrub.service.d $ROOTFS/etc/systemd/system/y14-scrubtest.service
  "$DS" teardown --root $ROOTFS --delete-image --mountpoint /srv/docker >/dev/null 2>&1
  sed -i 's#^DOCKSTORE_MOUNTPOINT=.*#DOCKSTORE_MOUNTPOINT=""#' $ROOTFS/etc/sysconfig/dockstore; boot_fresh_state
  if grep -q 'dockstore_last_scrub_timestamp_seconds{.*} NaN' $ROOTFS/root/scrub.txt; then
    result boot_scrub_other_mountpoint FAIL "scrub never runs: $(grep -m1 -e 'Condition' -e 'skipped' $ROOTFS/root/scrub.txt | sed 's/^ *//' | cut -c1-140); metric NaN, no alert rule fires on NaN"
  else result boot_scrub_other_mountpoint PASS "scrub ran"; fi
}

case_boot_image_fs_missing() { # real boot: the image's filesystem does not come up (nofail): Docker must not start on a new empty store
  boot_ok || { echo "SKIP boot_image_fs_missing"; return; }; boot_fresh_state
  truncate -s 600M $ROOTFS/data.ext4; mkfs.ext4 -q $ROOTFS/data.ext4; mkdir -p $ROOTFS/data
  cp $ROOTFS/etc/fstab $ROOTFS/etc/fstab.y14; echo '/data.ext4 /data ext4 loop,nofail 0 0' >> $ROOTFS/etc/fstab
  sed -i 's#^DOCKSTORE_IMAGE=.*#DOCKSTORE_IMAGE="/data/docker.img"#' $ROOTFS/etc/sysconfig/dockstore
  boot_once; local first; first=$(grep -c 'storage is ready' $ROOTFS/root/boot.txt)
  sed -i 's#^/data.ext4 /data ext4 loop,nofail 0 0#/dev/disk/by-label/NOPE /data ext4 nofail,x-systemd.device-timeout=2s 0 0#' $ROOTFS/etc/fstab
  boot_once; cp $ROOTFS/root/boot.txt $ROOTFS/root/boot-datafs.txt
  local made=no; [ -e $ROOTFS/data/docker.img ] && made=yes
  # restore
  "$DS" teardown --root $ROOTFS --image /data/docker.img >/dev/null 2>&1; rm -f $ROOTFS/data/docker.img $ROOTFS/data.ext4; rmdir $ROOTFS/data 2>/dev/null
  sed -i 's#^DOCKSTORE_IMAGE=.*#DOCKSTORE_IMAGE=""#' $ROOTFS/etc/sysconfig/dockstore; mv $ROOTFS/etc/fstab.y14 $ROOTFS/etc/fstab; boot_fresh_state
  if [ $made = yes ]; then result boot_image_fs_missing FAIL "/data not mounted: provision made a new image in the bare /data on the root fs; $(grep -e '^docker.service=' $ROOTFS/root/boot-datafs.txt) $(grep -m1 'storage is ready' $ROOTFS/root/boot-datafs.txt | cut -c1-90)"
  else result boot_image_fs_missing PASS "refused"; fi
}

# ---- dispatcher
ALL=$(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//')
if [ $# -gt 0 ]; then LIST="$*"; else LIST=$ALL; fi
for c in $LIST; do "case_$c"; cleanup_case; done
echo "cases: $((PASS+FAIL)) pass: $PASS fail: $FAIL ${FAILED[*]}"
[ $FAIL = 0 ]
