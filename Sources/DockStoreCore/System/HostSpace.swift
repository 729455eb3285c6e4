#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Free space on a host filesystem (statvfs), as an unprivileged writer would see it.
public struct HostSpace: Sendable, Equatable {
    public var available: UInt64
    public var total: UInt64
    /// Free bytes including those reserved for root (f_bfree): total − free is what `df` calls used.
    public var free: UInt64
    /// Mounted read-only (ST_RDONLY), by the mount's option or because the filesystem forced it.
    public var readOnly: Bool
    /// Inodes the filesystem has (f_files; 0 where it has no fixed count, as btrfs) and those
    /// free (f_ffree).
    public var files: UInt64 = 0
    public var filesFree: UInt64 = 0

    public static func of(_ path: String) throws -> HostSpace {
        var s = statvfs()
        try Syscall.check("cannot read the free space of", path) { statvfs(path, &s) }
        let unit = UInt64(s.f_frsize == 0 ? s.f_bsize : s.f_frsize)
        var space = HostSpace(available: UInt64(s.f_bavail) * unit, total: UInt64(s.f_blocks) * unit,
                              free: UInt64(s.f_bfree) * unit, readOnly: UInt(s.f_flag) & UInt(ST_RDONLY) != 0)
        (space.files, space.filesFree) = (UInt64(s.f_files), min(UInt64(s.f_ffree), UInt64(s.f_files)))
        return space
    }
}
