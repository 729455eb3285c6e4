import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// teardown after provision --device was killed inside mkfs (issue 15, follow-up of item 4):
/// the format record the killed run left (`FormatRecord`) is dockstore's own state, so teardown
/// removes it and /var/lib/dockstore with it; the device, which holds a half-made format that
/// was never proven to be the store, is left as it is, also with --wipe-device (refused).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownFormatRecordIntegrationTests {
    static let recordPath = FormatRecordIntegrationTests.recordPath

    @Test func teardownRemovesTheRecordAKilledFormatLeft() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let listing = TeardownLeftoverIntegrationTests()
            let before = try listing.tree(root)
            let snapshot = root.snapshot()
            try #require(try FormatRecordIntegrationTests.killInsideMkfs(root, disk) != nil)
            let ends = try root.ends(disk)
            let dry = try root.dockstore(["teardown", "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("remove \(root.path)\(Self.recordPath) (the record of a format of \(disk) a killed provision began"), "\(dry.stdout)")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[forget-format-record]"), "\(down.stdout)")
            #expect(root.status(root.path + Self.recordPath) == nil)
            // .fakebin holds the test's killing mkfs.btrfs, not dockstore's; teardown leaves the
            // boot switch and the run lock on purpose.
            #expect(try listing.tree(root).filter { !$0.contains("./.fakebin") } == listing.expectedAfter(before), "the tree is as before provision")
            #expect(root.changes(since: snapshot).filter { !$0.hasPrefix(".fakebin") } == ["etc/dockstore.disabled"], "nothing else changed")
            #expect(try root.ends(disk) == ends, "teardown never writes to a device it was not asked to wipe")
            #expect(BlockProbe.probe(disk) == .unrecognizedData)
            #expect(try root.dockstore(["teardown"]).stdout.contains("nothing to do"))
        }
    }

    /// --wipe-device: the half-made format is not provably the store (no fstab line names it,
    /// nothing is mounted), so the wipe is refused as for any device teardown cannot tie to
    /// the store: exit 2, one line, nothing changed, the record kept.
    @Test func wipeDeviceIsRefusedForTheHalfMadeFormat() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let recorded = try FormatRecordIntegrationTests.killInsideMkfs(root, disk)
            let before = root.snapshot()
            let ends = try root.ends(disk)
            let refused = try root.dockstore(["teardown", "--wipe-device"])
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("--wipe-device") && refused.stderr.contains(disk), "\(refused.stderr)")
            #expect(root.changes(since: before) == [])
            #expect(try root.ends(disk) == ends)
            #expect(try FormatRecordIntegrationTests.record(root) == recorded)
        }
    }

    /// Attack 8 F9: an image store beside the record of a killed provision --device: --wipe-device
    /// is refused in words true for that state (the image's store is mounted; no "nothing is
    /// mounted", no provision --device advised, which that store refuses): exit 2, one line,
    /// nothing changed. Provision no longer makes a new image while the record is there (attack
    /// 15, C12), so the state is built as an older dockstore left it: the record moved aside for
    /// the image provision, then put back.
    @Test func wipeDeviceBesideTheImagesStoreSaysTheStoreIsTheImage() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let killed = try root.dockstore(["provision", "--device", disk], environment: ["DOCKSTORE_FAILPOINT": "format-record"])
            try #require(killed.signal == SIGKILL, "\(killed.stderr)")
            let record = root.path + Self.recordPath
            try #require(rename(record, record + ".aside") == 0)
            let image = try root.dockstore(["provision", "--size", "300M"])
            try #require(image.status == 0, "\(image.stderr)")
            try #require(rename(record + ".aside", record) == 0)
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            let before = root.snapshot()
            let refused = try root.dockstore(["teardown", "--delete-image", "--wipe-device"])
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(refused.stderr == "dockstore: --wipe-device: the store mounted at \(root.mountpoint) is the image \(root.image) (\(loop)), which has no device to wipe; \(disk) holds only the start of a format a killed provision began (\(root.path)\(Self.recordPath)), which is not proven to be the store: nothing was changed: run teardown without --wipe-device (it takes down the image's store and removes the record), then wipefs -a \(disk) yourself if that is what you want\n", "\(refused.stderr)")
            #expect(root.changes(since: before) == [])
            #expect(root.mounts().map(\.target) == [root.mountpoint])
            // The image exists: provision keeps it (it makes no new store), the record stays.
            let kept = try root.dockstore(["provision"])
            #expect(kept.status == 0, "\(kept.stdout) \(kept.stderr)")
            #expect(root.status(record) != nil)
        }
    }

    /// Attack 15, C12 and C13: provision --device killed after its format record, then a
    /// provision without --device (the boot unit's, when the device was given on the command
    /// line only) refuses to make an image store on the root disk in its place: exit 2, one line,
    /// nothing changed, naming the device and how to finish or give up; status says the same.
    /// After a reboot that renamed the devices (another file on the recorded name), provision
    /// and teardown name the device by its name now; provision --device with that name
    /// finishes the recorded format.
    @Test func aKilledDeviceFormatIsNamedNotReplacedByAnImage() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let killed = try root.dockstore(["provision", "--device", disk], environment: ["DOCKSTORE_FAILPOINT": "format-record"])
            try #require(killed.signal == SIGKILL, "\(killed.stderr)")
            let uuid = try #require(try FormatRecordIntegrationTests.record(root)).uuid
            let before = root.snapshot()
            for arguments in [["provision"], ["provision", "--size", "300M"], ["provision", "--dry-run"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2, "\(arguments): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderr == "dockstore: refusing to make a new image store at \(root.image): a provision --device of \(disk) was killed before it finished (\(root.path)\(Self.recordPath) records its btrfs UUID \(uuid)); nothing was changed: run dockstore provision --device \(disk) to finish it, or dockstore teardown to give it up (it removes the record and leaves the device as it is)\n", "\(refused.stderr)")
                #expect(root.changes(since: before) == [], "\(arguments)")
            }
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("a provision --device of \(disk) was killed before it finished"), "\(status.stdout)")
            // Attack 16, B1: the store shown is that device, not a missing image.
            #expect(status.stdout.hasPrefix("store:       device \(disk)\n"), "\(status.stdout)")
            #expect(status.stdout.contains("the unfinished format of a killed provision --device"), "\(status.stdout)")
            #expect(!status.stdout.contains("image:       missing"), "\(status.stdout)")

            // A reboot: the disk's file comes back on another name, another file on the recorded one.
            let file = try #require(try LoopDevice.backingFile(of: disk))
            _ = try root.sh("losetup -d \(disk)")
            LoopDevice.waitUntilReleased([disk])
            _ = try root.attachDisk(megabytes: 512, at: disk)
            let renamed = try root.sh("losetup -f --show '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(renamed != disk, "the recorded name \(disk) now holds another file; the disk is \(renamed)")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 2)
            #expect(again.stderr.contains("a provision --device of \(renamed) (recorded as \(disk): a reboot renamed it) was killed before it finished"), "\(again.stderr)")
            #expect(again.stderr.contains("run dockstore provision --device \(renamed) to finish it"), "\(again.stderr)")
            let dry = try root.dockstore(["teardown", "--dry-run"])
            #expect(dry.stdout.contains("the record of a format of \(renamed) (recorded as \(disk): a reboot renamed it) a killed provision began: btrfs UUID \(uuid)); \(renamed) stays as it is"), "\(dry.stdout)")

            // Detached: not attached now, said so.
            _ = try root.sh("losetup -d \(renamed)")
            LoopDevice.waitUntilReleased([renamed])
            let detached = try root.dockstore(["provision"])
            #expect(detached.stderr.contains("a provision --device of \(disk) as recorded (a loop device over the file with device"), "\(detached.stderr)")
            #expect(detached.stderr.contains("; not attached now) was killed before it finished"), "\(detached.stderr)")
            // Its old name may be another device's by now (attack 33 V C4d): a placeholder, not that name.
            #expect(detached.stderr.contains("attach it and run dockstore provision --device ITS-DEVICE to finish it"), "\(detached.stderr)")
            let detachedStatus = try root.dockstore(["status"])
            #expect(detachedStatus.stdout.contains("provision --device ITS-DEVICE to finish it") && !detachedStatus.stdout.contains("provision --device \(disk) to finish it"), "\(detachedStatus.stdout)")

            let back = try root.sh("losetup -f --show '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let finished = try root.dockstore(["provision", "--device", back])
            #expect(finished.status == 0, "\(finished.stdout) \(finished.stderr)")
            #expect(try root.blkid(back).contains(uuid), "the recorded format, finished on the disk's name now")
            #expect(root.status(root.path + Self.recordPath) == nil)
            #expect(root.status(root.image) == nil, "no image was made")
        }
    }

    /// The record is removed only while it is still the file teardown read: one put in its
    /// place between the plan and the step is kept (exit 2, one line); a re-run removes it.
    @Test func aRecordReplacedSinceThePlanIsKept() throws {
        try withTestRoot { root in
            let path = root.path + Self.recordPath
            try root.write(path, TeardownIntegrationTests.staleFormatRecord)
            let replaced = try root.runStopped(["teardown"], before: "forget-format-record") {
                // Made before the rename, so it cannot reuse the record's inode number.
                _ = try root.sh("cp '\(path)' '\(path).swap' && mv '\(path).swap' '\(path)'")
            }
            #expect(replaced.status == 2, "\(replaced.stderr)")
            #expect(replaced.stderr == "dockstore: \(path) is another file than the format record teardown read (it was replaced); not removing it: look at it and re-run teardown\n")
            #expect(root.read(path) == TeardownIntegrationTests.staleFormatRecord, "the file put there since is kept")
            let again = try root.dockstore(["teardown"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(root.status(path) == nil)
        }
    }

    /// A file at the record's name teardown cannot read as a format record: refused before
    /// anything changes, one line naming it.
    @Test func anUnreadableRecordIsRefused() throws {
        try withTestRoot { root in
            try root.write(root.path + Self.recordPath, "{not a record\n")
            let before = root.snapshot()
            let refused = try root.dockstore(["teardown"])
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("\(root.path)\(Self.recordPath) is not a format record dockstore can read"), "\(refused.stderr)")
            #expect(root.changes(since: before) == [])
        }
    }
}
