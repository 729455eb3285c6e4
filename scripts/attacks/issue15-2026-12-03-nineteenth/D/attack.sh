#!/bin/bash
# Attack 19 D: docker.service as systemd 252 reads it vs dockstore. Re-runnable; cleans up all mounts it made.
set -u
D=/work/attack19/d; DS=$D/dockstore
LOWER=/var/cache/dockstore-boot-test/bookworm-c9321a38d22825c0/root
RUN=$D/run; OUT=$D/results; mkdir -p "$RUN" "$OUT"
T=""
cleanup() {
  if [ -n "$T" ]; then
    mountpoint -q "$T/sys" && umount -R "$T/sys"
    mountpoint -q "$T/proc" && umount "$T/proc"
    mountpoint -q "$T" && umount "$T"
  fi
  T=""
  mount | grep -q " $RUN/" || rm -rf "$RUN"
}
trap 'cleanup; exit' INT TERM
trap cleanup EXIT
GOOD_SVC=$'[Unit]\nDescription=Docker\n[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'
put() { mkdir -p "$(dirname "$T$1")"; cat > "$T$1"; }
lnk() { mkdir -p "$(dirname "$T$1")"; ln -sfn "$2" "$T$1"; }
LONG=$(head -c 1200000 /dev/zero | tr '\0' a)

