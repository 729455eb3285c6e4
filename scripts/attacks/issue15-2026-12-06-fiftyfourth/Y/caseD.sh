# D: backend DRIVER settles daemon.json: every other byte kept, result read by dockerd as meant
. /work/attack54/y/dockerd_oracle.sh
caseD() {
  local n j
  local -a names=(crlf-tabs nested dup-storage escaped-key latin1-in-string last-key first-key storage-opts-only weird-numbers)
  local -a js=(
   '{\r\n\t"debug": true,\r\n\t"storage-driver": "overlay2",\r\n\t"log-opts": {"max-size": "10m"}\r\n}\r\n'
   '{"foo": {"storage-driver": "overlay2"}, "debug": true}\n'
   '{"storage-driver": "overlay2", "debug": false, "storage-driver": "vfs"}\n'
   '{"storage\\u002ddriver": "overlay2", "labels": ["a=\\u00e9\\"\\\\"]}\n'
   '{"labels": ["a=caf\xe9"], "storage-driver": "overlay2"}\n'
   '{"debug": true, "storage-driver": "overlay2"}'
   '{"storage-driver": "overlay2" , "debug": true}'
   '{ "storage-opts" : [ "overlay2.override_kernel_check=true" ] }\n'
   '{"mtu": 1500, "shutdown-timeout": 15, "storage-driver": "overlay2", "max-concurrent-downloads": 3}\n'
  )
  local i
  for i in "${!names[@]}"; do
    n=${names[$i]}; local R; R=$(mkroot); mkdir -p $R/etc/sysconfig $R/etc/docker $R/var/lib/docker
    printf 'DOCKER_OPTS=""\n' > $R/etc/sysconfig/docker; printf "${js[$i]}" > $R/etc/docker/daemon.json
    cp $R/etc/docker/daemon.json $OUT/D.$n.orig
    timeout 20 $D backend vfs --root $R >$OUT/D.$n.out 2>&1; local rc=$?
    local o; o=$(dockerd_oracle $R/etc/docker/daemon.json)
    local o2; o2=$(EXTRA="--storage-driver=vfs" dockerd_oracle $R/etc/docker/daemon.json)
    { echo "== $n rc=$rc oracle-alone=[$o] oracle-with-DOCKER_OPTS=[$o2]"; echo "-- before:"; cat -A $OUT/D.$n.orig; echo; echo "-- after:"; cat -A $R/etc/docker/daemon.json; echo; head -c 800 $OUT/D.$n.out; } >> $OUT/D.log
    if [ $rc != 0 ]; then res D-$n FAIL "wrong result" "backend vfs rc=$rc: $(grep dockstore: $OUT/D.$n.out | head -1 | cut -c1-250)"; continue; fi
    if [ "${o2%%:*}" != start ]; then res D-$n FAIL "wrong result" "after backend vfs, dockerd with DOCKER_OPTS refuses: $o2"; continue; fi
    res D-$n PASS - "rc=0; dockerd starts with result; see D.log for bytes"
  done
}
