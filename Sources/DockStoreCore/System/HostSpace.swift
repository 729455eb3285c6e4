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
    /// Mount options that keep programs (ST_NOEXEC) or symbolic links (ST_NOSYMFOLLOW, Linux
    /// 5.10) from working there, in mount(8)'s words: Docker's store needs both.
    public var blockingOptions: [String] = []

    public static func of(_ path: String) throws -> HostSpace {
        var s = statvfs()
        try Syscall.check("cannot read the free space of", path) { statvfs(path, &s) }
        let unit = UInt64(s.f_frsize == 0 ? s.f_bsize : s.f_frsize)
        let flags = UInt(s.f_flag)
        var space = HostSpace(available: UInt64(s.f_bavail) * unit, total: UInt64(s.f_blocks) * unit,
                              free: UInt64(s.f_bfree) * unit, readOnly: flags & UInt(ST_RDONLY) != 0,
                              blockingOptions: [(stNoExec, "noexec"), (stNoSymfollow, "nosymfollow")]
                                  .filter { flags & $0.0 != 0 }.map(\.1))
        (space.files, space.filesFree) = (UInt64(s.f_files), min(UInt64(s.f_ffree), UInt64(s.f_files)))
        return space
    }

    /// ST_NOEXEC and ST_NOSYMFOLLOW of <sys/statvfs.h> (GNU extensions Swift's Glibc leaves
    /// out; the kernel's values, ST_NOSYMFOLLOW since 5.10).
    static let stNoExec: UInt = 8
    static let stNoSymfollow: UInt = 0x2000

    public init(available: UInt64, total: UInt64, free: UInt64, readOnly: Bool, blockingOptions: [String] = []) {
        (self.available, self.total, self.free, self.readOnly, self.blockingOptions) = (available, total, free, readOnly, blockingOptions)
    }
}
