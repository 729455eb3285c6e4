@testable import DockStoreCore
import Foundation
import Testing

/// provision then teardown gives /etc/sysconfig/docker back: what dockstore added (a marked
/// DOCKER_OPTS line, a file it created) goes; an admin's own lines stay, read alike by bash and
/// systemd (outside attack F7 on issue 15: teardown left the `DOCKER_OPTS=""` provision added).
@Suite struct SysconfigGiveBackTests {
    static let host: DockStoreCore.Host = { (try? DockStoreCore.Host(root: "/")) ?? { fatalError("no /") }() }()

    /// (starting file or nil for none, the file after provision + teardown or nil for none)
    static let cases: [(String?, String?)] = [
        (nil, nil),
        ("", ""),
        ("# my comments only\n", "# my comments only\n"),
        ("# my settings\nFOO=1\n", "# my settings\nFOO=1\n"),
        (DockerOptions.suseSysconfigTemplate, DockerOptions.suseSysconfigTemplate),
        ("DOCKER_OPTS=\"\"\n", "DOCKER_OPTS=\"\"\n"),
        ("FOO=1\nDOCKER_OPTS=\"--debug\"\nBAR=2\n", "FOO=1\nDOCKER_OPTS=\"--debug\"\nBAR=2\n"),
        // Fifth outside attack on issue 15: an admin's storage flags that provision replaced
        // or kept come back with the line, byte for byte.
        ("DOCKER_OPTS=\"--debug -s vfs\"\n", "DOCKER_OPTS=\"--debug -s vfs\"\n"),
        ("DOCKER_OPTS=\"-s vfs\"\n", "DOCKER_OPTS=\"-s vfs\"\n"),
        ("# x\nDOCKER_OPTS=\"-s overlay2 --log-level=warn\"\n", "# x\nDOCKER_OPTS=\"-s overlay2 --log-level=warn\"\n"),
        ("DOCKER_OPTS=\"--storage-opt=btrfs.min_space=1G --log-level=warn\"\n", "DOCKER_OPTS=\"--storage-opt=btrfs.min_space=1G --log-level=warn\"\n"),
        ("DOCKER_OPTS=\"--storage-driver=devicemapper --storage-opt dm.thinpooldev=/dev/mapper/docker-thinpool\"\n",
         "DOCKER_OPTS=\"--storage-driver=devicemapper --storage-opt dm.thinpooldev=/dev/mapper/docker-thinpool\"\n"),
        // Third outside attack on issue 15: a last line without a newline, and an admin's line
        // in another quoting style, come back byte for byte.
        ("FOO=bar", "FOO=bar"),
        ("A=1\n   ", "A=1\n   "),
        ("DOCKER_OPTS='--log-level=warn'\n", "DOCKER_OPTS='--log-level=warn'\n"),
        ("DOCKER_OPTS=''\n", "DOCKER_OPTS=''\n"),
        ("DOCKER_OPTS=\n", "DOCKER_OPTS=\n"),
        ("DOCKER_OPTS=--debug", "DOCKER_OPTS=--debug"),
        ("# c\nDOCKER_OPTS=\"--log-level=warn\"", "# c\nDOCKER_OPTS=\"--log-level=warn\""),
        ("DOCKER_OPTS='--debug'  \nB=2\n", "DOCKER_OPTS='--debug'  \nB=2\n"),
    ]

    static func provisioned(_ start: String?) throws -> [UInt8] {
        let selection = try StorageSelection.plan(driver: "btrfs", options: nil, sysconfigBytes: start.map { Array($0.utf8) },
                                                  sysconfigPath: "/etc/sysconfig/docker", daemonJSONBytes: nil,
                                                  daemonJSONPath: "/etc/docker/daemon.json")
        return try #require(selection.sysconfig).bytes
    }

    /// The file after teardown's plan: nil when it removes the file.
    static func tornDown(_ bytes: [UInt8]) throws -> [UInt8]? {
        let o = TeardownObservation.fixture(fstab: "", sysconfig: String(decoding: bytes, as: UTF8.self))
        var after: [UInt8]? = bytes
        for step in try TeardownPlanner.plan(o, TeardownRequest(), host) {
            if case .writeSysconfig(let new, _, _) = step { after = new }
            if case .removeSysconfig = step { after = nil }
        }
        return after
    }

