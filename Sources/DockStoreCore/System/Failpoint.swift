#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Crash injection for tests: `DOCKSTORE_FAILPOINT=<step>` makes the process kill itself
/// with SIGKILL right after that step, so a test can prove a re-run finishes the job.
/// `DOCKSTORE_PAUSE=<point>` makes it sleep a second at a pause point instead, so a test
/// can change the files under it at exactly that moment (the check-then-write race);
/// `DOCKSTORE_PAUSE=<point>:stop` stops it there (SIGSTOP) until the test sends SIGCONT, so the
/// change lands in the pause however loaded the machine is.
public enum Failpoint {
    public static let variable = "DOCKSTORE_FAILPOINT"
    public static let pauseVariable = "DOCKSTORE_PAUSE"

    public static func pause(_ point: String) {
        guard let value = getenv(pauseVariable) else { return }
        let wanted = String(cString: value)
        if wanted == point { sleep(1) } else if wanted == point + ":stop" { raise(SIGSTOP) }
    }

    public static func reached(_ step: String) {
        guard let value = getenv(variable), String(cString: value) == step else { return }
        kill(getpid(), SIGKILL)
    }
}
