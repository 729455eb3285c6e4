# dockerd_oracle FILE -> prints "start" or "refuse: msg"
dockerd_oracle() {
  local f=$1 t; t=$(mktemp -d /tmp/atk54y-dd.XXXXXX)
  dockerd --config-file "$f" $EXTRA --data-root $t/data --exec-root $t/exec --pidfile $t/pid -H unix://$t/sock --containerd $t/nocontainerd.sock >$t/log 2>&1 &
  local p=$! i
  for i in $(seq 30); do kill -0 $p 2>/dev/null || break; grep -q -e 'containerd' -e 'Listener' $t/log && break; sleep 0.1; done
  kill -TERM $p 2>/dev/null; sleep 0.5; kill -0 $p 2>/dev/null && kill -KILL $p 2>/dev/null; wait $p 2>/dev/null
  if grep -q -e 'unable to configure the Docker daemon' $t/log; then echo "refuse: $(grep -m1 -o -e 'unable to configure.*' $t/log | sed "s|$f|F|" | cut -c1-220)"
  else echo "start"; fi
  findmnt -rn -o TARGET | grep "^$t" | sort -r | while read m; do umount "$m"; done
  rm -rf $t
}