    @Test(arguments: cases)
    func provisionThenTeardownGivesTheFileBack(_ start: String?, _ expected: String?) throws {
        let provisioned = try Self.provisioned(start)
        let text = String(decoding: provisioned, as: UTF8.self)
        #expect(try BashOracle.words(sourcing: text).contains("--storage-driver=btrfs"), "\(text.debugDescription)")
        if !(start ?? "").contains("DOCKER_OPTS") {
            #expect(text.contains(SysconfigFile.addedMark + "\nDOCKER_OPTS=") || text.hasPrefix(SysconfigFile.createdMark + "\n")
                    || text.contains(SysconfigFile.addedAfterUnendedLineMark + "\nDOCKER_OPTS="),
                    "the addition is marked: \(text.debugDescription)")
        }
        let after = try Self.tornDown(provisioned)
        #expect(after.map { String(decoding: $0, as: UTF8.self) } == expected, "\(start.debugDescription) → \(text.debugDescription)")
        if let after { #expect(try Self.tornDown(after) == after, "a second teardown changes nothing") }
    }

    /// The marks are comments to both readers: the marked file means to bash and to systemd's
    /// EnvironmentFile= exactly what it means without them.
    @Test(.enabled(if: SysconfigReadersTests.hasGenerator), arguments: [nil, "", "FOO=1\n"])
    func marksAreCommentsToBothReaders(_ start: String?) throws {
        let provisioned = try Self.provisioned(start)
        let unmarked = String(decoding: provisioned, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0 != SysconfigFile.addedMark && $0 != SysconfigFile.createdMark }.joined(separator: "\n")
        let (bash, systemd) = try SysconfigReadersTests.readings(provisioned)
        let plain = try SysconfigReadersTests.readings(Array(unmarked.utf8))
        #expect(bash == plain.bash && systemd == plain.systemd)
        #expect(systemd["DOCKER_OPTS"] == "--storage-driver=btrfs" && bash?["DOCKER_OPTS"] == "--storage-driver=btrfs")
    }

    /// What dockstore added stays while it holds something else: an admin's flag in a marked
    /// line keeps the line (and its mark); an admin's line in a file dockstore created keeps the file.
    @Test func keepsWhatHoldsAnAdminsAddition() throws {
        let marked = "FOO=1\n\(SysconfigFile.addedMark)\nDOCKER_OPTS=\"--debug --storage-driver=btrfs\"\n"
        #expect(try Self.tornDown(Array(marked.utf8)) == Array("FOO=1\n\(SysconfigFile.addedMark)\nDOCKER_OPTS=\"--debug\"\n".utf8))
        var created = try Self.provisioned(nil)
        created += Array("BAR=2\n".utf8)
        let after = try #require(try Self.tornDown(created), "the file stays")
        #expect(after == SysconfigFile.createdByDockstore + Array("BAR=2\n".utf8))
    }

    /// A marked line that is not the only DOCKER_OPTS statement stays (removing it would make
    /// the other one count), and so does an unmarked empty one.
    @Test func removesOnlyTheOnlyMarkedStatement() throws {
        let two = "DOCKER_OPTS=\"--debug\"\n\(SysconfigFile.addedMark)\nDOCKER_OPTS=\"--storage-driver=btrfs\"\n"
        #expect(try Self.tornDown(Array(two.utf8)) == Array("DOCKER_OPTS=\"--debug\"\n\(SysconfigFile.addedMark)\nDOCKER_OPTS=\"\"\n".utf8))
        let markNotRightBefore = "\(SysconfigFile.addedMark)\nFOO=1\nDOCKER_OPTS=\"--storage-driver=btrfs\"\n"
        #expect(try Self.tornDown(Array(markNotRightBefore.utf8)) == Array(markNotRightBefore.utf8), "not marked: the admin's")
    }

