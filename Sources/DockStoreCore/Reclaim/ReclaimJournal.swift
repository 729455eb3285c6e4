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

    public static let path = HostPath.known("/var/lib/dockstore/reclaim.json")
    /// Where a device store's temporary member lives: on the host filesystem, beside the journal.
    public static let roomFile = HostPath.known("/var/lib/dockstore/reclaim-room.img")

    public init(filesystemUUID: String, started: Int64, room: TemporaryRoom?) {
        self.filesystemUUID = filesystemUUID
        self.started = started
        self.room = room
    }

    public static func read(host: Host) throws -> ReclaimJournal? {
        guard let text = try FileContents.readString(host.real(path)) else { return nil }
        do {
            return try JSONDecoder().decode(ReclaimJournal.self, from: Data(text.utf8))
        } catch {
            throw DockStoreError.refused("\(host.real(path)) is not a reclaim journal dockstore can read; move it aside and check the store (btrfs filesystem show) for a temporary member or a grown image")
        }
    }

    public func write(host: Host) throws {
        try host.makeFolders(Self.path.parent)
        let bytes = Array(try JSONText.encode(self, pretty: false).utf8) + [UInt8(ascii: "\n")]
        try AtomicFile.write(host.real(Self.path), bytes, mode: 0o600)
    }

    public static func remove(host: Host) throws {
        let real = host.real(path)
        try PathCalls.remove(real, missingIsDone: true)
        try AtomicFile.syncFolder(AtomicFile.parentFolder(of: real))
    }
}
