#!/bin/bash
# M: mounted, a replace killed (journal open, image still a member), the image renamed in its folder and a copy put at its name; every command and check
. /work/attack28/n/lib.sh
MB=600 mk; $BIN migrate-ebs $V --root $T --yes >/dev/null 2>&1 & pid=$!; for i in $(seq 60); do sleep 0.05; [ -e $T/$J ] && break; done; kill -9 $pid; wait $pid 2>/dev/null
btrfs replace cancel $T/var/lib/docker 2>/dev/null; sleep 0.5; mv $I $I.old; cp --sparse=always $I.old $I; echo "=== M: $(jp); replace $(btrfs replace status -1 $T/var/lib/docker | head -1)"
h1=$(th $T); NC=300 chk $T | grep 'check root'; NL=2 NC=300 run $BIN status --root $T; NL=2 NC=300 run $BIN provision --root $T; NL=3 NC=300 run $BIN migrate-ebs $V --root $T --yes; NL=2 NC=300 run $BIN migrate-ebs $V --root $T --abort --yes; echo "  tree $h1 -> $(th $T)"; ls -li $T/var/lib | grep storage | awk '{print "   ",$1,$3,$NF}'; down $T
