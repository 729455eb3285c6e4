#!/bin/bash
# focus 3: binds from outside on the way to written files
source /work/attack55/z/lib.sh
N=$(cat /sys/class/zram-control/hot_add); echo 3G > /sys/block/zram$N/disksize
ZCLEAN=("echo 1 > /sys/block/zram$N/reset; echo $N > /sys/class/zram-control/hot_remove")
trap 'cleanup; eval "${ZCLEAN[0]}"' EXIT
setup(){ # $1 provisioned? 
  newroot; skel; mkdir -p $R/opt/cfg; echo '{}' > $R/opt/cfg/daemon.json
  if [ "$1" = yes ]; then $D provision --root $R --size 2G >/dev/null 2>&1 || echo SETUPFAIL
     sed -i 's|^DOCKER_OPTS=.*|DOCKER_OPTS="--storage-driver=btrfs --config-file=/opt/cfg/daemon.json"|' $R/etc/sysconfig/docker; fi; }
dobind(){ local f=$1; O=$(mktemp -d /tmp/a55zo.XXXX); CLEAN+=("rm -rf $O");
  if [ -f $R/$f ]; then O=$O/file; cp -a $R/$f $O; else cp -a $R/$f/. $O/; fi
  mount --bind $O $R/$f; CLEAN+=("umount $R/$f"); }
cmdline(){ case $1 in provision) echo "provision --size 2G";; backend) echo "backend btrfs --storage-opt btrfs.min_space=1G";; teardown) echo teardown;; grow) echo "grow --to 3G";; reclaim) echo reclaim;; migrate) echo "migrate-ebs /dev/zram$N --yes";; esac; }
FOLDERS=${FOLDERS:-"etc/sysconfig etc/systemd/system/docker.service.d var/lib/dockstore run etc/fstab opt/cfg var/lib etc"}
for f in $FOLDERS; do for c in ${CMDS:-provision backend teardown grow reclaim migrate}; do for dry in "--dry-run" ""; do
  [ $c = provision ] && setup no || setup yes
  mkdir -p $R/$f 2>/dev/null; [ -e $R/$f ] || touch $R/$f
  dobind $f
  h1=$(hashtree $R); if [ -d $O ]; then o1=$(hashtree $O); else o1=$(hashtree $(dirname $O)); fi
  out=$($D $(cmdline $c) $dry --root $R 2>&1); rc=$?
  h2=$(hashtree $R); if [ -d $O ]; then o2=$(hashtree $O); else o2=$(hashtree $(dirname $O)); fi
  v=PASS; [ $rc = 2 ] || v=FAIL; [ "$h1$o1" = "$h2$o2" ] || v="$v-CHANGED"
  echo "$v bind=$f cmd=$c $dry rc=$rc :: $(echo "$out" | tail -1 | cut -c1-220)"
  [ $c = migrate ] && { btrfs device remove /dev/zram$N $R/var/lib/docker 2>/dev/null; wipefs -qa /dev/zram$N 2>/dev/null; }
  cleanup
done; done; done
