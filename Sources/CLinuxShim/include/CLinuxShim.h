/*
 * Thin C wrappers for the ioctls Swift cannot import: their request numbers
 * are built by the _IOR/_IOW/_IOWR macros, which the Clang importer drops.
 * Each wrapper returns what ioctl(2) returns (-1 with errno set on failure)
 * and copies the kernel's structure into a plain one Swift reads easily.
 */
#ifndef DOCKSTORE_CLINUXSHIM_H
#define DOCKSTORE_CLINUXSHIM_H

#include <stdint.h>
#include <stddef.h>

/* BLKGETSIZE64: size of a block device in bytes. */
int ds_blk_get_size64(int fd, uint64_t *size);

/* BLKROGET: 1 when the block device is read-only. */
int ds_blk_ro_get(int fd, int *read_only);

/* LOOP_GET_STATUS64, reduced to what dockstore compares. */
struct ds_loop_status {
    uint64_t backing_device;   /* st_dev of the backing file */
    uint64_t backing_inode;    /* st_ino of the backing file */
    uint64_t offset;
    uint64_t size_limit;
    uint32_t flags;            /* LO_FLAGS_* */
    char file_name[64];        /* truncated by the kernel at 63 bytes */
    uint64_t backing_rdevice;  /* st_rdev of the backing file: its device when that is a device node */
};
int ds_loop_get_status(int fd, struct ds_loop_status *out);
uint32_t ds_loop_flag_autoclear(void);
/* O_TMPFILE (__O_TMPFILE | O_DIRECTORY), a macro Swift does not import. */
int ds_o_tmpfile(void);
uint32_t ds_loop_flag_read_only(void);

/* BTRFS_IOC_FS_INFO */
struct ds_btrfs_fs_info {
    uint64_t max_id;
    uint64_t num_devices;
    uint8_t fsid[16];
    uint32_t nodesize;
    uint32_t sectorsize;
};
int ds_btrfs_fs_info(int fd, struct ds_btrfs_fs_info *out);

/* BTRFS_IOC_DEV_INFO; returns -1/ENODEV for a devid that is not in use. */
struct ds_btrfs_dev_info {
    uint64_t devid;
    uint64_t bytes_used;
    uint64_t total_bytes;
    uint8_t uuid[16];
    char path[1024];
};
int ds_btrfs_dev_info(int fd, uint64_t devid, struct ds_btrfs_dev_info *out);

/* BTRFS_IOC_SPACE_INFO: up to `capacity` entries into `out`; *count receives how many
 * the filesystem has (call with capacity 0 to learn it). */
struct ds_btrfs_space {
    uint64_t flags;
    uint64_t total_bytes;
    uint64_t used_bytes;
};
int ds_btrfs_space_info(int fd, struct ds_btrfs_space *out, uint64_t capacity, uint64_t *count);

/* The subvolume a descriptor is in (BTRFS_IOC_INO_LOOKUP for BTRFS_FIRST_FREE_OBJECTID, which
 * needs no privilege): its id, and whether BTRFS_IOC_SUBVOL_GETFLAGS flags it read-only. */
int ds_btrfs_subvolume_of(int fd, uint64_t *id, int *read_only);

/* FS_IOC_GETFLAGS: the inode's immutable and append-only attributes (chattr +i / +a). */
int ds_inode_write_locks(int fd, int *immutable, int *append_only);

/* LOOP_CLR_FD: detach a loop device from its file. */
int ds_loop_clear(int fd);

/* LOOP_CTL_GET_FREE on /dev/loop-control: the number of a free loop device (creating one). */
int ds_loop_get_free(int control_fd);

/* Binds the loop device `loop_fd` to `backing_fd` with LO_FLAGS_AUTOCLEAR (when `autoclear`):
 * LOOP_CONFIGURE, or LOOP_SET_FD + LOOP_SET_STATUS64 on kernels before 5.8. */
int ds_loop_attach(int loop_fd, int backing_fd, int autoclear);

/* LOOP_SET_CAPACITY: the loop device re-reads its backing file's size. */
int ds_loop_set_capacity(int fd);

