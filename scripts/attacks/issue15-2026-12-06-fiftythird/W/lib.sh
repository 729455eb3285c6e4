D=/work/attack53/w/dockstore
LOG=/work/attack53/w/run/log.txt
ZRAMS=(); LOOPS=(); ROOTS=(); MNTS=()
zadd(){ local n; n=$(cat /sys/class/zram-control/hot_add); echo ${2:-2G} > /sys/block/zram$n/disksize; ZRAMS+=($n); echo $n >> /work/attack53/w/run/zrams; eval "$1=$n"; }
newroot(){ local r; r=$(mktemp -d /tmp/a53w.XXXXXX); chmod 755 $r; ROOTS+=($r); echo $r >> /work/attack53/w/run/roots; eval "$1=$r"; }
hashroot(){ (cd "$1" && find . -xdev \( -path ./var/lib/docker -prune \) -o -print0 | sort -z | xargs -0 -I{} sh -c 'if [ -L "{}" ]; then echo "L {} $(readlink "{}")"; elif [ -f "{}" ]; then echo "F {} $(stat -c %a "{}") $(md5sum < "{}")"; else echo "D {} $(stat -c %a "{}")"; fi') | md5sum | cut -c1-32; }
run(){ echo "+ $*" ; "$@"; local rc=$?; echo "[rc=$rc]"; return $rc; }
mkroot(){ newroot "$1"; local r=${!1}; mkdir -p $r/etc/sysconfig $r/var/lib $r/etc/systemd/system $r/etc/docker; touch $r/etc/fstab; }
