/// What `status` and `check` say while a `dockstore reclaim` journal is open: the room the
/// run lent the store (the thin image grown, or a temporary member added), how much of it is
/// in place, since when, and whether the journal is older than a run takes (then the run was
/// interrupted, and only `dockstore reclaim` gives the room back).
public struct LentRoom: Sendable, Equatable, Codable {
    /// Beyond the run's time budget, what giving the room back may take (a temporary
    /// member's chunks move back) before an open journal means an interrupted run.
    public static let graceSeconds: Int64 = 30 * 60

    public var journal: ReclaimJournal
    /// Raw bytes of the room in place now (0 when none is, or it cannot be found by devid).
    public var bytes: UInt64
    /// Seconds the journal has been open, counted from the run now holding it.
    public var age: Int64
    public var stale: Bool

    public init(_ journal: ReclaimJournal, figures f: CapacityFigures, now: Int64) {
        self.journal = journal
        bytes = journal.room.map { Self.inPlace($0, f) } ?? 0
        let since = journal.running ?? journal.started
        age = max(0, now - since)
        let budget = Int64((journal.budgetSeconds ?? ReclaimBudget.defaultSeconds).rounded(.up))
        stale = age > budget + Self.graceSeconds
    }

    /// The room's raw bytes that are part of the store now, found by the devid the journal
    /// records: how far the grown image's device is beyond its old size, or the temporary
    /// member's size.
    static func inPlace(_ room: TemporaryRoom, _ f: CapacityFigures) -> UInt64 {
        guard let devid = room.devid, let member = f.devices.first(where: { $0.devid == devid }) else { return 0 }
        switch room.kind {
        case .image:
            guard let original = room.originalDeviceSize else { return 0 }
            return member.size > original ? member.size - original : 0
        case .device:
            return member.size
        }
    }

    /// `3d 4h`, `2h 5m`, `7m`: the two largest units.
    static func duration(_ seconds: Int64) -> String {
        let parts: [(Int64, String)] = [(seconds / 86_400, "d"), (seconds % 86_400 / 3600, "h"), (seconds % 3600 / 60, "m")]
        let shown = parts.drop { $0.0 == 0 }.prefix(2).filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }
        return shown.isEmpty ? "\(seconds)s" : shown.joined(separator: " ")
    }

    /// One line: what is lent, since when, and that `reclaim` (the command for this store)
    /// gives it back.
    public func summary(reclaim: String = "dockstore reclaim") -> String {
        let since = UTCTime.format(Double(journal.started))
        let what: String
        if let room = journal.room, bytes > 0 {
            what = "\(room.lentDescription) (\(ByteSize.format(bytes)) lent) since \(since)"
        } else if let room = journal.room {
            what = "a reclaim since \(since) is lending or giving back room: \(room.lentDescription)"
        } else {
            what = "a reclaim since \(since) has not finished; no room is lent"
        }
        let state = stale
            ? "its journal is older than a run takes (open \(Self.duration(age))): the run was interrupted; \(reclaim) finishes it and gives the room back"
            : "\(reclaim) gives it back when it ends (a new run finishes an interrupted one)"
        return "\(what); \(state)"
    }
}

extension CapacityFigures {
    /// The room an open reclaim journal of this store lent it, when check read one.
    public var lentRoom: LentRoom? {
        guard let m = maintenance, let journal = m.reclaimUnderWay, journal.filesystemUUID == uuid else { return nil }
        return LentRoom(journal, figures: self, now: m.readAt)
    }
}
