@testable import DockStoreCore
import Foundation
import Testing

/// A store at a mountpoint other than dockerd's default data root (attack 12, B21): provision
/// adds `--data-root=MOUNTPOINT` to DOCKER_OPTS where nothing sets a data root, teardown takes
/// exactly that word away again and gives the file back byte for byte; the implicit default
/// /var/lib/docker is judged like an explicit data root; paths are compared cleaned (B03).
@Suite struct DataRootAdditionTests {
    static let host: DockStoreCore.Host = { (try? DockStoreCore.Host(root: "/")) ?? { fatalError("no /") }() }()
    static let mountpoint = "/srv/d"

    static func provisioned(_ start: String?, daemonJSON: String? = nil) throws -> [UInt8] {
        var observed = ProvisionObservation.fixture(sysconfig: start, daemonJSON: daemonJSON, hostAvailable: 200 << 30)
        observed.daemonJSONPlace = .standard
        let request = try ProvisionRequest(mountpoint: try HostPath(mountpoint, what: "mountpoint"))
        var after = start.map { Array($0.utf8) } ?? []
        for step in try ProvisionPlanner.plan(observed, request, host).steps {
            if case .writeSysconfig(let bytes, _, _) = step { after = bytes }
        }
        return after
    }

    static func tornDown(_ bytes: [UInt8]) throws -> [UInt8]? {
        let o = TeardownObservation.fixture(fstab: "", sysconfig: String(decoding: bytes, as: UTF8.self))
        var after: [UInt8]? = bytes
        for step in try TeardownPlanner.plan(o, TeardownRequest(mountpoint: try HostPath(mountpoint, what: "mountpoint")), host) {
            if case .writeSysconfig(let new, _, _) = step { after = new }
            if case .removeSysconfig = step { after = nil }
        }
        return after
    }

    /// (starting file, DOCKER_OPTS's words after provision)
    static let cases: [(String?, [String])] = [
        (nil, ["--storage-driver=btrfs", "--data-root=/srv/d"]),
        ("", ["--storage-driver=btrfs", "--data-root=/srv/d"]),
        ("FOO=1\n", ["--storage-driver=btrfs", "--data-root=/srv/d"]),
        ("DOCKER_OPTS=\"--debug\"\n", ["--debug", "--storage-driver=btrfs", "--data-root=/srv/d"]),
        ("DOCKER_OPTS='-s overlay2 --debug'\nX=1", ["--storage-driver=btrfs", "--data-root=/srv/d", "--debug"]),
        // The admin's own data root naming the mountpoint: nothing added, and it stays.
        ("DOCKER_OPTS=\"--data-root=/srv/d\"\n", ["--data-root=/srv/d", "--storage-driver=btrfs"]),
        ("DOCKER_OPTS=\"--storage-driver=btrfs -g /srv/./d/\"\n", ["--storage-driver=btrfs", "-g", "/srv/./d/"]),
    ]

    @Test(arguments: cases)
    func provisionSetsTheDataRootAndTeardownGivesTheFileBack(_ start: String?, _ words: [String]) throws {
        let provisioned = try Self.provisioned(start)
        let text = provisioned.utf8Text
        #expect(try BashOracle.words(sourcing: text) == words, "\(text.debugDescription)")
        let after = try Self.tornDown(provisioned)
        #expect(after?.utf8Text == start, "\(start.debugDescription) → \(text.debugDescription) → \(after?.utf8Text.debugDescription ?? "removed")")
        // Once in place, provision changes nothing more.
        #expect(try Self.provisioned(text) == provisioned)
    }

    /// A line changed by hand since keeps what the admin added, loses provision's data root.
    @Test func aLineChangedSinceLosesOnlyProvisionsDataRoot() throws {
        let provisioned = try Self.provisioned("DOCKER_OPTS=\"--debug\"\n").utf8Text
        let byHand = provisioned.replacingOccurrences(of: "--data-root=/srv/d\"", with: "--data-root=/srv/d --tls\"")
        #expect(try Self.tornDown(Array(byHand.utf8))?.utf8Text == "DOCKER_OPTS=\"--debug --tls\"\n")
    }

    /// daemon.json naming the store's driver: DOCKER_OPTS gets only the data root (a
    /// "data-root" there would be the admin's file changed, and dockerd refuses a setting in both).
    @Test func daemonJSONWithTheDriverGetsTheFlagInDockerOpts() throws {
        let provisioned = try Self.provisioned("DOCKER_OPTS=\"\"\n", daemonJSON: "{\"storage-driver\": \"btrfs\"}")
        #expect(try BashOracle.words(sourcing: provisioned.utf8Text) == ["--data-root=/srv/d"])
        #expect(try Self.tornDown(provisioned)?.utf8Text == "DOCKER_OPTS=\"\"\n")
    }

    /// A data root dockerd would take as the mountpoint is no problem; another one, and the
    /// implicit default for a mountpoint elsewhere, are.
    @Test(arguments: [
        ("", nil as String?, "/srv/d", "its default /var/lib/docker"),
        ("", "{\"debug\": true}", "/srv/d", "run dockstore provision --mountpoint /srv/d"),
        ("--data-root=/var/lib/docker", nil, "/srv/d", "is not the store's mountpoint /srv/d"),
        ("--data-root=/var/lib/./docker", nil, "/var/lib/docker", nil),
        ("--data-root=/var/lib/docker/btrfs/..", nil, "/var/lib/docker", nil),
        ("--data-root=/var/lib/../lib/docker", nil, "/var/lib/docker", nil),
        ("--data-root=/../var/lib/docker", nil, "/var/lib/docker", nil),
        ("--data-root=/var/lib/docker/..", nil, "/var/lib/docker", "is not the store's mountpoint"),
        ("", "{\"data-root\": \"/srv/./d/\"}", "/srv/d", nil),
        ("-g /srv/x/../d", nil, "/srv/d", nil),
    ])
    func judgesTheDataRootAsDockerdTakesIt(_ value: String, _ daemonJSON: String?, _ mountpoint: String, _ problem: String?) throws {
        let found = try DockerdConfigPlace.otherDataRoot(sysconfig: Array("DOCKER_OPTS=\"\(value)\"\n".utf8), sysconfigPath: "/etc/sysconfig/docker",
                                                         daemonJSON: daemonJSON.map { Array($0.utf8) }, configPath: "/etc/docker/daemon.json",
                                                         mountpoint: try HostPath(mountpoint, what: "mountpoint"))
        if let problem {
            #expect(found?.contains(problem) == true, "\(value): \(found ?? "no problem")")
        } else {
            #expect(found == nil, "\(value): \(found ?? "")")
        }
    }

    /// A mountpoint $DOCKER_OPTS cannot carry (docker.service splits it unquoted) is refused
    /// before anything changes, naming daemon.json's "data-root" as the way.
    @Test func refusesAMountpointDockerOptsCannotCarry() throws {
        let observed = ProvisionObservation.fixture(sysconfig: nil, hostAvailable: 200 << 30)
        let request = try ProvisionRequest(mountpoint: try HostPath("/srv/d[1]", what: "mountpoint"))
        #expect {
            try ProvisionPlanner.plan(observed, request, Self.host)
        } throws: { error in
            guard let error = error as? DockStoreError else { return false }
            return error.kind == .refused && error.message.contains("set \"data-root\" in /etc/docker/daemon.json")
        }
    }
}
