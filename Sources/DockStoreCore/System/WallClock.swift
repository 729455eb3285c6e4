#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Seconds since the epoch, for records that outlive the process and reports' timestamps.
public enum WallClock {
    /// Whole seconds (time(2)).
    public static func seconds() -> Int64 { Int64(time(nil)) }

    /// Seconds with their fraction (clock_gettime(2), CLOCK_REALTIME).
    public static func now() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
