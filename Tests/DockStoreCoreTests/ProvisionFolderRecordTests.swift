@testable import DockStoreCore
import Testing

/// The write-ahead record of the folders provision creates (issue 15): written by the first
/// step, before any folder is made; read back exactly; teardown removes what it names.
@Suite struct ProvisionFolderRecordTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()
    static let request: ProvisionRequest = { (try? ProvisionRequest()) ?? { fatalError("bad defaults") }() }()
    static func path(_ text: String) -> HostPath { HostPath.known(text) }
    static let dockstore = path("/var/lib/dockstore")
    static let dropInFolders = [path("/etc/systemd"), path("/etc/systemd/system"), path("/etc/systemd/system/docker.service.d")]

    @Test func theRecordReadsBackExactly() {
        let folders = [Self.dockstore] + Self.dropInFolders + [HostPaths.defaultMountpoint]
        #expect(ProvisionFolderRecord.folders(in: ProvisionFolderRecord.render(folders)) == folders)
        #expect(ProvisionFolderRecord.folders(in: ProvisionFolderRecord.render([])) == [])
    }

    /// What dockstore did not write this way is no record: provision and teardown refuse it.
    @Test(arguments: ["", "/etc/x\n", ProvisionFolderRecord.header + "\nrelative\n", ProvisionFolderRecord.header + "\n/\n",
                      ProvisionFolderRecord.header + "\n/a/../b\n", ProvisionFolderRecord.header + "\n/a\n/a\n",
                      ProvisionFolderRecord.header + "\n/a", ProvisionFolderRecord.header + "\n\n"])
    func aFileDockstoreDidNotWriteIsNoRecord(_ text: String) {
        #expect(ProvisionFolderRecord.folders(in: Array(text.utf8)) == nil, "\(text)")
    }

    @Test func teardownRemovesTheRecordsFolderLast() {
        let order = ProvisionFolderRecord.removalOrder([Self.path("/var"), Self.path("/var/lib"), Self.dockstore] + Self.dropInFolders)
        #expect(order.first == Self.dropInFolders.reversed())
        #expect(order.holdsRecord == [Self.dockstore, Self.path("/var/lib"), Self.path("/var")])
    }

    /// A fresh tree: the record, first of all, names every folder the run makes (the record's
    /// own folder, the drop-in's, the mountpoint), outermost first, and none that exists.
    @Test func aFreshProvisionRecordsEveryFolderItMakesFirst() throws {
        var observed = ProvisionObservation.fixture()
        observed.missingFolders = [Self.dockstore] + Self.dropInFolders
        let plan = try ProvisionPlanner.plan(observed, Self.request, Self.host)
        let expected = [Self.dockstore, HostPaths.defaultMountpoint] + Self.dropInFolders
        #expect(plan.steps.first == .recordFolders(folders: expected, basis: FileBasis(nil)), "\(plan.steps)")
        #expect(plan.steps.dropFirst().allSatisfy { $0.id != "folder-record" })
    }

    /// A re-run after a kill: the folders made since exist and the record already names them.
    @Test func aRerunAddsOnlyWhatTheRecordLacks() throws {
        var observed = ProvisionObservation.fixture()
        observed.folderRecord = ProvisionFolderRecord.render([Self.dockstore, HostPaths.defaultMountpoint])
        #expect(try ProvisionPlanner.plan(observed, Self.request, Self.host).steps.first?.id != "folder-record")
        observed.missingFolders = Self.dropInFolders
        let plan = try ProvisionPlanner.plan(observed, Self.request, Self.host)
        #expect(plan.steps.first == .recordFolders(folders: [Self.dockstore, HostPaths.defaultMountpoint] + Self.dropInFolders,
                                                   basis: FileBasis(observed.folderRecord)))
        observed.folderRecord = Array("not a record\n".utf8)
        #expect(throws: DockStoreError.self) { try ProvisionPlanner.plan(observed, Self.request, Self.host) }
    }

    /// Nothing to make: no record, and /var/lib/dockstore is not created for it.
    @Test func nothingToMakeWritesNoRecord() throws {
        let plan = try ProvisionPlanner.plan(ProvisionPlannerTests.done, Self.request, Self.host)
        #expect(plan.steps.isEmpty)
    }

    /// An older drop-in with the record in its first line stays as it is; rewritten (another
    /// mountpoint), its record moves into the file first.
    @Test func anOlderDropInsRecordStaysOrMovesToTheFile() throws {
        let old = DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, createdFolders: Self.dropInFolders)
        var observed = ProvisionPlannerTests.done
        observed.dropIn = Array(old.utf8)
        #expect(try ProvisionPlanner.plan(observed, Self.request, Self.host).steps.isEmpty)
        observed.dropIn = Array(DockerDropIn.render(mountpoint: Self.path("/srv/docker"), createdFolders: Self.dropInFolders).utf8)
        let steps = try ProvisionPlanner.plan(observed, Self.request, Self.host).steps
        #expect(steps.map(\.id) == ["folder-record", "drop-in"], "\(steps)")
        #expect(steps.first == .recordFolders(folders: Self.dropInFolders, basis: FileBasis(nil)))
    }

    /// teardown: the record's folders and the drop-in's (older trees) together, deepest first,
    /// with or without the drop-in (a teardown killed after removing it); a record is removed
    /// even when it names nothing any more.
    @Test func teardownPlansTheRecordsFolders() throws {
        var o = TeardownObservation.fixture(fstab: "", dropIn: nil)
        o.folderRecord = [Self.dockstore] + Self.dropInFolders
        let steps = try TeardownPlanner.plan(o, TeardownRequest(), Self.host)
        #expect(steps.last == .removeFolders([Self.dropInFolders[2], Self.dockstore, Self.dropInFolders[1], Self.dropInFolders[0]], record: true), "\(steps)")
        o.folderRecord = []
        #expect(try TeardownPlanner.plan(o, TeardownRequest(), Self.host).last == .removeFolders([], record: true))
        o.folderRecord = nil
        #expect(!(try TeardownPlanner.plan(o, TeardownRequest(), Self.host)).contains { $0.id == "folders" })
    }

    /// The record's missing folders appear at once: the outermost missing one is made under a
    /// temporary dot name beside where it goes, with the rest of the chain and the record inside.
    @Test(arguments: [("/var", "/.var.dockstore-new", ["lib", "dockstore"]),
                      ("/var/lib", "/var/.lib.dockstore-new", ["dockstore"]),
                      ("/var/lib/dockstore", "/var/lib/.dockstore.dockstore-new", [])])
    func theRecordsMissingFolderIsMadeUnderATemporaryName(_ outermost: String, _ temporary: String, _ below: [String]) {
        let chain = ProvisionFolderRecord.newFolder(Self.path(outermost))
        #expect(chain.temporaryPath == Self.path(temporary))
        #expect(chain.below == below)
        #expect(chain.filePath == ProvisionFolderRecord.path)
        #expect(chain.fileMode == 0o644)
        #expect(FolderRecordDebris.chains.contains(chain), "the sweep looks for it")
    }

    /// The sweep removes a temporary folder's record only when provision can have written it:
    /// empty (killed right after creating it) or a record with its header.
    @Test func theSweepAcceptsOnlyWhatProvisionWrites() {
        #expect(FolderRecordDebris.chains.count == 3)
        #expect(FolderRecordDebris.accepts([]))
        #expect(FolderRecordDebris.accepts(ProvisionFolderRecord.render([Self.dockstore])))
        #expect(!FolderRecordDebris.accepts(Array("/var/lib/dockstore\n".utf8)))
        #expect(!FolderRecordDebris.accepts(Array(ProvisionFolderRecord.header.utf8)))
    }

    @Test func theNewFolderFailpointComesBeforeTheRecordStep() {
        for device in [false, true] {
            #expect(Array(ProvisionStep.failpoints(device: device).prefix(2)) == [ProvisionFolderRecord.newFolderFailpoint, "folder-record"])
        }
    }
}
