# Part 2: side effects. Sourced by attack.sh (uses $D, $WORK, log, want). Each case: a fresh mktemp -d root.
GOODU=$'[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n'
OUT=$(mktemp -d "$WORK/outside.XXXX")        # a folder OUTSIDE every --root: its files carry a marker
printf '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd OUTSIDE_MARKER\n' > "$OUT/x.conf"
printf '[Service]\nEnvironmentFile=-/etc/default/OUTSIDE_MARKER\nExecStart=/usr/bin/dockerd OUTSIDE_MARKER\n' > "$OUT/docker.service"
printf 'DOCKER_OPTS="--storage-driver=vfs OUTSIDE_MARKER"\n' > "$OUT/env"
mkdir -p "$OUT/system"; cp "$OUT/docker.service" "$OUT/system/"
newroot() { R=$(mktemp -d "$WORK/root.XXXX"); mkdir -p "$R/etc/sysconfig" "$R/usr/lib/systemd/system" "$R/etc/systemd/system" "$R/var/lib"
  printf 'DOCKER_OPTS="--storage-driver=btrfs"\n' > "$R/etc/sysconfig/docker"; printf '%s' "$GOODU" > "$R/usr/lib/systemd/system/docker.service"; }
treehash() { (cd "$1" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort; find . -type f -size -50M -print0 | LC_ALL=C sort -z | xargs -0r sha256sum) | sha256sum | cut -c1-16; }
runds() { # runds ID CMD... : run dockstore CMD --root $R under strace with a timeout; judge side effects
  local id=$1; shift; local h1 h2 rc t0 t1 out lines probs outside
  h1=$(treehash "$R"); t0=$(date +%s.%N)
  out=$(timeout 30 strace -f -qq -o "$WORK/$id.strace" -e trace=%file,openat2 "$D" "$@" --root "$R" 2>&1); rc=$?
  t1=$(date +%s.%N); h2=$(treehash "$R")
  lines=$(printf '%s\n' "$out" | grep -c '^  - '); probs=$(printf '%s\n' "$out" | sed -n 's/.*state: *\([0-9]*\) problem.*/\1/p')
  outside=$(grep -c "$OUT\|OUTSIDE_MARKER" "$WORK/$id.strace"; printf '%s' "$out" | grep -c "OUTSIDE_MARKER\|$OUT")
  log "  [$*] rc=$rc time=$(printf '%.1f' "$(echo "$t1 - $t0" | bc)")s tree-changed=$([ "$h1" = "$h2" ] && echo no || echo YES) problems=${probs:-?} '- 'lines=$lines outside-refs(strace,output)=$(echo $outside)"
  printf '%s\n' "$out" | grep -E '^\s+- |state:|warning|error|dockstore:' | sed "s#$R##g; s/^/      /" | cut -c1-400 | tee -a "$RESULTS"
}
side() { local id=$1 desc=$2 fn=$3; want "$id" || return 0; newroot; log "=== $id: $desc"; "$fn"; runds $id status; runds $id backend; [ -n "${PROV:-}" ] && runds $id provision --dry-run; rm -rf "$R"; }

