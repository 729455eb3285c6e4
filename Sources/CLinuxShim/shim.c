#define _GNU_SOURCE
#include "CLinuxShim.h"

#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <linux/nvme_ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <unistd.h>

int ds_blk_get_size64(int fd, uint64_t *size) {
    return ioctl(fd, BLKGETSIZE64, size);
}

int ds_blk_ro_get(int fd, int *read_only) {
    return ioctl(fd, BLKROGET, read_only);
}

int ds_loop_get_status(int fd, struct ds_loop_status *out) {
    struct loop_info64 info;
    memset(&info, 0, sizeof info);
    int rc = ioctl(fd, LOOP_GET_STATUS64, &info);
    if (rc < 0)
        return rc;
    memset(out, 0, sizeof *out);
    out->backing_device = info.lo_device;
    out->backing_inode = info.lo_inode;
    out->backing_rdevice = info.lo_rdevice;
    out->offset = info.lo_offset;
    out->size_limit = info.lo_sizelimit;
    out->flags = info.lo_flags;
    memcpy(out->file_name, info.lo_file_name, sizeof out->file_name - 1);
    return rc;
}

uint32_t ds_loop_flag_autoclear(void) { return LO_FLAGS_AUTOCLEAR; }
int ds_o_tmpfile(void) { return O_TMPFILE; }
uint32_t ds_loop_flag_read_only(void) { return LO_FLAGS_READ_ONLY; }

int ds_btrfs_fs_info(int fd, struct ds_btrfs_fs_info *out) {
    struct btrfs_ioctl_fs_info_args args;
    memset(&args, 0, sizeof args);
    int rc = ioctl(fd, BTRFS_IOC_FS_INFO, &args);
    if (rc < 0)
        return rc;
    out->max_id = args.max_id;
    out->num_devices = args.num_devices;
    memcpy(out->fsid, args.fsid, sizeof out->fsid);
    out->nodesize = args.nodesize;
    out->sectorsize = args.sectorsize;
    return rc;
}

int ds_btrfs_subvolume_of(int fd, uint64_t *id, int *read_only) {
    struct btrfs_ioctl_ino_lookup_args args;
    memset(&args, 0, sizeof args);
    args.objectid = BTRFS_FIRST_FREE_OBJECTID;
    if (ioctl(fd, BTRFS_IOC_INO_LOOKUP, &args) < 0)
        return -1;
    uint64_t flags = 0;
    if (ioctl(fd, BTRFS_IOC_SUBVOL_GETFLAGS, &flags) < 0)
        return -1;
    *id = args.treeid;
    *read_only = (flags & BTRFS_SUBVOL_RDONLY) != 0;
    return 0;
}

int ds_inode_write_locks(int fd, int *immutable, int *append_only) {
    int flags = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
        return -1;
    *immutable = (flags & FS_IMMUTABLE_FL) != 0;
    *append_only = (flags & FS_APPEND_FL) != 0;
    return 0;
}

int ds_btrfs_dev_info(int fd, uint64_t devid, struct ds_btrfs_dev_info *out) {
    struct btrfs_ioctl_dev_info_args args;
    memset(&args, 0, sizeof args);
    args.devid = devid;
    int rc = ioctl(fd, BTRFS_IOC_DEV_INFO, &args);
    if (rc < 0)
        return rc;
    out->devid = args.devid;
    out->bytes_used = args.bytes_used;
    out->total_bytes = args.total_bytes;
    memcpy(out->uuid, args.uuid, sizeof out->uuid);
    memset(out->path, 0, sizeof out->path);
    memcpy(out->path, args.path, sizeof out->path - 1);
    return rc;
}

int ds_fitrim(int fd, uint64_t min_length, uint64_t *trimmed) {
    struct fstrim_range range;
    memset(&range, 0, sizeof range);
    range.start = 0;
    range.len = UINT64_MAX;
    range.minlen = min_length;
    int rc = ioctl(fd, FITRIM, &range);
    if (rc == 0 && trimmed)
        *trimmed = range.len;
    return rc;
}

int ds_nvme_identify_controller(int fd, uint8_t *buffer4096) {
    struct nvme_admin_cmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.opcode = 0x06;
    cmd.addr = (uint64_t)(uintptr_t)buffer4096;
    cmd.data_len = 4096;
    cmd.cdw10 = 1;
    return ioctl(fd, NVME_IOCTL_ADMIN_CMD, &cmd);
}

