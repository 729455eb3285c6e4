import DockStoreCore
import Foundation
import Testing

/// provision then teardown gives back what provision added (outside attack F7 on issue 15):
/// /etc/sysconfig/docker byte for byte where dockstore added the DOCKER_OPTS line or the file,
/// an admin's own lines kept, and the docker.service.d folder removed when nothing else is in it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownGiveBackIntegrationTests {
    /// (starting /etc/sysconfig/docker or nil for none, the file after teardown or nil for none)
    static let states: [(String?, String?)] = [
        (nil, nil),
        ("", ""),
        ("# my comments only\n", "# my comments only\n"),
        ("# my settings\nFOO=1\n", "# my settings\nFOO=1\n"),
        ("FOO=1\nDOCKER_OPTS=\"--debug\"\n", "FOO=1\nDOCKER_OPTS=\"--debug\"\n"),
        ("FOO=1\nDOCKER_OPTS=\"--debug -s vfs\"\n", "FOO=1\nDOCKER_OPTS=\"--debug -s vfs\"\n"),
        // Fifth outside attack on issue 15: the admin's storage flags come back with the line.
        ("# x\nDOCKER_OPTS=\"-s overlay2 --log-level=warn\"\n", "# x\nDOCKER_OPTS=\"-s overlay2 --log-level=warn\"\n"),
        ("DOCKER_OPTS=\"--storage-opt=btrfs.min_space=1G --log-level=warn\"\n", "DOCKER_OPTS=\"--storage-opt=btrfs.min_space=1G --log-level=warn\"\n"),
        ("DOCKER_OPTS=\"\"\n", "DOCKER_OPTS=\"\"\n"),
    ]

    @Test(arguments: states)
    func provisionThenTeardownGivesSysconfigBack(_ start: String?, _ expected: String?) throws {
        try withTestRoot { root in
            if let start { try root.write(root.sysconfig, start) }
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let provisioned = try #require(root.read(root.sysconfig))
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(root.read(root.sysconfig) == expected, "\(start.debugDescription) → \(provisioned.debugDescription) → \(root.read(root.sysconfig).debugDescription)")
            let folder = root.path + "/etc/systemd/system/docker.service.d"
            #expect(root.status(folder) == nil, "the emptied drop-in folder is removed")
            #expect(root.status(root.path + "/etc/systemd") == nil, "so are its parents, which provision created too")
            #expect(root.status(root.path + "/etc") != nil, "a folder that was there before stays")
            #expect(try root.dockstore(["teardown"]).stdout.contains("nothing to do"), "a second teardown changes nothing")
        }
        reliability("provision + teardown give /etc/sysconfig/docker back", cases: 1, runs: 1)
    }

    /// An admin's file in docker.service.d keeps the folder; an admin's line in the file
    /// dockstore created keeps the file.
    @Test func keepsWhatAnAdminAdded() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let folder = root.path + "/etc/systemd/system/docker.service.d"
            try root.write(folder + "/override.conf", "[Service]\nLimitNOFILE=1048576\n")
            try root.write(root.sysconfig, try #require(root.read(root.sysconfig)) + "BAR=2\n")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(root.status(root.dropIn) == nil && root.read(folder + "/override.conf") != nil, "only the drop-in goes")
            let left = try #require(root.read(root.sysconfig), "the file with the admin's line stays")
            #expect(left == String(decoding: SysconfigFile.createdByDockstore, as: UTF8.self) + "BAR=2\n", "\(left.debugDescription)")
        }
    }
}
