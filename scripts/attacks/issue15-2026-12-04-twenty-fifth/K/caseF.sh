#!/bin/bash
# F: every refusal leaves the whole tree (and the image's bytes, the volume's bytes) as it was; also --dry-run
. ./lib.sh
bh() { [ -e "$1" ] || { echo none; return; }; (head -c 1M "$1"; tail -c 1M "$1") | md5sum | cut -c1-10; }
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; I=$T/var/lib/docker-storage.btrfs
printf 'DOCKER_OPTS="--storage-driver=btrfs"\n' > $T/etc/sysconfig/docker
truncate -s 1G $RUN/F.vol; V=$(losetup -f --show $RUN/F.vol); echo $V >> $REC; mkfs.ext4 -q $V; echo "volume $V holds ext4"
L=$(losetup -j $I -n -O NAME)
try() { local h1 b1 v1 h2 b2 v2 o r; h1=$(th $T); b1=$(bh $I); v1=$(bh $RUN/F.vol)
  o=$(timeout 60 $BIN "$@" --root $T 2>&1); r=$?
  h2=$(th $T); b2=$(bh $I); v2=$(bh $RUN/F.vol); local ok=same; [ "$h1$b1$v1" = "$h2$b2$v2" ] || ok="CHANGED($h1/$b1/$v1 -> $h2/$b2/$v2)"
  printf '%-70s rc=%-3s lines=%s tree=%s\n    %s\n' "$*" "$r" "$(printf '%s' "$o" | grep -c '')" "$ok" "$(echo "$o" | head -1 | cut -c1-230)"; }
echo '{"storage-driver": "overlay2"}' > $T/etc/docker/daemon.json
for d in "" --dry-run; do
 try provision $d
 try provision --image var/lib/x.btrfs $d
 try provision --device $V $d
 try provision --device /dev/nonexistent --wait 2 $d
 try provision --mountpoint /srv/doc,ker $d
 try provision --size 1Q $d
 try backend btrfs --storage-opt btrfs.min_space=1G\;x $d
 try backend btrfs --storage-opt nokey=1 $d
 try backend zfs $d
 try backend notadriver $d
 try grow --to 10M $d
 try grow --to 1P $d
 try grow --to abc $d
 try reclaim --budget 0 $d
 try reclaim --io-budget -1 $d
 try migrate-ebs $V --yes $d
 try migrate-ebs $L --yes $d
 try migrate-ebs /dev/nonexistent --wait 2 --yes $d
 try migrate-ebs $V --abort --yes $d
 try teardown --image /var/lib/other.btrfs $d
 try teardown --wipe-device $d
done
# busy mount: teardown while a process has its cwd in the store
(cd $T/var/lib/docker && exec sleep 30) & SP=$!; sleep 0.3
try teardown; try teardown --dry-run; kill $SP; wait $SP 2>/dev/null
rm -f $T/etc/docker/daemon.json
# non-UTF-8 DOCKER_OPTS
printf 'DOCKER_OPTS="-s \xff"\n' > $T/etc/sysconfig/docker; try backend btrfs; try provision; try teardown
down $T; losetup -d $V 2>/dev/null
