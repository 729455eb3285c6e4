#!/bin/bash
# Attack 33 (T): real boots. Usage: attack.sh [case...]   (default: all). Cleans up after itself.
set -u
. /work/attack33/t/kit/bootkit.sh
OUTROOT=/work/attack33/t/out; mkdir -p "$OUTROOT"
DIRS=(); MYLOOPS=()
cleanup() {
  local l d
  for l in "${MYLOOPS[@]:-}"; do [ -n "$l" ] && losetup -d "$l" 2>/dev/null; done
  for d in "${DIRS[@]:-}"; do [ -n "$d" ] && [ -d "$d" ] && bootkit_cleanup "$d"; done
}
trap cleanup EXIT INT TERM
newdir() { NEWDIR="$(mktemp -d /tmp/attack33t.XXXXXX)"; DIRS+=("$NEWDIR"); bootkit_prepare "$NEWDIR"; }
save() { local d="$1" name="$2"; rm -rf "$OUTROOT/$name"; cp -a "$d/share/out" "$OUTROOT/$name"; }
summ() { local o="$1/share/out/boot-$2"; echo "--- boot $2: $(cat $o/is-system-running 2>/dev/null | tail -1); docker: $(cat $o/docker-info 2>/dev/null|head -1)"
  grep -h 'ActiveState\|Result' "$o/units" 2>/dev/null | tr '\n' ' '; echo
  grep -E ' /var/lib/docker ' <(tr -s ' ' < "$o/findmnt") ; grep -c '^/var/lib/docker ' "$o/findmnt"
  grep -i 'dockstore' "$o/journal" | grep -v 'kit-agent' | tail -8; }

hook_seed() { cat > "$1" <<'H'
#!/bin/bash
docker import /share/busybox.tar busybox && docker create --name c1 busybox /bin/true && echo seeded
docker images; docker ps -a
H
}
hook_list() { cat > "$1" <<'H'
#!/bin/bash
docker images; docker ps -a; findmnt /var/lib/docker; ls -la /var/lib/docker | head
H
}

# Case 1: the image on /data, a filesystem fstab mounts later than / (bind, nofail); /data missing at a boot, then back.
case_latemount() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  mkdir -p "$d/share/data" "$d/root/data"
  printf '/share/data /data none bind,nofail 0 0\n' >> "$d/root/etc/fstab"
  mkdir -p "$d/root/etc/sysconfig"; printf 'DOCKSTORE_IMAGE="/data/docker-storage.btrfs"\n' > "$d/root/etc/sysconfig/dockstore"; chmod 0644 "$d/root/etc/sysconfig/dockstore"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2
  mv "$d/share/data" "$d/share/data.away"; : > "$d/share/data"   # the /data volume missing at boot 3 (a file there: systemd would mkdir a missing bind source)
  cat > "$h" <<'H'
#!/bin/bash
docker images; docker ps -a; docker create --name made-in-boot3 busybox /bin/true 2>&1; ls -la /data; findmnt /data
H
  bootkit_boot "$d" 3 "$h"; summ "$d" 3
  rm -f "$d/share/data"; mv "$d/share/data.away" "$d/share/data"       # back at boot 4
  hook_list "$h"; bootkit_boot "$d" 4 "$h"; summ "$d" 4
  echo "root's own /data (under the mount point): $(ls -la $d/root/data)"; ls -la "$d/share/data"
  save "$d" latemount
}

# Case 2: /var/lib/docker holds files before the first boot; admin moves them away; reboot.
case_barefiles() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  mkdir -p "$d/root/var/lib/docker/volumes/important"; echo precious > "$d/root/var/lib/docker/volumes/important/data"
  hook_list "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1
  cat "$d/root/var/lib/docker/volumes/important/data"
  mv "$d/root/var/lib/docker" "$d/root/var/lib/docker.old"
  bootkit_boot "$d" 2 "$h"; summ "$d" 2
  save "$d" barefiles
}