case_N01() { : "UTF-8 BOM at the start of the unit file (good unit otherwise)"; printf '\xef\xbb\xbf%s' "$GOOD_SVC" | put /usr/lib/systemd/system/docker.service; }
case_N02() { : "ExecStart ends in backslash+blank, \$DOCKER_OPTS on the next line"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd \\ \n  $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }
case_N03() { : "ExecStart ends in two backslashes (escaped, no continuation), \$DOCKER_OPTS on next line"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd --label=a\\\\\\\\\n  $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }
case_N04() { : "EnvironmentFile=/etc/sysconfig/\\ continued with 'docker' on the next line"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/\\\ndocker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }
case_N05() { : "drop-in with a 1.2 MB comment line (systemd LONG_LINE_MAX is 1 MiB)"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\n# %s\nEnvironment=A=1\n' "$LONG" | put /etc/systemd/system/docker.service.d/x.conf; }
case_N06() { : "drop-in with a broken section header '[Service'"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service\nEnvironment=A=1\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N07() { : ".include of a file resetting EnvironmentFile"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n.include /etc/docker-extra.conf\n' | put /usr/lib/systemd/system/docker.service; printf '[Service]\nEnvironmentFile=\n' | put /etc/docker-extra.conf; }
case_N08() { : "NUL byte in a comment of a drop-in"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\n# a\0b\nEnvironment=A=1\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N09() { : "later EnvironmentFile=-%%Y/docker.env (fragment dir) sets vfs"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-%%Y/docker.env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; put /usr/lib/systemd/system/docker.env <<<'DOCKER_OPTS=--storage-driver=vfs'; }
case_N10() { : "later EnvironmentFile=-/etc/sysconfig/%%o (os-release ID=debian) sets vfs"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/sysconfig/%%o\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; put /etc/sysconfig/debian <<<'DOCKER_OPTS=--storage-driver=vfs'; }
case_N11() { : "drop-in ends with 'EnvironmentFile=\\' at EOF (no newline): continuation at EOF = reset"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\nEnvironmentFile=\\' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N12() { : "section header with trailing comment '[Service] # x' in the unit"; printf '[Unit]\nDescription=x\n[Service] # main\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }
case_N13() { : "later EnvironmentFile=-%%h/docker.env (home of root: /root) sets vfs"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-%%h/docker.env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; put /root/docker.env <<<'DOCKER_OPTS=--storage-driver=vfs'; }
case_N14() { : "EnvironmentFile in [Install] section (systemd ignores it) resets"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n[Install]\nEnvironmentFile=\nWantedBy=multi-user.target\n' | put /usr/lib/systemd/system/docker.service; }
case_N15() { : "drop-in whose ExecStart= reset + new line is continued from a comment line ending in backslash"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\n# old: \\\nExecStart=\nExecStart=/usr/bin/dockerd\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N16() { : "EnvironmentFile with a specifier %%%% right before: /etc/sysconfig/%%%%p (literal %%p file)"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/sysconfig/%%%%p\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; put '/etc/sysconfig/%p' <<<'DOCKER_OPTS=--storage-driver=vfs'; }

case_N17() { : "drop-in: Description ends in an even number of backslashes (no continuation), next line EnvironmentFile= resets"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Unit]\nDescription=note\\\\\\\\\n[Service]\nEnvironmentFile=\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N17b() { : "drop-in: Environment= ends in two backslashes, next line EnvironmentFile= resets (all in [Service])"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\nEnvironment=A=b\\\\\\\\\nEnvironmentFile=\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N18() { : "unit reads /etc/default/docker; drop-in: 1.2 MB comment line, then EnvironmentFile=/etc/sysconfig/docker"; printf '[Service]\nType=notify\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; printf '[Service]\n# %s\nEnvironmentFile=/etc/sysconfig/docker\n' "$LONG" | put /etc/systemd/system/docker.service.d/x.conf; }
case_N19() { : "unit reads /etc/default/docker; drop-in: '[Service # sysconfig]' header then EnvironmentFile=/etc/sysconfig/docker"; printf '[Service]\nType=notify\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; printf '[Service] # sysconfig\nEnvironmentFile=/etc/sysconfig/docker\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N19b() { : "good unit; drop-in: broken header '[Service' then EnvironmentFile= (reset)"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service\nEnvironmentFile=\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N21() { : "good unit; drop-in: comment line with a NUL, then EnvironmentFile= after the NUL on the same line"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\n# note\0EnvironmentFile=\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N16b() { : "later EnvironmentFile=-/etc/sysconfig/%%%%p (literal file %%p, harmless)"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/sysconfig/%%%%p\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; put '/etc/sysconfig/%p' <<<'LANG=C'; }
case_N23() { : "EnvironmentFile=/etc/sysconfig/dock\\x65r (systemd does not unescape)"; printf '[Service]\nType=notify\nEnvironmentFile=-/etc/sysconfig/dock\\x65r\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }
case_N24() { : "ExecStart=/usr/bin/dockerd \\x24DOCKER_OPTS (C escape of the dollar)"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd \\x24DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }
case_N25() { : "specifier sweep: EnvironmentFile=-/s/%X for many specifiers"; { printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\n'; for x in a A b B C d E f g G h H i I j J l L m M n N o p P q s S t T u U v V w W y Y; do printf 'EnvironmentFile=-/s/%s/%%%s\n' $x $x; done; printf 'ExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'; } | put /usr/lib/systemd/system/docker.service; }

case_N26() { : "EnvironmentFile=%%E/sysconfig/docker (specifier first: /etc/sysconfig/docker)"; printf '[Service]\nType=notify\nEnvironmentFile=%%E/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }
case_N26b() { : "later EnvironmentFile=-%%t/docker.env (%%t = /run) sets vfs"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-%%t/docker.env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; put /run/docker.env <<<'DOCKER_OPTS=--storage-driver=vfs'; }
case_N27() { : "EnvironmentFile=/etc/sysconfig/%%f (%%f = /docker)"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/%%f\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }

case_N09b() { : "later EnvironmentFile=-%%H/docker.env (host-dependent specifier first)"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-%%H/docker.env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }
case_N29() { : "drop-in: Description ends in three backslashes (odd: continuation), next line EnvironmentFile= joins the Description"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\nEnvironment=A=b\\\\\\\\\\\nEnvironmentFile=\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N31() { : "drop-in: NUL inside a key line: Environment=A=1<NUL>EnvironmentFile="; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\nEnvironment=A=1\0EnvironmentFile=\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N32() { : "drop-in with lone CR line ends: [Service]<CR>EnvironmentFile=<CR>"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\rEnvironmentFile=\r' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N33() { : "drop-in: comment line, lone CR, then EnvironmentFile= on the same physical line"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\n# note\rEnvironmentFile=\n' | put /etc/systemd/system/docker.service.d/x.conf; }

case_N34() { : "unit file itself holds a 1.2 MB comment line (good unit otherwise)"; { printf '[Unit]\n# %s\n' "$LONG"; printf '%s' "$GOOD_SVC"; } | put /usr/lib/systemd/system/docker.service; }

case_N37() { : "docker.service in /etc is a relative link ../../../dev/null (masks)"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; lnk /etc/systemd/system/docker.service ../../../dev/null; }
case_N38() { : "docker.service in /etc links to /opt/u/dockerx.service (outside the search path, good); drop-in dockerx.service.d resets EnvironmentFile"; put /opt/u/dockerx.service <<<"$GOOD_SVC"; lnk /etc/systemd/system/docker.service /opt/u/dockerx.service; printf '[Service]\nEnvironmentFile=\n' | put /etc/systemd/system/dockerx.service.d/x.conf; }
case_N38b() { : "same link outside the search path; the target (NOENV) is dockerx.service; drop-in dockerx.service.d adds sysconfig"; printf '[Service]\nType=notify\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /opt/u/dockerx.service; lnk /etc/systemd/system/docker.service /opt/u/dockerx.service; printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\n' | put /etc/systemd/system/dockerx.service.d/x.conf; }
case_N39() { : "invalid specifier: later EnvironmentFile=-/etc/x/%%z (systemd ignores the line)"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/x/%%z\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }

case_N38c() { : "systemctl-link style: /etc docker.service -> /opt/u/docker.service (good); /opt/u/docker.service.d/x.conf resets (not in the search path)"; put /opt/u/docker.service <<<"$GOOD_SVC"; lnk /etc/systemd/system/docker.service /opt/u/docker.service; printf '[Service]\nEnvironmentFile=\n' | put /opt/u/docker.service.d/x.conf; }
case_N40() { : "/etc docker.service -> /usr/lib/systemd/system/../system/moby.service (good); moby.service.d/x.conf in /etc resets"; put /usr/lib/systemd/system/moby.service <<<"$GOOD_SVC"; lnk /etc/systemd/system/docker.service /usr/lib/systemd/system/../system/moby.service; printf '[Service]\nEnvironmentFile=\n' | put /etc/systemd/system/moby.service.d/x.conf; }

case_N41() { : "drop-in header '[ Service ]' (unknown section to systemd) with EnvironmentFile= reset"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[ Service ]\nEnvironmentFile=\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N42() { : "drop-in key 'EnvironmentFile<NBSP>=' (unknown key to systemd) with empty value"; put /usr/lib/systemd/system/docker.service <<<"$GOOD_SVC"; printf '[Service]\nEnvironmentFile\xc2\xa0=\n' | put /etc/systemd/system/docker.service.d/x.conf; }
case_N42b() { : "unit EnvironmentFile=/etc/sysconfig/docker<NBSP> (a different, missing, required file)"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\xc2\xa0\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }
case_N42c() { : "unit ExecStart=/usr/bin/dockerd --debug<NBSP>\$DOCKER_OPTS (one word to systemd)"; printf '[Service]\nType=notify\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd --debug\xc2\xa0$DOCKER_OPTS\n' | put /usr/lib/systemd/system/docker.service; }

run_case() {
  local n=$1; local U=$RUN/$n
  rm -rf "$U"; mkdir -p "$U/u" "$U/w" "$U/t"; T=$U/t
  mount -t overlay overlay -o lowerdir=$LOWER,upperdir=$U/u,workdir=$U/w "$T" || return 1
  mkdir -p "$T/etc/sysconfig"; printf 'DOCKER_OPTS="--storage-driver=btrfs"\n' > "$T/etc/sysconfig/docker"
  rm -f "$T/etc/systemd/system/multi-user.target.wants/docker.service"
  "case_$n"
  { echo "### $n: $(declare -f case_$n | sed -n 3p | sed 's/^ *: "//; s/";$//')"
    echo "--- tree (upper):"; (cd "$U/u" && find . -path ./proc -prune -o -path ./sys -prune -o \( -type f -o -type l \) -print | grep -v -E '^\./(proc|sys)' | sort | while read -r f; do
        if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f:"; head -c 400 "$f" | cat -A | sed 's/^/    /'; fi; done)
    mount -t proc proc "$T/proc"; mount -t sysfs sysfs "$T/sys"; mount --rbind /sys/fs/cgroup "$T/sys/fs/cgroup"
    echo "--- systemd --test:"
    SYSTEMD_LOG_TARGET=null timeout 60 chroot --userspec=65534:65534 "$T" /lib/systemd/systemd --test --system --unit=docker.service 2>&1 \
      | awk '/-> Unit /{if(blk!="" && blk ~ /(-> Unit docker.service:|Alias: docker.service)/) printf "%s", blk; blk=""} {blk=blk $0 "\n"} END{if(blk ~ /(-> Unit docker.service:|Alias: docker.service)/) printf "%s", blk}' \
      | grep -E '^-> Unit|Alias:|Fragment Path|DropIn Path|EnvironmentFile|Unit Load State|ExecStart|Command Line|Environment|^\s+PATH:' | head -60
    echo "--- systemd-analyze verify:"
    timeout 60 chroot "$T" systemd-analyze verify /usr/lib/systemd/system/docker.service 2>&1 | grep -v -E 'containerd|docker.socket|network-online|firewalld' | head -8
    umount -R "$T/sys"; umount "$T/proc"
    echo "--- dockstore status --json dockerService:"
    "$DS" status --root "$T" --json 2>&1 | python3 -c 'import json,sys
d=json.load(sys.stdin); print(json.dumps(d.get("dockerService"),ensure_ascii=False)[:1500]); print("problems:",json.dumps(d.get("problems"),ensure_ascii=False)[:1500]); print("warnings:",json.dumps(d.get("warnings"),ensure_ascii=False)[:800])' 2>&1
    echo "--- dockstore backend:"; "$DS" backend --root "$T" 2>&1 | cut -c1-600 | head -60; echo "rc=${PIPESTATUS[0]}"
    echo "--- dockstore provision --dry-run (lines about docker.service / DOCKER_OPTS):"; "$DS" provision --dry-run --root "$T" 2>&1 | grep -i -E 'docker.service|DOCKER_OPTS|EnvironmentFile' | cut -c1-400 | head -8; echo "rc=${PIPESTATUS[0]}"
  } > "$OUT/$n.txt" 2>&1
  umount "$T"; T=""
  rm -rf "$U"
}
CASES=${*:-$(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//')}
for c in $CASES; do run_case "$c"; done
