# Part 1: hostile symlink tree, every command under strace
part1() {
  local R0 R DEC rootarg
  R0=$(mktemp -d /tmp/a41r.XXXXXX); reg dir "$R0"
  DEC=$(mktemp -d /tmp/a41r-decoy.XXXXXX); reg dir "$DEC"
  R=$R0/real; mkdir -p $R/E $R/S $R/S2 $R/V $R/VL $R$DEC/sysconfig $R$DEC/dockstore $R$DEC/run
  mkdir -p $DEC/sysconfig $DEC/dockstore $DEC/run; echo 'DOCKER_OPTS="decoy"' > $DEC/sysconfig/docker
  ln -s /E $R/etc; ln -s ../../../../../../S $R/E/systemd; ln -s /S2 $R/S/system
  ln -s $DEC/sysconfig $R/E/sysconfig; touch $R/E/fstab
  ln -s /V $R/var; ln -s ../../../../VL $R/V/lib; ln -s $DEC/dockstore $R/VL/dockstore; ln -s $DEC/run $R/run
  ln -s real $R0/link
  rootarg="$R0//link///"
  local dsum; dsum=$(cd $DEC && find . -printf '%p %y %m %s %T@\n' | sort; find $DEC -type f -exec sha256sum {} +)
  local hostetc; hostetc=$(ls -la --time-style=full-iso /etc/fstab /etc/sysconfig /etc/docker /var/lib/docker* /run/dockstore.lock /var/lib/dockstore 2>&1 | md5sum)
  local i=0
  for cmd in "provision --size 1G --dry-run" "provision --size 1G" "provision --size 1G" "status" "status --json" "check" "check --format prometheus --textfile /var/lib/dockstore" \
             "grow --to 2G --dry-run" "grow --to 2G" "backend" "backend btrfs --dry-run" "backend overlay2 --force" "backend btrfs" \
             "reclaim --dry-run" "reclaim" "migrate-ebs /dev/null --dry-run" "teardown --dry-run" "teardown --delete-image"; do
    i=$((i+1)); local n=p1-$i-${cmd%% *}
    trun "$n" $cmd --root "$rootarg"
    echo "== $n: $cmd rc=$RC" >> $OUT/p1.log; head -c 600 $OUT/$n.out >> $OUT/p1.log; head -c 600 $OUT/$n.err >> $OUT/p1.log
    local o; o=$(./outside.pl "$R0" "$R" "$(realpath $R)" < $OUT/$n.strace)
    local hr; hr=$(grep -E '^[0-9]+ +open' $OUT/$n.strace | grep -v -E 'O_WRONLY|O_RDWR|O_CREAT' | grep -v -E '"/proc/[0-9]+/fd/' | grep -oE '= [0-9]+<[^>]*>' | sed 's/^= [0-9]*<//;s/>$//' | grep -v -E "^($R0|/dev|/proc|/sys|/etc/ld.so.cache|/usr/lib|/lib)" | sort -u | tr '\n' ' ')
    if [ -z "$o" ] && [ -z "$hr" ]; then result "$n ($cmd)" PASS "" "rc=$RC"; else result "$n ($cmd)" FAIL security "rc=$RC outside: $(echo "$o"|head -3) hostreads: $hr"; fi
  done
  local dsum2; dsum2=$(cd $DEC && find . -printf '%p %y %m %s %T@\n' | sort; find $DEC -type f -exec sha256sum {} +)
  [ "$dsum" = "$dsum2" ] && result "p1-decoy-untouched" PASS || { result "p1-decoy-untouched" FAIL security "$(diff <(echo "$dsum") <(echo "$dsum2"))"; }
  local hostetc2; hostetc2=$(ls -la --time-style=full-iso /etc/fstab /etc/sysconfig /etc/docker /var/lib/docker* /run/dockstore.lock /var/lib/dockstore 2>&1 | md5sum)
  [ "$hostetc" = "$hostetc2" ] && result "p1-host-etc-untouched" PASS || result "p1-host-etc-untouched" FAIL security
  echo "tree after:"; (cd $R0 && find . -printf '%p %y %l\n' | sort) >> $OUT/p1.log
}
