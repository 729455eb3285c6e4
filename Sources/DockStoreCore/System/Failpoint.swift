#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Crash injection for tests: `DOCKSTORE_FAILPOINT=<step>` makes the process kill itself
/// with SIGKILL right after that step, so a test can prove a re-run finishes the job.
public enum Failpoint {
    public static let variable = "DOCKSTORE_FAILPOINT"

    public static func reached(_ step: String) {
        guard let value = getenv(variable), String(cString: value) == step else { return }
        kill(getpid(), SIGKILL)
    }
}
