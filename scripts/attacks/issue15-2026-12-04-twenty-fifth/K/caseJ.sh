#!/bin/bash
# J: backend's daemon.json edit keeps every other byte (position of the key: first, middle, last, only; indentation; escapes)
. ./lib.sh
while IFS= read -r J; do T=$(mkroot); mkdir -p $T/var/lib/docker; printf 'DOCKER_OPTS=""\n' > $T/etc/sysconfig/docker; printf "$J" > $T/etc/docker/daemon.json
  $BIN backend btrfs --root $T --force >/dev/null 2>&1; r=$?; printf '%s\n  -> rc=%s %s\n' "$(printf "$J" | cat -A | tr '\n' ' ')" $r "$(cat -A $T/etc/docker/daemon.json | tr '\n' ' ')"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('  json ok', d)" $T/etc/docker/daemon.json 2>&1 | head -1; down $T; done <<'J'
{\n  "storage-driver": "overlay2",\n  "log-driver": "json-file"\n}\n
{\n  "log-driver": "json-file",\n  "storage-driver": "overlay2"\n}\n
{\n  "log-driver": "json-file",\n  "storage-driver": "overlay2",\n  "debug": true\n}\n
{\n\t"storage-driver" : "overlay2" ,\n\t"labels": ["a=\\u00e9", "b=\\"q\\""]\n}
{"storage-driver":"overlay2","storage-opts":["overlay2.override_kernel_check=true"],"labels":["x"]}
{"labels":["x"],"storage-opts":["overlay2.override_kernel_check=true"],"storage-driver":"overlay2"}
{ "storage-driver" : "overlay2" }
{"storage-driver": "overlay2", /* c */ "debug": true}
{"log-opts": {"max-size": "10m"}, "storage-driver": "overlay2", "x-unknown-keep": 1}
J
