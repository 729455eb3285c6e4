#!/bin/bash
# C: check nagios/json/prometheus/textfile vs each other and vs status: healthy, nearly full, nothing mounted
. /work/attack31/q/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker
$BIN provision --root $T --size 2G >/dev/null 2>&1; rec; M=$T/var/lib/docker; mkdir -p $T/tf
cmp3() { local label=$1
  local n j p rn rj rp s rs
  n=$($BIN check --root $T --format nagios 2>&1); rn=$?; j=$($BIN check --root $T --format json 2>&1); rj=$?
  p=$($BIN check --root $T --format prometheus 2>&1); rp=$?; $BIN check --root $T --format prometheus --textfile /tf >/dev/null 2>&1; rt=$?
  s=$($BIN status --root $T 2>&1); rs=$?
  echo "--- $label: rc nagios=$rn json=$rj prom=$rp textfile=$rt status=$rs"
  echo "  nagios: $(echo "$n" | head -1 | cut -d'|' -f1 | cut -c1-250)"
  echo "  json: state=$(echo "$j" | jq -r .state 2>/dev/null) reasons=$(echo "$j" | jq -c '[.reasons[]?|(.reason? // .)]' 2>/dev/null | cut -c1-200)"
  echo "  prom: $(echo "$p" | grep '^dockstore_status' | sed 's/mountpoint="[^"]*",//') success=$(echo "$p" | grep '^dockstore_check_success' | awk '{print $2}')"
  echo "  status: $(echo "$s" | grep -E '^(state|mounted|data|effective):' | tr '\n' ';' | cut -c1-300)"
  for k in data_free:dataFree:dockstore_data_free_bytes metadata_free:metadataFree:dockstore_metadata_free_bytes unallocated:unallocated:dockstore_unallocated_bytes data_used:dataUsed:dockstore_data_used_bytes effective_free:effectiveFree:dockstore_effective_free_bytes; do
    IFS=: read a b c <<<"$k"; nv=$(echo "$n" | grep -oE "'$a'=[0-9.]+" | cut -d= -f2); jv=$(echo "$j" | jq -r ".figures.$b // empty" 2>/dev/null); pv=$(echo "$p" | grep "^$c{" | awk '{print $2}')
    echo "    $a: nagios=$nv json=$jv prom=$pv $( [ "$nv" = "$jv" ] && [ "$jv" = "$pv" ] && echo same || echo '<<< differ')"; done
  echo "  promtool: $(promtool check metrics < $T/tf/dockstore.prom 2>&1 | head -3 | tr '\n' ' ') rc=$?"
}
cmp3 healthy; echo "  json figure keys: $($BIN check --root $T --format json | jq -r ".figures|keys|join(\",\")")"
# nearly full: fill with a real file
dd if=/dev/urandom of=$M/fill bs=1M count=1650 status=none conv=fsync 2>/dev/null; sync; btrfs filesystem sync $M 2>/dev/null
cmp3 "nearly full (1650 MiB written)"
dd if=/dev/urandom of=$M/fill2 bs=1M count=400 status=none conv=fsync 2>/dev/null; sync
cmp3 "full (ENOSPC reached)"
rm -f $M/fill $M/fill2; sync
umount $M; sleep 0.3; rec
cmp3 "nothing mounted"
$BIN teardown --root $T --delete-image >/dev/null 2>&1; down $T
