/// Whether the kernel can start a device replace of a one-device store, from the figures
/// `migrate-ebs` reads anyway (DEV_INFO, SPACE_INFO).
///
/// The replace copies with the scrub code, which first marks every chunk of the source
/// read-only (scrub_enumerate_chunks → btrfs_inc_block_group_ro, and for a replace a chunk
/// that cannot be marked fails START with ENOSPC). A system or metadata chunk may go
/// read-only only if the rest can overcommit by its free space (btrfs_can_overcommit,
/// no flush); a system chunk cannot be allocated on that path, so the allowance must be
/// positive. The allowance (calc_available_free_space) is the unallocated room at the
/// chunk's profile, less one data chunk (a tenth of the device, at most 1 GiB), halved.
/// A nearly empty system chunk therefore blocks the replace while the unallocated room is
/// under about two data chunks (DUP): on a 4 GiB image, 648 MiB unallocated fails and
/// 1064 MiB starts. The global reserve's promises count as used, so the prediction asks
/// the allowance to exceed it.
///
/// Measured on Linux 6.18 (4 GiB loop images, 2 GiB fallocated, the btrfs device shrunk to
/// place the unallocated room, a fresh store for each point, `btrfs replace start`), as
/// unallocated − data chunk × copies where START failed / started:
/// - DUP as mkfs.btrfs makes it (provision's store): fails at 0, starts at +2.5 MiB;
/// - single as `mkfs.btrfs -m single` makes it (4 MiB system, 8 MiB metadata chunk): fails
///   at −409 bytes, starts at +1 MiB;
/// - single after `btrfs balance -mconvert=single -sconvert=single` of provision's store
///   (32 MiB system, 256 MiB metadata chunk): fails at +10.5 MB, starts at +16.8 MB, with
///   twice the global reserve 11 MiB.
/// So the global reserve matters on some layouts and not on others; the rule takes the
/// envelope (data chunk + twice the reserve, at the system profile's copies), which never
/// predicted a start the kernel refused, and sends stores within twice the reserve of the
/// kernel's threshold to add + remove, which only costs time. Dropping the reserve term
/// (tried) predicted a start that the converted single store refused with ENOSPC.
public struct ReplaceStartRoom: Sendable, Equatable {
    /// Copies the system chunks keep (2 for DUP, the default of mkfs.btrfs on one device).
    public var systemRatio: UInt64
    /// The global block reserve (SPACE_INFO's global reserve total).
    public var globalReserve: UInt64

    public init(systemRatio: UInt64, globalReserve: UInt64) {
        self.systemRatio = systemRatio
        self.globalReserve = globalReserve
    }

    /// The figures of a store as the kernel reports them.
    public init(_ reading: BtrfsReading) {
        let system = reading.spaces.first { !$0.isGlobalReserve && $0.flags & BtrfsReading.Space.system != 0 }
        systemRatio = system?.ratio ?? 2
        globalReserve = reading.spaces.filter(\.isGlobalReserve).reduce(0) { $0 + $1.total }
    }

    /// The data chunk the kernel keeps out of the overcommit allowance (calc_effective_data_chunk_size).
    public static func dataChunk(deviceSize: UInt64) -> UInt64 { min(1 << 30, deviceSize / 10) }

    /// The unallocated bytes a device of `deviceSize` needs for a replace to start.
    public func needed(deviceSize: UInt64) -> UInt64 {
        (Self.dataChunk(deviceSize: deviceSize) + 2 * globalReserve + 1) * max(systemRatio, 1)
    }

    /// Why the replace of a device of `deviceSize` (after any shrink) with `allocated`
    /// bytes in chunks cannot start; nil when it can.
    public func shortfall(deviceSize: UInt64, allocated: UInt64) -> String? {
        let unallocated = deviceSize > allocated ? deviceSize - allocated : 0
        let need = needed(deviceSize: deviceSize)
        guard unallocated < need else { return nil }
        return "the store has \(ByteSize.format(unallocated)) unallocated of \(ByteSize.format(deviceSize)), and the kernel starts a replace only when every chunk can be marked read-only, which for the system chunk takes more than \(ByteSize.format(need)) unallocated (a data chunk of \(ByteSize.format(Self.dataChunk(deviceSize: deviceSize))) and twice the global reserve, at the system profile's \(systemRatio == 1 ? "one copy" : "\(systemRatio) copies")); adding the target gives the store that room"
    }
}
