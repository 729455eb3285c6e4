# A: sysconfig/docker unowned lines byte-exact through backend vfs and teardown
caseA() {
  local R; R=$(mkroot); mkdir -p $R/etc/sysconfig
  { printf '## Path:\tSystem/Management\n# caf\xe9 latin-1 \x01 ctrl\n\t# tab comment\n'
    printf '# %s\n' "$(head -c 300000 /dev/zero | tr '\0' x)"
    printf 'OTHER=\x27a\tb  c\x27\n\nDOCKER_OPTS="--log-level=warn -D"\n   \nLAST="z"'; } > $R/etc/sysconfig/docker
  cp $R/etc/sysconfig/docker $OUT/A.orig
  chmod 640 $R/etc/sysconfig/docker; setfattr -n user.atk -v keep $R/etc/sysconfig/docker
  $D backend vfs --root $R >$OUT/A.out 2>&1; echo "rc=$?" >>$OUT/A.out
  # Unowned lines: every line of orig except DOCKER_OPTS must appear in same order
  grep -av '^DOCKER_OPTS=' $OUT/A.orig > $OUT/A.o1
  grep -av -e '^DOCKER_OPTS=' -e '^# DOCKER_OPTS changed by dockstore' $R/etc/sysconfig/docker > $OUT/A.n1
  if cmp -s $OUT/A.o1 $OUT/A.n1; then res A1-unowned-bytes PASS - "other lines byte-exact after backend vfs"; else res A1-unowned-bytes FAIL "wrong result" "other lines changed: $(cmp $OUT/A.o1 $OUT/A.n1 2>&1|head -1)"; fi
  local m; m=$(stat -c '%a' $R/etc/sysconfig/docker); local x; x=$(getfattr --only-values -n user.atk $R/etc/sysconfig/docker 2>/dev/null)
  if [ "$m" = 640 ] && [ "$x" = keep ]; then res A2-mode-xattr PASS - "mode 640 and user xattr kept"; else res A2-mode-xattr FAIL "wrong result" "mode=$m xattr='$x' after rewrite"; fi
  # bash reading
  local v; v=$(env -i bash -c "set -a; . $R/etc/sysconfig/docker 2>/dev/null; printf %s \"\$DOCKER_OPTS\"")
  [ "$v" = "--log-level=warn -D --storage-driver=vfs" ] && res A3-bash-reads PASS - "bash reads '$v'" || res A3-bash-reads FAIL "wrong result" "bash reads '$v'"
  $D teardown --root $R >$OUT/A.td 2>&1; echo "rc=$?" >>$OUT/A.td
  if cmp -s $OUT/A.orig $R/etc/sysconfig/docker; then res A4-teardown-restores PASS - "teardown gives sysconfig back byte for byte"; else res A4-teardown-restores FAIL "wrong result" "teardown rc=$(tail -1 $OUT/A.td); file differs: $(diff <(cat -A $OUT/A.orig|cut -c1-80) <(cat -A $R/etc/sysconfig/docker|cut -c1-80) | head -5|tr '\n' ' ')"; fi
}
