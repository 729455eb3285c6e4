import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Finding A-12: `migrate-ebs` killed during the kernel's device replace, then `--abort`
/// ("back on the image"), then a reboot. The kernel keeps a cancel of a running replace in
/// memory until a transaction commit that nothing starts on an idle store (not even the
/// unmount), so the disk still said "started" and every later mount failed ("device replace
/// operation is ongoing and tgtdev (devid 0) is missing"). The image is smaller than the target
/// here, so no shrink/grow step runs whose commit would hide that.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationAbortRebootIntegrationTests {
    let replace = MigrationReplaceIntegrationTests()
    let base = MigrationIntegrationTests()

    /// A 2 GiB image store with a layer and snapshots (the target is larger: no shrink).
    func smallStore(_ root: TestRoot) throws -> (inventory: String, sums: String) {
        try #require(try root.dockstore(["provision", "--size", "2G"]).status == 0)
        let m = root.mountpoint
        try root.sh("btrfs -q subvolume create \(m)/base && dd if=/dev/urandom of=\(m)/base/layer bs=1M count=400 status=none && echo small > \(m)/base/etc")
        for n in 1...3 { try root.sh("btrfs -q subvolume snapshot \(m)/base \(m)/snap\(n) && echo \(n) > \(m)/snap\(n)/own") }
        try root.sh("sync")
        return (try base.inventory(root), try base.sums(root))
    }

    /// A reboot with the target volume detached: the store unmounted, every loop device of the
    /// root detached, the kernel's device list forgotten.
    func reboot(_ root: TestRoot, detaching disk: String) throws {
        for _ in 0..<100 where umount2(root.mountpoint, 0) != 0 { usleep(50_000) }
        #expect(root.mounts().isEmpty, "the store is down for the reboot")
        root.forgetBtrfs(root.loopDevices())
        for loop in root.loopDevices() { _ = try? root.sh("losetup -d \(loop)") }
        for _ in 0..<50 where !root.loopDevices().isEmpty { usleep(20_000) }
        #expect(root.loopDevices().isEmpty, "no loop device of the root is left: \(root.loopDevices()) (\(disk) detached)")
    }

    /// The boot after the abort: provision mounts the store normally (not degraded) with
    /// every byte, and says nothing is left to do on the next run.
    func expectBootsWithItsData(_ root: TestRoot, _ inventory: String, _ sums: String, _ what: String) throws {
        let boot = try root.dockstore(["provision"])
        #expect(boot.status == 0, "\(what): the boot-time provision: \(boot.stdout) \(boot.stderr)")
        #expect(root.mounts().contains { $0.target == root.mountpoint }, "\(what): the store is mounted")
        let options = (try? root.sh("findmnt -n -o OPTIONS \(root.mountpoint)")) ?? ""
        #expect(!options.contains("degraded"), "\(what): the store came up degraded: \(options)")
        #expect((try? base.inventory(root)) == inventory, "DATA: \(what): subvolume inventory")
        #expect((try? base.sums(root)) == sums, "DATA: \(what): checksums")
        let status = try root.sh("btrfs replace status -1 \(root.mountpoint)")
        #expect(!status.contains("% done") && !status.contains("suspended"), "\(what): no replace under way: \(status)")
        let again = try root.dockstore(["provision"])
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(what): \(again.stdout) \(again.stderr)")
    }

    /// The attack's case, SIGKILL (Ctrl-C kills dockstore alike; the kernel's replace runs on in
    /// the child that started it): after `--abort` says "back on the image", the store mounts
    /// at the next boot with every byte.
    @Test func abortOfAKilledReplaceStillMountsAfterAReboot() throws {
        try withTestRoot { root in
            let (inventory, sums) = try smallStore(root)
            let disk = try replace.slowDisk(root)
            let process = try base.startMigration(root, disk)
            try replace.waitForTheReplace(root, then: 50_000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let aborted = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"])
            #expect(aborted.status == 0, "\(aborted.stdout) \(aborted.stderr)")
            #expect(aborted.stdout.contains("[cancel-replace]") && aborted.stdout.contains("back on the image"), "\(aborted.stdout)")
            #expect(!aborted.stdout.contains("[grow-image]"), "no grow step (its commit would hide the bug): \(aborted.stdout)")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "the journal is closed")
            #expect(try BtrfsDeviceReplace.recordedState(at: root.mountpoint) == .canceled, "the disk records the cancel before the journal closes")
            try reboot(root, detaching: disk)
            try expectBootsWithItsData(root, inventory, sums, "after --abort and a reboot")
        }
    }

    /// A store whose replace was canceled by hand (`btrfs replace cancel`) and whose journal is
    /// closed — what an --abort before this fix left: the disk says the replace runs on, so every
    /// mount fails. provision proves the one missing device is the replace's target (the
    /// image's superblock counts one device and is not devid 0; mounted degraded, the image's
    /// device is the only member and the target is absent), cancels, commits, remounts normally.
    @Test func provisionBringsBackAStoreWhoseCancelNeverReachedTheDisk() throws {
        try withTestRoot { root in
            let (inventory, sums) = try smallStore(root)
            let disk = try replace.slowDisk(root)
            let process = try base.startMigration(root, disk)
            try replace.waitForTheReplace(root, then: 50_000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // What an --abort before this fix did: the kernel's cancel, then the journal closed.
            try root.sh("btrfs replace cancel \(root.mountpoint) && rm \(root.path)/var/lib/dockstore/migration.json")
            for _ in 0..<600 where (try? BtrfsDeviceReplace.status(at: root.mountpoint))?.state != .canceled { usleep(50_000) }
            #expect(try BtrfsDeviceReplace.status(at: root.mountpoint).state == .canceled, "the kernel canceled the replace")
            let recorded = try BtrfsDeviceReplace.recordedState(at: root.mountpoint)
            print("a hand-canceled replace: the kernel says canceled, the disk records \(recorded)")
            try reboot(root, detaching: disk)
            let imageLoop = try root.sh("losetup -f --show \(root.image)").trimmingCharacters(in: .whitespacesAndNewlines)
            let plain = try root.run("/bin/mount", ["-t", "btrfs", imageLoop, root.mountpoint])
            if plain.status == 0 {
                print("this kernel committed the cancel by itself: the boot has nothing to recover")
                _ = umount2(root.mountpoint, 0)
            } else {
                #expect(plain.stderr.contains("can't read superblock") || plain.stderr.contains("wrong fs type"), "\(plain.stderr)")
            }
            _ = try? root.sh("losetup -d \(imageLoop)")
            try expectBootsWithItsData(root, inventory, sums, "a hand-canceled replace, no journal")
        }
    }
}
