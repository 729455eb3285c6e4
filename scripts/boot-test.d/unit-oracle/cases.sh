# boot-test, unit-oracle scenario: the trees (sourced by scripts/boot-test). Each case_NAME
# function writes docker.service's files into the tree at $1 (an overlay of the cached Debian
# root, whose /lib is /usr/lib); the scenario then compares what `dockstore status --json`
# says of docker.service with the dump of systemd 252's own loader for that tree.
U=usr/lib/systemd/system E=etc/systemd/system
SUSE='[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'
unit() { mkdir -p "$1/$U"; printf "$SUSE" > "$1/$U/docker.service"; }
put() { mkdir -p "$(dirname "$1")"; printf "$2" > "$1"; }
UNIT_ORACLE_CASES=(suse reset etc-masks-lib masked-dropin link-to-other alias-dropin own-masks-wide
  own-masks-wide-same-folder name-with-space description-latin1 dropin-latin1 specifier glob crlf
  debian-default later-file not-normalized dangling-link two-execstart empty-unit unit-to-dev-null
  hidden-dropin dropin-folder run-dropin control-dropin prefix-dropin id-before-alias
  d-blank-after-backslash d-even-backslashes d-nul d-lone-cr d-long-line d-long-line-dropin d-nbsp-value
  d-nbsp-key d-link-outside d-percent-y d-percent-percent d-invalid-specifier d-os-release d-header-comment
  d-relative-mask)
case_suse() { unit "$1"; }
case_reset() { unit "$1"; put "$1/$E/docker.service.d/x.conf" '[Service]\nEnvironmentFile=\nEnvironmentFile=-/etc/default/docker\n'; }
case_etc-masks-lib() { unit "$1"; put "$1/$U/docker.service.d/x.conf" '[Service]\nEnvironmentFile=\n'; put "$1/$E/docker.service.d/x.conf" '[Service]\nEnvironment=A=1\n'; }
case_masked-dropin() { unit "$1"; put "$1/$U/docker.service.d/x.conf" '[Service]\nEnvironmentFile=\n'; mkdir -p "$1/$E/docker.service.d"; ln -s /dev/null "$1/$E/docker.service.d/x.conf"; }
case_link-to-other() { rm -f "$1/$U/docker.service"; printf "$SUSE" > "$1/$U/other.service"; mkdir -p "$1/$E"; ln -s /$U/other.service "$1/$E/docker.service"
  put "$1/$E/other.service.d/x.conf" '[Service]\nEnvironmentFile=\n'; }
case_alias-dropin() { unit "$1"; mkdir -p "$1/$E"; ln -s /$U/docker.service "$1/$E/dockerd.service"; put "$1/$E/dockerd.service.d/x.conf" '[Service]\nEnvironmentFile=\n'; }
case_own-masks-wide() { put "$1/$U/docker.service" '[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'
  put "$1/$U/docker.service.d/x.conf" '[Service]\nEnvironmentFile=/etc/sysconfig/docker\n'; put "$1/$E/service.d/x.conf" '[Service]\nEnvironment=A=1\n'; }
case_own-masks-wide-same-folder() { unit "$1"; put "$1/$E/service.d/x.conf" '[Service]\nEnvironmentFile=\n'; put "$1/$E/docker.service.d/x.conf" '[Service]\nEnvironment=A=1\n'; }
case_name-with-space() { unit "$1"; put "$1/$E/docker.service.d/my override.conf" '[Service]\nEnvironmentFile=-/etc/default/docker\n'; }
case_description-latin1() { put "$1/$U/docker.service" '[Unit]\nDescription=Docker caf\351\n[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'; }
case_dropin-latin1() { unit "$1"; put "$1/$E/docker.service.d/x.conf" '[Service]\nEnvironmentFile=\nEnvironment=A=caf\351\nEnvironmentFile=/etc/sysconfig/docker\n'; }
case_specifier() { put "$1/$U/docker.service" '[Service]\nEnvironmentFile=/etc/sysconfig/%%p\nEnvironmentFile=-%%E/default/%%N\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'; }
case_glob() { put "$1/$U/docker.service" '[Service]\nEnvironmentFile=-/etc/sysconfig/dock*\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'
  put "$1/etc/sysconfig/docker" 'DOCKER_OPTS="-s btrfs"\n'; put "$1/etc/sysconfig/docker.dockstore.bak" 'DOCKER_OPTS="-s vfs"\n'; }
