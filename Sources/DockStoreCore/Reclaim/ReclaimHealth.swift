/// When a store needs `dockstore reclaim`: the findings of `check`'s own rules
/// (`CapacityEvaluator`) that a balance can remedy, judged as if the room reclaim lent
/// were already given back.
public enum ReclaimHealth {
    /// The figures of `CapacityEvaluator` a balance can change.
    public static let remediable: Set<String> = ["metadata_free", "unallocated"]

    public static func problems(_ figures: CapacityFigures, policy: CapacityPolicy, lent: UInt64) -> [CapacityReason] {
        // The clock judges only the device errors, which no balance remedies.
        CapacityEvaluator.evaluate(figures.withoutRoom(lent), policy, now: 0).filter { remediable.contains($0.figure) }
    }

    /// check's findings, WARNING or worse, that no balance remedies (a qgroup limit, read-only
    /// data roots, device errors are judged by check with its clock and state file: not here).
    public static func otherFindings(_ figures: CapacityFigures, policy: CapacityPolicy, lent: UInt64) -> [CapacityReason] {
        CapacityEvaluator.evaluate(figures.withoutRoom(lent), policy, now: 0).filter { $0.state >= .warning && !remediable.contains($0.figure) }
    }
}

extension CapacityFigures {
    /// The figures once `bytes` of unallocated raw space are taken away again (the room
    /// reclaim lent: chunks in it move back when it goes, so it is unallocated space that goes).
    public func withoutRoom(_ bytes: UInt64) -> CapacityFigures {
        guard bytes > 0 else { return self }
        var f = self
        let taken = min(bytes, unallocated)
        f.deviceSize = deviceSize > bytes ? deviceSize - bytes : 0
        f.unallocated = unallocated - taken
        let oldPart = unallocated >= Self.minUnallocatedThreshold ? UInt64(Double(unallocated) / dataRatio) : 0
        let newPart = f.unallocated >= Self.minUnallocatedThreshold ? UInt64(Double(f.unallocated) / dataRatio) : 0
        let slack = dataFree > oldPart ? dataFree - oldPart : 0
        f.dataFree = slack + newPart
        // A chunk is at most a tenth of the store (init_alloc_chunk_ctl_policy_regular): judged
        // at the old size, a small store needs the smaller chunk it will allocate then.
        f.metadataChunkNeed = min(metadataChunkNeed, UInt64(Double(f.deviceSize / 10) * max(metadataRatio, 1)))
        return f
    }
}
