/// The thresholds `check` judges with. Every threshold is a Nagios range on a *free*
/// figure; the defaults need no tuning and follow how btrfs really fails.
public struct CapacityPolicy: Sendable, Equatable {
    /// Effective data free, percent of data capacity.
    public var dataWarning: NagiosRange
    public var dataCritical: NagiosRange
    /// Metadata free (after reservations), percent of metadata size.
    public var metadataWarning: NagiosRange
    public var metadataCritical: NagiosRange
    /// Unallocated raw bytes; nil means "two / one metadata chunks" (chunk size × ratio).
    public var unallocatedWarning: NagiosRange?
    public var unallocatedCritical: NagiosRange?
    /// Host free for an image, percent of data capacity; nil means the data thresholds.
    public var hostWarning: NagiosRange?
    public var hostCritical: NagiosRange?
    /// How long device errors stay CRITICAL after a run first saw them rise.
    public var errorHold = ErrorHold.default

    public init(dataWarning: String = "20%:", dataCritical: String = "10%:",
                metadataWarning: String = "25%:", metadataCritical: String = "10%:",
                unallocatedWarning: String? = nil, unallocatedCritical: String? = nil,
                hostWarning: String? = nil, hostCritical: String? = nil, errorHold: String? = nil) throws {
        self.dataWarning = try NagiosRange(dataWarning, what: "--warning")
        self.dataCritical = try NagiosRange(dataCritical, what: "--critical")
        self.metadataWarning = try NagiosRange(metadataWarning, what: "--metadata-warning")
        self.metadataCritical = try NagiosRange(metadataCritical, what: "--metadata-critical")
        self.unallocatedWarning = try unallocatedWarning.map { try NagiosRange($0, what: "--unallocated-warning") }
        self.unallocatedCritical = try unallocatedCritical.map { try NagiosRange($0, what: "--unallocated-critical") }
        self.hostWarning = try hostWarning.map { try NagiosRange($0, what: "--host-warning") }
        self.hostCritical = try hostCritical.map { try NagiosRange($0, what: "--host-critical") }
        if let errorHold { self.errorHold = try ErrorHold(errorHold) }
    }

    /// Whether the unallocated space alone (metadata not under pressure) is a finding. With the
    /// default threshold, "one metadata chunk", it is not while the metadata chunks already hold
    /// a whole chunk's worth free beyond the global reserve: btrfs adds a metadata chunk only
    /// once the metadata space is about 80% used (should_alloc_chunk), so such a store has
    /// the reserve one more chunk would give it, and the chunk is not needed yet. This is what
    /// a small store needs: there a chunk is capped at a tenth of the filesystem
    /// (init_alloc_chunk_ctl_policy_regular), twice that raw for DUP metadata, so one chunk
    /// is 20% of the device; and a metadata chunk the kernel adds while `dockstore reclaim`
    /// lends room is a tenth of the larger store, holding more free metadata after the room
    /// is given back than the unallocated space could have. A threshold the user set is
    /// judged on its own.
    func unallocatedAloneMatters(_ f: CapacityFigures) -> Bool {
        unallocatedCritical != nil || f.metadataFree < f.metadataChunkSize
    }

    /// The unallocated thresholds in force for these figures.
    func unallocatedRanges(_ f: CapacityFigures) -> (warning: NagiosRange, critical: NagiosRange) {
        let one = Double(f.metadataChunkNeed)
        let warning = unallocatedWarning ?? NagiosRange(below: 2 * one)
        let critical = unallocatedCritical ?? NagiosRange(below: one)
        return (warning, critical)
    }
}
