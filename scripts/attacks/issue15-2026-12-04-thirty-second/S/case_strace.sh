echo "=== strace: writes outside --root (openat for write/creat, rename, unlink, mkdir, link, symlink, truncate, chmod, chown, utime)"
ST() { local tag=$1; shift; local f=$RUN/st.$tag; timeout 120 strace -f -qq -s 300 -o $f -e trace=openat,open,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,link,linkat,symlink,symlinkat,truncate,chmod,fchmodat,chown,fchownat,utimensat,mknodat,execve "$@" >/dev/null 2>&1; local r=$?
  local bad; bad=$(grep -vE '= -1 E' $f | grep -E '(O_WRONLY|O_RDWR|O_CREAT)|rename|unlink|mkdir|link\(|symlink|truncate\(|chmod|chown|utimensat|mknod' | grep -v 'execve' | grep -oE '"/[^"]*"' | tr -d '"' | grep -vE "^($T|/dev/|/proc/|/sys/|$RUN/(dev|img)[A-Za-z0-9]*$)" | grep -vE '^/dev$' | sort -u)
  local ex=$(grep -c 'execve(' $f); local bl=$(grep 'execve(' $f | grep -v BLKID_FILE=/dev/null | grep -vc "$BIN"); echo "  [$tag rc=$r] outside-writes: ${bad:-none} | execs=$ex without BLKID_FILE=/dev/null: $bl"; }
ST0() { local tag=$1; shift; local f=$RUN/st.$tag; timeout 120 strace -f -qq -v -s 2000 -o $f -e trace=execve "$@" >/dev/null 2>&1; echo "  [$tag] execs: $(grep -c 'execve(' $f); without BLKID_FILE=/dev/null: $(grep 'execve(' $f | grep -v "$BIN" | grep -vc 'BLKID_FILE=/dev/null')"; grep 'execve(' $f | grep -v "$BIN" | grep -v 'BLKID_FILE=/dev/null' | cut -c1-160 | head -3; }
T=$(mkroot); M=$T/var/lib/docker; I=$T/var/lib/docker-storage.btrfs
ST0 provE $BIN provision --root $T --size 200M; rec
for c in "status" "check" "grow --to 300M" "reclaim --budget 3s" "reclaim --orphans" "backend overlay2" "backend btrfs --force"; do ST "${c%% *}" $BIN $c --root $T; done
truncate -s 400M $RUN/devS; LS=$(att $RUN/devS); ST0 migE $BIN migrate-ebs --root $T $LS --yes --wait 5; ST migrate $BIN status --root $T
ST0 tdE $BIN teardown --root $T --delete-image; detach_ours
for fs in btrfs xfs ext4; do T=$(mkroot); M=$T/var/lib/docker; truncate -s 400M $RUN/dev$fs; LD=$(att $RUN/dev$fs); [ $fs = btrfs ] || mkfs.$fs -q $LD >/dev/null 2>&1
  ST prov-$fs $BIN provision --root $T --device $LD; ST0 provx-$fs $BIN provision --root $T --device $LD; ST check-$fs $BIN check --root $T; ST grow-$fs $BIN grow --root $T; ST status-$fs $BIN status --root $T
  ST td-$fs $BIN teardown --root $T --wipe-device; ST0 tdx-$fs $BIN provision --root $T --device $LD; $BIN teardown --root $T --wipe-device >/dev/null 2>&1; losetup -d $LD; done
