# C: daemon.json — dockstore backend (show) verdict vs the real dockerd 20.10
. /work/attack54/y/dockerd_oracle.sh
caseC() {
  local -a names=() jsons=()
  add() { names+=("$1"); jsons+=("$2"); }
  add plain '{"debug":true}'
  add empty ''
  add ws-only '   \n'
  add bom '\xef\xbb\xbf{"debug":true}'
  add comment '{"debug":true /* c */}'
  add trailing-comma '{"debug":true,}'
  add top-array '[]'
  add top-null 'null'
  add trailing-garbage '{"debug":true} xyz'
  add two-objects '{"debug":true}{"debug":"x"}'
  add dup-key-badtype '{"debug":true,"debug":"x"}'
  add dup-key-ok '{"debug":"x","debug":true}'
  add key-case '{"Debug":true}'
  add escaped-key '{"de\\u0062ug":true}'
  add nul-key '{"debug\\u0000":true}'
  add mtu-huge '{"mtu":99999999999999999999}'
  add mtu-float '{"mtu":1.0}'
  add mtu-exp '{"mtu":1e3}'
  add mtu-neg '{"mtu":-5}'
  add mtu-1e400 '{"mtu":1e400}'
  add nested-unknown '{"foo":{"debug":true}}'
  add nested-flat-storage '{"foo":{"storage-driver":"vfs"}}'
  add logopts-nested '{"log-opts":{"a":{"b":1}}}'
  add labels-num '{"labels":[1]}'
  add bad-utf8-value '{"data-root":"/x\xff"}'
  add lone-surrogate '{"data-root":"/x\\ud800"}'
  add shm-num '{"default-shm-size":64}'
  add shm-str '{"default-shm-size":"64M"}'
  add shm-space '{"default-shm-size":"64 MiB"}'
  add deep-nest "{\"foo\":{\"a\":$(printf '[%.0s' $(seq 10001))$(printf ']%.0s' $(seq 10001))}}"
  add deep-nest-ok "{\"foo\":{\"a\":$(printf '[%.0s' $(seq 9990))$(printf ']%.0s' $(seq 9990))}}"
  add null-debug '{"debug":null}'
  add features-str '{"features":{"buildkit":"true"}}'
  add hosts-file-only '{"labels":["a=b"]}'
  add runtimes-bad '{"runtimes":{"r":"x"}}'
  add ulimit-bad '{"default-ulimits":{"nofile":"x"}}'
  add bool-int '{"live-restore":1}'
  add unicode-ws '{\xc2\xa0"debug":true}'
  add exec-opts-str '{"exec-opts":"x"}'
  add pools-bad '{"default-address-pools":[{"base":1}]}'
  local i
  for i in "${!names[@]}"; do
    local n=${names[$i]} R; R=$(mkroot); mkdir -p $R/etc/sysconfig $R/etc/docker
    printf 'DOCKER_OPTS=""\n' > $R/etc/sysconfig/docker
    printf "${jsons[$i]}" > $R/etc/docker/daemon.json
    local o; o=$(dockerd_oracle $R/etc/docker/daemon.json)
    timeout 20 $D backend --root $R >$OUT/C.$n.out 2>&1; local rc=$?
    local st; st=$(grep -a -m1 -e '^state:' -e 'dockstore:' $OUT/C.$n.out | cut -c1-200)
    echo "== $n dockerd=[$o] dockstore rc=$rc $(head -c 600 $OUT/C.$n.out | tr '\n' ' ')" >> $OUT/C.log
    local dsays; if [ $rc = 0 ]; then dsays=start; else dsays=refuse; fi
    local osays=${o%%:*}
    if [ "$dsays" = "$osays" ]; then res C-$n PASS - "dockerd: $o | dockstore rc=$rc"
    else res C-$n FAIL "wrong result" "dockerd: $o | dockstore rc=$rc: $st"; fi
  done
}
