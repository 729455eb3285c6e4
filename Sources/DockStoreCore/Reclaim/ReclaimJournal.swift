import FoundationEssentials

/// /var/lib/dockstore/reclaim.json: a reclaim is under way on the store with this
/// filesystem UUID, and the temporary room it made. A re-run finishes the job from it
/// (an interrupted run's balance is its own to cancel; the room is completed, used and
/// given back), and provision registers a temporary member before mounting after a reboot.
public struct ReclaimJournal: Codable, Sendable, Equatable {
    public var filesystemUUID: String
    /// Unix seconds when the run began.
    public var started: Int64
    public var room: TemporaryRoom?
    /// Unix seconds when the run now working on it began (a later run finishing an
    /// interrupted one keeps `started`), and that run's time budget: `check` warns when the
    /// journal outlives them (`LentRoom`). nil in a journal written before they were kept.
    public var running: Int64? = nil
    public var budgetSeconds: Double? = nil

    public static let path = HostPath.known("/var/lib/dockstore/reclaim.json")
    /// Where a device store's temporary member lives: on the host filesystem, beside the journal.
    public static let roomFile = HostPath.known("/var/lib/dockstore/reclaim-room.img")

    public init(filesystemUUID: String, started: Int64, room: TemporaryRoom?) {
        self.filesystemUUID = filesystemUUID
        self.started = started
        self.room = room
    }

    /// Reads the journal, the room file as a real path. The file is stored as a path inside
    /// `--root`, as every path in the journals; a journal written before that holds the real
    /// path, which is read as well. A file that is not this store's room file is refused.
    public static func read(host: Host) throws -> ReclaimJournal? {
        guard let text = try FileContents.readString(path, on: host) else { return nil }
        var journal: ReclaimJournal
        do {
            journal = try JSONDecoder().decode(ReclaimJournal.self, from: Data(text.utf8))
        } catch {
            throw DockStoreError.refused("\(host.real(path)) is not a reclaim journal dockstore can read; move it aside and check the store (btrfs filesystem show) for a temporary member or a grown image")
        }
        if let file = journal.room?.file {
            guard file == roomFile.string || file == host.real(roomFile) else {
                throw DockStoreError.refused("the reclaim journal \(host.real(path)) names the room file \(file), not this store's \(roomFile.string)\(host.isRunningSystem ? "" : " under \(host.root)"); finish or undo that run by hand (btrfs filesystem show), then move the journal aside")
            }
            journal.room?.file = host.real(roomFile)
        }
        return journal
    }

    public func write(host: Host) throws {
        try host.makeFolders(Self.path.parent)
        var stored = self
        if let file = room?.file {
            guard file == host.real(Self.roomFile) else {
                throw DockStoreError.failed("the room file \(file) is not \(host.real(Self.roomFile)); not recording it")
            }
            stored.room?.file = Self.roomFile.string
        }
        let bytes = Array(try JSONText.encode(stored, pretty: false).utf8) + [UInt8(ascii: "\n")]
        try AtomicFile.write(Self.path, on: host, bytes, mode: 0o600)
    }

    /// Removes the journal inside --root (`Host.removeFile`); none there is fine.
    public static func remove(host: Host) throws {
        try host.removeFile(path)
    }
}
