import Testing
@testable import DockStoreCore

/// daemon.json is read, planned and written as bytes: removing the storage keys keeps every
/// other byte, whatever it is. What Go's encoding/json (dockerd 20.10's reader) accepts is
/// edited; what it refuses is refused before any edit: a raw byte below 0x20 inside a string,
/// a byte outside a string that JSON has no place for, a byte order mark (dockerd 20.10 does
/// not strip one; IntegrationTests/DaemonJSONOracleTests has the real dockerd say so).
struct DaemonJSONBytesTests {
    static func b(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// (case, file, the file after `backend btrfs` with nothing in DOCKER_OPTS; nil: refused)
    static let table: [(String, [UInt8], [UInt8]?)] = [
        ("Latin-1 in another key's value",
         b("{\"labels\": [\"caf") + [0xE9] + b("\"], \"storage-driver\": \"vfs\"}"),
         b("{\"labels\": [\"caf") + [0xE9] + b("\"]}")),
        ("Latin-1 beside a storage key dockerd flattens",
         b("{\"x\": {\"log-level\": \"") + [0xE9] + b("\", \"storage-opts\": [\"overlay2.size=1G\"]}}"),
         b("{\"x\": {\"log-level\": \"") + [0xE9] + b("\"}}")),
        ("invalid UTF-8 in a key of log-opts (dockerd takes any key there)",
         b("{\"log-opts\": {\"k") + [0xFF] + b("\": \"1\"}, \"storage-driver\": \"vfs\"}"),
         b("{\"log-opts\": {\"k") + [0xFF] + b("\": \"1\"}}")),
        ("a surrogate encoded as UTF-8 (Go reads U+FFFD)",
         b("{\"storage-driver\": \"vfs\", \"log-level\": \"") + [0xED, 0xA0, 0x80] + b("\"}"),
         b("{\"log-level\": \"") + [0xED, 0xA0, 0x80] + b("\"}")),
        ("a NUL escape", b("{\"log-level\": \"x\\u0000y\", \"storage-driver\": \"vfs\"}"), b("{\"log-level\": \"x\\u0000y\"}")),
        ("the storage value itself not UTF-8",
         b("{\"storage\\u002ddriver\": \"caf") + [0xE9] + b("\", \"debug\": true}"), b("{\"debug\": true}")),
        ("CRLF line ends",
         b("{\r\n  \"debug\": true,\r\n  \"storage-driver\": \"vfs\",\r\n  \"labels\": [\"a=b\"]\r\n}\r\n"),
         b("{\r\n  \"debug\": true,\r\n  \"labels\": [\"a=b\"]\r\n}\r\n")),
        ("NUL and Latin-1 after the value (dockerd never reads them)",
         b("{\"storage-driver\": \"vfs\"}\n") + [0x00, 0xE9, 0x0A], b("{}\n") + [0x00, 0xE9, 0x0A]),
        ("a raw NUL inside a string", b("{\"a\": \"x") + [0x00] + b("\", \"storage-driver\": \"vfs\"}"), nil),
        ("a raw CR inside a string", b("{\"a\": \"x\r\", \"storage-driver\": \"vfs\"}"), nil),
        ("Latin-1 outside a string", b("{\"a\": 1,") + [0xE9] + b(" \"storage-driver\": \"vfs\"}"), nil),
        ("a byte order mark", [0xEF, 0xBB, 0xBF] + b("{\"storage-driver\": \"vfs\"}"), nil),
    ]

    @Test(arguments: table)
    func removingStorageKeysKeepsEveryOtherByte(_ name: String, _ file: [UInt8], _ expected: [UInt8]?) throws {
        guard let expected else {
            #expect(throws: DockStoreError.self, "\(name)") { try DaemonJSON(path: "d", bytes: file) }
            return
        }
        let daemon = try DaemonJSON(path: "d", bytes: file)
        #expect(daemon.bytes == file)
        #expect(try daemon.removingStorageKeys() == expected, "\(name)")
    }

    /// Both commands' plans carry the bytes: `backend` shows the old file and writes the new one,
    /// `provision` writes the new one; nothing passes through a String on the way.
    @Test(arguments: table.filter { $0.2 != nil })
    func plansCarryTheBytes(_ name: String, _ file: [UInt8], _ expected: [UInt8]?) throws {
        var observed = BackendObservation(sysconfig: Fixtures.sysconfigSUSE, filesystem: FilesystemType(name: "btrfs"))
        observed.daemonJSON = file
        let plan = try BackendPlanner.plan(observed, try BackendRequest(driver: "btrfs", options: []), BackendTests.host)
        guard case .writeDaemonJSON(_, let old, let new, _)? = plan.steps.first else { Issue.record("\(name): no daemon-json step"); return }
        #expect(old == file)
        #expect(new == expected, "\(name)")

        let selection = try StorageSelection.plan(driver: "btrfs", options: nil, sysconfigBytes: Self.b(Fixtures.sysconfigSUSE),
                                                  sysconfigPath: "s", daemonJSONBytes: file, daemonJSONPath: "d")
        #expect(selection.daemonJSON?.bytes == expected, "\(name)")
    }
}
