#!/bin/bash
# J: journals on a store with no migration under way: own UUID uppercased (false refusal?), foreign variants (slip-through?), tmpfs/bind over the mountpoint, ext4 device store, boot
. /work/attack27/m/lib.sh
allc() { local h1 h2 b1 b2; h1=$(th $T); b1=$(bh $I); chk $T; NL=2 run $BIN status --root $T; NL=2 run $BIN provision --root $T; NL=2 run $BIN grow --root $T --dry-run; NL=2 run $BIN teardown --root $T --dry-run; NL=2 run $BIN migrate-ebs $V --root $T --dry-run; NL=2 run $BIN migrate-ebs $V --root $T --abort --dry-run; h2=$(th $T); b2=$(bh $I); echo "  tree $h1 -> $h2  image $b1 -> $b2"; }
T=$(mkroot); [ -n "$T" ] || exit 99; I=$T/var/lib/docker-storage.btrfs; $BIN provision --root $T --size 1G >/dev/null 2>&1; rec; truncate -s 2G $T.vol; V=$(att $T.vol)
U=$(btrfs fi show $T/var/lib/docker | grep -o 'uuid: [0-9a-f-]*' | cut -c7-); INO=$(stat -c %i $I); FU=11111111-2222-3333-4444-555555555555
mj() { python3 - "$@" > $T/$J <<'PY'
import json,sys
d={"device":sys.argv[1],"filesystemUUID":sys.argv[2],"image":"/var/lib/docker-storage.btrfs","imageInode":int(sys.argv[3]),"keepImage":False,"method":"replace","phase":"replacing"}
for kv in sys.argv[4:]:
    k,v=kv.split("=",1)
    if v=="DEL": d.pop(k,None)
    else: d[k]=json.loads(v)
print(json.dumps(d))
PY
chmod 600 $T/$J; }
NC=${NC:-330}
echo "=== J0 own journal, uppercase UUID of THIS store (not foreign), phase replacing, store never migrated"; mj $V ${U^^} $INO; NC=300 allc
echo "=== J0b own UUID with braces / surrounding spaces"; mj $V " $U" $INO; NL=2 NC=300 chk $T
echo "=== J1 foreign UUID uppercase"; mj $V ${FU^^} $INO; NC=300 allc
echo "=== J2 foreign journal without filesystemUUID"; mj $V $FU 123 filesystemUUID=DEL; NC=300 allc
echo "=== J2b filesystemUUID empty string / null / number"; for x in '""' null 5; do mj $V $FU 123 filesystemUUID=$x; echo "-- $x"; NL=2 NC=250 chk $T; NL=2 NC=250 run $BIN migrate-ebs $V --root $T --dry-run; done
echo "=== J2c duplicate key: foreign first, own last"; printf '{"device":"%s","filesystemUUID":"%s","image":"/var/lib/docker-storage.btrfs","imageInode":%s,"keepImage":false,"method":"replace","phase":"replacing","filesystemUUID":"%s"}\n' $V $FU $INO $U > $T/$J; NL=2 NC=250 chk $T
printf '{"device":"%s","filesystemUUID":"%s","image":"/var/lib/docker-storage.btrfs","imageInode":%s,"keepImage":false,"method":"replace","phase":"replacing","filesystemUUID":"%s"}\n' $V $U $INO $FU > $T/$J; echo "-- own first, foreign last"; NL=2 NC=250 chk $T
echo "=== J2d earlier-dockstore journal (device by name only) of another machine"; echo "{\"device\":\"$V\",\"phase\":\"replacing\"}" > $T/$J; NC=300 allc
echo "=== J3 foreign journal, tmpfs over the mountpoint (store mounted beneath)"; mj $V $FU $INO; mount -t tmpfs none $T/var/lib/docker; NC=300 allc; umount $T/var/lib/docker
echo "=== J3b OWN journal (real UUID), tmpfs over the mountpoint"; mj $V $U $INO; mount -t tmpfs none $T/var/lib/docker; NL=2 NC=300 chk $T; umount $T/var/lib/docker
echo "=== J4 foreign journal, another btrfs bind-mounted over the mountpoint, journal names THAT btrfs's UUID"; truncate -s 300M $RUN/o.img; mkfs.btrfs -q $RUN/o.img; O=$(att $RUN/o.img); mkdir -p $RUN/omnt; mount $O $RUN/omnt; OU=$(btrfs fi show $RUN/omnt | grep -o 'uuid: [0-9a-f-]*' | cut -c7-)
mj $V $OU $INO; mount --bind $RUN/omnt $T/var/lib/docker; NC=300 allc; umount $T/var/lib/docker
echo "=== J4b store unmounted, mounted elsewhere; foreign journal"; umount $T/var/lib/docker; mkdir -p $RUN/else; L=$(losetup -j $I | cut -d: -f1); mount $L $RUN/else 2>/dev/null || mount $I $RUN/else; rec; mj $V $FU $INO; NC=300 allc; umount $RUN/else; rec; detach_ours 2>/dev/null
echo "=== J5 boot, nothing mounted, image holds the store; foreign journal"; pcut $T; mj $V $FU $INO; NC=300 allc; pcut $T
echo "=== J5b boot, image holds the store; OWN journal uppercase"; mj $V ${U^^} $INO; NL=3 NC=300 run $BIN provision --root $T; pcut $T
echo "=== J5c boot, image missing (renamed away), foreign journal"; mv $I $I.away; mj $V $FU $INO; NC=300 allc; mv $I.away $I; pcut $T
echo "=== J5d boot, image file holds no btrfs (zeroed superblock copy), foreign journal"; mv $I $I.away; truncate -s 1G $I; mj $V $FU $INO; NC=300 allc; rm -f $I; mv $I.away $I; pcut $T
rm -f $T/$J; umount $RUN/omnt; down $T
rm -f $RUN/o.img
