#!/bin/bash
# H: nasty --image / --mountpoint paths: refused with 64 or written escaped for each reader (libmount, systemd, bash)
. ./lib.sh
for P in '/var/lib/d%ocker' '/var/lib/d\ocker' "/var/lib/d'ocker" '/var/lib/d"ocker' '/var/lib/#docker' '/var/lib/dock,er' '/var/lib/dockér' '/var/lib/do$cker' '/var/lib/do`x`' '/var/lib/do;cker' '/var/lib/-docker' '/var/lib/do\x2dcker' '/var/lib/do*cker' '/var/lib/dock=er' '/var/lib/docker\040' '/var/lib/d ocker'; do
  T=$(mkroot); echo "=== mountpoint [$P]"
  mkdir -p "$T$P" 2>/dev/null; h=$(th $T)
  o=$($BIN provision --root $T --size 1G --mountpoint "$P" 2>&1); r=$?; echo "  rc=$r $(echo "$o" | grep -E '^dockstore:|ready' | head -1 | cut -c1-220)"
  if [ $r = 0 ]; then
    l=$(grep -v '^#' $T/etc/fstab | tail -1); echo "  fstab: $l"
    echo "  libmount target: [$(findmnt --fstab --tab-file $T/etc/fstab -n -o TARGET | tail -1)]"
    u=$(systemd-escape -p --suffix=mount "$P"); echo "  expected unit: $u"
    ls $T/etc/systemd/system/ | sed 's/^/    dir: /'
    f=$T/etc/systemd/system/docker.service.d/dockstore.conf; grep -v '^#' $f | sed 's/^/    /'
    # systemd oracle: verify a stub docker.service with this drop-in
    d=$(mktemp -d -p $RUN); mkdir -p $d/docker.service.d; printf '[Service]\nExecStart=/bin/true\n' > $d/docker.service; cp $f $d/docker.service.d/
    SYSTEMD_UNIT_PATH=$d: systemd-analyze verify --man=no $d/docker.service 2>&1 | grep -v -e 'is not executable' -e '^$' | head -4 | sed 's/^/    verify: /'
    grep -qF "Wants=$u" $f || echo "  !!! drop-in Wants does not name $u"
    echo "  mounted at: $(findmnt -n -o TARGET --target "$T$P" | head -1)"
    $BIN teardown --root $T --mountpoint "$P" >/dev/null 2>&1; echo "  teardown rc=$?"
  else [ "$h" = "$(th $T)" ] || echo "  !!! refused but tree changed"; fi
  down $T
done
for P in '/var/lib/im,age.btrfs' '/var/lib/im%age.btrfs' '/var/li\b/x.btrfs' '/var/lib/im age.btrfs' '/var/l%ib/x.btrfs' '/var/lib/#x.btrfs' "/var/lib/it's.btrfs" '/var/lib/ÿ.btrfs'; do
  T=$(mkroot); echo "=== image [$P]"; mkdir -p "$(dirname "$T$P")"; h=$(th $T)
  o=$($BIN provision --root $T --size 1G --image "$P" 2>&1); r=$?; echo "  rc=$r $(echo "$o" | grep -E '^dockstore:|ready' | head -1 | cut -c1-220)"
  if [ $r = 0 ]; then l=$(grep -v '^#' $T/etc/fstab | tail -1); echo "  fstab: $l"; echo "  libmount: $(findmnt --fstab --tab-file $T/etc/fstab -n -o SOURCE,OPTIONS | tail -1)"
    grep -v '^#' $T/etc/systemd/system/var-lib-docker.mount.d/dockstore.conf | sed 's/^/    mount.d: /'
    d=$(mktemp -d -p $RUN); mkdir -p $d/var-lib-docker.mount.d; printf '[Mount]\nWhat=/x\nWhere=/var/lib/docker\n' > $d/var-lib-docker.mount; cp $T/etc/systemd/system/var-lib-docker.mount.d/dockstore.conf $d/var-lib-docker.mount.d/
    SYSTEMD_UNIT_PATH=$d: systemd-analyze verify --man=no $d/var-lib-docker.mount 2>&1 | head -3 | sed 's/^/    verify: /'
    $BIN teardown --root $T --image "$P" --delete-image >/dev/null 2>&1; echo "  teardown rc=$?"
  else [ "$h" = "$(th $T)" ] || echo "  !!! refused but tree changed"; fi
  down $T
done
