# helper library for attack.sh
DS=${DOCKSTORE:-/work/attack41/r/dockstore}
OUT=/work/attack41/r/out
PASS=0; FAIL=0
# Everything created is written to a registry file, because roots are made inside $(...) subshells
# where a shell array would be lost.
REG=$OUT/.registry; mkdir -p $OUT; : > $REG
reg() { echo "$1 $2" >> $REG; }
cleanup() {
  local kind p
  # mounts: everything mounted at or below a registered folder, deepest first
  while read -r kind p; do [ "$kind" = dir ] || continue
    findmnt -rn -o TARGET | grep -F "$p" ; done < $REG | sort -ru | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  # loop devices over files in registered folders, and registered loop devices
  while read -r kind p; do [ "$kind" = dir ] || continue
    losetup -a | grep -F "($p/" | cut -d: -f1 | while read -r l; do losetup -d "$l" 2>/dev/null; done; done < $REG
  while read -r kind p; do [ "$kind" = loop ] && losetup -d "$p" 2>/dev/null; done < $REG
  while read -r kind p; do [ "$kind" = dir ] || continue; chattr -R -i -a "$p" 2>/dev/null; rm -rf --one-file-system "$p" 2>/dev/null; done < $REG
  : > $REG
}
trap cleanup EXIT
newroot() { local r; r=$(mktemp -d /tmp/a41r.XXXXXX); reg dir "$r"; mkdir -p "$r/etc/sysconfig" "$r/var/lib" "$r/run"; touch "$r/etc/fstab"; echo "$r"; }
snap() { # $1 root -> stdout a digest listing
  local r="$1"
  ( cd "$r" 2>/dev/null && find . -printf '%p %y %m %U:%G %s %T@ %l\n' | sort | grep -v -E 'docker-storage\.btrfs f '
    cd "$r" && find . -type f ! -name 'docker-storage.btrfs' -print0 2>/dev/null | sort -z | xargs -0r sha256sum 2>/dev/null
    stat -c 'image %s %a %U' "$r/var/lib/docker-storage.btrfs" 2>/dev/null
    getfattr -R -h -d -m - "$r" 2>/dev/null | sort
    lsattr -R -a "$r" 2>/dev/null | sort
    losetup -a | grep -F "$r" ; findmnt -rn | grep -F "$r" ) 
}
result() { # name verdict severity note
  if [ "$2" = PASS ]; then PASS=$((PASS+1)); else FAIL=$((FAIL+1)); fi
  printf '%-4s %-45s %s %s\n' "$2" "$1" "${3:-}" "${4:-}" | tee -a $OUT/results.txt
}
# run dockstore under strace; $1=name; rest=args. sets RC, MSG
trun() { local n="$1"; shift
  strace -f -qq -e trace=%file,%desc,mount,umount2,ioctl -y -s 200 -o $OUT/$n.strace "$DS" "$@" >$OUT/$n.out 2>$OUT/$n.err; RC=$?
  MSG=$(cat $OUT/$n.err)
}
# refusal test: name, expected rc, root, args...
refuse() { local n="$1" erc="$2" r="$3"; shift 3
  local before after; before=$(snap "$r")
  trun "$n" "$@"
  after=$(snap "$r")
  local d; d=$(diff <(echo "$before") <(echo "$after"))
  local lines; lines=$(grep -c . $OUT/$n.err)
  if [ "$RC" = "$erc" ] && [ -z "$d" ]; then result "$n" PASS "" "rc=$RC lines=$lines: $(head -c 300 $OUT/$n.err|tr '\n' ' ')"
  else result "$n" FAIL "" "rc=$RC (want $erc) changed=$( [ -n "$d" ] && echo yes || echo no) : $(head -c 400 $OUT/$n.err|tr '\n' ' ') $(head -c 300 $OUT/$n.out|tr '\n' ' ')"; echo "$d" > $OUT/$n.diff; fi
}
# confinement: list write-ish syscalls touching paths outside root $2
outside() { local n="$1" r="$2"; local rr; rr=$(realpath "$r")
  grep -E '(openat2?|open|creat)\(.*(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC)|rename|unlink|rmdir|mkdir|chmod|chown|mount\(|umount|symlink|linkat|truncate|mknod|setxattr|utimens|write\(|pwrite' $OUT/$n.strace \
   | grep -v -E 'write\([12]<' \
   | perl -ne 'my $l=$_; my @p = ($l =~ /<([^<>]*)>/g); push @p, ($l =~ /"(\/[^"]*)"/g);
       for my $p (@p){ next if $p =~ m{^(pipe|socket|anon_inode|TCP|UDP|UNIX)}; next if $p =~ m{^/(dev|proc|sys)(/|$)};
         next if index($p,"'"$r"'")==0 || index($p,"'"$rr"'")==0; print "OUT[$p]: $l"; last }' 
}
hostreads() { local n="$1" r="$2";
  grep -E 'open(at2?)?\(' $OUT/$n.strace | grep -v -E 'O_WRONLY|O_RDWR|O_CREAT' | grep -oE '"/(etc|var|run|usr/local)[^"]*"' | sort -u | grep -v -E 'ld.so|/etc/localtime|nsswitch|passwd|group|/etc/blkid|gconv|locale'
}
