@testable import DockStoreCore
import Testing

/// daemon.json as dockerd 20.10 reads it (moby daemon/config/config.go: Go's encoding/json into
/// a map, one level of nested objects flattened, raw keys checked); the real dockerd confirms
/// these in IntegrationTests/DaemonJSONOracleTests.
struct DaemonJSONTests {
    @Test(arguments: [
        // (text, driver dockerd uses without a flag, storage keys its conflict check sees, miscased keys)
        ("{\"storage\\u002ddriver\": \"overlay2\"}", "overlay2", ["storage-driver"], []),
        ("{\"storage-driver\": \"overlay2\", \"storage-driver\": \"vfs\"}", "vfs", ["storage-driver"], []),
        ("{\"storage-driver\": \"vfs\", \"storage-driver\": \"overlay2\"}", "overlay2", ["storage-driver"], []),
        ("{\"Storage-Driver\": \"vfs\"}", nil, [], ["Storage-Driver"]),
        ("{\"x\": {\"storage-opts\": [\"a\"]}}", nil, ["storage-opts"], []),
        ("{\"log-opts\": {\"storage-driver\": \"a\"}}", nil, [], []),
        ("{\"storage-driver\": 5}", nil, ["storage-driver"], []),
        ("null", nil, [], []),
        ("{\"debug\": true} trailing bytes dockerd never reads", nil, [], []),
        ("{\"storage-driver\": \"caf\\u00e9\\ud83d\\ude00\"}", "café😀", ["storage-driver"], []),
        ("{\"storage-driver\": \"\\ud800x\"}", "\u{FFFD}x", ["storage-driver"], []),
    ] as [(String, String?, [String], [String])])
    func readsKeysAsDockerd(_ text: String, _ driver: String?, _ seen: [String], _ miscased: [String]) throws {
        let daemon = try DaemonJSON(path: "d", text: text)
        #expect(daemon.storageDriver == driver)
        #expect(daemon.storageKeysSeen == Set(seen))
        #expect(daemon.miscasedStorageKeys == miscased)
    }

    /// Keys dockerd 20.10's "directives don't match any configuration option" check refuses
    /// (DaemonJSONKeysOracleTests holds the same table against the real dockerd).
    @Test(arguments: [
        ("{\"storage-driver\": \"overlay2\", \"log-opts\": {\"Max-Size\": \"1m\"}}", []),
        ("{\"storage-driver\\u0000\": \"overlay2\"}", ["storage-driver\u{0}"]),
        ("{\"Storage-Driver\": 1, \"debug\": true, \"bogus\": 2}", ["Storage-Driver", "bogus"]),
        ("{\"x\": {\"storage-driver \": 1}}", ["storage-driver "]),
        ("{\"x\": {\"y\": {}}}", ["y"]),
        ("{\"features\": {\"anything\": true}, \"storage-opt\": []}", []),
        ("{\"\": 1}", [""]),
    ] as [(String, [String])])
    func unknownKeysAsDockerd(_ text: String, _ unknown: [String]) throws {
        let daemon = try DaemonJSON(path: "d", text: text)
        #expect(daemon.unknownKeys == unknown)
        #expect((daemon.unknownKeysProblem != nil) == !unknown.isEmpty)
    }

    @Test func unknownKeyProblemShowsTheKeyEscaped() throws {
        let daemon = try DaemonJSON(path: "/etc/docker/daemon.json", text: "{\"storage-driver\\u0000\": \"overlay2\"}")
        #expect(daemon.unknownKeysProblem == "/etc/docker/daemon.json has \"storage-driver\\u0000\", which dockerd 20.10 does not know as an option: dockerd refuses to start with this file; correct or remove that key")
    }

    @Test(arguments: [
        "\u{FEFF}{}", "{} ", "", "  ", "{\"a\": 1,}", "{/* c */}", "{\"a\": 1 // c\n}", "[]", "\"x\"",
        "{\"a\": 01}", "{\"a\": 1e999}", "{'a': 1}", "{\"a\": \"\t\"}", "{\"a\": tru}", "{\"a\": \"\\x\"}",
    ])
    func refusesWhatGoRefuses(_ text: String) throws {
        if text == "{} " { #expect(throws: Never.self) { try DaemonJSON(path: "d", text: text) }; return }
        #expect(throws: DockStoreError.self) { try DaemonJSON(path: "d", text: text) }
    }

    @Test(arguments: [
        ("{\"storage\\u002ddriver\": \"vfs\", \"debug\": true}", "{\"debug\": true}"),
        ("{\"storage-driver\": \"a\",\n \"debug\": true,\n \"storage-driver\": \"b\"}", "{\"debug\": true}"),
        ("{\"x\": {\"storage-driver\": \"a\", \"y\": 1}, \"z\": 2}", "{\"x\": {\"y\": 1}, \"z\": 2}"),
        ("{\"log-opts\": {\"storage-driver\": \"a\"}, \"storage-opts\": []}", "{\"log-opts\": {\"storage-driver\": \"a\"}}"),
        ("{\"storage-driver\": \"vfs\"} tail", "{} tail"),
    ])
    func removesEveryStorageMemberKeepingOtherBytes(_ input: String, _ expected: String) throws {
        #expect(try DaemonJSON(path: "d", text: input).removingStorageKeys().utf8Text == expected)
    }

    @Test func refusesAMiscasedStorageKeyBeforeAnyEdit() throws {
        #expect(throws: DockStoreError.self) {
            try StorageSelection.plan(driver: "vfs", options: [], sysconfigBytes: nil, sysconfigPath: "s",
                                      daemonJSONBytes: Array("{\"Storage-Driver\": \"vfs\"}".utf8), daemonJSONPath: "d")
        }
    }
}
