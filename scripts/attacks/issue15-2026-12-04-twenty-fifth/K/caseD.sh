#!/bin/bash
# D: daemon.json as dockerd 20.10 reads it; backend keeps every other byte; oracle = real dockerd
. ./lib.sh
oracle() { # $1 = config file, rest = flags; prints "refuses: msg" or "accepts"
  local f=$1 d; shift; d=$(mktemp -d -p $RUN); local o
  o=$(timeout -s KILL 4 dockerd "$@" --config-file "$f" --data-root $d/data --exec-root $d/exec --pidfile $d/pid -H unix://$d/sock --iptables=false --ip6tables=false --bridge=none --containerd $d/nocontainerd.sock 2>&1)
  if echo "$o" | grep -qiE 'unable to configure|configuration|conflict|invalid|cannot unmarshal|unknown'; then echo "refuses: $(echo "$o" | grep -iE 'unable to configure|conflict|invalid|unmarshal|unknown' | head -1 | cut -c1-200)"; else echo "accepts ($(echo "$o" | tail -1 | cut -c1-120))"; fi
  umount_ours_in $d; rm -rf $d; }
i=0
while IFS= read -r J; do
  i=$((i+1)); T=$(mkroot); mkdir -p $T/var/lib/docker; printf 'DOCKER_OPTS="--storage-driver=btrfs"\n' > $T/etc/sysconfig/docker
  printf "$J" > $T/etc/docker/daemon.json; cp $T/etc/docker/daemon.json $RUN/D.orig
  echo "=== D$i: $(cat -A $RUN/D.orig | head -c 200)"
  echo "  dockerd before (with --storage-driver=btrfs): $(oracle $RUN/D.orig --storage-driver=btrfs)"
  NL=3 NC=250 run $BIN backend --root $T
  h=$(th $T); NL=3 NC=300 run $BIN backend btrfs --root $T --force; r=$?
  if [ "$h" != "$(th $T)" ]; then echo "  after: $(cat -A $T/etc/docker/daemon.json | head -c 200)"; echo "  dockerd after: $(oracle $T/etc/docker/daemon.json --storage-driver=btrfs)"; ls $T/etc/docker; else echo "  tree unchanged"; fi
done <<'J'
\xef\xbb\xbf{"storage-driver": "overlay2", "debug": true}
{"storage\\u002ddriver": "overlay2", "debug": true}
{"storage-driver": "overlay2", "storage-driver": "btrfs"}
{"storage-driver": "btrfs", "storage-driver": "overlay2"}
{"Storage-Driver": "overlay2"}
{"STORAGE-DRIVER": "overlay2", "debug":true}
{"debug": true, // c\n"storage-driver": "overlay2"}
{"storage-driver": "overlay2", "debug": true,}
{"max-concurrent-downloads": 99999999999999999999999, "storage-driver": "overlay2"}
{"max-concurrent-downloads": 1e2, "storage-driver": "overlay2"}
{"storage-driver": "overlay2", "log-opts": {"storage-driver": "x"}}
{"storage-driver": "overlay2", "storage-opts": ["btrfs.min_space=1G"], "x": "caf\xe9"}
{"storage-driver": "overlay2"\r\n,\t"debug":true}\r\n
{"storage-driver":"overlay2"}{"debug":true}
{"storage-driver":"overlay2"}   garbage
{"debug": true, "storage-driver": null}
{"storage-driver": "overlay2", "k\\u00e9y": 1}
{"storage\\u002Ddriver": "overlay2", "storage-driver": "vfs"}
{"data-root": "/var/lib/docker", "storage-driver": "overlay2"}
{"storage-opts": null}
J
