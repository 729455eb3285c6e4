import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The device's lock and the kernel's in-use answer (attack 11, A-4, A-5, A-6): a device another
/// program holds (an exclusive open, here the test's own) is refused while planning, with the
/// tree unchanged; two `provision --device` runs of one device from two roots at once end with
/// one store: one formats and mounts it, the other waits for the device's lock and refuses.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DeviceClaimIntegrationTests {
    /// Holds `device` open with O_EXCL, as a program that claims a block device does
    /// (`python3 -c "os.open(dev, os.O_RDONLY | os.O_EXCL)"`), while `body` runs.
    func holding<T>(_ device: String, _ body: () throws -> T) throws -> T {
        let fd = open(device, O_RDONLY | O_EXCL | O_CLOEXEC)
        guard fd >= 0 else { throw TestFailure("open \(device) O_EXCL: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return try body()
    }

    /// Starts `provision --device` in `root` without waiting for it; its stderr goes to a file
    /// beside the root (not in it: the loser's tree must stay as it was).
    func startProvision(_ root: TestRoot, _ device: String) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestRoot.binary)
        process.arguments = ["provision", "--device", device, "--root", root.path]
        let log = "\(root.path).stderr"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        return (process, log)
    }

    /// refused before the first step: exit 2, the tree (run/ and its lock file included)
    /// and the device as they were; once the holder lets go, the same run provisions.
    @Test func provisionRefusesADeviceAnotherProgramHoldsBeforeAnyStep() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            let before = root.snapshot()
            let ends = try root.ends(disk)
            let result = try holding(disk) { try root.dockstore(["provision", "--device", disk]) }
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("the kernel says \(disk) is in use (held by another program"), "\(result.stderr)")
            #expect(result.stdout.isEmpty, "no step ran: \(result.stdout)")
            #expect(root.changes(since: before) == [])
            #expect(!FileManager.default.fileExists(atPath: root.path + "/run/dockstore.lock"), "a refusal creates no lock file")
            #expect(try root.ends(disk) == ends)

            let again = try root.dockstore(["provision", "--device", disk])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(root.mounts().map(\.source) == [disk])
        }
        reliability("provision --device of a held device", cases: 1, runs: 2)
    }

    /// migrate-ebs onto a held device is refused while planning (exit 2): no journal, no
    /// failed-replace record, the store still on the image, the message naming the hold.
    @Test func migrateRefusesADeviceAnotherProgramHoldsBeforeTheJournal() throws {
        try withTestRoot { root in
            let provisioned = try root.dockstore(["provision", "--size", "1G"])
            try #require(provisioned.status == 0, "\(provisioned.stderr)")
            let disk = try root.attachDisk(megabytes: 2048)
            let before = root.snapshot()
            let ends = try root.ends(disk)
            let result = try holding(disk) { try root.dockstore(["migrate-ebs", disk, "--yes"]) }
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("the kernel says \(disk) is in use (held by another program"), "\(result.stderr)")
            #expect(!result.stderr.contains("dmesg"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root.path + "/var/lib/dockstore/migration.json"))
            #expect(root.changes(since: before) == [])
            #expect(try root.ends(disk) == ends)
            #expect(try root.dockstore(["status"]).status == 0)
        }
        reliability("migrate-ebs onto a held device", cases: 1, runs: 1)
    }

    /// migrate-ebs takes the target's lock before it looks at it, as provision --device does: while
    /// another program holds it (here the test, as `mkfs --lock` would), the move waits
    /// `--lock-timeout` seconds, then exits 3 with the tree, the device and the store as they were;
    /// once the lock is free the same run moves the store.
    @Test func migrateWaitsForTheTargetsLockAndChangesNothingWhileItIsHeld() throws {
        try withTestRoot { root in
            let provisioned = try root.dockstore(["provision", "--size", "1G"])
            try #require(provisioned.status == 0, "\(provisioned.stderr)")
            let disk = try root.attachDisk(megabytes: 2048)
            let before = root.snapshot()
            let ends = try root.ends(disk)
            // The test's own open file description holds the lock, as `mkfs --lock` would.
            var fd = open(disk, O_RDONLY | O_CLOEXEC)
            try #require(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0, "cannot lock \(disk): \(String(cString: strerror(errno)))")
            defer { if fd >= 0 { close(fd) } }
            let result = try root.dockstore(["migrate-ebs", disk, "--yes", "--lock-timeout", "1"])
            #expect(result.status == 3, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("\(disk) stays locked by another program"), "\(result.stderr)")
            #expect(result.stdout.isEmpty, "no step ran: \(result.stdout)")
            #expect(root.changes(since: before) == [])
            #expect(try root.ends(disk) == ends)
            #expect(!FileManager.default.fileExists(atPath: root.path + "/var/lib/dockstore/migration.json"))

            close(fd)
            fd = -1
            let moved = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(moved.status == 0, "\(moved.stderr)")
            #expect(root.mounts().map(\.source) == [disk])
        }
        reliability("migrate-ebs onto a device whose lock another program holds", cases: 1, runs: 2)
    }

    /// two provisions of one blank device from two roots at once, five rounds: exactly one
    /// exits 0 and the other 2 (the device is mounted by then), the device carries the one UUID
    /// the winner's fstab names, it is mounted once, and the loser's tree is unchanged.
    @Test func twoProvisionsOfOneDeviceFromTwoRootsEndWithOneStore() throws {
        for round in 1...5 {
            try withTestRoot { first in
                try withTestRoot { second in
                    let disk = try first.attachDisk(megabytes: 1024)
                    let befores = [first.snapshot(), second.snapshot()]
                    let (a, aLog) = try startProvision(first, disk)
                    let (b, bLog) = try startProvision(second, disk)
                    a.waitUntilExit()
                    b.waitUntilExit()
                    let statuses = [a.terminationStatus, b.terminationStatus]
                    let logs = [aLog, bLog].map { first.read($0) ?? "" }
                    for log in [aLog, bLog] { unlink(log) }
                    #expect(statuses.sorted() == [0, 2], "round \(round): \(statuses) \(logs)")
                    guard let winner = statuses.firstIndex(of: 0), statuses.sorted() == [0, 2] else { return }
                    let roots = [first, second]
                    let loser = 1 - winner
                    let uuid = try first.sh("blkid -p -o value -s UUID \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
                    let fstab = roots[winner].read(roots[winner].fstab) ?? ""
                    #expect(!uuid.isEmpty && fstab.contains("UUID=\(uuid) "), "round \(round): device \(uuid), fstab \(fstab)")
                    let mounted = (first.mounts() + second.mounts()).filter { $0.source == disk }.map(\.target)
                    #expect(mounted == [roots[winner].mountpoint], "round \(round): mounted at \(mounted)")
                    #expect(logs[loser].contains("refusing: \(disk) is mounted at \(roots[winner].mountpoint)"), "round \(round): \(logs[loser])")
                    #expect(roots[loser].changes(since: befores[loser]) == [], "round \(round)")
                    #expect(!FileManager.default.fileExists(atPath: roots[loser].path + "/run/dockstore.lock"), "round \(round)")
                }
            }
        }
        reliability("two provisions of one device from two roots", cases: 1, runs: 10)
    }
}
