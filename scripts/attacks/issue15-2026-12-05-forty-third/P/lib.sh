# common helpers for attack.sh (sourced)
DS=/work/attack43/p/dockstore
REG=${A43P_REG:-/tmp/a43p-roots.$$}; export A43P_REG=$REG; : > $REG
LOOPS_MOVED=()
newroot() { local r; r=$(mktemp -d /tmp/a43p.XXXXXX); chmod 755 $r; mkdir -p $r/var/lib $r/etc $r/var/run; echo "$r" >> $REG; echo "$r"; }
prov() { $DS provision --root "$1" --size "${2:-2G}" >/dev/null 2>&1; }
asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
cleanup_all() {
  for r in $(cat $REG 2>/dev/null); do
    [ -f $r/fake.pid ] && kill "$(cat $r/fake.pid)" 2>/dev/null
    for m in $(findmnt -rn -o TARGET | grep "^$r" | sort -r); do fsfreeze -u $m 2>/dev/null; chattr -i -a $m 2>/dev/null; umount -l "$m" 2>/dev/null; done
    for l in $(losetup -nl -O NAME,BACK-FILE | awk -v r="$r" 'index($2,r)==1{print $1}'); do losetup -d $l 2>/dev/null; done
    chattr -R -i -a $r 2>/dev/null; rm -rf "$r"
  done
  rm -f $REG
}
trap cleanup_all EXIT
PASS=0; FAIL=0
res() { echo "RESULT $1: $2 ${3:-}"; if [ "$2" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi; }
