#!/bin/bash
# attack17/X: hostile QA of dockstore backend's DOCKSTORE_BACKEND record, check's created timestamp,
# and dockstore-provision.service ordering. Re-runnable; cleans up after itself.
# Usage: attack.sh [CASE...]   (default: all cases)
set -u
if [ -z "${ATTACK_NS:-}" ]; then
  export ATTACK_NS=1
  exec unshare -m --propagation private "$0" "$@"
fi
D=${DOCKSTORE:-/work/attack17/dockstore}
BASE=$(mktemp -d /tmp/attack17X.XXXXXX)
RESULTS=$BASE/results
cleanup() {
  # every mount under BASE, deepest first
  for m in $(findmnt -rn -o TARGET | grep "^$BASE" | sort -r); do umount -l "$m" 2>/dev/null; done
  # only loop devices whose backing file is under BASE
  losetup --list --raw --noheadings -O NAME,BACK-FILE 2>/dev/null | while read -r dev f; do
    case "$f" in "$BASE"/*) losetup -d "$dev" 2>/dev/null;; esac
  done
  for p in $(cat "$BASE"/pids 2>/dev/null); do kill "$p" 2>/dev/null; done
  [ -f "$RESULTS" ] && cat "$RESULTS"
  rm -rf "$BASE"
}
trap cleanup EXIT INT TERM
: > "$RESULTS"
verdict() { printf '%-4s %-5s %s\n' "$1" "$2" "$3" | tee -a "$RESULTS"; }
newroot() { R=$(mktemp -d "$BASE/r.XXXXXX"); mkdir -p "$R/etc/sysconfig" "$R/var/lib"; }
prov() { "$D" provision --root "$R" --size 1G "$@" >"$R.prov.out" 2>&1; echo $?; }
h() { sha256sum "$1" 2>/dev/null | cut -c1-16; }
bashval() { ( set +u; . "$1" >/dev/null 2>&1; eval "printf '%s' \"\${$2}\"" ); }

q() { "$@" >/dev/null 2>&1; echo $?; }
opts() { sed -n 's/^DOCKER_OPTS=//p' "$R/etc/sysconfig/docker"; }

case_A1() { # backend --force with a driver that does not fit: the next boot's provision refuses
  newroot; prov >/dev/null
  rc1=$(q "$D" backend zfs --force --root "$R"); rc2=$(q "$D" provision --root "$R")
  [ "$rc1" = 0 ] && [ "$rc2" = 2 ] && verdict A1 FAIL "backend zfs --force exits 0, then boot's provision refuses (exit 2): docker.service fails at every boot" \
    || verdict A1 PASS "backend rc=$rc1 provision rc=$rc2"
}
case_A2() { # options given to backend are not recorded when DOCKSTORE_BACKEND_OPTIONS="" exists
  newroot; prov >/dev/null
  printf 'DOCKSTORE_BACKEND=""\nDOCKSTORE_BACKEND_OPTIONS=""\n' > "$R/etc/sysconfig/dockstore"
  "$D" backend vfs --storage-opt size=1G --root "$R" >/dev/null 2>&1; before=$(opts)
  "$D" provision --root "$R" >/dev/null 2>&1; after=$(opts)
  [ "$before" != "$after" ] && verdict A2 FAIL "backend vfs --storage-opt size=1G: DOCKER_OPTS $before; next provision (boot) silently makes it $after" \
    || verdict A2 PASS "options kept: $after"
}
case_A3() { # teardown after backend set an admin's existing DOCKSTORE_BACKEND in place
  newroot; prov >/dev/null
  printf "# r\xe9glages\nDOCKSTORE_BACKEND='btrfs'\n" > "$R/etc/sysconfig/dockstore"; cp "$R/etc/sysconfig/dockstore" "$R.orig"
  "$D" backend overlay2 --root "$R" >/dev/null 2>&1; "$D" teardown --root "$R" >/dev/null 2>&1
  cmp -s "$R.orig" "$R/etc/sysconfig/dockstore" && verdict A3 PASS "settings file byte-exact after teardown" \
    || verdict A3 FAIL "teardown leaves $(grep ^DOCKSTORE_BACKEND "$R/etc/sysconfig/dockstore") where the admin had DOCKSTORE_BACKEND='btrfs'"
}
case_A4() { # backend on a tree where provision never ran (image build): first boot reverts the driver
  newroot
  "$D" backend overlay2 --force --root "$R" >/dev/null 2>&1; before=$(opts)
  "$D" provision --root "$R" --size 1G >/dev/null 2>&1; after=$(opts)
  [ "$before" != "$after" ] && verdict A4 FAIL "backend overlay2 exits 0 (no warning), first provision silently sets $after" \
    || verdict A4 PASS "driver kept"
}
case_A5() { # value given twice: the last (bash's) one is changed
  newroot; prov >/dev/null
  printf 'DOCKSTORE_BACKEND="overlay2"\nDOCKSTORE_WAIT="5"\nDOCKSTORE_BACKEND="vfs"\n' > "$R/etc/sysconfig/dockstore"
  "$D" backend btrfs --root "$R" >/dev/null 2>&1; v=$(bashval "$R/etc/sysconfig/dockstore" DOCKSTORE_BACKEND)
  "$D" provision --root "$R" >/dev/null 2>&1
  [ "$v" = btrfs ] && [ "$(opts)" = '"--storage-driver=btrfs"' ] && verdict A5 PASS "bash reads btrfs, provision keeps btrfs" || verdict A5 FAIL "bash reads $v, DOCKER_OPTS $(opts)"
}
case_A6() { # group-writable settings file and a link are refused with nothing changed
  newroot; prov >/dev/null
  printf 'DOCKSTORE_BACKEND=""\n' > "$R/etc/sysconfig/dockstore"; chmod 664 "$R/etc/sysconfig/dockstore"; h1=$(h "$R/etc/sysconfig/docker")
  rc1=$(q "$D" backend overlay2 --root "$R")
  chmod 644 "$R/etc/sysconfig/dockstore"; mv "$R/etc/sysconfig/dockstore" "$R/etc/ds.real"; ln -s /etc/ds.real "$R/etc/sysconfig/dockstore"
  rc2=$(q "$D" backend overlay2 --root "$R")
  [ "$rc1" = 2 ] && [ "$rc2" = 2 ] && [ "$h1" = "$(h "$R/etc/sysconfig/docker")" ] && verdict A6 PASS "0664 and link refused (2), DOCKER_OPTS unchanged" || verdict A6 FAIL "rc $rc1/$rc2"
}
case_A7() { # kill at every failpoint, then a different command (backend btrfs), then provision and teardown
  bad=""
  for fp in $("$D" backend --list-failpoints); do
    newroot; prov >/dev/null
    DOCKSTORE_FAILPOINT=$fp "$D" backend overlay2 --root "$R" >/dev/null 2>&1
    "$D" backend btrfs --root "$R" >/dev/null 2>&1; "$D" provision --root "$R" >/dev/null 2>&1
    [ "$(opts)" = '"--storage-driver=btrfs"' ] || bad="$bad $fp:$(opts)"
    "$D" teardown --root "$R" >/dev/null 2>&1; [ -z "$(ls "$R/etc/sysconfig")" ] || bad="$bad $fp:left:$(ls "$R/etc/sysconfig")"
  done
  [ -z "$bad" ] && verdict A7 PASS "every failpoint, then backend btrfs, provision, teardown: btrfs kept, /etc/sysconfig empty" || verdict A7 FAIL "$bad"
}
case_U1() { # unit ordering: SUSE's cloud-init.service (After=wicked.service) + docker.socket
  S="$BASE/units"; mkdir -p "$S/etc/systemd/system" "$S/usr/lib/systemd/system"
  for u in basic.target sockets.target sysinit.target local-fs.target multi-user.target network.target network-online.target network-pre.target shutdown.target docker.socket docker.service; do
    cp /usr/lib/systemd/system/$u "$S/usr/lib/systemd/system/" 2>/dev/null; done
  sed 's#@SBINDIR@#/usr/sbin#' /work/main/scripts/systemd/dockstore-provision.service > "$S/etc/systemd/system/dockstore-provision.service"
  printf '[Unit]\nDescription=wicked\nWants=network.target\nAfter=network-pre.target\nBefore=network-online.target network.target\n[Service]\nType=oneshot\nExecStart=/bin/true\n' > "$S/usr/lib/systemd/system/wicked.service"
  # cloud-init's systemd/cloud-init(-network).service.tmpl rendered for variant suse
  printf '[Unit]\nDescription=Cloud-init: Network Stage\nDefaultDependencies=no\nWants=cloud-init-local.service\nAfter=cloud-init-local.service\nAfter=systemd-networkd-wait-online.service\nAfter=network.service\nAfter=wicked.service\nAfter=dbus.service\nBefore=network-online.target\nBefore=shutdown.target\nConflicts=shutdown.target\n[Service]\nType=oneshot\nExecStart=/bin/true\n' > "$S/usr/lib/systemd/system/cloud-init.service"
  out=$(python3 "$(dirname "$0")/cycle.py" "$S" dockstore-provision.service 2>&1 || python3 /work/attack17/X/cycle.py "$S" dockstore-provision.service)
  case "$out" in *"no cycle"*) verdict U1 PASS "no ordering cycle";; *) verdict U1 FAIL "ordering cycle: $out";; esac
}
case_P1() { # NeverReclaimed for a store baked into a machine image 30 days before first boot
  P="$BASE/prom"; mkdir -p "$P"; cp /work/main/scripts/prometheus/dockstore.rules.yml "$P/"
  cat > "$P/t.yml" <<'Y'
rule_files: [dockstore.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1h
    input_series:
      - series: 'dockstore_store_created_timestamp_seconds{instance="i1",mountpoint="/var/lib/docker"}'
        values: '-2592000 -2592000 -2592000'
      - series: 'dockstore_last_reclaim_timestamp_seconds{instance="i1",mountpoint="/var/lib/docker"}'
        values: 'NaN NaN NaN'
    alert_rule_test:
      - eval_time: 1h
        alertname: DockstoreNeverReclaimed
        exp_alerts: []
Y
  ( cd "$P" && promtool test rules t.yml >/dev/null 2>&1 ) && verdict P1 PASS "no alert 1h after first boot" \
    || verdict P1 FAIL "DockstoreNeverReclaimed fires 1h after the first boot of an instance whose store was made 30 d earlier in the image"
}
case_P2() { # created timestamp of a fresh store is now (not 0 / NaN)
  newroot; prov >/dev/null; now=$(date +%s)
  v=$("$D" check --root "$R" --format prometheus 2>/dev/null | sed -n 's/^dockstore_store_created_timestamp_seconds{.*} //p')
  [ -n "$v" ] && [ "${v%.*}" -le "$now" ] 2>/dev/null && [ $(( now - ${v%.*} )) -lt 600 ] && verdict P2 PASS "created=$v now=$now" || verdict P2 FAIL "created=$v now=$now"
}
ALL="A1 A2 A3 A4 A5 A6 A7 U1 P1 P2"
for c in ${@:-$ALL}; do case_$c; done
