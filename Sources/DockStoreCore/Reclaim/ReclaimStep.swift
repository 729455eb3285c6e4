/// One step of `dockstore reclaim`, applied through `StepEngine`: its pause point, then its
/// re-check (the btrfs at the mountpoint, reached inside --root through no link, is still the
/// planned store), then the action, then its failpoint. The room steps lend the store room
/// and give it back; each finds what an interrupted run did and finishes it (idempotent).
public struct ReclaimStep: AppliedStep, Equatable {
    /// Its raw value is the step's id and failpoint name, in the order steps run.
    public enum Kind: String, StepKind {
        /// Journal the run (and cancel an interrupted run's balance).
        case begin = "reclaim-begin"
        /// Lending: the room in the journal first, then the image grown (extend, tell the loop
        /// device, resize the btrfs device) or a temporary member added (its file, the add, its
        /// identity recorded).
        case roomJournal = "room-journal"
        case roomExtend = "room-extend"
        case roomLoop = "room-loop"
        case roomResize = "room-resize"
        case roomFile = "room-file"
        case roomAdd = "room-add"
        case roomRecord = "room-record"
        /// The escalating balance rounds within the budgets; lends the room when a round runs
        /// out of space and none is lent yet.
        case balance = "balance"
        /// Giving back: the btrfs device shrunk and the image cut to its old size, or the
        /// temporary member removed and its file deleted.
        case roomShrink = "room-shrink"
        case roomTruncate = "room-truncate"
        case roomRemove = "room-remove"
        case roomDelete = "room-delete"
        /// The journal removed.
        case finish = "reclaim-finish"
        /// The run recorded for the check metrics (last-reclaim.json).
        case record = "record"

        /// Failpoints reached inside the step, before its own: while a round runs (from
        /// `BalanceWatch`) and after each round.
        public var inner: [String] { self == .balance ? ["balance-running", "balance-round"] : [] }

        static func lending(_ room: TemporaryRoom.Kind) -> [Kind] {
            room == .image ? [.roomJournal, .roomExtend, .roomLoop, .roomResize] : [.roomJournal, .roomFile, .roomAdd, .roomRecord]
        }

        static func givingBack(_ room: TemporaryRoom.Kind) -> [Kind] {
            room == .image ? [.roomShrink, .roomTruncate] : [.roomRemove, .roomDelete]
        }
    }

    public typealias Context = RoomLender

    public var kind: Kind
    /// The room a room step lends or gives back.
    public var room: TemporaryRoom?
    /// A lending step planned only for when a round runs out of space.
    public var whenNeeded: Bool

    public init(_ kind: Kind, room: TemporaryRoom? = nil, whenNeeded: Bool = false) {
        self.kind = kind
        self.room = room
        self.whenNeeded = whenNeeded
    }

    /// Every failpoint reclaim can reach, in order: what `--list-failpoints` prints.
    public static var failpoints: [String] { Kind.allCases.flatMap { $0.inner + [$0.rawValue] } }

    /// The steps of a plan, in order: lending (first, or only when a round runs out of space),
    /// the rounds, giving back, the journal removed, the run recorded. Nothing to do is
    /// only recorded.
    public static func steps(_ plan: ReclaimPlan) -> [ReclaimStep] {
        if plan.isNothingToDo { return [ReclaimStep(.record)] }
        var steps = [ReclaimStep(.begin)]
        let room = plan.room
        if let room {
            steps += Kind.lending(room.kind).map { ReclaimStep($0, room: room, whenNeeded: !plan.roomFirst) }
        }
        if !plan.rounds.isEmpty { steps.append(ReclaimStep(.balance)) }
        if let room {
            steps += Kind.givingBack(room.kind).map { ReclaimStep($0, room: room) }
        }
        return steps + [ReclaimStep(.finish), ReclaimStep(.record)]
    }

    public func plannedWrites(_ lender: RoomLender) throws -> [WritePreflight.PlannedWrite] {
        let host = lender.host
        let journal = WritePreflight.PlannedWrite.inRoot(ReclaimJournal.path, on: host, bytes: 4096, makesFolders: true)
        switch kind {
        case .begin, .roomJournal, .roomRecord: return [journal]
        case .finish: return [.removal(ReclaimJournal.path, on: host)]
        case .record: return [.inRoot(LastReclaimRecord.path, on: host, bytes: 4096, makesFolders: true)]
        // Sparse: its blocks come from the host as the balance writes; the planner kept the room
        // free. Its folder is the journal's, which the journal's first write makes.
        case .roomFile: return [.inRoot(ReclaimJournal.roomFile, on: host, bytes: 0, makesFolders: true)]
        case .roomDelete: return [.removal(ReclaimJournal.roomFile, on: host)]
        case .roomExtend, .roomTruncate:
            guard let image = room?.image else { return [] }
            guard let inside = try host.hostPath(ofReal: image) else {
                throw DockStoreError.refused("the image \(image) lies outside --root \(host.root); reclaim changes nothing outside it")
            }
            return [.inRoot(inside, on: host, bytes: 0, makesFolders: false)]
        case .roomLoop, .roomResize, .roomAdd, .balance, .roomShrink, .roomRemove: return []
        }
    }

    /// Every step up to giving the room back first finds the planned btrfs at the mountpoint,
    /// reached inside --root through no link (the room file and the journal sit beside it).
    public func recheck(_ lender: RoomLender) throws {
        switch kind {
        case .finish, .record: return
        default: try lender.host.checkStore(at: lender.mountpoint, uuid: lender.uuid, before: (verb: "change", done: "changed by [\(id)]"))
        }
    }

    public var description: String {
        let room = room ?? TemporaryRoom(kind: .image, bytes: 0)
        let image = room.image ?? "?", file = room.file ?? "?"
        let grown = ByteSize.format(room.grownSize), old = ByteSize.format(room.originalSize ?? 0)
        let when = whenNeeded ? "if a round runs out of space: " : ""
        switch kind {
        case .begin: return "record the run in \(ReclaimJournal.path.string) (a killed run is finished by the next)"
        case .roomJournal: return "\(when)record the room to lend in the journal: \(room.lentDescription)"
        case .roomExtend: return "\(when)extend \(image) from \(old) to \(grown) (sparse)"
        case .roomLoop: return "\(when)tell its loop device the image grew (LOOP_SET_CAPACITY)"
        case .roomResize: return "\(when)resize its btrfs device to \(grown)"
        case .roomFile: return "\(when)create the sparse \(ByteSize.format(room.bytes)) file \(file)"
        case .roomAdd: return "\(when)add it to the store as a temporary member"
        case .roomRecord: return "\(when)record the member's devid and device UUID in the journal"
        case .balance: return "balance by rising usage until healthy or a budget is spent"
        case .roomShrink: return "shrink the btrfs device back to its old size (moving the chunks beyond it)"
        case .roomTruncate: return "cut \(image) back to \(old)"
        case .roomRemove: return "remove the temporary member (its chunks move back)"
        case .roomDelete: return "delete \(file)"
        case .finish: return "remove the journal"
        case .record: return "record the run for dockstore check (\(LastReclaimRecord.path.string))"
        }
    }
}
