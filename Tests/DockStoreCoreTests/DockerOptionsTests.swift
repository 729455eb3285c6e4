import Testing
@testable import DockStoreCore

@Suite struct DockerOptionsTests {
    @Test(arguments: [
        ("-s btrfs", "btrfs", [String]()),
        ("-s=btrfs", "btrfs", []),
        ("-sbtrfs", "btrfs", []),
        ("--storage-driver btrfs", "btrfs", []),
        ("--storage-driver=btrfs", "btrfs", []),
        ("--storage-opt a=1 --storage-opt=b=2 -s overlay2", "overlay2", ["a=1", "b=2"]),
        ("-s overlay2 --debug -s btrfs", "btrfs", []),
        ("--log-level=warn", nil, []),
        ("--selinux-enabled", nil, []),
    ] as [(String, String?, [String])])
    func recognisesEverySpelling(_ value: String, _ driver: String?, _ options: [String]) throws {
        let storage = try DockerOptions(value).storage()
        #expect(storage.driver == driver)
        #expect(storage.options == options)
    }

    @Test func replacesInPlaceKeepingOtherFlags() throws {
        let options = DockerOptions("--log-level=warn -s overlay2 --storage-opt overlay2.size=10G --insecure-registry 10.0.0.5:5000")
        #expect(try options.replacingStorage(driver: "btrfs", options: []).rendered
                == "--log-level=warn --storage-driver=btrfs --insecure-registry 10.0.0.5:5000")
    }

    @Test func appendsWhenNoStorageFlag() throws {
        #expect(try DockerOptions("").replacingStorage(driver: "btrfs", options: []).rendered == "--storage-driver=btrfs")
        #expect(try DockerOptions("--debug  --tls").replacingStorage(driver: "btrfs", options: ["btrfs.min_space=1G"]).rendered
                == "--debug  --tls --storage-driver=btrfs --storage-opt=btrfs.min_space=1G")
    }

    @Test func removesAllStorageFlags() throws {
        #expect(try DockerOptions("-s btrfs --debug").replacingStorage(driver: nil, options: []).rendered == "--debug")
        #expect(try DockerOptions("--storage-driver=btrfs").replacingStorage(driver: nil, options: []).rendered == "")
    }

    /// dockerd does not start on a value flag with no word after it: no storage reading, no edit.
    @Test func trailingFlagWithoutValueIsRefused() throws {
        #expect(throws: DockerdCommandLine.Refusal(index: 1, word: "-s", reason: "flag needs an argument: 's' in -s")) {
            try DockerOptions("--debug -s").replacingStorage(driver: "btrfs", options: [])
        }
        var file = try SysconfigFile(path: "f", text: "DOCKER_OPTS=\"--debug -s\"\n")
        #expect(throws: DockStoreError.self) { try file.setDockerStorage(driver: "btrfs", options: []) }
        #expect(file.text == "DOCKER_OPTS=\"--debug -s\"\n")
    }

    @Test func sysconfigStorageEditIsANoOpWhenAlreadyBtrfs() throws {
        var kiwi = try SysconfigFile(path: "f", text: Fixtures.sysconfigKiwi)
        #expect(try kiwi.setDockerStorage(driver: "btrfs", options: []) == nil)
        #expect(kiwi.text == Fixtures.sysconfigKiwi)
    }

    @Test func sysconfigStorageEditSwitchesDriverAndSaysWhatItDrops() throws {
        var file = try SysconfigFile(path: "f", text: Fixtures.sysconfigWithOptions)
        let change = try file.setDockerStorage(driver: "btrfs", options: [])
        #expect(change?.contains("storage driver overlay2 → btrfs") == true)
        #expect(change?.contains("drops --storage-opt overlay2.size=10G") == true)
        #expect(file.value("DOCKER_OPTS") == "--log-level=warn --storage-driver=btrfs --insecure-registry 10.0.0.5:5000")
        let headerLines = Fixtures.sysconfigWithOptions.split(separator: "\n").filter { $0.hasPrefix("#") }
        // The headers stay; dockstore's record of the admin's line is added right above it.
        #expect(file.text.split(separator: "\n").filter { $0.hasPrefix("#") && !$0.hasPrefix(SysconfigFile.changedMarkPrefix) } == headerLines)
        #expect(file.text.contains(SysconfigFile.changedMarkPrefix + "DOCKER_OPTS=\"--log-level=warn -s overlay2 --storage-opt overlay2.size=10G"))
    }
}
