import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// teardown's folder removal (issue 15, 2026-12-01 attack cases D3, D7, D9): the record's own
/// folder goes crash-safe (renamed away with the record inside, then removed), only folders
/// provision can have made for this store are removed, and a recorded folder with a filesystem
/// mounted on it is kept with a line naming the mount.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownFolderRemovalIntegrationTests {
    static let point = ProvisionFolderRecord.retireFailpoint

    /// D3: teardown killed after renaming the record's folder chain away (where a kill between
    /// removing the record and removing /var/lib/dockstore used to leave an empty folder no
    /// run knew of) leaves only the temporary folder; the next teardown removes it, and a
    /// provision + teardown after that leave the tree as it was before the first provision.
    @Test(arguments: [false, true])
    func aTeardownKilledInItsLastPartLeavesNoFolderForGood(bare: Bool) throws {
        try withTestRoot { root in
            let (store, _) = try FolderRecordNewFolderIntegrationTests.prepare(root, bare: bare)
            let temporary = bare ? ".var.dockstore-new" : "var/lib/.dockstore.dockstore-new"
            let before = FolderRecordIntegrationTests.folders(root)
            try #require(try root.dockstore(["provision", "--size", "512M"] + store).status == 0)
            let crashed = try root.dockstore(["teardown", "--delete-image"] + store, environment: [Failpoint.variable: Self.point])
            #expect(crashed.signal == SIGKILL, "\(crashed.stdout) \(crashed.stderr)")
            let left = FolderRecordIntegrationTests.folders(root).subtracting(before)
            #expect(left.allSatisfy { $0.hasPrefix(temporary) } && left.contains(temporary), "only the temporary folder: \(left.sorted())")
            #expect(root.status(root.path + "/var/lib/dockstore") == nil)
            let again = try root.dockstore(["teardown", "--delete-image"] + store)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(FolderRecordIntegrationTests.folders(root) == before, "\(FolderRecordIntegrationTests.folders(root).symmetricDifference(before).sorted())")
            try #require(try root.dockstore(["provision", "--size", "512M"] + store).status == 0)
            let down = try root.dockstore(["teardown", "--delete-image"] + store)
            #expect(down.status == 0, "\(down.stderr)")
            #expect(FolderRecordIntegrationTests.folders(root) == before, "\(FolderRecordIntegrationTests.folders(root).symmetricDifference(before).sorted())")
        }
    }

    /// D3 as the attack ran it: teardown killed at each of its last unlinkat calls (strace
    /// injects SIGKILL; the last is the removal of the record's folder), then teardown,
    /// provision, teardown: the tree is as it was before the first provision every time.
    @Test func aKillAtEachOfTeardownsLastRemovalsConverges() throws {
        let strace = "/usr/bin/strace"
        try #require(FileManager.default.isExecutableFile(atPath: strace), "strace is installed by scripts/setup")
        var count = 0
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let trace = root.path + "/.trace"
            _ = try root.run(strace, ["-f", "-qq", "-o", trace, "-e", "trace=unlinkat", TestRoot.binary, "teardown", "--delete-image", "--root", root.path])
            count = (root.read(trace) ?? "").split(separator: "\n").filter { $0.contains("unlinkat(") }.count
        }
        try #require(count >= 3, "teardown removes files and folders with unlinkat")
        for kill in (count - 2)...count {
            try withTestRoot { root in
                let before = FolderRecordIntegrationTests.folders(root)
                try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
                _ = try root.run(strace, ["-f", "-qq", "-o", "/dev/null", "-e", "trace=unlinkat", "-e", "inject=unlinkat:signal=KILL:when=\(kill)",
                                          TestRoot.binary, "teardown", "--delete-image", "--root", root.path])
                for arguments in [["teardown", "--delete-image"], ["provision", "--size", "512M"], ["teardown", "--delete-image"]] {
                    let result = try root.dockstore(arguments)
                    #expect(result.status == 0, "unlinkat #\(kill), \(arguments): \(result.stderr)")
                }
                let after = FolderRecordIntegrationTests.folders(root)
                #expect(after == before, "unlinkat #\(kill) of \(count): \(after.symmetricDifference(before).sorted())")
            }
        }
    }

    /// D3 too: after the kill, provision (any changing command) sweeps the temporary folder
    /// first; its teardown then leaves the tree as it was.
    @Test func aProvisionAfterTheKillSweepsTheTemporaryFolder() throws {
        try withTestRoot { root in
            let before = FolderRecordIntegrationTests.folders(root)
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let crashed = try root.dockstore(["teardown", "--delete-image"], environment: [Failpoint.variable: Self.point])
            #expect(crashed.signal == SIGKILL, "\(crashed.stderr)")
            let up = try root.dockstore(["provision", "--size", "512M"])
            #expect(up.status == 0, "\(up.stderr)")
            #expect(root.status(root.path + "/var/lib/.dockstore.dockstore-new") == nil)
            #expect(root.read(root.path + ProvisionFolderRecord.path.string)?.contains("\n/var/lib/dockstore\n") == true, "the new record names it again")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(FolderRecordIntegrationTests.folders(root) == before, "\(FolderRecordIntegrationTests.folders(root).symmetricDifference(before).sorted())")
        }
    }

    /// D7: a line added to the record by hand, naming an admin's empty folder, does not make
    /// teardown remove it: it stays, with a line saying why; the rest of teardown is done.
    @Test func aFolderAddedToTheRecordByHandIsKept() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/srv/admin-empty'")
            let before = FolderRecordIntegrationTests.folders(root)
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.sh("echo /srv/admin-empty >> '\(root.path + ProvisionFolderRecord.path.string)'")
            let dry = try root.dockstore(["teardown", "--delete-image", "--dry-run"])
            #expect(dry.status == 0 && dry.stdout.contains("keep \(root.path)/srv/admin-empty, which the record names"), "\(dry.stdout)")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[folders] kept \(root.path)/srv/admin-empty: the record names it, but it is neither a folder provision makes for its files nor this teardown's mountpoint \(root.path)/var/lib/docker"), "\(down.stdout)")
            #expect(FolderRecordIntegrationTests.folders(root) == before, "\(FolderRecordIntegrationTests.folders(root).symmetricDifference(before).sorted())")
            #expect(root.status(root.path + ProvisionFolderRecord.path.string) == nil)
        }
    }

    /// A recorded folder with a filesystem mounted on it (D9 met it as the first store of a
    /// killed provision; provision now refuses a second store beside it, so an admin's tmpfs
    /// over /etc/sysconfig stands in): rmdir says EBUSY, teardown keeps the folder with a line
    /// naming the mount and finishes (exit 0), as does a re-run.
    @Test func aRecordedFolderWithAFilesystemMountedOnItIsKept() throws {
        try withTestRoot { root in
            let folder = root.path + "/etc/sysconfig"
            try #require(root.status(folder) == nil, "the test needs provision to make /etc/sysconfig")
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.sh("mount -t tmpfs dockstore-test-tmpfs '\(folder)'")
            defer { _ = try? root.sh("umount '\(folder)'") }
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[folders] kept \(folder): a tmpfs filesystem (source dockstore-test-tmpfs) is mounted on it; unmount it (umount \(folder))"), "\(down.stdout)")
            #expect(root.mounts().map(\.target) == [folder], "only the admin's tmpfs stays mounted")
            let again = try root.dockstore(["teardown", "--delete-image"])
            #expect(again.status == 0, "\(again.stderr)")
        }
    }

    /// Attack 8 F11: a tmpfs (source `none`) on /etc/systemd, which provision made: teardown
    /// keeps it, says what is mounted in words ("a tmpfs filesystem (source none)", not "none"),
    /// and keeps the folder record naming the folders still to remove; after the unmount a
    /// second teardown removes them (and the drop-in the tmpfs hid), and the tree is as before
    /// provision. On the old code the record went with the first teardown: the folders stayed.
    @Test func aFolderKeptUnderAMountKeepsTheRecordForALaterTeardown() throws {
        try withTestRoot { root in
            let listing = TeardownLeftoverIntegrationTests()
            let before = try listing.tree(root)
            let folder = root.path + "/etc/systemd"
            let record = root.path + ProvisionFolderRecord.path.string
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            try #require(root.status(folder) != nil && root.status(root.dropIn) != nil)
            try root.sh("mount -t tmpfs none '\(folder)'")
            defer { _ = try? root.sh("umount '\(folder)' 2>/dev/null") }
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[folders] kept \(folder): a tmpfs filesystem (source none) is mounted on it; unmount it (umount \(folder)) if nothing needs that filesystem, then run teardown again, which removes it while empty\n"), "\(down.stdout)")
            #expect(down.stdout.contains("[folders] kept \(record), now naming only the folders still to remove ("), "\(down.stdout)")
            let left = root.read(record).flatMap { ProvisionFolderRecord.folders(in: Array($0.utf8)) }?.map(\.string) ?? []
            #expect(left.contains("/etc/systemd") && left.contains("/etc/systemd/system/docker.service.d"), "\(left)")
            #expect(!left.contains("/var/lib/docker"), "a folder removed is not named again: \(left)")
            try root.sh("umount '\(folder)'")
            let again = try root.dockstore(["teardown", "--delete-image"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try listing.tree(root) == listing.expectedAfter(before), "the tree is as before provision: \(again.stdout)")
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty)
        }
    }
}
