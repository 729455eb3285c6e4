#!/bin/bash
# B: foreign bytes in fstab/sysconfig/daemon.json/drop-in folder kept byte for byte through provision, backend (all drivers), grow, teardown
. /work/attack29/o/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99
printf '# only comment, latin1 \xe9\xff\r\n/dev/foo\t/mnt/x\text4\tdefaults\t0 0\r\nLABEL=a /a xfs defaults 0 0 # tail\x01\n%s\n#no-final-newline' "$(head -c 5000 /dev/zero | tr '\0' x)" > $T/etc/fstab
printf '## Path: System/Management\n# caf\xe9 \xc2\x85 C1\n\tOTHER="a\tb"\nFOO="x"\nDOCKER_OPTS=""\n# trailing comment no newline' > $T/etc/sysconfig/docker
printf '{"debug": true,\n\t"log-opts": {"max-size": "10m", "k\\u00e9y": "v\xc3\xa9"}\r\n}' > $T/etc/docker/daemon.json
mkdir -p $T/etc/systemd/system/docker.service.d; printf '[Service]\r\nEnvironment="A=\xe9"\n# only' > $T/etc/systemd/system/docker.service.d/admin.conf
for f in etc/fstab etc/sysconfig/docker etc/docker/daemon.json etc/systemd/system/docker.service.d/admin.conf; do cp $T/$f $RUN/orig.$(basename $f); done
keep() { # every orig line still present byte for byte (as line set) & admin.conf byte identical
  echo "  admin.conf: $(cmp -s $T/etc/systemd/system/docker.service.d/admin.conf $RUN/orig.admin.conf && echo same || echo CHANGED)"
  for f in etc/fstab etc/sysconfig/docker etc/docker/daemon.json; do python3 - $RUN/orig.$(basename $f) $T/$f <<'P'
import sys
a=open(sys.argv[1],'rb').read(); b=open(sys.argv[2],'rb').read() if __import__('os').path.exists(sys.argv[2]) else b''
la=a.split(b'\n'); lb=b.split(b'\n')
miss=[l for l in la if l not in lb and not l.startswith(b'DOCKER_OPTS')]
print("  %s: %s" % (sys.argv[2].split('/',6)[-1], "kept" if not miss else "LOST %r" % [m[:60] for m in miss]), "identical" if a==b else "")
P
  done; }
run $BIN provision --root $T --size 2G; keep; truncate -s 3G $T.vol; V=$(att $T.vol)
for d in overlay2 vfs btrfs; do run $BIN backend $d --root $T --force; keep; done
run $BIN backend --root $T
run $BIN grow --root $T --to 3G; keep
run $BIN migrate-ebs $V --root $T --dry-run; keep
run $BIN teardown --root $T; keep
echo "--- fstab diff vs orig"; cmp $RUN/orig.fstab $T/etc/fstab && echo identical; cmp $RUN/orig.docker $T/etc/sysconfig/docker && echo sysconfig identical || diff <(cat -A $RUN/orig.docker) <(cat -A $T/etc/sysconfig/docker)
cmp $RUN/orig.daemon.json $T/etc/docker/daemon.json && echo daemon identical
ls -la $T/etc $T/etc/sysconfig $T/etc/docker $T/etc/systemd/system $T/var/lib
down $T
