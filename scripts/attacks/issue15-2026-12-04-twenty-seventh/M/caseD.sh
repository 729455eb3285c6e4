#!/bin/bash
# D: migrate-ebs --dry-run's delete-image line vs hard links (same folder, other folder, outside var/lib, removed between plan and run)
. /work/attack27/m/lib.sh
pl() { $BIN migrate-ebs $V --root $T --dry-run 2>&1 | grep -o '\[delete-image\].*' | cut -c1-400; }
fin() { $BIN migrate-ebs $V --root $T --yes 2>&1 | grep -i 'delete-image\|kept\|freed\|link' | cut -c1-400; }
echo "=== D1 link in var/lib/other"; MB=20 mk; mkdir $T/var/lib/other; ln $I $T/var/lib/other/keep; echo "  plan: $(pl)"; echo "  run : $(fin)"; down $T
echo "=== D2 link in /etc (other folder, same fs)"; MB=20 mk; ln $I $T/etc/keep.img; echo "  plan: $(pl)"; echo "  run : $(fin)"; down $T
echo "=== D3 link removed between plan and run"; MB=20 mk; ln $I $T/var/lib/keep.btrfs; echo "  plan: $(pl)"; rm $T/var/lib/keep.btrfs; echo "  run : $(fin)"; ls $T/var/lib; down $T
echo "=== D4 link added between plan and run"; MB=20 mk; echo "  plan: $(pl)"; ln $I $T/var/lib/late.btrfs; echo "  run : $(fin)"; ls -li $T/var/lib | awk '{print "   ",$1,$3,$NF}'; down $T
echo "=== D5 link outside --root (tmp dir next to it)"; MB=20 mk; mkdir -p $T.out; ln $I $T.out/x; echo "  plan: $(pl)"; echo "  run : $(fin)"; rm -rf $T.out; down $T
echo "=== D6 --keep-image with a link"; MB=20 mk; ln $I $T/var/lib/keep.btrfs; echo "  plan: $($BIN migrate-ebs $V --root $T --dry-run --keep-image 2>&1 | grep -o '\[delete-image\].*\|keep.*image.*' | head -2 | cut -c1-300)"; down $T
