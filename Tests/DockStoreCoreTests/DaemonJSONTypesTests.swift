@testable import DockStoreCore
import Testing

/// The types of daemon.json values as dockerd 20.10's Go decoder takes them
/// (`DockerdConfigTypes`); IntegrationTests/DaemonJSONTypesOracleTests holds a table like
/// this against the real dockerd.
struct DaemonJSONTypesTests {
    @Test(arguments: [
        // (daemon.json, the places whose values dockerd refuses)
        ("{\"debug\": true, \"labels\": [\"a=b\"], \"mtu\": 1500, \"log-opts\": {\"max-size\": \"1m\"}}", []),
        ("{\"debug\": \"yes\"}", ["\"debug\""]),
        ("{\"debug\": null, \"dns\": null, \"log-opts\": null, \"mtu\": null}", []),
        ("{\"debug\": \"yes\", \"debug\": true}", ["\"debug\""]),
        ("{\"features\": {\"buildkit\": \"true\"}}", ["\"features\".\"buildkit\""]),
        ("{\"storage-opts\": \"overlay2.size=1G\"}", ["\"storage-opts\""]),
        ("{\"labels\": [\"a\", 2, null]}", ["\"labels\"[1]"]),
        ("{\"mtu\": 1.5, \"shutdown-timeout\": 1e3, \"oom-score-adjust\": -9223372036854775808}", ["\"mtu\"", "\"shutdown-timeout\""]),
        ("{\"cpu-rt-period\": 9223372036854775808}", ["\"cpu-rt-period\""]),
        ("{\"default-shm-size\": \"64M\"}", []),
        ("{\"default-shm-size\": 64}", ["\"default-shm-size\""]),
        ("{\"default-shm-size\": null}", ["\"default-shm-size\""]),
        ("{\"default-shm-size\": \"\"}", ["\"default-shm-size\""]),
        ("{\"default-shm-size\": \"\\u0036\\u0034M\"}", ["\"default-shm-size\""]),
        ("{\"default-shm-size\": \"lots\"}", ["\"default-shm-size\""]),
        ("{\"default-shm-size\": \"64M \"}", ["\"default-shm-size\""]),
        ("{\"default-shm-size\": \"1.2.3M\"}", ["\"default-shm-size\""]),
        ("{\"default-shm-size\": \"64 MiB\", \"debug\": \"a\\\"b\"}", ["\"debug\""]),
        ("{\"default-shm-size\": \"1.5g\"}", []),
        ("{\"default-shm-size\" : \"64kb\"}", []),
        ("{\"default-ulimits\": {\"nofile\": {\"NAME\": \"nofile\", \"hard\": \"1\", \"Soft\": 1, \"other\": []}}}",
         ["\"default-ulimits\".\"nofile\".\"hard\""]),
        ("{\"default-address-pools\": [{\"base\": \"10.0.0.0/8\", \"size\": \"24\"}, null]}", ["\"default-address-pools\"[0].\"size\""]),
        ("{\"builder\": {\"gc\": {\"policy\": [{\"filter\": [\"a=b\", \"c\"]}, {\"filter\": {\"a\": {\"b\": true}}}]}}}",
         ["\"builder\".\"gc\".\"policy\"[0].\"filter\"[1]"]),
        ("{\"DEBUG\": {}, \"Log-Opts\": {}}", ["\"DEBUG\""]),
        ("{\"debu\\u212a\": {}}", []),
        ("{\"\\u017Fhutdown-timeout\": {}}", ["\"\\u017Fhutdown-timeout\""]),
        ("{\"label\": 5, \"x\": {\"debug\": \"yes\"}}", []),
        ("null", []),
    ] as [(String, [String])])
    func refusesWhatGoRefuses(_ text: String, _ refused: [String]) throws {
        let daemon = try DaemonJSON(path: "d", text: text)
        #expect(daemon.valueTypeMismatches.map(\.path) == refused.map { $0.replacingOccurrences(of: "\\u017F", with: "\u{017F}") })
        #expect((daemon.valueTypesProblem != nil) == !refused.isEmpty)
    }

    @Test func problemNamesTheFileTheKeyAndBothTypes() throws {
        let daemon = try DaemonJSON(path: "/etc/docker/daemon.json", text: "{\"debug\": \"yes\", \"log-opts\": {\"max-file\": 3}}")
        #expect(daemon.valueTypesProblem == "/etc/docker/daemon.json: dockerd 20.10 refuses to start with this file: \"debug\" holds a string, but dockerd expects a boolean (true or false); \"log-opts\".\"max-file\" holds the number 3, but dockerd expects a string; correct those values")
    }

    @Test func foldsAsGo() {
        #expect(DockerdValueType.foldsEqual(name: "log-opts", key: "LOG-OPTS"))
        #expect(DockerdValueType.foldsEqual(name: "Hard", key: "hArD"))
        #expect(DockerdValueType.foldsEqual(name: "network-host", key: "networ\u{212A}-host"))
        #expect(!DockerdValueType.foldsEqual(name: "log-opts", key: "log_opts"))
        #expect(!DockerdValueType.foldsEqual(name: "debug", key: "debu\u{212A}"))
        #expect(!DockerdValueType.foldsEqual(name: "debug", key: "debug "))
    }

    @Test func backendAndProvisionRefuseAWrongTypeBeforeAnyEdit() throws {
        let bytes = Array("{\"storage-driver\": \"overlay2\", \"features\": {\"buildkit\": \"true\"}}".utf8)
        #expect(throws: DockStoreError.self) {
            try StorageSelection.plan(driver: "vfs", options: [], sysconfigBytes: nil, sysconfigPath: "s",
                                      daemonJSONBytes: bytes, daemonJSONPath: "d")
        }
    }
}
