# B: sysconfig/docker of odd kinds: refusal must be exit 2/64, one line, tree unchanged, nothing outside touched
caseB() {
  local OUTSIDE; OUTSIDE=$(mkroot); printf 'DOCKER_OPTS="--outside"\n' > $OUTSIDE/docker; local oh; oh=$(snap $OUTSIDE)
  local kind R rc
  for kind in symlink-abs symlink-rel fifo directory immutable crlf nul bom dir-symlink-out etc-symlink-proc sysconfig-loop; do
    R=$(mkroot); mkdir -p $R/etc/sysconfig
    case $kind in
      symlink-abs) ln -s $OUTSIDE/docker $R/etc/sysconfig/docker;;
      symlink-rel) ln -s ../../../../../../..$OUTSIDE/docker $R/etc/sysconfig/docker;;
      fifo) mkfifo $R/etc/sysconfig/docker;;
      directory) mkdir $R/etc/sysconfig/docker;;
      immutable) printf 'DOCKER_OPTS=""\n' > $R/etc/sysconfig/docker; chattr +i $R/etc/sysconfig/docker;;
      crlf) printf '# c\r\nDOCKER_OPTS=""\r\n' > $R/etc/sysconfig/docker;;
      nul) printf '# c\0x\nDOCKER_OPTS=""\n' > $R/etc/sysconfig/docker;;
      bom) printf '\xef\xbb\xbfDOCKER_OPTS="-D"\n' > $R/etc/sysconfig/docker;;
      dir-symlink-out) rmdir $R/etc/sysconfig; ln -s $OUTSIDE $R/etc/sysconfig;;
      etc-symlink-proc) rmdir $R/etc/sysconfig; ln -s /proc/self/root/$OUTSIDE $R/etc/sysconfig;;
      sysconfig-loop) rmdir $R/etc/sysconfig; ln -s sysconfig2 $R/etc/sysconfig; ln -s sysconfig $R/etc/sysconfig2;;
    esac
    local before after; before=$(snap $R)
    timeout 20 $D backend vfs --root $R >$OUT/B.$kind.out 2>$OUT/B.$kind.err; rc=$?
    after=$(snap $R); local oa; oa=$(snap $OUTSIDE)
    local nerr; nerr=$(grep -vc 'warning:' $OUT/B.$kind.err)
    local msg; msg=$(grep -v 'warning:' $OUT/B.$kind.err | head -2 | tr '\n' ' ' | cut -c1-300)
    echo "== $kind rc=$rc err=$(cat $OUT/B.$kind.err | cut -c1-400)" >> $OUT/B.log
    if [ "$oa" != "$oh" ]; then res B-$kind FAIL security "outside tree changed (rc=$rc): $msg"; continue; fi
    case $kind in
      symlink-rel|dir-symlink-out)
        # documented: links resolve inside the tree, so relative ../../ should stay within root; result may be create-in-root
        if [ $rc = 0 ]; then res B-$kind PASS - "rc=0, outside untouched; $(cat $OUT/B.$kind.out|head -1|cut -c1-150)"; 
        elif [ $rc = 2 ] || [ $rc = 64 ]; then [ "$before" = "$after" ] && [ "$nerr" -le 1 ] && res B-$kind PASS - "rc=$rc: $msg" || res B-$kind FAIL "wrong result" "rc=$rc tree changed or multi-line: $msg"
        else res B-$kind FAIL "wrong result" "rc=$rc: $msg"; fi;;
      *)
        if { [ $rc = 2 ] || [ $rc = 64 ]; } && [ "$before" = "$after" ] && [ "$nerr" -le 1 ]; then res B-$kind PASS - "rc=$rc: $msg"
        elif [ $rc = 0 ] && [ $kind = bom ]; then res B-$kind FAIL "wrong result" "accepted a BOM line (bash runs it as a command: $(env -i bash -c ". $R/etc/sysconfig/docker" 2>&1|head -1)); $(head -c 200 $OUT/B.$kind.out)"
        else res B-$kind FAIL "unclear message" "rc=$rc changed=$([ "$before" = "$after" ] && echo no || echo yes) lines=$nerr: $msg"; fi;;
    esac
  done
  # hard link: the other name
  R=$(mkroot); mkdir -p $R/etc/sysconfig; printf 'DOCKER_OPTS="-D"\n' > $R/etc/sysconfig/docker; ln $R/etc/sysconfig/docker $R/etc/docker-hardlink
  timeout 20 $D backend vfs --root $R >$OUT/B.hl.out 2>&1; rc=$?
  local nl; nl=$(stat -c %h $R/etc/sysconfig/docker)
  echo "== hardlink rc=$rc links=$nl; other name: $(cat $R/etc/docker-hardlink)" >> $OUT/B.log
  if [ $rc = 0 ] && [ "$nl" = 1 ]; then res B-hardlink FAIL "unclear message" "rc=0, the hard link was silently split (other name still '$(cat $R/etc/docker-hardlink)'), no warning: $(grep -i link $OUT/B.hl.out|head -1)"; else res B-hardlink PASS - "rc=$rc links=$nl $(grep -v warning $OUT/B.hl.out|head -1|cut -c1-200)"; fi
}
