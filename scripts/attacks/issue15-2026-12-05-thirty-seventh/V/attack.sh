#!/bin/bash
# attack37/v: re-runnable attack cases on dockstore. Cleans up after itself.
D=${D:-/work/attack37/v/dockstore}
ROOTS=(); PASS=0; FAIL=0
newroot(){ local r; r=$(mktemp -d /root/dsatk.XXXXXX); ROOTS+=("$r"); mkdir -p "$r/etc" "$r/var/lib"; echo "$r"; }
# the image file and the mounted store are written by the kernel (btrfs commits through the loop device): left out
treehash(){ (cd "$1" && find . \( -path ./var/lib/docker -o -path ./var/lib/docker-storage.btrfs \) -prune -o -printf '%p %y %m %s %T@ %l\n' | sort; find . \( -path ./var/lib/docker -o -path ./var/lib/docker-storage.btrfs \) -prune -o -type f -print0 | sort -z | xargs -0r md5sum) | md5sum | cut -c1-32; }
cleanup_root(){ local r=$1 m l
  local i; for i in 1 2 3; do
    findmnt -rn -o TARGET,SOURCE | awk -v r="$r" 'index($1,r)==1{print $2}' | while read -r s; do umount "$s" 2>/dev/null || umount -l "$s"; done
    findmnt -rn -o TARGET | awk -v r="$r" 'index($1,r)==1' | sort -r | while read -r m; do umount -l "$(printf '%b' "$m")" 2>/dev/null; done; done
  for l in $(losetup -a | grep -F "$r" | cut -d: -f1); do losetup -d "$l" 2>/dev/null; done
  rm -rf --one-file-system "$r"; }
