/// What the unattended maintenance left for `check`: the last reclaim and the last scrub,
/// each read from its file (under --root), or "never", or why it could not be read.
public struct MaintenanceRecord: Sendable, Equatable, Codable {
    public var lastReclaim: LastReclaimRecord?
    public var lastScrub: LastScrub?
    /// The journal of a reclaim that has not finished (lent room not yet given back).
    public var reclaimUnderWay: ReclaimJournal?
    /// false when that journal exists but cannot be read (then it is also in `unreadable`).
    public var reclaimJournalRead = true
    /// When the records were read (Unix seconds): how old an open reclaim journal is.
    public var readAt: Int64 = 0
    /// When the store's btrfs was made (the birth time of its top folder; nil when the kernel
    /// keeps none or the store is not btrfs): a store that was never scrubbed or reclaimed is
    /// overdue counted from then, so a scrub timer that never fires is seen too.
    public var storeCreated: Int64?
    /// When the host booted (read with `storeCreated`): the never-ran alerts count from the later
    /// of the two, so a store made at image build is not overdue at the instance's first boot
    /// (attack 17, P1).
    public var hostBooted: Int64?
    /// Why a record that exists could not be read; each is UNKNOWN.
    public var unreadable: [String] = []

    public init(lastReclaim: LastReclaimRecord? = nil, lastScrub: LastScrub? = nil, reclaimUnderWay: ReclaimJournal? = nil,
                readAt: Int64 = 0, unreadable: [String] = []) {
        self.lastReclaim = lastReclaim
        self.lastScrub = lastScrub
        self.reclaimUnderWay = reclaimUnderWay
        self.readAt = readAt
        self.unreadable = unreadable
    }

    /// Reads the records and the open reclaim journal; an absent file means that run never
    /// happened (or, for the journal, that no reclaim is under way).
    public static func read(host: Host, fsid: String?) -> MaintenanceRecord {
        var record = MaintenanceRecord(readAt: WallClock.seconds())
        let reclaimPath = host.real(LastReclaimRecord.path)
        do {
            if let text = try FileContents.readString(reclaimPath) {
                let last = try LastReclaimRecord.parse(text, path: reclaimPath)
                // A run on another filesystem (the store torn down and made anew) is none of this one's.
                if last.isOf(fsid: fsid) { record.lastReclaim = last }
            }
        } catch {
            record.unreadable.append("cannot read the last reclaim record \(reclaimPath): \(message(error))")
        }
        do {
            record.reclaimUnderWay = try ReclaimJournal.read(host: host)
        } catch {
            record.reclaimJournalRead = false
            record.unreadable.append("cannot read the reclaim journal \(host.real(ReclaimJournal.path)): \(message(error))")
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

    /// Reads the records, and the birth time of `top`, the store's mounted folder (as the host
    /// sees it), when it is a btrfs (`top` nil otherwise).
    public static func read(host: Host, fsid: String?, top: String?) -> MaintenanceRecord {
        var record = read(host: host, fsid: fsid)
        if let top {
            do {
                record.storeCreated = try BirthTime.of(top)
                record.hostBooted = try HostBootTime.read()
            } catch {
                record.unreadable.append("cannot tell when the store was made, so a scrub or reclaim that never ran cannot be told overdue: \(message(error))")
            }
        }
        return record
    }

    static func message(_ error: Error) -> String { (error as? DockStoreError)?.message ?? "\(error)" }
}
