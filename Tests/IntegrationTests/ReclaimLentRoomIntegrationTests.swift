import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// While a reclaim journal has room lent (a run killed after it made room), the commands
/// that change the store's size refuse: reclaim's give-back shrinks by what the journal
/// recorded, so a grow would be undone and a migration's new device cut down (issue 17,
/// attack cases 1 and 2).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimLentRoomIntegrationTests {
    /// A 512 MiB image store at ENOSPC, and a reclaim killed right after its first balance:
    /// the image grown, the journal open.
    func storeWithRoomLent(_ root: TestRoot) throws -> Int? {
        try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
        let provisioned = root.status(root.image)?.st_size
        try root.exhaustMetadata(keepEvery: 4)
        let killed = try root.dockstore(["reclaim"], environment: [Failpoint.variable: "balance"])
        try #require(killed.signal == SIGKILL, "\(killed.stderr)")
        try #require(root.status(root.reclaimJournal) != nil, "the journal records the lent room")
        try #require((root.status(root.image)?.st_size ?? 0) > (provisioned ?? 0), "the image was grown to lend room")
        return provisioned
    }

    @Test func growRefusesWhileRoomIsLentAndWorksAfterTheGiveBack() throws {
        try withTestRoot { root in
            let provisioned = try storeWithRoomLent(root)
            let lent = root.status(root.image)?.st_size
            let refused = try root.dockstore(["grow", "--to", "2G"])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.contains("run dockstore reclaim to finish it, then grow"), "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            #expect(root.status(root.image)?.st_size == lent, "nothing changed")
            #expect(root.status(root.reclaimJournal) != nil)
            let finished = try root.dockstore(["reclaim"])
            #expect(finished.status == 0, "\(finished.stdout) \(finished.stderr)")
            #expect(root.status(root.image)?.st_size == provisioned, "the lent room given back")
            let grown = try root.dockstore(["grow", "--to", "2G"])
            #expect(grown.status == 0, "\(grown.stderr)")
            #expect(root.status(root.image)?.st_size == 2 << 30)
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == 2 << 30, "the store keeps 2 GiB")
        }
    }

    @Test func migrateEBSRefusesWhileRoomIsLentAndWorksAfterTheGiveBack() throws {
        try withTestRoot { root in
            _ = try storeWithRoomLent(root)
            let disk = try root.attachDisk(megabytes: 2048)
            let refused = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.contains("run dockstore reclaim to finish it, then migrate-ebs"), "\(refused.stderr)")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "no migration begun")
            let members = try root.sh("btrfs filesystem show \(root.mountpoint)")
            #expect(!members.contains(disk), "the device was not added: \(members)")
            let finished = try root.dockstore(["reclaim"])
            #expect(finished.status == 0, "\(finished.stdout) \(finished.stderr)")
            let migrated = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(migrated.status == 0, "\(migrated.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == 2 << 30, "the store keeps the whole device")
            #expect(root.status(root.reclaimJournal) == nil)
        }
    }

    /// A device store with the temporary member of a reclaim killed once it was recorded (the
    /// fourth outside attack, reclaim_remedy_no_migration): no migration exists, so reclaim's
    /// plan, check and status name `dockstore reclaim` giving the lent room back, never
    /// migrate-ebs; the one rule (`Remedy`, the journal read into `RemedyContext`) serves all three.
    @Test func theRemedyForAReclaimsTemporaryMemberIsReclaimNotAMigration() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let killed = try root.dockstore(["reclaim"], environment: [Failpoint.variable: "room-record"])
            try #require(killed.signal == SIGKILL, "\(killed.stderr)")
            try #require(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 2, "the temporary member is in place")
            let scope = "--root \(root.path) --mountpoint /var/lib/docker"
            let dry = try root.dockstore(["reclaim", "--dry-run"])
            #expect(dry.stdout.contains("run dockstore reclaim \(scope) to give the lent room back (an interrupted reclaim's temporary member"), "\(dry.stdout)")
            let check = try root.dockstore(["check"])
            let status = try root.dockstore(["status"])
            for (what, text) in [("reclaim", dry.stdout), ("check", check.stdout), ("status", status.stdout)] {
                #expect(!text.contains("migration") && !text.contains("migrate-ebs"), "\(what): \(text)")
            }
            #expect(status.stdout.contains("dockstore reclaim \(scope) gives it back"), "\(status.stdout)")
            let finished = try root.dockstore(["reclaim"])
            #expect(finished.status == 0, "\(finished.stdout) \(finished.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.map(\.path) == [disk])
        }
    }

    /// After a reboot with nothing mounted, status does not call the store's own journal another
    /// store's (attack case 8): it says nothing is mounted and how to mount and finish.
    @Test func statusNamesNothingMountedForTheStoresOwnJournal() throws {
        try withTestRoot { root in
            _ = try storeWithRoomLent(root)
            try root.sh("umount \(root.mountpoint)")
            let status = try root.dockstore(["status"])
            #expect(!status.stdout.contains("not of the store mounted here") && !status.stdout.contains("mounted here;"), "\(status.stdout)")
            #expect(status.stdout.contains("no btrfs is mounted at"), "\(status.stdout)")
            #expect(status.stdout.contains("then dockstore reclaim finishes it"), "\(status.stdout)")
        }
    }
}
