import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a tool (mkfs.btrfs, systemctl, btrfs-progs) through swift-subprocess and collects
/// its output. A non-zero exit is a result to inspect, not an error; only a failure to
/// start throws.
public struct Subprocess: Sendable {
    public struct Result: Sendable, Equatable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        /// The last non-empty line of stderr (or stdout), for one-line error messages.
        public var reason: String {
            let lines = (standardError + "\n" + standardOutput).split(separator: "\n")
                .map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            let errorLine = lines.first(where: { $0.hasPrefix("ERROR") || $0.lowercased().contains("error") })
            return errorLine ?? lines.last ?? "exit status \(status)"
        }
    }

    /// Folders searched after $PATH, since a boot-time PATH may lack the sbin folders.
    static let fallbackFolders = ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin"]

    /// The executable's path, or nil when it is not installed.
    public static func find(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let folders = path.split(separator: ":").map(String.init) + fallbackFolders
        return folders.map { "\($0)/\(name)" }.first(where: { access($0, X_OK) == 0 })
    }

    /// Collected output beyond this is an error: these tools print a few lines.
    static let outputLimit = 16 << 20

    /// Runs the tool with stdin from /dev/null and `LC_ALL=C` (so its messages can be
    /// matched), and waits for it. swift-subprocess spawns, collects both streams and reaps
    /// it; its API is async, and dockstore's steps are synchronous, so the calling thread
    /// waits on a semaphore while a detached task runs it.
    public static func run(_ name: String, _ arguments: [String], package: String) throws -> Result {
        guard let executable = find(name) else {
            throw DockStoreError.failed("cannot run \(name): it is not installed (install the \(package) package)")
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            outcome.set(await collect(executable, arguments, limit: outputLimit))
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }
}

/// The result handed from the task that ran the tool to the thread waiting for it; the
/// semaphore orders the write before the read, the lock keeps the compiler's checks honest.
private final class Outcome: @unchecked Sendable {
    private var value: Swift.Result<Subprocess.Result, DockStoreError>?
    private var lock = pthread_mutex_t()

    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    func set(_ result: Swift.Result<Subprocess.Result, DockStoreError>) {
        pthread_mutex_lock(&lock)
        value = result
        pthread_mutex_unlock(&lock)
    }

    func get() throws -> Subprocess.Result {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard let value else { throw DockStoreError.failed("a tool's run ended without a result") }
        return try value.get()
    }
}
