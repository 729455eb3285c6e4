. /work/attack33/u/lib.sh
echo "=== C11 provision --device A killed at format-record, then provision --device W (another blank device)"
R=$(mkroot); A=$(mkdisk A-c11); W=$(mkdisk W-c11); echo "A=$A W=$W"
( DOCKSTORE_FAILPOINT=format-record $D provision --root $R --device $A >/dev/null 2>&1 )
$D provision --root $R --device $W --dry-run 2>&1 | grep -v '^ *[0-9]*\. \[\(drop\|sysc\|daemon\|folder\|create-m\)'
$D provision --root $R --device $W 2>&1 | tail -1; ls $R/var/lib/dockstore; blkid $A $W | cut -c1-60
cleanall
