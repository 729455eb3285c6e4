#include "lazy_library.h"
#include "CLibraryLoader.h"

#include <btrfsutil.h>

static struct ds_lazy_library libbtrfsutil = {"libbtrfsutil.so.1", 0};

/* Not one of libbtrfsutil's codes: its btrfs_util_strerror() below then says why the library is missing. */
#define DS_BTRFS_UTIL_NOT_LOADED ((enum btrfs_util_error)-1)

DS_LAZY(libbtrfsutil, DS_BTRFS_UTIL_NOT_LOADED, enum btrfs_util_error, btrfs_util_sync, (const char *path), (path))
DS_LAZY(libbtrfsutil, DS_BTRFS_UTIL_NOT_LOADED, enum btrfs_util_error, btrfs_util_subvolume_info,
        (const char *path, uint64_t id, struct btrfs_util_subvolume_info *subvol), (path, id, subvol))
DS_LAZY(libbtrfsutil, DS_BTRFS_UTIL_NOT_LOADED, enum btrfs_util_error, btrfs_util_create_subvolume_iterator,
        (const char *path, uint64_t top, int flags, struct btrfs_util_subvolume_iterator **ret), (path, top, flags, ret))
DS_LAZY(libbtrfsutil, DS_BTRFS_UTIL_NOT_LOADED, enum btrfs_util_error, btrfs_util_subvolume_iterator_next_info,
        (struct btrfs_util_subvolume_iterator *iter, char **path_ret, struct btrfs_util_subvolume_info *subvol),
        (iter, path_ret, subvol))
DS_LAZY(libbtrfsutil, DS_BTRFS_UTIL_NOT_LOADED, enum btrfs_util_error, btrfs_util_is_subvolume, (const char *path), (path))
DS_LAZY(libbtrfsutil, DS_BTRFS_UTIL_NOT_LOADED, enum btrfs_util_error, btrfs_util_delete_subvolume,
        (const char *path, int flags), (path, flags))
DS_LAZY_VOID(libbtrfsutil, btrfs_util_destroy_subvolume_iterator, (struct btrfs_util_subvolume_iterator *iter), (iter))

static const char *ds_btrfs_util_strerror_fallback(void) {
    const char *why = ds_library_load_error();
    return why ? why : "libbtrfsutil.so.1 could not be loaded";
}

__attribute__((visibility("hidden"))) const char *btrfs_util_strerror(enum btrfs_util_error err) {
    if (err == DS_BTRFS_UTIL_NOT_LOADED) return ds_btrfs_util_strerror_fallback();
    static const char *(*cached)(enum btrfs_util_error);
    const char *(*fn)(enum btrfs_util_error) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (!fn) {
        fn = (const char *(*)(enum btrfs_util_error))ds_lazy_symbol(&libbtrfsutil, "btrfs_util_strerror");
        if (!fn) return ds_btrfs_util_strerror_fallback();
        __atomic_store_n(&cached, fn, __ATOMIC_RELEASE);
    }
    return fn(err);
}
