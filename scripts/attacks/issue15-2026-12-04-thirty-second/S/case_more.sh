decoy=$RUN/decoy; mkdir -p $decoy; echo keep > $decoy/f
prep() { T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 200M >/dev/null 2>&1; rec; echo precious > $M/p
  MM=$(awk -v m=$M '$5==m{print $3}' /proc/self/mountinfo); L=$(losetup -j $I | cut -d: -f1); }
td() { local a; a=$(th $T); NL=${NL:-3} run $BIN teardown --root $T "$@"; echo "    tree $a -> $(th $T); store still mounted here at: $(awk -v d=$MM '$3==d{printf "%s ",$5}' /proc/self/mountinfo); loop still: $(losetup -j $I | cut -d: -f1)"; }
echo "--- td10: lazily unmounted bind of the store, a process keeps cwd in it (detached mount keeps the fs alive)"
prep; mkdir -p $RUN/lz; mount --bind $M $RUN/lz; (cd $RUN/lz && exec sleep 600) & bp=$!; echo $bp >> $NSP; sleep 0.3; umount -l $RUN/lz
td; echo "    writable via the process's cwd: $(cd /proc/$bp/cwd && echo late > late && cat p late | tr '\n' ' ')"
NL=4 run $BIN provision --root $T; kill $bp; sleep 0.5; detach_ours
echo "--- td11: btrfs subvolume of the store mounted elsewhere (mount -o subvol=)"
prep; btrfs subvolume create $M/sv >/dev/null; mkdir -p $RUN/sv; mount -o subvol=sv $L $RUN/sv; td; umount $RUN/sv; $BIN teardown --root $T >/dev/null 2>&1; detach_ours
echo "--- opts2: positional twice, repeatable options"
T=$(mkroot); for a in "migrate-ebs --root $T /dev/a /dev/b --dry-run" "backend --root $T overlay2 btrfs --dry-run" "backend --root $T btrfs --storage-opt a=1 --storage-opt b=2 --dry-run" "reclaim --orphans --orphans --root $T" "check --root $T --format=json --format json" "teardown --root $T --mountpoint /a --mountpoint=/a --dry-run" "provision --root $T --device /dev/x --device /dev/y --dry-run" "migrate-ebs --root $T --volume-id vol-1 --volume-id vol-2 --dry-run" "grow --root $T --lock-timeout 1 --lock-timeout=1 --dry-run"; do
  o=$($BIN $a 2>&1); echo "  [$?] ${a#* --root $T} :: $(echo "$o" | head -1 | cut -c1-170)"; done
echo "--- dk3: dockerd killed -9 with running containers; admin unmounts the btrfs submount as told; teardown"
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 400M >/dev/null; rec
if dk_start $T && mkimg $T; then dk $T run -d --name c1 bb:1 sleep 100000 >/dev/null; kill -9 $(cat $RUN/dk.$(basename $T)/mypid); sleep 1
  umount $M/btrfs; a=$(th $T); NL=3 NC=400 run $BIN teardown --root $T; echo "    tree $a -> $(th $T); store here: $(grep -c " $M " /proc/self/mountinfo); loop: $(losetup -j $I | cut -d: -f1)"
  for s in $(shims); do for c in $(pgrep -P $s); do echo "    container pid $c sees the store: $(grep -c btrfs /proc/$c/mountinfo) btrfs mounts"; done; done
fi
