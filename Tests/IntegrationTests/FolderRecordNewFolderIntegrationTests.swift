import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The folder record's own folder appears only together with the record (issue 15): a provision
/// killed after making it under its temporary name, before the rename, leaves no folder the
/// record does not name; the next changing run sweeps the temporary folder, and refuses,
/// changing nothing, when it holds anything provision does not put there.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct FolderRecordNewFolderIntegrationTests {
    static let point = ProvisionFolderRecord.newFolderFailpoint

    /// A bare tree has no /var (the store's image and mountpoint go to /srv); else the test
    /// root as it is, with /var/lib and no /var/lib/dockstore.
    static func prepare(_ root: TestRoot, bare: Bool) throws -> (store: [String], temporary: String) {
        guard bare else { return ([], "/var/lib/.dockstore.dockstore-new") }
        try root.sh("rm -r '\(root.path)/var' && mkdir '\(root.path)/srv'")
        return (["--image", "/srv/store.btrfs", "--mountpoint", "/srv/docker"], "/.var.dockstore-new")
    }

    @Test(arguments: [false, true])
    func aKillBeforeTheRenameThenProvisionAndTeardownLeaveTheTreeAsItWas(bare: Bool) throws {
        try withTestRoot { root in
            let (store, temporary) = try Self.prepare(root, bare: bare)
            let before = FolderRecordIntegrationTests.folders(root)
            let crashed = try root.dockstore(["provision", "--size", "512M"] + store, environment: [Failpoint.variable: Self.point])
            #expect(crashed.signal == SIGKILL, "\(crashed.stderr)")
            let made = FolderRecordIntegrationTests.folders(root).subtracting(before)
            #expect(!made.isEmpty && made.allSatisfy { ("/" + $0).hasPrefix(temporary) }, "only the temporary folder: \(made.sorted())")
            #expect(root.read(root.path + temporary + "/" + (bare ? "lib/dockstore/" : "") + "provision-folders")?.hasPrefix(ProvisionFolderRecord.header + "\n") == true)
            let up = try root.dockstore(["provision", "--size", "512M"] + store)
            #expect(up.status == 0, "\(up.stderr)")
            #expect(root.status(root.path + temporary) == nil, "the re-run swept the temporary folder")
            let own = bare ? "/var\n/var/lib\n/var/lib/dockstore\n" : "/var/lib/dockstore\n"
            #expect(root.read(root.path + ProvisionFolderRecord.path.string)?.hasPrefix(ProvisionFolderRecord.header + "\n" + own) == true)
            let down = try root.dockstore(["teardown", "--delete-image"] + store)
            #expect(down.status == 0, "\(down.stderr)")
            let after = FolderRecordIntegrationTests.folders(root)
            #expect(after == before, "\(after.symmetricDifference(before).sorted())")
        }
    }

    @Test(arguments: [false, true])
    func aKillBeforeTheRenameThenTeardownLeavesTheTreeAsItWas(bare: Bool) throws {
        try withTestRoot { root in
            let (store, temporary) = try Self.prepare(root, bare: bare)
            let before = FolderRecordIntegrationTests.folders(root)
            let crashed = try root.dockstore(["provision", "--size", "512M"] + store, environment: [Failpoint.variable: Self.point])
            #expect(crashed.signal == SIGKILL, "\(crashed.stderr)")
            #expect(root.status(root.path + temporary) != nil)
            let down = try root.dockstore(["teardown"] + store)
            #expect(down.status == 0, "\(down.stderr)")
            let after = FolderRecordIntegrationTests.folders(root)
            #expect(after == before, "\(after.symmetricDifference(before).sorted())")
        }
    }

    /// What provision does not put in its temporary folder refuses provision and teardown alike,
    /// naming why, and nothing is changed (the temporary folder stays for the admin to look at).
    @Test(arguments: [
        ("touch {T}/extra", "holds extra"),
        ("printf 'not a record\\n' > {T}/provision-folders", "does not hold what dockstore writes"),
        ("ln {T}/provision-folders {R}/var/lib/linked", "has 2 links"),
        ("chown 65534 {T}", "belongs to uid 65534"),
        ("chmod 0775 {T}", "has mode 775"),
        ("rm -r {T} && ln -s /etc {T}", "is a symbolic link"),
        ("rm -r {T} && printf x > {T}", "not a folder"),
    ])
    func aTemporaryFolderHoldingAnythingElseRefuses(_ change: String, _ reason: String) throws {
        try withTestRoot { root in
            let temporary = root.path + "/var/lib/.dockstore.dockstore-new"
            let crashed = try root.dockstore(["provision", "--size", "512M"], environment: [Failpoint.variable: Self.point])
            #expect(crashed.signal == SIGKILL, "\(crashed.stderr)")
            // One pass over placeholders no random test-root name holds (a root named …R once met "R/").
            try root.sh(change.replacingOccurrences(of: "{R}", with: root.path).replacingOccurrences(of: "{T}", with: "'\(temporary)'"))
            let before = root.snapshot()
            for arguments in [["provision", "--size", "512M"], ["teardown"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2, "\(change), \(arguments): \(refused.stderr)")
                #expect(refused.stderr.contains("\(temporary) is not only what a killed provision leaves") && refused.stderr.contains(reason),
                        "\(change), \(arguments): \(refused.stderr)")
            }
            #expect(root.changes(since: before) == [], "\(change)")
        }
    }

    /// /var/lib/dockstore made by another program while provision had its own under the
    /// temporary name: the rename does not replace it (RENAME_NOREPLACE), provision refuses and
    /// takes its temporary folder back; the next run records around that folder, and teardown
    /// leaves it, as it was not provision's.
    @Test func aFolderThatAppearsBeforeTheRenameIsNotProvisions() throws {
        try withTestRoot { root in
            let before = FolderRecordIntegrationTests.folders(root)
            let raced = try root.runStopped(["provision", "--size", "512M"], before: Self.point) {
                try root.sh("mkdir '\(root.path)/var/lib/dockstore'")
            }
            #expect(raced.status == 2, "\(raced.stderr)")
            #expect(raced.stderr.contains("/var/lib/dockstore appeared while provision made it"), "\(raced.stderr)")
            #expect(root.status(root.path + "/var/lib/.dockstore.dockstore-new") == nil, "its temporary folder is taken back")
            #expect(FolderRecordIntegrationTests.folders(root) == before.union(["var/lib/dockstore"]))
            let up = try root.dockstore(["provision", "--size", "512M"])
            #expect(up.status == 0, "\(up.stderr)")
            let record = root.read(root.path + ProvisionFolderRecord.path.string) ?? ""
            #expect(!record.contains("/var/lib/dockstore\n"), "\(record)")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(FolderRecordIntegrationTests.folders(root) == before.union(["var/lib/dockstore"]))
        }
    }
}
