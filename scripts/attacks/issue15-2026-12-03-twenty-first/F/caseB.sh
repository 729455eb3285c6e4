#!/bin/bash
# case B (boot): a device store on an "EBS volume" that is a loop device the host attached over its own file and
# passed into the container (--bind=/dev/loopN), the way the boot-test tier emulates EBS. One boot under systemd.
. /work/attack21/f/lib.sh
d=$RUN/B1; rm -rf $d; mkdir -p $d/up $d/wk $d/m $d/atk
mount -t overlay overlay -o lowerdir=$SRC,upperdir=$d/up,workdir=$d/wk $d/m
r=$d/m
/work/main/scripts/install --destdir $r --binary $BIN --enable > $d/install.log 2>&1 || { echo install failed; tail $d/install.log; }
rm -f $r/lib/systemd/system/docker.service; cp /work/main/scripts/boot-test.d/units/docker.service $r/lib/systemd/system/docker.service
systemctl --root=$r enable docker.service >/dev/null 2>&1
truncate -s 2G $d/ebs.img; DL=$(losetup -f --show $d/ebs.img); echo "EBS stand-in: $DL"
N=${DL#/dev/loop}
cat > $r/etc/systemd/system/atk-devnodes.service <<U
[Unit]
DefaultDependencies=no
Before=local-fs-pre.target systemd-fstab-generator.service
Wants=local-fs-pre.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'for i in \$(seq 0 63); do [ -e /dev/loop\$i ] || mknod -m 0660 /dev/loop\$i b 7 \$i; done'
[Install]
WantedBy=sysinit.target
U
cat > $r/etc/systemd/system/atk-agent.service <<'U'
[Unit]
After=multi-user.target
[Service]
Type=simple
ExecStart=/atk-agent.sh
[Install]
WantedBy=multi-user.target
U
cat > $r/atk-agent.sh <<A
#!/bin/bash
n=\$(cat /atk-bootno 2>/dev/null || echo 0); n=\$((n+1)); echo \$n > /atk-bootno; o=/atk-out/boot-\$n; mkdir -p \$o
timeout 100 systemctl is-system-running --wait > \$o/state 2>&1
systemctl --failed --no-legend --plain > \$o/failed 2>&1
journalctl -b --no-pager -u dockstore-provision.service -u docker.service -u '*.mount' > \$o/units-journal 2>&1
systemctl show dockstore-provision.service -p Result -p ExecMainStatus > \$o/prov.show; systemctl is-active docker.service > \$o/docker-active 2>&1
findmnt /var/lib/docker > \$o/findmnt 2>&1; cat /sys/block/loop$N/loop/backing_file > \$o/backing_file 2>&1; cat /etc/fstab > \$o/fstab
/usr/local/sbin/dockstore status > \$o/status 2>&1; echo rc=\$? >> \$o/status
/usr/local/sbin/dockstore check > \$o/check 2>&1; echo rc=\$? >> \$o/check
/usr/local/sbin/dockstore provision > \$o/provision-again 2>&1; echo rc=\$? >> \$o/provision-again
systemctl poweroff
A
chmod +x $r/atk-agent.sh
systemctl --root=$r enable atk-devnodes.service atk-agent.service >/dev/null 2>&1
# provision the device store for this root from the host (private namespace: the mount goes away with it)
unshare -m --propagation private $BIN provision --root $r --device $DL > $d/host-prov.log 2>&1; echo host-provision-rc=$?; grep -v '^#' $r/etc/fstab
for k in 1 2; do
cg=atk21f-$k; mkdir -p /sys/fs/cgroup/systemd/$cg /sys/fs/cgroup/unified/$cg
( echo $BASHPID > /sys/fs/cgroup/systemd/$cg/cgroup.procs; echo $BASHPID > /sys/fs/cgroup/unified/$cg/cgroup.procs
  export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
  exec timeout 180 systemd-nspawn --quiet --boot --register=no --keep-unit --private-network \
    --bind=/dev/loop-control --bind=/dev/btrfs-control --bind=$DL -D $r -M atk21f-$k > $d/nspawn-$k.log 2>&1 )
echo "boot $k nspawn-rc=$?"
for c in $(find /sys/fs/cgroup/unified/$cg /sys/fs/cgroup/systemd/$cg -type d 2>/dev/null); do for p in $(cat $c/cgroup.procs 2>/dev/null); do kill -9 $p; done; done
find /sys/fs/cgroup/unified/$cg /sys/fs/cgroup/systemd/$cg -depth -type d -exec rmdir {} \; 2>/dev/null
mkdir -p $F/results/B; cp -a $r/atk-out/. $F/results/B/ 2>/dev/null
o=$F/results/B/boot-$k
for f in state failed prov.show docker-active findmnt backing_file status check provision-again; do echo "== $f"; grep -vE '^(data|metadata|allocated|orphans|filesystem|device|driver):' $o/$f 2>/dev/null | cut -c1-300; done
grep -E 'dockstore\[|Failed|Dependency|Mounted|Mounting|timed out' $o/units-journal | cut -c1-250 | head -20
done
umount $r 2>/dev/null || umount -l $r; losetup -d $DL
