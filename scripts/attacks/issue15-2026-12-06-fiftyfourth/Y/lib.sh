# helper library for attack.sh
D=${D:-/work/attack54/y/dockstore}
OUT=${OUT:-/work/attack54/y/out}
ROOTS=()
PASS=0; FAIL=0
mkroot() { local r; r=$(mktemp -d /tmp/atk54y.XXXXXX); chmod 755 "$r"; echo "$r" >> "$OUT/roots.txt"; echo "$r"; }
snap() { # content+meta snapshot of tree, excluding run/ (lock file)
  ( cd "$1" && find . -path ./run -prune -o -printf '%p %y %m %U %G %s %T@ %l\n' | LC_ALL=C sort
    find . -path ./run -prune -o -type f -size -16M -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    getfattr -R -d -m - --absolute-names . 2>/dev/null
    lsattr -R . 2>/dev/null | grep -v '^$' ) 
}
res() { # res NAME PASS|FAIL severity message
  echo "RESULT $1 $2 [$3] $4" | tee -a "$OUT/results.txt"
  if [ "$2" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi
}
cleanup() { [ -f "$OUT/roots.txt" ] || return 0; for r in $(cat "$OUT/roots.txt"); do findmnt -rn -o TARGET | grep "^$r" | sort -r | while read m; do umount "$m"; done; losetup -a | grep "($r/" | cut -d: -f1 | while read l; do losetup -d "$l"; done; chattr -R -i "$r" 2>/dev/null; rm -rf --one-file-system "$r"; done; rm -f "$OUT/roots.txt"; }
trap cleanup EXIT
