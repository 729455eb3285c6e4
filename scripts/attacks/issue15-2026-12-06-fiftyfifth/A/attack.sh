#!/bin/bash
# Attack 55 helper A: kills of teardown / grow / reclaim / backend at every failpoint and at sampled system calls,
# each followed by a different command, then a "reboot" (umount, detach, btrfs forget, a dummy loop to shift names,
# dockstore provision); plus zram device store with --wipe-device, a dockerd with a writing container, lock races,
# and refusals hashed before/after. Run as root. Every part cleans up what it made (trap on EXIT).
# Usage: ./attack.sh [A BCE D F G H J K L]   (default: all). Logs in run/*.log; PASS/FAIL lines on stdout.
cd "$(dirname "$0")"
mkdir -p run
parts=${*:-"A BCE D F G H J K L"}
final_cleanup(){ source ./lib.sh; cleanup_all; rm -f /tmp/atk55a-roots /tmp/atk55a-dummies; rm -rf /tmp/atk55a-tpl /tmp/atk55a-tpl2 /tmp/atk55a-bb /tmp/atk55a-bb.tar; }
trap final_cleanup EXIT
run(){ local name=$1; shift; LOG=run/$name.log; : > $LOG; env "$@" LOG=$PWD/run/$name.log ./$SCRIPT 2>/dev/null | grep -E "^(PASS|FAIL)"; }
for p in $parts; do case $p in
  A)   SCRIPT=m_teardown.sh run A ;;
  BCE) SCRIPT=m_bce.sh run BCE ;;
  D)   SCRIPT=m_reclaim.sh run D ;;
  F)   SCRIPT=m_zram.sh run F ;;
  G)   SCRIPT=m_strace.sh run G1
       SCRIPT=m_strace.sh run G2 CMD="grow --to 3G" NEXT=teardown SCS="ioctl ftruncate fallocate write openat"
       SCRIPT=m_strace.sh run G3 CMD="backend overlay2" NEXT=provision SCS="renameat2 rename fsync write unlinkat" ;;
  H)   SCRIPT=m_lock.sh run H ;;
  J)   SCRIPT=m_docker.sh run J ;;
  K)   SCRIPT=m_tdbackend.sh run K ;;
  L)   SCRIPT=m_reclaim_room.sh run L ;;
esac; done | tee run/summary.txt
echo "passed: $(grep -c ^PASS run/summary.txt)  failed: $(grep -c ^FAIL run/summary.txt)"
