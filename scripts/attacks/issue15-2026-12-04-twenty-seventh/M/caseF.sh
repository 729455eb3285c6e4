#!/bin/bash
# F: fstab_option_rejected: options added to fstab's line while the store is mounted; check as root vs mount(8) on a scratch btrfs
. /work/attack27/m/lib.sh
T=$(mkroot); [ -n "$T" ] || exit 99; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; F=$T/etc/fstab; cp $F $RUN/fstab.orig
base=$(awk '{print $4}' $RUN/fstab.orig)
truncate -s 300M $RUN/scr.img; mkfs.btrfs -q $RUN/scr.img; S=$(att $RUN/scr.img); mkdir -p $RUN/smnt
ref() { if mount -t btrfs -o "$1" $S $RUN/smnt 2>/dev/null; then umount $RUN/smnt; echo mounts; else echo REJECTS; fi; }
c0=$(dmesg | wc -l)
for o in compress=zstd:15 space_cache=v2 ssd commit=120 subvol=/ subvolid=5 'context=system_u:object_r:container_file_t:s0' 'context="system_u:object_r:container_file_t:s0:c1,c2"' 'compress="zstd"' x-foo=bar comment=hello user noauto users owner _netdev 'x-systemd.device-timeout=5' nodatacow rescue=usebackuproot discard=async 'compress=zstd:15,ssd' \
   bogusopt '"bogusopt"' 'compress="bogus"' 'compress=bogus' NOATIME inode_cache 'x-bogus' errors=remount-ro 'bogusopt\' 'subvol="/"' 'device=/dev/loop99' 'nodiscard' 'norecovery' 'rescue=all' 'max_inline=9999999999999' 'thread_pool=0' 'commit=99999999999' 'fatal_errors=panic' 'check_int' 'defaults' 'ro' 'rw' 'sync' 'dirsync' 'lazytime' 'nosuid,nodev' 'uid=0' 'seclabel' 'rootcontext=system_u:object_r:container_file_t:s0' 'fscontext=x' 'defcontext=x' 'noacl' 'acl' 'user_xattr' 'barrier' 'nobarrier' 'datasum' 'space_cache=v1' 'clear_cache' 'skip_balance' 'degraded' 'autodefrag' 'ref_verify' 'enospc_debug' 'subvol=nonexist' 'loop' 'offset=0' 'helper=foo' 'nofail' 'auto'; do
  sed "s|$base|$base,$o|" $RUN/fstab.orig > $F
  t0=$(date +%s%N); out=$(timeout 20 $BIN check --root $T 2>&1); r=$?; t1=$(date +%s%N)
  v=$(echo "$out" | grep -o 'fstab_option_rejected\|CRITICAL[^|]\{0,160\}' | head -1); [ -n "$v" ] || v=$(echo "$out" | cut -c1-40)
  printf '%-58s ref=%-8s rc=%s %4sms  %s\n' "$o" "$(ref "${o//\"/}")" $r $(( (t1-t0)/1000000 )) "$v"
done
c1=$(dmesg | wc -l); echo "dmesg lines added during F: $((c1-c0))"; dmesg | tail -n $((c1-c0)) | grep -v 'loop[0-9]*: detected\|scanned by mount\|first mount\|last unmount\|crc32c\|free space tree\|async discard\|UUID tree' | tail -5
cp $RUN/fstab.orig $F; for i in 1 2 3; do t0=$(date +%s%N); $BIN check --root $T >/dev/null 2>&1; t1=$(date +%s%N); echo "clean check $(( (t1-t0)/1000000 ))ms"; done
sed "s|$base|$base,bogusopt|" $RUN/fstab.orig > $F; for i in 1 2 3; do t0=$(date +%s%N); $BIN check --root $T >/dev/null 2>&1; t1=$(date +%s%N); echo "bogusopt check $(( (t1-t0)/1000000 ))ms"; done
echo "=== variants"
v() { echo "--- $1"; printf "$2" > $F; NC=220 chk $T; }
L="$(cat $RUN/fstab.orig)"; M=$(echo "$L" | awk '{$4=$4",bogusopt"; print}')
v "two lines, second has bogusopt" "$L\n$M\n"
v "two lines, first has bogusopt" "$M\n$L\n"
v "commented bogus line" "$L\n#$M\n"
v "bogus line for another mountpoint" "$L\n$(echo "$M" | sed 's| /var/lib/docker | /var/lib/other |')\n"
v "CRLF line with bogusopt" "$(echo "$M")\r\n"
v "CRLF clean line" "$L\r\n"
v "bogusopt in 4th field, trailing slash mountpoint" "$(echo "$M" | sed 's| /var/lib/docker | /var/lib/docker/ |')\n"
v "escaped mountpoint \\\\040? (octal of /var/lib/docker's d)" "$(echo "$M" | sed 's| /var/lib/docker | /var/lib/\\\\144ocker |')\n"
v "double slash mountpoint" "$(echo "$M" | sed 's| /var/lib/docker | //var/lib//docker |')\n"
v "tab separated" "$(echo "$M" | tr ' ' '\t')\n"
v "device= registered? device=/dev/loop99" "$(echo "$L" | awk '{$4=$4",device=/dev/loop99"; print}')\n"
cp $RUN/fstab.orig $F; down $T
