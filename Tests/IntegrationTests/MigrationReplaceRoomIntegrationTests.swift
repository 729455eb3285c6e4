import DockStoreCore
import Foundation
import Testing

/// `migrate-ebs` on stores where the kernel's device replace cannot start (issue 18, the
/// attacker's migrate_enospc_healthy_store and migrate_enospc_stuck): the kernel marks every
/// chunk read-only before it copies, and a system chunk may go read-only only while the
/// unallocated room exceeds about two data chunks. The planner sees that in the figures it
/// reads, moves by add + remove instead (the added volume gives the store the room) and the
/// plan says why.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationReplaceRoomIntegrationTests {
    func expectMovedByAddAndRemove(_ root: TestRoot, _ disk: String, sums: String, _ what: String) throws {
        let plan = try root.dockstore(["migrate-ebs", disk, "--dry-run"])
        #expect(plan.status == 0, "\(what): \(plan.stdout) \(plan.stderr)")
        #expect(plan.stdout.contains("Method: device add + remove (every extent relocated), because the kernel's replace could not start: the store has"),
                "\(what): the plan says why: \(plan.stdout)")
        #expect(plan.stdout.contains("[add-device]") && plan.stdout.contains("[remove-loop]") && !plan.stdout.contains("[replace]"), "\(what): \(plan.stdout)")
        let moved = try root.dockstore(["migrate-ebs", disk, "--yes"])
        #expect(moved.status == 0, "\(what): \(moved.stdout) \(moved.stderr)")
        #expect(try root.checksums() == sums, "DATA: \(what): every file's checksum")
        #expect(root.status(root.image) == nil, "\(what): the image is gone")
        #expect(root.fstabAfterCreatedMark?.hasPrefix("UUID=") == true, "\(what): fstab mounts by UUID")
        #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "\(what): the journal is closed")
        let devices = try CapacityProbe.read(mountpoint: root.mountpoint).devices
        let node = try #require(try FileStatus.following(disk))
        #expect(try devices.count == 1 && FileStatus.following(devices[0].path)?.rdev == node.rdev,
                "\(what): the store is on the volume alone: \(devices.map(\.path))")
        let status = try root.dockstore(["status"])
        #expect(status.status == 0, "\(what): status: \(status.stdout) \(status.stderr)")
        let check = try root.dockstore(["check"])
        #expect(check.status == 0, "\(what): check: \(check.stdout) \(check.stderr)")
    }

    /// A 4 GiB image with 25 × 100 MiB of random files (648 MiB unallocated, `check` OK) onto
    /// an 8 GiB volume.
    @Test func aHealthyStoreTooFullForReplaceMovesByAddAndRemove() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "4G"]).status == 0)
            try root.sh("for i in $(seq 0 24); do dd if=/dev/urandom of='\(root.mountpoint)'/f$i bs=1M count=100 status=none; done; sync")
            let sums = try root.checksums()
            let check = try root.dockstore(["check"])
            #expect(check.status == 0, "the store is healthy: \(check.stdout)")
            let disk = try root.attachDisk(megabytes: 8192)
            try expectMovedByAddAndRemove(root, disk, sums: sums, "healthy 4 GiB store")
            root.forgetBtrfs([disk])
        }
    }

    /// A full 1 GiB image (data chunks thinned to a quarter, metadata exhausted) onto a 2 GiB volume.
    @Test func aFullStoreMovesByAddAndRemove() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let disk = try root.attachDisk(megabytes: 2048)
            try expectMovedByAddAndRemove(root, disk, sums: sums, "full 1 GiB store")
            root.forgetBtrfs([disk])
        }
    }
}
