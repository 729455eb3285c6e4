#!/bin/bash
# J: daemon.json as dockerd 20.10 reads it vs what backend says
. /work/attack29/o/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker; mkdir -p $T/var/lib/docker
dk() { local cfg=$1 D; D=$(mktemp -d -p $RUN dk.XXXX); [ -n "$D" ] || return
  timeout 25 dockerd --config-file "$cfg" --data-root $D/data --exec-root $D/exec --pidfile $D/pid --host unix://$D/sock --iptables=false --bridge=none --containerd-namespace dso$$ --containerd-plugins-namespace dsop$$ >$D/log 2>&1 & local p=$!
  local i r=""; for i in $(seq 100); do [ -S $D/sock ] && r=$(docker -H unix://$D/sock info --format '{{.Driver}}' 2>/dev/null) && [ -n "$r" ] && break; kill -0 $p 2>/dev/null || break; sleep 0.2; done
  if [ -n "$r" ]; then echo "dockerd: starts, driver $r"; else echo "dockerd: FAILS: $(grep -i 'unable\|error\|fail' $D/log | tail -1 | cut -c1-200)"; fi
  kill $p 2>/dev/null; wait $p 2>/dev/null; rm -rf "$D"; }
c() { local name=$1; printf "$2" > $T/etc/docker/daemon.json; echo "=== $name: $(head -c 120 $T/etc/docker/daemon.json | cat -v | tr '\n' ' ')"
  local b; b=$(timeout 20 $BIN backend --root $T 2>&1); local rb=$?; echo "  backend rc=$rb: $(echo "$b" | grep -m1 'driver:' | cut -c1-160) | $(echo "$b" | grep -m1 -- '- ' | cut -c1-200)"
  local a; a=$(th $T); NL=1 NC=220 run $BIN backend vfs --root $T --force --dry-run | sed 's/^/  /'; echo "  $(dk $T/etc/docker/daemon.json)"; }
c dup-last-vfs '{"storage-driver":"overlay2","storage-driver":"vfs"}'
c escaped-key '{"storage\\u002ddriver":"vfs"}'
c case-key '{"Storage-Driver":"vfs"}'
c bom '\xef\xbb\xbf{"storage-driver":"vfs"}'
c comment '{"storage-driver":"vfs" /* c */}'
c trailing-comma '{"storage-driver":"vfs",}'
c mtu-1e400 '{"storage-driver":"vfs","mtu":1e400}'
c mtu-float '{"storage-driver":"vfs","mtu":1500.0}'
c nested-storage '{"log-opts":{"storage-driver":"overlay2"},"storage-driver":"vfs"}'
c features-nested '{"features":{"storage-driver":true},"storage-driver":"vfs"}'
c after-object '{"storage-driver":"vfs"} garbage'
c null-driver '{"storage-driver":null}'
c empty-obj '{}'
c array-top '[]'
c invalid-utf8-val '{"storage-driver":"vfs","labels":["a=\xe9"]}'
c lone-surrogate '{"storage-driver":"vfs","labels":["a=\\ud800"]}'
c nul-in-key '{"storage-driver\\u0000":"vfs"}'
c deep "$(python3 -c 'print("{\"storage-driver\":\"vfs\",\"default-ulimits\":" + "{\"a\":"*200 + "1" + "}"*200 + "}")')"
c dup-storage-opts '{"storage-driver":"vfs","storage-opts":["size=1G"],"storage-opts":[]}'
c shm-size '{"storage-driver":"vfs","default-shm-size":"64M"}'
c case-dup '{"storage-driver":"vfs","debug":true,"Debug":false}'
c uppercase-value '{"storage-driver":"VFS"}'
c big "$(python3 -c 'import json;print(json.dumps({"storage-driver":"vfs","labels":["k%d=%s"%(i,"x"*100) for i in range(200000)]}))')"
down $T
