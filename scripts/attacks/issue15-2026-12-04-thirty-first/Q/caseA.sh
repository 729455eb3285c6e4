#!/bin/bash
# A: provision/backend/grow/teardown: --dry-run changes nothing and its plan == real steps; second run idempotent; strace writes
. /work/attack31/q/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99; echo "root $T"
printf '## Path: x\nDOCKER_OPTS=""\n' > $T/etc/sysconfig/docker
snap() { echo "tree=$(th2 $T) decoy=$(dh) dev=$(devedges | md5sum | cut -c1-8)"; }
step() { local name=$1; shift
  local s0; s0=$(snap); $BIN "$@" --dry-run > $RUN/$name.dry 2>&1; echo "[$name dry rc=$?]"; local s1; s1=$(snap); rec
  [ "$s0" = "$s1" ] && echo "  dry: unchanged" || echo "  dry: !!! CHANGED $s0 -> $s1"
  strace -f -qq -o $RUN/$name.strace -e trace=%file,openat $BIN "$@" > $RUN/$name.real 2>&1; echo "[$name real rc=$?]"; rec
  local s2; s2=$(snap); listing $T > $RUN/$name.list
  $BIN "$@" > $RUN/$name.again 2>&1; echo "[$name again rc=$?]"; rec; local s3; s3=$(snap)
  [ "$s2" = "$s3" ] && echo "  again: unchanged" || { echo "  again: !!! CHANGED $s2 -> $s3"; diff $RUN/$name.list <(listing $T) | head; }
  echo "  --- dry:"; sed 's/^/    /' $RUN/$name.dry | head -30; echo "  --- real:"; sed 's/^/    /' $RUN/$name.real | head -30; echo "  --- again:"; sed 's/^/    /' $RUN/$name.again | head -8
  echo "  --- writes outside root:"; grep -E 'O_WRONLY|O_RDWR|O_CREAT|rename|unlink|mkdir|symlink|link\(' $RUN/$name.strace | grep -v "\"$T" | grep -vE '"/dev/(loop|null|tty|btrfs-control)|"/proc/|"/sys/' | grep -v ENOENT | awk '{$1="";print}' | sort | uniq -c | head -15
  echo "  --- paths written under root:"; grep -E 'O_WRONLY|O_RDWR|O_CREAT|rename|unlink|mkdir|symlink' $RUN/$name.strace | grep -oE "\"$T[^\"]*\"" | sed "s#$T##" | sort -u | head -30
}
step provision provision --root $T --size 2G
step backend backend overlay2 --root $T
step backend2 backend btrfs --root $T
step grow grow --root $T --to 3G
step teardown teardown --root $T --delete-image
echo "final listing:"; listing $T | head -40
down $T
