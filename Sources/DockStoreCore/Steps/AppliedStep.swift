/// One idempotent step a command applies through `StepEngine`. It declares what it is (its
/// kind, hence its id and failpoint), the files it creates, replaces or deletes (checked by
/// `WritePreflight` before the first step acts) and what it re-checks at the moment it acts.
public protocol AppliedStep: Sendable {
    associatedtype Kind: StepKind
    /// What the step needs beyond itself to name its files and re-check its target
    /// (the host, the request); `Void` when it needs nothing.
    associatedtype Context = Host

    var kind: Kind { get }

    /// The files this step writes or removes, for the preflight that runs before any step.
    func plannedWrites(_ context: Context) throws -> [WritePreflight.PlannedWrite]

    /// Throws when what the step acts on is no longer what the plan meant; run right before it acts.
    func recheck(_ context: Context) throws
}

extension AppliedStep {
    public var id: String { kind.rawValue }

    /// The name `DOCKSTORE_FAILPOINT` takes to kill the process right after this step.
    public var failpoint: String { kind.rawValue }

    public func plannedWrites(_ context: Context) -> [WritePreflight.PlannedWrite] { [] }

    public func recheck(_ context: Context) throws {}
}
