# G: bad input: exit 2/64, ONE line naming the input, tree unchanged
caseG() {
  local R; R=$(mkroot); mkdir -p $R/etc/sysconfig $R/etc/docker $R/var/lib/docker
  printf 'DOCKER_OPTS="-D"\n' > $R/etc/sysconfig/docker; printf '{"log-level":"warn"}\n' > $R/etc/docker/daemon.json
  touch $R/plainfile
  local before; before=$(snap $R)
  local -a cmds=(
    "backend nosuchdriver"
    "backend vfs --storage-opt size=10E"
    "backend vfs --storage-opt size"
    "backend vfs --storage-opt nokey=1"
    "backend btrfs --storage-opt btrfs.min_space=1G,btrfs.min_space=2G"
    "backend vfs --lock-timeout -1"
    "backend vfs --lock-timeout abc"
    "backend vfs --mountpoint relative/path"
    "backend vfs --mountpoint /var/lib/\xe2\x80\xaerekcod"
    "backend vfs --mountpoint /var/lib/do\xffcker"
    "backend vfs --root /tmp --root /tmp"
    "backend vfs --storage-opt size=1G --storage-opt size=2G"
    "teardown --bogus"
    "provision --device PLAIN --dry-run"
    "provision --size 0 --dry-run"
    "provision --size -5G --dry-run"
    "provision --image /var/lib/ --dry-run"
    "provision --mountpoint / --dry-run"
    "provision --mountpoint /var/lib/%%d --dry-run"
    "grow --to 1Q"
    "check -w 20%%:10%%"
    "status --json extra"
  )
  local c
  for c in "${cmds[@]}"; do
    local cc; cc=$(printf "$c"); cc=${cc//PLAIN/$R\/plainfile}
    local args; eval "args=($cc)"
    local rr="--root $R"; [[ "$cc" == *"--root /tmp"* ]] && rr=""
    timeout 20 $D "${args[@]}" $rr >$OUT/G.out 2>$OUT/G.err; local rc=$?
    local after; after=$(snap $R)
    local lines; lines=$(grep -vc 'warning:' $OUT/G.err)
    local msg; msg=$(head -c 400 $OUT/G.err | tr '\n' '|')
    local ok=1 why=""
    case "$c" in check*) [ $rc = 3 ] || { ok=0; why="rc=$rc (want 3)"; };; *) { [ $rc = 2 ] || [ $rc = 64 ]; } || { ok=0; why="rc=$rc"; };; esac
    [ "$before" = "$after" ] || { ok=0; why="$why tree changed"; }
    [ "$lines" -le 1 ] || { ok=0; why="$why $lines lines"; }
    echo "== $c rc=$rc out=$(head -c 300 $OUT/G.out|tr '\n' '|') err=$msg" >> $OUT/G.log
    if [ $ok = 1 ]; then res "G-$(echo "$c"|tr ' /' '__'|cut -c1-40)" PASS - "rc=$rc: $(echo "$msg"|cut -c1-220)"
    else res "G-$(echo "$c"|tr ' /' '__'|cut -c1-40)" FAIL "unclear message" "$why: $(echo "$msg"|cut -c1-300) out=$(head -c 200 $OUT/G.out|tr '\n' '|')"; fi
    before=$after
  done
}
