#!/bin/bash
# reclaim on a full thin-image store (data chunks hold all unallocated space, half empty): room lent and given back?
B=${DOCKSTORE:-/work/attack6/build/release/dockstore}
R=$(mktemp -d /tmp/atk6-lend.XXXXXX)
cleanup() { for m in $(findmnt -rn -o TARGET | grep "^$R" | sort -r); do umount -l "$m"; done
  for l in $(losetup -j "$R/var/lib/docker-storage.btrfs" -O NAME -n); do losetup -d "$l"; done; rm -rf "$R"; }
trap cleanup EXIT
IMG="$R/var/lib/docker-storage.btrfs"; MP="$R/var/lib/docker"; mkdir -p "$MP" "$R/etc/sysconfig" "$R/run"
truncate -s 1G "$IMG"; LOOP=$(losetup -f --show "$IMG"); mkfs.btrfs -q "$LOOP" >/dev/null; mount -o discard=async "$LOOP" "$MP"
for i in $(seq 1 200); do head -c 4M /dev/urandom > "$MP/f$i" 2>/dev/null || break; done
sync; for i in $(seq 1 2 200); do rm -f "$MP/f$i"; done; sync
S1=$(stat -c %s "$IMG"); H1=$(cd "$MP" && ls | wc -l)
"$B" check --root "$R" 2>&1 | head -3
OUT=$("$B" reclaim --root "$R" 2>&1); RC=$?
S2=$(stat -c %s "$IMG"); H2=$(cd "$MP" && ls | wc -l)
echo "$OUT" | tail -12
echo "lend: rc=$RC image $S1 -> $S2 files $H1 -> $H2 journal=$([ -e $R/var/lib/dockstore/reclaim.json ] && echo LEFT || echo gone) loops=$(losetup -j "$IMG" | wc -l)"
