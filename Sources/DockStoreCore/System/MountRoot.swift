import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether a path is the root of a mount, asked of statx (STATX_ATTR_MOUNT_ROOT, kernel 5.8
/// on) rather than read from the mount table: no library, no parsing, which keeps check fast.
public enum MountRoot {
    /// true or false; nil when the kernel does not say (before 5.8). Fails with the errno kept
    /// in the error's `code` (ENOENT, ENOTDIR for a path that is not there).
    public static func isMountRoot(_ path: String) throws -> Bool? {
        var root: Int32 = 0
        switch Syscall.attempt({ ds_is_mount_root(path, &root) }) {
        case .success: return root < 0 ? nil : root == 1
        case .failure(let code): throw DockStoreError.system("cannot read", path, errno: code)
        }
    }
}

extension MountRoot {
    /// Whether `name` in the open folder `folder` (a link at `name` not followed) is the root of
    /// a mount, such as a file bind-mounted over itself; nil when the kernel does not say (before
    /// 5.8). Nothing at `name` is no mount root.
    static func isMountRoot(in folder: Int32, _ name: String, shown: String) throws -> Bool? {
        var root: Int32 = 0
        switch Syscall.attempt({ ds_is_mount_root_at(folder, name, &root) }) {
        case .success: return root < 0 ? nil : root == 1
        case .failure(let code) where code == ENOENT || code == ENOTDIR: return false
        case .failure(let code): throw DockStoreError.system("cannot look at", shown, errno: code)
        }
    }
}

extension MountRoot {
    /// The id of the mount `path` reaches (mountinfo's first field); nil when the kernel does
    /// not say (before 5.8). Fails with the errno kept in the error's `code`.
    static func mountID(of path: String) throws -> UInt64? {
        var id: UInt64 = 0
        var known: Int32 = 0
        switch Syscall.attempt({ ds_mount_id(path, &id, &known) }) {
        case .success: return known == 1 ? id : nil
        case .failure(let code): throw DockStoreError.system("cannot read", path, errno: code)
        }
    }
}
