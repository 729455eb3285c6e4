#!/bin/bash
# K: the failing cases, each alone
. ./lib.sh
echo "### K1: adopted fstab line whose options the kernel refuses"
for o in bogusopt '#defaults'; do T=$(mkroot); printf "/var/lib/docker-storage.btrfs /var/lib/docker btrfs $o 0 0\n" > $T/etc/fstab; h=$(th $T)
  NL=1 NC=200 run $BIN provision --root $T --size 1G --dry-run | tail -1
  o2=$($BIN provision --root $T --size 1G 2>&1); echo "  provision rc=$? steps: $(echo "$o2" | grep -o '^\[[a-z-]*\]' | tr '\n' ' ')"; echo "  $(echo "$o2" | grep '^dockstore:' | cut -c1-400)"
  echo "  tree: $h -> $(th $T); files: $(cd $T && find . -type f | tr '\n' ' ')"; down $T; done
echo "### K2: DOCKER_OPTS=\$(...) message"
T=$(mkroot); printf 'DOCKER_OPTS=$(echo -s overlay2)\n' > $T/etc/sysconfig/docker; NL=1 NC=500 run $BIN backend btrfs --root $T --force
echo "### K3: fstab target with a trailing \\\\040"
T=$(mkroot); printf '/var/lib/docker-storage.btrfs /var/lib/docker\\040 btrfs defaults 0 0\n' > $T/etc/fstab; NL=1 NC=500 run $BIN provision --root $T --size 1G
echo "### K4: storage-opts null removed with a wrong reason"
T=$(mkroot); mkdir -p $T/var/lib/docker; printf 'DOCKER_OPTS="--storage-driver=btrfs"\n' > $T/etc/sysconfig/docker; echo '{"storage-opts": null}' > $T/etc/docker/daemon.json
NL=3 NC=300 run $BIN backend --root $T; NL=3 NC=300 run $BIN backend btrfs --root $T --force | grep -v warning
