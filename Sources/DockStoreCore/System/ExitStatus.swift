/// The exit statuses of every command but `check` (which follows the Nagios plugin
/// guidelines). The man pages document these numbers; keep them in step.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Done, or nothing needed doing.
    case success = 0
    /// A system call or a tool failed while doing the work.
    case failed = 1
    /// Refused: the state on disk makes the request unsafe; nothing was changed.
    case refused = 2
    /// Another dockstore run holds the lock.
    case busy = 3
    /// `status` only: the store is not fully in place (the problems are listed).
    case problems = 4
    /// A bad option or value (EX_USAGE, as swift-argument-parser uses).
    case usage = 64

    public init(_ kind: DockStoreError.Kind) {
        switch kind {
        case .usage: self = .usage
        case .refused: self = .refused
        case .failed: self = .failed
        case .busy: self = .busy
        }
    }
}
