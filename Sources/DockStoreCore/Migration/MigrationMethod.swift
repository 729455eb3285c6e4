/// How `migrate-ebs` moves the store.
public enum MigrationMethod: String, Sendable, Equatable, Codable, CaseIterable {
    /// Shrink the image's device to the target's size where it is larger, replace it with the
    /// target (BTRFS_IOC_DEV_REPLACE: device extents are copied, back references never
    /// touched, so the time does not grow with the number of layers), grow onto the target.
    case replace
    /// Add the target, remove the image's device (every extent is relocated with its back
    /// references: the time grows with the number of layers). The fallback where replace
    /// cannot serve, and how dockstore before 2026-12 moved the store.
    case addRemove = "add-remove"

    /// `DOCKSTORE_MIGRATE_METHOD=add-remove|replace` forces a method for a new migration; for
    /// tests and benchmarks (documented as such in dockstore-migrate-ebs(8)).
    public static let variable = "DOCKSTORE_MIGRATE_METHOD"

    public var summary: String {
        switch self {
        case .replace: return "device replace (shrink the image's device to the target's size where larger, replace it, grow)"
        case .addRemove: return "device add + remove (every extent relocated)"
        }
    }

    /// The failpoints of a move by this method, in order.
    public var failpoints: [String] {
        MigrationStep.Kind.allCases.filter { $0.runs(self, abort: false) }.map(\.rawValue)
    }

    /// The failpoints of `--abort` of a move by this method.
    public var abortFailpoints: [String] {
        MigrationStep.Kind.allCases.filter { $0.runs(self, abort: true) }.map(\.rawValue)
    }
}

/// The method a migration uses, and why.
public struct MigrationMethodChoice: Sendable, Equatable {
    public var method: MigrationMethod
    public var reason: String

    public init(_ method: MigrationMethod, _ reason: String) {
        self.method = method
        self.reason = reason
    }
}