/* BTRFS_IOC_RESIZE with "devid:size" ("1:max"). */
int ds_btrfs_resize(int fd, const char *spec);

/* BTRFS_IOC_ADD_DEV: add the block device at `path` to the filesystem of `fd`. */
int ds_btrfs_add_device(int fd, const char *path);

/* BTRFS_IOC_RM_DEV_V2 by devid: moves every chunk off the device, then removes it. */
int ds_btrfs_remove_device(int fd, uint64_t devid);

/* A balance's counters (struct btrfs_balance_progress) and state (BTRFS_BALANCE_STATE_*). */
struct ds_btrfs_balance_status {
    uint64_t state;       /* bit 0 running, bit 1 pause requested, bit 2 cancel requested */
    uint64_t expected;    /* chunks the balance expects to relocate */
    uint64_t considered;  /* chunks looked at so far */
    uint64_t completed;   /* chunks relocated so far */
};

/*
 * BTRFS_IOC_BALANCE_V2 with usage filters only: data chunks less than `data_usage` percent
 * full (no data filter when negative), metadata and system chunks less than
 * `metadata_usage` percent full (none when negative). Blocks until the balance ends;
 * *out receives its counters also when it fails with ECANCELED (cancelled or paused).
 */
int ds_btrfs_balance_usage(int fd, int data_usage, int metadata_usage, struct ds_btrfs_balance_status *out);

/* BTRFS_IOC_BALANCE_PROGRESS: -1/ENOTCONN when no balance runs or is paused. */
int ds_btrfs_balance_progress(int fd, struct ds_btrfs_balance_status *out);

/* BTRFS_IOC_BALANCE_CTL with BTRFS_BALANCE_CTL_CANCEL: cancels a running or paused balance. */
int ds_btrfs_balance_cancel(int fd);

/* BTRFS_IOC_SCAN_DEV on /dev/btrfs-control: tell the kernel about a member device. */
int ds_btrfs_scan_device(int control_fd, const char *path);

/* BTRFS_IOC_DEVICES_READY on /dev/btrfs-control (`btrfs device ready`): 0 when the kernel has
   seen every device of the filesystem on `path`, 1 when one is missing, -1 with errno. */
int ds_btrfs_devices_ready(int control_fd, const char *path);

/* FITRIM over the whole filesystem; *trimmed receives the bytes discarded. */
int ds_fitrim(int fd, uint64_t min_length, uint64_t *trimmed);

/*
 * NVMe Identify Controller (admin opcode 0x06, CNS 1) into a 4096-byte buffer.
 * On EBS volumes bytes 3072..3103 hold the block device name the volume was attached
 * as ("sdf", "/dev/xvdf"), which udev turns into the /dev/xvdf symlink.
 */
int ds_nvme_identify_controller(int fd, uint8_t *buffer4096);

/* statfs(2)'s f_type (the filesystem's magic number); sys/vfs.h is not in Swift's Glibc. */
int ds_statfs_type(const char *path, int64_t *type);

/*
 * statfs(2)'s f_fsid words, block count and block size: what a btrfs's figures need when the
 * caller may not open its mountpoint (statfs needs only search permission on the parents).
 */
int ds_statfs_identity(const char *path, uint32_t *fsid0, uint32_t *fsid1, uint64_t *blocks, uint64_t *blockSize);

/*
 * Whether `path` (symlinks followed) is the root of a mount, from statx(2)'s
 * STATX_ATTR_MOUNT_ROOT: *answer is 1 or 0, or -1 when the kernel does not report the
 * attribute (before Linux 5.8) and the caller has to read the mount table instead.
 */
int ds_is_mount_root(const char *path, int *answer);

/*
 * Whether `name` in the folder `dir_fd` (a link at `name` not followed) is the root of a
 * mount, e.g. a file bind-mounted over itself: statx(2)'s STATX_ATTR_MOUNT_ROOT (Linux 5.8),
 * else its STATX_MNT_ID compared with the folder's. *answer is 1 or 0, or -1 when the kernel
 * reports neither and the caller has to read the mount table instead.
 */