int ds_statfs_type(const char *path, int64_t *type) {
    struct statfs s;
    int rc = statfs(path, &s);
    if (rc == 0)
        *type = (int64_t)s.f_type;
    return rc;
}

int ds_statfs_identity(const char *path, uint32_t *fsid0, uint32_t *fsid1, uint64_t *blocks, uint64_t *blockSize) {
    struct statfs s;
    int rc = statfs(path, &s);
    if (rc == 0) {
        *fsid0 = (uint32_t)s.f_fsid.__val[0];
        *fsid1 = (uint32_t)s.f_fsid.__val[1];
        *blocks = (uint64_t)s.f_blocks;
        *blockSize = (uint64_t)s.f_bsize;
    }
    return rc;
}

int ds_is_mount_root(const char *path, int *answer) {
    struct statx s;
    int rc = statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &s);
    if (rc == 0)
        *answer = (s.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ? ((s.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0) : -1;
    return rc;
}

int ds_is_mount_root_at(int dir_fd, const char *name, int *answer) {
    struct statx s;
    int rc = statx(dir_fd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_MNT_ID, &s);
    if (rc != 0)
        return rc;
    if (s.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) {
        *answer = (s.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
        return 0;
    }
    struct statx folder;
    if (!(s.stx_mask & STATX_MNT_ID)) {
        *answer = -1;
        return 0;
    }
    rc = statx(dir_fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &folder);
    if (rc != 0)
        return rc;
    *answer = (folder.stx_mask & STATX_MNT_ID) ? (folder.stx_mnt_id != s.stx_mnt_id) : -1;
    return 0;
}

int ds_mount_id(const char *path, uint64_t *id, int *known) {
    struct statx s;
    int rc = statx(AT_FDCWD, path, AT_NO_AUTOMOUNT, STATX_MNT_ID, &s);
    if (rc == 0) {
        *known = (s.stx_mask & STATX_MNT_ID) != 0;
        *id = *known ? s.stx_mnt_id : 0;
    }
    return rc;
}

int ds_statx_write_locks(const char *path, int *immutable, int *append_only) {
    return ds_statx_write_locks_at(AT_FDCWD, path, immutable, append_only, NULL);
}

int ds_statx_write_locks_at(int dirfd, const char *name, int *immutable, int *append_only, int *is_folder) {
    struct statx s;
    int rc = statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &s);
    if (rc != 0)
        return rc;
    uint64_t wanted = STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND;
    if ((s.stx_attributes_mask & wanted) != wanted) {
        errno = EOPNOTSUPP;
        return -1;
    }
    *immutable = (s.stx_attributes & STATX_ATTR_IMMUTABLE) != 0;
    *append_only = (s.stx_attributes & STATX_ATTR_APPEND) != 0;
    if (is_folder)
        *is_folder = S_ISDIR(s.stx_mode);
    return 0;
}

int ds_birth_time(const char *path, int64_t *seconds, int *known) {
    struct statx s;
    int rc = statx(AT_FDCWD, path, 0, STATX_BTIME, &s);
    if (rc == 0) {
        *known = (s.stx_mask & STATX_BTIME) != 0;
        *seconds = *known ? (int64_t)s.stx_btime.tv_sec : 0;
    }
    return rc;
}

int ds_inode_restrictions(int fd, int *immutable, int *append_only) {
    int flags = 0;
    int rc = ioctl(fd, FS_IOC_GETFLAGS, &flags);
    if (rc == 0) {
        *immutable = (flags & FS_IMMUTABLE_FL) != 0;
        *append_only = (flags & FS_APPEND_FL) != 0;
    }
    return rc;
}

int ds_btrfs_get_dev_stats(int fd, uint64_t devid, uint64_t out[5]) {
    struct btrfs_ioctl_get_dev_stats args;
    memset(&args, 0, sizeof args);
    args.devid = devid;
    args.nr_items = BTRFS_DEV_STAT_VALUES_MAX;
    int rc = ioctl(fd, BTRFS_IOC_GET_DEV_STATS, &args);
    if (rc < 0)
        return rc;
    for (int i = 0; i < 5; i++)
        out[i] = i < (int)args.nr_items ? args.values[i] : 0;
    return 0;
}

int ds_set_nocow(int fd) {
    int flags = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0)
        return -1;
    if (flags & FS_NOCOW_FL)
        return 0;
    flags |= FS_NOCOW_FL;
    return ioctl(fd, FS_IOC_SETFLAGS, &flags);
}

