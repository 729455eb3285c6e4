import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where a loop device's backing file lives, asked of the filesystem that holds it.
enum LoopBacking {
    /// True when `loop` is a loop device whose backing file lies on the btrfs `uuid` (the
    /// kernel's answer, BTRFS_IOC_FS_INFO on the file, so subvolumes and bind mounts do not
    /// hide it). False for a device that is not a bound loop device or a file elsewhere.
    /// A backing file that cannot be opened cannot be cleared: that is an error.
    static func isOnBtrfs(loop: String, uuid: String, sysBlock: String = "/sys/block") throws -> Bool {
        guard var file = try LoopDevice.backingFile(of: loop, sysBlock: sysBlock) else { return false }
        if file.hasSuffix(" (deleted)") { file.removeLast(" (deleted)".count) }
        let fd = try Syscall.check("cannot open the backing file of \(loop):", file) { open(file, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var info = ds_btrfs_fs_info()
        switch Syscall.attempt({ ds_btrfs_fs_info(fd, &info) }) {
        case .success: return formatUUID(info.fsid) == uuid.lowercased()
        case .failure(let code) where code == ENOTTY || code == EINVAL || code == EOPNOTSUPP: return false
        case .failure(let code): throw DockStoreError.system("cannot tell which filesystem holds", file, errno: code)
        }
    }
}
