import DockStoreCore
import Foundation
import Testing

/// Attack 52 V F7: an image cut shorter than the btrfs on it, nothing mounted. status said
/// provision would fix it, and provision failed with mount(2)'s "wrong fs type, bad option, bad
/// superblock" (exit 1); dmesg alone told the cause. Now provision refuses before it attaches
/// anything, naming both sizes and the truncate that grows it back, and status lists that.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ShortImageIntegrationTests {
    @Test func anImageShorterThanItsFilesystemIsRefusedWithItsSizes() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("echo kept > '\(root.mountpoint)/kept' && umount '\(root.mountpoint)' && for l in $(losetup -n -O NAME -j '\(root.image)'); do losetup -d $l; done")
            try root.sh("truncate -s 900M '\(root.image)'")
            let before = root.snapshot()
            let said = "\(root.image) is 943718400 bytes long, shorter than the 1073741824 bytes its btrfs claims on it (cut by a truncate, or a copy cut short), and the kernel does not mount it; nothing was changed: grow it back (truncate -s 1073741824 \(root.image)), look at it (btrfs check --readonly \(root.image): what was cut off reads as zeros), then re-run"
            for arguments in [["provision", "--dry-run"], ["provision"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2 && refused.stderrLines == ["dockstore: \(said)"], "\(arguments): \(refused.stderr)")
            }
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains("  - \(said)\n") && !status.stdout.contains("fixes what it can"), "\(status.stdout)")
            #expect(root.changes(since: before) == [])
            #expect(root.loopDevices().isEmpty)

            // The advice, followed: the store mounts with its file (the cut held no data here).
            try root.sh("truncate -s 1073741824 '\(root.image)' && btrfs check --readonly '\(root.image)' >/dev/null 2>&1")
            #expect(try root.dockstore(["provision"]).status == 0)
            #expect(root.read(root.mountpoint + "/kept") == "kept\n")
        }
    }
}