int ds_btrfs_space_info(int fd, struct ds_btrfs_space *out, uint64_t capacity, uint64_t *count) {
    size_t size = sizeof(struct btrfs_ioctl_space_args) + capacity * sizeof(struct btrfs_ioctl_space_info);
    struct btrfs_ioctl_space_args *args = calloc(1, size);
    if (!args)
        return -1;
    args->space_slots = capacity;
    int rc = ioctl(fd, BTRFS_IOC_SPACE_INFO, args);
    if (rc == 0) {
        *count = args->total_spaces;
        uint64_t n = args->total_spaces < capacity ? args->total_spaces : capacity;
        for (uint64_t i = 0; i < n; i++) {
            out[i].flags = args->spaces[i].flags;
            out[i].total_bytes = args->spaces[i].total_bytes;
            out[i].used_bytes = args->spaces[i].used_bytes;
        }
    }
    free(args);
    return rc;
}

int ds_loop_set_capacity(int fd) {
    return ioctl(fd, LOOP_SET_CAPACITY, 0);
}

int ds_btrfs_resize(int fd, const char *spec) {
    struct btrfs_ioctl_vol_args args;
    memset(&args, 0, sizeof args);
    strncpy(args.name, spec, BTRFS_PATH_NAME_MAX);
    return ioctl(fd, BTRFS_IOC_RESIZE, &args);
}

int ds_loop_get_free(int control_fd) {
    return ioctl(control_fd, LOOP_CTL_GET_FREE);
}

int ds_loop_attach(int loop_fd, int backing_fd, int autoclear) {
    uint32_t flags = autoclear ? LO_FLAGS_AUTOCLEAR : 0;
#ifdef LOOP_CONFIGURE
    struct loop_config config;
    memset(&config, 0, sizeof config);
    config.fd = (uint32_t)backing_fd;
    config.info.lo_flags = flags;
    int rc = ioctl(loop_fd, LOOP_CONFIGURE, &config);
    if (rc == 0 || (errno != EINVAL && errno != ENOTTY))
        return rc;
#endif
    if (ioctl(loop_fd, LOOP_SET_FD, backing_fd) < 0)
        return -1;
    struct loop_info64 info;
    memset(&info, 0, sizeof info);
    info.lo_flags = flags;
    if (ioctl(loop_fd, LOOP_SET_STATUS64, &info) < 0) {
        int saved = errno;
        ioctl(loop_fd, LOOP_CLR_FD, 0);
        errno = saved;
        return -1;
    }
    return 0;
}

int ds_loop_clear(int fd) {
    return ioctl(fd, LOOP_CLR_FD, 0);
}

int ds_btrfs_add_device(int fd, const char *path) {
    struct btrfs_ioctl_vol_args args;
    memset(&args, 0, sizeof args);
    strncpy(args.name, path, BTRFS_PATH_NAME_MAX);
    return ioctl(fd, BTRFS_IOC_ADD_DEV, &args);
}

int ds_btrfs_remove_device(int fd, uint64_t devid) {
    struct btrfs_ioctl_vol_args_v2 args;
    memset(&args, 0, sizeof args);
    args.flags = BTRFS_DEVICE_SPEC_BY_ID;
    args.devid = devid;
    return ioctl(fd, BTRFS_IOC_RM_DEV_V2, &args);
}

int ds_btrfs_scan_device(int control_fd, const char *path) {
    struct btrfs_ioctl_vol_args args;
    memset(&args, 0, sizeof args);
    strncpy(args.name, path, BTRFS_PATH_NAME_MAX);
    return ioctl(control_fd, BTRFS_IOC_SCAN_DEV, &args);
}

int ds_btrfs_devices_ready(int control_fd, const char *path) {
    struct btrfs_ioctl_vol_args args;
    memset(&args, 0, sizeof args);
    strncpy(args.name, path, BTRFS_PATH_NAME_MAX);
    return ioctl(control_fd, BTRFS_IOC_DEVICES_READY, &args);
}

