#!/bin/bash
# A2: real runs: options the parser passes but the mount rejects; context= (libmount drops it without SELinux); messages of silent refusals; dmesg side effects; spaces
. /work/attack26/l/lib.sh
for o in nosuid user offset=0 'noatime ' ' noatime' 'noatime x'; do T=$(mkroot); [ -n "$T" ] || exit 99; NL=2 run $BIN provision --root $T --size 1G --dry-run --mount-options "$o"; done
echo "=== dmesg side effects of asking (dockstore only)"
T=$(mkroot); for o in bogusopt Noatime compress=bogus inode_cache; do d1=$(dmesg | wc -l); $BIN provision --root $T --size 1G --dry-run --mount-options "$o" >/dev/null 2>&1; echo "  [$o] new dmesg: $(dmesg | tail -n +$((d1+1)) | cut -c1-120 | tr '\n' '|')"; done
for o in 'rescue=all' 'norecovery' 'space_cache=v1' 'subvol=nonexistent' 'source=/dev/null' 'context=system_u:object_r:container_file_t:s0' 'noatime '; do
  for how in mopt fstab; do
    T=$(mkroot); [ -n "$T" ] || exit 99; echo "=== real run [$o] via $how"
    if [ $how = fstab ]; then printf '/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,%s 0 0\n' "$o" > $T/etc/fstab; h1=$(th $T); NL=4 run $BIN provision --root $T --size 1G
    else h1=$(th $T); NL=4 run $BIN provision --root $T --size 1G --mount-options "$o"; fi; rec
    echo "  tree $h1 -> $(th $T); mounted: $(findmnt -n -o SOURCE,OPTIONS $T/var/lib/docker | cut -c1-100)"; echo "  fstab: $(fst | cat -A | cut -c1-150)"; ls $T/var/lib | tr '\n' ' '; echo
    down $T
  done
done
