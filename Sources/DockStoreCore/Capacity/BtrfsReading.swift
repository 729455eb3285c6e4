/// The raw figures the kernel gives for a mounted btrfs: SPACE_INFO per block group type
/// and profile, DEV_INFO per device, and from /sys/fs/btrfs/<uuid>/ the metadata
/// reservations, chunk size and per-device error counters. Plain data, so the capacity
/// math is tested against recorded figures.
public struct BtrfsReading: Sendable, Equatable, Codable {
    public struct Space: Sendable, Equatable, Codable {
        /// BTRFS_BLOCK_GROUP_* and BTRFS_SPACE_INFO_GLOBAL_RSV bits.
        public var flags: UInt64
        public var total: UInt64
        public var used: UInt64

        public init(flags: UInt64, total: UInt64, used: UInt64) {
            self.flags = flags
            self.total = total
            self.used = used
        }

        public static let data: UInt64 = 1, system: UInt64 = 2, metadata: UInt64 = 4
        public static let globalReserve: UInt64 = 1 << 49

        public var isGlobalReserve: Bool { flags & Self.globalReserve != 0 }

        /// Copies kept of each byte: 2 for DUP, RAID1, RAID10; 3 and 4 for RAID1C3/C4; 1 otherwise.
        public var ratio: UInt64 {
            if flags & (1 << 10) != 0 { return 4 }
            if flags & (1 << 9) != 0 { return 3 }
            if flags & ((1 << 4) | (1 << 5) | (1 << 6)) != 0 { return 2 }
            return 1
        }
    }

    public struct Device: Sendable, Equatable, Codable {
        public var devid: UInt64
        public var path: String
        public var size: UInt64
        /// Bytes of chunks on this device (DEV_INFO bytes_used).
        public var used: UInt64
        public var errors: DeviceErrorCounters
        /// Why the error counters could not be read, when they could not.
        public var errorsUnreadable: String?
        /// The device's own UUID within the filesystem (DEV_INFO), its identity when the kernel
        /// name changes; nil where it was not read. Not part of the reports (left out of JSON).
        public var deviceUUID: String?
        /// The size of the block device itself (`BlockDeviceSize`); nil for a missing device or
        /// where it was not read. Below `size` when the device shrank under the filesystem: btrfs
        /// then writes past the device's end and the next mount fails.
        public var deviceBytes: UInt64?
        /// Why `deviceBytes` could not be read, when it could not.
        public var deviceBytesUnreadable: String?
        /// The kernel's name of the block device that is this member (`MemberDevices`), which
        /// `path` (the name it was added or scanned under) need not be; nil where not read.
        public var kernelName: String?

        /// The member as `/dev/KERNELNAME`, what the readers of loop devices and sizes go by
        /// (they read sysfs by that name); `path` where the kernel's name is not known.
        public var devicePath: String { kernelName.map { "/dev/\($0)" } ?? path }

        enum CodingKeys: String, CodingKey {
            case devid, path, size, used, errors, errorsUnreadable, deviceBytes
        }

        /// Bytes the filesystem claims on this device beyond its end (0 when it fits or is not known).
        public var shortfall: UInt64 {
            guard let deviceBytes, !isMissing, size > deviceBytes else { return 0 }
            return size - deviceBytes
        }

        public init(devid: UInt64, path: String, size: UInt64, used: UInt64 = 0, errors: DeviceErrorCounters = [:]) {
            self.devid = devid
            self.path = path
            self.size = size
            self.used = used
            self.errors = errors
        }

        /// DEV_INFO names a device btrfs lists as missing with an empty path (older kernels
        /// with `<missing disk>`).
        public var isMissing: Bool { path.isEmpty || path == "<missing disk>" }
    }

    public var uuid: String
    public var spaces: [Space]
    public var devices: [Device]
    /// bytes_used + bytes_reserved + bytes_pinned + bytes_readonly + bytes_may_use of the
    /// metadata space (what the kernel's own overcommit check counts); nil without sysfs.
    public var metadataCommitted: UInt64?
    /// /sys/fs/btrfs/<uuid>/allocation/metadata/chunk_size; nil on older kernels.
    public var metadataChunkSize: UInt64?
    /// The subvolume mounted at the mountpoint and what locks it against writes
    /// (`BtrfsRootState`); nil when not read. Judged by check, not part of the reading's JSON.
    public var root: BtrfsRootState?
    /// Why `root` could not be read, when it could not.
    public var rootUnreadable: String?

    enum CodingKeys: String, CodingKey {
        case uuid, spaces, devices, metadataCommitted, metadataChunkSize
    }

    public init(uuid: String, spaces: [Space], devices: [Device], metadataCommitted: UInt64? = nil,
                metadataChunkSize: UInt64? = nil) {
        self.uuid = uuid
        self.spaces = spaces
        self.devices = devices
        self.metadataCommitted = metadataCommitted
        self.metadataChunkSize = metadataChunkSize
    }
}

/// For a loop image store: what the host filesystem under the image can still back.
public struct HostBacking: Sendable, Equatable, Codable {
    public var image: String
    public var apparentBytes: UInt64
    public var allocatedBytes: UInt64
    public var hostAvailableBytes: UInt64

    public init(image: String, apparentBytes: UInt64, allocatedBytes: UInt64, hostAvailableBytes: UInt64) {
        self.image = image
        self.apparentBytes = apparentBytes
        self.allocatedBytes = allocatedBytes
        self.hostAvailableBytes = hostAvailableBytes
    }

    /// What the image promises beyond what it already occupies (apparent − allocated).
    public var unbackedPromise: UInt64 { apparentBytes > allocatedBytes ? apparentBytes - allocatedBytes : 0 }
}
