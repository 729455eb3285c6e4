#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a tool (mkfs.btrfs, systemctl) with posix_spawn and collects its output. A
/// non-zero exit is a result to inspect, not an error; only a failure to start throws.
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

    public static func run(_ name: String, _ arguments: [String], package: String) throws -> Result {
        guard let executable = find(name) else {
            throw DockStoreError.failed("cannot run \(name): it is not installed (install the \(package) package)")
        }
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        try Syscall.check("cannot create a pipe for", name) { pipe(&outPipe) }
        defer { for fd in outPipe where fd >= 0 { close(fd) } }
        try Syscall.check("cannot create a pipe for", name) { pipe(&errPipe) }
        defer { for fd in errPipe where fd >= 0 { close(fd) } }
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var environment: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if !text.hasPrefix("LC_ALL=") && !text.hasPrefix("LANG=") { environment.append(text) }
            index += 1
        }
        environment.append("LC_ALL=C")
        let envp = environment.map { strdup($0) } + [nil]
        defer { for p in envp { free(p) } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw DockStoreError.system("cannot run", executable, errno: spawned) }
        close(outPipe[1]); outPipe[1] = -1
        close(errPipe[1]); errPipe[1] = -1

        var output: [UInt8] = []
        var error: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var chunk = [UInt8](repeating: 0, count: 16384)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for pfd in fds where pfd.revents != 0 {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(pfd.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if pfd.fd == outPipe[0] { output.append(contentsOf: chunk[0..<n]) }
                    else { error.append(contentsOf: chunk[0..<n]) }
                } else if n == 0 || errno != EINTR {
                    open.removeAll { $0 == pfd.fd }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw DockStoreError.system("cannot wait for", executable, errno: errno) }
        }
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exit, standardOutput: String(decoding: output, as: UTF8.self),
                      standardError: String(decoding: error, as: UTF8.self))
    }
}
