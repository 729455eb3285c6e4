import DockStoreCore
import Foundation
import Testing

/// A store of two devices (an admin added a volume by hand) booted without one of them (attack
/// 11, A-1 and A-10): provision's mount failed with "No such file or directory", which reads as
/// a missing folder; mounted degraded by hand, status said "in place" and grow failed on the
/// kernel's placeholder `<missing disk>`. Now the mount's line names the missing member and what
/// to do, status lists check's device_missing problem (exit 4), and grow refuses, nothing changed.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MissingMemberIntegrationTests {
    /// The store provisioned, a second device added (and with `raid1` its chunks copied onto
    /// both), unmounted, every loop device of the store detached and forgotten but the image's.
    func storeWithoutItsSecondDevice(_ root: TestRoot, raid1: Bool) throws -> String {
        try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
        let disk = try root.attachDisk(megabytes: 1024)
        try root.sh("btrfs device add -f \(disk) '\(root.mountpoint)'")
        if raid1 { try root.sh("btrfs balance start -f -dconvert=raid1 -mconvert=raid1 -sconvert=raid1 '\(root.mountpoint)' >/dev/null") }
        try root.sh("umount '\(root.mountpoint)'")
        root.forgetBtrfs(root.loopDevices())
        try root.sh("losetup -d \(disk)")
        for loop in root.loopDevices() { _ = try? root.sh("losetup -d \(loop)") }
        return disk
    }

    @Test func provisionNamesTheMissingMember() throws {
        try withTestRoot { root in
            _ = try storeWithoutItsSecondDevice(root, raid1: false)
            let booted = try root.dockstore(["provision"])
            #expect(booted.status == 1, "\(booted.stdout) \(booted.stderr)")
            #expect(booted.stderr.contains("has 2 devices and the kernel has not seen them all (dmesg names the missing devid): attach the missing volume and re-run; to go on without it, mount it by hand with -o degraded and remove the missing device (btrfs device remove missing \(root.mountpoint))"), "\(booted.stderr)")
            #expect(booted.stderr.split(separator: "\n").count == 1, "\(booted.stderr)")
        }
    }

    @Test func statusAndGrowSeeADegradedStore() throws {
        try withTestRoot { root in
            _ = try storeWithoutItsSecondDevice(root, raid1: true)
            let loop = try root.sh("losetup -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.sh("mount -o degraded \(loop) '\(root.mountpoint)'")
            let status = try root.dockstore(["status"])
            #expect(status.status == ExitStatus.problems.rawValue, "\(status.stdout)")
            #expect(status.stdout.contains("  - device 2 of the btrfs at \(root.mountpoint) is missing (mounted degraded)"), "\(status.stdout)")
            let before = root.snapshot()
            let grow = try root.dockstore(["grow", "--to", "600M"])
            #expect(grow.status == 2, "\(grow.stdout) \(grow.stderr)")
            #expect(grow.stderr == "dockstore: device 2 of the btrfs at \(root.mountpoint) is missing (mounted degraded): grow resizes the store's devices and cannot while one is gone; nothing was changed: attach it again and remount, or replace it (btrfs replace start 2 NEWDEVICE \(root.mountpoint)), then grow\n", "\(grow.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
        }
    }
}
