/// Nagios plugin states, with their exit codes.
public enum CheckState: Int32, Sendable, Codable, Comparable, CaseIterable {
    case ok = 0, warning = 1, critical = 2, unknown = 3

    public var label: String {
        switch self {
        case .ok: return "OK"
        case .warning: return "WARNING"
        case .critical: return "CRITICAL"
        case .unknown: return "UNKNOWN"
        }
    }

    public static func < (a: CheckState, b: CheckState) -> Bool { a.severity < b.severity }

    /// monitoring-plugins' `max_state_alt` order, OK < UNKNOWN < WARNING < CRITICAL: a part
    /// that cannot be read never hides a WARNING or CRITICAL found in the rest, and an
    /// otherwise OK check with an unreadable part is UNKNOWN.
    var severity: Int {
        switch self {
        case .ok: return 0
        case .unknown: return 1
        case .warning: return 2
        case .critical: return 3
        }
    }
}

/// One finding: its state, the figure it is about and a message that names the figure,
/// the threshold and what to do.
public struct CapacityReason: Sendable, Equatable, Codable {
    public var state: CheckState
    public var figure: String
    public var message: String

    public init(state: CheckState, figure: String, message: String) {
        self.state = state
        self.figure = figure
        self.message = message
    }
}