int ds_open_in_root(int root_fd, const char *path, int flags, unsigned int mode) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(unsigned int)flags;
    /* O_TMPFILE includes O_DIRECTORY's bit: test all of it, or a folder opened with a mode is EINVAL. */
    how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
}

#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x00000008
#endif

int ds_umount_nofollow(const char *target) {
    return (int)syscall(SYS_umount2, target, UMOUNT_NOFOLLOW);
}

int ds_o_path(void) {
    return O_PATH;
}

int ds_fstatfs_type(int fd, int64_t *type) {
    struct statfs s;
    int rc = fstatfs(fd, &s);
    if (rc == 0)
        *type = (int64_t)s.f_type;
    return rc;
}

int ds_btrfs_replace_status(int fd, struct ds_btrfs_replace_status *out, uint64_t *result) {
    struct btrfs_ioctl_dev_replace_args args;
    memset(&args, 0, sizeof args);
    args.cmd = BTRFS_IOCTL_DEV_REPLACE_CMD_STATUS;
    args.result = DS_BTRFS_REPLACE_NO_RESULT;
    int rc = ioctl(fd, BTRFS_IOC_DEV_REPLACE, &args);
    *result = args.result;
    if (rc != 0)
        return rc;
    out->state = args.status.replace_state;
    out->progress_1000 = args.status.progress_1000;
    out->time_started = args.status.time_started;
    out->time_stopped = args.status.time_stopped;
    out->write_errors = args.status.num_write_errors;
    out->uncorrectable_read_errors = args.status.num_uncorrectable_read_errors;
    return rc;
}

int ds_btrfs_replace_cancel(int fd, uint64_t *result) {
    struct btrfs_ioctl_dev_replace_args args;
    memset(&args, 0, sizeof args);
    args.cmd = BTRFS_IOCTL_DEV_REPLACE_CMD_CANCEL;
    args.result = DS_BTRFS_REPLACE_NO_RESULT;
    int rc = ioctl(fd, BTRFS_IOC_DEV_REPLACE, &args);
    *result = args.result;
    return rc;
}

int ds_btrfs_replace_item(int fd, int *found, uint64_t *state) {
    struct btrfs_ioctl_search_args args;
    memset(&args, 0, sizeof args);
    args.key.tree_id = 4; /* BTRFS_DEV_TREE_OBJECTID */
    args.key.min_objectid = 0;
    args.key.max_objectid = 0;
    args.key.min_type = 250; /* BTRFS_DEV_REPLACE_KEY */
    args.key.max_type = 250;
    args.key.min_offset = 0;
    args.key.max_offset = 0;
    args.key.min_transid = 0;
    args.key.max_transid = UINT64_MAX;
    args.key.nr_items = 1;
    int rc = ioctl(fd, BTRFS_IOC_TREE_SEARCH, &args);
    if (rc != 0)
        return rc;
    *found = 0;
    *state = 0;
    if (args.key.nr_items < 1)
        return 0;
    struct btrfs_ioctl_search_header header;
    memcpy(&header, args.buf, sizeof header);
    if (header.type != 250 || header.objectid != 0 || header.offset != 0)
        return 0;
    /* struct btrfs_dev_replace_item: src_devid, cursor_left, cursor_right,
     * cont_reading_from_srcdev_mode, replace_state, ... (little-endian u64s). */
    if (header.len < 5 * sizeof(uint64_t) || sizeof header + header.len > sizeof args.buf) {
        errno = EUCLEAN;
        return -1;
    }
    unsigned char raw[8];
    memcpy(raw, args.buf + sizeof header + 4 * sizeof(uint64_t), 8);
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--)
        value = (value << 8) | raw[i];
    *found = 1;
    *state = value;
    return 0;
}

int ds_btrfs_commit_label(int fd) {
    char label[BTRFS_LABEL_SIZE];
    memset(label, 0, sizeof label);
    if (ioctl(fd, BTRFS_IOC_GET_FSLABEL, label) != 0)
        return -1;
    label[BTRFS_LABEL_SIZE - 1] = 0;
    return ioctl(fd, BTRFS_IOC_SET_FSLABEL, label);
}

/* Closes every descriptor but `low` and `high` (low <= high) in a forked child:
 * close_range(2) where the kernel has it (5.9+), else one close(2) per possible number
 * (65536 calls, tens of milliseconds on a busy host). Async-signal-safe. */