int ds_is_mount_root_at(int dir_fd, const char *name, int *answer);

/*
 * The id of the mount `path` (symlinks followed) reaches, as mountinfo's first field, from
 * statx(2)'s STATX_MNT_ID (Linux 5.8): *known is 0 when the kernel does not report it.
 */
int ds_mount_id(const char *path, uint64_t *id, int *known);

/*
 * chattr's i and a of `path` (a link not followed) from statx(2)'s attributes, which any user
 * who may look the path up reads, without opening it (ds_inode_write_locks needs a
 * descriptor). -1 with EOPNOTSUPP when the filesystem does not report both.
 */
int ds_statx_write_locks(const char *path, int *immutable, int *append_only);
/* The same for the entry `name` of the folder open at `dirfd`, and whether it is a folder
 * (`is_folder` may be NULL). */
int ds_statx_write_locks_at(int dirfd, const char *name, int *immutable, int *append_only, int *is_folder);

/*
 * statx(2)'s birth time (STATX_BTIME) of `path`, symlinks followed: *seconds since the epoch,
 * *known 0 when the filesystem does not report one (then *seconds is 0).
 */
int ds_birth_time(const char *path, int64_t *seconds, int *known);

/* FS_IOC_GETFLAGS (the chattr attributes) of an open file: *immutable and *append_only
 * are 1 or 0. */
int ds_inode_restrictions(int fd, int *immutable, int *append_only);

/* Sets FS_NOCOW_FL (chattr +C) on an open file (FS_IOC_GETFLAGS, then FS_IOC_SETFLAGS); btrfs
 * honours it only while the file holds no data. */
int ds_set_nocow(int fd);

/* BTRFS_IOC_GET_DEV_STATS (what `btrfs device stats` reads) of `devid`, through a descriptor on
 * the mounted filesystem: out[0..4] = write, read, flush, corruption, generation errors. */
int ds_btrfs_get_dev_stats(int fd, uint64_t devid, uint64_t out[5]);

/* openat2(2) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: `path` is resolved as if `root_fd`
 * were "/" (absolute symlinks and ".." stay inside it). glibc 2.36 has no wrapper, so this is
 * syscall(SYS_openat2). Returns the new descriptor, or -1 with errno (ENOSYS before Linux 5.6). */
int ds_open_in_root(int root_fd, const char *path, int flags, unsigned int mode);

/* umount2(target, UMOUNT_NOFOLLOW): a symlink at the last component of `target` is not
 * followed. Through syscall(2): <sys/mount.h> clashes with <linux/fs.h> on glibc 2.36. */
int ds_umount_nofollow(const char *target);

/* O_PATH, which Swift's Glibc leaves out (it needs _GNU_SOURCE): the hand walk that stands in
 * for openat2 on older kernels looks up one component at a time with O_PATH | O_NOFOLLOW. */
int ds_o_path(void);

/* fstatfs(2)'s f_type of an open descriptor (an O_PATH one too). */
int ds_fstatfs_type(int fd, int64_t *type);

/* Asks the kernel's parser for the filesystem type `fstype` whether it takes the mount option
 * `key` (`value` NULL for a flag), through fsopen(2) and fsconfig(2) on a new context that is
 * closed again: nothing is mounted. Returns 1 when it takes it; 0 when it rejects it (EINVAL),
 * with the kernel's message for it, if it logged one, in `message` (NUL-terminated); -1 with
 * errno when it cannot be asked (no fsopen before Linux 5.2, no privilege, an unknown type). */
int ds_fs_option_accepted(const char *fstype, const char *key, const char *value, char *message, size_t size);

/*
 * BTRFS_IOC_DEV_REPLACE. The kernel reports some outcomes in the arguments' `result` field
 * (BTRFS_IOCTL_DEV_REPLACE_RESULT_*) and some as a positive btrfs error code returned by the
 * ioctl itself; `*result` is DS_BTRFS_REPLACE_NO_RESULT when the kernel did not set it.
 */
