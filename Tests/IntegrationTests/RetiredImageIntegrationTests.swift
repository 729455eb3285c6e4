import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The image a move lets go of: renamed at once to `<image>.dockstore-deleted`, unlinked
/// after the move; a crash between the two converges through provision or a re-run; a
/// leftover a loop device holds, or anything but a regular file, is never removed.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct RetiredImageIntegrationTests {
    let base = MigrationIntegrationTests()

    @Test func aCrashAfterTheRenameIsRemovedByTheBootTimeProvision() throws {
        try withTestRoot { root in
            let (inventory, sums) = try base.layeredStore(root, megabytes: 32, snapshots: 3)
            let disk = try root.attachDisk(megabytes: 8192)
            let crashed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "delete-image"])
            try #require(crashed.signal == SIGKILL, "\(crashed.stdout) \(crashed.stderr)")
            let retired = root.image + RetiredImage.suffix
            #expect(root.status(root.image) == nil, "the image is renamed at once")
            #expect(root.status(retired) != nil, "the crash came before the unlink")
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("migration:") && status.stdout.contains("phase: releasing the image"), "\(status.stdout)")
            #expect(!status.stdout.contains(RetiredImage.suffix), "status never takes the renamed image for the store: \(status.stdout)")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stderr)")
            #expect(boot.stdout.contains("Removed \(retired)"), "\(boot.stdout)")
            #expect(root.status(retired) == nil)
            let finish = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(finish.status == 0, "\(finish.stderr)")
            #expect(try base.inventory(root) == inventory, "DATA: subvolume inventory")
            #expect(try base.sums(root) == sums, "DATA: checksums")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil)
            let after = try root.dockstore(["status"])
            #expect(!after.stdout.contains("migration:"), "\(after.stdout)")
        }
    }

    @Test func aLeftoverALoopDeviceHoldsIsNeverRemoved() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision"]).status == 0)
            let retired = root.image + RetiredImage.suffix
            try root.sh("truncate -s 64M '\(retired)'")
            let loop = try root.sh("losetup -f --show '\(retired)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let held = try root.dockstore(["provision"])
            #expect(held.status == 0, "a leftover never stops the store coming up: \(held.stderr)")
            #expect(held.stderr.contains("attached to \(loop)"), "\(held.stderr)")
            #expect(root.status(retired) != nil, "a file a loop device holds is kept")
            _ = try root.sh("losetup -d \(loop)")
            let freed = try root.dockstore(["provision"])
            #expect(freed.stdout.contains("Removed \(retired)"), "\(freed.stdout) \(freed.stderr)")
            #expect(root.status(retired) == nil)
        }
    }

    @Test func aFolderUnderThatNameIsLeftAlone() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision"]).status == 0)
            let retired = root.image + RetiredImage.suffix
            try root.sh("mkdir '\(retired)' && echo keep > '\(retired)/file'")
            let result = try root.dockstore(["provision"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("not an image dockstore let go of"), "\(result.stderr)")
            #expect(root.read(retired + "/file") == "keep\n")
        }
    }
}
