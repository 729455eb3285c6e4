#!/bin/bash
# Boot kit for attack 33 (T): boots a cached Debian root (systemd 252 as PID 1) under
# systemd-nspawn, with dockstore installed as an image build installs it.
#   . bootkit.sh
#   bootkit_prepare DIR            # DIR/root: a copy of the cached root, dockstore installed and enabled
#   bootkit_boot DIR N [HOOK]      # boots DIR/root once; inside, after the boot settles, facts go to
#                                  # DIR/share/out/boot-N/ and HOOK (a script, run inside as root with
#                                  # args N OUTDIR; its output in hook.log) runs; then the container powers off
#   bootkit_cleanup DIR            # kills what is left, detaches loop devices over files under DIR, removes DIR
# Inside the container: /share is DIR/share; loop device nodes exist (no udev); docker.service is a
# stand-in for SUSE's (reads /etc/sysconfig/docker); no network.
set -u
KIT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="$(ls -d /var/cache/dockstore-boot-test/bookworm-*/root | head -1)"
BUSYBOX_TAR="$(dirname "$CACHE_ROOT")/busybox.tar"
BIN="${BIN:-/work/attack33/t/dockstore}"

bootkit_prepare() {
  local dir="$1" root="$1/root"
  mkdir -p "$dir/share/out"
  cp -a "$CACHE_ROOT" "$root"
  cp "$BUSYBOX_TAR" "$dir/share/busybox.tar"
  rm -f "$root/etc/machine-id"; systemd-machine-id-setup --root="$root" >/dev/null 2>&1
  install -m 0644 "$KIT/docker.service" "$root/lib/systemd/system/docker.service"
  install -m 0755 "$KIT/devnodes" "$dir/share/devnodes"
  sed 's#/boot-test/devnodes#/share/devnodes#' "$KIT/boot-test-devnodes.service" > "$root/etc/systemd/system/kit-devnodes.service"
  install -m 0755 "$KIT/agent" "$dir/share/agent"
  install -m 0644 "$KIT/kit-agent.service" "$root/etc/systemd/system/kit-agent.service"
  systemctl --root="$root" mask docker.socket containerd.service console-getty.service getty.target >/dev/null 2>&1
  systemctl --root="$root" enable docker.service kit-agent.service kit-devnodes.service >/dev/null 2>&1
  /work/main/scripts/install --destdir "$root" --binary "$BIN" --enable > "$dir/install.log" 2>&1 || { cat "$dir/install.log"; return 1; }
}

bootkit_boot() {
  local dir="$1" n="$2" hook="${3:-}" cg="attack33-$$-$2-$RANDOM" rc=0
  echo "$n" > "$dir/share/boot"
  rm -f "$dir/share/hook"; [ -n "$hook" ] && install -m 0755 "$hook" "$dir/share/hook"
  mkdir -p "$dir/share/out/boot-$n"
  (
    for h in systemd unified; do mkdir "/sys/fs/cgroup/$h/$cg"; echo "$BASHPID" > "/sys/fs/cgroup/$h/$cg/cgroup.procs"; done
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 exec timeout --kill-after=20 "${BOOT_TIMEOUT:-180}" systemd-nspawn --quiet --boot \
      --register=no --keep-unit --private-network --console=read-only --machine="attack33-$n" \
      --bind=/dev/loop-control --bind=/dev/btrfs-control --bind="$dir/share:/share" \
      --capability=all --system-call-filter='@keyring bpf' -D "$dir/root"
  ) < /dev/null > "$dir/share/out/boot-$n/console.log" 2>&1 || rc=$?
  bootkit_killcg "$cg"
  echo "$rc" > "$dir/share/out/boot-$n/nspawn.rc"
  echo "boot $n: nspawn exit $rc; facts in $dir/share/out/boot-$n/"
}

bootkit_killcg() {
  local cg="$1" h d
  for h in systemd unified; do
    d="/sys/fs/cgroup/$h/$cg"; [ -d "$d" ] || continue
    for _ in 1 2 3 4 5; do
      find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -9 2>/dev/null; sleep 0.3
    done
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
}

bootkit_cleanup() {
  local dir="$1" cg m l
  for cg in /sys/fs/cgroup/systemd/attack33-$$-*; do [ -d "$cg" ] && bootkit_killcg "${cg##*/}"; done
  findmnt -rn -o TARGET | grep -F "$dir/" | sort -r | while read -r m; do umount -l "$m"; done
  losetup -a | grep -F "$dir/" | cut -d: -f1 | while read -r l; do losetup -d "$l"; done
  rm -rf "$dir"
}
