#!/bin/bash
# B2: files that are only a comment / no final newline / long lines / odd file names in the drop-in folder: provision+backend+teardown gives them back byte for byte
. /work/attack29/o/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99
printf '# only a comment, no newline \xe9' > $T/etc/sysconfig/docker
printf '# fstab only comment\t\xff' > $T/etc/fstab
python3 -c 'import json,sys; open(sys.argv[1],"w").write(json.dumps({"labels":["k=%s"%("v"*70000)],"log-opts":{"max-size":"1m"}}, indent="\t"))' $T/etc/docker/daemon.json
mkdir -p $T/etc/systemd/system/docker.service.d; printf '[Service]\n' > $T/etc/systemd/system/docker.service.d/$'z\xe9.conf'; printf '# c' > $T/etc/systemd/system/docker.service.d/dockstore.conf.orig
for f in etc/sysconfig/docker etc/fstab etc/docker/daemon.json; do cp $T/$f $RUN/b2.$(basename $f); done
run $BIN provision --root $T --size 1G; rec
grep -c . $T/etc/sysconfig/docker; cat -A $T/etc/sysconfig/docker | head -5
run $BIN backend overlay2 --root $T --force; run $BIN backend btrfs --root $T --force
run $BIN teardown --root $T --delete-image
for f in etc/sysconfig/docker etc/fstab etc/docker/daemon.json; do cmp -s $RUN/b2.$(basename $f) $T/$f && echo "$f: identical" || { echo "$f: CHANGED"; diff <(cat -A $RUN/b2.$(basename $f) | cut -c1-100) <(cat -A $T/$f | cut -c1-100); }; done
ls -b $T/etc/systemd/system/docker.service.d; ls -la $T/etc/sysconfig
down $T
