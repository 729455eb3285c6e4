import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 13 X10: an add + remove move killed after its add, then `--abort`: the abort's device
/// remove leaves the store's superblock on the volume with its magic zeroed, which no signature
/// describes, and every later run refused the volume as holding unknown data (wipefs finds
/// nothing). Now the abort records what it left, as a canceled replace's target is recorded,
/// and a re-run moves the store onto exactly that volume.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct AbortAddRemoveRecordIntegrationTests {
    @Test func theVolumeAnAbortReleasedIsAcceptedByTheNextMove() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "2G"]).status == 0)
            try root.sh("dd if=/dev/urandom of='\(root.mountpoint)/big' bs=1M count=200 status=none; sync")
            let sums = try root.checksums()
            let disk = try root.attachDisk(megabytes: 3072)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; btrfs device scan --forget \(disk) 2>/dev/null") }
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"],
                                            environment: [Failpoint.variable: "add-device", MigrationMethod.variable: MigrationMethod.addRemove.rawValue])
            #expect(killed.signal == SIGKILL, "\(killed.stdout) \(killed.stderr)")
            let abort = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"])
            #expect(abort.status == 0, "\(abort.stdout) \(abort.stderr)")
            #expect(BlockProbe.probe(disk) == .unrecognizedData, "the remove left the zeroed superblock")
            #expect(root.read(root.path + "/var/lib/dockstore/canceled-replace-targets.json")?.contains(disk) == true, "the abort recorded the volume")
            for method in [MigrationMethod.addRemove, .replace] {
                let plan = try root.dockstore(["migrate-ebs", disk, "--dry-run"], environment: [MigrationMethod.variable: method.rawValue])
                #expect(plan.status == 0, "\(method): \(plan.stdout) \(plan.stderr)")
            }
            let moved = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(moved.status == 0, "\(moved.stdout) \(moved.stderr)")
            #expect(try root.checksums() == sums, "DATA: every file reads as before")
            root.forgetBtrfs([disk])
        }
    }
}
