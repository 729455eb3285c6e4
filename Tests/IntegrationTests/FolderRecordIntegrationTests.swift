import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The write-ahead record of the folders provision creates (issue 15): a provision killed at
/// any step and then torn down leaves none of the folders it made, and never removes one that
/// was there before; nor does a migrate-ebs + teardown leave an empty /var/lib/dockstore.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct FolderRecordIntegrationTests {
    /// Every folder under the root, relative to it (nothing is mounted when it is called).
    static func folders(_ root: TestRoot) -> Set<String> {
        var found: Set<String> = []
        func walk(_ relative: String) {
            let full = relative.isEmpty ? root.path : root.path + "/" + relative
            for name in (try? FileManager.default.contentsOfDirectory(atPath: full)) ?? [] {
                let child = relative.isEmpty ? name : relative + "/" + name
                var st = stat()
                guard lstat(root.path + "/" + child, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { continue }
                found.insert(child)
                walk(child)
            }
        }
        walk("")
        return found
    }

    /// The setup of provision's crash matrix (every step runs), with, when `adminFolders`,
    /// empty folders an admin made where provision would make its own.
    static func prepare(_ root: TestRoot, adminFolders: Bool) throws {
        try root.write(root.path + "/etc/docker/daemon.json", CrashIntegrationTests.conflictingDaemonJSON)
        try root.write(root.path + "/etc/dockstore.disabled", "# left by teardown\n")
        try CrashIntegrationTests.leaveUnfinishedImage(root)
        if adminFolders {
            for folder in ["/etc/systemd/system/docker.service.d", "/etc/systemd/system/var-lib-docker.mount.d", "/var/lib/dockstore", "/etc/sysconfig"] {
                try FileManager.default.createDirectory(atPath: root.path + folder, withIntermediateDirectories: true)
            }
        }
    }

    @Test(arguments: [false, true])
    func everyProvisionCrashPointThenTeardownLeavesNoFolderItMade(adminFolders: Bool) throws {
        // With the admin's /var/lib/dockstore, the record's folder is there: no folder is made
        // under a temporary name, so that failpoint is not reached.
        let points = CrashIntegrationTests.failpoints().filter { !adminFolders || $0 != ProvisionFolderRecord.newFolderFailpoint }
        #expect(points.drop { $0 == ProvisionFolderRecord.newFolderFailpoint }.first == "folder-record", "the record is written before any folder is made")
        for point in points {
            try withTestRoot { root in
                try Self.prepare(root, adminFolders: adminFolders)
                let before = Self.folders(root)
                let crashed = try root.dockstore(["provision", "--size", "512M"], environment: ["DOCKSTORE_FAILPOINT": point])
                #expect(crashed.signal == SIGKILL, "\(point)")
                let down = try root.dockstore(["teardown", "--delete-image"])
                #expect(down.status == 0, "\(point): \(down.stderr)")
                let after = Self.folders(root)
                #expect(after.subtracting(before).isEmpty, "\(point): provision's folders left: \(after.subtracting(before).sorted())")
                #expect(before.subtracting(after).isEmpty, "\(point): folders that were there removed: \(before.subtracting(after).sorted())")
                #expect(root.status(root.path + ProvisionFolderRecord.path.string) == nil, "\(point): the record goes")
            }
        }
        reliability("provision crash point then teardown (admin folders: \(adminFolders))", cases: points.count, runs: points.count * 2)
    }

    /// The record names the folders, outermost first, and a clean provision + teardown gives
    /// the tree its folders back.
    @Test func aProvisionRecordsItsFoldersAndTeardownRemovesThem() throws {
        try withTestRoot { root in
            let before = Self.folders(root)
            let up = try root.dockstore(["provision", "--size", "512M"])
            #expect(up.status == 0, "\(up.stderr)")
            #expect(up.stdout.contains("[folder-record]"), "\(up.stdout)")
            let record = try #require(root.read(root.path + ProvisionFolderRecord.path.string))
            #expect(record == ProvisionFolderRecord.header + "\n/var/lib/dockstore\n/var/lib/docker\n/etc/systemd\n/etc/systemd/system\n/etc/systemd/system/docker.service.d\n/etc/systemd/system/var-lib-docker.mount.d\n/etc/sysconfig\n", "\(record)")
            #expect(try root.dockstore(["provision", "--size", "512M"]).stdout.contains("nothing to do"))
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("[folders]"), "\(down.stdout)")
            #expect(Self.folders(root) == before, "\(Self.folders(root).subtracting(before).sorted())")
            #expect(try root.dockstore(["teardown"]).stdout.contains("nothing to do"))
        }
    }

    /// A recorded folder that holds something, was handed to another user or replaced by a
    /// link stays, with a line saying why; an older tree (no record) keeps every folder.
    @Test func keepsWhatIsNoLongerTheFolderProvisionMade() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let sysconfigFolder = root.path + "/etc/sysconfig"
            try root.sh("chown 65534 \(root.path)/etc/systemd/system/docker.service.d && touch \(root.path)/var/lib/dockstore/mine")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(down.stdout.contains("belongs to uid 65534"), "\(down.stdout)")
            #expect(down.stdout.contains("it holds mine"), "\(down.stdout)")
            #expect(root.status(root.path + "/etc/systemd/system/docker.service.d") != nil)
            #expect(root.status(root.path + "/var/lib/dockstore/mine") != nil)
            #expect(root.status(sysconfigFolder) == nil, "the empty folder provision made goes")
            #expect(root.status(root.path + ProvisionFolderRecord.path.string) == nil)
        }
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.sh("rm \(root.path + ProvisionFolderRecord.path.string)")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(!down.stdout.contains("[folders]"), "\(down.stdout)")
            #expect(root.status(root.path + "/etc/systemd/system/docker.service.d") != nil, "an older tree: no folder removed")
            #expect(root.status(root.path + "/var/lib/dockstore") != nil)
        }
    }

    /// A record dockstore did not write refuses teardown and provision, changing nothing.
    @Test func aRecordDockstoreDidNotWriteRefuses() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.write(root.path + ProvisionFolderRecord.path.string, "/etc\n")
            let before = root.snapshot()
            for arguments in [["teardown"], ["provision", "--size", "512M"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2 && refused.stderr.contains("is not the record of folders dockstore writes"), "\(arguments): \(refused.stderr)")
            }
            #expect(root.changes(since: before) == [])
        }
    }

    /// migrate-ebs keeps its journal in /var/lib/dockstore; after it and teardown, no empty
    /// /var/lib/dockstore (nor any other folder provision made) stays.
    @Test func migrateEBSThenTeardownLeavesNoFolder() throws {
        try withTestRoot { root in
            let before = Self.folders(root)
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let disk = try root.attachDisk(megabytes: 2048)
            let moved = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(moved.status == 0, "\(moved.stderr)")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(root.status(root.path + "/var/lib/dockstore") == nil, "\(down.stdout)")
            #expect(Self.folders(root) == before, "\(Self.folders(root).symmetricDifference(before).sorted())")
        }
    }
}
