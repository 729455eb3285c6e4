@testable import DockStoreCore
import Testing

/// The folders provision created, recorded in the drop-in's first line (third outside attack
/// on issue 15: teardown left them behind empty, and removed an admin's own empty
/// docker.service.d): read back exactly, and a drop-in with the record is still dockstore's.
@Suite struct DropInFolderRecordTests {
    static let folders = [HostPaths.dockerDropIn.parent, HostPaths.defaultMountpoint]

    @Test func theRecordReadsBackAndKeepsTheDropInDockstores() throws {
        let text = DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, createdFolders: Self.folders)
        let (folders, rest) = DockerDropIn.createdFolders(in: Array(text.utf8))
        #expect(folders == Self.folders)
        #expect(rest == Array(DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, unit: MountUnitName.of(HostPaths.defaultMountpoint)).utf8))
        #expect(DockerDropIn.ownership(of: Array(text.utf8)) == .dockstore)
        #expect(DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, createdFolders: []) == DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, unit: MountUnitName.of(HostPaths.defaultMountpoint)))
    }

    /// A record line naming anything but absolute paths makes the file not dockstore's.
    @Test(arguments: [" relative/x", " /a  /b", " /", "", " /a/../b"])
    func aRecordDockstoreDidNotWriteIsForeign(_ list: String) {
        let bytes = Array((DockerDropIn.createdFoldersPrefix + list + "\n" + DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, unit: MountUnitName.of(HostPaths.defaultMountpoint))).utf8)
        #expect(DockerDropIn.createdFolders(in: bytes).folders.isEmpty)
        guard case .foreign = DockerDropIn.ownership(of: bytes) else { Issue.record("\(list) was taken as dockstore's"); return }
    }

    /// teardown removes the recorded folders deepest first, after everything else, only with
    /// the drop-in dockstore's.
    @Test func teardownRemovesTheRecordedFoldersDeepestFirst() throws {
        let host = try DockStoreCore.Host(root: "/")
        var o = TeardownObservation.fixture(fstab: "", dropIn: .dockstore)
        let systemd = try HostPath("/etc/systemd", what: "t")
        o.createdFolders = [systemd] + Self.folders
        let steps = try TeardownPlanner.plan(o, TeardownRequest(), host)
        let expected = TeardownStep.removeFolders([Self.folders[0], Self.folders[1], systemd], record: false)
        #expect(steps.last == expected, "\(steps)")
        o.dropIn = nil
        #expect(!(try TeardownPlanner.plan(o, TeardownRequest(), host)).contains { $0.id == "folders" })
    }
}