static void ds_close_all_but(int low, int high) {
#ifdef SYS_close_range
    unsigned l = (unsigned)low, h = (unsigned)high;
    if ((l == 0 || syscall(SYS_close_range, 0u, l - 1, 0u) == 0)
        && (h <= l + 1 || syscall(SYS_close_range, l + 1, h - 1, 0u) == 0)
        && syscall(SYS_close_range, h + 1, ~0u, 0u) == 0)
        return;
#endif
    for (int other = 0; other < 65536; other++)
        if (other != low && other != high)
            close(other);
}

int ds_btrfs_replace_start_child(int fd, uint64_t srcdevid, const char *target, int *report_fd) {
    struct btrfs_ioctl_dev_replace_args args;
    memset(&args, 0, sizeof args);
    if (strlen(target) > BTRFS_DEVICE_PATH_NAME_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    args.cmd = BTRFS_IOCTL_DEV_REPLACE_CMD_START;
    args.result = DS_BTRFS_REPLACE_NO_RESULT;
    args.start.srcdevid = srcdevid;
    args.start.cont_reading_from_srcdev_mode = BTRFS_IOCTL_DEV_REPLACE_CONT_READING_FROM_SRCDEV_MODE_ALWAYS;
    strncpy((char *)args.start.tgtdev_name, target, BTRFS_DEVICE_PATH_NAME_MAX);
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        /* Only async-signal-safe calls from here: the parent is multi-threaded. Standard
         * output is closed too, so a reader of the caller's output sees its end when the caller ends. */
        int keep_low = fd < pipe_fds[1] ? fd : pipe_fds[1];
        int keep_high = fd < pipe_fds[1] ? pipe_fds[1] : fd;
        ds_close_all_but(keep_low, keep_high);
        setsid();
        struct ds_btrfs_replace_outcome outcome;
        int rc = ioctl(fd, BTRFS_IOC_DEV_REPLACE, &args);
        outcome.rc = rc;
        outcome.error = rc < 0 ? errno : 0;
        outcome.result = args.result;
        ssize_t ignored = write(pipe_fds[1], &outcome, sizeof outcome);
        (void)ignored;
        _exit(0);
    }
    close(pipe_fds[1]);
    *report_fd = pipe_fds[0];
    return pid;
}

static void ds_copy_balance_status(const struct btrfs_ioctl_balance_args *args, struct ds_btrfs_balance_status *out) {
    out->state = args->state;
    out->expected = args->stat.expected;
    out->considered = args->stat.considered;
    out->completed = args->stat.completed;
}

int ds_btrfs_balance_usage(int fd, int data_usage, int metadata_usage, struct ds_btrfs_balance_status *out) {
    struct btrfs_ioctl_balance_args args;
    memset(&args, 0, sizeof args);
    if (data_usage >= 0) {
        args.flags |= BTRFS_BALANCE_DATA;
        args.data.flags = BTRFS_BALANCE_ARGS_USAGE;
        args.data.usage = (uint64_t)data_usage;
    }
    if (metadata_usage >= 0) {
        /* As btrfs-progs does: system chunks are balanced with the metadata filter. */
        args.flags |= BTRFS_BALANCE_METADATA | BTRFS_BALANCE_SYSTEM;
        args.meta.flags = BTRFS_BALANCE_ARGS_USAGE;
        args.meta.usage = (uint64_t)metadata_usage;
        args.sys = args.meta;
    }
    int rc = ioctl(fd, BTRFS_IOC_BALANCE_V2, &args);
    int saved = errno;
    ds_copy_balance_status(&args, out);
    errno = saved;
    return rc;
}

int ds_btrfs_balance_progress(int fd, struct ds_btrfs_balance_status *out) {
    struct btrfs_ioctl_balance_args args;
    memset(&args, 0, sizeof args);
    int rc = ioctl(fd, BTRFS_IOC_BALANCE_PROGRESS, &args);
    if (rc == 0)
        ds_copy_balance_status(&args, out);
    return rc;
}

int ds_btrfs_balance_cancel(int fd) {
    return ioctl(fd, BTRFS_IOC_BALANCE_CTL, BTRFS_BALANCE_CTL_CANCEL);
}

