#!/bin/bash
# C: /etc/sysconfig/docker bytes kept; bash source and systemd read the same; daemon.json edits
. ./lib.sh
T=$(mkroot); mkdir -p $T/var/lib/docker
python3 - $T/etc/sysconfig/docker <<'PY'
import sys
b=b"## Path: System/Management\n# caf\xe9 Latin-1\n#" + b"y"*70000 + b"\n"
b+=b"DOCKER_OPTS='-D --label a=b\\c -s overlay2 --log-level=warn'\n"
b+=b"OTHER=\"x y\"\n# NUL? no\nDOCKER_NETWORK_OPTIONS=''"   # no final newline
open(sys.argv[1],'wb').write(b)
PY
cp $T/etc/sysconfig/docker $RUN/C.orig; h=$(th $T)
NL=3 NC=300 run $BIN backend btrfs --root $T --force --dry-run; [ "$h" = "$(th $T)" ] && echo "C0 dry-run tree unchanged"
NL=6 NC=300 run $BIN backend btrfs --root $T --force
python3 - $RUN/C.orig $T/etc/sysconfig/docker <<'PY'
import sys
a=open(sys.argv[1],'rb').read().split(b"\n"); b=open(sys.argv[2],'rb').read().split(b"\n")
print("C1 lines orig",len(a),"new",len(b))
for x in b:
  if x not in a: print("  new/changed line:", x[:200])
for x in a:
  if x not in b: print("  removed line:", x[:200])
PY
ls $T/etc/sysconfig/
bash -c "set -a; source $T/etc/sysconfig/docker; printf 'bash DOCKER_OPTS=[%s] OTHER=[%s]\n' \"\$DOCKER_OPTS\" \"\$OTHER\"" 2>&1
NL=12 NC=300 run $BIN backend --root $T
# sysconfig that must be refused
for L in 'DOCKER_OPTS="-s overlay2"\r' 'DOCKER_OPTS="-s overlay2" # c' 'DOCKER_OPTS=$(echo -s overlay2)' 'DOCKER_OPTS="a\\\nb"' 'DOCKER_OPTS="\xff"' 'DOCKER_OPTS="--label=x" ; B=1' 'export DOCKER_OPTS="-s vfs"' 'DOCKER_OPTS=~/x' 'DOCKER_OPTS="-s vfs"\n\x00' ; do
  T2=$(mkroot); printf "# a\n$L\n" > $T2/etc/sysconfig/docker; h=$(th $T2)
  echo "--- $(printf "$L" | cat -A | head -3 | tr '\n' ' ')"; NL=2 NC=300 run $BIN backend btrfs --root $T2 --force; [ "$h" = "$(th $T2)" ] || echo "  TREE CHANGED"
done
