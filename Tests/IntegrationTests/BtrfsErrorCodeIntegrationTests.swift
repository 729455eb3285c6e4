import DockStoreCore
import Foundation
import Testing

/// btrfs ioctls report some refusals as a positive btrfs error code, not -1 and errno; a
/// wrapper that only looks for -1 takes them for success (a device "removed" that is still
/// the filesystem's only one). The kernel is the oracle here.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct BtrfsErrorCodeIntegrationTests {
    @Test func removingTheOnlyWriteableDeviceIsAFailure() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 256)
            _ = try root.sh("mkfs.btrfs -q \(disk) && mkdir -p \(root.path)/mnt && mount \(disk) \(root.path)/mnt")
            do {
                try BtrfsFilesystem.removeDevice(1, at: root.path + "/mnt")
                Issue.record("removing the only device of a btrfs was taken for success")
            } catch let error as DockStoreError {
                #expect(error.kind == .failed)
                #expect(error.message.contains("unable to remove the only writeable device (btrfs error 7)"), "\(error.message)")
            }
            let devices = try root.sh("btrfs filesystem show --raw \(root.path)/mnt")
            #expect(devices.contains("Total devices 1"), "\(devices)")
        }
    }
}
