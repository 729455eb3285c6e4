#!/usr/bin/env bash
# Sourced by scripts/test and scripts/reliability; defines run_dir, sweep_dir and sweep.
# Each run keeps its test roots in a folder of its own (TestRoot reads DOCKSTORE_TEST_TMPDIR),
# so the sweep below never touches another run's mounts or loop devices. A folder whose run
# died (its owner pid gone) is swept by the next run.
run_dir="$(mktemp -d /tmp/dockstore-run.XXXXXX)"
chmod 755 "$run_dir" # the tests that run dockstore as nobody must reach their roots
echo $$ > "$run_dir/owner"
export DOCKSTORE_TEST_TMPDIR="$run_dir"

sweep_dir() {
  local dir="$1"
  # grep finds nothing in a folder without mounts: under set -e -o pipefail that must not end the run.
  findmnt -rn -o TARGET | { grep "^$dir/" || true; } | sort -r | while read -r t; do umount -l "$t" || true; done
  for f in /sys/block/loop*/loop/backing_file; do
    [ -e "$f" ] || continue
    case "$(cat "$f")" in "$dir"/*) losetup -d "/dev/$(basename "$(dirname "$(dirname "$f")")")" || true ;; esac
  done
  rm -rf --one-file-system "$dir" 2>/dev/null
}

sweep() {
  # Belt and braces: whatever a crashed test process left behind in this run's temp roots.
  local status=$?
  set +e +o pipefail
  sweep_dir "$run_dir"
  exit "$status"
}

# Runs that were killed: their owner is gone.
for dir in /tmp/dockstore-run.*; do
  [ -d "$dir" ] && [ "$dir" != "$run_dir" ] || continue
  owner="$(cat "$dir/owner" 2>/dev/null || true)"
  if [ -z "$owner" ] || ! kill -0 "$owner" 2>/dev/null; then sweep_dir "$dir"; fi
done
