/// What `dockstore reclaim` prints with `--json`: the plan, and for a real run what it did,
/// with the figures before and after.
public struct ReclaimReport: Sendable, Equatable, Codable {
    /// The figures a reclaim changes.
    public struct Figures: Sendable, Equatable, Codable {
        public var unallocated: UInt64
        public var dataFree: UInt64
        public var metadataFree: UInt64

        public init(_ f: CapacityFigures) {
            unallocated = f.unallocated
            dataFree = f.dataFree
            metadataFree = f.metadataFree
        }
    }

    public struct Round: Sendable, Equatable, Codable {
        public var filter: String
        public var considered: UInt64?
        public var relocated: UInt64?
        /// What its relocated chunks were charged against the I/O budget.
        public var bytes: UInt64?
        public var seconds: Double?
        public var interrupted: Bool?
    }

    /// The room planned (dry run) or lent: `bytes` to lend, and for a run whether it was
    /// given back and how many bytes of it were in place then (`givenBackBytes`).
    public struct Room: Sendable, Equatable, Codable {
        public var kind: String
        public var bytes: UInt64
        public var description: String
        /// A run's room as it stood lent: the image grown, or the temporary member.
        public var lent: String?
        public var givenBack: Bool?
        public var givenBackBytes: UInt64?

        init(_ room: TemporaryRoom, givenBack: UInt64?? = nil) {
            kind = room.kind.rawValue
            bytes = room.bytes
            description = room.description
            if let givenBack {
                lent = room.lentDescription
                self.givenBack = givenBack != nil
                givenBackBytes = givenBack ?? 0
            }
        }
    }

    public var mountpoint: String
    public var dryRun: Bool
    public var outcome: String?
    public var message: String?
    /// What check finds that a balance can remedy, before the run.
    public var problems: [String]
    public var before: Figures
    public var after: Figures?
    public var chunksRelocated: UInt64?
    /// Bytes the run relocated, as the I/O budget counts them (`ReclaimIOBudget`).
    public var bytesRelocated: UInt64?
    /// The budgets: seconds of balancing and bytes relocated.
    public var budgetSeconds: Double?
    public var ioBudget: UInt64?
    /// The planned rounds (dry run), or the rounds that ran.
    public var rounds: [Round]
    public var room: Room?
    public var roomFirst: Bool?
    public var noRoom: String?
    /// Bytes of room an interrupted run lent, left out of `before` (as the problems were judged).
    public var lent: UInt64?
    /// When that run began (Unix seconds): its room is continued, not lent again.
    public var lentSince: Int64?

    public init(plan: ReclaimPlan, result: ReclaimResult?, budget: Reclaimer.Budget? = nil) {
        mountpoint = plan.mountpoint
        budgetSeconds = plan.isNothingToDo ? nil : budget?.seconds
        ioBudget = plan.isNothingToDo ? nil : budget?.bytes
        dryRun = result == nil
        problems = plan.problems.map(\.message)
        before = Figures(plan.judged)
        lent = plan.lent > 0 ? plan.lent : nil
        lentSince = plan.lentSince
        if let result {
            outcome = result.outcome.rawValue
            message = result.summary
            after = result.after.map(Figures.init)
            chunksRelocated = result.chunksRelocated
            bytesRelocated = result.bytesRelocated
            rounds = result.rounds.map {
                Round(filter: $0.round.filter, considered: $0.considered, relocated: $0.relocated, bytes: $0.bytes,
                      seconds: ($0.seconds * 1000).rounded() / 1000, interrupted: $0.interrupted)
            }
            room = result.room.map { Room($0, givenBack: .some(result.roomGivenBack)) }
        } else {
            outcome = plan.isNothingToDo ? LastReclaimRecord.Outcome.nothingToDo.rawValue : nil
            message = plan.isNothingToDo ? ReclaimPlan.nothingToDo : nil
            rounds = plan.rounds.map { Round(filter: $0.filter) }
            room = plan.room.map { Room($0) }
            roomFirst = plan.room == nil ? nil : plan.roomFirst
            noRoom = plan.noRoom
        }
    }

    /// A run that stopped with `error` after planning (refused by a step's re-check, or
    /// failed): the plan's figures and room, its outcome (`refused`, `failed`) and the error's
    /// line as the message.
    public init(plan: ReclaimPlan, stopped error: DockStoreError, budget: Reclaimer.Budget? = nil) {
        self.init(plan: plan, result: nil, budget: budget)
        dryRun = false
        outcome = Self.outcome(error)
        message = error.message
        roomFirst = nil
        noRoom = nil
        rounds = []
    }

    /// What `--json` prints when reclaim stops before it has a plan (nothing mounted, the lock
    /// held, a journal of another store): the outcome and the error's line.
    public struct Stopped: Sendable, Equatable, Codable {
        public var mountpoint: String
        public var dryRun: Bool
        public var outcome: String
        public var message: String

        public init(mountpoint: String, dryRun: Bool, error: DockStoreError) {
            self.mountpoint = mountpoint
            self.dryRun = dryRun
            outcome = ReclaimReport.outcome(error)
            message = error.message
        }

        public func json() throws -> String { try JSONText.encode(self) }
    }

    /// `refused` (exit 2), `locked` (exit 3), else `failed`.
    static func outcome(_ error: DockStoreError) -> String {
        switch error.kind {
        case .refused: return "refused"
        case .busy: return "locked"
        case .failed, .usage: return LastReclaimRecord.Outcome.failed.rawValue
        }
    }

    public func json() throws -> String { try JSONText.encode(self) }
}
