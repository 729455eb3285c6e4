#!/bin/bash
# attack.sh - attacker F, attack 21: the fstab line without `loop`, "another root's store" (foreign_store),
# and provision's missing-image warning.
#   ./attack.sh            runs every case: L F N C D D2 M X X2 P H S W  (X and X2 destroy A's image: they run last)
#   ./attack.sh L F ...    runs some (A, the other root, is started first; X2 needs X)
# Root A = a holder process in its own mount namespace, pivot_root'ed into an overlay of the cached bookworm root
# (read-only lower), its store provisioned by dockstore inside it; so the kernel names A's backing file
# /var/lib/docker-storage.btrfs, as for a container on the same kernel. Other roots: chroots into overlays, or --root.
# Removes every mount, loop device (only those whose backing file lies under run/ or A's /ebs-*.img),
# process (A's holder, by pid) and folder it made, also on failure (trap).
set -uo pipefail
F=/work/attack21/f; cd $F; . $F/lib.sh
cleanup() {
  local p; p=$(cat $RUN/L-A.pid 2>/dev/null)
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    nsenter -t $p -m -r sh -c 'umount /var/lib/docker 2>/dev/null; for d in $(losetup -n -O NAME,BACK-FILE | awk "\$2 ~ /^\\/(ebs-|var\\/lib\\/docker-storage)/{print \$1}"); do losetup -d $d; done' 2>/dev/null
    kill "$p"; sleep 1
  fi
  umount_ours; umount_ours
  # loop devices over our files (by name under run/, or A's files which the kernel names /ebs-*.img or
  # /var/lib/docker-storage.btrfs (deleted) - only those whose inode is one of A's)
  detach_ours
  for d in $(losetup -n -O NAME); do f=$(cat /sys/block/${d#/dev/}/loop/backing_file 2>/dev/null)
    case "$f" in /ebs-D*.img|"/var/lib/docker-storage.btrfs (deleted)"|/var/lib/docker-storage.btrfs)
      i=$(losetup -n -O BACK-INO $d | tr -d ' ')
      find $RUN -xdev -inum "$i" 2>/dev/null | grep -q . && { echo "detach $d ($f)" >&2; losetup -d $d; } ;; esac; done
  [ -n "${KEEP:-}" ] || rm -rf $RUN $F/run.P-* 2>/dev/null
}
trap cleanup EXIT INT TERM
CASES=${*:-L F N C D D2 M P H S W U O R B X X2}
mkdir -p $F/results
for c in $CASES; do
  echo "################ case $c  $(date +%T)"
  ./case$c.sh 2>&1 | grep -v '^detach' | tee $F/results/$c.log
done