    /// Fifth outside attack on issue 15: teardown on a tree dockstore never provisioned removed
    /// an admin's devicemapper flags. A DOCKER_OPTS line without dockstore's mark is the
    /// admin's, whatever driver it names: teardown plans nothing for it.
    @Test(arguments: ["DOCKER_OPTS=\"--storage-driver=devicemapper --storage-opt dm.thinpooldev=/dev/mapper/docker-thinpool\"\n",
                      "DOCKER_OPTS=\"--storage-driver=btrfs\"\n", "# c\nDOCKER_OPTS='-s overlay2 --debug'\nX=1",
                      "DOCKER_OPTS=\"--debug --storage-driver=btrfs --storage-opt=btrfs.min_space=1G\"\n"])
    func leavesAnAdminsUnmarkedLine(_ start: String) throws {
        let o = TeardownObservation.fixture(fstab: "", sysconfig: start)
        let steps = try TeardownPlanner.plan(o, TeardownRequest(), Self.host)
        #expect(!steps.contains { if case .writeSysconfig = $0 { true } else if case .removeSysconfig = $0 { true } else { false } },
                "\(start.debugDescription): \(steps)")
        var file = try SysconfigFile(path: "/etc/sysconfig/docker", bytes: Array(start.utf8))
        #expect(try file.removeDockstoreStorage() == nil)
        #expect(file.bytes == Array(start.utf8))
    }

    /// A line dockstore changed and an admin changed since gets back the storage flags the
    /// recorded line had (none when it had none); one that spans lines (not recordable on a
    /// comment line) gets `flagsMark`, and teardown removes the storage flags from it.
    @Test func givesBackTheRecordedStorageFlagsOfALineChangedSince() throws {
        let provisioned = try Self.provisioned("DOCKER_OPTS='-s overlay2 --debug'\n")
        #expect(provisioned.utf8Text == SysconfigFile.changedMarkPrefix + "DOCKER_OPTS='-s overlay2 --debug'\nDOCKER_OPTS=\"--storage-driver=btrfs --debug\"\n")
        let byHand = SysconfigFile.changedMarkPrefix + "DOCKER_OPTS='-s overlay2 --debug'\nDOCKER_OPTS=\"--storage-driver=btrfs --debug --tls\"\n"
        #expect(try Self.tornDown(Array(byHand.utf8)) == Array("DOCKER_OPTS=\"--storage-driver=overlay2 --debug --tls\"\n".utf8))
        let spanning = try Self.provisioned("DOCKER_OPTS=\"--debug\n -s vfs\"\nNEXT=1\n")
        #expect(spanning.utf8Text == SysconfigFile.flagsMark + "\nDOCKER_OPTS=\"--debug  --storage-driver=btrfs\"\nNEXT=1\n")
        #expect(try Self.tornDown(spanning) == Array("DOCKER_OPTS=\"--debug\"\nNEXT=1\n".utf8))
    }

    /// An admin's line in another quoting style is recorded once, in the comment right before
    /// it: a second edit (a re-run, `backend`) keeps that record, and teardown gives the line
    /// back only while it is what dockstore's edit makes of it; a line changed by hand since
    /// loses its storage flags and the comment.
    @Test func recordsTheChangedLineOnceAndGivesItBackOnlyUnchanged() throws {
        let start = "DOCKER_OPTS='--debug'\n"
        let provisioned = try Self.provisioned(start)
        let text = String(decoding: provisioned, as: UTF8.self)
        #expect(text == SysconfigFile.changedMarkPrefix + "DOCKER_OPTS='--debug'\nDOCKER_OPTS=\"--debug --storage-driver=btrfs\"\n")
        var file = try SysconfigFile(path: "/etc/sysconfig/docker", bytes: provisioned)
        _ = try file.setDockerStorage(driver: "overlay2", options: ["overlay2.size=1G"])
        #expect(file.text == SysconfigFile.changedMarkPrefix + "DOCKER_OPTS='--debug'\nDOCKER_OPTS=\"--debug --storage-driver=overlay2 --storage-opt=overlay2.size=1G\"\n")
        #expect(try Self.tornDown(file.bytes) == Array(start.utf8), "dockstore's own later edit is still given back")
        let byHand = SysconfigFile.changedMarkPrefix + "DOCKER_OPTS='--debug'\nDOCKER_OPTS=\"--debug --tls --storage-driver=btrfs\"\n"
        #expect(try Self.tornDown(Array(byHand.utf8)) == Array("DOCKER_OPTS=\"--debug --tls\"\n".utf8))
    }
}
