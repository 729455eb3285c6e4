echo "=== dk: real dockerd with containers and volumes"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 400M >/dev/null; rec
if dk_start $T && mkimg $T; then dk $T volume create v1 >/dev/null; dk $T run -d --name c1 -v v1:/data bb:1 sh -c 'echo hi > /data/x; sleep 100000' >/dev/null; dk $T run -d --name c2 --tmpfs /tt bb:1 sleep 100000 >/dev/null
  echo "    mounts inside store: $(awk -v m=$M/ 'index($5,m)==1{print $5}' /proc/self/mountinfo | sed "s#$M##" | tr '\n' ' ')"
  NL=2 run $BIN teardown --root $T; NL=10 run $BIN teardown --root $T --stop-docker
  echo "    dockerd alive: $(kill -0 $(cat $RUN/dk.$(basename $T)/mypid) 2>/dev/null && echo yes || echo no); store mounted: $(grep -c " $M " /proc/self/mountinfo); loop: $(losetup -j $I | cut -d: -f1)"
  run $BIN provision --root $T >/dev/null; dk_start $T >/dev/null && echo "    after re-provision: $(dk $T ps -a --format '{{.Names}}' | tr '\n' ' ') vol: $(dk $T volume ls -q | tr '\n' ' ')"
  echo "--- dk2: dockerd killed -9 with running containers (leaves mounts), teardown"
  dk $T start c1 c2 >/dev/null 2>&1; kill -9 $(cat $RUN/dk.$(basename $T)/mypid); sleep 1
  echo "    leftovers in store: $(awk -v m=$M/ 'index($5,m)==1{print $5}' /proc/self/mountinfo | sed "s#$M##" | tr '\n' ' ')"
  a=$(th $T); NL=3 NC=500 run $BIN teardown --root $T; echo "    tree $a -> $(th $T)"
  NL=3 run $BIN teardown --root $T --stop-docker
fi
