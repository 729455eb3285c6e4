@testable import DockStoreCore
import Foundation
import Testing

/// `LoopDevice.siblings` over a fake sysfs, as `check` run without the loop devices' nodes (or
/// as a user who may not open them) sees it: the backing file's name decides; a sibling the
/// kernel has a btrfs mounted from (/sys/fs/btrfs/<fsid>/devices/NAME) is mounted. No root needed.
@Suite struct LoopSiblingsTests {
    @Test func otherLoopDevicesOverTheSameFileAreFoundWithWhetherTheyAreMounted() throws {
        var template = Array("/tmp/dockstore-loop-siblings.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        let sysfs = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: sysfs) }
        // Names no machine has a node for: their status cannot be read, so the name decides.
        let backing = ["loop990001": "/r/var/lib/docker-storage.btrfs", "loop990002": "/r/var/lib/docker-storage.btrfs",
                       "loop990003": "/r/other.img", "loop990004": "/r/var/lib/docker-storage.btrfs"]
        for (name, file) in backing {
            try FileManager.default.createDirectory(atPath: "\(sysfs)/block/\(name)/loop", withIntermediateDirectories: true)
            try Data((file + "\n").utf8).write(to: URL(fileURLWithPath: "\(sysfs)/block/\(name)/loop/backing_file"))
        }
        try FileManager.default.createDirectory(atPath: "\(sysfs)/block/loop990005", withIntermediateDirectories: true) // unbound
        for (fsid, member) in [("11111111-1111-4111-8111-111111111111", "loop990001"), ("22222222-2222-4222-8222-222222222222", "loop990002")] {
            try FileManager.default.createDirectory(atPath: "\(sysfs)/fs/btrfs/\(fsid)/devices/\(member)", withIntermediateDirectories: true)
        }
        let found = try LoopDevice.siblings(of: "/dev/loop990001", sysfs: sysfs)
        #expect(found == [SiblingLoop(loop: "/dev/loop990002", mounted: true, byName: true), SiblingLoop(loop: "/dev/loop990004", mounted: false, byName: true)])
        #expect(try LoopDevice.siblings(of: "/dev/loop990003", sysfs: sysfs) == [])
        #expect(try LoopDevice.siblings(of: "/dev/loop990005", sysfs: sysfs) == [], "an unbound member has none")
    }

    /// Attack 21 F3: on a kernel shared by several roots, another root's loop device has the same
    /// name. Mounted as another on-disk filesystem (its `metadata_uuid`), it is not over this
    /// file; a second instance of the same file keeps the on-disk fsid as `metadata_uuid` under
    /// its temporary fsid (seen on kernel 6.18) and is then a sibling by more than its name, and a
    /// filesystem whose `metadata_uuid` cannot be read stays a sibling by name only (attack 22 G3).
    @Test func aSameNamedLoopDeviceMountedAsAnotherFilesystemIsNotASibling() throws {
        var template = Array("/tmp/dockstore-loop-siblings.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        let sysfs = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: sysfs) }
        for name in ["loop990011", "loop990012", "loop990013", "loop990014", "loop990015"] {
            try FileManager.default.createDirectory(atPath: "\(sysfs)/block/\(name)/loop", withIntermediateDirectories: true)
            try Data("/var/lib/docker-storage.btrfs\n".utf8).write(to: URL(fileURLWithPath: "\(sysfs)/block/\(name)/loop/backing_file"))
        }
        let ours = "11111111-1111-4111-8111-111111111111"
        let mounted: [(fsid: String, member: String, metadata: String?)] = [
            (ours, "loop990011", ours),
            ("22222222-2222-4222-8222-222222222222", "loop990012", ours),        // a second instance: temporary fsid
            ("33333333-3333-4333-8333-333333333333", "loop990013", "33333333-3333-4333-8333-333333333333"), // another root's store
            ("44444444-4444-4444-8444-444444444444", "loop990014", nil),         // cannot tell
        ]
        for fs in mounted {
            try FileManager.default.createDirectory(atPath: "\(sysfs)/fs/btrfs/\(fs.fsid)/devices/\(fs.member)", withIntermediateDirectories: true)
            if let metadata = fs.metadata {
                try Data((metadata + "\n").utf8).write(to: URL(fileURLWithPath: "\(sysfs)/fs/btrfs/\(fs.fsid)/metadata_uuid"))
            }
        }
        #expect(try LoopDevice.siblings(of: "/dev/loop990011", sysfs: sysfs) == [
            SiblingLoop(loop: "/dev/loop990012", mounted: true), SiblingLoop(loop: "/dev/loop990014", mounted: true, byName: true),
            SiblingLoop(loop: "/dev/loop990015", mounted: false, byName: true),
        ])
        // Seen from another root's store, this one is set aside the same way.
        #expect(try LoopDevice.siblings(of: "/dev/loop990013", sysfs: sysfs) == [
            SiblingLoop(loop: "/dev/loop990014", mounted: true, byName: true), SiblingLoop(loop: "/dev/loop990015", mounted: false, byName: true),
        ])
    }
}

