#!/bin/bash
# A: mount options: kernel truth (mount -o on a scratch btrfs loop) vs provision's fsconfig verdict (--mount-options dry run; fstab line dry run)
. /work/attack26/l/lib.sh
S=$RUN/scratch.img; truncate -s 1G $S; mkfs.btrfs -q -f $S; SL=$(att $S); M=$RUN/mnt; mkdir -p $M; btrfs subvolume create /dev/null >/dev/null 2>&1
mount $SL $M && btrfs subvolume create $M/sv >/dev/null && umount $M
T=$(mkroot); [ -n "$T" ] || exit 99
opts=( 'compress=zstd:15' 'space_cache=v2' 'discard=async' 'subvol=/' 'subvolid=5' 'commit=120' 'ssd' 'noatime' 'NOATIME' 'Noatime' 'COMPRESS=zstd'
 'context=system_u:object_r:container_file_t:s0' 'context="system_u:object_r:container_file_t:s0"' 'user_subvol_rm_allowed' 'rescue=usebackuproot' 'rescue=nologreplay' 'rescue=all'
 'subvol="/"' '"noatime"' 'noatime,noatime' 'compress=zstd,compress=lzo' 'discard=async,nodiscard' 'x-foo=bar' 'x-systemd.device-timeout=5' 'comment=hello' 'comment=systemd.automount'
 'defaults' 'nofail' 'ro' 'rw' 'sync' 'lazytime' 'nosuid,nodev,noexec' 'relatime' 'strictatime' 'noauto' 'user' 'users' 'owner' '_netdev' 'loop' 'offset=0' 'X-mount.mkdir'
 'autodefrag' 'thread_pool=4' 'compress-force=lzo' 'max_inline=2048' 'flushoncommit' 'nodatacow' 'degraded' 'skip_balance' 'clear_cache' 'space_cache=v1' 'nospace_cache' 'inode_cache' 'check_int'
 'commit=0' 'commit=-1' 'compress=zstd:99' 'compress=bogus' 'subvol=nonexistent' 'subvolid=999' 'subvol=sv' 'device=/dev/nonexistent' "device=$SL" 'errors=remount-ro' 'bogusopt' 'fatal_errors=bug' 'fatal_errors=panic'
 'usebackuproot' 'nologreplay' 'norecovery' 'discard=sync' 'ssd_spread' 'barrier' 'nobarrier' 'acl' 'noacl' 'treelog' 'notreelog' 'datasum' 'enospc_debug' 'ref_verify' 'iversion' 'mand' 'dirsync' 'silent' 'bind' 'rbind' 'remount' 'source=/dev/null' 'nouser' 'x-initrd.mount' 'ro,rescue=all' '' ',' 'noatime,,ssd' ' noatime' 'noatime ' 'subvol=/a,b' 'subvol="a,b"' "subvol='/'" )
printf '%-48s %-8s %-8s %-8s %s\n' OPTION KERNEL MOPT FSTAB MESSAGE
for o in "${opts[@]}"; do
  d1=$(dmesg | wc -l)
  mount -o "$o" $SL $M >/dev/null 2>$RUN/merr; km=$?; mountpoint -q $M && umount $M; [ $km = 0 ] && k=ok || k="FAIL$km"
  btrfs device scan $SL >/dev/null 2>&1
  h1=$(th $T); mo=$(timeout 30 $BIN provision --root $T --size 1G --dry-run --mount-options "$o" 2>&1); mr=$?
  : > $T/etc/fstab; printf '/var/lib/docker-storage.btrfs /var/lib/docker btrfs %s 0 0\n' "nofail,$o" > $T/etc/fstab
  fo=$(timeout 30 $BIN provision --root $T --size 1G --dry-run 2>&1); fr=$?; : > $T/etc/fstab; h2=$(th $T)
  msg=$(printf '%s\n%s' "$mo" "$fo" | grep -i -m1 -E 'refus|reject|kernel|unknown|invalid|not ' | cut -c1-220)
  printf '%-48s %-8s %-8s %-8s %s\n' "[$o]" "$k" "rc=$mr" "rc=$fr" "$msg"; [ "$h1" = "$h2" ] || echo "   TREE CHANGED $h1 $h2"
  [ $k != ok ] && echo "   mount: $(head -c 200 $RUN/merr | tr '\n' ' ') dmesg: $(dmesg | tail -n +$((d1+1)) | tail -2 | cut -c1-150 | tr '\n' '|')"
done
losetup -d $SL
