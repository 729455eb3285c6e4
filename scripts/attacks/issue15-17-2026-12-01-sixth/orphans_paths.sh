#!/bin/bash
# reclaim --orphans (no dockerd) with symlinks inside the store's docker tree pointing out of it
V=$1; B=${DOCKSTORE:-/work/attack6/build/release/dockstore}
R=$(mktemp -d /tmp/atk6-orp2.XXXXXX); O=$(mktemp -d /tmp/atk6-outside.XXXXXX); LOOPS=()
cleanup() { for m in $(findmnt -rn -o TARGET | grep -E "^($R|$O)" | sort -r); do umount -l "$m"; done
  for l in "${LOOPS[@]}"; do losetup -d "$l"; done; rm -rf "$R" "$O"; }
trap cleanup EXIT
mk() { truncate -s 1G "$1"; local l; l=$(losetup -f --show "$1"); LOOPS+=("$l"); mkfs.btrfs -q "$l" >/dev/null; mkdir -p "$2"; mount "$l" "$2"; }
MP="$R/var/lib/docker"; mk "$R/disk.img" "$MP"
mkdir -p "$MP/btrfs/subvolumes" "$MP/image/btrfs/layerdb/sha256" "$MP/image/btrfs/layerdb/mounts"
ID=$(printf 'c%.0s' $(seq 64))
case $V in
  quotas-link)  # moby's quota file dir is a symlink to a folder outside the root holding a file named like the orphan
    btrfs -q subvolume create "$MP/btrfs/subvolumes/$ID" >/dev/null
    echo precious > "$O/$ID"; ln -s "$O" "$MP/btrfs/quotas"; WATCH="$O/$ID";;
  quotas-file-link)
    btrfs -q subvolume create "$MP/btrfs/subvolumes/$ID" >/dev/null
    mkdir -p "$MP/btrfs/quotas"; echo precious > "$O/target"; ln -s "$O/target" "$MP/btrfs/quotas/$ID"; WATCH="$O/target";;
  subvols-link-other-btrfs)  # btrfs/subvolumes is a symlink to another btrfs (outside the root)
    mk "$R/disk2.img" "$O/fs2"; btrfs -q subvolume create "$O/fs2/$ID" >/dev/null; echo precious > "$O/fs2/$ID/data"
    rmdir "$MP/btrfs/subvolumes"; ln -s "$O/fs2" "$MP/btrfs/subvolumes"; WATCH="$O/fs2/$ID/data";;
  subvols-link-same-btrfs)  # btrfs/subvolumes a symlink to another folder of the same store
    mkdir "$MP/keep"; btrfs -q subvolume create "$MP/keep/$ID" >/dev/null; echo precious > "$MP/keep/$ID/data"
    rmdir "$MP/btrfs/subvolumes"; ln -s "$MP/keep" "$MP/btrfs/subvolumes"; WATCH="$MP/keep/$ID/data";;
  btrfs-link)  # the btrfs/ folder itself a symlink to another btrfs
    mk "$R/disk2.img" "$O/fs2"; mkdir -p "$O/fs2/subvolumes"; btrfs -q subvolume create "$O/fs2/subvolumes/$ID" >/dev/null
    echo precious > "$O/fs2/subvolumes/$ID/data"; rm -rf "$MP/btrfs"; ln -s "$O/fs2" "$MP/btrfs"; WATCH="$O/fs2/subvolumes/$ID/data";;
  nested-mount)  # an orphan with another filesystem bind-mounted inside it
    btrfs -q subvolume create "$MP/btrfs/subvolumes/$ID" >/dev/null; mkdir "$MP/btrfs/subvolumes/$ID/m" "$O/dir"
    echo precious > "$O/dir/data"; mount --bind "$O/dir" "$MP/btrfs/subvolumes/$ID/m"; WATCH="$O/dir/data";;
esac
H1=$(find "$O" -xdev -type f -exec sha256sum {} + 2>/dev/null | sort | sha256sum)
DRY=$("$B" reclaim --orphans --dry-run --root "$R" 2>&1); DRC=$?
OUT=$("$B" reclaim --orphans --root "$R" 2>&1); RC=$?
w=$([ -e "$WATCH" ] && echo intact || echo GONE)
echo "$V: dry=$DRC rc=$RC watched=$w | $(echo "$OUT" | tr '\n' ' ' | cut -c1-260)"
