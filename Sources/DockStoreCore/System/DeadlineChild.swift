#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs this same executable (`/proc/self/exe`) as a child with `arguments` and collects its
/// standard output until it closes it or a deadline passes.
///
/// For reads of devices dockstore does not own: a read from a hung block device (a loop
/// device whose backing file sits on a filesystem that blocks, a stuck volume) waits in
/// uninterruptible sleep, and not even SIGKILL ends it. In a thread of dockstore's own, it
/// would keep the process from ever being reaped, so `check` would never answer. A child
/// that does not answer in time is sent SIGKILL and left behind (it dies, or init reaps it,
/// when its read returns); the caller answers without it.
public enum DeadlineChild {
    public enum Outcome: Sendable, Equatable {
        /// The child closed its output: all it wrote.
        case finished([UInt8])
        /// The deadline passed first: what it had written by then.
        case timedOut([UInt8])
    }

    /// Output beyond this is cut off (the child misbehaves); the caller finds it incomplete.
    static let outputLimit = 4 << 20

    public static func run(_ arguments: [String], deadline seconds: Double) throws -> Outcome {
        var pipeEnds: [Int32] = [-1, -1]
        // pipe2 is not in Glibc's Swift module; check has no other thread that spawns meanwhile.
        guard pipe(&pipeEnds) == 0 else {
            throw DockStoreError.system("cannot make a pipe for a child of", "/proc/self/exe", errno: errno)
        }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        defer { close(readEnd) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = (["dockstore"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/proc/self/exe", &actions, nil, argv, environ)
        close(writeEnd)
        guard spawned == 0 else {
            throw DockStoreError.system("cannot start a child of", "/proc/self/exe", errno: spawned)
        }
        let end = MonotonicClock.seconds() + seconds
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while output.count < outputLimit {
            let left = end - MonotonicClock.seconds()
            guard left > 0 else { break }
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left * 1000, 60_000).rounded(.up)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw DockStoreError.system("cannot wait for a child of", "/proc/self/exe", errno: errno)
            }
            guard ready > 0 else { continue }
            let got = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw DockStoreError.system("cannot read the output of a child of", "/proc/self/exe", errno: errno)
            }
            if got == 0 {
                // Closed: the child is done and exits now; reap it (another reaper may have).
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .finished(output)
            }
            output += buffer[0..<got]
        }
        kill(pid, SIGKILL)
        return .timedOut(output)
    }
}
