#!/bin/bash
# D2: hard link kept before the migration (same folder / other folder): the final statement in full
. /work/attack26/l/lib.sh
for where in keep.btrfs other/keep; do T=$(mkroot); [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; mkdir -p $T/var/lib/other
  truncate -s 1G $T.vol; V=$(att $T.vol); ln $I $T/var/lib/$where; echo "=== link $where"; $BIN migrate-ebs $V --root $T --yes 2>&1 | tail -4 | cut -c1-400; ls -li $T/var/lib/$where; down $T; done
