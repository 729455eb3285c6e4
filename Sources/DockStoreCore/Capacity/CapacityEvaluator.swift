/// Judges figures against a policy: first the states in which the figures cannot be
/// trusted or no write succeeds (`ConditionRules`), then the space rules, then the device
/// error counters. Pure, so every state has a row in a table test.
public enum CapacityEvaluator {
    /// `now` (seconds since the epoch) judges how long ago the device errors rose.
    public static func evaluate(_ f: CapacityFigures, _ policy: CapacityPolicy, now: Double) -> [CapacityReason] {
        var reasons = ConditionRules.evaluate(f)
        reasons += spaceRules(f, policy)
        reasons += LimitRules.evaluate(f, policy)
        reasons += DeviceErrorRules.evaluate(f, hold: policy.errorHold, now: now)
        reasons += MaintenanceRules.evaluate(f)
        // Stable: equal states keep the order above (condition first).
        return reasons.enumerated().sorted { a, b in
            a.element.state != b.element.state ? a.element.state > b.element.state : a.offset < b.offset
        }.map(\.element)
    }

    static func level(_ value: UInt64, base: UInt64, _ w: NagiosRange, _ c: NagiosRange) -> (CheckState, NagiosRange)? {
        if c.alerts(value, base: base) { return (.critical, c) }
        if w.alerts(value, base: base) { return (.warning, w) }
        return nil
    }

    static func pct(_ part: UInt64, _ whole: UInt64) -> String {
        whole == 0 ? "0%" : String(percent: Double(part) * 100 / Double(whole))
    }

    static func spaceRules(_ f: CapacityFigures, _ policy: CapacityPolicy) -> [CapacityReason] {
        var reasons: [CapacityReason] = []
        let size = ByteSize.format
        // Data: what Docker can still write (capped by the host for an image).
        if let (state, range) = level(f.dataFree, base: f.dataCapacity, policy.dataWarning, policy.dataCritical) {
            reasons.append(CapacityReason(state: state, figure: "data_free",
                message: "data free \(size(f.dataFree)) (\(pct(f.dataFree, f.dataCapacity)) of \(size(f.dataCapacity))) is \(range.human(base: f.dataCapacity)): \(Remedy.moreRoom(f))"))
        }

        // The host under a thin image: it fills before btrfs does.
        if let host = f.host, host.hostAvailableBytes < f.dataFree {
            let w = policy.hostWarning ?? policy.dataWarning
            let c = policy.hostCritical ?? policy.dataCritical
            if let (state, range) = level(host.hostAvailableBytes, base: f.dataCapacity, w, c) {
                reasons.append(CapacityReason(state: state, figure: "host_free",
                    message: "the host filesystem under \(host.image) has \(size(host.hostAvailableBytes)) free, less than the \(size(f.dataFree)) btrfs can still take, and \(range.human(base: f.dataCapacity)): writes will fail with I/O errors; grow the root volume or move the store to EBS (dockstore migrate-ebs DEVICE \(Remedy.scope(f, image: true)))"))
            }
        }

        // Metadata: ENOSPC comes when it is nearly full and no chunk can be added.
        guard f.filesystem == "btrfs" else { return reasons }
        let (uw, uc) = policy.unallocatedRanges(f)
        let metaLevel = level(f.metadataFree, base: f.metadataSize, policy.metadataWarning, policy.metadataCritical)
        let unallocLevel = level(f.unallocated, base: f.deviceSize, uw, uc)
        let unallocText = "unallocated \(size(f.unallocated)) is \((unallocLevel?.1 ?? uc).human(base: f.deviceSize)) (one metadata chunk needs \(size(f.metadataChunkNeed)))"
        if let (ms, mr) = metaLevel, let (us, _) = unallocLevel {
            reasons.append(CapacityReason(state: min(ms, us), figure: "metadata_free",
                message: "metadata free \(size(f.metadataFree)) (\(pct(f.metadataFree, f.metadataSize))) is \(mr.human(base: f.metadataSize)) while \(unallocText): writes will fail with ENOSPC although df shows space; \(Remedy.unallocated(f))"))
        } else if unallocLevel?.0 == .critical, policy.unallocatedAloneMatters(f) {
            // No metadata chunk can be added: fine until metadata fills, which then is sudden.
            reasons.append(CapacityReason(state: .warning, figure: "unallocated",
                message: "\(unallocText), while metadata still has \(size(f.metadataFree)) free: once that is used, writes fail with ENOSPC although df shows space; \(Remedy.unallocated(f))"))
        }
        return reasons
    }
}

extension String {
    /// `12.3%` with one decimal.
    init(percent value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)%"
    }
}