/// `BtrfsSysfs.instances(of:)` over a fake sysfs: the other mounted filesystems whose
/// `metadata_uuid` is the store's, one of the two under a temporary fsid (attack 22 G2); a
/// `btrfstune -m` copy (same `metadata_uuid`, no temporary fsid) is none (attack 23 H4), and
/// none are found when the kernel has no such files.
@Suite struct BtrfsSameFilesystemTests {
    @Test func otherMountsOfTheSameOnDiskFilesystemAreFoundByMetadataUUID() throws {
        var template = Array("/tmp/dockstore-btrfs-instances.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        let sysfs = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: sysfs) }
        let ours = "11111111-1111-4111-8111-111111111111"
        let second = "22222222-2222-4222-8222-222222222222", tuned = "55555555-5555-4555-8555-555555555555"
        let oldKernel = "66666666-6666-4666-8666-666666666666", oldKernelCopy = "77777777-7777-4777-8777-777777777777"
        for (fsid, metadata, temporary) in [(ours, ours, "0"), (second, ours.uppercased(), "1"), (tuned, ours, "0"),
                                            ("33333333-3333-4333-8333-333333333333", "33333333-3333-4333-8333-333333333333", "0"),
                                            ("44444444-4444-4444-8444-444444444444", nil, "0"),
                                            (oldKernel, oldKernel, nil), (oldKernelCopy, oldKernel, nil)] as [(String, String?, String?)] {
            try FileManager.default.createDirectory(atPath: "\(sysfs)/fs/btrfs/\(fsid)/devices", withIntermediateDirectories: true)
            if let metadata { try Data((metadata + "\n").utf8).write(to: URL(fileURLWithPath: "\(sysfs)/fs/btrfs/\(fsid)/metadata_uuid")) }
            if let temporary { try Data((temporary + "\n").utf8).write(to: URL(fileURLWithPath: "\(sysfs)/fs/btrfs/\(fsid)/temp_fsid")) }
        }
        try FileManager.default.createDirectory(atPath: "\(sysfs)/fs/btrfs/features", withIntermediateDirectories: true)
        #expect(try BtrfsSysfs.instances(of: ours, sysfs: sysfs) == [second], "the btrfstune -m copy is no instance")
        #expect(try BtrfsSysfs.instances(of: second, sysfs: sysfs) == [ours, tuned], "seen from the instance under the temporary fsid")
        #expect(try BtrfsSysfs.instances(of: "33333333-3333-4333-8333-333333333333", sysfs: sysfs) == [])
        #expect(try BtrfsSysfs.instances(of: "44444444-4444-4444-8444-444444444444", sysfs: sysfs) == [], "no metadata_uuid: nothing to compare")
        #expect(try BtrfsSysfs.instances(of: oldKernel, sysfs: sysfs) == [], "no temp_fsid: no second instance")
    }
}
