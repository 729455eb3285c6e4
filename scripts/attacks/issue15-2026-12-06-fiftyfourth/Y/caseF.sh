# F: SIGKILL backend at random points; next run (a different driver) must leave no temp files and whole files
caseF() {
  local R i bad=0 notes="" seen_tmp=0
  local N=${F_ITER:-40}
  for i in $(seq $N); do
    R=$(mkroot); mkdir -p $R/etc/sysconfig $R/etc/docker $R/var/lib/docker
    printf '# keep \xe9\nDOCKER_OPTS="-D --log-level=warn"\nOTHER="x"' > $R/etc/sysconfig/docker
    printf '{\n  "storage-driver": "overlay2",\n  "labels": ["k=v"]\n}\n' > $R/etc/docker/daemon.json
    local pause=""; [ $((i % 3)) = 0 ] && pause=atomic-write
    DOCKSTORE_PAUSE=$pause $D backend vfs --root $R >/dev/null 2>&1 &
    local p=$!; local ms=$(( RANDOM % 150 )); [ -n "$pause" ] && ms=$(( ms + RANDOM % 2500 ))
    sleep $(printf '0.%03d' $((ms % 1000))); [ $ms -ge 1000 ] && sleep $((ms / 1000))
    kill -KILL $p 2>/dev/null; wait $p 2>/dev/null
    local left; left=$(cd $R && find . -path ./run -prune -o -type f -print | grep -v -e '^./etc/sysconfig/docker$' -e '^./etc/docker/daemon.json$' -e 'dockstore.bak$' -e '^./etc/sysconfig/dockstore$' | tr '\n' ' ')
    [ -n "$left" ] && seen_tmp=$((seen_tmp+1))
    # follow-up: a different driver
    timeout 30 $D backend overlay2 --force --root $R >$OUT/F.$i.out 2>&1; local rc=$?
    local left2; left2=$(cd $R && find . -path ./run -prune -o -type f -print | grep -v -e '^./etc/sysconfig/docker$' -e '^./etc/docker/daemon.json$' -e 'dockstore.bak$' -e '^./etc/sysconfig/dockstore$' | tr '\n' ' ')
    local v; v=$(env -i bash -c "set -a; . $R/etc/sysconfig/docker 2>/dev/null; printf %s \"\$DOCKER_OPTS|\$OTHER\"")
    python3 -c "import json,sys; json.load(open(sys.argv[1]))" $R/etc/docker/daemon.json 2>/dev/null; local js=$?
    if [ $rc != 0 ] || [ -n "$left2" ] || [ "$v" != "-D --log-level=warn --storage-driver=overlay2|x" ] || [ $js != 0 ] || ! head -1 $R/etc/sysconfig/docker | grep -qa $'\xe9'; then
      bad=$((bad+1)); notes="$notes [iter $i killed at ${ms}ms pause=$pause: rc=$rc left-after-rerun='$left2' left-after-kill='$left' bash='$v' json=$js: $(grep dockstore: $OUT/F.$i.out | head -1 | cut -c1-200)]"
    fi
  done
  if [ $bad = 0 ]; then res F-kill-backend PASS - "$N kills ($seen_tmp left temp files, all cleaned by the next run; files whole)"; else res F-kill-backend FAIL "wrong result" "$bad of $N:$(echo "$notes" | cut -c1-900)"; fi
}
