# boot-test: shell functions for the agent and the scenario hooks (in the container).
# Sourced, not run. /boot-test is the host folder bound into the container.

MNT=/var/lib/docker
IMAGE=/var/lib/docker-storage.btrfs
DOCKSTORE=/usr/local/sbin/dockstore
MOUNT_UNIT="$(systemd-escape -p --suffix=mount "$MNT")"

# mounts_at: how many mounts sit on $MNT (every layer of a stacked mount counts)
mounts_at() { awk -v m="$MNT" '$5 == m' /proc/self/mountinfo | wc -l; }

# image_loops: the loop devices whose backing file is the image (a deleted image too)
image_loops() {
  local f name
  for f in /sys/block/loop*/loop/backing_file; do
    [ -r "$f" ] || continue
    case "$(cat "$f" 2>/dev/null)" in
      "$IMAGE"|"$IMAGE (deleted)") name="${f#/sys/block/}"; echo "/dev/${name%%/*}" ;;
    esac
  done
}

# facts DIR: record what this boot did
facts() {
  local d="$1"
  mkdir -p "$d"
  systemctl is-system-running > "$d/state" 2>&1
  systemctl --failed --plain --no-legend --no-pager > "$d/failed" 2>&1
  systemctl show -p ExecMainStatus,ExecMainCode,Result,ActiveState,ConditionResult dockstore-provision.service > "$d/provision.show" 2>&1
  journalctl -b --no-pager -o short-monotonic -u dockstore-provision.service -u docker.service -u "$MOUNT_UNIT" > "$d/journal" 2>&1
  journalctl -b --no-pager -o short-monotonic > "$d/journal-all" 2>&1
  SYSTEMD_COLORS=0 systemctl status --no-pager --full dockstore-provision.service docker.service "$MOUNT_UNIT" > "$d/status" 2>&1
  awk -v m="$MNT" '$5 == m' /proc/self/mountinfo > "$d/mountinfo"
  mounts_at > "$d/mounts"
  image_loops > "$d/image-loops"
  losetup -J -l > "$d/losetup.json" 2>&1
  if [ -e "$IMAGE" ]; then echo yes; else echo no; fi > "$d/image-exists"
  cp /etc/fstab "$d/fstab" 2>/dev/null
  cp /etc/sysconfig/docker "$d/sysconfig-docker" 2>/dev/null
  cp /etc/sysconfig/dockstore "$d/sysconfig-dockstore" 2>/dev/null
  systemctl is-active docker.service > "$d/docker-active" 2>&1
  timeout 30 docker info --format '{{.Driver}}' > "$d/docker-driver" 2>&1
  systemd-analyze critical-chain --no-pager docker.service > "$d/critical-chain" 2>&1
  # the plain chain shows only the slowest path; --fuzz shows every dependency of each level
  systemd-analyze critical-chain --no-pager --fuzz=1min docker.service > "$d/critical-chain-fuzz" 2>&1
  systemctl show -p Id,After docker.service dockstore-provision.service > "$d/after" 2>&1
  systemctl show -p Id,SourcePath,ActiveState,Result,ActiveEnterTimestampMonotonic,InactiveExitTimestampMonotonic \
    dockstore-provision.service "$MOUNT_UNIT" docker.service local-fs.target > "$d/timestamps" 2>&1
  systemctl cat "$MOUNT_UNIT" > "$d/mount-unit" 2>&1
  timeout 30 "$DOCKSTORE" status > "$d/dockstore-status" 2>&1
  dmesg > "$d/dmesg" 2>&1
  return 0
}

# wait_for SECONDS COMMAND...: poll until the command succeeds
wait_for() {
  local limit="$1"; shift
  local end=$((SECONDS + limit))
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.5
  done
}