# Case 3: a cloned volume (same btrfs UUID) attached beside the store's device at a boot.
case_clone() {
  local d h a b la lb; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  truncate -s 2G "$d/volA"; la="$(losetup -f --show "$d/volA")"; MYLOOPS+=("$la")
  mkdir -p "$d/root/etc/sysconfig"; printf 'DOCKSTORE_DEVICE="%s"\n' "$la" > "$d/root/etc/sysconfig/dockstore"; chmod 0644 "$d/root/etc/sysconfig/dockstore"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1
  cp --sparse=always "$d/volA" "$d/volB"          # a snapshot restored as a second volume
  losetup -d "$la"; sleep 0.5
  lb="$(losetup -f --show "$d/volB")"; MYLOOPS+=("$lb")   # the clone takes the lower name
  la="$(losetup -f --show "$d/volA")"; MYLOOPS+=("$la")
  echo "boot 2: original volA=$la clone volB=$lb; settings say $(cat $d/root/etc/sysconfig/dockstore)"
  cat > "$h" <<'H'
#!/bin/bash
findmnt -o TARGET,SOURCE,UUID /var/lib/docker; btrfs filesystem show /var/lib/docker; blkid /dev/loop*  2>/dev/null| grep btrfs
docker images; docker ps -a; docker create --name made-in-boot2 busybox /bin/true; sync
H
  bootkit_boot "$d" 2 "$h"; summ "$d" 2
  losetup -d "$lb"; losetup -d "$la"; sleep 0.5
  la="$(losetup -f --show "$d/volA")"; MYLOOPS+=("$la")      # only the original volume at boot 3
  echo "boot 3: only volA=$la"
  hook_list "$h"; bootkit_boot "$d" 3 "$h"; summ "$d" 3
  save "$d" clone
}

# Case 4: the boot's own provision killed (SIGKILL, DOCKSTORE_FAILPOINT in a drop-in) at a different step every boot, then a clean boot.
case_provkill() {
  local d h fp n=0 fps="${PROVKILL_FPS:-format install-image mount fstab drop-in mount-drop-in sysconfig daemon-reload}"
  newdir || return 1; d="$NEWDIR"; h="$d/hook"; hook_list "$h"
  mkdir -p "$d/root/etc/systemd/system/dockstore-provision.service.d"
  for fp in $fps; do
    n=$((n+1)); printf '[Service]\nEnvironment=DOCKSTORE_FAILPOINT=%s\n' "$fp" > "$d/root/etc/systemd/system/dockstore-provision.service.d/fp.conf"
    echo "boot $n: provision killed at $fp"; bootkit_boot "$d" "$n" "$h"; summ "$d" "$n"
  done
  rm -f "$d/root/etc/systemd/system/dockstore-provision.service.d/fp.conf"; n=$((n+1))
  hook_seed "$h"; echo "boot $n: clean"; bootkit_boot "$d" "$n" "$h"; summ "$d" "$n"
  n=$((n+1)); hook_list "$h"; echo "boot $n: clean again"; bootkit_boot "$d" "$n" "$h"; summ "$d" "$n"; cat "$d/share/out/boot-$n/hook.log"
  ls -la "$d/root/var/lib/" | grep docker
  save "$d" provkill
}

# Case 5: migrate-ebs onto a loop device killed at FP (hook), reboot with the names shuffled (a blank volume takes the old name).
case_migkill() {
  local d h fp="${MIG_FP:-fstab}" lv lb lv2; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  truncate -s 8G "$d/vol"; truncate -s 8G "$d/blank"
  lv="$(losetup -f --show "$d/vol")"; MYLOOPS+=("$lv")
  cat > "$h" <<H
#!/bin/bash
docker import /share/busybox.tar busybox && docker create --name c1 busybox /bin/true && echo seeded; sync
DOCKSTORE_FAILPOINT=$fp dockstore migrate-ebs $lv --yes; echo "migrate rc \$?"
dockstore status; echo "status rc \$?"; cat /etc/fstab
H
  bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log"
  losetup -d "$lv"; sleep 0.5
  lb="$lv"; losetup "$lb" "$d/blank" || lb="$(losetup -f --show "$d/blank")"; MYLOOPS+=("$lb"); lv2="$(losetup -f --show "$d/vol")"; MYLOOPS+=("$lv2")
  echo "boot 2: volume was $lv, now $lv2; blank volume $lb"
  cat > "$h" <<'H'
#!/bin/bash
docker images; docker ps -a; findmnt /var/lib/docker; btrfs filesystem show /var/lib/docker; dockstore status; echo "status rc $?"
H
  bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/hook.log"
  echo "blank volume after: $(blkid -p "$lb" || echo 'no signature')"
  save "$d" "migkill-$fp"
}

