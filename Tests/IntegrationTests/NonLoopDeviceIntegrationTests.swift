import DockStoreCore
import Foundation
import Testing

/// A device store on a block device that is no loop device (a zram device, as an EBS volume
/// is not a loop device either). Attack 52 V F6: status exited 1 "cannot read the loop status
/// of /dev/zram1: Inappropriate ioctl for device" on such a store, and a loop device over a
/// file added beside the volume (room by hand) was "in place" to status and OK to check while
/// the next boot's mount failed.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct NonLoopDeviceIntegrationTests {
    @Test func aStoreOnAVolumeThatIsNoLoopDeviceIsInPlaceAndALoopMemberBesideItIsCritical() throws {
        try #require(FileManager.default.fileExists(atPath: ZramDevice.control), "the kernel offers no zram devices here")
        try withTestRoot { root in
            let volume = try ZramDevice(bytes: 1 << 30)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; true"); volume.remove() }
            try #require(try root.dockstore(["provision", "--device", volume.path]).status == 0)
            let status = try root.dockstore(["status"])
            #expect(status.status == 0 && status.stdout.hasPrefix("store:       device \(volume.path)\n") && status.stdout.contains("\nstate:       in place\n"), "\(status.stdout)\(status.stderr)")
            #expect(try root.dockstore(["check"]).stdout.hasPrefix("DOCKSTORE OK"))
            #expect(try root.dockstore(["provision"]).stdout.contains("nothing to do"))

            let file = root.path + "/room.img"
            try root.sh("truncate -s 1G '\(file)'")
            let loop = try root.sh("losetup -f --show '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(loop) 2>/dev/null; true"); root.forgetBtrfs([loop]) }
            try root.sh("btrfs device add \(loop) '\(root.mountpoint)' >/dev/null")
            let verdict = "device 2 of the btrfs at \(root.mountpoint) is \(loop), a loop device over \(file), which nothing attaches at boot (the boot has only the volumes EC2 attaches): the next boot's mount misses it and fails, and Docker stays down; move its data onto the volume before the next boot:"
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(verdict)"), "\(check.stdout)")
            #expect(check.stdout.contains("then btrfs device remove 2 \(root.mountpoint);"), "\(check.stdout)")
            let problem = try root.dockstore(["status"])
            #expect(problem.status == 4 && problem.stdout.contains("  - \(verdict)"), "\(problem.stdout)")
            // Provision cannot attach it: the state line does not send the admin there.
            #expect(problem.stdout.contains("\nstate:       1 problem(s), which 'dockstore provision' does not fix; each says what to do:\n"), "\(problem.stdout)")
            // Attack 53 W Z6a: fstab's UUID= found the loop member, the mount names the volume,
            // and provision said to unmount the store; any member is the store in place.
            for arguments in [["provision"], ["provision", "--device", loop], ["provision", "--device", volume.path]] {
                let again = try root.dockstore(arguments)
                #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(arguments): \(again.stdout)\(again.stderr)")
            }
            // Attack 53 W Z5b: --wipe-device wiped one member of two and left the other a half store.
            let before = root.snapshot()
            for arguments in [["teardown", "--wipe-device", "--dry-run"], ["teardown", "--wipe-device"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2 && refused.stderrLines.count == 1
                        && refused.stderr.contains("the store's btrfs spans 2 devices (\(volume.path), \(loop)), and --wipe-device wipes one"), "\(arguments): \(refused.stderr)")
            }
            #expect(root.changes(since: before) == [])

            // The advice, followed: the store is on the volume alone again.
            try root.sh("btrfs device remove 2 '\(root.mountpoint)'")
            #expect(try root.dockstore(["check"]).stdout.hasPrefix("DOCKSTORE OK"))
            #expect(try root.dockstore(["status"]).status == 0)
            // A reboot: the boot's provision mounts the volume.
            try root.sh("umount '\(root.mountpoint)'")
            #expect(try root.dockstore(["provision"]).status == 0)
            #expect(try root.dockstore(["teardown"]).status == 0)
        }
    }

    @Test func anImageStoreMovedOntoAVolumeThatIsNoLoopDeviceIsInPlace() throws {
        try #require(FileManager.default.fileExists(atPath: ZramDevice.control), "the kernel offers no zram devices here")
        try withTestRoot { root in
            let volume = try ZramDevice(bytes: 2 << 30)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; true"); volume.remove() }
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("echo kept > '\(root.mountpoint)/kept'")
            let moved = try root.dockstore(["migrate-ebs", volume.path, "--yes"])
            #expect(moved.status == 0, "\(moved.stdout)\(moved.stderr)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 0 && status.stdout.contains("\nstate:       in place\n"), "\(status.stdout)\(status.stderr)")
            #expect(try root.dockstore(["check"]).stdout.hasPrefix("DOCKSTORE OK"))
            try root.sh("umount '\(root.mountpoint)'")
            #expect(try root.dockstore(["provision"]).status == 0)
            #expect(root.read(root.mountpoint + "/kept") == "kept\n")
        }
    }

    /// The boot after such a member was left unattached: provision refuses before it mounts,
    /// naming the devices attached, not "the open migration's image" (no migration ran: every
    /// device store's fstab line reads like the volume line of one) nor a bare ENOENT.
    @Test func aBootWithAMemberMissingSaysSoAndBlamesNoMigration() throws {
        try withTestRoot { root in
            let files = [root.path + "/vol.img", root.path + "/room.img"]
            try root.sh("truncate -s 1G '\(files[0])' '\(files[1])'")
            let volume = try root.sh("losetup -f --show '\(files[0])'").trimmingCharacters(in: .whitespacesAndNewlines)
            let room = try root.sh("losetup -f --show '\(files[1])'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; losetup -d \(volume) \(room) 2>/dev/null; true"); root.forgetBtrfs([volume, room]) }
            try #require(try root.dockstore(["provision", "--device", volume]).status == 0)
            try root.sh("btrfs device add \(room) '\(root.mountpoint)' >/dev/null && umount '\(root.mountpoint)' && losetup -d \(room)")
            let before = root.snapshot()
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2 && boot.stderrLines.count == 1, "\(boot.stderr)")
            #expect(boot.stderr.contains("has 2 devices and 1 is attached (\(volume)); the kernel mounts it only with all of them, and nothing was changed: attach the missing one"), "\(boot.stderr)")
            #expect(!boot.stderr.contains("migration"), "\(boot.stderr)")
            #expect(root.changes(since: before) == [] && root.mounts().isEmpty)
            // status says the same, not "mount pending" (attack 53 W Z6b).
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("has 2 devices and 1 is attached") && !status.stdout.contains("pending"), "\(status.stdout)")
        }
    }
}
