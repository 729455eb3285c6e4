#!/bin/bash
# E: migrate-ebs --dry-run plan vs the real run's steps; writes outside --root; re-run says nothing to do
. /work/attack31/q/lib.sh
A=$(mkroot); [ -n "$A" ] || exit 99; truncate -s 3G $RUN/vol.img; L=$(att $RUN/vol.img); echo "target $L"
printf 'DOCKER_OPTS=""\n' > $A/etc/sysconfig/docker; $BIN provision --root $A --size 2G >/dev/null; rec
echo hello > $A/var/lib/docker/f; btrfs subvolume create $A/var/lib/docker/sv >/dev/null
a=$(th2 $A); d=$(devedges | md5sum); $BIN migrate-ebs $L --root $A --dry-run > $RUN/mig.dry 2>&1; echo "dry rc=$?"; rec
[ "$a" = "$(th2 $A)" ] && [ "$d" = "$(devedges | md5sum)" ] && echo "dry: unchanged" || echo "dry: !!! CHANGED"
strace -f -qq -o $RUN/mig.strace -e trace=%file,openat $BIN migrate-ebs $L --root $A --yes > $RUN/mig.real 2>&1; echo "real rc=$?"; rec
grep -oE '^ *[0-9]+\. \[[a-z-]+\]' $RUN/mig.dry | grep -oE '\[[a-z-]+\]' > $RUN/mig.dry.steps; grep -oE '^\[[a-z-]+\]' $RUN/mig.real > $RUN/mig.real.steps
echo "steps dry: $(tr '\n' ' ' < $RUN/mig.dry.steps)"; echo "steps real: $(tr '\n' ' ' < $RUN/mig.real.steps)"
cat $RUN/mig.real | cut -c1-220 | head -30
sleep 2; cat $A/var/lib/docker/f; ls $A/var/lib/
$BIN migrate-ebs $L --root $A --yes; echo "again rc=$?"
echo "writes outside root:"; grep -E 'O_WRONLY|O_RDWR|O_CREAT|rename|unlink|mkdir' $RUN/mig.strace | grep -v "\"$A" | grep -vE '"/dev/|"/proc/|"/sys/' | grep -v ENOENT | awk '{$1="";print}' | sort | uniq -c | head
umount $A/var/lib/docker; sleep 0.3; down $A; losetup -d $L 2>/dev/null; rm -f $RUN/vol.img
