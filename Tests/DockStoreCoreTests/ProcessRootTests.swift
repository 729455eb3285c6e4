import Foundation
import Testing
@testable import DockStoreCore
#if canImport(Glibc)
import Glibc
#endif

/// `ProcessRoot` on real processes: a live one opens through /proc/PID; a zombie that exited
/// (its parent does not reap it) and a vanished PID are `exited`; a leader that called
/// `pthread_exit` while a thread runs opens through that thread; and on a built /proc tree,
/// whatever else cannot be opened is a failure, never `exited`.
@Suite(.serialized) struct ProcessRootTests {
    static let python = "/usr/bin/python3"

    /// A parent that forks a child named dockerd which exits at once, and reaps it only on SIGTERM.
    static let zombieParent = """
        import ctypes, os, signal, sys, time
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        pid = os.fork()
        if pid == 0:
            ctypes.CDLL(None).prctl(15, b"dockerd", 0, 0, 0)
            os._exit(0)
        signal.signal(signal.SIGTERM, lambda *a: (os.waitpid(pid, 0), os._exit(0)))
        open(sys.argv[1], "w").write(str(pid))
        while True: time.sleep(60)
        """

    /// A process named dockerd whose leader thread exits while another thread runs on.
    static let exitedLeader = """
        import ctypes, signal, sys, threading, time
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        libc = ctypes.CDLL(None)
        libc.prctl(15, b"dockerd", 0, 0, 0)
        threading.Thread(target=lambda: time.sleep(600)).start()
        libc.pthread_exit(None)
        """

    /// Each script first unblocks every signal: a Process started from a Dispatch thread
    /// inherits that thread's mask, SIGTERM blocked among others.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }

    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Waits up to 10 s for `ready`.
    static func wait(_ ready: () -> Bool) -> Bool {
        for _ in 0..<100 { if ready() { return true }; usleep(100_000) }
        return ready()
    }

    static func state(_ pid: Int32) -> String? {
        if case .success(let state) = ProcessRoot.state("/proc/\(pid)") { return state }
        return nil
    }

    @Test func aLiveProcessOpensThroughItsOwnFolder() throws {
        let process = try Self.start(["-c", "import signal, time; signal.pthread_sigmask(signal.SIG_SETMASK, []); time.sleep(600)"])
        defer { Self.stop(process) }
        let pid = process.processIdentifier
        guard case .success(.open(let fd, let task)) = ProcessRoot.open(pid: pid, proc: "/proc") else {
            Issue.record("a running process's root opens: \(ProcessRoot.open(pid: pid, proc: "/proc"))")
            return
        }
        close(fd)
        #expect(task == "/proc/\(pid)")
        #expect(!ProcessRoot.hasExited(pid: pid, proc: "/proc"))
    }

    @Test func aZombieNoneOfWhoseThreadsRunsHasExited() throws {
        let file = NSTemporaryDirectory() + "dockstore-zombie-" + UUID().uuidString
        defer { unlink(file) }
        let parent = try Self.start(["-c", Self.zombieParent, file])
        defer { Self.stop(parent) }
        try #require(Self.wait { (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int32($0) } != nil }, "the parent forked")
        let pid = try #require((try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int32($0) })
        try #require(Self.wait { Self.state(pid) == "Z" }, "the child is a zombie: \(Self.state(pid) ?? "gone")")
        // What the kernel shows of it: its name kept, no root, only its leader in task/.
        #expect((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "dockerd\n")
        #expect(open("/proc/\(pid)/root", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOENT)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") == ["\(pid)"])
        let outcome = ProcessRoot.open(pid: pid, proc: "/proc")
        guard case .success(.exited) = outcome else { Issue.record("a zombie has exited: \(outcome)"); return }
        #expect(ProcessRoot.hasExited(pid: pid, proc: "/proc"))
    }

    @Test func aLeaderThatExitedWhileAThreadRunsOpensThroughThatThread() throws {
        let process = try Self.start(["-c", Self.exitedLeader, "--data-root", "/somewhere"])
        defer { Self.stop(process) }
        let pid = process.processIdentifier
        try #require(Self.wait { Self.state(pid) == "Z" && ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count ?? 0) == 2 },
                     "the leader exited and one thread runs: \(Self.state(pid) ?? "gone")")
        #expect(open("/proc/\(pid)/root", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOENT)
        // The leader's command line reads empty: arguments must come from the live thread.
        #expect((try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")))?.isEmpty == true)
        guard case .success(.open(let fd, let task)) = ProcessRoot.open(pid: pid, proc: "/proc") else {
            Issue.record("the process runs on in its thread: \(ProcessRoot.open(pid: pid, proc: "/proc"))")
            return
        }
        close(fd)
        #expect(task.hasPrefix("/proc/\(pid)/task/") && task != "/proc/\(pid)/task/\(pid)", "\(task)")
        let words = (try? Data(contentsOf: URL(fileURLWithPath: task + "/cmdline"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(words.contains("--data-root\u{0}/somewhere"), "\(words)")
    }

    @Test func aVanishedProcessHasExited() throws {
        let process = try Self.start(["-c", "pass"])
        process.waitUntilExit()
        let pid = process.processIdentifier
        try #require(access("/proc/\(pid)", F_OK) != 0, "reaped: /proc/\(pid) is gone")
        let outcome = ProcessRoot.open(pid: pid, proc: "/proc")
        guard case .success(.exited) = outcome else { Issue.record("a vanished process has exited: \(outcome)"); return }
    }

    /// A built /proc: whatever is neither "gone" nor "a zombie with no live thread" fails, naming why.
    @Test(arguments: [
        ("a running process whose root is missing", "S", ["7"], "though it is not a zombie (state S)"),
        ("a zombie leader whose other thread's root cannot be opened", "Z", ["7", "8"], "the root of none of its other threads can be opened"),
        ("a status without a State line", nil, ["7"], "has no State line"),
    ] as [(String, String?, [String], String)])
    func whatCannotBeToldFails(_ name: String, _ state: String?, _ tasks: [String], _ says: String) throws {
        let proc = NSTemporaryDirectory() + "dockstore-proc-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: proc) }
        for task in tasks { try FileManager.default.createDirectory(atPath: "\(proc)/7/task/\(task)", withIntermediateDirectories: true) }
        try (state.map { "Name:\tdockerd\nState:\t\($0) (x)\n" } ?? "Name:\tdockerd\n").write(toFile: "\(proc)/7/status", atomically: false, encoding: .utf8)
        let outcome = ProcessRoot.open(pid: 7, proc: proc)
        guard case .failure(let error) = outcome else { Issue.record("\(name): fails: \(outcome)"); return }
        #expect(error.message.contains(says), "\(name): \(error.message)")
    }

    @Test func aZombieWithOnlyItsLeaderInABuiltProcHasExited() throws {
        let proc = NSTemporaryDirectory() + "dockstore-proc-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: proc) }
        try FileManager.default.createDirectory(atPath: "\(proc)/7/task/7", withIntermediateDirectories: true)
        try "Name:\tdockerd\nState:\tZ (zombie)\n".write(toFile: "\(proc)/7/status", atomically: false, encoding: .utf8)
        guard case .success(.exited) = ProcessRoot.open(pid: 7, proc: proc) else {
            Issue.record("\(ProcessRoot.open(pid: 7, proc: proc))")
            return
        }
    }
}
