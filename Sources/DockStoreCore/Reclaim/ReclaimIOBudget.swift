/// How many bytes `dockstore reclaim` may relocate (`--io-budget SIZE`), and how the bytes a
/// balance moved are counted.
///
/// The kernel reports a balance in chunks (expected, considered, completed: `btrfs balance
/// status` prints the same counters), not bytes. A usage filter relocates a chunk only when
/// its used bytes are below the percentage of its length (`chunk_usage_filter`: `used <
/// length * usage / 100`, and `usage=0` only empty chunks), so each relocated chunk is charged
/// that bound: its size times the round's usage, times the profile's copies (DUP metadata is
/// written twice). It never counts less than was written, and the empty chunks the first
/// rounds return cost nothing, as they cost no I/O.
public enum ReclaimIOBudget {
    /// A tenth of the store: relocating more than that is a large part of a full balance,
    /// which reclaim never runs; and a few chunks' worth of nearly empty chunks (what brings
    /// a store back) stays well inside it.
    public static let storeShare: UInt64 = 10
    /// At least this much, so that a small store can still move a few half-full chunks.
    public static let minimumDefault: UInt64 = 1 << 30

    /// The budget when `--io-budget` is not given: a tenth of the store's size (its size
    /// before any room is lent), at least 1 GiB.
    public static func defaultBytes(storeSize: UInt64) -> UInt64 {
        max(minimumDefault, storeSize / storeShare)
    }

    public static func parse(_ text: String) throws -> UInt64 {
        let bytes = try ByteSize.parse(text, what: "--io-budget")
        guard bytes > 0 else {
            throw DockStoreError.usage("--io-budget '\(text)' is zero: reclaim would change nothing; give a size like 512M or 4G")
        }
        return bytes
    }

    /// The bytes one round is charged for `completed` relocated chunks of `chunkBytes` raw
    /// bytes each (copies included).
    public static func charge(_ round: ReclaimRound, completed: UInt64, chunkBytes: UInt64) -> UInt64 {
        let usage = UInt64(max(0, min(100, round.usage)))
        let perChunk = chunkBytes / 100 * usage + chunkBytes % 100 * usage / 100
        let (total, overflow) = perChunk.multipliedReportingOverflow(by: completed)
        return overflow ? UInt64.max : total
    }

    /// The raw bytes of the largest chunk of `kind` the store can hold now: the kernel's
    /// chunk size (`allocation/<kind>/chunk_size`), capped at a tenth of the writable bytes
    /// as the kernel caps it, times the profile's copies. Chunks allocated while the store
    /// was smaller are smaller, so this bounds every chunk a round moves.
    public static func chunkBytes(_ kind: ReclaimRound.Kind, _ f: CapacityFigures, dataChunkSetting: UInt64) -> UInt64 {
        switch kind {
        case .data:
            let chunk = f.deviceSize > 0 ? min(dataChunkSetting, f.deviceSize / 10) : dataChunkSetting
            return UInt64(Double(chunk) * max(f.dataRatio, 1))
        case .metadata:
            return f.metadataChunkNeed
        }
    }
}
