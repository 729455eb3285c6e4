/// One unreferenced subvolume as observed before deciding: whether it is a subvolume, and
/// when btrfs created it.
public struct OrphanCandidate: Sendable, Equatable {
    public var name: String
    public var isSubvolume: Bool
    /// The subvolume's otime, seconds since the epoch; nil when it could not be read.
    public var createdAt: Double?
    public var unreadable: String?

    public init(name: String, isSubvolume: Bool, createdAt: Double?, unreadable: String? = nil) {
        self.name = name
        self.isSubvolume = isSubvolume
        self.createdAt = createdAt
        self.unreadable = unreadable
    }
}

public enum OrphanVerdict: Sendable, Equatable {
    case delete
    case keep(String)
}

/// Decides, purely, which unreferenced subvolumes are provably orphans: every one while no
/// dockerd may use the data root; while one runs, only those created before it started
/// (with a margin for clocks), since a pull or a container being created holds a subvolume
/// that nothing refers to until it is done.
public enum OrphanPlanner {
    /// Seconds a subvolume must predate dockerd's start: the boot time that start is computed
    /// from has whole seconds (a clock step is met by `DockerdProcesses`).
    public static let startMargin = 2.0

    public static func decide(_ c: OrphanCandidate, dockerd: DockerdPresence) -> OrphanVerdict {
        if let why = c.unreadable { return .keep(why) }
        guard c.isSubvolume else { return .keep("not a btrfs subvolume; dockstore deletes only subvolumes") }
        switch dockerd {
        case .notRunning:
            return .delete
        case .cannotTell(let why):
            return .keep("dockerd may be using this data root and when it started cannot be read (\(why)); stop Docker and run again")
        case .unresolved(let pid, let why):
            return .keep(DockerdPresence.unresolvedText(pid: pid, why: why))
        case .running(let pids, let start):
            guard let created = c.createdAt else { return .keep("its creation time cannot be read") }
            if created + startMargin < start { return .delete }
            let who = pids.map(String.init).joinedText(", ")
            return .keep("created \(created < start ? "less than \(Int(startMargin)) s before" : "after") dockerd (pid \(who)) started: it may be a pull or a container dockerd is making now; stop Docker, or run again after dockerd restarts")
        }
    }
}
