import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `reclaim --orphans` and a dockerd whose /proc/PID/root cannot be opened because a thread
/// exited: a dockerd that exited and waits to be reaped (a zombie, also named by the pidfile)
/// uses nothing, and the orphan younger than it goes; one whose leader thread exited while
/// another thread runs still runs, its data root read through that thread, and keeps the orphan.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct OrphanDockerdLivenessIntegrationTests {
    static let orphan = String(repeating: "c", count: 64)

    func makeOrphan(_ root: TestRoot) throws {
        try root.sh("M=\(root.mountpoint); mkdir -p $M/btrfs/subvolumes $M/image/btrfs/layerdb/sha256 $M/image/btrfs/layerdb/mounts && btrfs -q subvolume create $M/btrfs/subvolumes/\(Self.orphan)")
    }

    var orphanExists: (TestRoot) -> Bool {
        { FileManager.default.fileExists(atPath: "\($0.mountpoint)/btrfs/subvolumes/\(Self.orphan)") }
    }

    @Test func anExitedDockerdNotYetReapedUsesNothing() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let file = root.path + "/zombie.pid"
            let parent = try ProcessRootFixtures.start(["-c", ProcessRootFixtures.zombieParent, file])
            defer { ProcessRootFixtures.stop(parent) }
            try #require(ProcessRootFixtures.wait { root.read(file).flatMap { Int32($0) } != nil }, "the parent forked")
            let pid = try #require(root.read(file).flatMap { Int32($0) })
            try #require(ProcessRootFixtures.wait { ProcessRootFixtures.state(pid) == "Z" }, "a zombie named dockerd")
            try root.write(root.path + "/run/docker.pid", "\(pid)\n") // its pidfile names it too
            sleep(3) // the orphan is younger than the zombie by more than the margin
            try makeOrphan(root)
            let result = try root.dockstore(["reclaim", "--orphans"])
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            #expect(!orphanExists(root), "the orphan goes: \(result.stdout)")
            #expect(ProcessRootFixtures.state(pid) == "Z", "still the unreaped zombie while reclaim ran")
        }
    }

    @Test func aDockerdWhoseLeaderThreadExitedStillRuns() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let daemon = try ProcessRootFixtures.start(["-c", ProcessRootFixtures.exitedLeader, "--data-root", root.mountpoint])
            defer { ProcessRootFixtures.stop(daemon) }
            let pid = daemon.processIdentifier
            try #require(ProcessRootFixtures.wait {
                ProcessRootFixtures.state(pid) == "Z" && ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count ?? 0) == 2
            }, "its leader exited, a thread runs")
            sleep(3) // the orphan is a pull in progress of this dockerd
            try makeOrphan(root)
            let result = try root.dockstore(["reclaim", "--orphans"])
            #expect(orphanExists(root), "DATA: the pull in progress of dockerd (pid \(pid)) was deleted: \(result.stdout) \(result.stderr)")
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.contains("kept \(root.mountpoint)/btrfs/subvolumes/\(Self.orphan): created after dockerd") && result.stdout.contains("pid \(pid)"),
                    "\(result.stdout) \(result.stderr)")
        }
    }
}

/// Real processes named dockerd that the kernel shows without a root (python3, held as Processes).
enum ProcessRootFixtures {
    static let python = "/usr/bin/python3"

    /// A parent that forks a child named dockerd which exits at once; it reaps it only on SIGTERM.
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
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }

    /// SIGTERM (the zombie's parent reaps it then), SIGKILL after 5 s, and reaped.
    static func stop(_ process: Process) {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            for _ in 0..<50 where process.isRunning { usleep(100_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
    }

    /// Waits up to 10 s for `ready`.
    static func wait(_ ready: () -> Bool) -> Bool {
        for _ in 0..<100 { if ready() { return true }; usleep(100_000) }
        return ready()
    }

    /// The state letter in /proc/PID/status, nil when it is gone.
    static func state(_ pid: Int32) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("State:") }) else { return nil }
        return line.dropFirst(6).trimmingCharacters(in: .whitespaces).first.map(String.init)
    }
}
