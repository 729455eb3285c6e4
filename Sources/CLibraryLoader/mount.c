#include "lazy_library.h"

#include <errno.h>
#include <libmount/libmount.h>

static struct ds_lazy_library libmount = {"libmount.so.1", 0};

DS_LAZY(libmount, NULL, struct libmnt_context *, mnt_new_context, (void), ())
DS_LAZY_VOID(libmount, mnt_free_context, (struct libmnt_context *cxt), (cxt))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_set_source, (struct libmnt_context *cxt, const char *source), (cxt, source))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_set_target, (struct libmnt_context *cxt, const char *target), (cxt, target))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_set_fstype, (struct libmnt_context *cxt, const char *fstype), (cxt, fstype))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_set_options, (struct libmnt_context *cxt, const char *optstr), (cxt, optstr))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_set_optsmode, (struct libmnt_context *cxt, int mode), (cxt, mode))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_disable_canonicalize, (struct libmnt_context *cxt, int disable), (cxt, disable))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_disable_mtab, (struct libmnt_context *cxt, int disable), (cxt, disable))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_mount, (struct libmnt_context *cxt), (cxt))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_umount, (struct libmnt_context *cxt), (cxt))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_get_status, (struct libmnt_context *cxt), (cxt))
DS_LAZY(libmount, ELIBACC, int, mnt_context_get_syscall_errno, (struct libmnt_context *cxt), (cxt))
DS_LAZY(libmount, -ELIBACC, int, mnt_context_get_excode, (struct libmnt_context *cxt, int rc, char *buf, size_t bufsz),
        (cxt, rc, buf, bufsz))
DS_LAZY(libmount, NULL, struct libmnt_table *, mnt_new_table_from_file, (const char *filename), (filename))
DS_LAZY_VOID(libmount, mnt_unref_table, (struct libmnt_table *tb), (tb))
DS_LAZY(libmount, NULL, struct libmnt_iter *, mnt_new_iter, (int direction), (direction))
DS_LAZY_VOID(libmount, mnt_free_iter, (struct libmnt_iter *itr), (itr))
DS_LAZY(libmount, -ELIBACC, int, mnt_table_next_fs, (struct libmnt_table *tb, struct libmnt_iter *itr, struct libmnt_fs **fs),
        (tb, itr, fs))
DS_LAZY(libmount, NULL, const char *, mnt_fs_get_source, (struct libmnt_fs *fs), (fs))
DS_LAZY(libmount, NULL, const char *, mnt_fs_get_target, (struct libmnt_fs *fs), (fs))
DS_LAZY(libmount, NULL, const char *, mnt_fs_get_fstype, (struct libmnt_fs *fs), (fs))
DS_LAZY(libmount, NULL, const char *, mnt_fs_get_options, (struct libmnt_fs *fs), (fs))
DS_LAZY(libmount, 0, dev_t, mnt_fs_get_devno, (struct libmnt_fs *fs), (fs))
DS_LAZY(libmount, NULL, const char *, mnt_fs_get_root, (struct libmnt_fs *fs), (fs))
DS_LAZY(libmount, -ELIBACC, int, mnt_split_optstr, (const char *optstr, char **user, char **vfs, char **fs, int ignore_user, int ignore_vfs), (optstr, user, vfs, fs, ignore_user, ignore_vfs))
