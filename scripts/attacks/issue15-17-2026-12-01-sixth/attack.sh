#!/bin/bash
# Sixth outside attack on dockstore: daemon.json value types vs the real dockerd 20.10, reclaim --orphans with a
# real dockerd running, symlinks in the store's docker tree, reclaim's state folder symlinked out of --root.
# Re-runnable; every mount, loop device and dockerd it makes is removed (each helper has its own EXIT trap, and
# this script sweeps /tmp/atk6-* leftovers at the end). Needs root and /work/attack6/build/release/dockstore.
set -u
D=/work/attack6; cd "$D" || exit 1
[ -x build/release/dockstore ] || { echo "build first: swift build -c release --scratch-path $D/build"; exit 1; }
sweep() {
  for p in $(pgrep -f 'dockerd .*--exec-root /tmp/atk6-' ) $(pgrep -f 'docker-daemon .*--exec-root /tmp/atk6-'); do kill -TERM "$p" 2>/dev/null; done
  sleep 1
  for m in $(findmnt -rn -o TARGET | grep -E '^/tmp/atk6-' | sort -r); do umount -l "$m"; done
  for l in $(losetup -a | grep -E '\(/tmp/atk6-' | cut -d: -f1); do losetup -d "$l"; done
  rm -rf /tmp/atk6-* 2>/dev/null
}
trap sweep EXIT
echo "== A. daemon.json: dockstore backend (show) vs dockerd 20.10 as oracle (FAIL = they disagree)"
rm -rf cases cases2; mkdir -p cases cases2; python3 json_cases.py cases; python3 json_cases2.py cases2
./oracle.sh cases oracle.out; ./oracle.sh cases2 oracle2.out
{ ./backend_json.sh cases oracle.out; ./backend_json.sh cases2 oracle2.out; } 2>&1 | sort | cut -c1-260
echo "== B. reclaim --orphans while a real dockerd runs on the store (young=kept expected: in-flight pull)"
for v in equals graph g twice cfggraph cfgdr cfgesc cfgdup symlink relative unshare renamed renamedpid; do
  ./orphans.sh "$v" 2>&1 | tail -1 | cut -c1-260
done
echo "== C. reclaim --orphans with symlinks in the docker tree (watched = a file outside --root or not Docker's)"
for v in quotas-link quotas-file-link subvols-link-other-btrfs subvols-link-same-btrfs btrfs-link nested-mount; do
  ./orphans_paths.sh "$v" 2>&1 | tail -1 | cut -c1-260
done
echo "== D. reclaim with /var/lib/dockstore (or its last-reclaim.json) a symlink out of --root"
for v in abs rel file; do ./reclaim_paths.sh "$v" 2>&1 | tail -1 | cut -c1-260; done
echo "== E. provision --dry-run with a default-shm-size dockerd refuses (expected exit 2, as for {\"debug\":\"yes\"})"
for j in '{"default-shm-size":"\u0036\u0034M"}' '{"default-shm-size":"1.2.3M"}' '{"default-shm-size":"lots"}' '{"debug":"yes"}'; do
  R=$(mktemp -d /tmp/atk6-prov.XXXXXX); mkdir -p $R/etc/sysconfig $R/etc/docker $R/var/lib $R/etc/systemd/system
  printf 'DOCKER_OPTS=""\n' > $R/etc/sysconfig/docker; touch $R/etc/fstab; printf '%s' "$j" > $R/etc/docker/daemon.json
  out=$(timeout 30 build/release/dockstore provision --dry-run --root $R 2>&1); rc=$?
  echo "provision $j: rc=$rc $( [ $rc = 2 ] && echo PASS || echo FAIL) | $(echo "$out" | tail -1 | cut -c1-160)"; rm -rf "$R"
done
echo "== F. reclaim on a full thin-image store (half-empty data chunks): healthy, image size and files unchanged, journal gone"
timeout 300 ./reclaim_lend.sh 2>&1 | tail -1
sweep; trap - EXIT
echo "== leftovers (must be empty):"; findmnt -rn | grep atk6; losetup -a | grep atk6; pgrep -af 'atk6-' | grep -v pgrep
