echo "=== opts: options given twice, no command, help nosuch"
T=$(mkroot); a=$(th $T)
o() { local out r; out=$(timeout 20 $BIN "$@" 2>&1); r=$?; printf '  [%s] %s :: %s\n' "$r" "$*" "$(echo "$out" | head -2 | tr '\n' ' ' | cut -c1-170)"; }
o; o help nosuch; o help; o help check
o status --root=$T --root /nonexist; o status --root /nonexist --root=$T; o status --root $T --root $T
o check --root $T --root $T; o check --format json --format=nagios --root $T
o --root $T status; o --root /x status --root $T
o status --root $T -- --root /x; o status -- --root $T
o reclaim --orphans --root $T --orphans; o reclaim --root $T --budget 5s --budget=6s; o reclaim --orphans --root $T --root /y --dry-run
o teardown --root $T --dry-run --dry-run; o teardown --root $T --image /a --image=/b --dry-run
o grow --root $T --to 1G --to 2G --dry-run; o provision --root $T --size 1G --size=1G --dry-run
o provision --root $T --size 200M --size=--size --dry-run; o status --root --root; o status --root=--help
o status --root $T --help; o status --help --root $T --root /x; o check --root $T --warn 10 --warn 20
o check --root $T -w 10 -w20; o check --root $T -w10 --warning 20; o check --root $T -c5 -c 6; o check --root $T -w 10 -c 5 -w 11
o status --root "$T" --root "$T/"; o check --root $T --format; o backend --root $T --set overlay2 --set btrfs --dry-run
o status -h -h; o help status status
echo "  tree unchanged: $a -> $(th $T)"
