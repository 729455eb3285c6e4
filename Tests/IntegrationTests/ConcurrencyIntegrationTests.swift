import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs that overlap: two provisions at once, and check/status polled every 100 ms while
/// provision and migrate-ebs change the store, which must never fail or wait on the lock.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ConcurrencyIntegrationTests {
    /// Starts the binary without waiting for it.
    func start(_ root: TestRoot, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestRoot.binary)
        process.arguments = arguments + ["--root", root.path]
        process.standardOutput = FileHandle.nullDevice
        let log = root.path + "/\(arguments[0]).stderr"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        return process
    }

    /// A run longer than this counts as blocked; sanitizer builds (DOCKSTORE_SANITIZER, set by
    /// scripts/reliability) run several times slower.
    static let blockedAfter: Double = ProcessInfo.processInfo.environment["DOCKSTORE_SANITIZER"] == nil ? 1.5 : 6

    /// Polls `check` and `status` every 100 ms until `done`; returns (runs, problems).
    func poll(_ root: TestRoot, while running: () -> Bool) throws -> (Int, [String]) {
        var runs = 0
        var problems: [String] = []
        repeat {
            for (arguments, allowed) in [(["check"], Set<Int32>([0, 1, 2, 3])), (["status"], Set<Int32>([0, 4]))] {
                let started = Date()
                let result = try root.dockstore(arguments)
                let took = Date().timeIntervalSince(started)
                runs += 1
                if !allowed.contains(result.status) || result.signal != nil {
                    problems.append("\(arguments[0]) exited \(result.status): \(result.stdout) \(result.stderr)")
                }
                if took > Self.blockedAfter { problems.append("\(arguments[0]) took \(took) s (blocked?)") }
            }
            usleep(100_000)
        } while running()
        return (runs, problems)
    }

    @Test func twoProvisionsAtOnceEndWithOneCorrectStore() throws {
        try withTestRoot { root in
            let a = try start(root, ["provision", "--size", "1G"])
            let b = try start(root, ["provision", "--size", "1G"])
            a.waitUntilExit()
            b.waitUntilExit()
            let statuses = Set([a.terminationStatus, b.terminationStatus])
            #expect(statuses.isSubset(of: [0, 3]) && statuses.contains(0), "one provisions, the other waits (0) or says the lock is busy (3): \(statuses)")
            #expect(root.mounts().count == 1)
            let fstab = root.read(root.fstab)?.split(separator: "\n") ?? []
            #expect(fstab.filter { !$0.hasPrefix("#") }.count == 1, "one store line: \(fstab)")
            #expect(fstab.filter { $0.hasPrefix("#") } == [Substring(FstabFile.createdMark)], "the fstab provision created, marked once: \(fstab)")
            #expect(try root.dockstore(["status"]).status == 0)
        }
        reliability("two provisions at once", cases: 1, runs: 2)
    }

    @Test func checkAndStatusNeverFailOrBlockDuringProvisionAndMigration() throws {
        try withTestRoot { root in
            // The test holds the lock first, so provision waits on it while check and status
            // are polled: they finish because they never take it. Then the lock is released.
            let lock = open(root.path + "/run/dockstore.lock", O_RDWR | O_CREAT, 0o600)
            #expect(flock(lock, LOCK_EX) == 0)
            let provision = try start(root, ["provision", "--lock-timeout", "30"])
            var polls = 0
            let (runs1, problems1) = try poll(root) {
                polls += 1
                if polls == 5 { flock(lock, LOCK_UN) }
                return provision.isRunning || polls < 5
            }
            close(lock)
            #expect(provision.terminationStatus == 0)
            #expect(problems1.isEmpty, "\(problems1)")

            try root.sh("btrfs -q subvolume create \(root.mountpoint)/base && dd if=/dev/urandom of=\(root.mountpoint)/base/layer bs=1M count=512 status=none && for i in 1 2 3; do btrfs -q subvolume snapshot \(root.mountpoint)/base \(root.mountpoint)/snap$i; done && sync")
            let disk = try root.attachDisk(megabytes: 8192)
            let migrate = try start(root, ["migrate-ebs", disk, "--yes"])
            let (runs2, problems2) = try poll(root) { migrate.isRunning }
            #expect(migrate.terminationStatus == 0, "\(root.read(root.path + "/migrate-ebs.stderr") ?? "")")
            #expect(problems2.isEmpty, "\(problems2)")
            print("concurrency: \(runs1) check/status runs during provision, \(runs2) during migrate-ebs, none failed or blocked")
            reliability("check and status polled during provision and migrate-ebs", cases: 2, runs: runs1 + runs2 + 2)
        }
    }

    /// A run that cannot get the lock in time says so on one line (exit 3), whether it did
    /// not wait (--lock-timeout 0) or waited and gave up; without a terminal there is no
    /// separate "waiting" line before it.
    @Test func aLockTimeOutIsOneLine() throws {
        try withTestRoot { root in
            let lock = open(root.path + "/run/dockstore.lock", O_RDWR | O_CREAT, 0o600)
            defer { close(lock) }
            #expect(flock(lock, LOCK_EX) == 0)
            for timeout in ["0", "1"] {
                let before = root.snapshot()
                let result = try root.dockstore(["provision", "--size", "256M", "--lock-timeout", timeout])
                #expect(result.status == 3, "\(timeout): \(result.stderr)")
                #expect(result.stderrLines.count == 1, "\(timeout): \(result.stderr)")
                #expect(result.stderr.contains("another dockstore run holds") && result.stderr.contains("try again"), "\(result.stderr)")
                #expect(root.changes(since: before) == [])
            }
        }
    }
}
