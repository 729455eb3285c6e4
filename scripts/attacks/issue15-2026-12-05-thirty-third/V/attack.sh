#!/bin/bash
# attack33 helper V: re-runnable; cleans up what it creates (roots under mktemp, their loop devices and mounts)
D=/work/attack33/v; B=$D/dockstore
ROOTS=()
cleanup() {
  for r in "${ROOTS[@]}"; do
    for m in $(findmnt -rn -o TARGET | grep "^$r" | sort -r); do umount -l "$m"; done
    for l in $(losetup -nO NAME,BACK-FILE | awk -v r="$r" 'index($2,r)==1{print $1}'); do losetup -d "$l"; done
    rm -rf "$r"
  done
}
trap cleanup EXIT
newroot() { R=$(mktemp -d); ROOTS+=("$R"); mkdir -p $R/etc $R/var/lib $R/run; }  # sets $R (no subshell, so cleanup sees it)
prov() { $B provision --root "$1" --size 2G "${@:2}" >/dev/null 2>&1; }

echo '################ case file 1'
{
  # Case 1: teardown killed at each failpoint, then status; drop-in must stay while DOCKER_OPTS/daemon.json select btrfs
  for fp in stop-docker unmount detach-loop disable-boot fstab mount-drop-in sysconfig daemon-json daemon-json-record drop-in delete-image forget-format-record boot-settings folders daemon-reload; do
    newroot; prov $R
    echo '{"storage-driver":"btrfs"}' > $R/etc/docker.json.tmp 2>/dev/null
    DOCKSTORE_FAILPOINT=$fp $B teardown --root $R >/dev/null 2>&1; rc=$?
    di=absent; [ -e $R/etc/systemd/system/docker.service.d/dockstore.conf ] && di=present
    opts=$(grep -h DOCKER_OPTS $R/etc/sysconfig/docker 2>/dev/null | tr -d '\n')
    st=$($B status --root $R 2>&1 | grep -E '^state|^drop-in|^DOCKER_OPTS' | sed "s#$R##g" | tr '\n' '|')
    js=$($B status --root $R --json 2>/dev/null | grep -o '"bootDisabledMarker"[^,]*')
    echo "fp=$fp rc=$rc dropin=$di opts=[$opts] $js"; echo "   $st"
    $B teardown --root $R >/dev/null 2>&1; echo "   re-teardown rc=$? dropin=$([ -e $R/etc/systemd/system/docker.service.d/dockstore.conf ] && echo present || echo absent) loops=$(losetup -nO BACK-FILE | grep -c $R)"
  done
}

echo '################ case file 2'
{
  # Case 2: user's own daemon.json selects btrfs before provision; teardown must keep the guard while it selects btrfs
  newroot; mkdir -p $R/etc/docker; printf '{\n  "storage-driver": "btrfs",\n  "log-level": "warn"\n}\n' > $R/etc/docker/daemon.json
  $B provision --root $R --size 2G 2>&1 | sed "s#$R##g" | grep -iE 'daemon|ready|refus'
  $B teardown --root $R --dry-run 2>&1 | sed "s#$R##g"
  $B teardown --root $R 2>&1 | tail -3 | sed "s#$R##g"; echo rc=$?
  ls $R/etc/systemd/system/docker.service.d/ 2>&1; cat $R/etc/docker/daemon.json
  $B status --root $R 2>&1 | sed "s#$R##g" | grep -E 'state|drop-in|driver|DOCKER'
  # Case 2b: sysconfig with user DOCKER_OPTS already selecting btrfs plus other flag
  newroot; mkdir -p $R/etc/sysconfig; printf 'DOCKER_OPTS="--storage-driver=btrfs --log-level=warn"\n' > $R/etc/sysconfig/docker
  prov $R; echo "--- 2b"; $B teardown --root $R 2>&1 | sed "s#$R##g" | grep -E 'sysconfig|drop-in|keep|left'; cat $R/etc/sysconfig/docker; ls $R/etc/systemd/system/docker.service.d/ 2>&1
  $B status --root $R 2>&1 | sed "s#$R##g" | grep -E 'state|drop-in|driver|DOCKER'
}

