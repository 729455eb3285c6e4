import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Teardown's rewrite of the folder record (attack 8 F11: a recorded folder with a filesystem
/// mounted on it stays, and the record is rewritten to name the folders still to remove) is a
/// write like any other: --dry-run tells it, and the write preflight checks it before any step
/// acts. On the old code --dry-run said only "remove" the record, and a read-only record folder
/// was found out after the store was unmounted and the image deleted.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownFolderRecordRewriteIntegrationTests {
    @Test func dryRunTellsTheRecordIsRewrittenWhileAFolderIsMountedOn() throws {
        try withTestRoot { root in
            let folder = root.path + "/etc/systemd"
            let record = root.path + ProvisionFolderRecord.path.string
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            try root.sh("mount -t tmpfs none '\(folder)'")
            defer { _ = try? root.sh("umount '\(folder)' 2>/dev/null") }
            let listing = TeardownLeftoverIntegrationTests()
            let before = try listing.tree(root)
            let dry = try root.dockstore(["teardown", "--delete-image", "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("remove \(record), the record of the folders provision created (or, while a filesystem is mounted on one of them, rewrite it to name only the folders still to remove, for a teardown after the unmount)"), "\(dry.stdout)")
            #expect(try listing.tree(root) == before, "--dry-run changes nothing")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[folders] kept \(record), now naming only the folders still to remove ("), "\(down.stdout)")
        }
    }

    /// The record's folder (/var/lib/dockstore) read-only: teardown refuses (exit 2, one line
    /// naming the folder) before it stops, unmounts or deletes anything; the store stays mounted,
    /// the image and the record stay, byte for byte.
    @Test func aReadOnlyRecordFolderRefusesBeforeAnythingChanges() throws {
        try withTestRoot { root in
            let folder = root.path + "/etc/systemd"
            let recordFolder = root.path + ProvisionFolderRecord.path.parent.string
            let record = root.path + ProvisionFolderRecord.path.string
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            try root.sh("mount -t tmpfs none '\(folder)'")
            defer { _ = try? root.sh("umount '\(folder)' 2>/dev/null") }
            try root.sh("mount --bind '\(recordFolder)' '\(recordFolder)' && mount -o remount,ro,bind '\(recordFolder)'")
            defer { _ = try? root.sh("umount '\(recordFolder)' 2>/dev/null") }
            let listing = TeardownLeftoverIntegrationTests()
            let before = try listing.tree(root)
            let recordBefore = root.read(record)
            let mountsBefore = root.mounts().map(\.target)
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 2, "\(down.stdout) \(down.stderr)")
            #expect(down.stderr.contains("\(recordFolder) is on a read-only filesystem, so \(record) cannot be written: remount it read-write"), "\(down.stderr)")
            #expect(try listing.tree(root) == before, "nothing changed: \(down.stdout)")
            #expect(root.read(record) == recordBefore)
            #expect(root.mounts().map(\.target) == mountsBefore, "the store is still mounted")
        }
    }
}