case_crlf() { put "$1/$U/docker.service" '[Service]\r\nEnvironmentFile=/etc/sysconfig/docker\r\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\r\n'; }
case_debian-default() { :; } # the cached root's own docker.io unit
case_later-file() { unit "$1"; put "$1/$E/docker.service.d/x.conf" '[Service]\nEnvironmentFile=-/etc/docker/extra.env\n'; }
case_not-normalized() { put "$1/$U/docker.service" '[Service]\nEnvironmentFile=/etc/../etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'; }
case_dangling-link() { unit "$1"; mkdir -p "$1/$E"; ln -s /nowhere/docker.service "$1/$E/docker.service"; }
case_two-execstart() { unit "$1"; put "$1/$E/docker.service.d/x.conf" '[Service]\nExecStart=/usr/bin/dockerd --debug\n'; }
case_empty-unit() { unit "$1"; mkdir -p "$1/$E"; : > "$1/$E/docker.service"; }
case_unit-to-dev-null() { unit "$1"; mkdir -p "$1/$E"; ln -s /dev/null "$1/$E/docker.service"; }
case_hidden-dropin() { unit "$1"; put "$1/$E/docker.service.d/.x.conf" '[Service]\nEnvironmentFile=\n'; }
case_dropin-folder() { unit "$1"; mkdir -p "$1/$E/docker.service.d/x.conf"; put "$1/$U/docker.service.d/x.conf" '[Service]\nEnvironmentFile=-/etc/default/docker\n'; }
case_run-dropin() { unit "$1"; put "$1/run/systemd/system/docker.service.d/x.conf" '[Service]\nEnvironmentFile=\n'; put "$1/$U/docker.service.d/x.conf" '[Service]\nEnvironment=A=1\n'; }
case_control-dropin() { unit "$1"; put "$1/etc/systemd/system.control/docker.service.d/50-x.conf" '[Service]\nEnvironmentFile=-/etc/default/docker\n'; }
case_prefix-dropin() { rm -f "$1/$U/docker.service"; printf "$SUSE" > "$1/$U/my-docker.service"; mkdir -p "$1/$E"; ln -s /$U/my-docker.service "$1/$E/docker.service"
  put "$1/$E/my-.service.d/x.conf" '[Service]\nEnvironmentFile=-/etc/default/docker\n'; }
case_id-before-alias() { case_link-to-other "$1"; put "$1/$E/docker.service.d/x.conf" '[Service]\nEnvironmentFile=-/etc/default/docker\n'; }
# attack 19, D: F1-F13
GOOD='[Unit]\nDescription=Docker\n[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'
case_d-blank-after-backslash() { put "$1/$U/docker.service" '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd \\ \n  $DOCKER_OPTS\n'; }
case_d-even-backslashes() { put "$1/$U/docker.service" "$GOOD"; put "$1/$E/docker.service.d/x.conf" '[Unit]\nDescription=note\\\\\n[Service]\nEnvironmentFile=\n'; }
case_d-nul() { put "$1/$U/docker.service" "$GOOD"; put "$1/$E/docker.service.d/x.conf" '[Service]\nEnvironment=A=1\0EnvironmentFile=\n'; }
case_d-lone-cr() { put "$1/$U/docker.service" "$GOOD"; put "$1/$E/docker.service.d/x.conf" '[Service]\n# note\rEnvironmentFile=\n'; }
case_d-long-line() { mkdir -p "$1/$U"; { printf '[Unit]\n# '; head -c 1200000 /dev/zero | tr '\0' a; printf "\n$GOOD"; } > "$1/$U/docker.service"; }
case_d-long-line-dropin() { put "$1/$U/docker.service" '[Service]\nType=notify\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'
  mkdir -p "$1/$E/docker.service.d"; { printf '[Service]\n# '; head -c 1200000 /dev/zero | tr '\0' a; printf '\nEnvironmentFile=/etc/sysconfig/docker\n'; } > "$1/$E/docker.service.d/x.conf"; }
case_d-nbsp-value() { put "$1/$U/docker.service" '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\302\240\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'; }
case_d-nbsp-key() { put "$1/$U/docker.service" "$GOOD"; put "$1/$E/docker.service.d/x.conf" '[Service]\nEnvironmentFile\302\240=\n'; }
case_d-link-outside() { rm -f "$1/$U/docker.service"; put "$1/opt/u/dockerx.service" "$GOOD"; mkdir -p "$1/$E"; ln -s /opt/u/dockerx.service "$1/$E/docker.service"
  put "$1/$E/dockerx.service.d/x.conf" '[Service]\nEnvironmentFile=\n'; }
