@testable import DockStoreCore
import Testing

/// Teardown gives back the daemon.json storage keys provision removed (`DaemonJSONRecord`):
/// the recorded file, byte for byte, while daemon.json is exactly provision's edit of it;
/// otherwise the file stays and only the record goes.
@Suite struct DaemonJSONRecordTests {
    static let host = TeardownFstabGiveBackTests.host
    static let path = "/etc/docker/daemon.json"

    /// (the record, daemon.json now, whether teardown writes the record back)
    static let cases: [(String, String?, Bool)] = [
        ("{\n  \"log-level\": \"warn\",\n  \"storage-opts\": [\"btrfs.min_space=1G\"]\n}\n", "{\n  \"log-level\": \"warn\"\n}\n", true),
        ("{\"storage-opts\":[\"btrfs.min_space=1G\"],\"debug\":true}", "{\"debug\":true}", true),
        // Escaped key, as dockerd's decoder reads it.
        ("{\"storage\\u002dopts\": [\"a\"], \"debug\": false}\n", "{\"debug\": false}\n", true),
        // The driver beside another driver's options went too: both come back.
        ("{\"storage-driver\": \"btrfs\", \"storage-opts\": [\"overlay2.size=1G\"]}\n", "{}\n", true),
        // Changed since provision (an admin's key, backend's edit), or gone: it stays.
        ("{\"storage-opts\": [\"a\"], \"debug\": false}\n", "{\"debug\": true}\n", false),
        ("{\"storage-opts\": [\"a\"]}\n", nil, false),
        // A kill between the record and the edit: the file still is what was recorded.
        ("{\"storage-opts\": [\"a\"]}\n", "{\"storage-opts\": [\"a\"]}\n", false),
        // A record that does not parse is no basis for a write.
        ("{\"storage-opts\": [", "{}", false),
    ]

    @Test(arguments: cases)
    func givesBackOnlyProvisionsEdit(_ record: String, _ current: String?, _ written: Bool) {
        let given = DaemonJSONRecord.givenBack(record: Array(record.utf8), current: current.map { Array($0.utf8) }, path: Self.path)
        #expect(given == (written ? Array(record.utf8) : nil))
    }

    @Test(arguments: cases)
    func teardownPlansTheGiveBackThenRemovesTheRecord(_ record: String, _ current: String?, _ written: Bool) throws {
        var o = TeardownObservation.fixture(imageExists: true, fstab: TeardownFstabGiveBackTests.line + "\n")
        o.daemonJSONRecord = Array(record.utf8)
        o.daemonJSON = current.map { Array($0.utf8) }
        let steps = try TeardownPlanner.plan(o, TeardownRequest(), Self.host)
        let ids = steps.map(\.id)
        let recordAt = try #require(ids.firstIndex(of: "daemon-json-record"))
        if written {
            let at = try #require(ids.firstIndex(of: "daemon-json"))
            #expect(at < recordAt, "the file comes back before its record goes")
            #expect(steps[at] == .giveBackDaemonJSON(bytes: Array(record.utf8), basis: FileBasis(current.map { Array($0.utf8) })))
        } else {
            #expect(!ids.contains("daemon-json"))
        }
        #expect(!steps[recordAt].describe(Self.host).contains("\n"))
    }

    /// Without a record, teardown leaves daemon.json alone.
    @Test func noRecordNoStep() throws {
        let steps = try TeardownPlanner.plan(.fixture(imageExists: true, fstab: TeardownFstabGiveBackTests.line + "\n"), TeardownRequest(), Self.host)
        #expect(!steps.map(\.id).contains { $0.hasPrefix("daemon-json") })
    }
}
