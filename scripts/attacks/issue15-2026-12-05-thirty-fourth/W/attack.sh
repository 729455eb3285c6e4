#!/bin/bash
# Attack 34 helper W: re-runnable; every root is a fresh mktemp -d under /tmp/a34w.*, every disk a sparse file.
# Cleans up its mounts, loop devices and files on exit (also on failure).
D=${D:-/work/attack34/w/dockstore}
ROOTS=(); EBS=()
cleanup(){
  for r in "${ROOTS[@]}"; do
    findmnt -rn -o TARGET | while read -r t; do t=$(printf '%b' "$t"); case "$t" in "$r"/*) echo "$t";; esac; done | sort -r | while read -r t; do umount -l "$t"; done
    losetup -a | grep -F "$r/" | cut -d: -f1 | while read -r l; do losetup -d "$l"; done
  done
  for e in "${EBS[@]}"; do losetup -d "${e%% *}" 2>/dev/null; rm -f "${e#* }"; done
  for r in "${ROOTS[@]}"; do rm -rf --one-file-system "$r"; done
}
trap cleanup EXIT
newroot(){ R=$(mktemp -d /tmp/a34w.XXXX); ROOTS+=("$R"); }
snap(){ (cd "$R" && find . -xdev -printf '%p %y %l\n' | sort; find . -xdev -type f ! -name '*.btrfs' -exec md5sum {} + | sort; grep -F "$R/" /proc/mounts | sort); }
PASS=0; FAIL=0
verdict(){ if [ "$1" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi; echo "== $2: $1"; }
wait_stopped(){ local p; for i in $(seq 100); do p=$(pgrep -f "dockstore provision --root $R" | head -1); [ -n "$p" ] && grep -q '^State:.*T' /proc/$p/status 2>/dev/null && { echo $p; return; }; sleep 0.1; done; }
linked(){ newroot; mkdir -p "$R/srv/a" "$R/srv/b" "$R/var"; ln -s /srv/a "$R/var/lib"; }

echo "### C1 unit named through a link: /var/lib -> /srv/a"
linked; $D provision --root $R --size 1G >/dev/null 2>&1
grep -q '^Wants=srv-a-docker.mount$' $R/etc/systemd/system/docker.service.d/dockstore.conf && [ -f $R/etc/systemd/system/srv-a-docker.mount.d/dockstore.conf ] && verdict PASS C1 || verdict FAIL C1
C2R=$R

echo "### C2 link changed (/srv/a -> /srv/b) while mounted: provision, teardown refuse rc 2 and change nothing; status says so"
R=$C2R; ln -sfn /srv/b $R/var/lib; snap >/tmp/a34w.s1
$D provision --root $R; p=$?; $D teardown --root $R; t=$?; $D status --root $R | tail -2; s=$?; snap >/tmp/a34w.s2
echo "provision=$p teardown=$t"; diff /tmp/a34w.s1 /tmp/a34w.s2 && [ $p = 2 ] && [ $t = 2 ] && verdict PASS C2 || verdict FAIL C2

for t in "a b" $'a\tb'; do
  echo "### C3 link target with a blank ($(printf %q "$t")): unit name"
  newroot; mkdir -p "$R/srv/$t" $R/var; ln -s "/srv/$t" $R/var/lib
  $D provision --root $R --size 1G; rc=$?
  want=$(systemd-escape -p --suffix=mount "/srv/$t/docker"); ls $R/etc/systemd/system; grep -v '^#' $R/etc/systemd/system/docker.service.d/dockstore.conf
  echo "rc=$rc expected unit $want (or a refusal as for --mountpoint with a space)"
  if [ $rc = 0 ] && ! grep -qF "Wants=$want" $R/etc/systemd/system/docker.service.d/dockstore.conf; then verdict FAIL "C3 [$t]"; else verdict PASS "C3 [$t]"; fi
done

echo "### C4 chained / relative / .. links"
ok=1
newroot; mkdir -p $R/opt/y/z $R/srv $R/var; ln -s ../opt/y/z $R/srv/x; ln -s ../srv/x/.. $R/var/lib
$D provision --root $R --size 1G --dry-run 2>&1 | grep -q 'waits for opt-y-docker.mount' || ok=0
newroot; mkdir -p $R/var; ln -s / $R/var/lib
$D provision --root $R --size 1G --dry-run 2>&1 | grep -q 'waits for docker.mount' || ok=0
newroot; mkdir -p $R/data/lib; ln -s /data $R/var; ln -s /var/lib $R/data/lib2
$D provision --root $R --size 1G --mountpoint /data/lib2/docker --dry-run 2>&1 | grep -q 'waits for data-lib-docker.mount' || ok=0
linked; $D provision --root $R --size 1G >/dev/null 2>&1; ln -s a $R/srv/c; ln -sfn ../srv/c $R/var/lib
$D provision --root $R 2>&1 | grep -q 'nothing to do' || ok=0
[ $ok = 1 ] && verdict PASS C4 || verdict FAIL C4

echo "### C5 link swapped while provision is stopped before mount-drop-in"
linked
(DOCKSTORE_PAUSE=mount-drop-in:stop $D provision --root $R --size 1G >/tmp/a34w.p 2>&1; echo rc=$? >>/tmp/a34w.p) &
P=$(wait_stopped); ln -sfn /srv/b $R/var/lib; kill -CONT $P; wait
tail -2 /tmp/a34w.p; ls $R/etc/systemd/system
grep -q 'rc=2' /tmp/a34w.p && [ ! -e $R/etc/systemd/system/srv-a-docker.mount.d/dockstore.conf ] && [ ! -e $R/etc/systemd/system/srv-b-docker.mount.d ] && verdict PASS "C5 refusal" || verdict FAIL "C5 refusal"
echo "### C5b the refusal says 're-run'; exit 2 means 'nothing changed' but image, mount, fstab, drop-in were made; the re-run refuses"
grep $R /proc/mounts; $D provision --root $R; echo rc=$?
verdict FAIL "C5b (unclear message)"

echo "### C6 killed after [fstab] (before the drop-in), link changed, provision again"
linked; DOCKSTORE_FAILPOINT=fstab $D provision --root $R --size 1G >/dev/null 2>&1
echo data > $R/srv/a/docker/precious; ln -sfn /srv/b $R/var/lib
$D provision --root $R --size 1G 2>&1 | tail -1; rc=${PIPESTATUS[0]}; echo rc=$rc; grep -F "$R/" /proc/mounts
[ $(grep -cF "$R/" /proc/mounts) -gt 1 ] && verdict FAIL C6 || verdict PASS C6

echo "### C6b docker.service drop-in removed by hand, store mounted, link changed, provision"
linked; $D provision --root $R --size 1G >/dev/null 2>&1; echo data > $R/srv/a/docker/precious
rm $R/etc/systemd/system/docker.service.d/dockstore.conf; ln -sfn /srv/b $R/var/lib
$D provision --root $R --size 1G 2>&1 | tail -1; grep -F "$R/" /proc/mounts
[ $(grep -cF "$R/" /proc/mounts) -gt 1 ] && verdict FAIL C6b || verdict PASS C6b

echo "### C7 reboot, link changed: provision removes the old unit's exact drop-in, keeps an edited one"
linked; $D provision --root $R --size 1G >/dev/null 2>&1; umount $R/srv/a/docker; ln -sfn /srv/b $R/var/lib
$D provision --root $R --size 1G >/dev/null 2>&1; ok=1; [ -e $R/etc/systemd/system/srv-a-docker.mount.d/dockstore.conf ] && ok=0
linked; $D provision --root $R --size 1G >/dev/null 2>&1; umount $R/srv/a/docker; ln -sfn /srv/b $R/var/lib
echo '# admin note' >> $R/etc/systemd/system/srv-a-docker.mount.d/dockstore.conf
$D provision --root $R --size 1G >/dev/null 2>&1; [ -e $R/etc/systemd/system/srv-a-docker.mount.d/dockstore.conf ] || ok=0
[ $ok = 1 ] && verdict PASS C7 || verdict FAIL C7

echo "### C8 reboot, link changed, teardown: what it leaves and says"
linked; $D provision --root $R --size 1G >/dev/null 2>&1; umount $R/srv/a/docker; ln -sfn /srv/b $R/var/lib
$D teardown --root $R; echo rc=$?; find $R -xdev | sort
verdict FAIL "C8 (unclear message: image at /srv/a and recorded folders left unmentioned)"

echo "### C9 upgrade: drop-in naming var-lib-docker.mount (older dockstore) with /var/lib a link"
linked; $D provision --root $R --size 1G >/dev/null 2>&1; S=$R/etc/systemd/system
sed -i 's/srv-a-docker/var-lib-docker/' $S/docker.service.d/dockstore.conf; mv $S/srv-a-docker.mount.d $S/var-lib-docker.mount.d
$D provision --root $R; rc=$?; find $S -type f
[ $rc = 0 ] && grep -q 'Wants=srv-a-docker.mount' $S/docker.service.d/dockstore.conf && [ ! -e $S/var-lib-docker.mount.d/dockstore.conf ] && verdict PASS C9 || verdict FAIL C9

echo "### C10 migrate-ebs: journal without deviceIdentity"
newroot; mkdir -p $R/var/lib; $D provision --root $R --size 2G >/dev/null 2>&1
F=$(mktemp /tmp/a34w-ebs.XXXX); truncate -s 3G $F; L=$(losetup -f --show $F); EBS+=("$L $F")
F2=$(mktemp /tmp/a34w-ebs.XXXX); truncate -s 3G $F2; L2=$(losetup -f --show $F2); EBS+=("$L2 $F2")
J=$R/var/lib/dockstore/migration.json
strip(){ DOCKSTORE_FAILPOINT=journal $D migrate-ebs $L --root $R --yes >/dev/null 2>&1
  python3 -c 'import json,sys;p=sys.argv[1];d=json.load(open(p));d.pop("deviceIdentity",None);open(p,"w").write(json.dumps(d))' $J; }
strip; h1=$(md5sum <$L; md5sum <$L2)
$D migrate-ebs $L --root $R --yes; a=$?; $D status --root $R | grep -E 'migration|state'
$D migrate-ebs $L --root $R --abort --yes; b=$?; h2=$(md5sum <$L; md5sum <$L2)
echo "re-run=$a abort=$b"; [ $a = 2 ] && [ $b = 0 ] && [ "$h1" = "$h2" ] && [ ! -e $J ] && verdict PASS C10 || verdict FAIL C10
echo "### C10b the same journal, the other disk's name given"
strip; $D migrate-ebs $L2 --root $R --yes; echo rc=$?; $D migrate-ebs $L --root $R --yes; echo rc=$?
verdict FAIL "C10b (unclear message: 'finish it with: dockstore migrate-ebs $L', which refuses)"
$D migrate-ebs $L --root $R --abort --yes >/dev/null

echo "### C11 backend: container folders without a readable config.v2.json counted apart"
M=$R/var/lib/docker; mkdir -p $M/containers/{c1,c2,c3,c6}
echo '{"Driver":"overlay2"}' >$M/containers/c1/config.v2.json; echo '{"Driver":"btrfs"}' >$M/containers/c6/config.v2.json; echo 'not json' >$M/containers/c3/config.v2.json
$D backend --root $R vfs --dry-run 2>&1 >/dev/null | tee /tmp/a34w.bk
grep -q '2 more container folder' /tmp/a34w.bk && verdict PASS C11 || verdict FAIL C11
echo "### C11b one FIFO / symlink / >16 MiB config.v2.json: the whole count is lost, and the advice is to remove the container's config"
mkdir -p $M/containers/c4; mkfifo $M/containers/c4/config.v2.json; timeout 20 $D backend --root $R vfs --dry-run 2>&1 >/dev/null; rm $M/containers/c4/config.v2.json
truncate -s 20M $M/containers/c4/config.v2.json; timeout 20 $D backend --root $R vfs --dry-run 2>&1 >/dev/null | tee /tmp/a34w.bk
grep -q 'cannot tell' /tmp/a34w.bk && verdict FAIL "C11b" || verdict PASS C11b

echo "### C12 a second store in the same root refused"
newroot; mkdir -p $R/var/lib $R/data; $D provision --root $R --size 1G >/dev/null 2>&1
$D provision --root $R --size 1G --mountpoint /data/docker --image /data/img.btrfs >/dev/null 2>&1; rc=$?; echo rc=$rc
[ $rc = 2 ] && [ ! -e $R/data/img.btrfs ] && verdict PASS C12 || verdict FAIL C12

rm -f /tmp/a34w.s1 /tmp/a34w.s2 /tmp/a34w.p /tmp/a34w.bk
echo "PASSED $PASS FAILED $FAIL"
