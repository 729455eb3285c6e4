/// What a `dockstore reclaim` run did: the rounds it ran, the room it lent, how it ended,
/// and the figures before and after.
public struct ReclaimResult: Sendable, Equatable {
    public struct Round: Sendable, Equatable {
        public var round: ReclaimRound
        public var considered: UInt64
        public var relocated: UInt64
        /// What the relocated chunks are charged against the I/O budget (`ReclaimIOBudget`).
        public var bytes: UInt64 = 0
        public var seconds: Double
        /// Cut short by a budget.
        public var interrupted: Bool
    }

    public var outcome: LastReclaimRecord.Outcome
    public var rounds: [Round] = []
    public var room: TemporaryRoom?
    public var before: CapacityFigures
    public var after: CapacityFigures?
    /// Why it failed, or what is left to do.
    public var message: String?
    /// Why last-reclaim.json could not be written for this run, and what to do; the file
    /// still holds the run before (`ReclaimAfterChange.recordProblem`).
    public var recordProblem: String?
    /// Raw bytes of the lent room in place when the run gave it back (0 when none was in
    /// place); nil when the room was not given back (or none was lent).
    public var roomGivenBack: UInt64?

    /// The command that goes on from here, for this store (its --root, mountpoint, image).
    public var rerun: String { Remedy.reclaim(before) }

    /// The sentence a run's output ends with, in text and in `--json`'s `message`: how it
    /// ended and what is left to do; for a failed run, why.
    public var summary: String {
        switch outcome {
        case .healthy: return "Healthy: \(chunksRelocated) chunks relocated."
        case .budgetSpent: return "Budget spent after \(chunksRelocated) chunks relocated; run \(rerun) again to go on."
        case .ioBudgetSpent: return "I/O budget spent: \(chunksRelocated) chunks, at most \(ByteSize.format(bytesRelocated)) relocated; run \(rerun) again to go on."
        case .nothingToDo: return ReclaimPlan.nothingToDo
        case .failed: return message ?? "reclaim failed"
        }
    }

    public var chunksRelocated: UInt64 { rounds.reduce(0) { $0 + $1.relocated } }
    /// Bytes charged against the I/O budget, every round's together.
    public var bytesRelocated: UInt64 { rounds.reduce(0) { $0.addingClamped($1.bytes) } }
}
