# Part 7: odd bytes in paths, read back by libmount and systemd
part7() { local R p n
  for p in '/var/lib/100%n.img' '/var/lib/100%%.img' '/var/lib/a,b.img' '/var/lib/back\slash.img' '/var/lib/q"uote.img' "/var/lib/ap'os.img" '/var/lib/h#ash.img' '/var/lib/sem;i.img' '/var/lib/dollar$x.img' '/var/lib/cafÃ©.img' '/var/lib/d%i/x.img' '/var/lib/x.img;y'; do
    R=$(newroot); mkdir -p "$R$(dirname "$p")"; n=p7-image-$(echo "$p" | md5sum | cut -c1-6)
    "$DS" provision --root $R --size 1G --image "$p" >$OUT/$n.out 2>$OUT/$n.err; local rc=$?
    if [ $rc = 64 ] || [ $rc = 2 ]; then result "$n image='$p'" PASS "" "refused rc=$rc: $(head -c 200 $OUT/$n.err)"; continue; fi
    # read back fstab with libmount, the unit with systemd-analyze if present
    local v; v=$(findmnt --tab-file $R/etc/fstab -rn -o SOURCE,TARGET,OPTIONS 2>&1 | grep docker)
    local src; src=$(findmnt --tab-file $R/etc/fstab -rn -o SOURCE,TARGET | grep ' /var/lib/docker$' | cut -d' ' -f1)
    local opts; opts=$(findmnt --tab-file $R/etc/fstab -n -o OPTIONS --target /var/lib/docker 2>/dev/null)
    local cond; cond=$(grep -h ConditionPathExists $R/etc/systemd/system/var-lib-docker.mount.d/dockstore.conf 2>/dev/null)
    echo "$n rc=$rc fstab=[$v] cond=[$cond]" >> $OUT/p7.log
    # libmount decodes \x escapes printed by findmnt -r; compare decoded source with the path
    local dec; dec=$(printf '%b' "$(echo "$src" | sed 's/\\x/\\x/g')")
    local ok=1; [ "$dec" = "$p" ] || ok=0
    echo "$v" | grep -q 'requires-mounts-for' || ok=0
    local rmf; rmf=$(findmnt --tab-file $R/etc/fstab -n -o OPTIONS 2>/dev/null | tr ',' '\n' | grep requires-mounts-for | head -1)
    [ $ok = 1 ] && result "$n image='$p'" PASS "" "rc=$rc src=$src $rmf cond=$cond" || result "$n image='$p'" FAIL "wrong result" "rc=$rc fstab read back as: $v ; cond=$cond"
    "$DS" teardown --root $R --delete-image >/dev/null 2>&1
  done
}