case_d-percent-y() { put "$1/$U/docker.service" '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-%%Y/docker.env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'
  put "$1/$U/docker.env" 'DOCKER_OPTS=--storage-driver=vfs\n'; }
case_d-percent-percent() { put "$1/$U/docker.service" '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/sysconfig/%%%%p\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'
  put "$1/etc/sysconfig/%p" 'LANG=C\n'; }
case_d-invalid-specifier() { put "$1/$U/docker.service" '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/x/%%z\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'; }
case_d-os-release() { put "$1/$U/docker.service" '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/sysconfig/%%o\nEnvironmentFile=-/s/%%w/%%y\nEnvironmentFile=-/s/C/%%C\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'; }
case_d-header-comment() { put "$1/$U/docker.service" '[Unit]\nDescription=x\n[Service] # main\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'; }
case_d-relative-mask() { put "$1/$U/docker.service" "$GOOD"; mkdir -p "$1/$E"; ln -s ../../../dev/null "$1/$E/docker.service"; }

# Generated trees (seeded, so a failure replays with its seed): a unit in /usr/lib or /etc, or
# a link to another unit; up to four drop-ins drawn from a few names and folders (the unit's,
# an alias's, the type-wide one, /run, system.control), each with lines drawn from resets,
# environment files with and without `-` and specifiers, ExecStart= lines, comments and a
# line that is not UTF-8.
UNIT_ORACLE_RANDOM="${UNIT_ORACLE_RANDOM:-40}"
RANDOM_LINES=('EnvironmentFile=' 'EnvironmentFile=-/etc/default/docker' 'EnvironmentFile=/etc/sysconfig/%%p'
  'EnvironmentFile=-/etc/sysconfig/dock*' 'Environment=A=1' 'ExecStart=' 'ExecStart=/usr/bin/dockerd $DOCKER_OPTS'
  '# caf\351' 'Environment=B=caf\351' 'EnvironmentFile=-/etc/%%N.env' 'UnsetEnvironment=A')
RANDOM_FOLDERS=("$E/docker.service.d" "$U/docker.service.d" "run/systemd/system/docker.service.d" "$E/service.d"
  "$U/service.d" "etc/systemd/system.control/docker.service.d" "$E/dockerd.service.d")
RANDOM_NAMES=(x.conf y.conf 'a b.conf' 10-z.conf)
case_random() { # TREE SEED
  local t="$1" i j n body
  RANDOM="$2"
  case $((RANDOM % 4)) in
    0) unit "$t" ;;
    1) unit "$t"; rm -f "$t/$U/docker.service"; put "$t/$E/docker.service" "$SUSE" ;;
    2) rm -f "$t/$U/docker.service"; printf "$SUSE" > "$t/$U/other.service"; mkdir -p "$t/$E"; ln -s /$U/other.service "$t/$E/docker.service"
       RANDOM_FOLDERS+=("$E/other.service.d") ;;
    3) unit "$t"; mkdir -p "$t/$E"; ln -s /$U/docker.service "$t/$E/dockerd.service" ;;
  esac
  put "$t/etc/sysconfig/docker" 'DOCKER_OPTS="-s btrfs"\n'
  [ $((RANDOM % 2)) = 0 ] && put "$t/etc/sysconfig/docker.dockstore.bak" 'DOCKER_OPTS="-s vfs"\n'
  n=$((RANDOM % 5))
  local folder line
  for ((i = 0; i < n; i++)); do
    folder="${RANDOM_FOLDERS[RANDOM % ${#RANDOM_FOLDERS[@]}]}"
    body='[Service]\n'
    for ((j = 0; j < 1 + RANDOM % 3; j++)); do
      line="${RANDOM_LINES[RANDOM % ${#RANDOM_LINES[@]}]}"
      # ExecStart= in the type-wide folder breaks every service, rescue.service too: no dump at all
      [[ "$folder" == */service.d && "$line" == ExecStart* ]] && continue
      body+="$line\\n"
    done
    put "$t/$folder/${RANDOM_NAMES[RANDOM % ${#RANDOM_NAMES[@]}]}" "$body"
  done
}
