#!/bin/bash
# P: odd bytes in --image / --mountpoint / --mount-options: used as given (read back by findmnt, systemd) or refused 64 with nothing written
. /work/attack29/o/lib.sh
try() { local img=$1 mp=$2; shift 2; local T; T=$(mkroot); [ -n "$T" ] || exit 99; local a; a=$(th $T)
  NL=2 NC=300 run $BIN provision --root $T --size 1G --image "$img" --mountpoint "$mp" "$@"; local r=$?; rec
  if [ $r -eq 0 ]; then
    local line; line=$(grep -v '^#' $T/etc/fstab | grep -v '^$')
    echo "    fstab: $(printf '%s' "$line" | cat -v)"
    echo "    findmnt --tab-file: $(findmnt --tab-file $T/etc/fstab -n -o SOURCE,TARGET,OPTIONS | cat -v)"
    local want="$T$mp"; local got; got=$(findmnt -n -o TARGET --mountpoint "$(realpath -m "$want")" 2>/dev/null| head -1)
    echo "    mounted at expected: ${got:+yes}${got:-NO} ; image exists: $( [ -e "$T$img" ] && echo yes || echo NO)"
    local tgt; tgt=$(findmnt --tab-file $T/etc/fstab -n -o TARGET | tail -1); echo "    fstab target == --mountpoint(clean)? $( [ "$tgt" = "$(realpath -m "$mp")" ] && echo yes || echo "NO ($(printf %s "$tgt"|cat -v))")"
    ls $T/etc/systemd/system/ | cat -v | sed 's/^/    unit: /'
    for u in $T/etc/systemd/system/*.mount.d/*.conf; do [ -f "$u" ] && echo "    mount dropin: $(grep -v '^#' "$u" | tr '\n' ' ' | cat -v)"; done
    grep -h 'Path\|Mount' $T/etc/systemd/system/docker.service.d/*.conf 2>/dev/null | cat -v | sed 's/^/    docker dropin: /'
    (set -a; . $T/etc/sysconfig/docker; echo "    DOCKER_OPTS via bash: $(printf %s "$DOCKER_OPTS" | cat -v)")
    NL=2 run $BIN status --root $T --image "$img" --mountpoint "$mp"
    NL=2 run $BIN teardown --root $T --image "$img" --mountpoint "$mp" --delete-image
  else b=$(th $T); [ "$a" = "$b" ] && echo "    => tree unchanged" || echo "    => !!! tree changed"; [ $r -eq 64 ] || echo "    => !!! rc $r not 64"; fi
  down $T; }
try /var/lib/img%41.btrfs /var/lib/docker
try '/var/lib/my img.btrfs' '/var/lib/dock er'
try '/var/lib/a\x.btrfs' '/var/lib/d\ock'
try '/var/lib/a,b.btrfs' '/var/lib/d,ock'
try "/var/lib/q'\"x.btrfs" "/var/lib/d'o\"ck"
try $'/var/lib/\xe9.btrfs' $'/var/lib/d\xe9'
try $'/var/lib/\xc2\x85.btrfs' $'/var/lib/d\xc2\x85'
try /var/lib/../lib/x.btrfs /var/lib/../lib/docker
try /var/lib/x.btrfs/ /var/lib/docker/
try //var//lib//x.btrfs //var//lib//docker
try /var/lib/x.btrfs /var/lib/docker --mount-options 'compress=zstd,x-a=b\040c'
try /var/lib/x.btrfs /var/lib/docker --mount-options 'compress=zstd, noatime'
try /var/lib/x.btrfs /var/lib/docker --mount-options 'x-a=%41'
try /var/lib/x.btrfs /var/lib/docker --mount-options $'x-a=\xe9'
try /var/lib/x.btrfs /var/lib/docker --mount-options 'x-a="a b"'
try /var/lib/x.btrfs /var/lib/docker --mount-options 'x-systemd.requires=/var/lib/x y'
try /var/lib/x.btrfs '/var/lib/dock-er'
try /var/lib/x.btrfs '/'
try /var/lib/x.btrfs '/var/lib'
try /var/lib/docker/x.btrfs '/var/lib/docker'
try /etc/fstab /var/lib/docker
