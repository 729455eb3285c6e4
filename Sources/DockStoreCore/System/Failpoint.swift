#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Crash injection for tests: `DOCKSTORE_FAILPOINT=<step>` makes the process kill itself
/// with SIGKILL right after that step, so a test can prove a re-run finishes the job.
/// `DOCKSTORE_PAUSE=<point>` makes it sleep a second at a pause point instead, so a test
/// can change the files under it at exactly that moment (the check-then-write race).
public enum Failpoint {
    public static let variable = "DOCKSTORE_FAILPOINT"
    public static let pauseVariable = "DOCKSTORE_PAUSE"

    public static func pause(_ point: String) {
        guard let value = getenv(pauseVariable), String(cString: value) == point else { return }
        sleep(1)
    }

    public static func reached(_ step: String) {
        guard let value = getenv(variable), String(cString: value) == step else { return }
        kill(getpid(), SIGKILL)
    }
}
