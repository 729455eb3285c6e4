#!/bin/bash
# reclaim --orphans while a real dockerd 20.10 runs on the store. VARIANT selects how dockerd is told its data root.
# usage: orphans.sh VARIANT   (prints: dockstore exit, whether OLD/YOUNG subvolumes survive)
V=$1; B=${DOCKSTORE:-/work/attack6/build/release/dockstore}
R=$(mktemp -d /tmp/atk6-orph.XXXXXX); LOOP=""; DPID=""
cleanup() {
  [ -n "$DPID" ] && { kill -TERM $DPID 2>/dev/null; for i in $(seq 1 50); do kill -0 $DPID 2>/dev/null || break; sleep 0.2; done; kill -KILL $DPID 2>/dev/null; }
  for m in $(findmnt -rn -o TARGET | grep "^$R" | sort -r); do umount -l "$m"; done
  [ -n "$LOOP" ] && losetup -d "$LOOP"
  rm -rf "$R"
}
trap cleanup EXIT
truncate -s 1G "$R/disk.img"; LOOP=$(losetup -f --show "$R/disk.img")
mkfs.btrfs -q -L docker "$LOOP" >/dev/null
MP="$R/var/lib/docker"; mkdir -p "$MP" "$R/etc/sysconfig" "$R/run" "$R/x"; mount "$LOOP" "$MP"
mkdir -p "$MP/btrfs/subvolumes" "$MP/image/btrfs/layerdb/sha256" "$MP/image/btrfs/layerdb/mounts"
OLD=$(printf 'a%.0s' $(seq 64)); YOUNG=$(printf 'b%.0s' $(seq 64))
btrfs -q subvolume create "$MP/btrfs/subvolumes/$OLD" >/dev/null
sleep 3
DR="$MP"; CFG=""
case $V in
  equals)  ARGS=(--data-root="$DR");;
  graph)   ARGS=(--graph "$DR");;
  g)       ARGS=(-g "$DR");;
  twice)   mkdir -p "$R/x/other"; ARGS=(--data-root "$R/x/other" --data-root "$DR");;
  cfggraph) echo "{\"graph\":\"$DR\"}" > "$R/x/d.json"; ARGS=(--config-file "$R/x/d.json");;
  cfgdr)   echo "{\"data-root\":\"$DR\"}" > "$R/x/d.json"; ARGS=(--config-file="$R/x/d.json");;
  cfgesc)  printf '{"data\\u002droot":"%s"}' "$DR" > "$R/x/d.json"; ARGS=(--config-file "$R/x/d.json");;
  cfgdup)  printf '{"data-root":"%s","data-root":"%s"}' "$R/x/other" "$DR" > "$R/x/d.json"; mkdir -p "$R/x/other"; ARGS=(--config-file "$R/x/d.json");;
  renamed) cp /usr/sbin/dockerd "$R/x/docker-daemon"; ARGS=(--data-root "$DR");;
  renamedpid) cp /usr/sbin/dockerd "$R/x/docker-daemon"; ARGS=(--data-root "$DR");;
  symlink) ln -s "$DR" "$R/x/link"; ARGS=(--data-root "$R/x/link");;
  relative) ARGS=(--data-root docker);;
  unshare) mkdir -p "$R/x/alt"; ARGS=(--data-root "$R/x/alt");;
esac
BIN=dockerd; PIDF="$R/run/d.pid"; PRE=(); cd /
case $V in renamed) BIN="$R/x/docker-daemon";; renamedpid) BIN="$R/x/docker-daemon"; PIDF="$R/run/docker.pid";;
  relative) cd "$R/var/lib";; unshare) PRE=(unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh "$MP" "$R/x/alt");; esac
"${PRE[@]}" "$BIN" "${ARGS[@]}" --exec-root "$R/run/d" --pidfile "$PIDF" --host "unix://$R/run/d.sock" --storage-driver btrfs \
   --iptables=false --bridge=none --containerd-namespace atk6 --containerd-plugins-namespace atk6p > "$R/dockerd.log" 2>&1 &
DPID=$!
for i in $(seq 1 100); do [ -S "$R/run/d.sock" ] && break; kill -0 $DPID 2>/dev/null || break; sleep 0.2; done
if ! [ -S "$R/run/d.sock" ]; then echo "$V: dockerd did not start: $(tail -2 $R/dockerd.log)"; exit 1; fi
# where does dockerd really keep its data?  (its btrfs driver makes btrfs/ under the data root)
sleep 3
btrfs -q subvolume create "$MP/btrfs/subvolumes/$YOUNG" >/dev/null   # an in-flight pull: younger than dockerd
sleep 3
OUT=$("$B" reclaim --orphans --root "$R" 2>&1); RC=$?
o=$([ -d "$MP/btrfs/subvolumes/$OLD" ] && echo kept || echo deleted); y=$([ -d "$MP/btrfs/subvolumes/$YOUNG" ] && echo kept || echo DELETED)
echo "$V: rc=$RC old=$o young=$y | $(echo "$OUT" | tr '\n' ' ' | cut -c1-300)"