#define DS_BTRFS_REPLACE_NO_RESULT UINT64_MAX

/* STATUS: replace_state is BTRFS_IOCTL_DEV_REPLACE_STATE_* (0 never started, 1 started,
 * 2 finished, 3 canceled, 4 suspended); progress_1000 runs from 0 to 1000. */
struct ds_btrfs_replace_status {
    uint64_t state;
    uint64_t progress_1000;
    uint64_t time_started;
    uint64_t time_stopped;
    uint64_t write_errors;
    uint64_t uncorrectable_read_errors;
};
int ds_btrfs_replace_status(int fd, struct ds_btrfs_replace_status *out, uint64_t *result);

/* CANCEL: *result is 0 when a running or suspended replace was canceled, 1 when none ran. */
int ds_btrfs_replace_cancel(int fd, uint64_t *result);

/* The DEV_REPLACE item of the device tree (TREE_SEARCH, tree 4, key (0 DEV_REPLACE 0)): what
 * the last transaction commit wrote, which is what the next mount reads (STATUS shows the
 * kernel's memory). *found is 0 when there is no such item (no replace ever ran); else *state
 * is its replace_state (BTRFS_IOCTL_DEV_REPLACE_STATE_*). */
int ds_btrfs_replace_item(int fd, int *found, uint64_t *state);

/* Forces a transaction commit: writes the filesystem's label back unchanged (SET_FSLABEL
 * starts a transaction and commits it; SYNC and syncfs commit only a transaction already
 * running, and a replace's state change alone starts none). */
int ds_btrfs_commit_label(int fd);

/* The parent qgroups of `qgroupid` (TREE_SEARCH, quota tree 8, its QGROUP_RELATION items with
 * a higher offset), at most `capacity` of them in `out`; *count is how many there are (more
 * than capacity: the rest were not stored). ENOENT: quotas were never enabled. */
int ds_btrfs_qgroup_parents(int fd, uint64_t qgroupid, uint64_t *out, uint64_t capacity, uint64_t *count);

/* What START returned: the ioctl's return value, errno when it was -1, and `result`. */
struct ds_btrfs_replace_outcome {
    int64_t rc;
    int64_t error;
    uint64_t result;
};

/*
 * START, replacing `srcdevid` (by id, never by name) with the block device `target`, reading
 * from the source always (BTRFS_IOCTL_DEV_REPLACE_CONT_READING_FROM_SRCDEV_MODE_ALWAYS: on a
 * single-device store it is the only copy). The ioctl blocks until the copy is done, and a
 * fatal signal does not end it: like `btrfs replace start` without -B, it runs in a child
 * process that keeps only `fd` open (so the caller's lock is not held by it), writes its
 * struct ds_btrfs_replace_outcome to the pipe returned in *report_fd and exits. Returns the
 * child's pid, or -1 with errno.
 */
int ds_btrfs_replace_start_child(int fd, uint64_t srcdevid, const char *target, int *report_fd);
/* Unlinks `name` in the folder `dirfd` from a detached grandchild (then flushes the folder),
 * only while it is still the regular file with `device` and `inode`; returns 0 once that
 * grandchild is on its own (the caller does not wait for the unlink), -1 with errno. */
int ds_unlinkat_detached(int dirfd, const char *name, uint64_t device, uint64_t inode);
/* renameat2(2) with RENAME_NOREPLACE, which Swift's Glibc leaves out (it needs _GNU_SOURCE):
 * renames `from` to `to` atomically and fails with EEXIST when `to` exists, never replacing it. */
int ds_renameat_noreplace(int from_dirfd, const char *from, int to_dirfd, const char *to);

/* flistxattr/fgetxattr/fsetxattr(2): sys/xattr.h is not in Swift's Glibc. */
int64_t ds_flistxattr(int fd, char *list, uint64_t size);
int64_t ds_fgetxattr(int fd, const char *name, void *value, uint64_t size);
int ds_fsetxattr(int fd, const char *name, const void *value, uint64_t size, int flags);

#endif
