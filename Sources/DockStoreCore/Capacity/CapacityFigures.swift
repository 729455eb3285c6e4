/// The figures `check` and `status` judge, computed from a `BtrfsReading` the way
/// `btrfs filesystem usage` computes them (raw bytes over logical bytes for the profile
/// ratio; unallocated space counted as data at the data ratio once it exceeds 16 MiB).
public struct CapacityFigures: Sendable, Equatable, Codable {
    public var filesystem: String
    public var mountpoint: String
    public var uuid: String?
    /// Raw bytes of all devices.
    public var deviceSize: UInt64
    /// Raw bytes not yet given to any chunk.
    public var unallocated: UInt64
    public var dataSize: UInt64
    public var dataUsed: UInt64
    /// `btrfs filesystem usage`'s "Free (estimated)".
    public var dataFree: UInt64
    public var dataRatio: Double
    public var metadataSize: UInt64
    /// Used including reserved, pinned and may-use (the global reserve is inside may-use).
    public var metadataUsed: UInt64
    public var metadataRatio: Double
    public var globalReserve: UInt64
    /// Raw bytes one new metadata chunk takes: chunk size × metadata ratio.
    public var metadataChunkNeed: UInt64
    public var devices: [BtrfsReading.Device]
    public var host: HostBacking?
    /// Missing devices, read-only, a deleted image, a running balance, what was unreadable.
    public var condition = StoreCondition()
    /// Subvolumes of Docker's btrfs driver nothing refers to (check fills it for a btrfs store).
    public var orphans: OrphanTally?
    /// The last reclaim and scrub (check fills it).
    public var maintenance: MaintenanceRecord?
    /// What remedies need to name commands that work on this store (`Remedy`); nil: the
    /// running system, no member known to be an EBS volume.
    public var remedyContext: RemedyContext?
    /// Inodes of an xfs or ext4 store (statfs f_files / f_ffree); nil for btrfs, which has no
    /// fixed count (f_files 0), and wherever the filesystem reports none.
    public var inodes: InodeFigures?
    /// btrfs quotas on the data root's qgroup and those above it; nil when quotas are off.
    public var quota: QuotaReading?

    static let minUnallocatedThreshold: UInt64 = 16 << 20

    /// Logical bytes one new metadata chunk holds (`metadataChunkNeed` at the metadata ratio).
    public var metadataChunkSize: UInt64 { UInt64(Double(metadataChunkNeed) / max(metadataRatio, 1)) }

    /// What Docker can still write: the data estimate, less what btrfs counts on devices beyond
    /// their end, capped by the host for an image and by the tightest qgroup limit.
    public var effectiveFree: UInt64 { effectiveLimit.free }

    /// What limits `effectiveFree`: `btrfs`, `device` (a member smaller than btrfs thinks),
    /// `host` (the filesystem under the image) or `qgroup` (a quota limit), and the figure.
    public var effectiveLimit: (free: UInt64, by: String) {
        var best = (free: dataFree, by: "btrfs")
        if filesystem != "btrfs" { best.by = filesystem }
        let shortfall = UInt64(Double(deviceShortfall) / max(dataRatio, 1))
        if shortfall > 0 { best = (dataFree > shortfall ? dataFree - shortfall : 0, "device") }
        if let host, host.hostAvailableBytes < best.free { best = (host.hostAvailableBytes, "host") }
        if let room = quota?.tightest, room.free < best.free { best = (room.free, "qgroup") }
        return best
    }

    /// Raw bytes btrfs counts on its present devices beyond their ends (`Device.shortfall`).
    public var deviceShortfall: UInt64 { devices.reduce(0) { $0 + $1.shortfall } }

    /// Used + free: the data capacity percentages refer to.
    public var dataCapacity: UInt64 { dataUsed + dataFree }

    /// How far metadata reservations may go beyond the metadata chunks: the kernel lets them
    /// overcommit by an eighth of the unallocated space (at the metadata ratio) when it may
    /// flush (calc_available_free_space), since a new chunk could back them.
    public var metadataOvercommit: UInt64 { UInt64(Double(unallocated) / max(metadataRatio, 1)) / 8 }

    /// Metadata room left for new reservations before ENOSPC: size plus the overcommit
    /// allowance, less everything used, reserved, pinned or promised.
    public var metadataFree: UInt64 { metadataRoom > metadataUsed ? metadataRoom - metadataUsed : 0 }

