import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// When a file or folder was made, as statx(2) reports it (STATX_BTIME). For the top folder of
/// a btrfs, that is when mkfs made the filesystem (the FS tree's root inode; a subvolume's, when
/// one is mounted): how check tells how long a store has gone without a scrub that never ran.
public enum BirthTime {
    /// Seconds since the epoch; nil when the filesystem keeps no birth time. Fails with the
    /// errno text when statx cannot read the path.
    public static func of(_ path: String) throws -> Int64? {
        var seconds: Int64 = 0
        var known: Int32 = 0
        try Syscall.check("cannot read the birth time of", path) { ds_birth_time(path, &seconds, &known) }
        return known == 0 || seconds <= 0 ? nil : seconds
    }
}
