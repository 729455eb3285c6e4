import CBtrfsUtil
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One btrfs subvolume, named by its path, read and deleted through libbtrfsutil.
public enum BtrfsSubvolume {
    /// Whether `path` is the root of a btrfs subvolume (inode 256 on btrfs); false for a
    /// plain folder or another filesystem, an error when it cannot be looked at.
    public static func isSubvolume(_ path: String) throws -> Bool {
        let rc = btrfs_util_is_subvolume(path)
        switch rc {
        case BTRFS_UTIL_OK: return true
        case BTRFS_UTIL_ERROR_NOT_SUBVOLUME, BTRFS_UTIL_ERROR_NOT_BTRFS: return false
        default: throw DockStoreError.failed("cannot tell whether \(path) is a btrfs subvolume: \(reason(rc))")
        }
    }

    /// When the subvolume at `path` was created (its root item's otime), in seconds since the epoch.
    public static func createdAt(_ path: String) throws -> Double {
        var info = btrfs_util_subvolume_info()
        let rc = btrfs_util_subvolume_info(path, 0, &info)
        guard rc == BTRFS_UTIL_OK else {
            throw DockStoreError.failed("cannot read the creation time of the subvolume \(path): \(reason(rc))")
        }
        return Double(info.otime.tv_sec) + Double(info.otime.tv_nsec) / 1e9
    }

    /// Deletes the subvolume at `path` with every subvolume nested below it first, as
    /// `btrfs subvolume delete --recursive` and moby's btrfs driver do (a subvolume that
    /// holds another cannot be destroyed alone).
    public static func deleteRecursively(_ path: String) throws {
        let rc = btrfs_util_delete_subvolume(path, Int32(BTRFS_UTIL_DELETE_SUBVOLUME_RECURSIVE))
        guard rc == BTRFS_UTIL_OK else {
            throw DockStoreError.failed("cannot delete the subvolume \(path): \(reason(rc))")
        }
    }

    static func reason(_ rc: btrfs_util_error) -> String {
        let text = btrfs_util_strerror(rc).map { String(cString: $0) } ?? "error \(rc.rawValue)"
        return "\(text): \(Errno.text(errno))"
    }
}
