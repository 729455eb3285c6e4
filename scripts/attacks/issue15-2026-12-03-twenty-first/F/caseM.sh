#!/bin/bash
# case M: migrate-ebs on another root's store mounted at the mountpoint (needs A alive); then a mid-migration kill
. /work/attack21/f/lib.sh
A=$RUN/L-A
AL=$(losetup -n -O NAME,BACK-INO,BACK-FILE | awk -v i=$(stat -c %i $A/up/var/lib/docker-storage.btrfs) '$2==i && $3=="/var/lib/docker-storage.btrfs"{print $1}')
echo "A's loop: $AL"; [ -n "$AL" ] || exit 1
unshare -m --propagation private bash -c "
. /work/attack21/f/lib.sh
T=\$(mkroot); $BIN provision --root \$T --size 1G >/dev/null 2>&1; umount \$T/var/lib/docker; for l in \$(losetup -j \$T/var/lib/docker-storage.btrfs | cut -d: -f1); do losetup -d \$l; done
truncate -s 2G $RUN/M-ebs.img; D=\$(losetup -f --show $RUN/M-ebs.img)
mount $AL \$T/var/lib/docker
h0=\$(sha1sum < $RUN/M-ebs.img); a0=\$(ls -la --time-style=full-iso \$T/var/lib/docker | sha1sum)
echo '=== migrate-ebs on foreign'; $BIN migrate-ebs --root \$T \$D --yes 2>&1 | tail -2 | cut -c1-300; echo rc=\${PIPESTATUS[0]}
echo '=== migrate-ebs --abort on foreign'; $BIN migrate-ebs --root \$T --abort --yes 2>&1 | tail -2 | cut -c1-300; echo rc=\${PIPESTATUS[0]}
h1=\$(sha1sum < $RUN/M-ebs.img); a1=\$(ls -la --time-style=full-iso \$T/var/lib/docker | sha1sum); [ \"\$h0\" = \"\$h1\" ] && echo DEVICE-UNCHANGED || echo DEVICE-CHANGED; [ \"\$a0\" = \"\$a1\" ] && echo A-UNCHANGED || echo A-CHANGED
umount \$T/var/lib/docker
echo '=== own store, migrate-ebs killed at intervals'
$BIN provision --root \$T >/dev/null 2>&1; dd if=/dev/urandom of=\$T/var/lib/docker/data bs=1M count=200 status=none; sync
for s in 0.3 0.6 1 1.5 2.5; do
  ( $BIN migrate-ebs --root \$T \$D --yes > $RUN/M-mig.\$s 2>&1 & p=\$!; sleep \$s; kill -9 \$p 2>/dev/null; wait \$p 2>/dev/null ); 
  echo \"-- killed after \$s s; last step: \$(grep -o '^\[[a-z-]*\]' $RUN/M-mig.\$s | tail -1)\"
  findmnt -n -o SOURCE \$T/var/lib/docker; btrfs filesystem show \$T/var/lib/docker 2>/dev/null | grep devid
  $BIN check --root \$T 2>&1 | cut -c1-250
  $BIN status --root \$T 2>&1 | grep -E '^(store|mounted|state)|not this' | cut -c1-250
  grep -q 'the device' /dev/null
  if grep -q 'ready\|moved\|done' $RUN/M-mig.\$s; then break; fi
done
echo '=== finish'; $BIN migrate-ebs --root \$T \$D --yes 2>&1 | tail -1 | cut -c1-200; $BIN check --root \$T | cut -c1-120
umount \$T/var/lib/docker; losetup -d \$D; umount_ours; detach_ours
"
