import FoundationEssentials

/// /var/lib/dockstore/last-reclaim.json: what the last `dockstore reclaim` run did, for
/// `check`'s metrics: the one type for both the writer and that reader.
public struct LastReclaimRecord: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        case healthy
        case budgetSpent = "budget-spent"
        case ioBudgetSpent = "io-budget-spent"
        case nothingToDo = "nothing-to-do"
        case failed
    }

    /// Unix seconds when the run ended.
    public var finished: Int64
    public var outcome: Outcome
    public var chunksRelocated: UInt64
    public var unallocatedBefore: UInt64
    public var unallocatedAfter: UInt64
    /// What the relocated chunks were charged against the I/O budget (`ReclaimIOBudget`);
    /// nil in a record written before it was counted.
    public var bytesRelocated: UInt64?
    /// The filesystem UUID of the store the run was on; check takes a record of another
    /// filesystem (a store torn down and made anew) as no run of this store (outside attack
    /// 14, Y-MON-2). nil in a record written before it was kept: taken as this store's.
    public var fsid: String?

    public static let path = HostPath.known("/var/lib/dockstore/last-reclaim.json")

    public init(finished: Int64, outcome: Outcome, chunksRelocated: UInt64, unallocatedBefore: UInt64, unallocatedAfter: UInt64,
                bytesRelocated: UInt64? = nil, fsid: String? = nil) {
        self.finished = finished
        self.outcome = outcome
        self.chunksRelocated = chunksRelocated
        self.unallocatedBefore = unallocatedBefore
        self.unallocatedAfter = unallocatedAfter
        self.bytesRelocated = bytesRelocated
        self.fsid = fsid
    }

    public func encoded() throws -> [UInt8] {
        Array("{\"finished\":\(finished),\"outcome\":\"\(outcome.rawValue)\",\"chunksRelocated\":\(chunksRelocated),\"unallocatedBefore\":\(unallocatedBefore),\"unallocatedAfter\":\(unallocatedAfter)\(bytesRelocated.map { ",\"bytesRelocated\":\($0)" } ?? "")\(fsid.map { ",\"fsid\":\"\($0)\"" } ?? "")}\n".utf8)
    }

    /// Whether the record is of the filesystem `fsid` (a record without one is taken as it).
    public func isOf(fsid other: String?) -> Bool {
        guard let fsid, let other else { return true }
        return fsid.lowercased() == other.lowercased()
    }

    public func write(host: Host) throws {
        try host.makeFolders(Self.path.parent)
        try AtomicFile.write(Self.path, on: host, try encoded(), mode: 0o644)
    }

    /// The record as `check` reads it, or why it does not say what a record must.
    public static func parse(_ text: String, path: String) throws -> LastReclaimRecord {
        try checkShape(text, path: path)
        let record: LastReclaimRecord
        do {
            record = try JSONDecoder().decode(LastReclaimRecord.self, from: Data(text.utf8))
        } catch {
            throw DockStoreError.failed("\(path) is not a reclaim record (finished, outcome one of healthy, budget-spent, io-budget-spent, nothing-to-do, failed, chunksRelocated, unallocatedBefore, unallocatedAfter): \(error)")
        }
        guard record.finished >= 0 else { throw DockStoreError.failed("\(path) has no valid finished time") }
        // A record whose filesystem cannot be told is not taken for another store's, which
        // would hide a failed run: it is unreadable.
        if let fsid = record.fsid, !FilesystemUUID.isValid(fsid) {
            throw DockStoreError.failed("\(path) names no filesystem UUID in fsid ('\(ShownBytes.text(Array(fsid.utf8)))')")
        }
        return record
    }

    /// What the decoder would say unclearly or not at all (the fifteenth attack's C18): JSON
    /// that does not parse, a key given twice (Foundation's decoder takes the first, jq and
    /// Go the last: two readers would see two different runs), a count below 0 (valid JSON the
    /// decoder reports as "not valid JSON").
    static func checkShape(_ text: String, path: String) throws {
        let rewrite = "dockstore reclaim writes it anew"
        let value: GoJSON.Value
        do {
            value = try GoJSON.parse(Array(text.utf8))
        } catch let invalid as GoJSON.Invalid {
            throw DockStoreError.failed("\(path) is not valid JSON (at byte \(invalid.offset): \(invalid.reason)); \(rewrite)")
        }
        guard case .object(let object) = value else { throw DockStoreError.failed("\(path) holds no JSON object; \(rewrite)") }
        var seen: Set<String> = []
        for member in object.members where !seen.insert(member.key).inserted {
            throw DockStoreError.failed("\(path) gives \(member.key) twice, and readers differ on which counts (the first or the last); \(rewrite)")
        }
        for member in object.members where ["finished", "chunksRelocated", "unallocatedBefore", "unallocatedAfter", "bytesRelocated"].contains(member.key) {
            if case .number(let number) = member.value, number.hasPrefix("-") {
                throw DockStoreError.failed("\(path) gives \(member.key) \(number), below 0, which no run records; \(rewrite)")
            }
        }
    }
}