    /// The most metadata reservations can reach: the metadata chunks plus the overcommit
    /// allowance; the most `metadataFree` can be (its perfdata max).
    public var metadataRoom: UInt64 { metadataSize + metadataOvercommit }

    public init(btrfs reading: BtrfsReading, mountpoint: String, host: HostBacking?) {
        filesystem = "btrfs"
        self.mountpoint = mountpoint
        uuid = reading.uuid
        self.host = host
        devices = reading.devices
        // A missing device (mounted degraded) keeps its size in DEV_INFO, but none of it can
        // take a chunk: leave it out of the size and the unallocated space.
        let present = reading.devices.filter { !$0.isMissing }
        condition.missingDevices = reading.devices.filter(\.isMissing).map(\.devid)
        deviceSize = present.reduce(0) { $0 + $1.size }
        var rawData: UInt64 = 0, rawDataUsed: UInt64 = 0, logicalData: UInt64 = 0, logicalDataUsed: UInt64 = 0
        var rawMeta: UInt64 = 0, logicalMeta: UInt64 = 0, logicalMetaUsed: UInt64 = 0, rawSystem: UInt64 = 0
        var reserve: UInt64 = 0
        for space in reading.spaces {
            if space.isGlobalReserve {
                reserve += space.total
                continue
            }
            let raw = space.total * space.ratio
            if space.flags & BtrfsReading.Space.data != 0 {
                rawData += raw
                rawDataUsed += space.used * space.ratio
                logicalData += space.total
                logicalDataUsed += space.used
            } else if space.flags & BtrfsReading.Space.metadata != 0 {
                rawMeta += raw
                logicalMeta += space.total
                logicalMetaUsed += space.used
            } else if space.flags & BtrfsReading.Space.system != 0 {
                rawSystem += raw
            }
        }
        let allocated = rawData + rawMeta + rawSystem
        if condition.missingDevices.isEmpty {
            unallocated = deviceSize > allocated ? deviceSize - allocated : 0
        } else {
            unallocated = present.reduce(0) { $0 + ($1.size > $1.used ? $1.size - $1.used : 0) }
        }
        dataRatio = logicalData > 0 ? Double(rawData) / Double(logicalData) : 1
        metadataRatio = logicalMeta > 0 ? Double(rawMeta) / Double(logicalMeta) : 2
        dataSize = logicalData
        dataUsed = logicalDataUsed
        var free = Double(rawData - min(rawData, rawDataUsed)) / dataRatio
        if unallocated >= Self.minUnallocatedThreshold { free += Double(unallocated) / dataRatio }
        dataFree = UInt64(free)
        metadataSize = logicalMeta
        globalReserve = reserve
        metadataUsed = reading.metadataCommitted ?? (logicalMetaUsed + reserve)
        // The kernel caps a chunk at a tenth of the writable bytes (init_alloc_chunk_ctl_policy_regular).
        let configured = reading.metadataChunkSize ?? (deviceSize > 50 << 30 ? 1 << 30 : 256 << 20)
        let chunk = deviceSize > 0 ? min(configured, deviceSize / 10) : configured
        metadataChunkNeed = UInt64(Double(chunk) * metadataRatio)
    }

    /// For a store on another filesystem (xfs, ext4): only what statvfs says.
    public init(filesystem: String, mountpoint: String, total: UInt64, available: UInt64, used: UInt64) {
        self.filesystem = filesystem
        self.mountpoint = mountpoint
        uuid = nil
        deviceSize = total
        unallocated = 0
        dataSize = total
        dataUsed = used
        dataFree = available
        dataRatio = 1
        metadataSize = 0
        metadataUsed = 0
        metadataRatio = 1
        globalReserve = 0
        metadataChunkNeed = 0
        devices = []
        host = nil
    }
}

/// The inodes of a filesystem with a fixed (or, on xfs, space-bound) inode count: when none is
/// free, every file create fails with ENOSPC although df shows space (overlay2's layers are
/// many small files).
public struct InodeFigures: Sendable, Equatable, Codable {
    public var total: UInt64
    public var free: UInt64

    public init(total: UInt64, free: UInt64) {
        self.total = total
        self.free = min(free, total)
    }
}
