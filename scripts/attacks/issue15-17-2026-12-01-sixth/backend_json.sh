#!/bin/bash
# dockstore backend (show) on each daemon.json case, compared with the dockerd oracle (oracle.out)
B=${DOCKSTORE:-/work/attack6/build/release/dockstore}; CASES=$1; ORA=$2
for f in "$CASES"/*.json; do
  n=$(basename "$f" .json)
  R=$(mktemp -d /tmp/atk6-be.XXXXXX); mkdir -p "$R/etc/sysconfig" "$R/etc/docker"
  printf 'DOCKER_OPTS=""\n' > "$R/etc/sysconfig/docker"; cp "$f" "$R/etc/docker/daemon.json"
  h1=$(find "$R" -type f -exec sha256sum {} + | sort | sha256sum)
  out=$(timeout 20 "$B" backend --root "$R" 2>&1); rc=$?
  h2=$(find "$R" -type f -exec sha256sum {} + | sort | sha256sum)
  ora=$(grep -P "^$n\t" "$ORA" | cut -f2 | cut -c1-7)
  if [ "$ora" = STARTS ]; then want=0; else want=nonzero; fi
  if { [ $want = 0 ] && [ $rc = 0 ]; } || { [ $want = nonzero ] && [ $rc != 0 ] && [ $rc -lt 100 ]; }; then v=PASS; else v=FAIL; fi
  # dockerd refuses labels [null] in config.Validate ("bad attribute format"): a value check the man page excludes
  [ "$n" = labels_null_item ] && [ $v = FAIL ] && v="PASS(documented: value check)"
  [ "$h1" = "$h2" ] || v="$v(CHANGED FILES)"
  echo "$v	$n	dockerd=$ora	dockstore rc=$rc	$(echo "$out" | grep -iv '^\(driver\|options\|filesystem\):' | tr '\n' ' ' | cut -c1-230)"
  rm -rf "$R"
done
