#!/bin/bash
# P probe: freeze store mid-replace to hold the state
. /work/attack24/i/lib.sh; MB=900 SZ=3G KT=0.6 setup
fsfreeze -f $T/var/lib/docker; sleep 1; btrfs replace status -1 $T/var/lib/docker; sleep 2; btrfs replace status -1 $T/var/lib/docker
fsfreeze -u $T/var/lib/docker; sleep 3; btrfs replace status -1 $T/var/lib/docker; down
