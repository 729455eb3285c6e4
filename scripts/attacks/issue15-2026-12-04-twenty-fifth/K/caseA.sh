#!/bin/bash
# A: fstab foreign lines kept byte for byte; backup; findmnt reads the line; legacy lines
. ./lib.sh
T=$(mkroot)
python3 - $T/etc/fstab <<'PY'
import sys
b = b"# caf\xe9 latin-1 comment\n"
b += b"UUID=1234 / ext4 defaults 0 1\r\n"
b += b"/dev/sdz1\t/srv\txfs\tdefaults,nofail\t0\t2   # trailing comment\n"
b += b"# NUL \x00 in comment\n"
b += b"#" + b"x"*70000 + b"\n"
b += b"tmpfs /tmp tmpfs\n"
b += b"/dev/sdq /mnt/q\n"   # 2 fields
b += b"LABEL=foo /mnt/\\134x ext4 defaults 0 0\n"
b += b"proc /proc proc defaults 0 0"   # no final newline
open(sys.argv[1],'wb').write(b)
PY
cp $T/etc/fstab $RUN/A.fstab.orig
run $BIN provision --root $T --size 1G
python3 - $RUN/A.fstab.orig $T/etc/fstab <<'PY'
import sys
a=open(sys.argv[1],'rb').read(); b=open(sys.argv[2],'rb').read()
if b.startswith(a): print("A1 prefix kept byte for byte; appended:", b[len(a):][:300])
else:
  # find first diff
  i=next((i for i in range(min(len(a),len(b))) if a[i]!=b[i]), min(len(a),len(b)))
  print("A1 DIFF at byte",i, "orig:",a[max(0,i-40):i+40], "new:",b[max(0,i-40):i+60])
PY
ls -la $T/etc/ | grep fstab
cmp $RUN/A.fstab.orig $T/etc/fstab.dockstore.bak && echo "A2 backup == original"
findmnt --fstab --tab-file $T/etc/fstab -o SOURCE,TARGET,FSTYPE,OPTIONS 2>&1 | cat -A | cut -c1-200
run $BIN status --root $T
run $BIN provision --root $T
run $BIN teardown --root $T
cmp $RUN/A.fstab.orig $T/etc/fstab && echo "A3 teardown gives fstab back byte for byte" || echo "A3 teardown fstab differs"
down $T
