import DockStoreCore
import Foundation
import Testing

/// Attack 22 G1: the image renamed while mounted (check: `image_moved`), then `migrate-ebs` given
/// the store's own loop device. The loop device is a member of the store and no member was bound
/// to the image any more, so the plan took the store for one already moved: it pointed fstab at
/// the store's UUID (exit 0, check OK), and after the next unmount or reboot nothing held that
/// UUID and the data sat in the renamed file. Now it refuses, as provision does, with the way
/// back; also when the settings were changed to another image since (status then advised it).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationMovedImageIntegrationTests {
    @Test(arguments: [false, true])
    func theRenamedImagesLoopDeviceIsNoVolumeToMoveOnto(settingsChanged: Bool) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            let moved = root.path + "/var/lib/moved.btrfs"
            _ = try root.sh("mv '\(root.image)' '\(moved)'")
            if settingsChanged {
                try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_IMAGE=\"/var/lib/store2.btrfs\"\n")
            }
            let before = root.snapshot()
            let said = "dockstore: refusing: the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(moved); nothing is at \(root.image) now, so the next boot makes a new, empty store there, so do not unmount it or reboot; move it back before unmounting: mv -n \(moved) \(root.image), and re-run\n"
            for arguments in [["migrate-ebs", loop, "--dry-run"], ["migrate-ebs", loop, "--yes"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderr == said, "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            #expect(!(root.read(root.fstab) ?? "").contains("UUID="), "\(root.read(root.fstab) ?? "")")
            // The way back the message gives works: the image moved back, the store is in place.
            _ = try root.sh("mv '\(moved)' '\(root.image)'")
            if settingsChanged { _ = try root.sh("rm '\(root.path)/etc/sysconfig/dockstore'") }
            let status = try root.dockstore(["status"])
            #expect(status.status == 0 && status.stdout.contains("state:       in place"), "\(status.stdout)\(status.stderr)")
        }
    }
}
