import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 11, A-3 and A-9: a device that is itself a loop device over a file, and another loop
/// device over the same file (not stacked on it, so no scan for stacked loop devices saw it, and
/// O_EXCL on the device does not see it either). Before, with a device store on /dev/loopD and a
/// second loop device over its file mounted elsewhere (a second btrfs instance), status said "in
/// place" (exit 0) and teardown --wipe-device unmounted the store and wiped /dev/loopD under the
/// mounted instance; and `provision --device /dev/loopD --force` wiped the partition table of a
/// disk image whose partition 1 was mounted through an offset loop device over the same file
/// (then mkfs.btrfs refused). Now such a loop device holds the device, as a stacked one does:
/// teardown refuses before anything changes (planning and the wipe's re-check), status reports
/// it, and provision refuses in planning (exit 2, nothing changed).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DeviceSiblingLoopIntegrationTests {
    /// The file the loop device `loop` is bound to, as the kernel names it.
    func backingFile(_ loop: String) throws -> String {
        let name = (loop as NSString).lastPathComponent
        return try String(contentsOfFile: "/sys/block/\(name)/loop/backing_file", encoding: .utf8)
            .trimmingCharacters(in: .newlines)
    }

    /// A second loop device over `file` (`options`: an offset and a size limit); the test root's
    /// cleanup detaches it (its file lies in the root).
    func attach(_ root: TestRoot, _ file: String, options: String = "") throws -> String {
        try root.sh("losetup -f --show \(options) '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Mounts `loop` at `folder` (made first); a sibling of a mounted btrfs gets a temporary fsid
    /// (kernel 6.7 on), once what the store wrote has reached the file.
    func mount(_ root: TestRoot, _ loop: String, at folder: String) throws {
        try root.sh("mkdir -p '\(folder)'")
        for attempt in 1...5 {
            _ = try root.sh("sync")
            if (try? root.sh("mount \(loop) '\(folder)' 2>&1")) != nil { return }
            if attempt == 5 { try root.sh("mount \(loop) '\(folder)'") }
            _ = try root.sh("echo 3 > /proc/sys/vm/drop_caches; sleep 1")
        }
    }

    /// a second loop device over the device store's file, mounted: status reports it (exit 4),
    /// teardown refuses in planning naming it and its mount, provision refuses; nothing is wiped.
    @Test func aMountedSecondLoopOverTheDevicesFileIsReportedAndNeverWiped() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let file = try backingFile(disk)
            let second = try attach(root, file)
            let other = root.path + "/mnt/x"
            try mount(root, second, at: other)
            try root.sh("echo precious > '\(other)/precious' && sync")
            let mountpoint = root.mountpoint
            let before = root.snapshot()

            let held = "refusing: \(disk) is in use by \(second) (a second loop device over \(file), the file behind it); release it first"
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.status) \(status.stdout) \(status.stderr)")
            #expect(status.stdout.contains("  - \(held)"), "\(status.stdout)")

            for run in [["teardown", "--wipe-device"], ["teardown", "--wipe-device", "--dry-run"], ["teardown"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines == ["dockstore: refusing: \(second) (a second loop device over \(file), the file behind \(disk), the store's device) is mounted at \(other): a second btrfs instance of the store at \(mountpoint), which teardown would leave mounted; nothing was changed: stop what writes there, umount \(other), losetup -d \(second), then re-run"], "\(run): \(refused.stderr)")
            }
            for run in [["provision", "--device", disk], ["provision", "--device", disk, "--force"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines == ["dockstore: \(held)"], "\(run): \(refused.stderr)")
            }
            let check = try root.dockstore(["check"])
            #expect(check.status == 2, "\(check.stdout)")

            #expect(root.changes(since: before) == [], "the refusals changed the tree")
            #expect(try root.sh("blkid -p -s TYPE -o value \(disk)") == "btrfs\n", "nothing wiped")
            #expect(try root.sh("cat '\(other)/precious'") == "precious\n")
        }
    }

    /// A-3 at the wipe's re-check: the second loop device over the file is attached and mounted
    /// after teardown looked (and unmounted the store): the wipe refuses, fstab still names it.
    @Test func theWipeRechecksForAMountedSecondLoopOverTheDevicesFile() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let file = try backingFile(disk)
            let other = root.path + "/mnt/x"
            var second = ""
            let result = try root.runStopped(["teardown", "--wipe-device"], before: "wipe-device") {
                second = try attach(root, file)
                try mount(root, second, at: other)
            }
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderrLines.last == "dockstore: refusing to wipe \(disk): \(second) (a second loop device over \(file), the file behind it) is mounted at \(other), a second instance of its filesystem; nothing was wiped, and fstab still names it: umount \(other), losetup -d \(second), then re-run teardown --wipe-device", "\(result.stderr)")
            #expect(try root.sh("blkid -p -s TYPE -o value \(disk)") == "btrfs\n", "nothing wiped")
            #expect(root.read(root.fstab)?.contains("UUID=") == true, "fstab still names the store")
        }
    }

    /// a disk image with a partition table, its partition 1 attached through an offset loop
    /// device and mounted; `provision --device` of the loop device over the whole file refuses in
    /// planning, with --force or without: the tree and the device's bytes stay as they were.
    @Test func aMountedPartitionThroughAnOffsetLoopHoldsTheDiskImage() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512) { file in
                try root.sh("echo 'start=2048, size=524288, type=83' | sfdisk -q '\(file)' >/dev/null")
            }
            let file = try backingFile(disk)
            let partition = try attach(root, file, options: "-o 1048576 --sizelimit 268435456")
            let other = root.path + "/mnt/p"
            try root.sh("mkfs.ext4 -q \(partition) && mkdir -p '\(other)' && mount \(partition) '\(other)' && echo precious > '\(other)/precious' && sync")
            let before = root.snapshot()
            let bytes = try root.ends(disk)

            let refusal = "dockstore: refusing: \(disk) is in use by \(partition) (a second loop device over \(file), the file behind it); release it first"
            for run in [["provision", "--device", disk, "--force"], ["provision", "--device", disk], ["provision", "--device", disk, "--force", "--dry-run"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines == [Substring(refusal)], "\(run): \(refused.stderr)")
            }
            #expect(root.changes(since: before) == [], "the refusals changed the tree")
            #expect(try root.ends(disk) == bytes, "the device's bytes changed")
            #expect(try root.sh("blkid -p -s PTTYPE -o value \(disk)") == "dos\n", "the partition table stays")
            #expect(try root.sh("cat '\(other)/precious'") == "precious\n")
        }
    }

    /// A-9 without a partition table: a blank file, an offset loop device over part of it
    /// mounted. Before, provision wrote its format record and failed inside mkfs.btrfs ("is
    /// mounted", exit 1); now it refuses before its first write. migrate-ebs refuses such a
    /// target the same way (the one in-use check).
    @Test func aBlankDeviceWithAMountedOffsetLoopOverItsFileIsRefusedBeforeTheFormatRecord() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let file = try backingFile(disk)
            let part = try attach(root, file, options: "-o 1048576 --sizelimit 268435456")
            let other = root.path + "/mnt/p"
            try root.sh("mkfs.ext4 -q \(part) && mkdir -p '\(other)' && mount \(part) '\(other)' && sync")
            let before = root.snapshot()
            let bytes = try root.ends(disk)

            let refused = try root.dockstore(["provision", "--device", disk])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderrLines == ["dockstore: refusing: \(disk) is in use by \(part) (a second loop device over \(file), the file behind it); release it first"], "\(refused.stderr)")
            #expect(root.changes(since: before) == [], "the refusal changed the tree (a format record?)")
            #expect(try root.ends(disk) == bytes, "the device's bytes changed")
        }
    }

    /// migrate-ebs's target, a loop device with a second loop device over its file (bound, not
    /// mounted): in use, refused before anything changes.
    @Test func migrateEBSRefusesATargetWithASecondLoopOverItsFile() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let target = try root.attachDisk(megabytes: 512)
            let file = try backingFile(target)
            let second = try attach(root, file)
            let before = root.snapshot()
            let refused = try root.dockstore(["migrate-ebs", target, "--yes"])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderrLines == ["dockstore: refusing: \(target) is in use by \(second) (a second loop device over \(file), the file behind it); release it first"], "\(refused.stderr)")
            #expect(root.changes(since: before) == [], "the refusal changed the tree")
        }
    }
}
