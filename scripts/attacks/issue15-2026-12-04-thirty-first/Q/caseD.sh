#!/bin/bash
# D: documented exit codes and one-line messages; options twice; --; help forms
. /work/attack31/q/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker
r() { local exp=$1; shift; local o rc; o=$(timeout 60 $BIN "$@" 2>&1 </dev/null); rc=$?; local n; n=$(printf '%s\n' "$o" | grep -c .)
  printf '%s exp=%s rc=%s lines=%s | %s\n' "$( [ "$rc" = "$exp" ] && echo ok || echo '!!')" "$exp" "$rc" "$n" "$*" ; printf '%s\n' "$o" | head -3 | cut -c1-260 | sed 's/^/      /'; }
echo "== bad options (64) per command"
for c in provision backend grow migrate-ebs teardown status reclaim; do r 64 $c --root $T --bogus; done
r 3 check --root $T --bogus
r 3 check --root $T --format json --bogus
echo "== option given twice"
r 64 provision --root $T --size 2G --size 3G --dry-run
r 64 status --root $T --root $T
r 64 backend overlay2 --root $T --storage-opt overlay2.size=1G --storage-opt overlay2.size=2G --dry-run
r 64 teardown --root $T --dry-run --dry-run
r 3 check --root $T -w 10%: -w 20%:
echo "== missing value"
r 64 provision --root $T --size
r 64 grow --root $T --to
echo "== bad values"
r 64 provision --root $T --size 0 --dry-run
r 64 provision --root $T --size 1.5G --dry-run
r 64 provision --root $T --image relative/img --dry-run
r 64 provision --root $T --mountpoint /etc/docker --dry-run
r 64 backend nosuchdriver --root $T --dry-run
r 64 backend overlay2 --root $T --storage-opt bad.key=1 --dry-run
r 64 backend overlay2 --root $T --storage-opt 'overlay2.size=1 G' --dry-run
r 64 migrate-ebs notadevice --root $T --dry-run
r 64 migrate-ebs /dev/xvdz --root $T
r 64 reclaim --root $T --budget lots
r 64 grow --root $T --to banana
echo "== -- before a path beginning with -"
r 64 provision --root $T --size 2G --dry-run --image -- -img
r 64 provision --root $T --size 2G --dry-run -- --image
echo "== help forms"
for c in provision check; do r 0 $c -h; r 0 help $c; done
r 64 help nosuch
r 64 nosuch
r 64
echo "== refusals (2) and nothing to do (0) before provision"
r 0 teardown --root $T
r 4 status --root $T
r 3 check --root $T
r 2 grow --root $T --to 3G
r 2 migrate-ebs /dev/loop-nonexist --root $T --yes
r 2 reclaim --root $T
echo "== provision, then states"
$BIN provision --root $T --size 2G >/dev/null 2>&1; rec
r 0 status --root $T
r 2 grow --root $T --to 1G
r 0 grow --root $T --to 2G
r 4 backend --root $T --mountpoint /nonexist
echo '{"debug":"yes"}' > $T/etc/docker/daemon.json
r 4 backend --root $T
r 2 backend overlay2 --root $T --dry-run
r 2 provision --root $T
rm $T/etc/docker/daemon.json
echo "== lock held (3)"
( exec 8<>$T/run/dockstore.lock; flock 8; sleep 6 ) & sleep 0.5
r 3 provision --root $T --lock-timeout 1
r 3 teardown --root $T --lock-timeout 1
r 3 grow --root $T --to 3G --lock-timeout 1
r 3 backend overlay2 --root $T --lock-timeout 1
r 0 status --root $T
wait
echo "== status unreadable (1): fstab a fifo"
cp $T/etc/fstab $RUN/fstab.save; rm $T/etc/fstab; mkfifo $T/etc/fstab
r 1 status --root $T
r 1 status --root $T --json
r 2 provision --root $T
rm $T/etc/fstab; cp $RUN/fstab.save $T/etc/fstab
echo "== teardown refusals"
r 64 teardown --root $T --bogus
r 0 teardown --root $T --delete-image
down $T
