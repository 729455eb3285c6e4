import DockStoreCore
import Foundation
import Testing

/// Attack 52 V F1 and F5: which file at the mountpoint is the store, told by the btrfs each
/// file holds. F1: an unrelated btrfs mounted there with `mount -o loop` was called the image
/// moved away, and the advice, followed, put it at the image's name and the store aside, after
/// which provision mounted the stranger. F5: a store that left its image for a loop device over
/// a file on another filesystem than the image's folder was OK to check, and the next boot failed.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct OtherStoreMountedIntegrationTests {
    @Test func anotherBtrfsMountedAtTheMountpointIsNoRenameOfTheImage() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("echo store > '\(root.mountpoint)/kept' && umount '\(root.mountpoint)' && for l in $(losetup -n -O NAME -j '\(root.image)'); do losetup -d $l; done")
            let other = root.path + "/var/lib/other.img"
            try root.sh("truncate -s 300M '\(other)' && mkfs.btrfs -q '\(other)' && mount -o loop '\(other)' '\(root.mountpoint)'")
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; losetup -d \(loop) 2>/dev/null; true"); root.forgetBtrfs([loop]) }
            let before = root.snapshot()

            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(loop) at \(root.mountpoint) runs on \(other), a btrfs ("), "\(check.stdout)")
            #expect(check.stdout.contains("other than the image \(root.image) (") && check.stdout.contains("unmount it (umount \(root.mountpoint)) and run dockstore provision, which mounts the image"), "\(check.stdout)")
            let json = try root.dockstore(["check", "--state-file", "/errors", "--format", "json"])
            #expect(json.stdout.contains("\"other_store_mounted\""), "\(json.stdout)")

            let notImage = "\(root.mountpoint) already has \(loop) (btrfs) mounted on it, not \(root.image); unmount it or give another --mountpoint"
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains(notImage), "\(status.stdout)")
            #expect(!status.stdout.contains("remove that line") && !status.stdout.contains("moved away") && !status.stdout.contains("mv "), "\(status.stdout)")
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 2 && provision.stderrLines == ["dockstore: \(notImage)"], "\(provision.stderr)")
            #expect(root.changes(since: before) == [])

            // Its advice, followed: the boot's provision mounts the image, with the store's file.
            try root.sh("umount '\(root.mountpoint)'")  // mount -o loop's device goes with it (autoclear)
            root.forgetBtrfs([loop])
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
