import DockStoreCore
import Foundation
import Testing

/// The real dockerd 20.10 is the oracle for which daemon.json keys it knows
/// (`DockerdConfigKeys`): every key in the list passes its "directives don't match any
/// configuration option" check, and over a table of keys — exact, in another case, with a
/// NUL or a space added, unknown, nested — dockerd refuses exactly the keys dockstore reports
/// as unknown, and `dockstore backend` says "dockerd can start" exactly when dockerd's check
/// passes (outside attack F10: `"storage-driver\u0000"`). Each file also holds
/// `"labels": [[]]`, which dockerd refuses after the key check, so that it never starts.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct DaemonJSONKeysOracleTests {
    static let directives = "the following directives don't match any configuration option: "

    /// The keys dockerd's check names as unknown in `json`, as bytes; nil when it passes the check.
    static func dockerdUnknownKeys(_ json: [UInt8], in root: TestRoot) throws -> Set<[UInt8]>? {
        let file = root.path + "/oracle-daemon.json"
        try Data(json).write(to: URL(fileURLWithPath: file))
        let result = try root.run("/usr/bin/timeout", ["30", "/usr/sbin/dockerd", "--config-file", file,
            "--data-root", root.path + "/oracle-data", "--exec-root", root.path + "/oracle-run",
            "--pidfile", root.path + "/oracle.pid", "--host", "unix://\(root.path)/oracle.sock",
            "--iptables=false", "--ip-masq=false", "--bridge=none"])
        #expect(result.status != 0 && result.status != 124, "dockerd must refuse every oracle file: \(result.stderr)")
        guard let line = result.stderr.split(separator: "\n").last(where: { $0.contains(directives) }) else { return nil }
        // Not trimmed: a key may end in a blank ("storage-driver ").
        let list = line.components(separatedBy: directives)[1]
        return Set(list.components(separatedBy: ", ").map { Array($0.utf8) })
    }

    static func b(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func dockerdKnowsEveryListedKey() throws {
        try withTestRoot { root in
            let keys = DockerdConfigKeys.known.sorted()
            let members = keys.map { "\"\($0)\": [[]]" }.joined(separator: ", ")
            let unknown = try Self.dockerdUnknownKeys(Self.b("{\(members), \"labels\": [[]]}"), in: root)
            #expect(unknown == nil, "dockerd does not know: \(unknown.map { $0.map { String(decoding: $0, as: UTF8.self) } } ?? [])")
        }
    }

    static let cases: [(String, String)] = [
        ("exact", "{\"storage-driver\": \"overlay2\"}"),
        ("exact, escaped", "{\"storage\\u002ddriver\": \"overlay2\"}"),
        ("another case", "{\"Storage-Driver\": \"overlay2\"}"),
        ("upper case options", "{\"STORAGE-OPTS\": []}"),
        ("NUL added", "{\"storage-driver\\u0000\": \"overlay2\"}"),
        ("NUL inside", "{\"storage\\u0000-driver\": \"overlay2\"}"),
        ("space added", "{\"storage-driver \": \"overlay2\"}"),
        ("underscore", "{\"storage_driver\": \"overlay2\"}"),
        ("unknown", "{\"no-such-option\": true, \"debug\": false}"),
        ("a flag's name", "{\"storage-opt\": []}"),
        ("deprecated flag (the data root the store is at: another is a problem of its own)", "{\"graph\": \"/var/lib/docker\"}"),
        ("removed option", "{\"disable-legacy-registry\": true}"),
        ("nested, known", "{\"x\": {\"storage-driver\": \"overlay2\"}}"),
        ("nested, another case", "{\"x\": {\"Storage-Driver\": \"overlay2\"}}"),
        ("nested twice", "{\"x\": {\"y\": {\"storage-driver\": \"overlay2\"}}}"),
        ("inside a flat option", "{\"log-opts\": {\"Anything\": \"x\"}}"),
        ("features", "{\"features\": {\"whatever\": true}}"),
        ("empty key", "{\"\": 1}"),
    ]

    @Test(arguments: cases)
    func dockerdRefusesExactlyTheKeysDockstoreReports(_ name: String, _ text: String) throws {
        try withTestRoot { root in
            let body = Self.b(String(text.dropLast()) + ", \"labels\": [[]]}")
            let dockerd = try Self.dockerdUnknownKeys(body, in: root)
            let daemon = try DaemonJSON(path: "daemon.json", bytes: body)
            #expect(Set(daemon.unknownKeys.map { Array($0.utf8) }) == (dockerd ?? []),
                    "\(name): dockstore reports \(daemon.unknownKeys.map { $0.debugDescription }), dockerd \(dockerd.map { $0.map { String(decoding: $0, as: UTF8.self).debugDescription } } ?? [])")
            try root.write(root.path + "/etc/docker/daemon.json", text + "\n")
            let shown = try root.dockstore(["backend"])
            #expect((shown.status == 0) == (dockerd == nil), "\(name): backend rc=\(shown.status): \(shown.stdout) \(shown.stderr)")
            #expect(shown.stdout.contains("dockerd can start with this") == (dockerd == nil), "\(name): \(shown.stdout)")
        }
    }
}
