/// What the unattended maintenance left for `check`: the last reclaim and the last scrub,
/// each read from its file (under --root), or "never", or why it could not be read.
public struct MaintenanceRecord: Sendable, Equatable, Codable {
    public var lastReclaim: LastReclaimRecord?
    public var lastScrub: LastScrub?
    /// Why a record that exists could not be read; each is UNKNOWN.
    public var unreadable: [String] = []

    public init(lastReclaim: LastReclaimRecord? = nil, lastScrub: LastScrub? = nil, unreadable: [String] = []) {
        self.lastReclaim = lastReclaim
        self.lastScrub = lastScrub
        self.unreadable = unreadable
    }

    /// Reads both records; an absent file means that run never happened.
    public static func read(host: Host, fsid: String?) -> MaintenanceRecord {
        var record = MaintenanceRecord()
        let reclaimPath = host.real(LastReclaimRecord.path)
        do {
            if let text = try FileContents.readString(reclaimPath) {
                record.lastReclaim = try LastReclaimRecord.parse(text, path: reclaimPath)
            }
        } catch {
            record.unreadable.append("cannot read the last reclaim record \(reclaimPath): \(message(error))")
        }
        if let fsid {
            let scrubPath = host.real(LastScrub.path(fsid: fsid))
            do {
                if let text = try FileContents.readString(scrubPath) {
                    record.lastScrub = try LastScrub.parse(text, path: scrubPath)
                }
            } catch {
                record.unreadable.append("cannot read the last scrub record \(scrubPath): \(message(error))")
            }
        }
        return record
    }

    static func message(_ error: Error) -> String { (error as? DockStoreError)?.message ?? "\(error)" }
}
