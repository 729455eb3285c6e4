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
        #expect(found == [SiblingLoop(loop: "/dev/loop990002", mounted: true), SiblingLoop(loop: "/dev/loop990004", mounted: false)])
        #expect(try LoopDevice.siblings(of: "/dev/loop990003", sysfs: sysfs) == [])
        #expect(try LoopDevice.siblings(of: "/dev/loop990005", sysfs: sysfs) == [], "an unbound member has none")
    }
}
