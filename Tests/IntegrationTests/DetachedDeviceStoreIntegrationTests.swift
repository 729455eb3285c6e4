import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A device store whose volume is not attached (attack 15, C10): every command says what is
/// true of that state. Provision names the device store and that removing its fstab line gives
/// up the store and its data; status still shows the driver DOCKER_OPTS sets and offers no
/// option it does not have; backend says the folder's filesystem is not the store's.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DetachedDeviceStoreIntegrationTests {
    @Test func eachCommandSaysTheVolumeIsNotThere() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let uuid = try root.sh("blkid -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("umount \(root.mountpoint) && losetup -d \(disk)")
            LoopDevice.waitUntilReleased([disk])
            let before = root.snapshot()

            let provision = try root.dockstore(["provision"], environment: ["DOCKSTORE_WAIT": "0"])
            #expect(provision.status == 2, "\(provision.stdout) \(provision.stderr)")
            #expect(provision.stderrLines.count == 1, "\(provision.stderr)")
            #expect(provision.stderr.contains("UUID=\(uuid)"), "\(provision.stderr)")
            #expect(!provision.stderr.contains("as migrate-ebs leaves it"), "\(provision.stderr)")
            #expect(provision.stderr.contains("attach"), "\(provision.stderr)")
            #expect(!provision.stderr.contains("or remove that fstab line"), "removing it is not offered bare: \(provision.stderr)")

            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("driver:      btrfs (from DOCKER_OPTS in \(root.sysconfig))"), "\(status.stdout)")
            #expect(!status.stdout.contains("--wait"), "status has no --wait: \(status.stdout)")

            let backend = try root.dockstore(["backend", "btrfs", "--dry-run"])
            #expect(backend.stderr.contains("(nothing is mounted there: that is the folder's own filesystem, not Docker's storage, which is not mounted; dockstore provision mounts it)"), "\(backend.stdout) \(backend.stderr)")
            #expect(root.changes(since: before) == [])
        }
    }
}
