#include "lazy_library.h"

#include <blkid/blkid.h>
#include <stddef.h>

static struct ds_lazy_library libblkid = {"libblkid.so.1", 0};

DS_LAZY(libblkid, NULL, blkid_probe, blkid_new_probe, (void), ())
DS_LAZY(libblkid, NULL, blkid_probe, blkid_new_probe_from_filename, (const char *filename), (filename))
DS_LAZY_VOID(libblkid, blkid_free_probe, (blkid_probe pr), (pr))
DS_LAZY(libblkid, -1, int, blkid_probe_set_device, (blkid_probe pr, int fd, blkid_loff_t off, blkid_loff_t size),
        (pr, fd, off, size))
DS_LAZY(libblkid, -1, int, blkid_probe_enable_partitions, (blkid_probe pr, int enable), (pr, enable))
DS_LAZY(libblkid, -1, int, blkid_probe_enable_superblocks, (blkid_probe pr, int enable), (pr, enable))
DS_LAZY(libblkid, -1, int, blkid_probe_set_partitions_flags, (blkid_probe pr, int flags), (pr, flags))
DS_LAZY(libblkid, -1, int, blkid_probe_set_superblocks_flags, (blkid_probe pr, int flags), (pr, flags))
DS_LAZY(libblkid, -1, int, blkid_do_probe, (blkid_probe pr), (pr))
DS_LAZY(libblkid, -1, int, blkid_do_safeprobe, (blkid_probe pr), (pr))
DS_LAZY(libblkid, -1, int, blkid_do_wipe, (blkid_probe pr, int dryrun), (pr, dryrun))
DS_LAZY(libblkid, -1, int, blkid_probe_lookup_value, (blkid_probe pr, const char *name, const char **data, size_t *len),
        (pr, name, data, len))
DS_LAZY(libblkid, NULL, char *, blkid_evaluate_tag, (const char *token, const char *value, blkid_cache *cache),
        (token, value, cache))
