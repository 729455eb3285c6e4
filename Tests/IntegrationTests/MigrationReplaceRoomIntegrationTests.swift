import DockStoreCore
import Foundation
import Testing

/// `migrate-ebs` on stores where the kernel's device replace cannot start (issue 18, the
/// attacker's migrate_enospc_healthy_store and migrate_enospc_stuck): the kernel marks every
/// chunk read-only before it copies, and a system chunk may go read-only only while the
/// unallocated room exceeds a data chunk and twice the global reserve at each of the system
/// profile's copies (two for DUP). The planner sees that in the figures it reads, moves by add + remove instead (the
/// added volume gives the store the room) and the plan says why.
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

    /// The threshold with system and metadata single (`ReplaceStartRoom`: one data chunk and
    /// twice the global reserve, where DUP needs twice that): provision's 4 GiB store converted
    /// to single, 2 GiB fallocated, its btrfs device shrunk so that the unallocated room is
    /// 8 MiB over or 4 MiB under what the planner predicts. The plan must say what the kernel then does with a forced
    /// replace: start it (the store moves, every file unchanged), or refuse START with ENOSPC.
    @Test(arguments: [Int64(8) << 20, -(Int64(4) << 20)])
    func theSingleProfilePredictionMatchesTheKernel(_ offset: Int64) throws {
        let starts = offset > 0
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "4G"]).status == 0)
            try root.sh("btrfs balance start -f -mconvert=single -sconvert=single '\(root.mountpoint)' >/dev/null")
            try root.sh("for i in $(seq 1 20); do fallocate -l 100M '\(root.mountpoint)'/f$i; done; dd if=/dev/urandom of='\(root.mountpoint)'/r bs=1M count=20 status=none; sync")
            let profiles = try root.sh("btrfs filesystem df -b '\(root.mountpoint)'")
            try #require(profiles.contains("System, single") && profiles.contains("Metadata, single") && !profiles.contains("DUP"), "\(profiles)")
            // Shrink the btrfs device (not the image) to where unallocated − need = offset; a
            // shrink may free chunks it relocates, so again on the new figures.
            let reserve = try root.sh("btrfs filesystem df -b '\(root.mountpoint)' | sed -n 's/^GlobalReserve, single: total=\\([0-9]*\\),.*/\\1/p'")
            let room = ReplaceStartRoom(systemRatio: 1, globalReserve: try #require(UInt64(reserve.trimmingCharacters(in: .whitespacesAndNewlines)), "\(reserve)"))
            var device = try #require(try CapacityProbe.read(mountpoint: root.mountpoint).devices.first)
            // In steps (a shrink that must relocate a chunk may find no hole for it: ENOSPC, the
            // size unchanged, and the next step tries again); the figures are checked after.
            for step in [offset + (64 << 20), offset + (16 << 20), offset, offset, offset, offset]
            where abs(Int64(device.size) - Int64(device.used) - Int64(room.needed(deviceSize: device.size)) - offset) > 1 << 20 {
                let size = (UInt64(Int64(device.used) + step + Int64(2 * room.globalReserve + 1)) * 10 / 9) / 4096 * 4096
                try root.sh("btrfs filesystem resize 1:\(size) '\(root.mountpoint)' >/dev/null 2>&1 || true")
                device = try #require(try CapacityProbe.read(mountpoint: root.mountpoint).devices.first)
            }
            let unallocated = Int64(device.size) - Int64(device.used)
            let margin = unallocated - Int64(room.needed(deviceSize: device.size))
            try #require(starts ? margin > 0 && margin <= 12 << 20 : margin < 0 && margin >= -(8 << 20),
                         "the store is \(margin) bytes from the predicted need: size \(device.size), \(unallocated) unallocated")
            let oracle = try root.sh("btrfs device usage -b '\(root.mountpoint)' | awk '/Unallocated/ {print $NF}'")
            #expect(oracle.trimmingCharacters(in: .whitespacesAndNewlines) == String(unallocated), "btrfs device usage: \(oracle)")
            let sums = try root.checksums()
            let disk = try root.attachDisk(megabytes: 8192)
            let plan = try root.dockstore(["migrate-ebs", disk, "--dry-run"])
            #expect(plan.status == 0 && plan.stdout.contains(starts ? "Method: device replace (shrink the image's device to the target's size where larger, replace it, grow), because the store is the image's device alone" : "Method: device add + remove (every extent relocated), because the kernel's replace could not start")
                    && (starts || plan.stdout.contains("at the system profile's one copy")), "the plan (\(margin) bytes from the need): \(plan.stdout) \(plan.stderr)")
            let forced = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: [MigrationMethod.variable: "replace"])
            if starts {
                #expect(forced.status == 0 && forced.stdout.contains("[replace]"), "the kernel starts the replace: \(forced.stdout) \(forced.stderr)")
                #expect(try root.checksums() == sums, "DATA: every file's checksum after the replace")
                let devices = try CapacityProbe.read(mountpoint: root.mountpoint).devices
                #expect(try devices.count == 1 && FileStatus.following(devices[0].path)?.rdev == FileStatus.following(disk)?.rdev,
                        "the store is on the volume: \(devices.map(\.path))")
            } else {
                #expect(forced.status == 2 && forced.stderr.contains("No space left on device"), "the kernel refuses START: \(forced.stdout) \(forced.stderr)")
                let abort = try root.dockstore(["migrate-ebs", disk, "--abort", "--yes"])
                #expect(abort.status == 0, "\(abort.stdout) \(abort.stderr)")
                #expect(try root.checksums() == sums, "DATA: the files are untouched")
            }
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
