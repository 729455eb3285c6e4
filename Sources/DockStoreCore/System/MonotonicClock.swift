#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Seconds on CLOCK_MONOTONIC, for deadlines that a clock change must not move.
public enum MonotonicClock {
    public static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Sleeps `seconds` (usleep; a signal may end it early, which callers that poll do not mind).
    public static func sleep(_ seconds: Double) {
        usleep(UInt32(seconds * 1e6))
    }
}
