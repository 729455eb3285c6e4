#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why root cannot change an existing file in place (extend or truncate it, as grow extends
/// the image): a chattr restriction on it, or its filesystem mounted read-only. Asked while
/// planning, so that such a file is refused before the first step, with nothing changed (attack
/// 41 R F1: grow on an immutable image failed at its first step, exit 1).
public enum InPlaceChange {
    /// The obstacle and its remedy, as one clause; nil when there is none.
    public static func obstacle(_ path: String, verb: String) throws -> String? {
        if let restriction = try InodeRestriction.of(path) {
            let flag = restriction == .immutable ? "-i" : "-a"
            return "\(path) is \(restriction.rawValue), so it cannot be \(verb): remove that with chattr \(flag) \(path.shellWord) if the change is wanted and run again"
        }
        var s = statvfs()
        try Syscall.check("cannot read the filesystem of", path) { statvfs(path, &s) }
        if (s.f_flag & UInt(ST_RDONLY)) != 0 {
            return "\(path) is on a read-only filesystem, so it cannot be \(verb): remount it read-write (mount -o remount,rw) and run again"
        }
        return nil
    }
}
