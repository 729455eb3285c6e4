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

            // The boot: the image holds this store, not the journal's; nothing is mounted. (The
            // other root's image may have had this image's inode number: it was freed first.)
            for _ in 0..<100 where umount2(root.mountpoint, 0) != 0 { usleep(50_000) }
            root.forgetBtrfs(root.loopDevices())
            for loop in root.loopBackingFiles() where loop == root.image { _ = try root.sh("losetup -j '\(root.image)' -O NAME -n | xargs -r -n1 losetup -d") }
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2 && boot.stderr.contains("\(journal) records a migration of the btrfs \(foreignUUID), but the image \(root.image) holds the btrfs \(uuid)"),
                    "\(boot.status) \(boot.stderr)")
            #expect(!root.mounts().contains { $0.target == root.mountpoint }, "nothing is mounted on the foreign journal's word")

            // Attack 27 J5c/J5d: with no btrfs at the image's name (renamed away, or an empty
            // file there) the journal is followed and its UUID waited for; the refusal and
            // status now say why dockstore looks for that device, and the way out.
            let settings = root.path + "/etc/sysconfig/dockstore"
            try root.write(settings, (root.read(settings) ?? "") + "DOCKSTORE_WAIT=1\n")
            let renamed = root.path + "/var/lib/renamed.btrfs"
            _ = try root.sh("mv '\(root.image)' '\(renamed)'")
            for atName in ["nothing", "an empty file"] {
                if atName == "an empty file" { _ = try root.sh(": > '\(root.image)'") }
                let quiet = root.snapshot()
                let because = "dockstore looks for it because the open migration's journal \(journal) records moving the store's btrfs onto"
                let wayOut = "and no btrfs is at \(root.image): if no migration of this store is under way (a journal copied from another machine, or left from a store given up since), remove \(journal) and re-run"
                let waited = try root.dockstore(["provision"])
                #expect(waited.status == 2 && waited.stderrLines.last?.hasPrefix("dockstore: device UUID=\(foreignUUID) did not appear within 1 s;") == true
                        && waited.stderr.contains(because) && waited.stderr.contains(wayOut), "\(atName): \(waited.status) \(waited.stderr)")
                let said = try root.dockstore(["status"])
                #expect(said.stdout.contains("device UUID=\(foreignUUID) does not exist;") && said.stdout.contains(because) && said.stdout.contains(wayOut),
                        "\(atName): \(said.stdout)\(said.stderr)")
                #expect(root.changes(since: quiet).isEmpty, "\(atName): \(root.changes(since: quiet))")
            }
            _ = try root.sh("mv '\(renamed)' '\(root.image)'")

            _ = try root.sh("rm '\(journal)'")
            let after = try root.dockstore(["provision"])
            #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
            #expect(root.read(root.mountpoint + "/kept") == "the store's data\n")
            #expect(try root.dockstore(["check"]).status == 0)
        }
    }

    func write(_ journal: MigrationJournal, in root: TestRoot) throws -> String {
        let path = root.path + "/var/lib/dockstore/migration.json"
        _ = try root.sh("mkdir -p '\(root.path)/var/lib/dockstore'")
        try Data(try journal.encoded()).write(to: URL(fileURLWithPath: path))
        _ = try root.sh("chmod 600 '\(path)'")
        return path
    }

    /// Attack 27 M4: the store unmounted and another btrfs bound over its mountpoint, with a
    /// journal naming that btrfs and the image's own inode: check said OK, and migrate-ebs
    /// pointed fstab at the other btrfs and deleted the store's image. The image holds a live
    /// btrfs of another UUID, so it is no image of that migration: everything refuses, and the
    /// image, fstab and the other btrfs stay as they were. With another inode in the journal
    /// (fstab was switched, the image kept) the same.
    @Test(arguments: [true, false])
    func aJournalNamingABtrfsBoundOverTheMountpointDeletesNothing(_ imagesInode: Bool) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.write(root.mountpoint + "/DATA", "precious\n")
            let inode = try #require(root.status(root.image)).st_ino
            let other = try root.attachDisk(megabytes: 300) { try root.sh("mkfs.btrfs -q \($0)") }
            let otherUUID = try root.sh("blkid -p -o value -s UUID \(other)").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("mkdir '\(root.path)/other' && mount \(other) '\(root.path)/other' && umount '\(root.mountpoint)' && sleep 0.3 && mount --bind '\(root.path)/other' '\(root.mountpoint)'")
            let journal = try write(MigrationJournal(image: "/var/lib/docker-storage.btrfs", device: other, filesystemUUID: otherUUID, volumeID: nil,
                                                     keepImage: false, method: .replace, imageInode: imagesInode ? UInt64(inode) : 123), in: root)
            let before = root.snapshot()
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.contains("\(journal) records a migration of the btrfs \(otherUUID), but the image \(root.image) holds the btrfs "),
                    "\(check.stdout)\(check.stderr)")
            for command in [["migrate-ebs", other, "--dry-run"], ["migrate-ebs", other, "--yes"], ["migrate-ebs", other, "--abort", "--yes"], ["provision"]] {
                let run = try root.dockstore(command)
                #expect(run.status == 2 && run.stderr.contains("holds the btrfs ") && run.stderr.contains("dockstore does not act on it"),
                        "\(command): \(run.status) \(run.stdout)\(run.stderr)")
            }
            // grow refuses too (here first for the loop member over a file beside the image).
            #expect(try root.dockstore(["grow", "--dry-run"]).status == 2)
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            _ = try root.sh("umount '\(root.mountpoint)' && rm '\(journal)'")
            #expect(try root.dockstore(["provision"]).status == 0)
            #expect(root.read(root.mountpoint + "/DATA") == "precious\n")
        }
    }

    /// Attack 27 M2, M3: a device store (ext4 here) and another store's journal. Mounted, check
    /// said OK while the other commands refused (M3); at boot provision waited for the journal's
    /// UUID, which no device here holds, and mounted nothing (M2). fstab's `UUID=` line is the
    /// store's: both refuse, naming it, until the journal is removed.
    @Test func aDeviceStoreWithAnotherStoresJournal() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk, "--fs", "ext4"]).status == 0)
            let foreign = "11111111-2222-3333-4444-555555555555"
            let journal = try write(MigrationJournal(image: "/var/lib/docker-storage.btrfs", device: "/dev/loop9", filesystemUUID: foreign, volumeID: nil,
                                                     keepImage: false, method: .replace, imageInode: 123), in: root)
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.contains("\(journal) records a migration of the btrfs \(foreign), but the store mounted at \(root.mountpoint) is ext4, which no migration moves"),
                    "\(check.stdout)\(check.stderr)")
            _ = try root.sh("umount '\(root.mountpoint)'")
            let uuid = try root.sh("blkid -p -o value -s UUID \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 2 && boot.stderr.contains("\(journal) records a migration of the btrfs \(foreign), but fstab mounts the store at \(root.mountpoint) from UUID=\(uuid)"),
                    "\(boot.status) \(boot.stdout)\(boot.stderr)")
            _ = try root.sh("rm '\(journal)'")
            let after = try root.dockstore(["provision"])
            #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
        }
    }

    /// Attack 27 M1: a journal that records the image's inode and method but no filesystem UUID
    /// was followed as this store's (migrate-ebs planned a replace onto its device).
    @Test func aJournalWithoutTheStoresUUIDIsNotFollowed() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let volume = try root.attachDisk(megabytes: 512)
            let journal = try write(MigrationJournal(image: "/var/lib/docker-storage.btrfs", device: volume, filesystemUUID: nil, volumeID: nil,
                                                     keepImage: false, method: .replace, imageInode: 123), in: root)
            let before = root.snapshot()
            let reason = "\(journal) is no migration journal dockstore wrote (it records the image's inode, the method or the volume id but not the store's filesystem UUID, which every dockstore that records those writes), so dockstore cannot tell which store it is of and does not act on it; remove it and re-run (nothing was changed)"
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(reason);"), "\(check.stdout)")
            for command in [["provision"], ["grow", "--dry-run"], ["migrate-ebs", volume, "--dry-run"], ["teardown", "--dry-run"]] {
                let run = try root.dockstore(command)
                #expect(run.status == 2 && run.stderr == "dockstore: \(reason)\n", "\(command): \(run.status) \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            // A key given twice (the store's own UUID first, another's last): Foundation's
            // decoder keeps the first, other readers the last; dockstore writes each once.
            let uuid = try root.sh("findmnt -n -o UUID '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.write(journal, "{\"device\":\"\(volume)\",\"filesystemUUID\":\"\(uuid)\",\"image\":\"/var/lib/docker-storage.btrfs\",\"keepImage\":false,\"phase\":\"moving\",\"filesystemUUID\":\"11111111-2222-3333-4444-555555555555\"}\n")
            let twice = try root.dockstore(["check"])
            #expect(twice.status == 2 && twice.stdout.contains("is no migration journal dockstore wrote (the key 'filesystemUUID' is given twice)"), "\(twice.stdout)")
        }
    }
}
