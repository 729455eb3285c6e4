import FoundationEssentials

/// What the last `dockstore reclaim` recorded in /var/lib/dockstore/last-reclaim.json:
/// `{"finished": <unix seconds>, "outcome": "healthy"|"budget-spent"|"nothing-to-do"|"failed",
/// "chunksRelocated": <int>, "unallocatedBefore": <bytes>, "unallocatedAfter": <bytes>}`.
public struct LastReclaim: Sendable, Equatable, Codable {
    public static let path = HostPath.known("/var/lib/dockstore/last-reclaim.json")
    public static let outcomes = ["healthy", "budget-spent", "nothing-to-do", "failed"]

    public var finished: Double
    public var outcome: String
    public var chunksRelocated: UInt64
    public var unallocatedBefore: UInt64
    public var unallocatedAfter: UInt64

    public init(finished: Double, outcome: String, chunksRelocated: UInt64, unallocatedBefore: UInt64, unallocatedAfter: UInt64) {
        self.finished = finished
        self.outcome = outcome
        self.chunksRelocated = chunksRelocated
        self.unallocatedBefore = unallocatedBefore
        self.unallocatedAfter = unallocatedAfter
    }

    /// The record, or why it does not say what a record must.
    public static func parse(_ text: String, path: String) throws -> LastReclaim {
        let record: LastReclaim
        do {
            record = try JSONDecoder().decode(LastReclaim.self, from: Data(text.utf8))
        } catch {
            throw DockStoreError.failed("\(path) is not a reclaim record (finished, outcome, chunksRelocated, unallocatedBefore, unallocatedAfter): \(error)")
        }
        guard outcomes.contains(record.outcome) else {
            throw DockStoreError.failed("\(path) names an unknown outcome '\(record.outcome)' (one of \(outcomes.joinedText(", ")))")
        }
        guard record.finished.isFinite, record.finished >= 0 else {
            throw DockStoreError.failed("\(path) has no valid finished time")
        }
        return record
    }
}
