#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Free space on a host filesystem (statvfs), as an unprivileged writer would see it.
public struct HostSpace: Sendable, Equatable {
    public var available: UInt64
    public var total: UInt64

    public static func of(_ path: String) throws -> HostSpace {
        var s = statvfs()
        try Syscall.check("cannot read the free space of", path) { statvfs(path, &s) }
        let unit = UInt64(s.f_frsize == 0 ? s.f_bsize : s.f_frsize)
        return HostSpace(available: UInt64(s.f_bavail) * unit, total: UInt64(s.f_blocks) * unit)
    }
}
