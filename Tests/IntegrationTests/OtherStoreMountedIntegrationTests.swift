import DockStoreCore
import Foundation
import Testing

/// Attack 52 V F1, 53 W O5 and O1, and V F5: which file at the mountpoint is the store, told by
/// the btrfs each file holds. F1: an unrelated btrfs beside the image mounted there with `mount
/// -o loop` was called the image moved away, and the advice, followed, put it at the image's
/// name. O5: the image renamed away and another btrfs put at its name is the same state on
/// disk, where the opposite advice is right: both ways are said, never one. O1: on another
/// filesystem (no rename crosses one) it is not the store, and grow extended it. F5: a store
/// that left its image for a file on another filesystem was OK to check, and the boot failed.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct OtherStoreMountedIntegrationTests {
    /// The two states nothing on disk tells apart: both ways are said, and each, followed in its
    /// own state, brings the store back after a reboot.
    @Test(arguments: [false, true])
    func anotherBtrfsBesideTheImageIsSaidBothWays(renamed: Bool) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("echo store > '\(root.mountpoint)/kept'")
            let other = root.path + "/var/lib/other.img"
            if renamed {
                // O5: the image renamed away while mounted, another btrfs made at its name.
                try root.sh("mv '\(root.image)' '\(other)' && truncate -s 300M '\(root.image)' && mkfs.btrfs -q '\(root.image)'")
            } else {
                // F1: the store unmounted, another btrfs beside it mounted there by hand.
                try root.sh("umount '\(root.mountpoint)' && for l in $(losetup -n -O NAME -j '\(root.image)'); do losetup -d $l; done")
                try root.sh("truncate -s 300M '\(other)' && mkfs.btrfs -q '\(other)' && mount -o loop '\(other)' '\(root.mountpoint)'")
            }
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; losetup -d \(loop) 2>/dev/null; true"); root.forgetBtrfs([loop]) }
            let before = root.snapshot()

            let head = "the btrfs mounted is not the image \(root.image): \(loop) at \(root.mountpoint) runs on \(other); \(root.image), which the next boot mounts, holds another btrfs ("
            let storeThere = "if \(other) is the store (the image renamed to it, another btrfs put at its name), move that file aside and the store back before unmounting (mv -n \(root.image) \(root.image).aside; mv -n \(other) \(root.image)); if \(root.image) is the store (\(other) mounted there by hand), stop Docker (systemctl stop docker), copy off what it wrote since, unmount it (umount \(root.mountpoint)) and run dockstore provision, which mounts the image"
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(head)") && check.stdout.contains(storeThere), "\(check.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("  - refusing: \(head)") && status.stdout.contains(storeThere), "\(status.stdout)")
            #expect(!status.stdout.contains("remove that line"), "\(status.stdout)")
            for arguments in [["provision"], ["grow", "--to", "2G"], ["teardown"], ["teardown", "--delete-image"], ["reclaim"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2 && refused.stderrLines.count == 1 && refused.stderr.contains(head), "\(arguments): \(refused.stderr)")
            }
            #expect(root.changes(since: before) == [])

            if renamed {
                try root.sh("mv -n '\(root.image)' '\(root.image).aside' && mv -n '\(other)' '\(root.image)'")
                #expect(try root.dockstore(["check", "--state-file", "/errors"]).stdout.hasPrefix("DOCKSTORE OK"))
                try root.sh("umount '\(root.mountpoint)' && for l in $(losetup -n -O NAME -j '\(root.image)'); do losetup -d $l; done")
            } else {
                try root.sh("umount '\(root.mountpoint)'")  // mount -o loop's device goes with it (autoclear)
            }
            // A reboot: the boot's provision mounts the image, which holds the store.
            #expect(try root.dockstore(["provision"]).status == 0)
            #expect(root.read(root.mountpoint + "/kept") == "store\n")
        }
    }

    /// On another filesystem than the image's folder no rename put the mounted file there: it is
    /// not the store, whatever the image's name holds; every changing command refuses it.
    @Test func anotherBtrfsOnAnotherFilesystemIsNotTheStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("echo store > '\(root.mountpoint)/kept' && umount '\(root.mountpoint)' && for l in $(losetup -n -O NAME -j '\(root.image)'); do losetup -d $l; done")
            let elsewhere = root.path + "/elsewhere"
            let other = elsewhere + "/other.img"
            try root.sh("mkdir '\(elsewhere)' && mount -t tmpfs -o size=1G dockstore-elsewhere '\(elsewhere)' && truncate -s 300M '\(other)' && mkfs.btrfs -q '\(other)' && mount -o loop '\(other)' '\(root.mountpoint)'")
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; losetup -d \(loop) 2>/dev/null; umount '\(elsewhere)' 2>/dev/null; true"); root.forgetBtrfs([loop]) }
            let before = root.snapshot()

            let said = "\(loop) at \(root.mountpoint) runs on \(other), a btrfs ("
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(said)"), "\(check.stdout)")
            #expect(check.stdout.contains("other than the image \(root.image) (") && check.stdout.contains("unmount it (umount \(root.mountpoint)) and run dockstore provision, which mounts the image"), "\(check.stdout)")
            let json = try root.dockstore(["check", "--state-file", "/errors", "--format", "json"])
            #expect(json.stdout.contains("\"other_store_mounted\""), "\(json.stdout)")

            let notImage = "\(root.mountpoint) already has \(loop) (btrfs) mounted on it, not \(root.image); unmount it or give another --mountpoint"
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains(notImage), "\(status.stdout)")
            #expect(!status.stdout.contains("remove that line") && !status.stdout.contains("moved away") && !status.stdout.contains("mv "), "\(status.stdout)")
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 2 && provision.stderrLines == ["dockstore: \(notImage)"], "\(provision.stderr)")
            // Attack 53 W O1: grow extended that file and resized its btrfs.
            for arguments in [["grow", "--to", "2G"], ["teardown"], ["teardown", "--delete-image"], ["reclaim"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2 && refused.stderrLines.count == 1 && refused.stderr.contains(said), "\(arguments): \(refused.stderr)")
            }
            #expect(root.changes(since: before) == [])

            try root.sh("umount '\(root.mountpoint)'")  // mount -o loop's device goes with it (autoclear)
            #expect(try root.dockstore(["provision"]).status == 0)
            #expect(root.read(root.mountpoint + "/kept") == "store\n")
        }
    }

    @Test func aStoreThatLeftItsImageForAFileOnAnotherFilesystemIsToldSo() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let elsewhere = root.path + "/elsewhere"
            try root.sh("mkdir '\(elsewhere)' && mount -t tmpfs -o size=2G dockstore-elsewhere '\(elsewhere)' && truncate -s 1G '\(elsewhere)/vol.img'")
            let disk = try root.sh("losetup -f --show '\(elsewhere)/vol.img'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; btrfs device scan --forget \(disk) 2>/dev/null; losetup -d \(disk); umount '\(elsewhere)'") }
            try root.sh("echo kept > '\(root.mountpoint)/kept' && sync && btrfs replace start -B 1 \(disk) '\(root.mountpoint)'")
            let left = "the store left its image \(root.image): \(disk) at \(root.mountpoint) runs on \(elsewhere)/vol.img;"
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(left)"), "\(check.stdout)")
            #expect(check.stdout.contains("btrfs replace start -B 1 THAT-LOOP-DEVICE \(root.mountpoint)"), "\(check.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains(left), "\(status.stdout)")
            #expect(!status.stdout.contains("remove that line"), "\(status.stdout)")
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 2 && provision.stderr.contains(left), "\(provision.stderr)")
            root.forgetBtrfs([disk])
        }
    }
}
