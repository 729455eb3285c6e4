#!/bin/bash
# Attack 32 (S): this session's fixes. Re-runnable; cleans up everything it made, also on failure.
H=/work/attack32/s; [ -n "$H" ] || exit 99
exec 9>$H/attack.lock; flock -n 9 || { echo "another run of attack.sh is going"; exit 1; }
. $H/lib.sh; [ -n "$RUN" ] && [ -d "$RUN" ] || exit 99
NSP=$RUN/nspids.rec
shims() { local d; for d in /proc/[0-9]*; do grep -qa -- "$RUN/" $d/cmdline 2>/dev/null && case "$(cat $d/comm 2>/dev/null)" in containerd-shim*) echo ${d#/proc/};; esac; done; }
cleanup() { set +e; for s in $(shims); do for c in $(pgrep -P $s); do kill -9 $c; done; kill $s; done; for p in $(cat $NSP 2>/dev/null); do [ "$(cat /proc/$p/comm 2>/dev/null)" = sleep ] && kill $p; done
  for p in $(cat $PIDS 2>/dev/null); do [ "$(cat /proc/$p/comm 2>/dev/null)" = dockerd ] && kill $p; done; sleep 2
  for p in $(cat $PIDS 2>/dev/null); do [ "$(cat /proc/$p/comm 2>/dev/null)" = dockerd ] && kill -9 $p; done
  umount_ours; umount_ours; sleep 0.5; detach_ours; [ -n "$RUN" ] && rm -rf --one-file-system "$RUN"; }
trap cleanup EXIT; trap 'exit 1' INT TERM
cleanup; mkdir -p $RUN; touch $REC $PIDS $NSP
for c in ${CASES:-opts td td2 prop ro ro2 ro3 mig mig2 mig3 strace st2 dk more more2}; do . $H/case_$c.sh; done
