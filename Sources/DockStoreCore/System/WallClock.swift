#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Seconds since the epoch (time(2)), for records that outlive the process.
enum WallClock {
    static func seconds() -> Int64 { Int64(time(nil)) }
}