echo '################ case file 3'
{
  newroot
  t() { out=$("$@" 2>&1); rc=$?; echo "rc=$rc :: ${*:2} :: $(echo "$out" | head -2 | sed "s#$R##g" | tr '\n' ' ' | cut -c1-220)"; }
  t $B status --root $R --root help
  t $B status --root help --root $R
  t $B provision --root $R --device help --device help
  t $B provision --root $R --size help --size 2G
  t $B provision --root $R --size 2G --size help
  t $B backend --root $R help --root $R
  t $B check --root $R --format help --format json
  t $B check --root $R --mountpoint help --mountpoint help
  t $B teardown --root $R --root=help
  t $B --root $R status --root help
  t $B --root help --root $R status
  t $B status --root $R --json --json
  t $B help status --root $R --root $R
  t $B status --root $R -h --root $R
  t $B grow --root $R --to help --to help
  t $B migrate-ebs --root $R --device help --device=help
  ls $R/run $R/var/lib
}

echo '################ case file 4'
{
  newroot; S=$(mktemp -d); ROOTS+=("$S")
  truncate -s 1G $S/a.img $S/b.img
  LA=$(losetup -f --show $S/a.img); LB=$(losetup -f --show $S/b.img); echo "LA=$LA LB=$LB"
  $B provision --root $R --device $LA --dry-run 2>&1 | sed "s#$R##g" | head -8
  DOCKSTORE_FAILPOINT=format-record $B provision --root $R --device $LA >/dev/null 2>&1; echo "killed rc=$?"
  cat $R/var/lib/dockstore/format-record.json; echo; blkid -p $LA; 
  echo "--- 4a: other blank device while A attached"
  hb=$(md5sum < $LB); $B provision --root $R --device $LB 2>&1 | sed "s#$R##g" | head -3; echo rc=${PIPESTATUS[0]}; [ "$hb" = "$(md5sum < $LB)" ] && echo "B unchanged"
  echo "--- 4b: reboot shuffle: A detached, B attached under A's old name"
  losetup -d $LA; losetup -d $LB; LB2=$(losetup -f --show $S/b.img); LA2=$(losetup -f --show $S/a.img); echo "now b=$LB2 a=$LA2"
  $B provision --root $R --device $LB2 2>&1 | sed "s#$R##g" | head -3; echo rc=${PIPESTATUS[0]}
  echo "--- 4c: A detached entirely; B under A's recorded name"
  losetup -d $LA2; $B provision --root $R --device $LB2 --dry-run 2>&1 | sed "s#$R##g" | head -6; echo rc=${PIPESTATUS[0]}
  echo "--- 4d: status/teardown name the record"
  $B status --root $R 2>&1 | sed "s#$R##g" | grep -iE 'record|state|format'
}

echo '################ case file 5'
{
  # Case 5: hand-written format records (older format without identity; lying fields)
  S=$(mktemp -d); ROOTS+=("$S"); truncate -s 1G $S/a.img $S/b.img
  LA=$(losetup -f --show $S/a.img); LB=$(losetup -f --show $S/b.img); echo "LA=$LA LB=$LB"
  rec() { mkdir -p $R/var/lib/dockstore; echo "$1" > $R/var/lib/dockstore/format-record.json; }
  run() { $B provision --root $R --device $1 --dry-run 2>&1 | sed "s#$R##g" | grep -vE '^\s+[0-9]+\. \[(folder-record|create-mountpoint|mount|fstab|drop-in|sysconfig)\]' | head -4 | cut -c1-400; echo "rc=${PIPESTATUS[0]}"; }
  newroot; echo "5a: old record (no identity) naming LA; provision LB"; rec "{\"device\":\"$LA\",\"filesystem\":\"btrfs\",\"label\":\"docker\",\"size\":1073741824,\"uuid\":\"265291b9-3635-42f2-b5d7-bf7a7af5f438\"}"; run $LB
  echo "5a': same, provision LA (the recorded name)"; run $LA
  newroot; ino=$(stat -c %i $S/a.img); dev=$(stat -c %d $S/a.img)
  echo "5b: record with A's identity but wrong size; provision LB"; rec "{\"device\":\"/dev/loop99\",\"filesystem\":\"btrfs\",\"identity\":{\"loopFileDevice\":$dev,\"loopFileInode\":$ino,\"loopOffset\":0,\"loopSizeLimit\":0},\"label\":\"docker\",\"size\":5,\"uuid\":\"265291b9-3635-42f2-b5d7-bf7a7af5f438\"}"; run $LB
  newroot; echo "5c: record identity is a string"; rec "{\"device\":\"$LA\",\"filesystem\":\"btrfs\",\"identity\":\"vol-0123\",\"label\":\"docker\",\"size\":1073741824,\"uuid\":\"265291b9-3635-42f2-b5d7-bf7a7af5f438\"}"; run $LB
  newroot; echo "5d: record naming an EBS volume id that is not attached; provision LB"; rec "{\"device\":\"/dev/nvme9n1\",\"filesystem\":\"btrfs\",\"identity\":{\"volumeId\":\"vol-0abc\"},\"label\":\"docker\",\"size\":1073741824,\"uuid\":\"265291b9-3635-42f2-b5d7-bf7a7af5f438\"}"; run $LB
  newroot; echo "5e: record with identity = LB itself but uuid garbage"; ino=$(stat -c %i $S/b.img); rec "{\"device\":\"$LB\",\"filesystem\":\"btrfs\",\"identity\":{\"loopFileDevice\":$dev,\"loopFileInode\":$ino,\"loopOffset\":0,\"loopSizeLimit\":0},\"label\":\"docker\",\"size\":1073741824,\"uuid\":\"not-a-uuid\"}"; run $LB
  newroot; echo "5f: record device path with newline + ANSI"; rec "{\"device\":\"/dev/loop0\\n\\u001b[2Jfake OK\",\"filesystem\":\"btrfs\",\"label\":\"docker\",\"size\":1073741824,\"uuid\":\"265291b9-3635-42f2-b5d7-bf7a7af5f438\"}"; $B provision --root $R --device $LB --dry-run 2>&1 | head -3 | cat -A | cut -c1-300; $B status --root $R 2>&1 | grep -a -A2 store: | cat -A | cut -c1-200
}

echo '################ case file 5b'
{
  S=$(mktemp -d); ROOTS+=("$S"); truncate -s 1G $S/a.img $S/b.img
  LA=$(losetup -f --show $S/a.img); LB=$(losetup -f --show $S/b.img); echo "LA=$LA LB=$LB"
  rec() { mkdir -p $R/var/lib/dockstore; echo "$1" > $R/var/lib/dockstore/format-record.json; }
  newroot; echo "5d full:"; rec "{\"device\":\"/dev/nvme9n1\",\"filesystem\":\"btrfs\",\"identity\":{\"volumeId\":\"vol-0abc\"},\"label\":\"docker\",\"size\":1073741824,\"uuid\":\"265291b9-3635-42f2-b5d7-bf7a7af5f438\"}"
  $B provision --root $R --device $LB --dry-run 2>&1 | grep format-record | sed "s#$R##g"
  $B status --root $R 2>&1 | sed "s#$R##g" | grep -E 'store:|state|refus' | cut -c1-400
  newroot; echo "5e real run: uuid garbage, identity = LB"; dev=$(stat -c %d $S/b.img); ino=$(stat -c %i $S/b.img); rec "{\"device\":\"$LB\",\"filesystem\":\"btrfs\",\"identity\":{\"loopFileDevice\":$dev,\"loopFileInode\":$ino,\"loopOffset\":0,\"loopSizeLimit\":0},\"label\":\"docker\",\"size\":1073741824,\"uuid\":\"not-a-uuid\"}"
  $B provision --root $R --device $LB 2>&1 | sed "s#$R##g" | tail -4; echo rc=${PIPESTATUS[0]}; blkid -p $LB; ls $R/var/lib/dockstore; grep -c . $R/etc/fstab 2>/dev/null
  $B provision --root $R --device $LB 2>&1 | sed "s#$R##g" | tail -2; echo "rerun rc=${PIPESTATUS[0]}"
}

echo '################ case file 6'
{
  newroot; prov $R; S=$(mktemp -d); ROOTS+=("$S"); truncate -s 3G $S/t.img $S/x.img
  LT=$(losetup -f --show $S/t.img); echo "LT=$LT"
  DOCKSTORE_FAILPOINT=journal $B migrate-ebs --root $R $LT --yes >/dev/null 2>&1; echo "killed rc=$?"
  ls $R/var/lib/dockstore/; cat $R/var/lib/dockstore/migration.json | head -c 1500; echo
  echo "--- reboot: detach T, X takes T's name, T re-attached elsewhere"
  losetup -d $LT; LX=$(losetup -f --show $S/x.img); LT2=$(losetup -f --show $S/t.img); echo "X=$LX T=$LT2"
  hx=$(md5sum < $LX)
  echo "6a: migrate-ebs --device <old name, now X>"; $B migrate-ebs --root $R $LX --yes 2>&1 | sed "s#$R##g" | tail -3; echo rc=${PIPESTATUS[0]}
  echo "6b: provision (boot unit)"; $B provision --root $R 2>&1 | sed "s#$R##g" | tail -3; echo rc=${PIPESTATUS[0]}
  echo "6c: status"; $B status --root $R 2>&1 | sed "s#$R##g" | grep -E 'state|migrat|device' | head -5 | cut -c1-400
  [ "$hx" = "$(md5sum < $LX)" ] && echo "X unchanged" || echo "X CHANGED"
  echo "6d: --abort"; $B migrate-ebs --root $R $LX --abort --yes 2>&1 | sed "s#$R##g" | tail -3; echo rc=${PIPESTATUS[0]}
  echo "--- 6e: journal without identity (older format), name now X"
  DOCKSTORE_FAILPOINT=journal $B migrate-ebs --root $R $LT2 --yes >/dev/null 2>&1; echo "killed rc=$?"
  python3 - $R/var/lib/dockstore/migration.json <<'PY'
  import json,sys; p=sys.argv[1]; j=json.load(open(p)); print(sorted(j.keys()))
  for k in list(j):
      if 'ident' in k.lower() or 'backing' in k.lower() or 'target' in k.lower(): print('drop',k,j.pop(k))
  json.dump(j,open(p,'w'))
PY
  sed -i "s#$LT2#$LX#g" $R/var/lib/dockstore/migration.json
  $B migrate-ebs --root $R $LX --yes 2>&1 | sed "s#$R##g" | tail -3; echo rc=${PIPESTATUS[0]}
  [ "$hx" = "$(md5sum < $LX)" ] && echo "X unchanged" || echo "X CHANGED"
  findmnt -n $R/var/lib/docker; btrfs filesystem show $R/var/lib/docker 2>/dev/null | grep devid
}

echo '################ case file 7'
{
  # Case 7: journal of an older format (no deviceIdentity), names shuffled by reboot; and a journal whose identity lies
  newroot; prov $R; S=$(mktemp -d); ROOTS+=("$S"); truncate -s 3G $S/t.img $S/x.img
  LT=$(losetup -f --show $S/t.img)
  DOCKSTORE_FAILPOINT=journal $B migrate-ebs --root $R $LT --yes >/dev/null 2>&1; echo "killed rc=$?"
  J=$R/var/lib/dockstore/migration.json; cp $J $S/j.orig
  python3 -c "import json,sys; j=json.load(open('$J')); j.pop('deviceIdentity'); json.dump(j,open('$J','w'))"
  losetup -d $LT; LX=$(losetup -f --show $S/x.img); LT2=$(losetup -f --show $S/t.img); echo "X=$LX (old T name) T=$LT2"
  hx=$(md5sum < $LX)
  echo "7a: old journal, migrate-ebs old name (now X), dry-run"; $B migrate-ebs --root $R $LX --dry-run 2>&1 | sed "s#$R##g" | head -4 | cut -c1-300; echo rc=${PIPESTATUS[0]}
  echo "7b: status"; $B status --root $R 2>&1 | sed "s#$R##g" | grep -E 'migration|state' | cut -c1-300
  echo "7c: journal identity lies (points at X's file), migrate-ebs T"
  python3 - $S/j.orig $J $(stat -c %i $S/x.img) <<'PY'
  import json,sys; j=json.load(open(sys.argv[1])); j['deviceIdentity']['loopFileInode']=int(sys.argv[3]); json.dump(j,open(sys.argv[2],'w'))
PY
  $B migrate-ebs --root $R $LT2 --dry-run 2>&1 | sed "s#$R##g" | head -3 | cut -c1-300; echo rc=${PIPESTATUS[0]}
  $B migrate-ebs --root $R $LX --dry-run 2>&1 | sed "s#$R##g" | head -3 | cut -c1-300; echo rc=${PIPESTATUS[0]}
  [ "$hx" = "$(md5sum < $LX)" ] && echo "X unchanged" || echo "X CHANGED"
}

echo '################ case file 7d'
{
  # Case 7d: old-format journal (no deviceIdentity); the old name now holds another disk with unrecognised data
  newroot; prov $R; S=$(mktemp -d); ROOTS+=("$S"); truncate -s 3G $S/t.img $S/x.img
  head -c 8M /dev/urandom | dd of=$S/x.img conv=notrunc status=none
  LT=$(losetup -f --show $S/t.img)
  DOCKSTORE_FAILPOINT=journal $B migrate-ebs --root $R $LT --yes >/dev/null 2>&1; echo "killed rc=$?"
  J=$R/var/lib/dockstore/migration.json
  python3 -c "import json,sys; j=json.load(open('$J')); j.pop('deviceIdentity'); json.dump(j,open('$J','w'))"
  losetup -d $LT; LX=$(losetup -f --show $S/x.img); LT2=$(losetup -f --show $S/t.img); echo "X=$LX (old T name, random data) T=$LT2"
  hx=$(md5sum < $LX)
  $B migrate-ebs --root $R $LX --yes 2>&1 | sed "s#$R##g" | tail -4 | cut -c1-300; echo rc=${PIPESTATUS[0]}
  [ "$hx" = "$(md5sum < $LX)" ] && echo "X unchanged" || echo "X CHANGED (data overwritten)"
}

echo '################ case file 9'
{
  # Case 9: a btrfs the kernel holds open, mounted only in another mount namespace
  newroot; S=$(mktemp -d); ROOTS+=("$S"); truncate -s 1G $S/y.img; LY=$(losetup -f --show $S/y.img); mkfs.btrfs -q $LY; mkdir $S/mnt
  unshare -m --propagation private sh -c "mount $LY $S/mnt && echo data > $S/mnt/f && exec sleep 30" & UP=$!; sleep 1
  echo "9a: provision --device (btrfs mounted in other ns)"; $B provision --root $R --device $LY 2>&1 | sed "s#$R##g" | cut -c1-500; echo rc=${PIPESTATUS[0]}
  echo "9b: --force"; $B provision --root $R --device $LY --force --dry-run 2>&1 | sed "s#$R##g" | head -3 | cut -c1-500; echo rc=${PIPESTATUS[0]}
  kill $UP; wait $UP 2>/dev/null; sleep 1
  echo "9c: after the holder is gone"; $B provision --root $R --device $LY --dry-run 2>&1 | sed "s#$R##g" | head -2 | cut -c1-300; echo rc=${PIPESTATUS[0]}
}

echo '################ case file 10'
{
  # Case 10: /var/lib is a link that changes between provision and teardown (unit name follows the link)
  newroot; rm -rf $R/var/lib; mkdir -p $R/srv/a $R/srv/b; ln -s /srv/a $R/var/lib
  prov $R; echo "prov rc=$?"; find $R/etc/systemd -name '*.conf' | sed "s#$R##"
  ln -sfn /srv/b $R/var/lib
  echo "10a: status after the link moved"; $B status --root $R 2>&1 | sed "s#$R##g" | grep -E 'store:|mounted|drop-in|state|  -' | cut -c1-300
  echo "10b: provision after the link moved (dry-run)"; $B provision --root $R --dry-run 2>&1 | sed "s#$R##g" | head -8 | cut -c1-250
  echo "10c: teardown"; $B teardown --root $R 2>&1 | sed "s#$R##g" | cut -c1-250; echo rc=${PIPESTATUS[0]}
  find $R/etc/systemd -name '*.conf' 2>/dev/null | sed "s#$R##"; findmnt -rn -o TARGET | grep $R
}

echo '################ case 8: image grown by hand (a grow killed part-way), then provision --size, then grow'
{
  newroot; prov $R; truncate -s 3G $R/var/lib/docker-storage.btrfs
  $B status --root $R 2>&1 | grep -E 'grow did not finish|^state'
  $B provision --root $R --size 5G 2>&1 | tail -2
  $B grow --root $R --to 3G 2>&1 | tail -2; btrfs fi show $R/var/lib/docker | grep devid
}
echo '################ case 11: backend away from btrfs with images/containers in the store'
{
  newroot; prov $R; M=$R/var/lib/docker; mkdir -p $M/image/btrfs/imagedb/content/sha256 $M/containers/c1
  for i in 1 2 3; do echo '{}' > $M/image/btrfs/imagedb/content/sha256/$(printf '%064d' $i); done; echo '{"Driver":"btrfs"}' > $M/containers/c1/config.v2.json
  $B backend --root $R vfs 2>&1 | grep -E 'warning|create it'
  $B check --root $R | cut -c1-300; $B status --root $R | grep -E '^warning|^state'
}
echo '################ case 12: mount unit name through links in --root (absolute, relative, chained, dash, a/.. over a linked a)'
for variant in abs-dash rel chain dotdot; do
  newroot; rm -rf $R/var/lib; mkdir -p $R/srv/var-lib $R/srv/real $R/opt/x $R/opt/var-lib
  case $variant in abs-dash) ln -s /srv/var-lib $R/var/lib;; rel) ln -s ../srv/var-lib $R/var/lib;; chain) ln -s /srv/l2 $R/var/lib; ln -s real/../var-lib $R/srv/l2;;
    dotdot) rm -rf $R/srv/real; ln -s /opt/x $R/srv/real; ln -s /srv/l2 $R/var/lib; ln -s real/../var-lib $R/srv/l2;; esac
  echo "== $variant"; $B provision --root $R --size 2G --dry-run 2>&1 | grep -E 'mount-drop-in\]' | sed "s#$R##g" | cut -c1-120
done
echo '################ case 13: check and status as a non-root caller'
{
  newroot; prov $R; chmod 755 $R
  setpriv --reuid 65534 --regid 65534 --clear-groups $B check --root $R 2>&1 | cut -c1-200; echo "check rc=${PIPESTATUS[0]}"
  setpriv --reuid 65534 --regid 65534 --clear-groups $B status --root $R 2>&1 | tail -1; echo "status rc=${PIPESTATUS[0]}"
}