# Case 6: a device store; at boot 2 the store's volume is not attached and a blank volume has its old name; boot 3 it is back.
case_devmissing() {
  local d h la lb la2; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  truncate -s 2G "$d/vol"; truncate -s 2G "$d/blank"
  la="$(losetup -f --show "$d/vol")"; MYLOOPS+=("$la")
  mkdir -p "$d/root/etc/sysconfig"; printf 'DOCKSTORE_DEVICE="%s"\n' "$la" > "$d/root/etc/sysconfig/dockstore"; chmod 0644 "$d/root/etc/sysconfig/dockstore"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1
  losetup -d "$la"; sleep 0.5; losetup "$la" "$d/blank" && lb="$la" || lb="$(losetup -f --show "$d/blank")"; MYLOOPS+=("$lb")
  echo "boot 2: store volume detached; blank volume at $lb (settings name $la)"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/status"
  echo "blank after boot 2: $(blkid -p "$lb" 2>&1 || echo 'no signature')"
  la2="$(losetup -f --show "$d/vol")"; MYLOOPS+=("$la2"); echo "boot 3: store back at $la2, blank still at $lb"
  bootkit_boot "$d" 3 "$h"; summ "$d" 3; cat "$d/share/out/boot-3/hook.log"
  echo "blank after boot 3: $(blkid -p "$lb" 2>&1 || echo 'no signature')"
  save "$d" devmissing
}

# Case 7: teardown killed at FP in the hook, then a reboot.
case_tdkill() {
  local d h fp="${TD_FP:-fstab}"; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  cat > "$h" <<H
#!/bin/bash
docker import /share/busybox.tar busybox && docker create --name c1 busybox /bin/true && echo seeded; sync
DOCKSTORE_FAILPOINT=$fp dockstore teardown --stop-docker; echo "teardown rc \$?"
H
  bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/hook.log"; cat "$d/share/out/boot-2/status"; cat "$d/share/out/boot-2/failed"
  cat > "$h" <<'H'
#!/bin/bash
dockstore teardown --stop-docker; echo "teardown re-run rc $?"; systemctl reset-failed docker.service; systemctl start docker.service; echo "docker start rc $?"
docker info --format '{{.Driver}} {{.DockerRootDir}}'; dockstore status | tail -4
H
  bootkit_boot "$d" 3 "$h"; summ "$d" 3; cat "$d/share/out/boot-3/hook.log"
  save "$d" "tdkill-$fp"
}

# Case 8: migrate-ebs --keep-image finished, then reboots with the names shuffled.
case_migkeep() {
  local d h lv lv2 lb; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  truncate -s 8G "$d/vol"; truncate -s 8G "$d/blank"; lv="$(losetup -f --show "$d/vol")"; MYLOOPS+=("$lv")
  cat > "$h" <<H
#!/bin/bash
docker import /share/busybox.tar busybox && docker create --name c1 busybox /bin/true && echo seeded; sync
dockstore migrate-ebs $lv --keep-image --yes; echo "migrate rc \$?"; cat /etc/fstab; ls -la /etc/systemd/system/var-lib-docker.mount.d/ 2>&1; ls -la /var/lib/docker-storage*
H
  bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log"
  losetup -d "$lv"; sleep 0.5; lb="$lv"; losetup "$lb" "$d/blank" || lb="$(losetup -f --show "$d/blank")"; MYLOOPS+=("$lb"); lv2="$(losetup -f --show "$d/vol")"; MYLOOPS+=("$lv2")
  echo "boot 2: volume now $lv2, blank at $lb"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/hook.log"; cat "$d/share/out/boot-2/status"
  echo "blank after: $(blkid -p "$lb" 2>&1 || echo 'no signature')"
  save "$d" migkeep
}

