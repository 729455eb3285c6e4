/// One balance of `dockstore reclaim`: the chunks of one kind less full than a percentage.
public struct ReclaimRound: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case data
        /// Metadata, and the system chunks with it (as btrfs-progs balances them).
        case metadata
    }

    public var kind: Kind
    /// Relocates only the chunks less than this percent full.
    public var usage: Int

    public init(_ kind: Kind, usage: Int) {
        self.kind = kind
        self.usage = usage
    }

    /// `-dusage=10`, as btrfs-progs spells the filter.
    public var filter: String {
        BtrfsBalance.describe(dataUsage: kind == .data ? usage : nil, metadataUsage: kind == .metadata ? usage : nil)
    }
}
