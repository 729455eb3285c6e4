@testable import DockStoreCore
import Testing

/// Which recorded folders teardown removes (issue 15 item 11) and how it removes the record's
/// own folder (item 7): pure rules, no root.
struct TeardownFolderRuleTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()
    static func path(_ text: String) -> HostPath { (try? HostPath(text, what: "a test path")) ?? .root }

    /// Provision's fixed folders and this teardown's mountpoint are provision's; any other
    /// folder (an admin's line, another provision's mountpoint) is not for teardown to judge.
    @Test(arguments: [
        ("/var/lib/dockstore", "/var/lib/docker", true), ("/var", "/var/lib/docker", true), ("/var/lib", "/var/lib/docker", true),
        ("/etc", "/var/lib/docker", true), ("/etc/systemd/system/docker.service.d", "/var/lib/docker", true),
        ("/etc/sysconfig", "/var/lib/docker", true), ("/var/lib/docker", "/var/lib/docker", true),
        ("/srv/docker", "/srv/docker", true),
        ("/srv/admin-empty", "/var/lib/docker", false), ("/var/lib/docker", "/srv/docker", false),
        ("/srv", "/srv/docker", false), ("/etc/docker", "/var/lib/docker", false), ("/var/lib/dockstore/x", "/var/lib/docker", false),
    ])
    func onlyFixedFoldersAndThisMountpointAreProvisions(_ folder: String, _ mountpoint: String, _ made: Bool) {
        #expect(ProvisionFolderRecord.isMade(Self.path(folder), mountpoint: Self.path(mountpoint), unitPath: Self.path(mountpoint)) == made, "\(folder) at \(mountpoint)")
    }

    /// The chain renamed away with the record: from the outermost recorded folder holding the
    /// record, down an unbroken line of recorded folders, to the record's folder.
    @Test(arguments: [
        (["/var/lib/dockstore"], "/var/lib/dockstore"),
        (["/var/lib/dockstore", "/var/lib"], "/var/lib"),
        (["/var/lib/dockstore", "/var/lib", "/var"], "/var"),
        (["/var/lib/dockstore", "/var"], "/var/lib/dockstore"),
        (["/var/lib", "/var"], nil),
        ([], nil),
    ] as [([String], String?)])
    func theRetiredChainIsTheUnbrokenRecordedLine(_ holdsRecord: [String], _ outermost: String?) {
        let chain = ProvisionFolderRecord.retiredChain(holdsRecord.map(Self.path))
        #expect(chain?.folder == outermost.map(Self.path), "\(holdsRecord)")
        if let chain { #expect(chain.filePath == ProvisionFolderRecord.path) }
    }

    /// teardown plans to keep, not remove, a folder the record names that provision cannot
    /// have made for this store; a dry run says so.
    @Test func aFolderProvisionDidNotMakeIsKeptNotRemoved() throws {
        var o = TeardownObservation.fixture(fstab: "", dropIn: nil)
        o.folderRecord = [Self.path("/var/lib/dockstore"), Self.path("/var/lib/docker"), Self.path("/srv/admin-empty")]
        let steps = try TeardownPlanner.plan(o, TeardownRequest(), Self.host)
        let expected = TeardownStep.removeFolders([Self.path("/var/lib/dockstore"), Self.path("/var/lib/docker")], record: true,
                                                  notMade: [Self.path("/srv/admin-empty")])
        #expect(steps.last == expected, "\(steps)")
        #expect(expected.describe(Self.host).hasSuffix("; keep /srv/admin-empty, which the record names but which is neither a folder provision makes for its files nor this teardown's mountpoint"))
        let other = try TeardownPlanner.plan(o, TeardownRequest(mountpoint: Self.path("/srv/docker")), Self.host)
        #expect(other.last == .removeFolders([Self.path("/var/lib/dockstore")], record: true,
                                             notMade: [Self.path("/var/lib/docker"), Self.path("/srv/admin-empty")]), "\(other)")
    }

    /// The retire failpoint is listed (and so run by the crash matrix) right before the
    /// folders step's own.
    @Test func theRetireFailpointComesBeforeTheFoldersStep() {
        let points = TeardownStep.failpoints
        let index = points.firstIndex(of: ProvisionFolderRecord.retireFailpoint)
        #expect(index != nil && points[(index ?? 0) + 1] == "folders", "\(points)")
        #expect(StepCatalog.failpoints("teardown") == points)
    }
}