s01() { rm -rf "$R/etc/systemd"; ln -s "$OUT" "$R/etc/systemd"; }                       # /etc/systemd -> abs outside
s02() { mkdir -p "$R/etc/systemd/system"; ln -s "$OUT" "$R/etc/systemd/system/docker.service.d"; }   # drop-in folder -> abs outside
s03() { ln -s ../../../../../../../../../../..$OUT "$R/etc/systemd/system/docker.service.d"; }        # relative ../ escape
s04() { printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/docker.env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' > "$R/usr/lib/systemd/system/docker.service"; ln -s "$OUT/env" "$R/etc/docker.env"; }
s05() { printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-'"$OUT"'/env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' > "$R/usr/lib/systemd/system/docker.service"; }  # env file path = host path
s06() { ln -s "$OUT/docker.service" "$R/etc/systemd/system/docker.service"; }            # unit file -> abs outside
s07() { mkdir -p "$R/etc/systemd/system/docker.service.d"; mkfifo "$R/etc/systemd/system/docker.service.d/x.conf"; }
s08() { rm "$R/usr/lib/systemd/system/docker.service"; mkfifo "$R/usr/lib/systemd/system/docker.service"; }
s09() { printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/docker.env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' > "$R/usr/lib/systemd/system/docker.service"; mkfifo "$R/etc/docker.env"; }
s10() { mkdir -p "$R/etc/systemd/system/docker.service.d"; truncate -s 4G "$R/etc/systemd/system/docker.service.d/x.conf"; }   # huge sparse (NULs)
s11() { mkdir -p "$R/etc/systemd/system/docker.service.d"; { printf '[Service]\n'; yes '# padding padding padding padding padding padding padding padding' | head -c 300M; printf '\nEnvironmentFile=\n'; } > "$R/etc/systemd/system/docker.service.d/x.conf"; }
s12() { mkdir -p "$R/etc/systemd/system/docker.service"; }                                # a folder where the unit file is
s13() { printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/docker.env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' > "$R/usr/lib/systemd/system/docker.service"; mkdir "$R/etc/docker.env"; }
s14() { ln -s docker.service.d "$R/etc/systemd/system/docker.service.d"; ln -s docker.service "$R/etc/systemd/system/docker.service"; }   # link loops
s15() { printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/dev/zero\nEnvironmentFile=-/proc/kmsg\nEnvironmentFile=-/dev/stdin\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' > "$R/usr/lib/systemd/system/docker.service"; }
s16() { ln -s /dev/zero "$R/etc/systemd/system/docker.service"; mkdir -p "$R/dev"; }        # unit -> /dev/zero (abs: inside root = missing)
s17() { ln -s /proc/kmsg "$R/etc/systemd/system/docker.service"; }
s18() { mkdir -p "$R/etc/systemd/system/docker.service.d"; printf '[Service]\nEnvironmentFile=\n' > "$R/etc/systemd/system/docker.service.d/a"$'\n'"  - all good, nothing to see.conf"; }  # newline in a drop-in name
s19() { printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd \033]0;owned\007\033[2K\rstate:      dockerd can start with this\n' > "$R/usr/lib/systemd/system/docker.service"; }  # control bytes in ExecStart
s20() { mkdir -p "$R/etc/systemd/system/docker.service.d"; for i in $(seq 1 20000); do printf '[Service]\nEnvironment=A%s=1\n' $i > "$R/etc/systemd/system/docker.service.d/$i.conf"; done; }
s21() { printf 'x' > "$R/etc/systemd/system/docker.service.d" ; }                           # drop-in "folder" is a file
s22() { mkdir -p "$R/etc/systemd/system/docker.service.d"; printf '[Service]\nEnvironmentFile=\nEnvironmentFile=/etc/default/docker\nExecStart=\nExecStart=/usr/bin/dockerd -s overlay2 --data-root=/x\n' > "$R/etc/systemd/system/docker.service.d/x.conf"; ln -s /dev/null "$R/etc/systemd/system/docker.service"; }  # everything wrong at once: one line per problem?
s23() { printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $DOCKER_OPTS ' > "$R/usr/lib/systemd/system/docker.service"; head -c 50M /dev/zero | tr '\0' 'a' >> "$R/usr/lib/systemd/system/docker.service"; }  # one 50 MB line
s24() { rm -rf "$R/etc/systemd"; ln -s / "$R/etc/systemd"; mkdir -p "$R/system"; ln -s "$OUT/x.conf" "$R/system/x"; }  # /etc/systemd -> / (inside: the root itself)

side S01 "/etc/systemd -> absolute host folder outside --root (holds a bad unit)" s01
side S02 "docker.service.d -> absolute host folder outside --root (bad drop-in)" s02
side S03 "docker.service.d -> ../../../..(escape)/outside" s03
side S04 "later env file /etc/docker.env -> absolute outside file setting DOCKER_OPTS" s04
side S05 "EnvironmentFile= names a host path outside the root verbatim" s05
side S06 "docker.service -> absolute outside unit" s06
side S07 "FIFO as drop-in x.conf" s07
side S08 "FIFO as the unit file" s08
side S09 "FIFO as a later EnvironmentFile" s09
side S10 "4 GiB sparse drop-in (NUL bytes)" s10
side S11 "300 MB drop-in of comments" s11
side S12 "folder where the unit file is expected" s12
side S13 "folder as a later EnvironmentFile" s13
side S14 "symlink loops: docker.service.d -> itself, docker.service -> itself" s14
side S15 "EnvironmentFile=-/dev/zero, -/proc/kmsg, -/dev/stdin" s15
side S16 "docker.service -> /dev/zero" s16
side S17 "docker.service -> /proc/kmsg" s17
side S18 "drop-in file name with a newline" s18
side S19 "terminal control bytes in ExecStart=" s19
side S20 "20000 drop-ins" s20
side S21 "docker.service.d is a regular file" s21
side S22 "masked + drop-in with every problem: lines per problem" s22
side S23 "unit with one 50 MB ExecStart line" s23
side S24 "/etc/systemd -> / (the root itself)" s24
# second-level links: the first link's target passes through another absolute link (/h -> /) inside the tree
s25() { rm -rf "$R/etc/systemd"; ln -s / "$R/h"; ln -s "/h$OUT" "$R/etc/systemd"; }
s26() { ln -s / "$R/h"; ln -s "/h$OUT" "$R/etc/systemd/system/docker.service.d"; }
s27() { printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/etc/docker.env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' > "$R/usr/lib/systemd/system/docker.service"; ln -s / "$R/h"; ln -s "/h$OUT/env" "$R/etc/docker.env"; }
s28() { ln -s / "$R/h"; ln -s "/h$OUT/docker.service" "$R/etc/systemd/system/docker.service"; }
s29() { printf '[Service]\nEnvironmentFile=/etc/sysconfig/docker\nEnvironmentFile=-/h'"$OUT"'/env\nExecStart=/usr/bin/dockerd $DOCKER_OPTS\n' > "$R/usr/lib/systemd/system/docker.service"; ln -s / "$R/h"; }
side S25 "/etc/systemd -> /h/OUTSIDE with /h -> / in the tree" s25
side S26 "docker.service.d -> /h/OUTSIDE with /h -> /" s26
side S27 "later env file -> /h/OUTSIDE/env with /h -> /" s27
side S28 "docker.service -> /h/OUTSIDE/docker.service with /h -> /" s28
side S29 "EnvironmentFile=-/h/OUTSIDE/env with /h -> / in the tree" s29