# Case 9: the image build put {"storage-driver": "btrfs"} (the same driver) in /etc/docker/daemon.json before the first boot.
case_daemonjson() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  mkdir -p "$d/root/etc/docker"; printf '{\n  "storage-driver": "%s"\n}\n' "${DJ_DRIVER:-btrfs}" > "$d/root/etc/docker/daemon.json"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log"; cat "$d/root/etc/docker/daemon.json"; cat "$d/share/out/boot-1/sysconfig-docker" | grep OPTS
  grep -i 'dockerd\|docker.service' "$d/share/out/boot-1/journal" | tail -5
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; head -4 "$d/share/out/boot-2/hook.log"
  save "$d" "daemonjson-${DJ_DRIVER:-btrfs}"
}

# Case 10: after boot 1 the admin points dockerd's data root elsewhere (DOCKER_OPTS --data-root /srv/docker); boot 2.
case_dataroot() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1
  sed -i 's#^DOCKER_OPTS="\(.*\)"#DOCKER_OPTS="\1 --data-root /srv/docker"#' "$d/root/etc/sysconfig/docker"; grep OPTS "$d/root/etc/sysconfig/docker"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/docker-info" "$d/share/out/boot-2/status"; cut -c1-400 "$d/share/out/boot-2/check"
  save "$d" dataroot
}

# Case 11: between boots the admin adds 'loop' to dockstore's fstab line (as SUSE's old docs write it).
case_loopopt() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1
  sed -i 's#^\(/var/lib/docker-storage.btrfs /var/lib/docker btrfs \)#\1loop,#' "$d/root/etc/fstab"; grep docker "$d/root/etc/fstab"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/status"; cut -c1-300 "$d/share/out/boot-2/check"; cat "$d/share/out/boot-2/losetup" | grep "$d"
  save "$d" loopopt
}

# Case 12: docker.socket unmasked and enabled by the admin; first boot and a boot with the image deleted.
case_socket() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  rm -f "$d/root/etc/systemd/system/docker.socket"; systemctl --root="$d/root" enable docker.socket >/dev/null 2>&1; ls -la "$d/root/etc/systemd/system/sockets.target.wants/" 2>&1 | grep docker
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; head -5 "$d/share/out/boot-2/hook.log"
  save "$d" socket
}

# Case 13: dockstore backend overlay2 run by the admin, then a reboot.
case_backend() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  cat > "$h" <<'H'
#!/bin/bash
docker import /share/busybox.tar busybox && docker create --name c1 busybox /bin/true && echo seeded; sync
dockstore backend overlay2; echo "backend rc $?"; grep OPTS /etc/sysconfig/docker; docker info --format '{{.Driver}}'
H
  bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/hook.log" "$d/share/out/boot-2/docker-info" "$d/share/out/boot-2/status"; cut -c1-300 "$d/share/out/boot-2/check"
  cat > "$h" <<'H'
#!/bin/bash
dockstore provision; echo "provision rc $?"; grep OPTS /etc/sysconfig/docker; dockstore check | cut -c1-200
H
  bootkit_boot "$d" 3 "$h"; summ "$d" 3; cat "$d/share/out/boot-3/hook.log"
  save "$d" backend
}

# Case 14: the image build relocated /var/lib/docker with a symlink to /srv/docker (empty) before the first boot.
case_symmnt() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  mkdir -p "$d/root/srv/docker"; rm -rf "$d/root/var/lib/docker"; ln -s /srv/docker "$d/root/var/lib/docker"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log" "$d/share/out/boot-1/status" "$d/share/out/boot-1/failed"; grep -i 'docker' "$d/share/out/boot-1/findmnt"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; head -5 "$d/share/out/boot-2/hook.log"; cat "$d/share/out/boot-2/status"; grep -i 'docker' "$d/share/out/boot-2/findmnt"
  save "$d" symmnt
}

# Case 15: /var/lib relocated: /var/lib is a symlink to /srv/varlib (the whole tree moved there) before the first boot.
case_symvarlib() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  mkdir -p "$d/root/srv"; mv "$d/root/var/lib" "$d/root/srv/varlib"; ln -s /srv/varlib "$d/root/var/lib"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log" "$d/share/out/boot-1/status" "$d/share/out/boot-1/failed"; grep -i 'docker' "$d/share/out/boot-1/findmnt" "$d/share/out/boot-1/fstab"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; head -5 "$d/share/out/boot-2/hook.log"; cat "$d/share/out/boot-2/status"; grep -i 'docker' "$d/share/out/boot-2/findmnt"
  grep -i 'mount' "$d/share/out/boot-2/journal" | grep -i docker | head
  save "$d" symvarlib
}

