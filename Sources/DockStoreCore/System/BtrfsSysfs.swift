#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `/sys/fs/btrfs` says of filesystems the kernel has mounted.
enum BtrfsSysfs {
    /// True when the kernel has the btrfs filesystem `uuid` mounted (its folder exists from
    /// the start of the mount to its end), in any mount namespace.
    static func isMounted(uuid: String, sysfs: String = "/sys") throws -> Bool {
        let path = "\(sysfs)/fs/btrfs/\(uuid.lowercased())"
        switch Syscall.attempt({ access(path, F_OK) }) {
        case .success: return true
        case .failure(let code) where code == ENOENT: return false
        case .failure(let code): throw DockStoreError.system("cannot tell whether the kernel has mounted", path, errno: code)
        }
    }

    /// The UUID of the mounted btrfs that has the block device `name` (a kernel name such as
    /// `loop3` or `nvme1n1`) among its members, from /sys/fs/btrfs/<uuid>/devices; nil when
    /// none has. The mount table names only one member of a multi-device filesystem.
    static func filesystem(withMember name: String, sysfs: String = "/sys") throws -> String? {
        let root = "\(sysfs)/fs/btrfs"
        guard let entries = FolderEntries.names(root) else {
            if errno == ENOENT { return nil }
            throw DockStoreError.system("cannot list", root, errno: errno)
        }
        for uuid in entries where uuid.count == 36 {
            let devices = "\(root)/\(uuid)/devices"
            guard let members = FolderEntries.names(devices) else {
                if errno == ENOENT { continue }
                throw DockStoreError.system("cannot list", devices, errno: errno)
            }
            if members.contains(name) { return uuid }
        }
        return nil
    }
}
