#!/bin/bash
# usage: dockerd-try.sh CONFIGFILE [extra dockerd args...]  -> prints "STARTED" or the error, exit 0 if started
cfg=$1; shift
W=$(mktemp -d /tmp/B_dk.XXXXXX)
dockerd --config-file "$cfg" --data-root $W/data --exec-root $W/exec --pidfile $W/pid --host unix://$W/sock \
  --iptables=false --bridge=none --ip-masq=false "$@" >$W/log 2>&1 &
pid=$!
ok=1
for i in $(seq 1 40); do
  if [ -S $W/sock ] && curl -s --unix-socket $W/sock http://x/_ping >/dev/null 2>&1; then ok=0; break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.25
done
if [ $ok = 0 ]; then echo "STARTED driver=$(curl -s --unix-socket $W/sock http://x/info | python3 -c "import json,sys; d=json.load(sys.stdin); print(d[\"Driver\"], d[\"Debug\"], d.get(\"Labels\"))")"; else echo "FAILED: $(grep -v '^time=.*level=info' $W/log | tail -3)"; fi
kill $pid 2>/dev/null; wait $pid 2>/dev/null
umount $W/data 2>/dev/null; rm -rf $W
exit $ok
