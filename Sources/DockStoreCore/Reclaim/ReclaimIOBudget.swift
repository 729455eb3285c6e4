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

    /// The most one device stripe of a chunk holds (`init_alloc_chunk_ctl_policy_regular`:
    /// `max_stripe_size = min(chunk_size, SZ_1G)`).
    public static let maximumStripe: UInt64 = 1 << 30

    /// The raw bytes of the largest chunk of `kind` the store can hold now: the kernel's
    /// chunk size (`allocation/<kind>/chunk_size`), capped as the kernel caps it at a tenth
    /// of the writable bytes and at one 1 GiB stripe a device, times the profile's copies.
    /// The data chunk size reads 10 GiB on a store over 50 GiB, yet a chunk on one device is
    /// 1 GiB: without the stripe cap each chunk of the 100 GiB image was charged ten times
    /// what it can hold. Chunks allocated while the store was smaller are smaller, so this
    /// bounds every chunk a round moves.
    public static func chunkBytes(_ kind: ReclaimRound.Kind, _ f: CapacityFigures, dataChunkSetting: UInt64) -> UInt64 {
        switch kind {
        case .data:
            var chunk = f.deviceSize > 0 ? min(dataChunkSetting, f.deviceSize / 10) : dataChunkSetting
            // A chunk has at most one data stripe a device (RAID1, DUP: fewer), a missing one
            // included; no device list read means no cap, so the charge is never less than
            // was written.
            let devices = UInt64(f.devices.count)
            if devices > 0 { chunk = min(chunk, maximumStripe.multipliedReportingOverflow(by: devices).partialValue) }
            return UInt64(Double(chunk) * max(f.dataRatio, 1))
        case .metadata:
            return f.metadataChunkNeed
        }
    }
}
