#!/bin/bash
# F: option given twice; migrate-ebs waits for a missing device before seeing nothing is mounted; help nosuch; /run/blkid write; JSON figure keys
. /work/attack31/q/lib.sh
A=$(mkroot); B=$(mkroot); [ -n "$A" ] && [ -n "$B" ] || exit 99
echo "--- F1 --root given twice: provision acts on the last, rc 0"
$BIN provision --root $A --root $B --size 2G >/dev/null 2>&1; echo "rc=$? A/var/lib: [$(ls $A/var/lib)] B/var/lib: [$(ls $B/var/lib | tr '\n' ' ')]"; rec
$BIN provision --root $B --size 2G --size 3G --dry-run 2>&1 | grep -o 'GiB sparse' ; echo "--size 2G --size 3G: $($BIN provision --root $A --size 2G --size 3G --dry-run 2>&1 | grep -oE '[0-9]+ GiB sparse')"
echo "check -w 99%: -w 1%: -> $($BIN check --root $B -w 99%: -w 1%: | cut -c1-40) (last wins)"
echo "--- F2 migrate-ebs /dev/xvdz with nothing mounted: time and message"
s=$(date +%s); $BIN migrate-ebs /dev/xvdz --root $A --yes --wait 3; echo "rc=$? after $(( $(date +%s)-s )) s"
echo "--- F3 help nosuch / no args"
$BIN help nosuch >/dev/null 2>&1; echo "help nosuch rc=$?"; $BIN >/dev/null 2>&1; echo "no args rc=$?"
echo "--- F4 JSON figures lack metadata free / effective free"
$BIN check --root $B --format json | jq -c '.figures|keys'; $BIN check --root $B | grep -oE "'(metadata_free|effective_free)'=[0-9]+"
echo "--- F5 provision writes the host's /run/blkid (outside --root)"
C=$(mkroot); strace -f -qq -e trace=openat,link,unlink,rename,renameat -o $RUN/blkid.strace $BIN provision --root $C --size 2G >/dev/null 2>&1; rec
grep '/run/blkid' $RUN/blkid.strace | grep -E 'O_CREAT|link|rename|O_RDWR'
$BIN teardown --root $B --delete-image >/dev/null 2>&1; $BIN teardown --root $C --delete-image >/dev/null 2>&1; rec; down $A; down $B; down $C
