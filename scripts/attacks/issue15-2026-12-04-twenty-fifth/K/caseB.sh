#!/bin/bash
# B: legacy lines read as libmount reads them
. ./lib.sh
i=0
for L in '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults\r' \
         '/var/lib/docker-storage.btrfs\t/var/lib/docker\tbtrfs\tdefaults\t0\t0' \
         '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0' \
         '/var/lib/docker-storage.btrfs /var/lib/docker' \
         '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0 # legacy' \
         '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0 0' \
         '/var/lib/docker-storage.btrfs /var/lib/docker btrfs #defaults 0 0' \
         '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults x 0' \
         '  /var/lib/docker-storage.btrfs /var/lib/docker btrfs loop 0 0\r' \
         '/var/lib/docker-storage.btrfs /var/lib//docker/ btrfs defaults\t\r' \
         '/var/lib/docker-storage.btrfs /var/lib/docker btrfs defaults 0 0\r\r' \
         '/var/lib/docker-storage.btrfs /var/lib/docker\\040 btrfs defaults 0 0' ; do
  i=$((i+1)); T=$(mkroot); printf "# head\n$L\n# tail\n" > $T/etc/fstab; cp $T/etc/fstab $RUN/B.orig
  echo "=== B$i: $(printf "$L" | cat -A)"
  echo -n "  libmount: "; findmnt --fstab --tab-file $T/etc/fstab -n -o SOURCE,TARGET,FSTYPE,OPTIONS,FREQ,PASSNO 2>&1 | cat -A | tr '\n' ' '; echo
  h=$(th $T); NL=3 NC=300 run $BIN provision --root $T --size 1G --dry-run; h2=$(th $T); [ $h = $h2 ] || echo "  DRY-RUN CHANGED TREE"
  NL=2 NC=300 run $BIN provision --root $T --size 1G >/dev/null; r=$?; echo "  provision rc=$r"; echo "  fstab now:"; cat -A $T/etc/fstab | sed 's/^/    /' | cut -c1-220
  echo -n "  libmount now: "; findmnt --fstab --tab-file $T/etc/fstab -n -o SOURCE,TARGET,FSTYPE,OPTIONS 2>&1 | cat -A | tr '\n' ' '; echo
  mount | grep -c "$T/" | sed 's/^/  mounts: /'
  down $T
done
