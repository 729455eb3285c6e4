import Testing
@testable import DockStoreCore

/// What provision (options nil) does with storage settings in daemon.json beside the
/// --storage-driver it puts in DOCKER_OPTS. dockerd 20.10's conflict check is per directive:
/// `--storage-driver` beside `"storage-opts"` starts (outside attack 14, Y-JSON-1, checked
/// against the real dockerd by DockerEndToEndTests); the same directive in both files, another
/// driver, or another driver's option does not.
@Suite struct StorageSelectionTests {
    static func plan(daemon: String, sysconfig: String = Fixtures.sysconfigSUSE) throws -> StorageSelection {
        try StorageSelection.plan(driver: "btrfs", options: nil, sysconfigBytes: Array(sysconfig.utf8), sysconfigPath: "/etc/sysconfig/docker",
                                  daemonJSONBytes: Array(daemon.utf8), daemonJSONPath: "/etc/docker/daemon.json")
    }

    @Test func theDriversOwnOptionsStayInDaemonJSON() throws {
        let selection = try Self.plan(daemon: "{\"storage-opts\": [\"btrfs.min_space=10M\"], \"log-level\": \"warn\"}\n")
        #expect(selection.daemonJSON == nil, "\(String(describing: selection.daemonJSON?.change))")
        let sysconfig = try #require(selection.sysconfig).bytes.utf8Text
        #expect(sysconfig.contains("DOCKER_OPTS=\"--storage-driver=btrfs\"\n"), "\(sysconfig)")
    }

    @Test func optionsInBothFilesMoveIntoDockerOpts() throws {
        let selection = try Self.plan(daemon: "{\"storage-opts\": [\"btrfs.min_space=10M\"], \"log-level\": \"warn\"}\n",
                                      sysconfig: "DOCKER_OPTS=\"-s btrfs --storage-opt btrfs.min_space=1G\"\n")
        let daemonJSON = try #require(selection.daemonJSON)
        #expect(daemonJSON.bytes.utf8Text == "{\"log-level\": \"warn\"}\n")
        #expect(daemonJSON.change.hasPrefix("move \"storage-opts\""), "\(daemonJSON.change)")
        let sysconfig = try #require(selection.sysconfig).bytes.utf8Text
        #expect(sysconfig.contains("btrfs.min_space=1G") && sysconfig.contains("btrfs.min_space=10M"), "\(sysconfig)")
    }

    @Test(arguments: [
        ("{\"storage-opts\": [\"overlay2.size=1G\"]}\n", "overlay2.size=1G is no option of btrfs, which dockerd refuses"),
        ("{\"storage-driver\": \"overlay2\"}\n", "it selects overlay2, not btrfs"),
        ("{\"storage-driver\": \"overlay2\", \"storage-opts\": [\"btrfs.min_space=10M\"]}\n", "it selects overlay2, not btrfs"),
        // Attack 25 K4: a key that sets nothing conflicts with nothing; it goes for another reason.
        ("{\"storage-opts\": null}\n", "it sets nothing, and backend keeps the storage settings in DOCKER_OPTS alone"),
        ("{\"storage-opts\": []}\n", "it sets nothing, and backend keeps the storage settings in DOCKER_OPTS alone"),
    ])
    func whatDockerdWouldRefuseIsRemovedSayingWhy(_ daemon: String, _ why: String) throws {
        let selection = try Self.plan(daemon: daemon)
        let change = try #require(selection.daemonJSON).change
        #expect(change.hasPrefix("remove ") && change.contains("(\(why))"), "\(change)")
    }
}