cleanup(){ for r in "${ROOTS[@]}"; do cleanup_root "$r"; done; local w; for w in /root/dsatk.dd.*; do [ -d "$w" ] && { umount "$w/data" 2>/dev/null; rm -rf --one-file-system "$w"; }; done; rm -rf /root/dsatk-canary.*; }
trap cleanup EXIT
res(){ if [ "$1" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi; echo "== $1 $2"; }

# ---- Case S: symlinks in the tree pointing out of --root; canary must stay untouched, writes land inside
symcase(){ # name linkpath(relative to root) target(abs|rel) cmd...
  local name=$1 lp=$2 tgt=$3; shift 3
  local R C; R=$(newroot); C=$(mktemp -d /root/dsatk-canary.XXXXXX)
  mkdir -p "$C/etc" "$C/var/lib/dockstore" "$C/run" "$C/etc/systemd/system" "$C/etc/docker" "$C/etc/sysconfig"
  printf 'CANARY fstab\n' > "$C/etc/fstab"; echo '{"debug":true}' > "$C/etc/docker/daemon.json"
  printf 'DOCKER_OPTS="--canary"\n' > "$C/etc/sysconfig/docker"
  # also make the in-root twin of the absolute target so resolution inside the tree succeeds
  mkdir -p "$R$C/etc" "$R$C/var/lib/dockstore" "$R$C/run" "$R$C/etc/systemd/system" "$R$C/etc/docker" "$R$C/etc/sysconfig"
  rm -rf "$R/$lp"; mkdir -p "$(dirname "$R/$lp")"
  local t=${tgt//@C@/$C}; ln -s "$t" "$R/$lp"
  local ch0; ch0=$(treehash "$C"); touch /tmp/dsatk.stamp; sleep 0.01
  local out; out=$("$D" "$@" --root "$R" 2>&1); local rc=$?
  local ch1; ch1=$(treehash "$C")
  local newer; newer=$(find "$C" -newer /tmp/dsatk.stamp | head -3)
  echo "--- S:$name rc=$rc"; echo "$out" | tail -3
  if [ "$ch0" = "$ch1" ] && [ -z "$newer" ]; then res PASS "S:$name canary untouched"; else res FAIL "S:$name canary changed: $newer"; fi
  "$D" teardown --root "$R" --delete-image >/dev/null 2>&1
  cleanup_root "$R"; rm -rf "$C"
}

# ---- Case K: kill provision at every failpoint, then run a *different* command; look for debris
debris(){ # list files that are neither a known file nor its single .dockstore.bak
  find "$1" \( -path "$1/var/lib/docker" -prune \) -o -type f -print | sed "s|^$1||" | grep -vE '^/(etc/fstab|etc/fstab\.dockstore\.bak|etc/sysconfig/docker|etc/sysconfig/docker\.dockstore\.bak|etc/sysconfig/dockstore|etc/sysconfig/dockstore\.dockstore\.bak|etc/docker/daemon\.json|etc/docker/daemon\.json\.dockstore\.bak|etc/systemd/system/[^/]+\.d/dockstore\.conf|etc/dockstore\.disabled|run/dockstore\.lock|var/lib/docker-storage\.btrfs|var/lib/dockstore/[a-z-]+(\.json)?)$'
}
killcase(){ # fp follow-up-cmd...
  local fp=$1; shift; local R; R=$(newroot)
  printf '# admin\nLABEL=x /data xfs defaults 0 2' > "$R/etc/fstab"
  mkdir -p "$R/etc/sysconfig" "$R/etc/docker"; printf '## hdr\nDOCKER_OPTS="--log-level=warn"\nX=1' > "$R/etc/sysconfig/docker"; printf '{ "debug": true }' > "$R/etc/docker/daemon.json"
  DOCKSTORE_FAILPOINT=$fp "$D" provision --root "$R" --size 200M >/dev/null 2>&1; local rc0=$?
  local out; out=$("$D" "$@" --root "$R" 2>&1); local rc1=$?
  local deb1=; [ "$1" = status ] || deb1=$(debris "$R")   # status changes nothing: only judged after the later teardown
  "$D" provision --root "$R" --size 200M >/dev/null 2>&1; local rc2=$?
  "$D" teardown --root "$R" --delete-image >/dev/null 2>&1; local rc3=$?
  local deb2; deb2=$(debris "$R" | grep -v dockstore.disabled)
  local fst; fst=$(md5sum < "$R/etc/fstab"); local want; want=$(printf '# admin\nLABEL=x /data xfs defaults 0 2' | md5sum)
  local sc; sc=$(md5sum < "$R/etc/sysconfig/docker"); local wsc; wsc=$(printf '## hdr\nDOCKER_OPTS="--log-level=warn"\nX=1' | md5sum)
  local lo; lo=$(losetup -a | grep -F "$R")
  if [ -z "$deb1$deb2$lo" ] && [ "$fst" = "$want" ] && [ "$sc" = "$wsc" ] && [ $rc2 = 0 ] && [ $rc3 = 0 ]; then res PASS "K:$fp then '$*' (rc $rc0/$rc1/$rc2/$rc3)"
  else res FAIL "K:$fp then '$*' rc=$rc0/$rc1/$rc2/$rc3 debris-after-followup=[$deb1] debris-after-teardown=[$deb2] loops=[$lo] fstab-same=$([ "$fst" = "$want" ] && echo y || echo n) sysconfig-same=$([ "$sc" = "$wsc" ] && echo y || echo n) out=$(echo "$out" | tail -1)"; fi
  cleanup_root "$R"
}

# ---- Case J: daemon.json verdict of dockstore provision vs the real dockerd 20.10
dockerd_verdict(){ # file -> "start" or "refuse"
  local f=$1 W; W=$(mktemp -d /root/dsatk.dd.XXXXXX); ROOTS+=("$W")
  timeout 8 dockerd --config-file "$f" --data-root "$W/data" --exec-root "$W/exec" --pidfile "$W/pid" \
    --host "unix://$W/sock" --iptables=false --bridge=none --storage-driver=vfs >"$W/log" 2>&1 &
  local p=$! i; for i in $(seq 40); do [ -S "$W/sock" ] && break; kill -0 $p 2>/dev/null || break; sleep 0.2; done
  if [ -S "$W/sock" ]; then echo start; kill $p; wait $p 2>/dev/null; else wait $p 2>/dev/null; echo refuse; grep -m1 -i 'unable\|error\|invalid\|directive' "$W/log" >&2; fi
  umount "$W/data" 2>/dev/null; rm -rf "$W"   # dockerd bind-mounts its data root onto itself
}
jcase(){ # name json-bytes(printf format)
  local name=$1 R; R=$(newroot); mkdir -p "$R/etc/docker"; printf "$2" > "$R/etc/docker/daemon.json"
  local h0; h0=$(treehash "$R")
  local out; out=$("$D" provision --root "$R" --size 200M 2>&1); local rc=$?
  local ds=start; [ $rc = 0 ] || ds=refuse
  # dockerd is started with --storage-driver=vfs on the command line, so a storage-driver key in the file conflicts;
  # strip nothing: compare on files that hold no storage keys only.
  local dv; dv=$(dockerd_verdict "$R/etc/docker/daemon.json" 2>"$R.dderr")
  echo "--- J:$name dockstore rc=$rc ($ds) dockerd=$dv :: $(echo "$out" | grep dockstore: | head -1) :: dockerd: $(head -c 200 "$R.dderr")"; rm -f "$R.dderr"
  if [ "$ds" = "$dv" ]; then res PASS "J:$name verdicts agree ($ds)"; else res FAIL "J:$name dockstore=$ds dockerd=$dv"; fi
  "$D" teardown --root "$R" --delete-image >/dev/null 2>&1; cleanup_root "$R"
}

# ---- Case R: every refusal comes before the first write (whole tree hashed, mtimes included)
rcase(){ # name setup-fn expected-rc cmd...
  local name=$1 setup=$2 erc=$3; shift 3; local R; R=$(newroot); $setup "$R"; sleep 0.02
  local h0; h0=$(treehash "$R"); local out; out=$("$D" "$@" --root "$R" 2>&1); local rc=$?; local h1; h1=$(treehash "$R")
  local nl; nl=$(printf '%s\n' "$out" | grep -c .)
  echo "--- R:$name rc=$rc :: $(echo "$out" | head -2)"
  if [ "$h0" = "$h1" ] && [ "$rc" = "$erc" ]; then res PASS "R:$name refused rc=$rc, tree unchanged"; else res FAIL "R:$name rc=$rc (want $erc) tree-changed=$([ "$h0" = "$h1" ] && echo n || echo y)"; fi
  cleanup_root "$R"
}
s_conflict(){ printf '/dev/sdz1 /var/lib/docker ext4 defaults 0 2\n' > "$1/etc/fstab"; }
s_badsys(){ mkdir -p "$1/etc/sysconfig"; printf 'DOCKER_OPTS="-D"; B=2\n' > "$1/etc/sysconfig/docker"; }
s_none(){ :; }
s_provisioned(){ "$D" provision --root "$1" --size 200M >/dev/null 2>&1; }
s_admin_dropin(){ s_provisioned "$1"; echo 'Environment=X=1' >> "$1/etc/systemd/system/docker.service.d/dockstore.conf"; }
s_ro_bak(){ printf '# admin\n' > "$1/etc/fstab"; mkdir -p "$1/etc/sysconfig"; printf 'DOCKER_OPTS=""\n' > "$1/etc/sysconfig/docker"; s_provisioned "$1"; rm -f "$1/etc/sysconfig/docker.dockstore.bak"; mkdir "$1/etc/sysconfig/docker.dockstore.bak"; rm -f "$1/etc/fstab.dockstore.bak"; mkdir "$1/etc/fstab.dockstore.bak"; }

# ---- Case N: host fills up during mkfs
nospace(){ local R; R=$(newroot); truncate -s 3M "$R.ext4"; mkfs.ext4 -q -F "$R.ext4"; mount -o loop "$R.ext4" "$R/var/lib"
  dd if=/dev/zero of="$R/var/lib/fill" bs=1k count=1200 2>/dev/null
  local out; out=$("$D" provision --root "$R" --size 200M 2>&1); local rc=$?
  local left; left=$(ls "$R/var/lib" | grep -v '^fill$\|^lost+found$'); echo "--- N rc=$rc :: $(echo "$out" | tail -1)"
  if [ $rc = 1 ] && [ -z "$left" ] && echo "$out" | grep -q 'no space left on the filesystem holding'; then res PASS "N:enospc-during-mkfs cleaned up and said so"; else res FAIL "N:enospc rc=$rc left=[$left]"; fi
  umount "$R/var/lib"; rm -f "$R.ext4"; cleanup_root "$R"; }

main(){
  symcase etc-abs etc @C@/etc provision --size 200M
  symcase etc-rel etc ../../../../../../..@C@/etc provision --size 200M
  symcase varlib-abs var/lib @C@/var/lib provision --size 200M
  symcase varlib-rel var/lib ../../../../../../../../..@C@/var/lib provision --size 200M
  symcase var-abs var @C@/var provision --size 200M
  symcase dockstore-abs var/lib/dockstore @C@/var/lib/dockstore provision --size 200M
  symcase run-abs run @C@/run provision --size 200M
  symcase systemd-abs etc/systemd/system @C@/etc/systemd/system provision --size 200M
  symcase sysconfig-abs etc/sysconfig @C@/etc/sysconfig provision --size 200M
  symcase docker-abs etc/docker @C@/etc/docker provision --size 200M
  symcase docker-backend etc/docker @C@/etc/docker backend overlay2 --force
  symcase sysconfig-backend etc/sysconfig @C@/etc/sysconfig backend vfs
  symcase fstab-file etc/fstab @C@/etc/fstab provision --size 200M
  symcase daemonjson-file etc/docker/daemon.json @C@/etc/docker/daemon.json backend vfs
  symcase check-textfile prom @C@/run check --textfile /prom
  local i=0 fp; for fp in $("$D" provision --list-failpoints); do
    case $((i%3)) in 0) killcase "$fp" teardown --delete-image;; 1) killcase "$fp" backend vfs;; 2) killcase "$fp" status;; esac; i=$((i+1)); done
  killcase format backend vfs; killcase format grow --to 300M
  jcase bom '\xef\xbb\xbf{"debug": true}'
  jcase dupkey-last-wins '{"debug": "yes", "debug": true}'
  jcase dupkey-last-bad '{"debug": true, "debug": "yes"}'
  jcase keycase '{"Debug": true}'
  jcase escaped-key '{"deb\\u0075g": true}'
  jcase trailing-comma '{"debug": true,}'
  jcase comment '{"debug": true /* c */}'
  jcase trailing-garbage '{"debug": true} xyz'
  jcase empty-file ''
  jcase whitespace-only ' \n'
  jcase null-top 'null'
  jcase array-top '[]'
  jcase log-opts-num '{"log-opts": {"max-size": 5}}'
  jcase nested-unknown '{"features": {"bogus": true}}'
  jcase mtu-float '{"mtu": 1500.0}'
  jcase shm-size '{"default-shm-size": "64M"}'
  jcase labels-str '{"labels": "a=b"}'
  jcase dns-num '{"dns": [1]}'
  jcase utf16 '\xff\xfe{\x00}\x00'
  jcase latin1-value '{"labels": ["a=\xe9"]}'
  jcase nul-in-key '{"debug\\u0000": true}'
  jcase default-runtime '{"default-runtime": 5}'
  jcase big-int '{"mtu": 99999999999999999999}'
  jcase insecure-reg '{"insecure-registries": ["a"], "registry-mirrors": ["http://x"]}'
  rcase prov-fstab-conflict s_conflict 2 provision --size 200M
  rcase prov-sysconfig-bad s_badsys 2 provision --size 200M
  rcase backend-sysconfig-bad s_badsys 2 backend vfs
  rcase prov-percent-mp s_none 2 provision --size 200M --mountpoint /srv/d%i
  rcase prov-size-huge s_none 2 provision --size 1000P
  rcase grow-unmounted s_none 2 grow --to 1G
  rcase reclaim-unmounted s_none 2 reclaim
  rcase migrate-nodev s_provisioned 2 migrate-ebs /dev/dsatk-nonexistent --wait 1
  rcase migrate-notdev s_provisioned 64 migrate-ebs /etc/passwd
  rcase teardown-admin-dropin s_admin_dropin 2 teardown
  rcase teardown-bak-is-dir s_ro_bak 2 teardown
  rcase backend-bak-is-dir s_ro_bak 2 backend vfs
  rcase grow-shrink s_provisioned 2 grow --to 150M
  rcase check-textfile-missing-dir s_provisioned 3 check --textfile /nonexistent/dir
  rcase prov-image-comma s_none 64 provision --size 200M --image /var/a,b/img
  nospace
  echo "PASS=$PASS FAIL=$FAIL"
}
[ "${BASH_SOURCE[0]}" = "$0" ] && main
