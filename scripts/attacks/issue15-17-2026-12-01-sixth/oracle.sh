#!/bin/bash
# dockerd 20.10 as the oracle for each daemon.json case: STARTS if it logs "Starting up" (config decoded+validated)
CASES=$1; OUT=$2; : > "$OUT"
T=$(mktemp -d /tmp/atk6-oracle.XXXXXX)
cleanup_mounts() { for m in $(findmnt -rn -o TARGET | grep -E "^($T|/tmp/atk6-graph)" | sort -r); do umount -l "$m"; done; }
for f in "$CASES"/*.json; do
  n=$(basename "$f" .json)
  for attempt in 1 2 3; do
  cleanup_mounts; rm -rf "$T/d" "$T/e" /tmp/atk6-graph; mkdir -p "$T/d" "$T/e"
  dockerd --config-file "$f" --data-root "$T/d" --exec-root "$T/e" --pidfile "$T/e/p.pid" \
     --host "unix://$T/e/s.sock" --iptables=false --bridge=none --containerd "$T/e/nonexistent.sock" > "$T/log" 2>&1 &
  pid=$!
  for i in $(seq 1 150); do
    grep -aq 'Starting up' "$T/log" && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  if grep -aq 'Starting up' "$T/log"; then r=STARTS; else r="REFUSES: $(grep -av '^$' "$T/log" | tail -1 | cut -c1-160)"; fi
  kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null
  [ "$r" = "REFUSES: " ] || break   # no output at all: dockerd was slow or killed, try again
  done
  echo "$n	$r" >> "$OUT"
done
cleanup_mounts; rm -rf "$T" /tmp/atk6-graph