# Case 16: the store filled to ENOSPC, then a reboot.
case_full() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  printf 'DOCKSTORE_SIZE="1G"\n' > "$d/root/etc/sysconfig/dockstore" 2>/dev/null || { mkdir -p "$d/root/etc/sysconfig"; printf 'DOCKSTORE_SIZE="1G"\n' > "$d/root/etc/sysconfig/dockstore"; }
  chmod 0644 "$d/root/etc/sysconfig/dockstore"
  cat > "$h" <<'H'
#!/bin/bash
docker import /share/busybox.tar busybox && docker create --name c1 busybox /bin/true && echo seeded; sync
dd if=/dev/urandom of=/var/lib/docker/fill bs=1M count=2000 2>&1 | tail -1; for i in $(seq 1 3000); do mkdir -p /var/lib/docker/m/$i 2>/dev/null || break; echo x > /var/lib/docker/m/$i/f 2>/dev/null || break; done; sync
df -h /var/lib/docker; dockstore check | cut -c1-300
H
  bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; head -5 "$d/share/out/boot-2/hook.log"; cut -c1-300 "$d/share/out/boot-2/check"; grep -i 'dockerd' "$d/share/out/boot-2/journal" | grep -i 'level=\(error\|fatal\)' | head -3
  save "$d" full
}

# Case 15b: as 15, then the image lost before boot 2 (the image-lost scenario of the README, on a symlinked /var/lib).
case_symvarliblost() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  mkdir -p "$d/root/srv"; mv "$d/root/var/lib" "$d/root/srv/varlib"; ln -s /srv/varlib "$d/root/var/lib"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1
  mv "$d/root/srv/varlib/docker-storage.btrfs" "$d/image.away"
  hook_list "$h"; bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/failed"; grep -i 'mount' "$d/share/out/boot-2/journal" | grep -i 'docker' | head; head -3 "$d/share/out/boot-2/hook.log"; cat "$d/share/out/boot-2/status"
  bootkit_boot "$d" 3 "$h"; summ "$d" 3; cat "$d/share/out/boot-3/failed"
  save "$d" symvarliblost
}

# Case 17: grow killed at FP in the hook, then a reboot.
case_growkill() {
  local d h fp="${GROW_FP:-extend-image}"; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  mkdir -p "$d/root/etc/sysconfig"; printf 'DOCKSTORE_SIZE="2G"\n' > "$d/root/etc/sysconfig/dockstore"; chmod 0644 "$d/root/etc/sysconfig/dockstore"
  cat > "$h" <<H
#!/bin/bash
docker import /share/busybox.tar busybox && docker create --name c1 busybox /bin/true && echo seeded; sync
DOCKSTORE_FAILPOINT=$fp dockstore grow --to 4G; echo "grow rc \$?"; ls -la /var/lib/docker-storage.btrfs; btrfs fi show /var/lib/docker | grep devid
H
  bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log"
  cat > "$h" <<'H'
#!/bin/bash
docker images; docker ps -a; btrfs fi show /var/lib/docker | grep devid; dockstore grow --to 4G; echo "grow rc $?"; btrfs fi show /var/lib/docker | grep devid
H
  bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/hook.log" "$d/share/out/boot-2/status"
  hook_list "$h"; bootkit_boot "$d" 3 "$h"; summ "$d" 3
  save "$d" "growkill-$fp"
}

# Case 18: an image store; before boot 2 the admin copied the image (a backup) and attached the copy as a loop device to look at it.
case_imgclone() {
  local d h lc; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1
  cp --sparse=always "$d/root/var/lib/docker-storage.btrfs" "$d/backup.img"; lc="$(losetup -f --show "$d/backup.img")"; MYLOOPS+=("$lc")
  btrfs device scan "$lc" >/dev/null 2>&1; echo "boot 2: backup copy attached at $lc"
  cat > "$h" <<'H'
#!/bin/bash
docker images; docker ps -a; findmnt -o TARGET,SOURCE /var/lib/docker; losetup -a; docker create --name made-in-boot2 busybox /bin/true; sync
H
  bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/hook.log"; cat "$d/share/out/boot-2/failed" | head -3
  losetup -d "$lc"
  echo "backup copy after boot 2 (must be unchanged): $(cmp "$d/backup.img" "$d/root/var/lib/docker-storage.btrfs" >/dev/null && echo same-as-image || echo differs-from-image)"
  hook_list "$h"; bootkit_boot "$d" 3 "$h"; summ "$d" 3; head -6 "$d/share/out/boot-3/hook.log"
  save "$d" imgclone
}

