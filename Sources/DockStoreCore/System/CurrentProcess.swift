#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// This process: its environment, whether it runs as root, and its end.
public enum CurrentProcess {
    /// The environment variable `name`; nil when it is not set.
    public static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The effective user is root (geteuid(2) is 0).
    public static var isRoot: Bool { geteuid() == 0 }

    /// Ends the process with `status` (exit(3): stdio flushed, atexit handlers run).
    public static func exit(_ status: Int32) -> Never {
        Glibc.exit(status)
    }
}
