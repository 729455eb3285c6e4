import DockStoreCore
import Foundation
import Testing

/// Attack 26 L4: a valid journal of another store (taken from a real migrate-ebs of another
/// root, stopped before its replace) put into a store with no migration. check said OK, grow
/// and teardown sent the admin to `migrate-ebs`, migrate-ebs planned a replace of this store
/// onto the journal's device, and the boot mounted with the warning. Every command now refuses
/// it naming both UUIDs, check says CRITICAL `migration_journal` with the same words, and
/// nothing changes; once the file is removed, all is as before.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ForeignMigrationJournalIntegrationTests {
    /// A journal of a real migration of another store, and that store's UUID.
    func foreignJournal() throws -> (bytes: Data, uuid: String) {
        var made: (Data, String)?
        try withTestRoot { other in
            try #require(try other.dockstore(["provision", "--size", "256M"]).status == 0)
            let uuid = try other.sh("findmnt -n -o UUID '\(other.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let disk = try other.attachDisk(megabytes: 512)
            let run = try other.runStopped(["migrate-ebs", disk, "--yes"], before: "replace") {
                made = (try Data(contentsOf: URL(fileURLWithPath: other.path + "/var/lib/dockstore/migration.json")), uuid)
            }
            #expect(run.status == 0, "the other store's migration: \(run.stderr)")
        }
        return try #require(made)
    }

    @Test func anotherStoresJournalIsRefusedEverywhereAndCheckSaysSo() throws {
        let (foreign, foreignUUID) = try foreignJournal()
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.write(root.mountpoint + "/kept", "the store's data\n")
            let uuid = try root.sh("findmnt -n -o UUID '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(uuid != foreignUUID && !uuid.isEmpty)
            let journal = root.path + "/var/lib/dockstore/migration.json"
            try foreign.write(to: URL(fileURLWithPath: journal))
            _ = try root.sh("chmod 600 '\(journal)'")
            let volume = try root.attachDisk(megabytes: 512)
            let volumeBefore = try root.sh("md5sum < \(volume)")
            let before = root.snapshot()

            let reason = "\(journal) records a migration of the btrfs \(foreignUUID), but the store mounted at \(root.mountpoint) is the btrfs \(uuid): the journal is not this store's, and dockstore does not act on it; if no migration of this store is under way (a journal copied from another machine, or left from a store given up since), remove \(journal) and re-run (nothing was changed)"
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(reason); until then the next boot's dockstore provision refuses and mounts nothing at \(root.mountpoint), so Docker does not start | "),
                    "\(check.stdout)\(check.stderr)")
            let prom = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"migration_journal\"} 2"), "\(prom.stdout)")

            let commands: [[String]] = [
                ["provision"], ["provision", "--dry-run"], ["grow", "--dry-run"], ["grow"],
                ["teardown", "--dry-run"], ["teardown", "--delete-image"], ["migrate-ebs", volume, "--dry-run"],
                ["migrate-ebs", volume, "--yes"], ["migrate-ebs", volume, "--abort", "--yes"],
            ]
            for command in commands {
                let result = try root.dockstore(command)
                #expect(result.status == 2 && result.stderr == "dockstore: \(reason)\n",
                        "\(command.joined(separator: " ")): \(result.status) \(result.stdout)\(result.stderr)")
            }
            // status's documented answer when the system cannot be read: exit 1, the same line.
            let status = try root.dockstore(["status"])
            #expect(status.status == 1 && status.stderr == "dockstore: \(reason)\n", "status: \(status.status) \(status.stdout)\(status.stderr)")
            #expect(root.changes(since: before).isEmpty, "nothing changed: \(root.changes(since: before))")
            #expect(try root.sh("md5sum < \(volume)") == volumeBefore, "the volume is untouched")

            // The boot: the image holds this store, not the journal's; nothing is mounted.
            for _ in 0..<100 where umount2(root.mountpoint, 0) != 0 { usleep(50_000) }
            root.forgetBtrfs(root.loopDevices())
            for loop in root.loopBackingFiles() where loop == root.image { _ = try root.sh("losetup -j '\(root.image)' -O NAME -n | xargs -r -n1 losetup -d") }
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2 && boot.stderr.contains("\(journal) records a migration of the btrfs \(foreignUUID), but the image \(root.image) holds the btrfs \(uuid), another file than the image that migration began with"),
                    "\(boot.status) \(boot.stderr)")
            #expect(!root.mounts().contains { $0.target == root.mountpoint }, "nothing is mounted on the foreign journal's word")

            _ = try root.sh("rm '\(journal)'")
            let after = try root.dockstore(["provision"])
            #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
            #expect(root.read(root.mountpoint + "/kept") == "the store's data\n")
            #expect(try root.dockstore(["check"]).status == 0)
        }
    }
}
