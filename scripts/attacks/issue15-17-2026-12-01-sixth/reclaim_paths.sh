#!/bin/bash
# reclaim on a thin image store whose /var/lib/dockstore is a symlink out of --root (absolute or relative)
V=$1; B=${DOCKSTORE:-/work/attack6/build/release/dockstore}
R=$(mktemp -d /tmp/atk6-rec.XXXXXX); O=$(mktemp -d /tmp/atk6-recout.XXXXXX); LOOP=""
cleanup() { for m in $(findmnt -rn -o TARGET | grep "^$R" | sort -r); do umount -l "$m"; done
  for l in $(losetup -j "$R/var/lib/docker-storage.btrfs" -O NAME -n); do losetup -d "$l"; done; rm -rf "$R" "$O"; }
trap cleanup EXIT
mkdir -p "$R/var/lib/docker" "$R/etc/sysconfig" "$R/run"
truncate -s 3G "$R/var/lib/docker-storage.btrfs"; LOOP=$(losetup -f --show "$R/var/lib/docker-storage.btrfs")
mkfs.btrfs -q "$LOOP" >/dev/null; mount "$LOOP" "$R/var/lib/docker"
case $V in
  abs) ln -s "$O" "$R/var/lib/dockstore";;
  rel) ln -s "../../../$(basename $O)" "$R/var/lib/dockstore";;   # resolves to /tmp/atk6-recout.* from outside the root
  file) mkdir -p "$R/var/lib/dockstore"; ln -s "$O/victim" "$R/var/lib/dockstore/last-reclaim.json"; echo precious > "$O/victim";;
esac
H1=$(find "$O" -type f -exec sha256sum {} + | sort | sha256sum)
OUT=$("$B" reclaim --root "$R" 2>&1); RC=$?
H2=$(find "$O" -type f -exec sha256sum {} + | sort | sha256sum)
echo "$V: rc=$RC outside=$([ "$H1" = "$H2" ] && echo unchanged || echo CHANGED:$(ls $O)) | $(echo "$OUT" | tr '\n' ' ' | cut -c1-250)"
