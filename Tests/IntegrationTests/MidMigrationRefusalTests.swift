import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Refusals of a migration killed after add-device (the store spans the image and the volume),
/// found by the planner tables (MigrationPlannerTableTests, TeardownPlannerTableTests).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MidMigrationRefusalTests {
    /// Provisions the image store and kills a migration onto a new disk after add-device.
    func interrupted(_ root: TestRoot) throws -> String {
        try #require(try root.dockstore(["provision"]).status == 0)
        let disk = try root.attachDisk(megabytes: 8192)
        let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"],
                                         environment: ["DOCKSTORE_FAILPOINT": "add-device", MigrationMethod.variable: "add-remove"])
        #expect(crashed.signal == SIGKILL)
        return disk
    }

    /// A loop device over an image deleted while mounted is never taken for the image: the re-run
    /// and --abort refuse naming it and change nothing (the re-run switched fstab to UUID= and
    /// closed the journal while the store still spanned the deleted image).
    @Test func aLoopOverADeletedImageIsNeverTakenForTheImage() throws {
        try withTestRoot { root in
            let disk = try interrupted(root)
            let imageLoops = root.loopDevices().filter { $0 != disk }
            try #require(imageLoops.count == 1, "\(root.loopDevices())")
            try root.sh("rm \(root.image)")
            let before = root.snapshot()
            for arguments in [["migrate-ebs", disk, "--yes"], ["migrate-ebs", disk, "--yes", "--abort"]] {
                let result = try root.dockstore(arguments)
                #expect(result.status == 2, "\(arguments): \(result.stdout) \(result.stderr)")
                #expect(result.stderr.contains("\(imageLoops[0]) (devid 1) holds part of the store"), "\(result.stderr)")
                #expect(result.stderr.contains("deleted or replaced while mounted"), "\(result.stderr)")
                #expect(root.changes(since: before) == [], "\(arguments)")
            }
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 2,
                    "the store still spans the deleted image's loop device and the volume")
        }
        reliability("identity: a loop device over a deleted image mid-migration", cases: 1, runs: 1)
    }

    /// teardown does not take down a store a migration still spans: it would unmount it, drop its
    /// fstab line and delete the image holding part of it, and leave the journal.
    @Test func teardownWaitsForAnOpenMigration() throws {
        try withTestRoot { root in
            _ = try interrupted(root)
            let before = root.snapshot()
            let result = try root.dockstore(["teardown", "--delete-image"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("a migrate-ebs migration is under way"), "\(result.stderr)")
            #expect(root.changes(since: before) == [])
        }
        reliability("identity: teardown while a migration is open", cases: 1, runs: 1)
    }

    /// The seventh outside attack: migrate-ebs killed right after the kernel's replace (the store
    /// mounted from the volume, fstab and the journal still describing the move, the image no
    /// store any more). teardown exited 0, dropped the image's fstab line, kept the journal and
    /// called the image "kept"; now it refuses like mid-move, and the re-run finishes the move.
    @Test func teardownWaitsForAMoveKilledAfterTheReplace() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision"]).status == 0)
            let disk = try root.attachDisk(megabytes: 8192)
            let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "replace"])
            try #require(crashed.signal == SIGKILL, "\(crashed.stdout) \(crashed.stderr)")
            let before = root.snapshot()
            let result = try root.dockstore(["teardown"])
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("a migrate-ebs migration is under way"), "\(result.stderr)")
            #expect(root.changes(since: before) == [])
            let rerun = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(rerun.status == 0, "\(rerun.stdout) \(rerun.stderr)")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stdout) \(down.stderr)")
        }
        reliability("identity: teardown after a move killed after the replace", cases: 1, runs: 1)
    }
}
