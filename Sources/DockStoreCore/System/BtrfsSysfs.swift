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
}
