import DockStoreCore

/// DOCKSTORE_PROFILE=1: each phase of a command and the milliseconds since the previous
/// one, on standard error (for scripts/bench; the figures are the bench's, never a test's).
final class PhaseProfile {
    private let enabled: Bool
    private var last: Double

    static let variable = "DOCKSTORE_PROFILE"

    static func fromEnvironment() -> PhaseProfile {
        PhaseProfile(enabled: CurrentProcess.environment(variable) == "1")
    }

    init(enabled: Bool) {
        self.enabled = enabled
        last = Clock.now()
    }

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = Clock.now()
        Output.error("profile: \(phase) \(Int(((now - last) * 1000).rounded())) ms")
        last = now
    }
}
