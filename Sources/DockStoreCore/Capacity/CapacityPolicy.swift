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
        let one = f.metadataChunkNeed
        let warning = unallocatedWarning ?? ((try? NagiosRange("\(2 * one):", what: "")) ?? dataWarning)
        let critical = unallocatedCritical ?? ((try? NagiosRange("\(one):", what: "")) ?? dataCritical)
        return (warning, critical)
    }
}

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

    /// UNKNOWN sorts between WARNING and CRITICAL for "worst of", as the guidelines suggest.
    var severity: Int {
        switch self {
        case .ok: return 0
        case .warning: return 1
        case .unknown: return 2
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
}

/// Judges figures against a policy.
public enum CapacityEvaluator {
    public static func evaluate(_ f: CapacityFigures, _ policy: CapacityPolicy) -> [CapacityReason] {
        var reasons: [CapacityReason] = []
        func level(_ value: UInt64, base: UInt64, _ w: NagiosRange, _ c: NagiosRange) -> (CheckState, NagiosRange)? {
            if c.alerts(value, base: base) { return (.critical, c) }
            if w.alerts(value, base: base) { return (.warning, w) }
            return nil
        }
        func pct(_ part: UInt64, _ whole: UInt64) -> String {
            whole == 0 ? "0%" : String(percent: Double(part) * 100 / Double(whole))
        }

        // Data: what Docker can still write (capped by the host for an image).
        let hostBinding = f.host.map { $0.hostAvailableBytes < f.dataFree } ?? false
        if let (state, range) = level(f.dataFree, base: f.dataCapacity, policy.dataWarning, policy.dataCritical) {
            reasons.append(CapacityReason(state: state, figure: "data_free",
                message: "data free \(ByteSize.format(f.dataFree)) (\(pct(f.dataFree, f.dataCapacity)) of \(ByteSize.format(f.dataCapacity))) is outside \(range): remove unused images (docker image prune -a), grow the store (dockstore grow) or move it to a larger EBS volume"))
        }

        // The host under a thin image: it fills before btrfs does.
        if let host = f.host, hostBinding {
            let w = policy.hostWarning ?? policy.dataWarning
            let c = policy.hostCritical ?? policy.dataCritical
            if let (state, range) = level(host.hostAvailableBytes, base: f.dataCapacity, w, c) {
                reasons.append(CapacityReason(state: state, figure: "host_free",
                    message: "the host filesystem under \(host.image) has \(ByteSize.format(host.hostAvailableBytes)) free, less than the \(ByteSize.format(f.dataFree)) btrfs can still take, and outside \(range) of \(ByteSize.format(f.dataCapacity)): writes will fail with I/O errors; grow the root volume or move the store to EBS (dockstore migrate-ebs)"))
            }
        }

        // Metadata: ENOSPC comes when it is nearly full and no chunk can be added.
        if f.filesystem == "btrfs" {
            let (uw, uc) = policy.unallocatedRanges(f)
            let metaLevel = level(f.metadataFree, base: f.metadataSize, policy.metadataWarning, policy.metadataCritical)
            let unallocLevel = level(f.unallocated, base: f.deviceSize, uw, uc)
            if let (ms, mr) = metaLevel, let (us, ur) = unallocLevel {
                let state = min(ms, us)
                reasons.append(CapacityReason(state: state, figure: "metadata_free",
                    message: "metadata free \(ByteSize.format(f.metadataFree)) (\(pct(f.metadataFree, f.metadataSize))) is outside \(mr) while unallocated \(ByteSize.format(f.unallocated)) is outside \(ur) (one metadata chunk needs \(ByteSize.format(f.metadataChunkNeed))): writes will fail with ENOSPC although df shows space; run btrfs balance start -dusage=10 \(f.mountpoint) to return empty data chunks, or grow the store"))
            }
        }

        // Device errors: lost writes or flushes are data loss in progress.
        for device in f.devices {
            let bad = ["write_errs", "flush_errs"].filter { (device.errors[$0] ?? 0) > 0 }
            let doubtful = ["read_errs", "corruption_errs", "generation_errs"].filter { (device.errors[$0] ?? 0) > 0 }
            if !bad.isEmpty || !doubtful.isEmpty {
                let counts = (bad + doubtful).map { "\($0)=\(device.errors[$0] ?? 0)" }.joinedText(" ")
                reasons.append(CapacityReason(state: bad.isEmpty ? .warning : .critical, figure: "device_errors",
                    message: "device \(device.path) (devid \(device.devid)) has \(counts): check the disk (dmesg, btrfs device stats \(f.mountpoint)) and run btrfs scrub start \(f.mountpoint)"))
            }
        }
        return reasons.sorted { $0.state > $1.state }
    }
}

extension String {
    /// `12.3%` with one decimal.
    init(percent value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)%"
    }
}
