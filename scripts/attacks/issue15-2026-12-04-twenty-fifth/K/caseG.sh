#!/bin/bash
# G: SIGKILL at random small delays during provision / backend writes, then a re-run: only the file and its one backup
. ./lib.sh
N=${N:-60}; M=${M:-80}
killrun() { local d=$1; shift; "$@" >/dev/null 2>&1 & local p=$!; sleep $d; kill -9 $p 2>/dev/null; wait $p; }  # wait reaps: the killed run is gone before the re-run
seed() { local T=$1; printf '# fstab\nUUID=1 / ext4 defaults 0 1\n' > $T/etc/fstab; printf '## Path: x\nDOCKER_OPTS="--log-level=warn -s overlay2"\nOTHER=1\n' > $T/etc/sysconfig/docker
  printf '{"debug": true, "storage-driver": "overlay2"}\n' > $T/etc/docker/daemon.json; }
audit() { local T=$1 tag=$2 extra
  extra=$(cd $T && find etc var/lib $(ls -d run 2>/dev/null) -xdev -path var/lib/docker -prune -o \( -type f -o -type l \) -print | LC_ALL=C sort | grep -v -x -e etc/fstab -e etc/fstab.dockstore.bak -e etc/sysconfig/docker -e etc/sysconfig/docker.dockstore.bak \
    -e etc/docker/daemon.json -e etc/docker/daemon.json.dockstore.bak -e etc/systemd/system/docker.service.d/dockstore.conf -e etc/systemd/system/var-lib-docker.mount.d/dockstore.conf \
    -e var/lib/docker-storage.btrfs -e run/dockstore.lock -e var/lib/dockstore/provision-folders -e etc/dockstore.disabled -e etc/sysconfig/dockstore -e etc/sysconfig/dockstore.dockstore.bak)
  [ -n "$extra" ] && echo "  !!! $tag debris: $(echo $extra)"; }
for i in $(seq $N); do T=$(mkroot); seed $T; echo '{"storage-driver": "overlay2"}' >/dev/null
  $BIN backend btrfs --root $T --force >/dev/null 2>&1   # settle daemon.json first (makes daemon.json.bak)
  d=$(python3 -c "import random; print(round(random.uniform(0.001, 0.16),3))")
  killrun $d $BIN provision --root $T --size 1G; r1=$?; rec
  o=$($BIN provision --root $T --size 1G 2>&1); r2=$?; rec
  o3=$($BIN provision --root $T --size 1G 2>&1); r3=$?
  echo "P$i kill@${d}s rc=$r1 rerun rc=$r2 third rc=$r3 $(echo "$o3" | tail -1 | cut -c1-80)"; [ $r2 = 0 ] || echo "  rerun: $(echo "$o" | grep dockstore: | head -2 | cut -c1-300)"
  audit $T P$i; [ $(grep -c ' /var/lib/docker ' $T/etc/fstab) = 1 ] || echo "  !!! fstab lines for mountpoint: $(grep -c ' /var/lib/docker ' $T/etc/fstab)"
  down $T; rm -rf $T; done
T=$(mkroot); seed $T; $BIN provision --root $T --size 1G >/dev/null 2>&1 || $BIN backend btrfs --root $T --force >/dev/null 2>&1; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec
cp $T/etc/sysconfig/docker $RUN/G.sys0
for i in $(seq $M); do drv=$([ $((i%2)) = 0 ] && echo btrfs || echo overlay2)
  d=$(python3 -c "import random; print(round(random.uniform(0.001, 0.025),3))")
  [ $drv = overlay2 ] && echo '{"storage-driver": "overlay2", "debug": true}' > $T/etc/docker/daemon.json
  killrun $d $BIN backend $drv --root $T --force; r1=$?
  o=$($BIN backend $drv --root $T --force 2>&1); r2=$?
  bash -n $T/etc/sysconfig/docker || echo "  !!! sysconfig not valid bash"
  echo "B$i $drv kill@${d}s rc=$r1 rerun rc=$r2"; [ $r2 = 0 ] || echo "  rerun: $(echo "$o" | head -2 | cut -c1-300)"; audit $T B$i
  grep -c '^DOCKER_OPTS=' $T/etc/sysconfig/docker | grep -qx 1 || echo "  !!! DOCKER_OPTS lines: $(grep -c '^DOCKER_OPTS=' $T/etc/sysconfig/docker)"
done
tail -5 $T/etc/sysconfig/docker; $BIN teardown --root $T >/dev/null 2>&1; echo "teardown rc=$?"; diff <(printf '## Path: x\nDOCKER_OPTS="--log-level=warn -s overlay2"\nOTHER=1\n') $T/etc/sysconfig/docker && echo "sysconfig given back byte for byte"
down $T
