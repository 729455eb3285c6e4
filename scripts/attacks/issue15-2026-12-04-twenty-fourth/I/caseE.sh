#!/bin/bash
# E: the volume is a loop device over a file in the same folder as the image
. /work/attack24/i/lib.sh; 

KT=0.5 setup var/lib/vol.img
echo "--- E1 mid-replace, image NOT renamed: any false 'renamed' claims?"; allcmds
echo "--- E2 finish"; NL=4 run $BIN migrate-ebs $V --root $T --yes; grep -v '^#' $T/etc/fstab; ls $T/var/lib; allcmds
reboot_ $T/var/lib/vol.img; chk $T; down
