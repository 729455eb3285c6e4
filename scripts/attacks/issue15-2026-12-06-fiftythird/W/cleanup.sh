#!/bin/bash
# cleanup everything recorded
R=/work/attack53/w/run
for f in $R/dockerd*.pid; do [ -f $f ] && kill $(cat $f) 2>/dev/null; done; sleep 1
if [ -f $R/roots ]; then for r in $(tac $R/roots); do
  for m in $(awk -v r="$r" 'index($2,r)==1{print $2}' /proc/self/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
  for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$r" 'index($2,r)==1{print $1}'); do losetup -d $l; done
done; fi
for l in $(losetup -nO NAME,BACK-FILE | awk '/\/tmp\/a53w/{print $1}'); do losetup -d $l; done
if [ -f $R/zrams ]; then for n in $(cat $R/zrams); do [ "$n" = 0 ] && continue; [ -e /sys/block/zram$n ] || continue
  for m in $(awk -v d=/dev/zram$n '$1==d{print $2}' /proc/self/mounts); do umount -l $m; done
  echo 1 > /sys/block/zram$n/reset 2>/dev/null; echo $n > /sys/class/zram-control/hot_remove || echo "cannot remove zram$n"; done; fi
[ -f $R/devdirs ] && for d in $(cat $R/devdirs); do rm -rf "$d"; done
[ -f $R/roots ] && for r in $(cat $R/roots); do rm -rf "$r"; done
rm -f $R/roots $R/zrams $R/devdirs
