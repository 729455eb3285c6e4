echo "--- td12: dockerd running + store bind-mounted elsewhere: teardown --stop-docker"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 400M >/dev/null; rec
if dk_start $T && mkimg $T; then dk $T run -d --name c1 bb:1 sleep 100000 >/dev/null; mkdir -p $RUN/b12; mount --bind $M $RUN/b12; a=$(th $T)
  NL=4 NC=400 run $BIN teardown --root $T --stop-docker --dry-run
  NL=4 NC=400 run $BIN teardown --root $T --stop-docker; echo "    tree $a -> $(th $T); dockerd alive: $(kill -0 $(cat $RUN/dk.$(basename $T)/mypid) 2>/dev/null && echo yes || echo no)"
  umount $RUN/b12; dk_stop $T; $BIN teardown --root $T >/dev/null 2>&1; detach_ours; fi
echo "--- td13: dockerd running + a tmpfs volume mounted inside the store by hand: teardown --stop-docker"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 400M >/dev/null; rec
if dk_start $T; then mkdir -p $M/volumes/tv/_data; mount -t tmpfs t $M/volumes/tv/_data; a=$(th $T)
  NL=4 NC=400 run $BIN teardown --root $T --stop-docker; echo "    tree $a -> $(th $T); dockerd alive: $(kill -0 $(cat $RUN/dk.$(basename $T)/mypid) 2>/dev/null && echo yes || echo no)"
  umount $M/volumes/tv/_data; dk_stop $T; $BIN teardown --root $T >/dev/null 2>&1; detach_ours; fi
echo "--- rem2: full device store on a loop device with --sizelimit (file already bigger)"
T=$(mkroot); M=$T/var/lib/docker; truncate -s 800M $RUN/devZ; LZ=$(att --sizelimit 300M $RUN/devZ); $BIN provision --root $T --device $LZ >/dev/null 2>&1; rec
i=0; while dd if=/dev/zero of=$M/fill$i bs=1M count=8 2>/dev/null; do i=$((i+1)); done; sync
$BIN check --root $T | cut -d'|' -f1 | grep -o 'enlarge[^;]*'; umount $M; losetup -d $LZ
