#!/bin/bash
# F2: fstab_option_rejected on ext4/xfs device stores; dmesg lines per check run with a rejected option
. /work/attack27/m/lib.sh
for FS in ext4 xfs; do T=$(mkroot); [ -n "$T" ] || exit 99; truncate -s 1G $T.dev; D=$(att $T.dev); $BIN provision --root $T --device $D --fs $FS --force >/dev/null 2>&1; rec; F=$T/etc/fstab; cp $F $RUN/f.o; b=$(awk '{print $4}' $RUN/f.o)
  for o in data=journal inode64 logbsize=256k errors=remount-ro compress=zstd bogusopt user_xattr noatime 'x-foo=1' nouuid; do sed "s|$b|$b,$o|" $RUN/f.o > $F
    s=$(mktemp -d -p $RUN); if mount -t $FS -o "$o" $D $s 2>/dev/null; then umount $s; ref=mounts; else ref=REJECTS; fi
    # the store is mounted, so mount another instance? no: the ref uses the same device (ext4/xfs allow a second mount of the same sb only with same opts); mark ref as best-effort
    out=$($BIN check --root $T 2>&1); printf '  %-5s %-20s ref=%-8s rc=%s %s\n' $FS "$o" $ref $? "$(echo "$out" | grep -o "option '[^']*', which[^:]*" | head -1)"; done
  cp $RUN/f.o $F; down $T; done
T=$(mkroot); $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; b=$(awk '{print $4}' $T/etc/fstab); sed -i "s|$b|$b,bogusopt|" $T/etc/fstab
n0=$(dmesg | grep -c "Unknown parameter 'bogusopt'"); for i in 1 2 3 4 5; do $BIN check --root $T >/dev/null 2>&1; done; n1=$(dmesg | grep -c "Unknown parameter 'bogusopt'"); echo "  dmesg 'Unknown parameter bogusopt' lines per 5 checks: $((n1-n0))"; down $T