int ds_unlinkat_detached(int dirfd, const char *name, uint64_t device, uint64_t inode) {
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Only async-signal-safe calls from here: the parent is multi-threaded. The
         * grandchild is nobody's child to wait for, so no zombie is left behind. */
        pid_t grandchild = fork();
        if (grandchild != 0)
            _exit(grandchild < 0 ? 1 : 0);
        ds_close_all_but(dirfd, dirfd);
        setsid();
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)
            && (uint64_t)st.st_dev == device && (uint64_t)st.st_ino == inode
            && unlinkat(dirfd, name, 0) == 0)
            fsync(dirfd);
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        errno = EAGAIN;
        return -1;
    }
    return 0;
}

int ds_renameat_noreplace(int from_dirfd, const char *from, int to_dirfd, const char *to) {
    return (int)syscall(SYS_renameat2, from_dirfd, from, to_dirfd, to, RENAME_NOREPLACE);
}

int ds_btrfs_qgroup_parents(int fd, uint64_t qgroupid, uint64_t *out, uint64_t capacity, uint64_t *count) {
    struct btrfs_ioctl_search_args args;
    memset(&args, 0, sizeof args);
    args.key.tree_id = 8; /* BTRFS_QUOTA_TREE_OBJECTID */
    args.key.min_objectid = qgroupid;
    args.key.max_objectid = qgroupid;
    args.key.min_type = 246; /* BTRFS_QGROUP_RELATION_KEY */
    args.key.max_type = 246;
    /* Both directions are stored: (child, RELATION, parent) and (parent, RELATION, child).
     * A parent is of a higher level, and the level is the qgroupid's top 16 bits, so the
     * parents of qgroupid are the offsets above it. */
    args.key.min_offset = qgroupid + 1;
    args.key.max_offset = UINT64_MAX;
    args.key.min_transid = 0;
    args.key.max_transid = UINT64_MAX;
    args.key.nr_items = (uint32_t)capacity;
    int rc = ioctl(fd, BTRFS_IOC_TREE_SEARCH, &args);
    if (rc != 0)
        return rc;
    uint64_t found = 0;
    size_t at = 0;
    for (uint32_t i = 0; i < args.key.nr_items; i++) {
        struct btrfs_ioctl_search_header header;
        if (at + sizeof header > sizeof args.buf) {
            errno = EUCLEAN;
            return -1;
        }
        memcpy(&header, args.buf + at, sizeof header);
        at += sizeof header + header.len;
        if (header.objectid != qgroupid || header.type != 246 || header.offset <= qgroupid)
            continue;
        if (found < capacity)
            out[found] = header.offset;
        found++;
    }
    *count = found;
    return 0;
}

int64_t ds_flistxattr(int fd, char *list, uint64_t size) {
    return flistxattr(fd, list, size);
}

int64_t ds_fgetxattr(int fd, const char *name, void *value, uint64_t size) {
    return fgetxattr(fd, name, value, size);
}

int ds_fsetxattr(int fd, const char *name, const void *value, uint64_t size, int flags) {
    return fsetxattr(fd, name, value, size, flags);
}

#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#define DS_FSOPEN_CLOEXEC 0x00000001
#define DS_FSCONFIG_SET_FLAG 0
#define DS_FSCONFIG_SET_STRING 1

int ds_fs_option_accepted(const char *fstype, const char *key, const char *value, char *message, size_t size) {
    if (size > 0) message[0] = 0;
    int fd = (int)syscall(SYS_fsopen, fstype, DS_FSOPEN_CLOEXEC);
    if (fd < 0) return -1;
    int rc = (int)syscall(SYS_fsconfig, fd, value ? DS_FSCONFIG_SET_STRING : DS_FSCONFIG_SET_FLAG, key, value, 0);
    if (rc == 0) {
        close(fd);
        return 1;
    }
    int saved = errno;
    if (saved != EINVAL) {
        close(fd);
        errno = saved;
        return -1;
    }
    /* The context's log: lines such as "e btrfs: Unknown parameter 'x'"; the first error is kept. */
    if (size > 1) {
        char line[512];
        ssize_t n;
        while ((n = read(fd, line, sizeof line - 1)) > 0) {
            line[n] = 0;
            if (line[n - 1] == '\n') line[n - 1] = 0;
            if (line[0] == 'e' && line[1] == ' ' && message[0] == 0) {
                strncpy(message, line + 2, size - 1);
                message[size - 1] = 0;
            }
        }
    }
    close(fd);
    return 0;
}
