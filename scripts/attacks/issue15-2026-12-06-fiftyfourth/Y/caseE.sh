# E: confinement: links and bind mounts inside --root must not lead reads/writes outside
caseE() {
  local OUTSIDE; OUTSIDE=$(mkroot); mkdir -p $OUTSIDE/etc/sysconfig $OUTSIDE/etc/docker $OUTSIDE/var/lib/docker
  printf 'DOCKER_OPTS="--outside-marker"\n' > $OUTSIDE/etc/sysconfig/docker; printf '{"storage-driver":"overlay2"}\n' > $OUTSIDE/etc/docker/daemon.json
  local oh; oh=$(snap $OUTSIDE); local R rc kind
  for kind in rel-escape-etc bind-sysconfig bind-etc bind-docker-dir bind-varlib rbind-etc-ro bind-srv-configfile bind-etc-docker-file; do
    R=$(mkroot); mkdir -p $R/etc/sysconfig $R/var/lib
    printf 'DOCKER_OPTS=""\n' > $R/etc/sysconfig/docker
    case $kind in
      rel-escape-etc) rm -rf $R/etc; ln -s ../../../../../../../..$OUTSIDE/etc $R/etc;;
      bind-sysconfig) mount --bind $OUTSIDE/etc/sysconfig $R/etc/sysconfig;;
      bind-etc) mount --bind $OUTSIDE/etc $R/etc;;
      bind-docker-dir) mkdir -p $R/etc/docker; mount --bind $OUTSIDE/etc/docker $R/etc/docker;;
      bind-varlib) mkdir -p $R/var/lib; mount --bind $OUTSIDE/var/lib $R/var/lib;;
      rbind-etc-ro) mount --bind -o ro $OUTSIDE/etc $R/etc;;
      bind-srv-configfile) mkdir -p $R/srv; mount --bind $OUTSIDE/etc/docker $R/srv; printf 'DOCKER_OPTS="--config-file=/srv/daemon.json"\n' > $R/etc/sysconfig/docker;;
      bind-etc-docker-file) mkdir -p $R/etc/docker; : > $R/etc/docker/daemon.json; mount --bind $OUTSIDE/etc/docker/daemon.json $R/etc/docker/daemon.json;;
    esac
    local before; before=$(snap $R)
    timeout 20 $D backend vfs --root $R >$OUT/E.$kind.out 2>&1; rc=$?
    local oa; oa=$(snap $OUTSIDE)
    echo "== $kind rc=$rc $(head -c 700 $OUT/E.$kind.out)" >> $OUT/E.log
    findmnt -rn -o TARGET | grep "^$R" | sort -r | while read m; do umount "$m"; done
    if [ "$oa" != "$oh" ]; then res E-$kind FAIL security "backend vfs --root R (rc=$rc) changed the tree OUTSIDE --root: $(diff <(echo "$oh") <(echo "$oa") | grep '^[<>]' | head -3 | tr '\n' ' ' | cut -c1-250) ; output: $(grep -v warning $OUT/E.$kind.out | head -1 | cut -c1-200)"
      # restore outside
      printf 'DOCKER_OPTS="--outside-marker"\n' > $OUTSIDE/etc/sysconfig/docker; printf '{"storage-driver":"overlay2"}\n' > $OUTSIDE/etc/docker/daemon.json; rm -f $OUTSIDE/etc/sysconfig/docker.dockstore.bak $OUTSIDE/etc/docker/daemon.json.dockstore.bak $OUTSIDE/etc/sysconfig/dockstore; oh=$(snap $OUTSIDE)
    else res E-$kind PASS - "outside unchanged; rc=$rc: $(grep -v warning $OUT/E.$kind.out | head -1 | cut -c1-200)"; fi
  done
}
