# Part 6: swap folders for links to a host decoy while dockstore pauses in its atomic writes
part6() { local R DEC n
  for tgt in etc/sysconfig etc etc/systemd/system var/lib/dockstore; do
    R=$(newroot); DEC=$(mktemp -d /tmp/a41r-decoy.XXXXXX); reg dir "$DEC"; mkdir -p $R/etc/systemd/system $R/var/lib/dockstore $R$DEC; sleep_first=0.6
    n=p6-swap-$(echo $tgt | tr / _)
    ( DOCKSTORE_PAUSE=atomic-write strace -f -qq -e trace=%file,%desc -y -s 200 -o $OUT/$n.strace "$DS" provision --root $R --size 1G >$OUT/$n.out 2>$OUT/$n.err; echo $? > $OUT/$n.rc ) &
    local bg=$!; sleep $sleep_first
    # swap the folder repeatedly while the run pauses
    for i in $(seq 1 40); do
      if [ -d "$R/$tgt" ] && [ ! -L "$R/$tgt" ]; then mv "$R/$tgt" "$R/$tgt.moved.$i" 2>/dev/null && ln -s "$DEC" "$R/$tgt"; fi
      sleep 0.4; kill -0 $bg 2>/dev/null || break
      if [ -L "$R/$tgt" ]; then rm "$R/$tgt"; mv "$R/$tgt.moved.$i" "$R/$tgt" 2>/dev/null; fi
    done
    wait $bg
    local o; o=$(./outside.pl $R < $OUT/$n.strace); local dc; dc=$(find $DEC -mindepth 1 | head -5 | tr '\n' ' ')
    if [ -z "$o" ] && [ -z "$dc" ]; then result "$n" PASS "" "rc=$(cat $OUT/$n.rc) $(head -c 200 $OUT/$n.err|tr '\n' ' ')"; else result "$n" FAIL security "rc=$(cat $OUT/$n.rc) decoy=[$dc] $(echo "$o"|head -2)"; fi
    "$DS" teardown --root $R --delete-image >/dev/null 2>&1
  done
}
