#!/bin/bash
# summ.sh CASE...: key facts per boot
for c in "$@"; do d=/work/attack19/c/run2/$c/atk; [ -d $d ] || d=/work/attack19/c/results/$c
for o in $d/out/boot-*; do b=${o##*-}
 echo "== $c boot $b: state=$(tail -1 $o/state) docker=$(cat $o/docker-active) mp=$(cut -c1-40 $o/mountpoint) src=$(awk '$5=="/var/lib/docker"{print $10}' $o/mountinfo|tr '\n' ,) data=$(cat $o/data 2>&1|cut -c1-40) failed=[$(awk '{print $1}' $o/failed|tr '\n' ' ')]"
 grep -E 'mig-rc|follow-rc|abort-rc|ADVICE|run-rc|status=|check=' $o/hook.log | grep -v '^+' | tr '\n' ' '; echo
 grep -E '^(store|mounted|migration|problem|  )' $o/status | head -6 | cut -c1-250
 grep -h 'DOCKSTORE' $o/check | cut -c1-250
done; done
