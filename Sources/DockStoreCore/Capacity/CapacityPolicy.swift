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

    public init(dataWarning: String = "20%:", dataCritical: String = "10%:",
                metadataWarning: String = "25%:", metadataCritical: String = "10%:",
                unallocatedWarning: String? = nil, unallocatedCritical: String? = nil,
                hostWarning: String? = nil, hostCritical: String? = nil) throws {
        self.dataWarning = try NagiosRange(dataWarning, what: "--warning")
        self.dataCritical = try NagiosRange(dataCritical, what: "--critical")
        self.metadataWarning = try NagiosRange(metadataWarning, what: "--metadata-warning")
        self.metadataCritical = try NagiosRange(metadataCritical, what: "--metadata-critical")
        self.unallocatedWarning = try unallocatedWarning.map { try NagiosRange($0, what: "--unallocated-warning") }
        self.unallocatedCritical = try unallocatedCritical.map { try NagiosRange($0, what: "--unallocated-critical") }
        self.hostWarning = try hostWarning.map { try NagiosRange($0, what: "--host-warning") }
        self.hostCritical = try hostCritical.map { try NagiosRange($0, what: "--host-critical") }
    }

    /// The unallocated thresholds in force for these figures.
    func unallocatedRanges(_ f: CapacityFigures) -> (warning: NagiosRange, critical: NagiosRange) {
        let one = Double(f.metadataChunkNeed)
        let warning = unallocatedWarning ?? NagiosRange(below: 2 * one)
        let critical = unallocatedCritical ?? NagiosRange(below: one)
        return (warning, critical)
    }
}