# Case 19: the image build shipped /etc/sysconfig/docker saved with CRLF line ends (an admin's file) before the first boot.
case_crlf() {
  local d h; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  mkdir -p "$d/root/etc/sysconfig"; printf '## Path: System/Management\r\nDOCKER_OPTS="--log-level=warn"\r\n' > "$d/root/etc/sysconfig/docker"
  hook_seed "$h"; bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/status" | tail -4; od -c "$d/root/etc/sysconfig/docker" | head -5
  grep -i 'dockerd\[' "$d/share/out/boot-1/journal" | grep -i 'fatal\|failed to start' | head -3
  save "$d" crlf
}

# Case 20: reclaim on an exhausted 1 GiB store killed right after it lent the store room (a temporary member added), then reboots.
case_reclaimkill() {
  local d h fp="${RC_FP:-room-add}"; newdir || return 1; d="$NEWDIR"; h="$d/hook"
  mkdir -p "$d/root/etc/sysconfig"; printf 'DOCKSTORE_SIZE="1G"\n' > "$d/root/etc/sysconfig/dockstore"; chmod 0644 "$d/root/etc/sysconfig/dockstore"
  cat > "$h" <<H
#!/bin/bash
docker import /share/busybox.tar busybox && docker create --name c1 busybox /bin/true && echo seeded; sync
mkdir -p /var/lib/docker/fill; i=0; while head -c 204800 /dev/urandom > /var/lib/docker/fill/\$i 2>/dev/null; do i=\$((i+1)); [ \$i -gt 6000 ] && break; done; sync
echo "wrote \$i files"; for f in /var/lib/docker/fill/*; do n=\${f##*/}; [ \$((n % ${RC_MOD:-4})) -lt ${RC_DEL:-3} ] && rm -f "\$f"; done; sync
btrfs filesystem usage -b /var/lib/docker | head -8; dockstore check | cut -c1-250
DOCKSTORE_FAILPOINT=$fp dockstore reclaim --budget 2min; echo "reclaim rc \$?"
btrfs filesystem show /var/lib/docker; losetup -a; dockstore status | tail -5
H
  bootkit_boot "$d" 1 "$h"; summ "$d" 1; cat "$d/share/out/boot-1/hook.log"
  cat > "$h" <<'H'
#!/bin/bash
docker images; docker ps -a; btrfs filesystem show /var/lib/docker; losetup -a; dockstore reclaim --budget 2min; echo "reclaim rc $?"; btrfs filesystem show /var/lib/docker; dockstore check | cut -c1-250
H
  bootkit_boot "$d" 2 "$h"; summ "$d" 2; cat "$d/share/out/boot-2/hook.log"; cat "$d/share/out/boot-2/status"; cut -c1-300 "$d/share/out/boot-2/check"
  hook_list "$h"; bootkit_boot "$d" 3 "$h"; summ "$d" 3
  save "$d" "reclaimkill-$fp"
}

# ---- main: attack.sh [case...]; default all. Each case runs in its own mktemp -d and is cleaned up on exit.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ALL="latemount barefiles clone provkill migkill devmissing tdkill migkeep daemonjson dataroot loopopt socket backend symmnt symvarlib symvarliblost full growkill imgclone crlf reclaimkill"
  for c in ${@:-$ALL}; do
    echo "=================== case $c"
    case $c in
      tdkill) for fp in unmount fstab drop-in mount-drop-in sysconfig; do TD_FP=$fp case_tdkill; done ;;
      migkill) for fp in fstab resize detach-loop; do MIG_FP=$fp case_migkill; done ;;
      growkill) for fp in extend-image loop-capacity; do GROW_FP=$fp case_growkill; done ;;
      *) "case_$c" ;;
    esac
    cleanup; DIRS=(); MYLOOPS=()
  done
fi
