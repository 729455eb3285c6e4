#!/bin/bash
# B: migration journal: real migration killed at several phases (false CRITICAL?), then bad journals of every kind on a store with no migration
. /work/attack26/l/lib.sh
J=var/lib/dockstore/migration.json
allc() { local h1 h2; h1=$(th $T); chk $T; NL=2 run $BIN status --root $T; NL=2 run $BIN provision --root $T; NL=2 run $BIN grow --root $T --dry-run; NL=2 run $BIN reclaim --root $T --dry-run; NL=2 run $BIN teardown --root $T --dry-run; h2=$(th $T); echo "  tree $h1 -> $h2"; }
for KT in 0.4 1.5; do
  T=$(mkroot); [ -n "$T" ] || exit 99; $BIN provision --root $T --size 2G >/dev/null 2>&1; rec; head -c 600M /dev/urandom > $T/var/lib/docker/BIG; sync
  truncate -s 2G $T.vol; V=$(att $T.vol); timeout -s KILL $KT $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1; rec
  echo "=== B0 real migration killed at $KT s: phase $(grep -o '"phase"[^,]*' $T/$J) ; replace: $(btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1)"
  NC=300 allc; cp $T/$J $RUN/j.real 2>/dev/null; head -c 600 $T/$J; echo
  for i in $(seq 100); do btrfs replace status -1 $T/var/lib/docker 2>&1 | grep -q '% done' || break; sleep 0.3; done
  echo "  -- after the replace ended: $(btrfs replace status -1 $T/var/lib/docker 2>&1 | head -1)"; NC=300 allc
  NL=6 run $BIN migrate-ebs $V --root $T --yes; lsl; chk $T; down $T
done
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; echo "=== B1 store without migration; bad journals"
for st in cut empty dir symlink-dev-zero symlink-valid fifo unreadable huge array other-shape null other-store truncated-valid bom crlf; do
  rm -rf $T/$J; case $st in
   cut) head -c 40 $RUN/j.real > $T/$J;; empty) : > $T/$J;; dir) mkdir $T/$J;; symlink-dev-zero) ln -s /dev/zero $T/$J;; symlink-valid) cp $RUN/j.real $RUN/jv; ln -s $RUN/jv $T/$J;;
   fifo) mkfifo $T/$J;; unreadable) cp $RUN/j.real $T/$J; chmod 000 $T/$J;; huge) { printf '{"x":"'; head -c 300M /dev/zero | tr '\0' a; printf '"}'; } > $T/$J;;
   array) echo '[]' > $T/$J;; other-shape) echo '{"hello":"world","phase":42}' > $T/$J;; null) echo null > $T/$J;; other-store) cp $RUN/j.real $T/$J;;
   truncated-valid) python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({k:d[k] for k in list(d)[:2]}))' $RUN/j.real > $T/$J;;
   bom) { printf '\xef\xbb\xbf'; cat $RUN/j.real; } > $T/$J;; crlf) sed 's/$/\r/' $RUN/j.real > $T/$J;; esac
  echo "=== B1-$st"; NC=260 allc
done
rm -rf $T/$J; down $T
