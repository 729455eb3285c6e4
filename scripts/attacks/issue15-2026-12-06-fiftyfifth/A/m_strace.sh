#!/bin/bash
# Case G: SIGKILL injected by strace at the Nth call of a syscall during a command; then a different command; then reboot
source /work/attack55/a/lib.sh
trap cleanup_all EXIT
ORIGF=$'/dev/vdb /data ext4 defaults 0 2\n'; ORIGS=$'## Path: x\nDOCKER_OPTS="--log-level=warn"\n'
CMD=${CMD:-teardown --delete-image}; NEXT=${NEXT:-provision}; PRE=${PRE:-}
SCS=${SCS:-"unlinkat renameat2 fsync write ioctl umount2 openat"}
# count calls per syscall in one clean run
R=$(newroot); $DS provision --root $R --size 2G >/dev/null 2>&1; [ -n "$PRE" ] && eval "$PRE"
strace -f -qq -o $R.cnt -e trace=$(echo $SCS | tr ' ' ,) $DS $CMD --root $R >/dev/null 2>&1
declare -A MAX; for sc in $SCS; do MAX[$sc]=$(grep -cE "^ *[0-9]+ +$sc\(" $R.cnt); done; cleanroot $R
log "G [$CMD] then [$NEXT]: counts $(for sc in $SCS; do echo -n "$sc=${MAX[$sc]} "; done)"
for sc in $SCS; do
  max=${MAX[$sc]}; step=$(( max>12 ? max/12 : 1 ))
  for n in $(seq 1 $step $max); do
    R=$(newroot); $DS provision --root $R --size 2G >/dev/null 2>&1; putdata $R; [ -n "$PRE" ] && eval "$PRE"
    strace -f -qq -o /dev/null -e trace=$sc -e inject=$sc:signal=KILL:when=$n $DS $CMD --root $R > $R.k.out 2>&1; krc=$?
    problems=$(observe $R after-kill | grep -v DATALOSS)
    h1=$(hashtree $R); $DS $NEXT --root $R > $R.n.out 2>&1; nrc=$?; h2=$(hashtree $R)
    [ $nrc = 2 -o $nrc = 64 ] && [ "$h1" != "$h2" ] && problems+=" next-refused-rc=$nrc-but-tree-changed"
    problems+=$(observe $R after-next | grep -v DATALOSS)
    brc=$(reboot_root $R); problems+=$(observe $R after-reboot | grep -v DATALOSS)
    hasimg=no; [ -e $(img $R) ] && hasimg=yes
    dat=-; ismounted $R && { checkdata $R && dat=ok || dat=gone; }
    log "G $sc#$n krc=$krc next rc=$nrc ($(tail -1 $R.n.out | cut -c1-140)) boot rc=$brc image=$hasimg data=$dat"
    $DS teardown --root $R --delete-image > $R.t.out 2>&1; trc=$?
    [ $trc = 0 ] || problems+=" final-teardown-rc=$trc: $(tail -1 $R.t.out)"
    [ "$(cat $R/etc/fstab; echo x)" = "${ORIGF}x" ] || problems+=" fstab-not-restored"
    [ "$(cat $R/etc/sysconfig/docker; echo x)" = "${ORIGS}x" ] || problems+=" sysconfig-not-restored"
    left=$(ls -A $R/var/lib | tr '\n' ' '); [ -n "$left" ] && problems+=" leftover-var/lib: $left"
    [ -n "$(loops_of $R)" ] && problems+=" loop-left"
    if [ -n "$problems" ]; then fail "G [$CMD] killed at $sc#$n -> [$NEXT] -> reboot -> teardown: $problems"; else pass "G [$CMD]@$sc#$n -> [$NEXT]"; fi
    cleanroot $R; rm -f $R.*; freedummies
  done
done
log "G done PASS=$PASS FAIL=$FAIL"
